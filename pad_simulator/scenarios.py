"""Scenarios: scripted timelines of a person on the pad, turned into the pad's MQTT messages.

`generate(scenario_name, seed=…)` is the network-free entry point other tests use: it yields
`(device_time_s, topic_kind, payload_bytes)` tuples exactly as the pad would publish them
(retained status and info first, then frames and button presses). `Simulation` is the same thing
with the device exposed, so the MQTT runner can apply `cmd` messages (tare) while it plays. The
scripts themselves (what the person does) are in `timelines.py`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TypedDict, Unpack

import numpy as np

from .body import Phase, corner_loads, state_at
from .device import DeviceConfig, Message, PadDevice
from .replay import load_replay
from .sway import SwayGenerator
from .timelines import (
    DEFAULT_CAP_S,
    DEFAULT_WEIGHT_KG,
    HOUSEHOLD_WEIGHTS_KG,
    ScenarioOptions,
    build_timeline,
)


class Simulation:
    """A scenario played through a simulated pad; iterate `messages()` for what it publishes."""

    def __init__(
        self,
        phases: Sequence[Phase],
        device_config: DeviceConfig,
        *,
        seed: int = 0,
        loop: bool = False,
    ) -> None:
        """Prepare the body (sway) and the device, each with its own random stream."""
        if not phases:
            raise ValueError("a simulation needs at least one phase")
        self.phases = list(phases)
        self.config = device_config
        self.loop = loop
        self.device = PadDevice(device_config, np.random.default_rng([seed, 1]))
        self._sway = SwayGenerator(device_config.rate_hz, np.random.default_rng([seed, 2]))

    def messages(self) -> Iterator[Message]:
        """Everything the pad publishes, in send order, on the simulation clock."""
        config = self.config
        yield from self.device.announce(0.0)
        sample = 0
        phase_start_s = 0.0
        time_s = 0.0
        while True:
            for phase in self.phases:
                phase_end_s = phase_start_s + phase.duration_s
                if phase.press is not None:
                    yield from self.device.button(phase_start_s, phase.press)
                while (time_s := sample / config.rate_hz) < phase_end_s - 1e-9:
                    state = state_at(phase, time_s - phase_start_s)
                    sway_ap_cm, sway_ml_cm = self._sway.step(state.sway_gains)
                    loads = corner_loads(
                        state.load_kg,
                        state.ap_cm + sway_ap_cm,
                        state.ml_cm + sway_ml_cm,
                        width_mm=config.width_mm,
                        depth_mm=config.depth_mm,
                    )
                    yield from self.device.feed(time_s, loads)
                    sample += 1
                phase_start_s = phase_end_s
            if not self.loop:
                break
        yield from self.device.flush(time_s)


def device_config(
    *,
    rate_hz: float = 80.0,
    samples_per_frame: int = 10,
    width_mm: float = 433.0,
    depth_mm: float = 238.0,
    noise: bool = True,
    decimals: int | None = 3,
    drop_rate: float = 0.0,
    dup_rate: float = 0.0,
    t0_ms: int = 2000,
) -> DeviceConfig:
    """Build a `DeviceConfig`; `noise=False`: no cell noise, drift, missed readings or delay."""
    return DeviceConfig(
        rate_hz=float(rate_hz),
        samples_per_frame=samples_per_frame,
        width_mm=width_mm,
        depth_mm=depth_mm,
        decimals=decimals,
        drop_rate=drop_rate,
        dup_rate=dup_rate,
        t0_ms=t0_ms,
        noise_kg=0.02 if noise else 0.0,
        drift_kg_per_h=0.1 if noise else 0.0,
        null_rate=0.0005 if noise else 0.0,
        max_delay_s=0.02 if noise else 0.0,
    )


class SimulationArgs(TypedDict, total=False):
    """The keyword arguments `generate` forwards to `build_simulation` (defaults there)."""

    seed: int
    rate_hz: float
    samples_per_frame: int
    weight_kg: float
    cap_s: float
    lose_balance_at_s: float | None
    duration_s: float | None
    width_mm: float
    depth_mm: float
    noise: bool
    decimals: int | None
    drop_rate: float
    dup_rate: float
    t0_ms: int
    replay: Path | str | None
    household_weights_kg: Sequence[float]
    sls_trials: int | None
    no_lift: bool
    loop: bool


def build_simulation(
    scenario_name: str,
    *,
    seed: int = 0,
    rate_hz: float = 80.0,
    samples_per_frame: int = 10,
    weight_kg: float = DEFAULT_WEIGHT_KG,
    cap_s: float = DEFAULT_CAP_S,
    lose_balance_at_s: float | None = None,
    duration_s: float | None = None,
    width_mm: float = 433.0,
    depth_mm: float = 238.0,
    noise: bool = True,
    decimals: int | None = 3,
    drop_rate: float = 0.0,
    dup_rate: float = 0.0,
    t0_ms: int = 2000,
    replay: Path | str | None = None,
    household_weights_kg: Sequence[float] = HOUSEHOLD_WEIGHTS_KG,
    sls_trials: int | None = None,
    no_lift: bool = False,
    loop: bool = False,
) -> Simulation:
    """Set up a scenario on a simulated pad (described at `generate`); errors are immediate."""
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
    config = device_config(
        rate_hz=rate_hz,
        samples_per_frame=samples_per_frame,
        width_mm=width_mm,
        depth_mm=depth_mm,
        noise=noise,
        decimals=decimals,
        drop_rate=drop_rate,
        dup_rate=dup_rate,
        t0_ms=t0_ms,
    )
    return Simulation(build_timeline(scenario_name, options), config, seed=seed, loop=loop)


def generate(
    scenario_name: str, **options: Unpack[SimulationArgs]
) -> Iterator[tuple[float, str, bytes]]:
    """Yield `(device_time_s, topic_kind, payload_bytes)` for one scenario, without a network.

    `device_time_s` is the send time in seconds since the simulated pad started (the pad's
    `t_ms` clock is `t0_ms` plus that). The first two messages are the retained `status`
    (`online`) and `info`; then frames (and `button` presses) in send order. The same seed gives
    the same messages. `noise=False` turns off cell noise, drift, missed readings and send delay;
    `decimals=None` sends loads at full float precision. Invalid arguments raise `ValueError`
    at the call, not at the first iteration.
    """
    simulation = build_simulation(scenario_name, **options)
    return (
        (message.time_s, str(message.kind), message.payload) for message in simulation.messages()
    )
