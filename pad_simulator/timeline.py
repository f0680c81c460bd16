"""Timeline building blocks: a person stepping on and off, standing, lifting a foot, in tandem.

Each block returns `Phase` items (pad_simulator.body) of a scripted timeline; the named scenarios
(pad_simulator.scenarios) and the demo pad put them together. `timeline_spans` says where each
labelled phase lies on the simulation clock, for tests that compare it with the detector.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from custom_components.retro_balance.engine.detection.stance_config import DetectorConfig

from .body import LEFT_FOOT_ONLY, QUIET_EO, TANDEM, Phase, Pose

STEP_S: Final = 1.0
LIFT_S: Final = 0.25
SETTLE_S: Final = DetectorConfig().settle_s
"""Standing still in a new stance before a quiet or tandem test starts (the detector's settle)."""
NO_LIFT_TRYING_S: Final = DetectorConfig().start_timeout_s + 3.0
"""How long someone who cannot lift a foot stands on both feet in a single-leg test: past the
detector's start timeout, so that the test ends `timed_out` with them on the pad — a position not
taken (engine/clinical/outcomes.py)."""
FOOT_SHIFT_CM: Final = 6.0
"""Sideways COP shift while stepping one foot in front of the other."""
TANDEM_FOOT_AP_CM: Final = 10.0
"""In tandem stance each foot's centre is about half a foot length from the midpoint."""


def empty_pad(duration_s: float, *, press: str | None = None) -> Phase:
    """Nobody on the pad for `duration_s` (with a short button press at its start if `press`)."""
    return Phase(
        label="empty",
        duration_s=duration_s,
        load_from_kg=0.0,
        load_to_kg=0.0,
        pose_from=QUIET_EO,
        pose_to=QUIET_EO,
        press="short" if press else None,
    )


def step_on(weight_kg: float, pose: Pose) -> Phase:
    """Step onto the pad (left foot first) into `pose`, with the load overshoot of a step."""
    return Phase(
        label="step_on",
        duration_s=STEP_S,
        load_from_kg=0.0,
        load_to_kg=weight_kg,
        pose_from=LEFT_FOOT_ONLY,
        pose_to=pose,
        overshoot=0.05,
    )


def step_off(weight_kg: float, pose: Pose) -> Phase:
    """Step off the pad from `pose` (the left foot last)."""
    return Phase(
        label="step_off",
        duration_s=STEP_S,
        load_from_kg=weight_kg,
        load_to_kg=0.0,
        pose_from=pose,
        pose_to=LEFT_FOOT_ONLY,
        overshoot=0.05,
    )


def stand(label: str, weight_kg: float, pose: Pose, duration_s: float) -> Phase:
    """Stand in `pose` for `duration_s`."""
    return Phase(
        label=label,
        duration_s=duration_s,
        load_from_kg=weight_kg,
        load_to_kg=weight_kg,
        pose_from=pose,
        pose_to=pose,
    )


def move(label: str, weight_kg: float, start: Pose, end: Pose, duration_s: float) -> Phase:
    """Shift the weight from pose `start` to pose `end` over `duration_s`."""
    return Phase(
        label=label,
        duration_s=duration_s,
        load_from_kg=weight_kg,
        load_to_kg=weight_kg,
        pose_from=start,
        pose_to=end,
    )


def single_leg(
    label: str, weight_kg: float, leg: Pose, hold_s: float, *, no_lift: bool = False
) -> list[Phase]:
    """Lift one foot (COP moves over the stance foot), hold, touch down (COP back to centre).

    With `no_lift` the person tries and cannot: they stand on both feet for `NO_LIFT_TRYING_S`.
    """
    if no_lift:
        return [stand("no_lift", weight_kg, QUIET_EO, NO_LIFT_TRYING_S)]
    return [
        move("lift", weight_kg, QUIET_EO, leg, LIFT_S),
        stand(label, weight_kg, leg, hold_s),
        move("touch_down", weight_kg, leg, QUIET_EO, LIFT_S),
    ]


def into_tandem(weight_kg: float, start: Pose) -> list[Phase]:
    """Step one foot in front of the other: briefly on the left leg, then in line, settling."""
    half_step = Pose(ml_cm=-FOOT_SHIFT_CM, condition="still")
    return [
        move("to_tandem", weight_kg, start, half_step, 0.4),
        move("to_tandem", weight_kg, half_step, TANDEM, 0.5),
        stand("settle", weight_kg, TANDEM, SETTLE_S),
    ]


def tandem_hold(weight_kg: float, hold_s: float) -> list[Phase]:
    """Hold tandem stance, then step out: onto the rear foot while the front foot moves aside."""
    rear_foot = Pose(ap_cm=-TANDEM_FOOT_AP_CM, condition="single_leg")
    return [
        stand("tandem", weight_kg, TANDEM, hold_s),
        move("step_out", weight_kg, TANDEM, rear_foot, LIFT_S),
        stand("step_out", weight_kg, rear_foot, 0.4),
        move("step_out", weight_kg, rear_foot, QUIET_EO, 0.3),
    ]


@dataclass(frozen=True, slots=True)
class Span:
    """Where a labelled phase lies on the simulation clock (seconds since start)."""

    label: str
    start_s: float
    end_s: float


def timeline_spans(phases: Sequence[Phase]) -> list[Span]:
    """Start and end time of every phase (for tests that compare with the detector)."""
    spans: list[Span] = []
    start_s = 0.0
    for phase in phases:
        spans.append(Span(phase.label, start_s, start_s + phase.duration_s))
        start_s += phase.duration_s
    return spans
