"""A timeline played through a simulated pad: the body's sway and corner loads fed to the device.

`Simulation` turns the phases of a timeline (pad_simulator.timeline) into the messages the pad
publishes, in send order; `device_config` sets up the simulated firmware, with or without the
imperfections of real cells and a real network.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TypedDict, Unpack

import numpy as np

from .body import Phase, corner_loads, state_at
from .device import DeviceConfig, Message, PadDevice
from .faults import FaultCounts, FaultPlan, inject
from .sway import SwayGenerator


class Simulation:
    """A scenario played through a simulated pad; iterate `messages()` for what it publishes."""

    def __init__(
        self,
        phases: Sequence[Phase],
        device_config: DeviceConfig,
        *,
        seed: int = 0,
        loop: bool = False,
        faults: FaultPlan | None = None,
    ) -> None:
        """Prepare the body (sway), the device and the faults, each with its own random stream."""
        if not phases:
            raise ValueError("a simulation needs at least one phase")
        self.phases = list(phases)
        self.config = device_config
        self.loop = loop
        self.device = PadDevice(device_config, np.random.default_rng([seed, 1]))
        self._sway = SwayGenerator(device_config.rate_hz, np.random.default_rng([seed, 2]))
        self.faults = faults or FaultPlan()
        self.fault_counts = FaultCounts()
        self._fault_rng = np.random.default_rng([seed, 3])

    def messages(self) -> Iterator[Message]:
        """Everything the pad publishes, in send order, on the simulation clock (with faults)."""
        return inject(self._messages(), self.faults, self._fault_rng, self.fault_counts)

    def _messages(self) -> Iterator[Message]:
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


class DeviceSettings(TypedDict, total=False):
    """How the simulated firmware is set up (`DeviceConfig`'s fields; its defaults otherwise)."""

    rate_hz: float
    samples_per_frame: int
    width_mm: float
    depth_mm: float
    decimals: int | None
    drop_rate: float
    dup_rate: float
    t0_ms: int


def device_config(*, noise: bool = True, **settings: Unpack[DeviceSettings]) -> DeviceConfig:
    """Build a `DeviceConfig`; `noise=False`: no cell noise, drift, missed readings or delay."""
    config = DeviceConfig(**settings)
    if noise:
        return config
    return replace(config, noise_kg=0.0, drift_kg_per_h=0.0, null_rate=0.0, max_delay_s=0.0)
