"""Turn simulated messages back into sample streams with the engine's own protocol module, and find
when a scenario's phases happen."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from custom_components.retro_balance.engine.arrays import FloatArray
from custom_components.retro_balance.engine.signal.cop import WII_BALANCE_BOARD, centre_of_pressure
from custom_components.retro_balance.engine.wire import protocol, sequencing
from custom_components.retro_balance.engine.wire.messages import Frame
from pad_simulator.device import DEFAULT_T0_MS
from pad_simulator.scenarios import ScenarioOptions, build_timeline
from pad_simulator.timeline import timeline_spans

GEOMETRY = WII_BALANCE_BOARD


def frames_of(messages: Iterable[tuple[float, str, bytes]]) -> list[Frame]:
    """Every frame message, parsed (anything else is skipped)."""
    return [protocol.parse_frame(payload) for _, kind, payload in messages if kind == "frames"]


def samples_of(
    frames: Iterable[Frame], *, t0_ms: int = DEFAULT_T0_MS
) -> tuple[FloatArray, FloatArray]:
    """Sample times (s since the simulator started) and loads (n, 4) of accepted frames."""
    sequencer = sequencing.FrameSequencer()
    times: list[FloatArray] = []
    loads: list[FloatArray] = []
    for frame in frames:
        check = sequencer.check(frame)
        if not check.accepted:
            continue
        offsets = np.arange(frame.sample_count) / frame.rate_hz
        times.append(check.t_first_s - t0_ms / 1000.0 + offsets)
        loads.append(frame.cells_kg)
    return np.concatenate(times), np.concatenate(loads)


def cop_between(
    times_s: FloatArray, loads: FloatArray, start_s: float, end_s: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """AP and ML (cm) and total load of the samples in [start_s, end_s)."""
    inside = (times_s >= start_s - 1e-9) & (times_s < end_s - 1e-9)
    trace = centre_of_pressure(loads[inside], GEOMETRY)
    return trace.ap_cm, trace.ml_cm, trace.total_kg


def span(name: str, label: str, **options: object) -> tuple[float, float]:
    """Start and end of the first phase called `label` in scenario `name`."""
    phases = build_timeline(name, ScenarioOptions(**options))  # type: ignore[arg-type]
    found = next(item for item in timeline_spans(phases) if item.label == label)
    return found.start_s, found.end_s
