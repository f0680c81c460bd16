"""Live stance-test detector: a small state machine fed one pad frame at a time.

A test runs ``waiting_for_person → settling → (ready →) holding → finished``. Quiet and tandem
stance start as soon as the person has stood still for a settling period; single-leg stance
starts when the centre of pressure (COP) moves sideways to under the stance foot and stays there
(the other foot left the floor). The hold ends at the cap, when the lifted foot touches down or
the stance breaks (a COP jump), when the person steps off or grabs support (the load drops), or
when the stream stops. Timing follows the single-leg protocol of Springer et al. 2007 (J Geriatr
Phys Ther 30:8); every rule and threshold is explained in ``docs/detection.md``.

Per sample the detector does a handful of float operations on incremental state; the held part
of the COP trace is kept (one array per frame) and analysed once, when the test ends.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from ..arrays import FloatArray
from ..signal.cop import WII_BALANCE_BOARD, PadGeometry, as_corner_rows, centre_of_pressure
from ..signal.filtering import lowpass_zero_phase
from ..signal.measures import MIN_SAMPLES, SwayMeasures, sway_measures
from ..wire.protocol import MAX_ABS_LOAD_KG
from .stance_config import DetectorConfig
from .stance_result import (
    ABORTING_REASONS,
    EndReason,
    QualityFlag,
    StanceEvent,
    StanceEventKind,
    StancePhase,
    StanceResult,
    StanceTest,
)

__all__ = [
    "DetectorConfig",
    "EndReason",
    "QualityFlag",
    "StanceDetector",
    "StanceEvent",
    "StanceEventKind",
    "StancePhase",
    "StanceResult",
    "StanceTest",
]

BoolArray = npt.NDArray[np.bool_]

FILTER_ORDER = 4
FAST_MOVE_START = 0.25
"""A fast move starts where it first covers this fraction of the jump threshold."""
LIFT_LOOKBACK_S = 1.5
"""How far before the lift candidate the weight shift is searched for its beginning."""
MOVE_LOOKBACK_S = 1.0
"""How far before a repositioning was noticed its excursion is searched for."""
MOVE_MIN_FRACTION = 0.5
"""A repositioning is dated only if its COP excursion was this fraction of the shift rule."""


@dataclass(slots=True)
class _Frame:
    """One fed frame, kept so that the held part can be analysed when the test ends."""

    time_s: FloatArray
    ap_cm: FloatArray
    ml_cm: FloatArray
    total_kg: FloatArray
    finite: BoolArray
    usable: BoolArray


class StanceDetector:
    """Times one stance test from a stream of corner-load frames (see the module docstring)."""

    def __init__(
        self,
        test: StanceTest,
        config: DetectorConfig | None = None,
        geometry: PadGeometry = WII_BALANCE_BOARD,
        *,
        requires_repositioning: bool = False,
    ) -> None:
        """Prepare to time ``test`` with ``config`` (default rules if ``None``) on ``geometry``.

        ``requires_repositioning``: the person is already on the pad in another posture (a trial
        that follows another one in a check); the test may only settle after they have moved
        their feet (see :attr:`repositioned`). Stepping onto the pad counts as moving.
        """
        try:
            self._test = StanceTest(test)
        except ValueError:
            allowed = ", ".join(member.value for member in StanceTest)
            raise ValueError(f"unknown stance test {test!r}; expected one of: {allowed}") from None
        if config is None:
            config = DetectorConfig()
        if not isinstance(config, DetectorConfig):
            raise ValueError(f"config must be a DetectorConfig, got {type(config).__name__}")
        if not isinstance(geometry, PadGeometry):
            raise ValueError(f"geometry must be a PadGeometry, got {type(geometry).__name__}")
        if not isinstance(requires_repositioning, bool):
            raise ValueError(
                f"requires_repositioning must be True or False, got {requires_repositioning!r}"
            )
        self._config = config
        self._geometry = geometry
        self._side = {StanceTest.SINGLE_LEG_LEFT: -1.0, StanceTest.SINGLE_LEG_RIGHT: 1.0}.get(
            self._test, 0.0
        )
        self._quiet = self._test.is_quiet
        self._phase = StancePhase.WAITING_FOR_PERSON
        self._result: StanceResult | None = None
        self._events: list[StanceEvent] = []
        self._frames: list[_Frame] = []
        # Clock and signal.
        self._rate_hz = 0.0
        self._first_s: float | None = None
        self._last_s: float | None = None
        self._last_valid_s: float | None = None
        self._last_total_kg: float | None = None
        self._spike_run = 0
        # Smoothed COP.
        self._alpha = 1.0
        self._beta = 0.0
        self._smoothed = False
        self._ap_cm = 0.0
        self._ml_cm = 0.0
        # Repositioning: where the person stood when this test began, until they have moved.
        self._requires_repositioning = requires_repositioning
        self._repositioned = not requires_repositioning
        self._seen_empty = False
        self._from_kg: float | None = None
        self._from_ap_cm = self._from_ml_cm = 0.0
        self._moved_at_s: float | None = None  # when the COP move was noticed, until dated
        # Presence and settling.
        self._stepped_on_s: float | None = None
        self._absent_since_s: float | None = None
        self._anchor_s = 0.0
        self._count = 0
        self._sum_kg = self._sum_ap = self._sum_ml = 0.0
        self._min_kg = self._max_kg = 0.0
        self._min_ap = self._max_ap = self._min_ml = self._max_ml = 0.0
        self._too_light_kg: float | None = None
        self._body_mass_kg = 0.0
        self._base_ap_cm = 0.0
        self._base_ml_cm = 0.0
        # Single-leg lift.
        self._settled_s = 0.0  # start of the steady window that settled
        self._settled_at_s = 0.0
        self._lift_candidate_s: float | None = None
        # Hold.
        self._start_s: float | None = None
        self._ref_a = 0.0
        self._ref_b = 0.0
        self._var_a = 0.0
        self._var_b = 0.0
        self._n = 0
        self._mean = [0.0, 0.0]
        self._m2 = [0.0, 0.0]
        self._prior_n = 1.0
        self._prior_m2 = 0.0
        self._recent: deque[tuple[float, float, float]] = deque(maxlen=1)
        self._jump_fast = self._fast_before = False
        self._low_since_s: float | None = None
        self._low_onset_s: float | None = None
        self._jump_since_s: float | None = None
        self._jump_onset_s: float | None = None

    @property
    def test(self) -> StanceTest:
        """The test this detector times."""
        return self._test

    @property
    def config(self) -> DetectorConfig:
        """The rules in use."""
        return self._config

    @property
    def phase(self) -> StancePhase:
        """Where the test is now."""
        return self._phase

    @property
    def requires_repositioning(self) -> bool:
        """Whether this test waits for the person to move their feet before it can settle."""
        return self._requires_repositioning

    @property
    def repositioned(self) -> bool:
        """False while a required repositioning has not been seen yet (True if none is required)."""
        return self._repositioned

    @property
    def body_mass_kg(self) -> float | None:
        """Body mass measured while settling, once known."""
        return self._body_mass_kg if self._body_mass_kg > 0 else None

    @property
    def elapsed_s(self) -> float:
        """Hold time so far (0 before the hold starts; the final hold time once finished)."""
        if self._result is not None:
            return self._result.hold_time_s
        if self._start_s is None or self._last_s is None:
            return 0.0
        return min(max(self._last_s - self._start_s, 0.0), self._config.cap_s)

    @property
    def result(self) -> StanceResult | None:
        """The result once the test has finished, else ``None``."""
        return self._result

    def feed(self, cells_kg: npt.ArrayLike, t_first_s: float, rate_hz: float) -> list[StanceEvent]:
        """Process one frame of corner loads ``(n, 4)`` (tl, tr, bl, br; NaN = missed reading).

        ``t_first_s`` is the pad-clock time of the first sample, ``rate_hz`` the sampling rate.
        Returns the events the frame caused, in time order. After the test has finished, frames
        are ignored.
        """
        loads = _corner_rows(cells_kg)
        t0, rate = _clock(t_first_s, rate_hz)
        if self._phase is StancePhase.FINISHED or loads.shape[0] == 0:
            return []
        period_s = 1.0 / rate
        if self._last_s is not None and t0 <= self._last_s - period_s:
            raise ValueError(
                f"frame starts at {t0:.4f} s, before the previous sample at {self._last_s:.4f} s; "
                "feed frames in time order"
            )
        if rate != self._rate_hz:
            self._rate_hz = rate
            self._alpha = 1.0 - math.exp(-period_s / self._config.smoothing_s)
            self._beta = 1.0 - math.exp(-period_s / self._config.reference_tracking_s)
        if self._first_s is None:
            self._first_s = t0
        self._events = []

        times = t0 + np.arange(loads.shape[0]) * period_s
        trace = centre_of_pressure(loads, self._geometry, min_total_kg=self._config.presence_kg)
        finite: BoolArray = np.asarray(~np.isnan(loads).any(axis=1))
        # NaN compares False, so a usable sample is also a finite one.
        usable: BoolArray = np.asarray((loads >= self._config.negative_corner_kg).all(axis=1))
        self._frames.append(_Frame(times, trace.ap_cm, trace.ml_cm, trace.total_kg, finite, usable))

        jump_kg = self._config.jump_kg
        # Plain Python floats: per-sample NumPy scalar arithmetic would cost ten times more.
        ok = cast(list[bool], usable.tolist())
        totals = cast(list[float], trace.total_kg.tolist())
        aps = cast(list[float], trace.ap_cm.tolist())
        mls = cast(list[float], trace.ml_cm.tolist())
        sample_times = cast(list[float], times.tolist())
        for i, time_s in enumerate(sample_times):
            self._last_s = time_s
            if not ok[i]:
                continue
            total = totals[i]
            last_total = self._last_total_kg
            if last_total is not None and abs(total - last_total) > jump_kg and self._spike_run < 2:
                # A lone spike is ignored; a third jump in a row is taken as a real new level.
                self._spike_run += 1
                usable[i] = False
                continue
            self._spike_run = 0
            self._sample(time_s, total, aps[i], mls[i])
            if self._result is not None:
                break
        if self._result is None:
            self._after_frame(sample_times[-1])
        if self._phase is StancePhase.WAITING_FOR_PERSON:
            self._frames.clear()
        return self._events

    def cancel(self, time_s: float) -> StanceResult:
        """End the test now (``cancelled``); returns the result (the existing one if finished)."""
        if self._result is not None:
            return self._result
        if isinstance(time_s, bool) or not isinstance(time_s, int | float):
            raise ValueError(f"time_s must be a number, got {time_s!r}")
        if not math.isfinite(time_s):
            raise ValueError(f"time_s must be finite, got {time_s!r}")
        self._events = []
        return self._finish(EndReason.CANCELLED, float(time_s))

    def lose_signal(self) -> StanceResult:
        """End the test because frames stopped arriving (``signal_lost``) at the last good sample.

        For the integration's watchdog when no frame comes at all; a gap inside the stream is
        detected by :meth:`feed` itself.
        """
        if self._result is not None:
            return self._result
        self._events = []
        end_s = self._last_valid_s if self._last_valid_s is not None else (self._last_s or 0.0)
        return self._finish(EndReason.SIGNAL_LOST, end_s)

    # -- per sample ------------------------------------------------------------------------

    def _sample(self, time_s: float, total_kg: float, ap_cm: float, ml_cm: float) -> None:
        """Advance the state machine by one usable sample."""
        cfg = self._config
        last = self._last_valid_s
        if last is not None and time_s - last > cfg.max_gap_s:
            self._on_long_gap(last)
            if self._phase is StancePhase.FINISHED:
                return
        self._last_valid_s = time_s
        self._last_total_kg = total_kg
        present = total_kg >= cfg.presence_kg
        if present:
            if self._smoothed:
                self._ap_cm += self._alpha * (ap_cm - self._ap_cm)
                self._ml_cm += self._alpha * (ml_cm - self._ml_cm)
            else:
                self._ap_cm, self._ml_cm, self._smoothed = ap_cm, ml_cm, True
        else:
            self._smoothed = False

        phase = self._phase
        if phase is StancePhase.HOLDING:
            self._hold_sample(time_s, total_kg, present)
        elif phase is StancePhase.WAITING_FOR_PERSON:
            if not present:
                self._seen_empty = True
            else:
                if self._seen_empty:
                    self._repositioned = True  # stepping onto the pad moves the feet
                else:
                    # On the pad from the first sample: the posture held since the last trial.
                    self._from_kg, self._from_ap_cm, self._from_ml_cm = total_kg, ap_cm, ml_cm
                self._stepped_on_s = time_s
                self._absent_since_s = None
                self._phase = StancePhase.SETTLING
                self._emit(StanceEventKind.STEPPED_ON, time_s)
                self._restart_settling(time_s, total_kg)
        elif not present:
            if self._absent_since_s is None:
                self._absent_since_s = time_s
            elif time_s - self._absent_since_s >= cfg.leave_confirm_s:
                self._back_to_waiting()
        else:
            self._absent_since_s = None
            if phase is StancePhase.SETTLING:
                self._settle_sample(time_s, total_kg)
            else:
                self._ready_sample(time_s)

    def _settle_sample(self, time_s: float, total_kg: float) -> None:
        """Grow the steady window, restart it when load or COP move, settle when it is long."""
        cfg = self._config
        if not self._repositioned:
            if not self._has_moved(total_kg):
                return
            self._repositioned = True
            self._moved_at_s = time_s
            self._count = 0  # settling counts only after the move
        if self._count == 0:
            self._restart_settling(time_s, total_kg)
            return
        ap, ml = self._ap_cm, self._ml_cm
        self._count += 1
        self._sum_kg += total_kg
        self._sum_ap += ap
        self._sum_ml += ml
        self._min_kg, self._max_kg = min(self._min_kg, total_kg), max(self._max_kg, total_kg)
        self._min_ap, self._max_ap = min(self._min_ap, ap), max(self._max_ap, ap)
        self._min_ml, self._max_ml = min(self._min_ml, ml), max(self._max_ml, ml)
        mean_kg = self._sum_kg / self._count
        if (
            self._max_kg - self._min_kg > cfg.settle_load_range_fraction * mean_kg
            or self._max_ap - self._min_ap > cfg.settle_ap_range_cm
            or self._max_ml - self._min_ml > cfg.settle_ml_range_cm
        ):
            self._restart_settling(time_s, total_kg)
            return
        if time_s - self._anchor_s < cfg.settle_s:
            return
        settled_at_s = time_s
        if self._moved_at_s is not None:
            moved_at_s, self._moved_at_s = self._moved_at_s, None
            rest_s = self._move_end_s(moved_at_s, time_s)
            if rest_s is not None and self._reanchor(rest_s, time_s):
                if time_s - self._anchor_s < cfg.settle_s:
                    return  # the move ended later than the window began: wait for the rest
                settled_at_s = min(self._anchor_s + cfg.settle_s, time_s)
        mean_ml = self._sum_ml / self._count
        if mean_kg < cfg.min_body_mass_kg:
            self._too_light_kg = mean_kg
            self._restart_settling(time_s, total_kg)
            return
        if self._test is StanceTest.TANDEM and abs(mean_ml) > cfg.tandem_max_ml_offset_cm:
            self._restart_settling(time_s, total_kg)
            return
        self._too_light_kg = None
        self._body_mass_kg = mean_kg
        self._base_ap_cm = self._sum_ap / self._count
        self._base_ml_cm = mean_ml
        self._settled_s = settled_at_s - cfg.settle_s
        self._settled_at_s = settled_at_s
        self._emit(StanceEventKind.SETTLED, settled_at_s)
        if self._test.is_single_leg:
            self._phase = StancePhase.READY
            self._lift_candidate_s = None
        else:
            self._start_hold(settled_at_s, self._base_ml_cm, self._base_ap_cm)

    def _has_moved(self, total_kg: float) -> bool:
        """Whether COP or load left the posture this test began in by a repositioning's size."""
        cfg = self._config
        from_kg = self._from_kg
        assert from_kg is not None  # set at the first present sample, before settling
        return (
            math.hypot(self._ap_cm - self._from_ap_cm, self._ml_cm - self._from_ml_cm)
            >= cfg.reposition_shift_cm
            or abs(total_kg - from_kg) >= cfg.reposition_load_fraction * from_kg
        )

    def _move_end_s(self, moved_at_s: float, now_s: float) -> float | None:
        """When the repositioning move came to rest, or ``None`` if it cannot be dated.

        The distance ``d`` of the COP from the steady window's mean is the move's way home. Its
        last excursion ``P`` (the largest distance since shortly before the move was noticed) is
        taken as an S-curve back to rest, as for the lift: ``d`` last stood at ``3P/4`` at
        ``t25``, first reaches ``P/4`` after it at ``t75``, and the move ends at
        ``t75 + (t75 − t25)``. The tail of a move lies inside the steady window's limits, so the
        window alone would start the test up to a few tenths of a second early.
        """
        # The steady window lies inside this span, so there is at least one good sample.
        time_s, ap_cm, ml_cm, _, _, usable = self._samples_between(
            moved_at_s - MOVE_LOOKBACK_S, now_s + 1e-6
        )
        good = usable & np.isfinite(ap_cm) & np.isfinite(ml_cm)
        time_s = time_s[good]
        distance_cm = np.hypot(
            ap_cm[good] - self._sum_ap / self._count, ml_cm[good] - self._sum_ml / self._count
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

    def _reanchor(self, from_s: float, now_s: float) -> bool:
        """Restart the steady window at ``from_s`` if the kept samples since then are steady.

        Returns whether it did. The window may move back (it had restarted on the tail of the
        move) as well as forward (it had begun inside the tail).
        """
        cfg = self._config
        # ``from_s`` is at most ``now_s``, whose sample is good: never empty.
        time_s, ap_cm, ml_cm, total_kg, _, usable = self._samples_between(from_s, now_s + 1e-6)
        good = usable & np.isfinite(ap_cm) & np.isfinite(ml_cm)
        ap_cm, ml_cm, total_kg = ap_cm[good], ml_cm[good], total_kg[good]
        min_kg, max_kg = float(np.min(total_kg)), float(np.max(total_kg))
        min_ap, max_ap = float(np.min(ap_cm)), float(np.max(ap_cm))
        min_ml, max_ml = float(np.min(ml_cm)), float(np.max(ml_cm))
        sum_kg = float(np.sum(total_kg))
        if (
            max_kg - min_kg > cfg.settle_load_range_fraction * sum_kg / total_kg.size
            or max_ap - min_ap > cfg.settle_ap_range_cm
            or max_ml - min_ml > cfg.settle_ml_range_cm
        ):
            return False
        self._anchor_s = float(time_s[good][0])
        self._count = int(total_kg.size)
        self._sum_kg, self._sum_ap, self._sum_ml = (
            sum_kg,
            float(np.sum(ap_cm)),
            float(np.sum(ml_cm)),
        )
        self._min_kg, self._max_kg = min_kg, max_kg
        self._min_ap, self._max_ap = min_ap, max_ap
        self._min_ml, self._max_ml = min_ml, max_ml
        return True

    def _ready_sample(self, time_s: float) -> None:
        """Single-leg stance: wait for the COP to move under the stance foot and stay there."""
        cfg = self._config
        shift_cm = self._side * (self._ml_cm - self._base_ml_cm)
        candidate = self._lift_candidate_s
        if candidate is None:
            if shift_cm >= cfg.lift_shift_cm:
                self._lift_candidate_s = time_s
        elif shift_cm < cfg.lift_shift_cm - cfg.lift_hysteresis_cm:
            self._lift_candidate_s = None
        elif time_s - candidate >= cfg.lift_confirm_s:
            self._confirm_lift(candidate, time_s)

    def _confirm_lift(self, candidate_s: float, now_s: float) -> None:
        """Start the single-leg hold when the foot left the floor, found in the recent samples.

        The stance-foot position ``P`` is the mean shift over the last ``lift_plateau_s``. The
        weight shift is taken as a symmetric S-curve: it passes ``P/4`` at ``t25`` and ``3P/4``
        at ``t75`` and ends, with the foot leaving the floor, at ``t75 + (t75 − t25)``.
        """
        cfg = self._config
        time_s, _, ml_cm, total_kg, _, usable = self._samples_between(
            candidate_s - LIFT_LOOKBACK_S, now_s
        )
        good = usable & np.isfinite(ml_cm) & (time_s >= self._settled_s)
        shift_cm = self._side * (ml_cm[good] - self._base_ml_cm)
        time_s = time_s[good]
        held = time_s >= candidate_s
        if (
            float(np.mean(total_kg[good][held]))
            < (1.0 - cfg.step_off_fraction) * self._body_mass_kg
        ):
            # The other foot went to the floor beside the pad, not into the air.
            self._lift_candidate_s = None
            return
        recent = time_s >= now_s - cfg.lift_plateau_s
        # The candidate sample itself is usable, so ``held`` is never empty.
        plateau_cm = float(np.mean(shift_cm[recent if recent.any() else held]))
        first_held = int(np.argmax(held))
        below = np.flatnonzero(shift_cm[:first_held] < 0.25 * plateau_cm)
        i25 = int(below[-1]) if below.size else 0
        i75 = i25 + int(np.argmax(shift_cm[i25:] >= 0.75 * plateau_cm))
        t25, t75 = float(time_s[i25]), float(time_s[i75])
        # Never before the person settled: events stay in time order.
        start_s = min(max(t75 + (t75 - t25), self._settled_at_s), now_s)
        self._start_hold(start_s, plateau_cm, 0.0)

    def _start_hold(self, start_s: float, ref_a: float, ref_b: float) -> None:
        """Enter the hold; ``ref_a``/``ref_b`` are the stance position the loss rules compare to."""
        self._phase = StancePhase.HOLDING
        self._start_s = start_s
        self._ref_a, self._ref_b = ref_a, ref_b
        self._var_a = self._var_b = self._config.initial_sway_sd_cm**2
        self._n = 0
        self._mean = [ref_a, ref_b]
        self._m2 = [0.0, 0.0]
        self._prior_n = max(1.0, self._config.initial_sway_weight_s * self._rate_hz)
        self._prior_m2 = self._prior_n * self._config.initial_sway_sd_cm**2
        window = max(1, round(self._config.jump_window_s * self._rate_hz))
        self._recent = deque(maxlen=window)
        self._jump_fast = self._fast_before = False
        self._low_since_s = self._low_onset_s = None
        self._jump_since_s = self._jump_onset_s = None
        self._emit(StanceEventKind.STARTED, start_s)

    def _hold_sample(self, time_s: float, total_kg: float, present: bool) -> None:
        """Check the cap and the loss rules for one sample of the hold."""
        cfg = self._config
        start_s = self._start_s
        assert start_s is not None
        if time_s - start_s >= cfg.cap_s:
            self._finish(EndReason.CAP, start_s + cfg.cap_s)
            return
        mass_kg = self._body_mass_kg
        if total_kg < (1.0 - 0.5 * cfg.step_off_fraction) * mass_kg:
            if self._low_onset_s is None:
                self._low_onset_s = time_s
            if total_kg < (1.0 - cfg.step_off_fraction) * mass_kg:
                if self._low_since_s is None:
                    self._low_since_s = time_s
                if time_s - self._low_since_s >= cfg.loss_confirm_s:
                    self._finish(EndReason.STEPPED_OFF, self._low_onset_s)
                    return
            else:
                self._low_since_s = None
        else:
            self._low_onset_s = self._low_since_s = None
        if not present or self._quiet:
            return
        k = cfg.jump_sigma_factor
        if self._side:
            # One axis: the shift towards the stance foot; negative deviations point back inwards.
            pos_a, pos_b = self._side * (self._ml_cm - self._base_ml_cm), 0.0
            sway_cm = k * math.sqrt(self._var_a)
            limit_a = max(
                cfg.touchdown_min_drop_cm, cfg.touchdown_drop_fraction * self._ref_a, sway_cm
            )
            limit_b = max(cfg.outward_jump_cm, sway_cm)  # outwards, beyond the stance foot
            dev_a, dev_b = pos_a - self._ref_a, 0.0
            ratio = max(-dev_a / limit_a, dev_a / limit_b)
        else:
            pos_a, pos_b = self._ml_cm, self._ap_cm
            limit_a = max(cfg.tandem_jump_ml_cm, k * math.sqrt(self._var_a))
            limit_b = max(cfg.tandem_jump_ap_cm, k * math.sqrt(self._var_b))
            dev_a, dev_b = pos_a - self._ref_a, pos_b - self._ref_b
            ratio = max(abs(dev_a) / limit_a, abs(dev_b) / limit_b)
        recent = self._recent
        recent.append((time_s, pos_a, pos_b))
        if ratio <= cfg.onset_fraction:
            self._jump_onset_s = self._jump_since_s = None
            self._jump_fast = self._fast_before = False
            self._track_sway(pos_a, pos_b)
            # Follow slow drift of the stance position and of the sway size, never a jump.
            beta = self._beta
            self._ref_a += beta * dev_a
            self._ref_b += beta * dev_b
            return
        if self._jump_onset_s is None:
            self._jump_onset_s = time_s
        _, old_a, old_b = recent[0]
        fast = self._move(old_a, old_b, pos_a, pos_b, limit_a, limit_b) >= cfg.jump_fast_fraction
        since = self._jump_since_s
        if (
            fast
            and not self._fast_before
            and (since is None or time_s - since <= cfg.jump_window_s)
        ):
            # A new fast move (before or as the COP crosses the threshold): time the loss from
            # its start, not from a slow lean or an earlier sway before it.
            self._jump_fast = True
            self._jump_onset_s = next(
                entry_s
                for entry_s, a, b in recent
                if self._move(old_a, old_b, a, b, limit_a, limit_b) >= FAST_MOVE_START
            )  # the current sample qualifies, so there always is one
        self._fast_before = fast
        if ratio <= 1.0:
            self._jump_since_s = None
        elif self._jump_fast and self._jump_since_s is None:
            self._jump_since_s = time_s
        if not self._jump_fast:
            if time_s - self._jump_onset_s >= cfg.drift_reanchor_s:
                # A slow excursion that neither returned nor jumped: the stance position moved.
                self._ref_a, self._ref_b = pos_a, pos_b
                self._jump_onset_s = None
            return
        if self._jump_since_s is not None and time_s - self._jump_since_s >= cfg.jump_confirm_s:
            self._finish(EndReason.TOUCHED_DOWN, self._jump_onset_s)

    def _track_sway(self, pos_a: float, pos_b: float) -> None:
        """Update the hold's sway variance per axis (Welford), seeded with a prior.

        The variance is of the whole hold outside excursions (slow drift included), so the jump
        thresholds follow what this person's sway has shown, not the jump being judged.
        """
        self._n += 1
        mean, m2 = self._mean, self._m2
        delta_a, delta_b = pos_a - mean[0], pos_b - mean[1]
        mean[0] += delta_a / self._n
        mean[1] += delta_b / self._n
        m2[0] += delta_a * (pos_a - mean[0])
        m2[1] += delta_b * (pos_b - mean[1])
        weight = self._prior_n + self._n
        self._var_a = (self._prior_m2 + m2[0]) / weight
        self._var_b = (self._prior_m2 + m2[1]) / weight

    def _move(
        self, old_a: float, old_b: float, a: float, b: float, limit_a: float, limit_b: float
    ) -> float:
        """Size of a COP move as a fraction of the jump threshold (the larger of the two axes)."""
        if self._side:
            return max((old_a - a) / limit_a, (a - old_a) / limit_b)
        return max(abs(a - old_a) / limit_a, abs(b - old_b) / limit_b)

    # -- transitions -----------------------------------------------------------------------

    def _restart_settling(self, time_s: float, total_kg: float) -> None:
        """Start a new steady window at this sample."""
        self._anchor_s = time_s
        self._count = 1
        self._sum_kg, self._sum_ap, self._sum_ml = total_kg, self._ap_cm, self._ml_cm
        self._min_kg = self._max_kg = total_kg
        self._min_ap = self._max_ap = self._ap_cm
        self._min_ml = self._max_ml = self._ml_cm

    def _back_to_waiting(self) -> None:
        """Wait for someone to step on again: the person left before the hold started."""
        self._phase = StancePhase.WAITING_FOR_PERSON
        self._seen_empty = True
        self._stepped_on_s = None
        self._absent_since_s = None
        self._lift_candidate_s = None
        self._body_mass_kg = 0.0

    def _on_long_gap(self, last_valid_s: float) -> None:
        """Handle a hole longer than ``max_gap_s``: end a hold, restart settling, else nothing."""
        if self._phase is StancePhase.HOLDING:
            self._finish(EndReason.SIGNAL_LOST, last_valid_s)
        elif self._phase in (StancePhase.SETTLING, StancePhase.READY):
            self._phase = StancePhase.SETTLING
            self._lift_candidate_s = None
            self._smoothed = False
            self._count = 0  # the next sample starts a new steady window

    def _after_frame(self, last_s: float) -> None:
        """Frame-level checks: a hold's cap or a long hole without samples; timeouts."""
        cfg = self._config
        if self._phase is StancePhase.HOLDING:
            assert self._start_s is not None
            if self._last_valid_s is not None and last_s - self._last_valid_s > cfg.max_gap_s:
                self._finish(EndReason.SIGNAL_LOST, self._last_valid_s)
            elif last_s - self._start_s >= cfg.cap_s:
                self._finish(EndReason.CAP, self._start_s + cfg.cap_s)
        elif self._phase is StancePhase.WAITING_FOR_PERSON:
            assert self._first_s is not None
            if last_s - self._first_s >= cfg.wait_timeout_s:
                self._finish(EndReason.TIMED_OUT, last_s)
        elif self._stepped_on_s is not None and last_s - self._stepped_on_s >= cfg.start_timeout_s:
            self._finish(EndReason.TIMED_OUT, last_s)

    def _finish(self, reason: EndReason, end_s: float) -> StanceResult:
        """Close the test: hold time, quality flags and the sway of the held part."""
        cfg = self._config
        quality: set[QualityFlag] = set()
        sway: SwayMeasures | None = None
        hold_s = 0.0
        start_s = self._start_s
        if start_s is not None:
            hold_s = (
                cfg.cap_s if reason is EndReason.CAP else min(max(end_s - start_s, 0.0), cfg.cap_s)
            )
            quality |= self._signal_quality(start_s, start_s + hold_s)
            sway = self._sway(start_s, start_s + hold_s)
        if reason in ABORTING_REASONS:
            quality.add(QualityFlag.ABORTED)
        if reason is EndReason.SIGNAL_LOST:
            quality.add(QualityFlag.GAPS)
        if self._too_light_kg is not None:
            quality.add(QualityFlag.TOO_LIGHT)
        mass_kg = self._body_mass_kg or self._too_light_kg or 0.0
        self._result = StanceResult(
            test=self._test,
            hold_time_s=hold_s,
            cap_s=cfg.cap_s,
            end_reason=reason,
            started_at_s=end_s if start_s is None else start_s,
            body_mass_kg=mass_kg,
            sway=sway,
            quality=frozenset(quality),
        )
        self._phase = StancePhase.FINISHED
        self._frames.clear()
        self._emit(StanceEventKind.FINISHED, end_s)
        return self._result

    def _emit(self, kind: StanceEventKind, time_s: float) -> None:
        """Report an event from the current feed."""
        self._events.append(StanceEvent(kind=kind, time_s=time_s))

    # -- analysis of the kept samples (once per test) --------------------------------------

    def _samples_between(
        self, from_s: float, to_s: float
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray, BoolArray]:
        """Return kept samples in ``[from_s, to_s)``: time, AP, ML, load, finite, usable."""
        frames = [f for f in self._frames if f.time_s[-1] >= from_s and f.time_s[0] <= to_s]
        time_s = np.concatenate([f.time_s for f in frames] or [np.empty(0)])
        inside = (time_s >= from_s - 1e-9) & (time_s < to_s - 1e-9)

        def column(name: str) -> npt.NDArray[Any]:
            values: npt.NDArray[Any] = np.concatenate(
                [getattr(f, name) for f in frames] or [np.empty(0)]
            )
            return values[inside]

        return (
            time_s[inside],
            column("ap_cm"),
            column("ml_cm"),
            column("total_kg"),
            column("finite").astype(bool),
            column("usable").astype(bool),
        )

    def _signal_quality(self, from_s: float, to_s: float) -> set[QualityFlag]:
        """``gaps`` and ``too_noisy`` over the held part."""
        cfg = self._config
        time_s, ap_cm, _, _, finite, usable = self._samples_between(from_s, to_s)
        flags: set[QualityFlag] = set()
        if time_s.size == 0:
            return flags
        good_s = time_s[usable & np.isfinite(ap_cm)]
        edges = np.concatenate(([from_s], good_s, [to_s]))
        if good_s.size == 0 or float(np.max(np.diff(edges))) > cfg.short_gap_s:
            flags.add(QualityFlag.GAPS)
        if (
            np.count_nonzero(~finite) > cfg.max_missing_fraction * time_s.size
            or np.count_nonzero(finite & ~usable) > cfg.max_implausible_fraction * time_s.size
        ):
            flags.add(QualityFlag.TOO_NOISY)
        return flags

    def _sway(self, from_s: float, to_s: float) -> SwayMeasures | None:
        """Sway measures of the held part: missing samples interpolated, then low-passed."""
        cfg = self._config
        if to_s - from_s < cfg.min_sway_s:
            return None
        time_s, ap_cm, ml_cm, _, _, usable = self._samples_between(from_s, to_s)
        good = usable & np.isfinite(ap_cm) & np.isfinite(ml_cm)
        if np.count_nonzero(good) < max(MIN_SAMPLES, 3 * (FILTER_ORDER + 1) + 1):
            return None
        ap = np.interp(time_s, time_s[good], ap_cm[good])
        ml = np.interp(time_s, time_s[good], ml_cm[good])
        if cfg.sway_lowpass_hz < self._rate_hz / 2:
            filtered = lowpass_zero_phase(
                np.column_stack((ap, ml)), self._rate_hz, cfg.sway_lowpass_hz, FILTER_ORDER
            )
            ap, ml = filtered[:, 0], filtered[:, 1]
        try:
            return sway_measures(ap, ml, self._rate_hz)
        except ValueError:  # e.g. a trace that does not move at all has no mean frequency
            return None


def _corner_rows(cells_kg: npt.ArrayLike) -> FloatArray:
    """Corner loads as a float ``(n, 4)`` array, or a ``ValueError`` saying what is wrong."""
    loads = as_corner_rows(cells_kg, "cells_kg", single_row=False)
    if np.isinf(loads).any():
        raise ValueError("cells_kg contains infinite values; use NaN for a missed reading")
    if (np.abs(loads) > MAX_ABS_LOAD_KG).any():  # 1e308 kg would overflow the body mass
        raise ValueError(f"cells_kg holds a load beyond the protocol's ±{MAX_ABS_LOAD_KG:g} kg")
    return loads


def _clock(t_first_s: float, rate_hz: float) -> tuple[float, float]:
    """Return the frame's start time and rate as floats, or raise a ``ValueError``."""
    for name, value in (("t_first_s", t_first_s), ("rate_hz", rate_hz)):
        if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
            raise ValueError(f"{name} must be a number, got {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value!r}")
    if rate_hz <= 0:
        raise ValueError(f"rate_hz must be positive, got {rate_hz!r}")
    return float(t_first_s), float(rate_hz)
