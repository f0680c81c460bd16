"""Scenarios: scripted timelines of a person on the pad, turned into the pad's MQTT messages.

`generate(scenario_name, seed=…)` is the network-free entry point other tests use: it yields
`(device_time_s, topic_kind, payload_bytes)` tuples exactly as the pad would publish them
(retained status and info first, then frames and button presses). `Simulation` is the same thing
with the device exposed, so the MQTT runner can apply `cmd` messages (tare) while it plays.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final, Unpack

from custom_components.retro_balance.engine.detection.check_plan import MAX_TRIALS, MIN_TRIALS
from custom_components.retro_balance.engine.detection.stance_config import DEFAULT_CAP_S

from .body import LEFT_LEG, QUIET_EC, QUIET_EO, RIGHT_LEG, TANDEM, Phase, Pose, ReplayTrace
from .faults import FaultPlan
from .replay import load_replay
from .simulation import DeviceSettings, Simulation, device_config
from .timeline import (
    SETTLE_S,
    empty_pad,
    into_tandem,
    single_leg,
    stand,
    step_off,
    step_on,
    tandem_hold,
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
HOUSEHOLD_WEIGHTS_KG: Final = (84.0, 62.0, 38.0)
REACTION_S: Final = 1.0
"""How long past the cap a person holds a stance before changing it (reacting to the cue)."""
CUE_PAUSE_S: Final = 2.0
"""Daily check: standing still, eyes open, after the quiet-stance cue before moving the feet."""
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
    no_lift: bool = False
    """The person never lifts a foot: each single-leg test finds them on both feet."""
    replay: ReplayTrace | None = None

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
        if self.sls_trials is not None and not MIN_TRIALS <= self.sls_trials <= MAX_TRIALS:
            raise ValueError(f"sls_trials must be {MIN_TRIALS}-{MAX_TRIALS}, got {self.sls_trials}")

    @property
    def trials_per_leg(self) -> int:
        """Single-leg trials per leg in the daily check."""
        if self.sls_trials is not None:
            return self.sls_trials
        return MAX_TRIALS if self.lose_balance_at_s is not None else 1

    @property
    def hold_s(self) -> float:
        """How long a timed stance is held: until balance is lost, or just past the cap."""
        if self.lose_balance_at_s is not None:
            return self.lose_balance_at_s
        return self.cap_s + REACTION_S


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
            step_on(weight, QUIET_EO),
            stand("quiet_eyes_open", weight, QUIET_EO, options.duration_s or 10.0),
            step_off(weight, QUIET_EO),
            empty_pad(5.0),
        ]
    if name in ("quiet-eo", "quiet-ec"):
        pose = QUIET_EO if name == "quiet-eo" else QUIET_EC
        return [
            empty_pad(3.0),
            step_on(weight, pose),
            stand("settle", weight, pose, SETTLE_S),
            stand(pose.condition, weight, pose, options.duration_s or options.cap_s + REACTION_S),
            step_off(weight, pose),
            empty_pad(4.0),
        ]
    if name in ("sls-left", "sls-right"):
        leg, label = (
            (LEFT_LEG, "single_leg_left") if name == "sls-left" else (RIGHT_LEG, "single_leg_right")
        )
        return [
            empty_pad(3.0),
            step_on(weight, QUIET_EO),
            stand("settle", weight, QUIET_EO, 3.0),
            *single_leg(label, weight, leg, hold, no_lift=options.no_lift),
            stand("after", weight, QUIET_EO, 2.0),
            step_off(weight, QUIET_EO),
            empty_pad(4.0),
        ]
    if name == "tandem":
        return [
            empty_pad(3.0),
            step_on(weight, TANDEM),
            stand("settle", weight, TANDEM, SETTLE_S),
            *tandem_hold(weight, hold),
            stand("after", weight, QUIET_EO, 2.0),
            step_off(weight, QUIET_EO),
            empty_pad(4.0),
        ]
    if name == "daily-check":
        return _daily_check(options)
    if name == "household":
        phases: list[Phase] = []
        for person_kg in options.household_weights_kg:
            phases += [
                empty_pad(8.0),
                step_on(person_kg, QUIET_EO),
                stand("quiet_eyes_open", person_kg, QUIET_EO, options.duration_s or 15.0),
                step_off(person_kg, QUIET_EO),
            ]
        return [*phases, empty_pad(5.0)]
    if name == "replay":
        if options.replay is None:
            raise ValueError("the replay scenario needs a trial file (--replay FILE)")
        trace = options.replay
        start = Pose(ap_cm=float(trace.ap_cm[0]), ml_cm=float(trace.ml_cm[0]), condition="still")
        end = Pose(ap_cm=float(trace.ap_cm[-1]), ml_cm=float(trace.ml_cm[-1]), condition="still")
        replay_phase = replace(
            stand("replay", weight, start, trace.duration_s), replay=trace, pose_to=end
        )
        return [
            empty_pad(2.0),
            step_on(weight, start),
            replay_phase,
            step_off(weight, end),
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
        step_on(weight, QUIET_EC),
        stand("settle", weight, QUIET_EC, SETTLE_S),
        stand("quiet_eyes_closed", weight, QUIET_EC, options.cap_s + REACTION_S),
        stand("pause", weight, QUIET_EO, CUE_PAUSE_S),
        *into_tandem(weight, QUIET_EO),
        *tandem_hold(weight, options.hold_s),
        stand("pause", weight, QUIET_EO, 3.0),
    ]
    for leg, label in ((LEFT_LEG, "single_leg_left"), (RIGHT_LEG, "single_leg_right")):
        # A position not taken is not tried again: one try per leg without a lift.
        for _ in range(1 if options.no_lift else options.trials_per_leg):
            phases += [
                *single_leg(label, weight, leg, options.hold_s, no_lift=options.no_lift),
                stand("pause", weight, QUIET_EO, 3.0),
            ]
    return [*phases, step_off(weight, QUIET_EO), empty_pad(5.0)]


class SimulationArgs(DeviceSettings, total=False):
    """The keyword arguments `generate` forwards to `build_simulation` (defaults there)."""

    seed: int
    weight_kg: float
    cap_s: float
    lose_balance_at_s: float | None
    duration_s: float | None
    noise: bool
    replay: Path | str | None
    household_weights_kg: Sequence[float]
    sls_trials: int | None
    no_lift: bool
    loop: bool
    faults: FaultPlan | None
    lead_in_s: float


def build_simulation(
    scenario_name: str,
    *,
    seed: int = 0,
    weight_kg: float = DEFAULT_WEIGHT_KG,
    cap_s: float = DEFAULT_CAP_S,
    lose_balance_at_s: float | None = None,
    duration_s: float | None = None,
    noise: bool = True,
    replay: Path | str | None = None,
    household_weights_kg: Sequence[float] = HOUSEHOLD_WEIGHTS_KG,
    sls_trials: int | None = None,
    no_lift: bool = False,
    loop: bool = False,
    faults: FaultPlan | None = None,
    lead_in_s: float = 0.0,
    **device: Unpack[DeviceSettings],
) -> Simulation:
    """Set up a scenario on a simulated pad (described at `generate`); errors are immediate.

    `device` sets up the simulated firmware (`DeviceConfig`'s fields; its defaults otherwise);
    `lead_in_s` of empty pad come before the scenario (time to start a test, inject a fault).
    """
    if not 0.0 <= lead_in_s < 3600.0:
        raise ValueError(f"lead-in must be 0-3600 s, got {lead_in_s}")
    if replay is not None and scenario_name != "replay":
        raise ValueError("a replay file needs the 'replay' scenario")
    options = ScenarioOptions(
        weight_kg=weight_kg,
        cap_s=cap_s,
        lose_balance_at_s=lose_balance_at_s,
        duration_s=duration_s,
        household_weights_kg=tuple(household_weights_kg),
        sls_trials=sls_trials,
        no_lift=no_lift,
        replay=load_replay(replay) if replay is not None else None,
    )
    config = device_config(noise=noise, **device)
    phases = build_timeline(scenario_name, options)
    if lead_in_s > 0:
        phases = [empty_pad(lead_in_s), *phases]
    return Simulation(phases, config, seed=seed, loop=loop, faults=faults)


def generate(
    scenario_name: str, **options: Unpack[SimulationArgs]
) -> Iterator[tuple[float, str, bytes]]:
    """Yield `(device_time_s, topic_kind, payload_bytes)` for one scenario, without a network.

    `device_time_s` is the send time in seconds since the simulated pad started (the pad's
    `t_ms` clock is `t0_ms` plus that). The first two messages are the retained `status`
    (`online`) and `info`; then frames (and `button` presses) in send order. The same seed gives
    the same messages. `noise=False` turns off cell noise, drift, missed readings and send delay;
    `decimals=None` sends loads at full float precision; `faults` injects reboots, clock jumps,
    reordered and late frames (`pad_simulator.faults`). Invalid arguments raise `ValueError`
    at the call, not at the first iteration.
    """
    simulation = build_simulation(scenario_name, **options)
    return (
        (message.time_s, str(message.kind), message.payload) for message in simulation.messages()
    )
