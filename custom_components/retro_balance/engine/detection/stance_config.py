"""Thresholds of the live stance-test detector, in one validated place.

Every number here is explained in ``docs/detection.md``. Times are seconds of the pad's clock,
lengths are cm of centre-of-pressure (COP) travel, loads are kg.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

MIN_CAP_S = 10.0
"""The shortest cap a user may set: `check_plan.STEADI_HOLD_S`, so a hold to any cap passes."""
MAX_CAP_S = 60.0
"""The longest cap a user may set."""
DEFAULT_CAP_S = 30.0
"""The cap unless the options say otherwise: 30 s is common in clinics (clinical.md)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DetectorConfig:
    """Rules of :class:`~.stance.StanceDetector`; the defaults suit a Wii-sized pad at 80 Hz."""

    cap_s: float = DEFAULT_CAP_S
    """A hold that reaches this long ends as ``cap`` (allowed `MIN_CAP_S` to `MAX_CAP_S`)."""

    presence_kg: float = 10.0
    """Total load from which someone (or something) is on the pad."""
    min_body_mass_kg: float = 20.0
    """A settled load below this is ``too_light``: COP is meaningless there, no test starts."""

    settle_s: float = 1.5
    """How long load and COP must stay steady before the person counts as settled."""
    settle_load_range_fraction: float = 0.1
    """Largest total-load range while settling, as a fraction of the mean load."""
    settle_ml_range_cm: float = 3.0
    """Largest side-to-side COP range while settling."""
    settle_ap_range_cm: float = 4.0
    """Largest front-back COP range while settling."""

    reposition_shift_cm: float = 4.0
    """A test that must not start from the previous posture waits for the COP to move this far."""
    reposition_load_fraction: float = 0.1
    """... or for the load to change by this fraction (the vertical-force transient of a step)."""

    step_off_fraction: float = 0.25
    """A hold ends as ``stepped_off`` when the load stays this fraction below body mass."""
    loss_confirm_s: float = 0.1
    """How long the load must stay low before the hold ends as ``stepped_off``."""
    jump_confirm_s: float = 0.35
    """How long a COP jump must last before the hold ends as ``touched_down``."""
    jump_window_s: float = 0.2
    """A COP jump must include a fast move: this long a window ..."""
    jump_fast_fraction: float = 0.5
    """... in which the COP moved at least this fraction of the jump threshold."""
    drift_reanchor_s: float = 2.0
    """An excursion that neither returns nor jumps this long is a new stance position."""
    jump_sigma_factor: float = 4.5
    """A COP jump must also exceed this many standard deviations of the hold's own sway."""
    initial_sway_sd_cm: float = 1.0
    """Sway standard deviation assumed when a hold starts, until its own has been measured."""
    initial_sway_weight_s: float = 1.0
    """How many seconds of samples that assumption weighs against the measured sway."""
    onset_fraction: float = 0.5
    """A loss is timed from when the COP first passed this fraction of the jump threshold."""
    leave_confirm_s: float = 0.3
    """Below ``presence_kg`` this long before the hold starts: the person left, wait again."""

    lift_shift_cm: float = 3.0
    """Single-leg stance: lateral COP shift towards the stance foot that marks a foot lift."""
    lift_hysteresis_cm: float = 1.0
    """A lift candidate is dropped when the shift falls this far back below ``lift_shift_cm``."""
    lift_confirm_s: float = 0.6
    """Single-leg stance: how long the shift must be held before the lift counts."""
    lift_plateau_s: float = 0.3
    """The last part of the confirmation window whose mean shift is the stance-foot position."""
    touchdown_min_drop_cm: float = 2.5
    """Single-leg stance: smallest COP return towards the centre that means a touch-down."""
    touchdown_drop_fraction: float = 0.4
    """... or this fraction of the stance-foot shift, whichever is larger."""
    outward_jump_cm: float = 5.0
    """Single-leg stance: COP this far beyond the stance-foot position means the foot moved."""

    tandem_max_ml_offset_cm: float = 4.0
    """Tandem stance starts only with the COP within this distance of the pad's midline."""
    tandem_jump_ml_cm: float = 4.0
    """Tandem stance: side-to-side COP jump from the stance position that means a step."""
    tandem_jump_ap_cm: float = 6.0
    """Tandem stance: front-back COP jump from the stance position that means a step."""

    smoothing_s: float = 0.025
    """Time constant of the exponential smoothing applied to COP before the rules."""
    reference_tracking_s: float = 2.0
    """Time constant with which the stance position follows slow drift during a hold."""

    wait_timeout_s: float = 60.0
    """Nobody stepped on within this time after the first frame: ``timed_out``."""
    start_timeout_s: float = 30.0
    """The hold did not start within this time after stepping on: ``timed_out``."""

    short_gap_s: float = 0.1
    """A hole in the stream longer than this during a hold is flagged ``gaps``."""
    max_gap_s: float = 1.0
    """A hole longer than this during a hold ends it as ``signal_lost``."""

    jump_kg: float = 15.0
    """A total-load change this large between two samples is implausible (a spike)."""
    negative_corner_kg: float = -2.0
    """A corner reading below this is implausible (no pad pulls upwards)."""
    max_missing_fraction: float = 0.1
    """More missing (NaN) samples than this fraction of the hold flags ``too_noisy``."""
    max_implausible_fraction: float = 0.02
    """More implausible samples than this fraction of the hold flags ``too_noisy``."""

    min_sway_s: float = 1.0
    """Sway measures are computed only for holds at least this long."""
    sway_lowpass_hz: float = 10.0
    """COP is low-passed (zero-phase Butterworth) at this frequency before the sway measures."""

    def __post_init__(self) -> None:
        """Reject thresholds that cannot work: non-numbers, non-positive values, a bad cap."""
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"DetectorConfig.{field.name} must be a number, got {value!r}")
            if not math.isfinite(value):
                raise ValueError(f"DetectorConfig.{field.name} must be finite, got {value!r}")
            if field.name != "negative_corner_kg" and value <= 0:
                raise ValueError(f"DetectorConfig.{field.name} must be positive, got {value!r}")
        if not MIN_CAP_S <= self.cap_s <= MAX_CAP_S:
            raise ValueError(
                f"DetectorConfig.cap_s must be between {MIN_CAP_S:g} and {MAX_CAP_S:g} s, "
                f"got {self.cap_s!r}"
            )
        for name in (
            "step_off_fraction",
            "settle_load_range_fraction",
            "touchdown_drop_fraction",
            "reposition_load_fraction",
        ):
            if getattr(self, name) >= 1:
                raise ValueError(
                    f"DetectorConfig.{name} must be below 1, got {getattr(self, name)}"
                )
        for name in (
            "max_missing_fraction",
            "max_implausible_fraction",
            "onset_fraction",
            "jump_fast_fraction",
        ):
            if getattr(self, name) > 1:
                raise ValueError(
                    f"DetectorConfig.{name} must be at most 1, got {getattr(self, name)}"
                )
        if self.presence_kg > self.min_body_mass_kg:
            raise ValueError(
                "DetectorConfig.presence_kg must not exceed min_body_mass_kg "
                f"({self.presence_kg} > {self.min_body_mass_kg})"
            )
        if self.lift_hysteresis_cm >= self.lift_shift_cm:
            raise ValueError("DetectorConfig.lift_hysteresis_cm must be below lift_shift_cm")
        if self.lift_plateau_s > self.lift_confirm_s:
            raise ValueError("DetectorConfig.lift_plateau_s must not exceed lift_confirm_s")
        if self.short_gap_s >= self.max_gap_s:
            raise ValueError("DetectorConfig.short_gap_s must be below max_gap_s")
