"""What the pad is doing, judged from its frames alone: occupancy, weight, sample rate, calibration.

`PadMonitor` is fed every accepted frame (after `protocol.FrameSequencer`). It keeps only small
rolling windows, so the per-frame cost stays flat. The integration combines its `occupied` flag with
the MQTT status topic and the test runner through `pad_state()` into the `PadState` shown to users.

Times are the pad's device clock (`Frame.t_first_s` plus the sample index over `rate_hz`); a clock
that jumps backwards (pad reboot) resets every window.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import cast

from ..wire.messages import CELL_ORDER, IDLE_BELOW_KG, Frame
from .corner_watch import CornerSummaries, CornerWatch, corner_summaries
from .frame_window import FrameTotals, joined_following, median_of_sorted

OCCUPIED_MIN_KG = IDLE_BELOW_KG
"""Total load at or above which someone is on the pad: where the firmware leaves idle mode."""
_AT_LEAST_OCCUPIED = float(OCCUPIED_MIN_KG).__le__
"""Whether a total load (kg) is at least `OCCUPIED_MIN_KG` (counted in C, without a loop)."""

WEIGHT_WINDOW_S = 1.0
"""Live weight and occupancy are the median total load over this much of the latest samples."""

WEIGHT_DECIMALS = 1
"""The live weight is shown to 0.1 kg (`PadMonitor.shown_weight_kg`)."""

RATE_WINDOW_S = 2.0
"""The measured sample rate counts the samples received over about this long."""

RATE_DECIMALS = 1
"""The measured sample rate is shown to 0.1 Hz."""

IDLE_FRAME_GAP_S = 0.5
"""A single-sample frame arriving this long after the previous one is an idle-mode frame."""

EMPTY_OFFSET_LIMIT_KG = 3.0
"""An empty pad reading more than this (either sign) in total has drifted from its tare."""

EMPTY_OFFSET_DURATION_S = 60.0
"""How long the empty pad must read off-zero before it is reported (not a bag set down briefly)."""

DEAD_CORNER_DURATION_S = 5.0
"""How long a corner must stay dead (zero, missing or frozen) under load before it is reported."""


class PadState(StrEnum):
    """What the pad is doing, as shown to users."""

    OFFLINE = "offline"
    IDLE = "idle"
    OCCUPIED = "occupied"
    WAITING_FOR_PERSON = "waiting_for_person"
    """A test is running and waits for someone to step on the pad."""
    TESTING = "testing"


class CalibrationIssueCode(StrEnum):
    """Stable codes for calibration problems (used as repair issue ids)."""

    EMPTY_NOT_ZERO = "empty_not_zero"
    DEAD_CORNER = "dead_corner"


@dataclass(frozen=True, slots=True, kw_only=True)
class CalibrationIssue:
    """A suspected calibration problem, with a stable code and a sentence for the user."""

    code: CalibrationIssueCode
    message: str
    corner: str | None = None


def pad_state(
    *, online: bool, occupied: bool, testing: bool, waiting_for_person: bool = False
) -> PadState:
    """Combine the status topic, the monitor and the test runner into the state shown to users.

    `waiting_for_person`: the running test waits for someone to step on (the test's own view,
    `StancePhase.WAITING_FOR_PERSON`, not the monitor's occupancy).
    """
    if not online:
        return PadState.OFFLINE
    if testing:
        return PadState.WAITING_FOR_PERSON if waiting_for_person else PadState.TESTING
    return PadState.OCCUPIED if occupied else PadState.IDLE


class PadMonitor:
    """Occupancy, live weight, measured sample rate and calibration checks from the frame stream.

    Feed it every accepted frame. All decisions use the pad's own clock, never wall time, so a
    burst of delayed frames is judged by when the samples were taken.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget everything (the pad rebooted, or its clock jumped back)."""
        self._totals: deque[FrameTotals] = deque()
        self._totals_count = 0  # finite totals in the window
        self._totals_at_least_occupied = 0
        self._weight_kg: float | None = None
        self._weight_stale = False
        self._shown_weight_kg: float | None = None
        self._rate_frames: deque[tuple[float, int]] = deque()
        self._rate_samples = 0
        self._last_end_s: float | None = None
        self._rate_hz: float | None = None
        self._idle = False
        self._offset_since_s: float | None = None
        self._offset_issue: CalibrationIssue | None = None
        self._corner_watches = tuple(CornerWatch() for _ in CELL_ORDER)
        self._corner_issue: CalibrationIssue | None = None

    @property
    def weight_kg(self) -> float | None:
        """Median total load over the last second (kg), or None before any complete sample."""
        if self._weight_stale:
            # Worked out when asked for (about once a second), not for every frame.
            in_window_kg: list[float] = []
            for totals in self._totals:
                in_window_kg.extend(totals.finite_kg())
            in_window_kg.sort()
            self._weight_kg = median_of_sorted(in_window_kg)
            self._weight_stale = False
        return self._weight_kg

    @property
    def shown_weight_kg(self) -> float | None:
        """The weight to show people: `weight_kg` to `WEIGHT_DECIMALS`, held while it stays close.

        The shown value moves only when the median has moved a whole step (0.1 kg) away from it,
        so cell noise around a rounding boundary does not change it (and Home Assistant does not
        record a new state) every second while someone stands still.
        """
        weight_kg = self.weight_kg
        shown_kg = self._shown_weight_kg
        if weight_kg is None:
            shown_kg = None
        elif shown_kg is None or abs(weight_kg - shown_kg) >= 10.0**-WEIGHT_DECIMALS:
            shown_kg = round(weight_kg, WEIGHT_DECIMALS) + 0.0  # + 0.0: no "-0.0"
        self._shown_weight_kg = shown_kg
        return shown_kg

    @property
    def occupied(self) -> bool:
        """True while the median total load over the last second is at least `OCCUPIED_MIN_KG`."""
        count = self._totals_count
        at_least = self._totals_at_least_occupied
        # The median is at least the threshold when more than half of the samples are; only
        # an even count split exactly in half needs the median itself.
        if 2 * at_least != count:
            return 2 * at_least > count
        weight_kg = self.weight_kg
        return weight_kg is not None and weight_kg >= OCCUPIED_MIN_KG

    @property
    def idle_mode(self) -> bool:
        """True while the pad sends idle-mode frames (one single-sample frame per second)."""
        return self._idle

    @property
    def measured_rate_hz(self) -> float | None:
        """Samples received per second of device time while streaming at full rate.

        Idle-mode frames neither count nor reset the last value, so the sensor keeps showing the
        streaming rate while nobody stands on the pad. Lost frames lower the figure, as they should.
        """
        return self._rate_hz

    @property
    def calibration_issue(self) -> CalibrationIssue | None:
        """The most serious current calibration issue (a dead corner first), or None."""
        return self._corner_issue or self._offset_issue

    @property
    def calibration_issues(self) -> tuple[CalibrationIssue, ...]:
        """Every current calibration issue."""
        return tuple(issue for issue in (self._corner_issue, self._offset_issue) if issue)

    def feed_all(self, frames: Sequence[Frame]) -> None:
        """Take accepted frames in order, each run of frames that follow on each other as one.

        Fed a second of frames at once, the monitor does its per-frame work once instead of eight
        times; the cell checks then judge a second of samples at a time.
        """
        for frame in joined_following(frames):
            self.feed(frame)

    def feed(self, frame: Frame) -> None:
        """Take one accepted frame."""
        cells_kg = frame.cells_kg
        if cells_kg.ndim != 2 or cells_kg.shape[1] != 4 or cells_kg.shape[0] == 0:
            raise ValueError(f"cells_kg must have shape (n, 4) with n >= 1, got {cells_kg.shape}")
        rate_hz = frame.rate_hz
        if not rate_hz > 0:
            raise ValueError(f"rate_hz must be positive, got {rate_hz}")
        n = cells_kg.shape[0]
        start_s = frame.t_first_s
        end_s = start_s + (n - 1) / rate_hz
        if self._last_end_s is not None and start_s < self._last_end_s:
            self.reset()
        gap_s = None if self._last_end_s is None else start_s - self._last_end_s
        self._last_end_s = end_s

        self._idle = n == 1 and gap_s is not None and gap_s >= IDLE_FRAME_GAP_S
        # Totals per sample in plain Python floats: cheaper than NumPy calls on a few dozen.
        samples = cast(list[list[float]], cells_kg.tolist())
        totals_kg = [tl + tr + bl + br for tl, tr, bl, br in samples]
        # No reading is missing (NaN) or infinite, the usual case: cheaper summaries.
        complete = math.isfinite(sum(totals_kg))
        self._update_rate(start_s, n)
        self._update_weight(totals_kg, complete, start_s, end_s, rate_hz)
        self._check_empty_offset(start_s, end_s)
        self._check_corners(corner_summaries(cells_kg, complete=complete), start_s, end_s)

    def _update_rate(self, start_s: float, n: int) -> None:
        frames = self._rate_frames
        if self._idle:
            frames.clear()
            self._rate_samples = 0
            return
        frames.append((start_s, n))
        self._rate_samples += n
        while start_s - frames[0][0] > RATE_WINDOW_S:
            self._rate_samples -= frames.popleft()[1]
        span_s = start_s - frames[0][0]
        if len(frames) >= 2 and span_s > 0:
            # The samples from the oldest frame up to (not including) the newest one span span_s.
            self._rate_hz = (self._rate_samples - n) / span_s

    def _update_weight(
        self, totals_kg: list[float], complete: bool, start_s: float, end_s: float, rate_hz: float
    ) -> None:
        finite_kg = (
            totals_kg
            if complete
            else [total_kg for total_kg in totals_kg if math.isfinite(total_kg)]
        )
        at_least = sum(map(_AT_LEAST_OCCUPIED, finite_kg))
        window = self._totals
        window.append(FrameTotals(start_s, rate_hz, totals_kg, len(finite_kg), at_least))
        self._totals_count += len(finite_kg)
        self._totals_at_least_occupied += at_least
        # Samples a second or more older than the newest leave: whole frames, then the first
        # samples of the oldest frame left.
        while end_s - window[0].last_time_s >= WEIGHT_WINDOW_S:
            gone = window.popleft()
            self._totals_count -= gone.count
            self._totals_at_least_occupied -= gone.at_least
        oldest = window[0]
        while end_s - oldest.time_s(oldest.first) >= WEIGHT_WINDOW_S:
            total_kg = oldest.totals_kg[oldest.first]
            oldest.first += 1
            if math.isfinite(total_kg):
                oldest.count -= 1
                self._totals_count -= 1
                if total_kg >= OCCUPIED_MIN_KG:
                    oldest.at_least -= 1
                    self._totals_at_least_occupied -= 1
        self._weight_stale = True

    def _check_empty_offset(self, start_s: float, end_s: float) -> None:
        weight_kg = None if self.occupied else self.weight_kg
        if weight_kg is None:
            self._offset_since_s = None
            return
        if abs(weight_kg) <= EMPTY_OFFSET_LIMIT_KG:
            self._offset_since_s = None
            self._offset_issue = None
            return
        if self._offset_since_s is None:
            self._offset_since_s = start_s
        if end_s - self._offset_since_s > EMPTY_OFFSET_DURATION_S and self._offset_issue is None:
            # Raised once with the reading at that moment; the issue stays equal while it lasts.
            self._offset_issue = CalibrationIssue(
                code=CalibrationIssueCode.EMPTY_NOT_ZERO,
                message=(
                    f"The empty pad reads {weight_kg:+.1f} kg instead of about 0 kg for over "
                    f"{EMPTY_OFFSET_DURATION_S:.0f} s: clear the pad and tare it."
                ),
            )

    def _check_corners(self, corners: CornerSummaries, start_s: float, end_s: float) -> None:
        counts, means_kg, lows_kg, highs_kg = corners
        total_kg = sum(means_kg)
        worst: tuple[float, int] | None = None
        for index, watch in enumerate(self._corner_watches):
            others_kg = total_kg - means_kg[index]
            if others_kg < OCCUPIED_MIN_KG:
                # Nobody on the pad: an empty corner reading 0 is normal; judge it next time.
                watch.reset()
                continue
            dead_s = watch.update(
                counts[index],
                means_kg[index],
                lows_kg[index],
                highs_kg[index],
                start_s,
                end_s,
            )
            if dead_s > DEAD_CORNER_DURATION_S and (worst is None or dead_s > worst[0]):
                worst = (dead_s, index)
            elif (
                dead_s == 0.0
                and self._corner_issue
                and self._corner_issue.corner == CELL_ORDER[index]
            ):
                self._corner_issue = None
        current = self._corner_issue
        if worst is not None and (current is None or current.corner != CELL_ORDER[worst[1]]):
            corner = CELL_ORDER[worst[1]]
            reason = self._corner_watches[worst[1]].reason
            self._corner_issue = CalibrationIssue(
                code=CalibrationIssueCode.DEAD_CORNER,
                corner=corner,
                message=(
                    f"The {corner} load cell {reason} while the others "
                    f"carry a person's weight: check its wiring and calibration."
                ),
            )
