"""Stance detector before the hold: waiting for the person, then settling.

The person has settled when total load and COP stayed within small ranges for ``settle_s`` (the
steady window, ``docs/detection.md``). A trial that follows another one in a check first waits
for the person to move their feet (`Repositioning`) and dates the end of that move from the kept
samples, so that the test does not start on its tail.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .stance_config import DetectorConfig
from .stance_result import StanceTest
from .stance_trace import SmoothedCop, StanceTrace, TraceSamples

MOVE_LOOKBACK_S = 1.0
"""How far before a repositioning was noticed its excursion is searched for."""
MOVE_MIN_FRACTION = 0.5
"""A repositioning is dated only if its COP excursion was this fraction of the shift rule."""


@dataclass(slots=True)
class SteadyWindow:
    """The samples since load and COP last moved: count, sums and ranges."""

    anchor_s: float = 0.0
    count: int = 0
    """0: the next sample starts a new window."""
    sum_kg: float = 0.0
    sum_ap: float = 0.0
    sum_ml: float = 0.0
    min_kg: float = 0.0
    max_kg: float = 0.0
    min_ap: float = 0.0
    max_ap: float = 0.0
    min_ml: float = 0.0
    max_ml: float = 0.0

    def restart(self, time_s: float, total_kg: float, ap_cm: float, ml_cm: float) -> None:
        """Start a new window at this sample."""
        self.anchor_s = time_s
        self.count = 1
        self.sum_kg, self.sum_ap, self.sum_ml = total_kg, ap_cm, ml_cm
        self.min_kg = self.max_kg = total_kg
        self.min_ap = self.max_ap = ap_cm
        self.min_ml = self.max_ml = ml_cm

    def add(self, total_kg: float, ap_cm: float, ml_cm: float) -> None:
        """Grow the window by one sample."""
        self.count += 1
        self.sum_kg += total_kg
        self.sum_ap += ap_cm
        self.sum_ml += ml_cm
        self.min_kg, self.max_kg = min(self.min_kg, total_kg), max(self.max_kg, total_kg)
        self.min_ap, self.max_ap = min(self.min_ap, ap_cm), max(self.max_ap, ap_cm)
        self.min_ml, self.max_ml = min(self.min_ml, ml_cm), max(self.max_ml, ml_cm)

    def too_wide(self, mean_kg: float, config: DetectorConfig) -> bool:
        """Whether load or COP moved more than settling allows."""
        return (
            self.max_kg - self.min_kg > config.settle_load_range_fraction * mean_kg
            or self.max_ap - self.min_ap > config.settle_ap_range_cm
            or self.max_ml - self.min_ml > config.settle_ml_range_cm
        )

    def refill(self, samples: TraceSamples, config: DetectorConfig) -> bool:
        """Make ``samples`` (at least one good one) the window if they are steady; say if so."""
        time_s, ap_cm, ml_cm, total_kg, _, usable = samples
        good = usable & np.isfinite(ap_cm) & np.isfinite(ml_cm)
        ap_cm, ml_cm, total_kg = ap_cm[good], ml_cm[good], total_kg[good]
        min_kg, max_kg = float(np.min(total_kg)), float(np.max(total_kg))
        min_ap, max_ap = float(np.min(ap_cm)), float(np.max(ap_cm))
        min_ml, max_ml = float(np.min(ml_cm)), float(np.max(ml_cm))
        sum_kg = float(np.sum(total_kg))
        if (
            max_kg - min_kg > config.settle_load_range_fraction * sum_kg / total_kg.size
            or max_ap - min_ap > config.settle_ap_range_cm
            or max_ml - min_ml > config.settle_ml_range_cm
        ):
            return False
        self.anchor_s = float(time_s[good][0])
        self.count = int(total_kg.size)
        self.sum_kg, self.sum_ap, self.sum_ml = sum_kg, float(np.sum(ap_cm)), float(np.sum(ml_cm))
        self.min_kg, self.max_kg = min_kg, max_kg
        self.min_ap, self.max_ap = min_ap, max_ap
        self.min_ml, self.max_ml = min_ml, max_ml
        return True


@dataclass(slots=True)
class Repositioning:
    """Where the person stood when the test began, until they have moved their feet."""

    done: bool
    seen_empty: bool = False
    from_kg: float | None = None
    from_ap_cm: float = 0.0
    from_ml_cm: float = 0.0
    moved_at_s: float | None = None
    """When the move was noticed, until the end of the move has been dated."""

    def has_moved(self, total_kg: float, cop: SmoothedCop, config: DetectorConfig) -> bool:
        """Whether COP or load left the starting posture by a repositioning's size."""
        from_kg = self.from_kg
        assert from_kg is not None  # set at the first present sample, before settling
        return (
            math.hypot(cop.ap_cm - self.from_ap_cm, cop.ml_cm - self.from_ml_cm)
            >= config.reposition_shift_cm
            or abs(total_kg - from_kg) >= config.reposition_load_fraction * from_kg
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Settled:
    """How the person stood once settled: the reference of everything that follows."""

    at_s: float
    """When the person counted as settled (the hold of quiet and tandem stance starts here)."""
    window_start_s: float
    body_mass_kg: float
    base_ap_cm: float
    base_ml_cm: float


class Settling:
    """Presence, repositioning and the steady window, from waiting until settled."""

    def __init__(
        self, test: StanceTest, config: DetectorConfig, *, requires_repositioning: bool
    ) -> None:
        """Wait for the person; ``requires_repositioning`` as for the detector."""
        self._test = test
        self._config = config
        self.window = SteadyWindow()
        self.repositioning = Repositioning(done=not requires_repositioning)
        self.stepped_on_s: float | None = None
        self.absent_since_s: float | None = None
        self.too_light_kg: float | None = None
        """The mean load of the last window that was too light to settle, while it lasts."""

    def step_on(
        self, time_s: float, total_kg: float, ap_cm: float, ml_cm: float, cop: SmoothedCop
    ) -> None:
        """Take the first present sample: note the posture (or the move onto the pad), start."""
        moving = self.repositioning
        if moving.seen_empty:
            moving.done = True  # stepping onto the pad moves the feet
        else:
            # On the pad from the first sample: the posture held since the last trial.
            moving.from_kg, moving.from_ap_cm, moving.from_ml_cm = total_kg, ap_cm, ml_cm
        self.stepped_on_s = time_s
        self.absent_since_s = None
        self.window.restart(time_s, total_kg, cop.ap_cm, cop.ml_cm)

    def left(self, time_s: float) -> bool:
        """Take an absent sample before the hold; return whether the person has left for good."""
        if self.absent_since_s is None:
            self.absent_since_s = time_s
            return False
        return time_s - self.absent_since_s >= self._config.leave_confirm_s

    def wait_again(self) -> None:
        """Wait for someone to step on again: the person left before the hold started."""
        self.repositioning.seen_empty = True
        self.stepped_on_s = None
        self.absent_since_s = None

    def sample(
        self, time_s: float, total_kg: float, cop: SmoothedCop, trace: StanceTrace
    ) -> Settled | None:
        """Grow the steady window, restart it when load or COP move; return once settled."""
        cfg = self._config
        window = self.window
        moving = self.repositioning
        if not moving.done:
            if not moving.has_moved(total_kg, cop, cfg):
                return None
            moving.done = True
            moving.moved_at_s = time_s
            window.count = 0  # settling counts only after the move
        if window.count == 0:
            window.restart(time_s, total_kg, cop.ap_cm, cop.ml_cm)
            return None
        window.add(total_kg, cop.ap_cm, cop.ml_cm)
        mean_kg = window.sum_kg / window.count
        if window.too_wide(mean_kg, cfg):
            window.restart(time_s, total_kg, cop.ap_cm, cop.ml_cm)
            return None
        if time_s - window.anchor_s < cfg.settle_s:
            return None
        settled_at_s = time_s
        if moving.moved_at_s is not None:
            moved_at_s, moving.moved_at_s = moving.moved_at_s, None
            rest_s = self._move_end_s(moved_at_s, time_s, trace)
            if rest_s is not None and window.refill(trace.between(rest_s, time_s + 1e-6), cfg):
                if time_s - window.anchor_s < cfg.settle_s:
                    return None  # the move ended later than the window began: wait for the rest
                settled_at_s = min(window.anchor_s + cfg.settle_s, time_s)
        mean_ml = window.sum_ml / window.count
        if mean_kg < cfg.min_body_mass_kg:
            self.too_light_kg = mean_kg
            window.restart(time_s, total_kg, cop.ap_cm, cop.ml_cm)
            return None
        if self._test is StanceTest.TANDEM and abs(mean_ml) > cfg.tandem_max_ml_offset_cm:
            window.restart(time_s, total_kg, cop.ap_cm, cop.ml_cm)
            return None
        self.too_light_kg = None
        return Settled(
            at_s=settled_at_s,
            window_start_s=settled_at_s - cfg.settle_s,
            body_mass_kg=mean_kg,
            base_ap_cm=window.sum_ap / window.count,
            base_ml_cm=mean_ml,
        )

    def _move_end_s(self, moved_at_s: float, now_s: float, trace: StanceTrace) -> float | None:
        """When the repositioning move came to rest, or ``None`` if it cannot be dated.

        The distance ``d`` of the COP from the steady window's mean is the move's way home. Its
        last excursion ``P`` (the largest distance since shortly before the move was noticed) is
        taken as an S-curve back to rest, as for the lift: ``d`` last stood at ``3P/4`` at
        ``t25``, first reaches ``P/4`` after it at ``t75``, and the move ends at
        ``t75 + (t75 − t25)``. The tail of a move lies inside the steady window's limits, so the
        window alone would start the test up to a few tenths of a second early.
        """
        # The steady window lies inside this span, so there is at least one good sample.
        time_s, ap_cm, ml_cm, _, _, usable = trace.between(
            moved_at_s - MOVE_LOOKBACK_S, now_s + 1e-6
        )
        good = usable & np.isfinite(ap_cm) & np.isfinite(ml_cm)
        time_s = time_s[good]
        window = self.window
        distance_cm = np.hypot(
            ap_cm[good] - window.sum_ap / window.count, ml_cm[good] - window.sum_ml / window.count
        )
        peak_cm = float(np.max(distance_cm))
        if peak_cm < MOVE_MIN_FRACTION * self._config.reposition_shift_cm:
            return None  # a load transient without a COP move: nothing to date
        i25 = int(np.flatnonzero(distance_cm >= 0.75 * peak_cm)[-1])
        way_home = distance_cm[i25:]
        # First within P/4 of rest (or, had sway kept it further, where it came closest).
        i75 = i25 + int(np.argmax(way_home <= max(0.25 * peak_cm, float(np.min(way_home)))))
        t25, t75 = float(time_s[i25]), float(time_s[i75])
        return min(t75 + (t75 - t25), now_s)
