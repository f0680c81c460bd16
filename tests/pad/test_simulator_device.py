"""The simulated pad device: idle mode, tare, commands, drops and duplicates, its configuration."""

from __future__ import annotations

import math

import numpy as np
import pytest

from custom_components.retro_balance.engine.wire import protocol, sequencing
from custom_components.retro_balance.engine.wire.messages import ProtocolError
from pad_simulator.device import DeviceConfig, PadDevice
from pad_simulator.scenarios import generate


def make_device(**config: object) -> PadDevice:
    defaults: dict[str, object] = {
        "noise_kg": 0.0,
        "drift_kg_per_h": 0.0,
        "null_rate": 0.0,
        "max_delay_s": 0.0,
    }
    defaults.update(config)
    return PadDevice(DeviceConfig(**defaults), np.random.default_rng(0))  # type: ignore[arg-type]


def run_device(device: PadDevice, loads_by_time: list[tuple[float, float]], rate_hz: float = 80.0):
    """Feed `(until_s, total_kg)` stretches of evenly spread load; return the frames."""
    messages = []
    sample = 0
    for until_s, total_kg in loads_by_time:
        while (time_s := sample / rate_hz) < until_s - 1e-9:
            messages += device.feed(time_s, np.full(4, total_kg / 4))
            sample += 1
    return [(m.time_s, protocol.parse_frame(m.payload)) for m in messages]


def test_idle_mode_follows_the_firmware_rules() -> None:
    device = make_device()
    frames = run_device(device, [(2.0, 70.0), (8.0, 0.0), (10.0, 70.0)])
    sizes = [frame.sample_count for _, frame in frames]
    seqs = [frame.seq for _, frame in frames]
    assert seqs == list(range(len(frames)))  # seq counts across modes
    assert device.seq == len(frames)
    # full rate while loaded; the pad empties at 2.0 s and is idle from 5.0 s
    idle = [(time_s, frame) for time_s, frame in frames if 5.0 - 1e-9 <= time_s < 8.0]
    assert [frame.sample_count for _, frame in idle] == [1, 1, 1]
    assert [frame.t_ms for _, frame in idle] == [7000, 8000, 9000]
    assert all(size == 10 for size in sizes[:16])
    # leaving idle at the first loaded sample: it starts a new full-rate frame
    first_loaded = next(frame for time_s, frame in frames if time_s >= 8.0)
    assert first_loaded.t_ms == 2000 + 8000
    assert first_loaded.sample_count == 10
    assert first_loaded.cells_kg.sum(axis=1) == pytest.approx(np.full(10, 70.0))
    assert not device.idle


def test_partial_frame_is_flushed_when_the_pad_goes_idle() -> None:
    device = make_device()
    frames = run_device(device, [(3.0 + 5 / 80, 0.0)])
    assert [frame.sample_count for _, frame in frames][-2:] == [10, 1]
    assert sum(frame.sample_count for _, frame in frames[:-1]) == 240
    assert device.idle


def test_a_sample_with_a_null_does_not_count_towards_idle() -> None:
    device = make_device()
    device.feed(0.0, np.zeros(4))
    nothing = np.array([np.nan, 0.0, 0.0, 0.0])
    for sample in range(1, 400):
        device._update_idle(sample / 80, nothing)
    assert not device.idle


def test_tare_zeroes_a_still_load_and_fails_on_a_moving_one() -> None:
    device = make_device(noise_kg=0.02)
    run_device(device, [(1.0, 8.0)])
    device.tare()
    frames = run_device(device, [(3.0, 8.0)])
    assert device.tare_events == ["tared"]
    assert frames[-1][1].cells_kg.sum(axis=1) == pytest.approx(np.zeros(10), abs=0.2)
    moving = make_device()
    moving.tare()
    for sample in range(800):
        moving.feed(sample / 80, np.full(4, 5.0 + 4.0 * math.sin(sample / 8)))
    assert moving.tare_events == ["tare_failed"]


def test_a_missed_reading_restarts_the_tare_window() -> None:
    device = make_device()
    device.tare()
    for sample in range(140):
        reading = np.full(4, 3.0)
        if sample == 60:
            reading[2] = np.nan
        device._update_tare(sample / 80, reading)
    # 1 s of steadiness is needed after the gap at 0.75 s: not before 1.75 s
    assert device.tare_events == []
    for sample in range(140, 240):
        device._update_tare(sample / 80, np.full(4, 3.0))
    assert device.tare_events == ["tared"]


def test_auto_tare_removes_drift_of_an_empty_pad() -> None:
    device = make_device(drift_kg_per_h=3600.0 * 0.001, noise_kg=0.01)  # 1 g/s per corner at most
    frames = run_device(device, [(60.0, 0.0)])
    assert "auto_tared" in device.tare_events
    last = frames[-1][1].cells_kg
    assert np.abs(last).max() < 0.05


def test_commands_cues_and_malformed_commands() -> None:
    device = make_device()
    assert device.handle_command(b'{"cmd":"cue","cue":"start"}').cue == "start"
    assert device.handle_command(protocol.encode_tare_command()).cmd == "tare"
    assert device.cues == ["start"]
    with pytest.raises(ProtocolError):
        device.handle_command(b"reboot")


def test_drop_and_duplicate_rates() -> None:
    sequencer = sequencing.FrameSequencer()
    for _, kind, payload in generate("step", seed=4, drop_rate=0.1, dup_rate=0.1):
        if kind == "frames":
            sequencer.check(protocol.parse_frame(payload))
    counters = sequencer.counters
    assert 5 <= counters.lost <= 30
    assert 5 <= counters.duplicate <= 30
    assert counters.out_of_order == 0


@pytest.mark.parametrize(
    "config",
    [
        {"rate_hz": 0.5},
        {"samples_per_frame": 51},
        {"drop_rate": 1.0},
        {"noise_kg": -1.0},
        {"width_mm": 0.0},
        {"t0_ms": 2**32},
    ],
)
def test_device_config_validation(config: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"rate|samples|drop|noise|width|t0"):
        DeviceConfig(**config)  # type: ignore[arg-type]
