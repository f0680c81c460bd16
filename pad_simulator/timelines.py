"""Timelines: what a person does on the pad in each scenario, as scripted phases.

`build_timeline(name, ScenarioOptions(...))` gives the phases of a scenario (docs/simulator.md);
`timeline_spans(phases)` their start and end times, to compare with what the engine detects.
`scenarios.py` plays a timeline through a simulated pad.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

from custom_components.retro_balance.engine.detection.stance_config import DetectorConfig

from .body import (
    LEFT_FOOT_ONLY,
    LEFT_LEG,
    QUIET_EC,
    QUIET_EO,
    RIGHT_LEG,
    TANDEM,
    Phase,
    Pose,
    ReplayTrace,
)

SCENARIOS: Final = (
    "idle",
    "step",
    "quiet-eo",
    "quiet-ec",
    "sls-left",
    "sls-right",
    "tandem",
    "daily-check",
    "household",
    "replay",
)
DEFAULT_WEIGHT_KG: Final = 70.0
DEFAULT_CAP_S: Final = 30.0
HOUSEHOLD_WEIGHTS_KG: Final = (84.0, 62.0, 38.0)
STEP_S: Final = 1.0
LIFT_S: Final = 0.25
REACTION_S: Final = 1.0
"""How long past the cap a person holds a stance before changing it (reacting to the cue)."""
CUE_PAUSE_S: Final = 2.0
"""Daily check: standing still, eyes open, after the quiet-stance cue before moving the feet."""
SETTLE_S: Final = 1.5
"""Standing still in a new stance before a quiet or tandem test starts (the detector's settle)."""
NO_LIFT_TRYING_S: Final = DetectorConfig().start_timeout_s + 3.0
"""How long someone who cannot lift a foot stands on both feet in a single-leg test: past the
detector's start timeout, so that the test ends `timed_out` with them on the pad — a position not
taken (engine/clinical/outcomes.py)."""
NO_LIFT_SCENARIOS: Final = ("sls-left", "sls-right", "daily-check")


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioOptions:
    """What a scenario is about: who stands, how long, when balance is lost."""

    weight_kg: float = DEFAULT_WEIGHT_KG
    cap_s: float = DEFAULT_CAP_S
    lose_balance_at_s: float | None = None
    duration_s: float | None = None
    household_weights_kg: tuple[float, ...] = HOUSEHOLD_WEIGHTS_KG
    sls_trials: int | None = None
    """Daily check: trials per leg; default 3 with `lose_balance_at_s` (best of 3), else 1."""
    replay: ReplayTrace | None = None
    no_lift: bool = False
    """The person never lifts a foot: each single-leg test finds them on both feet."""

    def __post_init__(self) -> None:
        """Refuse impossible options with a message naming the option."""
        if not 20.0 <= self.weight_kg <= 250.0:
            raise ValueError(f"weight must be 20–250 kg, got {self.weight_kg}")
        if not self.cap_s > 0:
            raise ValueError(f"cap must be positive, got {self.cap_s}")
        if self.lose_balance_at_s is not None and not self.lose_balance_at_s > 0:
            raise ValueError(f"lose-balance-at must be positive, got {self.lose_balance_at_s}")
        if self.duration_s is not None and not self.duration_s > 0:
            raise ValueError(f"duration must be positive, got {self.duration_s}")
        if not self.household_weights_kg or not all(
            20.0 <= weight <= 250.0 for weight in self.household_weights_kg
        ):
            raise ValueError("household weights must be 20–250 kg each")
        if self.sls_trials is not None and not 1 <= self.sls_trials <= 3:
            raise ValueError(f"sls_trials must be 1-3, got {self.sls_trials}")

    @property
    def trials_per_leg(self) -> int:
        """Single-leg trials per leg in the daily check."""
        if self.sls_trials is not None:
            return self.sls_trials
        return 3 if self.lose_balance_at_s is not None else 1

    @property
    def hold_s(self) -> float:
        """How long a timed stance is held: until balance is lost, or just past the cap."""
        if self.lose_balance_at_s is not None:
            return self.lose_balance_at_s
        return self.cap_s + REACTION_S


# --- timeline building blocks ------------------------------------------------------------


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


def _step_on(weight_kg: float, pose: Pose) -> Phase:
    return Phase(
        label="step_on",
        duration_s=STEP_S,
        load_from_kg=0.0,
        load_to_kg=weight_kg,
        pose_from=LEFT_FOOT_ONLY,
        pose_to=pose,
        overshoot=0.05,
    )


def _step_off(weight_kg: float, pose: Pose) -> Phase:
    return Phase(
        label="step_off",
        duration_s=STEP_S,
        load_from_kg=weight_kg,
        load_to_kg=0.0,
        pose_from=pose,
        pose_to=LEFT_FOOT_ONLY,
        overshoot=0.05,
    )


def _hold(label: str, weight_kg: float, pose: Pose, duration_s: float) -> Phase:
    return Phase(
        label=label,
        duration_s=duration_s,
        load_from_kg=weight_kg,
        load_to_kg=weight_kg,
        pose_from=pose,
        pose_to=pose,
    )


def _move(label: str, weight_kg: float, start: Pose, end: Pose, duration_s: float) -> Phase:
    return Phase(
        label=label,
        duration_s=duration_s,
        load_from_kg=weight_kg,
        load_to_kg=weight_kg,
        pose_from=start,
        pose_to=end,
    )


def _single_leg(
    label: str, weight_kg: float, leg: Pose, hold_s: float, *, no_lift: bool = False
) -> list[Phase]:
    """Lift one foot (COP moves over the stance foot), hold, touch down (COP back to centre).

    With `no_lift` the person tries and cannot: they stand on both feet for `NO_LIFT_TRYING_S`.
    """
    if no_lift:
        return [_hold("no_lift", weight_kg, QUIET_EO, NO_LIFT_TRYING_S)]
    return [
        _move("lift", weight_kg, QUIET_EO, leg, LIFT_S),
        _hold(label, weight_kg, leg, hold_s),
        _move("touch_down", weight_kg, leg, QUIET_EO, LIFT_S),
    ]


def _into_tandem(weight_kg: float, start: Pose) -> list[Phase]:
    """Step one foot in front of the other: briefly on the left leg, then in line, settling."""
    half_step = Pose(ml_cm=-FOOT_SHIFT_CM, condition="still")
    return [
        _move("to_tandem", weight_kg, start, half_step, 0.4),
        _move("to_tandem", weight_kg, half_step, TANDEM, 0.5),
        _hold("settle", weight_kg, TANDEM, SETTLE_S),
    ]


def _tandem_hold(weight_kg: float, hold_s: float) -> list[Phase]:
    """Hold tandem stance, then step out: onto the rear foot while the front foot moves aside."""
    rear_foot = Pose(ap_cm=-TANDEM_FOOT_AP_CM, condition="single_leg")
    return [
        _hold("tandem", weight_kg, TANDEM, hold_s),
        _move("step_out", weight_kg, TANDEM, rear_foot, LIFT_S),
        _hold("step_out", weight_kg, rear_foot, 0.4),
        _move("step_out", weight_kg, rear_foot, QUIET_EO, 0.3),
    ]


FOOT_SHIFT_CM: Final = 6.0
"""Sideways COP shift while stepping one foot in front of the other."""
TANDEM_FOOT_AP_CM: Final = 10.0
"""In tandem stance each foot's centre is about half a foot length from the midpoint."""


def build_timeline(name: str, options: ScenarioOptions) -> list[Phase]:
    """Build the phases of scenario `name` (see `SCENARIOS` and docs/simulator.md)."""
    weight = options.weight_kg
    hold = options.hold_s
    if options.no_lift and name not in NO_LIFT_SCENARIOS:
        raise ValueError(f"no-lift applies to {', '.join(NO_LIFT_SCENARIOS)}, not {name!r}")
    if name == "idle":
        return [empty_pad(options.duration_s or 30.0)]
    if name == "step":
        return [
            empty_pad(5.0),
            _step_on(weight, QUIET_EO),
            _hold("quiet_eyes_open", weight, QUIET_EO, options.duration_s or 10.0),
            _step_off(weight, QUIET_EO),
            empty_pad(5.0),
        ]
    if name in ("quiet-eo", "quiet-ec"):
        pose = QUIET_EO if name == "quiet-eo" else QUIET_EC
        return [
            empty_pad(3.0),
            _step_on(weight, pose),
            _hold("settle", weight, pose, SETTLE_S),
            _hold(pose.condition, weight, pose, options.duration_s or options.cap_s + REACTION_S),
            _step_off(weight, pose),
            empty_pad(4.0),
        ]
    if name in ("sls-left", "sls-right"):
        leg, label = (
            (LEFT_LEG, "single_leg_left") if name == "sls-left" else (RIGHT_LEG, "single_leg_right")
        )
        return [
            empty_pad(3.0),
            _step_on(weight, QUIET_EO),
            _hold("settle", weight, QUIET_EO, 3.0),
            *_single_leg(label, weight, leg, hold, no_lift=options.no_lift),
            _hold("after", weight, QUIET_EO, 2.0),
            _step_off(weight, QUIET_EO),
            empty_pad(4.0),
        ]
    if name == "tandem":
        return [
            empty_pad(3.0),
            _step_on(weight, TANDEM),
            _hold("settle", weight, TANDEM, SETTLE_S),
            *_tandem_hold(weight, hold),
            _hold("after", weight, QUIET_EO, 2.0),
            _step_off(weight, QUIET_EO),
            empty_pad(4.0),
        ]
    if name == "daily-check":
        return _daily_check(options)
    if name == "household":
        phases: list[Phase] = []
        for person_kg in options.household_weights_kg:
            phases += [
                empty_pad(8.0),
                _step_on(person_kg, QUIET_EO),
                _hold("quiet_eyes_open", person_kg, QUIET_EO, options.duration_s or 15.0),
                _step_off(person_kg, QUIET_EO),
            ]
        return [*phases, empty_pad(5.0)]
    if name == "replay":
        if options.replay is None:
            raise ValueError("the replay scenario needs a trial file (--replay FILE)")
        trace = options.replay
        start = Pose(ap_cm=float(trace.ap_cm[0]), ml_cm=float(trace.ml_cm[0]), condition="still")
        end = Pose(ap_cm=float(trace.ap_cm[-1]), ml_cm=float(trace.ml_cm[-1]), condition="still")
        replay_phase = replace(
            _hold("replay", weight, start, trace.duration_s), replay=trace, pose_to=end
        )
        return [
            empty_pad(2.0),
            _step_on(weight, start),
            replay_phase,
            _step_off(weight, end),
            empty_pad(3.0),
        ]
    raise ValueError(f"unknown scenario {name!r}; choose one of {', '.join(SCENARIOS)}")


def _daily_check(options: ScenarioOptions) -> list[Phase]:
    """Button, step on, quiet EC, tandem, SLS left, SLS right, step off.

    Each change of stance follows the end of the previous test (its cap, as timed from the
    settled stance or the lift) after `REACTION_S`, as a person reacting to the pad's cue would;
    after quiet stance the person also opens their eyes and stands still for `CUE_PAUSE_S`
    (longer than the detector settles) before stepping into tandem, so a tandem test must wait
    for that step rather than start from the standing posture.
    """
    weight = options.weight_kg
    phases = [
        empty_pad(2.0),
        empty_pad(3.0, press="short"),
        _step_on(weight, QUIET_EC),
        _hold("settle", weight, QUIET_EC, SETTLE_S),
        _hold("quiet_eyes_closed", weight, QUIET_EC, options.cap_s + REACTION_S),
        _hold("pause", weight, QUIET_EO, CUE_PAUSE_S),
        *_into_tandem(weight, QUIET_EO),
        *_tandem_hold(weight, options.hold_s),
        _hold("pause", weight, QUIET_EO, 3.0),
    ]
    # A single-leg test whose position was not taken is not repeated (engine daily_check.py).
    trials = 1 if options.no_lift else options.trials_per_leg
    for leg, label in ((LEFT_LEG, "single_leg_left"), (RIGHT_LEG, "single_leg_right")):
        for _ in range(trials):
            phases += [
                *_single_leg(label, weight, leg, options.hold_s, no_lift=options.no_lift),
                _hold("pause", weight, QUIET_EO, 3.0),
            ]
    return [*phases, _step_off(weight, QUIET_EO), empty_pad(5.0)]


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
