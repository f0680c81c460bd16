"""Stance detector, single-leg stance once settled: waiting for the other foot to leave the floor.

The lift shows as a lateral COP shift towards the stance foot that is held (``lift_shift_cm``
for ``lift_confirm_s``, ``docs/detection.md``); the hold starts where that weight shift ended,
found in the kept samples, not when the rule noticed it.
"""

from __future__ import annotations

import numpy as np

from .stance_config import DetectorConfig
from .stance_settling import Settled
from .stance_trace import StanceTrace

LIFT_LOOKBACK_S = 1.5
"""How far before the lift candidate the weight shift is searched for its beginning."""


class LiftWatch:
    """Watches the settled person's COP for the shift of a foot lift."""

    def __init__(self, side: float, settled: Settled, config: DetectorConfig) -> None:
        """Watch from ``settled``; ``side`` is -1 for the left leg, +1 for the right."""
        self._side = side
        self._settled = settled
        self._config = config
        self.candidate_s: float | None = None
        """When the shift first passed ``lift_shift_cm``, until it is confirmed or dropped."""

    def sample(self, time_s: float, ml_cm: float, trace: StanceTrace) -> tuple[float, float] | None:
        """Take the smoothed lateral COP; return ``(hold start, stance-foot shift)`` on a lift."""
        cfg = self._config
        shift_cm = self._side * (ml_cm - self._settled.base_ml_cm)
        candidate = self.candidate_s
        if candidate is None:
            if shift_cm >= cfg.lift_shift_cm:
                self.candidate_s = time_s
        elif shift_cm < cfg.lift_shift_cm - cfg.lift_hysteresis_cm:
            self.candidate_s = None
        elif time_s - candidate >= cfg.lift_confirm_s:
            return self._confirm(candidate, time_s, trace)
        return None

    def _confirm(
        self, candidate_s: float, now_s: float, trace: StanceTrace
    ) -> tuple[float, float] | None:
        """Find when the foot left the floor in the recent samples (``None``: it did not).

        The stance-foot position ``P`` is the mean shift over the last ``lift_plateau_s``. The
        weight shift is taken as a symmetric S-curve: it passes ``P/4`` at ``t25`` and ``3P/4``
        at ``t75`` and ends, with the foot leaving the floor, at ``t75 + (t75 − t25)``.
        """
        cfg = self._config
        settled = self._settled
        time_s, _, ml_cm, total_kg, _, usable = trace.between(candidate_s - LIFT_LOOKBACK_S, now_s)
        good = usable & np.isfinite(ml_cm) & (time_s >= settled.window_start_s)
        shift_cm = self._side * (ml_cm[good] - settled.base_ml_cm)
        time_s = time_s[good]
        held = time_s >= candidate_s
        if (
            float(np.mean(total_kg[good][held]))
            < (1.0 - cfg.step_off_fraction) * settled.body_mass_kg
        ):
            # The other foot went to the floor beside the pad, not into the air.
            self.candidate_s = None
            return None
        recent = time_s >= now_s - cfg.lift_plateau_s
        # The candidate sample itself is usable, so ``held`` is never empty.
        plateau_cm = float(np.mean(shift_cm[recent if recent.any() else held]))
        first_held = int(np.argmax(held))
        below = np.flatnonzero(shift_cm[:first_held] < 0.25 * plateau_cm)
        i25 = int(below[-1]) if below.size else 0
        i75 = i25 + int(np.argmax(shift_cm[i25:] >= 0.75 * plateau_cm))
        t25, t75 = float(time_s[i25]), float(time_s[i75])
        # Never before the person settled: events stay in time order.
        return min(max(t75 + (t75 - t25), settled.at_s), now_s), plateau_cm
