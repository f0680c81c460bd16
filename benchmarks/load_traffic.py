"""The traffic of benchmarks/load.py: what every simulated pad sends, and where its checks end.

Built before a run (so the load generator only paces and publishes during it):

- a *standing* pad has someone standing on it the whole run: 10-sample frames at 80 Hz;
- a *check* pad plays the simulator's daily check over and over (button press, quiet stance eyes
  closed, tandem, each leg, step off), its first check offset so that the pads do not all finish
  at the same moment; between two checks it sends idle frames, as the firmware does.

`finishing_frames` replays a check pad's messages through the engine exactly as the integration
does (the frame sequencer, then `CheckRunner` from the button press on, with the plan the pad's
options give) and returns the index of each frame that ends a check: the frame whose publish
time starts the live-path latency (docs: benchmarks/README.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from custom_components.retro_balance.const import CONF_CAP_S
from custom_components.retro_balance.engine.detection.daily_check import (
    CheckEventKind,
    CheckRunner,
)
from custom_components.retro_balance.engine.signal.cop import PadGeometry
from custom_components.retro_balance.engine.wire.protocol import (
    parse_button,
    parse_frame,
    parse_info,
)
from custom_components.retro_balance.engine.wire.sequencing import FrameSequencer
from custom_components.retro_balance.engine.wire.topics import TopicKind
from custom_components.retro_balance.settings import daily_check_plan
from pad_simulator.body import QUIET_EO, Phase
from pad_simulator.scenarios import ScenarioOptions, build_timeline
from pad_simulator.simulation import Simulation, device_config
from pad_simulator.timeline import stand, step_off, step_on

WEIGHT_KG = 70.0
"""Everyone on the benchmark's pads weighs this (the check pads' person is set up around it)."""


@dataclass(frozen=True, slots=True)
class Sent:
    """One message of the run: when (s after the start), which pad (index), what."""

    time_s: float
    pad: int
    kind: str
    payload: bytes


def pad_ids(count: int) -> list[str]:
    """The benchmark's pad ids: load01, load02, …"""
    return [f"load{index + 1:02d}" for index in range(count)]


def check_pad_indices(pads: int, check_every: int) -> list[int]:
    """Which pads run daily checks: every `check_every`-th one, and always at least the first."""
    return [index for index in range(pads) if index % check_every == 0]


def _standing(total_s: float) -> list[Phase]:
    return [step_on(WEIGHT_KG, QUIET_EO), stand("quiet_eyes_open", WEIGHT_KG, QUIET_EO, total_s)]


def _checks(total_s: float, cap_s: float, offset_s: float) -> list[Phase]:
    check = build_timeline("daily-check", ScenarioOptions(weight_kg=WEIGHT_KG, cap_s=cap_s))
    check_s = sum(phase.duration_s for phase in check)
    phases: list[Phase] = []
    if offset_s >= 3.0:
        phases += [
            step_on(WEIGHT_KG, QUIET_EO),
            stand("waiting", WEIGHT_KG, QUIET_EO, offset_s - 2.0),
            step_off(WEIGHT_KG, QUIET_EO),
        ]
    return phases + check * (math.ceil(total_s / check_s) + 1)


def check_length_s(cap_s: float) -> float:
    """How long one simulated daily check takes with this cap (from button to empty pad)."""
    check = build_timeline("daily-check", ScenarioOptions(weight_kg=WEIGHT_KG, cap_s=cap_s))
    return sum(phase.duration_s for phase in check)


def build_traffic(
    pads: int, *, total_s: float, check_pads: Sequence[int], cap_s: float
) -> list[Sent]:
    """Every pad's messages up to `total_s`, merged in send order (status and info excluded).

    Status and info are retained and sent by the load generator when each pad connects.
    """
    sent: list[Sent] = []
    checks = sorted(check_pads)
    spacing_s = check_length_s(cap_s) / max(len(checks), 1)
    for index in range(pads):
        if index in checks:
            phases = _checks(total_s, cap_s, offset_s=checks.index(index) * spacing_s)
        else:
            phases = _standing(total_s)
        simulation = Simulation(phases, device_config(), seed=index)
        for message in simulation.messages():
            if message.time_s > total_s:
                break
            if message.kind in (TopicKind.STATUS, TopicKind.INFO):
                continue
            sent.append(Sent(message.time_s, index, str(message.kind), message.payload))
    sent.sort(key=lambda item: item.time_s)
    return sent


def announced_info() -> bytes:
    """The info message every benchmark pad announces (the simulator's defaults)."""
    announce = Simulation(_standing(1.0), device_config()).device.announce(0.0)
    return next(message.payload for message in announce if message.kind == TopicKind.INFO)


def finishing_frames(sent: Sequence[Sent], pad: int, cap_s: float) -> list[int]:
    """Indices (into `sent`) of the frames that end a daily check on `pad`, in order."""
    info = parse_info(announced_info())
    geometry = PadGeometry(width_mm=info.width_mm, depth_mm=info.depth_mm)
    plan = daily_check_plan({CONF_CAP_S: cap_s})
    sequencer = FrameSequencer()
    runner: CheckRunner | None = None
    ends: list[int] = []
    for position, message in enumerate(sent):
        if message.pad != pad:
            continue
        if message.kind == TopicKind.BUTTON:
            if parse_button(message.payload).press == "short" and runner is None:
                runner = CheckRunner(plan, geometry)
            continue
        frame = parse_frame(message.payload)
        check = sequencer.check(frame)
        if not check.accepted or runner is None:
            continue
        events = runner.feed(frame.cells_kg, check.t_first_s, frame.rate_hz)
        if any(event.kind is CheckEventKind.CHECK_FINISHED for event in events):
            ends.append(position)
            runner = None
    return ends
