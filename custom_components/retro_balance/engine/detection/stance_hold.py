"""Stance detector during the hold: the cap and the rules that end a hold early.

Every sample is checked against the cap, the load (a drop means stepping off or grabbing
support: `LoadWatch`) and, for tandem and single-leg stance, the COP (a jump away from the
stance position means a touch-down or a step: `JumpWatch`). Jump thresholds grow with the hold's
own sway (`SwayVariance`). A loss is timed from its onset, not from when it was confirmed. Every
threshold is explained in ``docs/detection.md``.
"""

from __future__ import annotations

import math
from collections import deque

from .stance_config import DetectorConfig
from .stance_result import EndReason
from .stance_trace import SmoothedCop

FAST_MOVE_START = 0.25
"""A fast move starts where it first covers this fraction of the jump threshold."""

Ending = tuple[EndReason, float]
"""Why and when (pad clock, s) a hold ended."""


class SwayVariance:
    """The hold's sway variance per axis (Welford), seeded with a prior.

    The variance is of the whole hold outside excursions (slow drift included), so the jump
    thresholds follow what this person's sway has shown, not the jump being judged.
    """

    __slots__ = ("_m2", "_mean", "_n", "_prior_m2", "_prior_n", "var_a", "var_b")

    def __init__(self, ref_a: float, ref_b: float, rate_hz: float, config: DetectorConfig) -> None:
        """Start at the stance position with the prior sway (``initial_sway_sd_cm``)."""
        self.var_a = self.var_b = config.initial_sway_sd_cm**2
        self._n = 0
        self._mean = [ref_a, ref_b]
        self._m2 = [0.0, 0.0]
        self._prior_n = max(1.0, config.initial_sway_weight_s * rate_hz)
        self._prior_m2 = self._prior_n * config.initial_sway_sd_cm**2

    def add(self, pos_a: float, pos_b: float) -> None:
        """Take one position of the hold that is not part of an excursion."""
        self._n += 1
        mean, m2 = self._mean, self._m2
        delta_a, delta_b = pos_a - mean[0], pos_b - mean[1]
        mean[0] += delta_a / self._n
        mean[1] += delta_b / self._n
        m2[0] += delta_a * (pos_a - mean[0])
        m2[1] += delta_b * (pos_b - mean[1])
        weight = self._prior_n + self._n
        self.var_a = (self._prior_m2 + m2[0]) / weight
        self.var_b = (self._prior_m2 + m2[1]) / weight


class LoadWatch:
    """Ends the hold when the load stays well below body mass (stepped off, grabbed support)."""

    __slots__ = ("_config", "_mass_kg", "low_onset_s", "low_since_s")

    def __init__(self, body_mass_kg: float, config: DetectorConfig) -> None:
        """Watch the load against the settled ``body_mass_kg``."""
        self._mass_kg = body_mass_kg
        self._config = config
        self.low_onset_s: float | None = None
        """When the load first fell half the step-off fraction below body mass."""
        self.low_since_s: float | None = None
        """When it fell the whole step-off fraction below."""

    def sample(self, time_s: float, total_kg: float) -> Ending | None:
        """Take one sample's total load."""
        cfg = self._config
        mass_kg = self._mass_kg
        if total_kg < (1.0 - 0.5 * cfg.step_off_fraction) * mass_kg:
            if self.low_onset_s is None:
                self.low_onset_s = time_s
            if total_kg < (1.0 - cfg.step_off_fraction) * mass_kg:
                if self.low_since_s is None:
                    self.low_since_s = time_s
                if time_s - self.low_since_s >= cfg.loss_confirm_s:
                    return EndReason.STEPPED_OFF, self.low_onset_s
            else:
                self.low_since_s = None
        else:
            self.low_onset_s = self.low_since_s = None
        return None


class JumpWatch:
    """Ends a tandem or single-leg hold when the COP jumps away from the stance position.

    Single-leg stance watches one axis, the shift towards the stance foot: a return towards the
    centre is a touch-down, a move beyond the stance foot means the foot moved. Tandem stance
    watches both axes. ``ref_a``/``ref_b`` is the stance position, which follows slow drift.
    """

    __slots__ = (
        "_base_ml_cm",
        "_config",
        "_fast_before",
        "_jump_fast",
        "_jump_onset_s",
        "_jump_since_s",
        "_recent",
        "_side",
        "_sway",
        "ref_a",
        "ref_b",
    )

    def __init__(
        self,
        ref_a: float,
        ref_b: float,
        *,
        side: float,
        base_ml_cm: float,
        rate_hz: float,
        config: DetectorConfig,
    ) -> None:
        """Watch from the stance position; ``side`` -1/+1 for single-leg stance, 0 for tandem."""
        self.ref_a, self.ref_b = ref_a, ref_b
        self._side = side
        self._base_ml_cm = base_ml_cm
        self._config = config
        self._sway = SwayVariance(ref_a, ref_b, rate_hz, config)
        window = max(1, round(config.jump_window_s * rate_hz))
        self._recent: deque[tuple[float, float, float]] = deque(maxlen=window)
        self._jump_fast = self._fast_before = False
        self._jump_since_s: float | None = None
        self._jump_onset_s: float | None = None

    def sample(self, time_s: float, cop: SmoothedCop) -> Ending | None:
        """Take one sample's smoothed COP."""
        cfg = self._config
        k = cfg.jump_sigma_factor
        sway = self._sway
        if self._side:
            # One axis: the shift towards the stance foot; negative deviations point back inwards.
            pos_a, pos_b = self._side * (cop.ml_cm - self._base_ml_cm), 0.0
            sway_cm = k * math.sqrt(sway.var_a)
            limit_a = max(
                cfg.touchdown_min_drop_cm, cfg.touchdown_drop_fraction * self.ref_a, sway_cm
            )
            limit_b = max(cfg.outward_jump_cm, sway_cm)  # outwards, beyond the stance foot
            dev_a, dev_b = pos_a - self.ref_a, 0.0
            ratio = max(-dev_a / limit_a, dev_a / limit_b)
        else:
            pos_a, pos_b = cop.ml_cm, cop.ap_cm
            limit_a = max(cfg.tandem_jump_ml_cm, k * math.sqrt(sway.var_a))
            limit_b = max(cfg.tandem_jump_ap_cm, k * math.sqrt(sway.var_b))
            dev_a, dev_b = pos_a - self.ref_a, pos_b - self.ref_b
            ratio = max(abs(dev_a) / limit_a, abs(dev_b) / limit_b)
        recent = self._recent
        recent.append((time_s, pos_a, pos_b))
        if ratio <= cfg.onset_fraction:
            self._jump_onset_s = self._jump_since_s = None
            self._jump_fast = self._fast_before = False
            sway.add(pos_a, pos_b)
            # Follow slow drift of the stance position and of the sway size, never a jump.
            beta = cop.beta
            self.ref_a += beta * dev_a
            self.ref_b += beta * dev_b
            return None
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
                self.ref_a, self.ref_b = pos_a, pos_b
                self._jump_onset_s = None
            return None
        if self._jump_since_s is not None and time_s - self._jump_since_s >= cfg.jump_confirm_s:
            return EndReason.TOUCHED_DOWN, self._jump_onset_s
        return None

    def _move(
        self, old_a: float, old_b: float, a: float, b: float, limit_a: float, limit_b: float
    ) -> float:
        """Size of a COP move as a fraction of the jump threshold (the larger of the two axes)."""
        if self._side:
            return max((old_a - a) / limit_a, (a - old_a) / limit_b)
        return max(abs(a - old_a) / limit_a, abs(b - old_b) / limit_b)


class Hold:
    """A running hold: its start, the cap, and the watches that may end it early."""

    __slots__ = ("_config", "_jumps", "_load", "start_s")

    def __init__(
        self,
        start_s: float,
        ref_a: float,
        ref_b: float,
        *,
        side: float,
        quiet: bool,
        body_mass_kg: float,
        base_ml_cm: float,
        rate_hz: float,
        config: DetectorConfig,
    ) -> None:
        """Start the hold at ``start_s``; quiet stance has no jump rule (only the load)."""
        self.start_s = start_s
        self._config = config
        self._load = LoadWatch(body_mass_kg, config)
        self._jumps = (
            None
            if quiet
            else JumpWatch(
                ref_a, ref_b, side=side, base_ml_cm=base_ml_cm, rate_hz=rate_hz, config=config
            )
        )

    @property
    def cap_end_s(self) -> float:
        """When the hold reaches the cap."""
        return self.start_s + self._config.cap_s

    def sample(
        self, time_s: float, total_kg: float, present: bool, cop: SmoothedCop
    ) -> Ending | None:
        """Check the cap and the loss rules for one sample of the hold."""
        if time_s - self.start_s >= self._config.cap_s:
            return EndReason.CAP, self.cap_end_s
        ending = self._load.sample(time_s, total_kg)
        if ending is not None or not present or self._jumps is None:
            return ending
        return self._jumps.sample(time_s, cop)
