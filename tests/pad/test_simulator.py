"""The pad simulator without a network: sway model, device behaviour, scenarios, replay."""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import numpy as np
import pytest

from custom_components.retro_balance.engine.detection.check_plan import CheckPlan
from custom_components.retro_balance.engine.detection.daily_check import CheckRunner
from custom_components.retro_balance.engine.detection.stance import StanceDetector
from custom_components.retro_balance.engine.detection.stance_config import DetectorConfig
from custom_components.retro_balance.engine.detection.stance_result import EndReason, StanceTest
from custom_components.retro_balance.engine.signal.cop import centre_of_pressure
from custom_components.retro_balance.engine.signal.filtering import lowpass_zero_phase
from custom_components.retro_balance.engine.signal.measures import sway_measures
from custom_components.retro_balance.engine.wire import protocol, sequencing
from custom_components.retro_balance.engine.wire.messages import MAX_FRAME_BYTES, ProtocolError
from pad_simulator import body, sway
from pad_simulator.device import DeviceConfig, PadDevice
from pad_simulator.replay import load_replay
from pad_simulator.scenarios import SCENARIOS, ScenarioOptions, build_timeline, generate
from pad_simulator.simulation import Simulation
from pad_simulator.timeline import timeline_spans

from .helpers import GEOMETRY, cop_between, frames_of, samples_of

QUIET = {"noise": False}


def span(name: str, label: str, **options: object) -> tuple[float, float]:
    """Start and end of the first phase called `label` in scenario `name`."""
    phases = build_timeline(name, ScenarioOptions(**options))  # type: ignore[arg-type]
    found = next(item for item in timeline_spans(phases) if item.label == label)
    return found.start_s, found.end_s


# --- sway model ---------------------------------------------------------------------------


@pytest.mark.parametrize("condition", sorted(sway.CONDITIONS))
def test_sway_generator_reaches_its_targets(condition: str) -> None:
    targets = sway.CONDITIONS[condition]
    generator = sway.SwayGenerator(80.0, np.random.default_rng(5))
    gains = sway.gains(targets)
    trace = np.array([generator.step(gains) for _ in range(80 * 600)])
    ap, ml = trace[:, 0], trace[:, 1]
    measures = sway_measures(ap, ml, 80.0)
    # ten minutes of a stochastic process: RMS within 15 %, velocity within 5 % of the target
    assert measures.rms_ap_cm == pytest.approx(targets.rms_ap_cm, rel=0.15)
    assert measures.rms_ml_cm == pytest.approx(targets.rms_ml_cm, rel=0.15)
    assert measures.mean_velocity_ap_cm_s == pytest.approx(targets.velocity_ap_cm_s, rel=0.05)
    assert measures.mean_velocity_ml_cm_s == pytest.approx(targets.velocity_ml_cm_s, rel=0.05)


def test_sway_is_independent_of_the_sampling_rate() -> None:
    gains = sway.gains(sway.CONDITIONS["quiet_eyes_open"])
    velocities = []
    for rate_hz in (40.0, 100.0):
        generator = sway.SwayGenerator(rate_hz, np.random.default_rng(3))
        trace = np.array([generator.step(gains) for _ in range(int(rate_hz * 300))])
        velocities.append(sway_measures(trace[:, 0], trace[:, 1], rate_hz).mean_velocity_cm_s)
    assert velocities[0] == pytest.approx(velocities[1], rel=0.08)


def test_component_variances_closed_form() -> None:
    slow, fast = sway.component_variances(0.5, 1.0)
    omega_slow, omega_fast = 2 * math.pi * sway.SLOW_HZ, 2 * math.pi * sway.FAST_HZ
    assert slow + fast == pytest.approx(0.25)
    assert slow * omega_slow**2 + fast * omega_fast**2 == pytest.approx(math.pi / 2)


@pytest.mark.parametrize(
    ("rms_cm", "velocity_cm_s"), [(0.5, 0.1), (0.1, 5.0), (0.0, 1.0), (math.nan, 1.0)]
)
def test_impossible_sway_targets_are_refused(rms_cm: float, velocity_cm_s: float) -> None:
    with pytest.raises(ValueError, match="AP"):
        sway.SwayTargets(
            rms_ap_cm=rms_cm, rms_ml_cm=0.3, velocity_ap_cm_s=velocity_cm_s, velocity_ml_cm_s=0.4
        )


def test_conditions_are_ordered_as_published() -> None:
    velocity = {
        name: math.hypot(targets.velocity_ap_cm_s, targets.velocity_ml_cm_s)
        for name, targets in sway.CONDITIONS.items()
    }
    assert velocity["quiet_eyes_open"] < velocity["quiet_eyes_closed"] < velocity["tandem"]
    assert velocity["tandem"] < velocity["single_leg"]
    assert velocity["single_leg"] > 3 * velocity["quiet_eyes_open"]


# --- body ---------------------------------------------------------------------------------


def test_corner_loads_give_back_the_cop() -> None:
    loads = np.array(
        [
            body.corner_loads(70.0, ap, ml, width_mm=GEOMETRY.width_mm, depth_mm=GEOMETRY.depth_mm)
            for ap, ml in [(0.0, 0.0), (3.0, -9.0), (-11.0, 20.0)]
        ]
    )
    assert loads.sum(axis=1) == pytest.approx([70.0, 70.0, 70.0])
    trace = centre_of_pressure(loads, GEOMETRY)
    assert trace.ap_cm == pytest.approx([0.0, 3.0, -11.0])
    assert trace.ml_cm == pytest.approx([0.0, -9.0, 20.0])
    assert (loads >= 0).all()


def test_corner_loads_are_clipped_to_the_pad() -> None:
    loads = body.corner_loads(
        50.0, 40.0, -40.0, width_mm=GEOMETRY.width_mm, depth_mm=GEOMETRY.depth_mm
    )
    assert loads == pytest.approx([50.0, 0.0, 0.0, 0.0])


def test_pose_and_phase_validation() -> None:
    with pytest.raises(ValueError, match="unknown sway condition"):
        body.Pose(condition="dancing")
    with pytest.raises(ValueError, match="positive duration"):
        body.Phase(
            label="x",
            duration_s=0.0,
            load_from_kg=0.0,
            load_to_kg=0.0,
            pose_from=body.QUIET_EO,
            pose_to=body.QUIET_EO,
        )


def test_state_blends_load_pose_and_sway() -> None:
    phase = body.Phase(
        label="lift",
        duration_s=1.0,
        load_from_kg=60.0,
        load_to_kg=70.0,
        pose_from=body.QUIET_EO,
        pose_to=body.LEFT_LEG,
    )
    start, middle, end = (body.state_at(phase, t) for t in (0.0, 0.5, 1.0))
    assert (start.load_kg, middle.load_kg, end.load_kg) == pytest.approx((60.0, 65.0, 70.0))
    assert (start.ml_cm, middle.ml_cm, end.ml_cm) == pytest.approx((0.0, -4.5, -9.0))
    assert end.sway_gains == pytest.approx(sway.gains(sway.CONDITIONS["single_leg"]))
    assert body.smoothstep(-1.0) == 0.0
    assert body.smoothstep(2.0) == 1.0


def test_replay_trace_interpolates_and_holds_the_ends() -> None:
    trace = body.ReplayTrace(
        rate_hz=10.0,
        ap_cm=np.array([0.0, 1.0, 2.0]),
        ml_cm=np.array([0.0, -1.0, -2.0]),
        load_ratio=np.array([1.0, 1.1, 0.9]),
    )
    assert trace.duration_s == pytest.approx(0.3)
    assert trace.at(0.05) == pytest.approx((0.5, -0.5, 1.05))
    assert trace.at(-1.0) == pytest.approx((0.0, 0.0, 1.0))
    assert trace.at(5.0) == pytest.approx((2.0, -2.0, 0.9))


# --- device -------------------------------------------------------------------------------


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


# --- scenarios ----------------------------------------------------------------------------


def test_generate_is_reproducible_and_seed_dependent() -> None:
    first = list(generate("sls-left", seed=11, lose_balance_at_s=3.0))
    assert first == list(generate("sls-left", seed=11, lose_balance_at_s=3.0))
    assert first != list(generate("sls-left", seed=12, lose_balance_at_s=3.0))


@pytest.mark.parametrize("name", [name for name in SCENARIOS if name != "replay"])
def test_every_scenario_speaks_the_protocol(name: str) -> None:
    messages = list(generate(name, seed=1, cap_s=10.0, duration_s=5.0))
    assert [kind for _, kind, _ in messages[:2]] == ["status", "info"]
    assert protocol.parse_status(messages[0][2]) is True
    info = protocol.parse_info(messages[1][2])
    assert (info.rate_hz, info.width_mm, info.depth_mm) == (80.0, 433.0, 238.0)
    times = [time_s for time_s, _, _ in messages]
    assert times == sorted(times)
    frames = frames_of(messages)
    assert [frame.seq for frame in frames] == list(range(len(frames)))
    assert all(len(payload) <= MAX_FRAME_BYTES for _, _, payload in messages)
    # byte for byte the firmware's format (the canonical form of the golden fixtures)
    payloads = [payload for _, kind, payload in messages if kind == "frames"]
    assert [protocol.encode_frame(frame) for frame in frames] == payloads
    assert protocol.encode_info(info) == messages[1][2]
    assert {kind for _, kind, _ in messages} <= {"status", "info", "frames", "button"}


def test_step_scenario_weight_and_rates() -> None:
    times, loads = samples_of(frames_of(generate("step", seed=2, weight_kg=82.0)))
    total = np.nansum(loads, axis=1)
    start, end = span("step", "quiet_eyes_open")
    standing = (times >= start) & (times < end)
    assert np.median(total[standing]) == pytest.approx(82.0, abs=0.1)
    # ~80 samples a second while someone stands, one a second once idle
    assert standing.sum() == pytest.approx(80 * (end - start), abs=2)
    late_idle = times > end + 1.0 + 3.5
    assert np.diff(times[late_idle]) == pytest.approx(1.0, abs=0.02)


def test_household_has_each_weight() -> None:
    weights = (95.0, 55.0, 30.0)
    times, loads = samples_of(
        frames_of(generate("household", seed=3, household_weights_kg=weights))
    )
    spans = [
        item
        for item in timeline_spans(
            build_timeline("household", ScenarioOptions(household_weights_kg=weights))
        )
        if item.label == "quiet_eyes_open"
    ]
    measured = [
        float(np.median(np.nansum(loads[(times >= s.start_s) & (times < s.end_s)], axis=1)))
        for s in spans
    ]
    assert measured == pytest.approx(list(weights), abs=0.2)


def test_daily_check_starts_with_a_button_press() -> None:
    messages = list(generate("daily-check", seed=0, cap_s=10.0))
    presses = [(t, payload) for t, kind, payload in messages if kind == "button"]
    assert len(presses) == 1
    assert protocol.parse_button(presses[0][1]).press == "short"
    assert presses[0][0] == pytest.approx(2.0, abs=0.05)


@pytest.mark.parametrize(
    ("name", "condition", "low", "high"),
    [
        # Santos & Duarte 2016, young adults, firm surface, 60 s: 0.88 ± 0.32 / 0.97 ± 0.39 cm/s
        ("quiet-eo", "quiet_eyes_open", 0.6, 1.2),
        ("quiet-ec", "quiet_eyes_closed", 0.65, 1.35),
    ],
)
def test_quiet_stance_sway_is_in_the_published_range(
    name: str, condition: str, low: float, high: float
) -> None:
    times, loads = samples_of(frames_of(generate(name, seed=8, duration_s=60.0, **QUIET)))
    start, end = span(name, condition, duration_s=60.0)
    ap, ml, _ = cop_between(times, loads, start, end)
    measures = sway_measures(ap, ml, 80.0)
    assert low < measures.mean_velocity_cm_s < high
    assert 0.5 < measures.ellipse_area95_cm2 < 8.0  # 2.7 ± 3.2 cm² (eyes open)
    assert 0.1 < measures.mean_frequency_hz < 0.5  # 0.24 ± 0.09 Hz


def test_single_leg_sways_several_times_more_than_quiet_stance() -> None:
    velocity = {}
    for name, label in (
        ("quiet-eo", "quiet_eyes_open"),
        ("sls-right", "single_leg_right"),
        ("tandem", "tandem"),
    ):
        times, loads = samples_of(frames_of(generate(name, seed=9, cap_s=40.0, **QUIET)))
        start, end = span(name, label, cap_s=40.0)
        ap, ml, _ = cop_between(times, loads, start + 0.5, end - 0.5)
        velocity[name] = sway_measures(ap, ml, 80.0).mean_velocity_cm_s
    assert velocity["quiet-eo"] < velocity["tandem"] < velocity["sls-right"]
    assert velocity["sls-right"] > 3 * velocity["quiet-eo"]


@pytest.mark.parametrize(
    ("name", "test", "tolerance_s"),
    [
        ("sls-left", StanceTest.SINGLE_LEG_LEFT, 0.2),
        ("sls-right", StanceTest.SINGLE_LEG_RIGHT, 0.2),
        # a tandem hold starts when the detector finds the person settled, not at a sharp event
        ("tandem", StanceTest.TANDEM, 0.4),
    ],
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_engine_times_a_loss_of_balance_at_12_s(
    name: str, test: StanceTest, tolerance_s: float, seed: int
) -> None:
    detector = StanceDetector(test, geometry=GEOMETRY)
    sequencer = sequencing.FrameSequencer()
    for frame in frames_of(generate(name, seed=seed, lose_balance_at_s=12.0)):
        check = sequencer.check(frame)
        if check.accepted:
            detector.feed(frame.cells_kg, check.t_first_s, frame.rate_hz)
    result = detector.result
    assert result is not None
    assert result.end_reason is EndReason.TOUCHED_DOWN
    assert result.hold_time_s == pytest.approx(12.0, abs=tolerance_s)
    assert result.body_mass_kg == pytest.approx(70.0, abs=1.0)


@pytest.mark.parametrize("lose_balance_at_s", [None, 12.0])
def test_daily_check_runs_through_the_engine(lose_balance_at_s: float | None) -> None:
    runner = CheckRunner(CheckPlan(), GEOMETRY)
    sequencer = sequencing.FrameSequencer()
    for frame in frames_of(generate("daily-check", seed=5, lose_balance_at_s=lose_balance_at_s)):
        check = sequencer.check(frame)
        if check.accepted:
            runner.feed(frame.cells_kg, check.t_first_s, frame.rate_hz)
    assert runner.finished
    assert runner.complete
    expected_s = 12.0 if lose_balance_at_s else 30.0
    holds = [result.hold_time_s for result in runner.results]
    assert holds[0] == pytest.approx(30.0)  # quiet stance runs to the cap
    # Tandem: timed from settling after the move into it (test_daily_check_simulated.py).
    assert holds[1] == pytest.approx(expected_s, abs=0.2)
    assert holds[2:] == pytest.approx([expected_s] * (len(holds) - 2), abs=0.2)  # single leg
    assert len(holds) == (8 if lose_balance_at_s else 4)


def test_device_clock_wrap_is_invisible_after_the_sequencer() -> None:
    t0_ms = 2**32 - 3000
    frames = frames_of(generate("step", seed=1, t0_ms=t0_ms))
    assert any(frame.t_ms < 10_000 for frame in frames)
    times, _ = samples_of(frames, t0_ms=t0_ms)
    assert (np.diff(times) > 0).all()


def test_loop_repeats_the_scenario_with_seq_counting_on() -> None:
    messages = generate("idle", seed=0, duration_s=4.0, loop=True)
    frames = frames_of(next(messages) for _ in range(40))
    assert [frame.seq for frame in frames] == list(range(len(frames)))
    assert frames[-1].t_ms > 2000 + 4000


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"weight_kg": 10.0}, "weight"),
        ({"cap_s": 0.0}, "cap"),
        ({"lose_balance_at_s": -1.0}, "lose-balance-at"),
        ({"duration_s": 0.0}, "duration"),
        ({"household_weights_kg": ()}, "household"),
        ({"sls_trials": 4}, "sls_trials"),
    ],
)
def test_scenario_options_validation(options: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ScenarioOptions(**options)  # type: ignore[arg-type]


def test_bad_scenarios_fail_at_the_call() -> None:
    with pytest.raises(ValueError, match="unknown scenario 'dance'"):
        generate("dance")
    with pytest.raises(ValueError, match="--replay FILE"):
        generate("replay")
    with pytest.raises(ValueError, match="'replay' scenario"):
        generate("step", replay="trial.txt")
    with pytest.raises(ValueError, match="at least one phase"):
        Simulation([], DeviceConfig())


@pytest.mark.parametrize("name", ["sls-left", "sls-right", "daily-check"])
def test_someone_who_cannot_lift_a_foot_stands_on_both_through_each_single_leg_test(
    name: str,
) -> None:
    """Never over one foot, and on the pad past the detector's start timeout in every test."""
    options = ScenarioOptions(no_lift=True, lose_balance_at_s=5.0)
    phases = build_timeline(name, options)
    labels = [phase.label for phase in phases]
    assert "lift" not in labels
    assert not {"single_leg_left", "single_leg_right"} & set(labels)
    tries = [item for item in timeline_spans(phases) if item.label == "no_lift"]
    # The daily check tries each leg once: a position not taken is not tried again.
    assert len(tries) == (2 if name == "daily-check" else 1)
    timeout_s = DetectorConfig().start_timeout_s
    assert all(item.end_s - item.start_s > timeout_s for item in tries)
    times, loads = samples_of(frames_of(generate(name, seed=4, weight_kg=62.0, no_lift=True)))
    for item in tries:
        _, ml_cm, total_kg = cop_between(times, loads, item.start_s, item.end_s)
        assert np.nanmedian(total_kg) == pytest.approx(62.0, abs=0.2)
        # A lift moves the COP 9 cm over the stance foot; on both feet it stays near the middle.
        assert np.nanmax(np.abs(ml_cm)) < 2.0


def test_no_lift_only_where_there_is_a_single_leg_test() -> None:
    with pytest.raises(ValueError, match="no-lift applies to sls-left, sls-right, daily-check"):
        generate("tandem", no_lift=True)


def test_sls_trials_default_to_best_of_three_only_when_balance_is_lost() -> None:
    assert ScenarioOptions().trials_per_leg == 1
    assert ScenarioOptions(lose_balance_at_s=5.0).trials_per_leg == 3
    assert ScenarioOptions(lose_balance_at_s=5.0, sls_trials=2).trials_per_leg == 2


# --- replay -------------------------------------------------------------------------------


def write_trial(path: Path, rows: list[list[float]], header: str | None = None) -> Path:
    header = header or "Time[s]\tFx[N]\tFy[N]\tFz[N]\tMx[Nm]\tMy[Nm]\tMz[Nm]\tCOPx[cm]\tCOPy[cm]"
    lines = [header] + ["\t".join(f"{value:g}" for value in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def synthetic_rows(count: int = 50) -> list[list[float]]:
    return [
        [(i + 1) / 100, 0, 0, 700 + i % 3, 0, 0, 0, 1 + 0.1 * math.sin(i / 5), -2 + 0.05 * i]
        for i in range(count)
    ]


def test_load_replay_centres_the_trace(tmp_path: Path) -> None:
    trace = load_replay(write_trial(tmp_path / "trial.txt", synthetic_rows()))
    assert trace.rate_hz == pytest.approx(100.0)
    assert trace.ap_cm.mean() == pytest.approx(0.0, abs=1e-12)
    assert trace.ml_cm.mean() == pytest.approx(0.0, abs=1e-12)
    assert trace.load_ratio.mean() == pytest.approx(1.0)
    compressed = tmp_path / "trial.txt.gz"
    compressed.write_bytes(gzip.compress((tmp_path / "trial.txt").read_bytes()))
    assert load_replay(compressed).ap_cm == pytest.approx(trace.ap_cm)


@pytest.mark.parametrize(
    ("rows", "header", "match"),
    [
        (synthetic_rows(), "Time[s]\tFz[N]", "missing"),
        (synthetic_rows(5), None, "at least 10 rows"),
        ([[0.01, 0, 0, 700, 0, 0, 0, 1, 2]] * 20, None, "times must increase"),
        ([[(i + 1) / 100, 0, 0, -1, 0, 0, 0, 1, 2] for i in range(20)], None, "Fz"),
    ],
)
def test_load_replay_rejects_other_files(
    tmp_path: Path, rows: list[list[float]], header: str | None, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        load_replay(write_trial(tmp_path / "trial.txt", rows, header))


def test_load_replay_reports_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read"):
        load_replay(tmp_path / "missing.txt")
    bad = tmp_path / "bad.txt"
    bad.write_text("Time[s]\tFz[N]\tCOPx[cm]\tCOPy[cm]\n0.01\tx\t1\t2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="malformed"):
        load_replay(bad)


def reference_metrics(shared_data: Path, trial: str) -> dict[str, float]:
    table = shared_data / "santos-duarte-2016" / "BDSinfoCOP.txt"
    with table.open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        for line in handle:
            row = dict(zip(header, line.rstrip("\n").split("\t"), strict=True))
            if row["Trial"] == trial:
                return {name: float(row[name]) for name in ("COParea", "COPvelo", "COPmfreq")}
    raise AssertionError(f"{trial} not in the table")


def replayed_measures(path: Path, **options: object) -> object:
    messages = generate("replay", seed=0, rate_hz=100.0, replay=path, weight_kg=60.0, **options)
    times, loads = samples_of(frames_of(messages))
    start, end = span("replay", "replay", replay=load_replay(path))
    ap, ml, _ = cop_between(times, loads, start, end)
    assert len(ap) == 6000
    return sway_measures(ap, ml, 100.0)


@pytest.mark.shared_data
@pytest.mark.parametrize("trial", ["BDS00001", "BDS00030", "BDS00051"])
def test_replayed_trial_gives_the_authors_metrics(shared_data: Path, trial: str) -> None:
    path = shared_data / "santos-duarte-2016" / "trials" / f"{trial}.txt.gz"
    reference = reference_metrics(shared_data, trial)
    # exact loads: COP -> four corners -> COP loses nothing but rounding error
    exact = replayed_measures(path, noise=False, decimals=None)
    assert exact.ellipse_area95_cm2 == pytest.approx(reference["COParea"], rel=1e-9)
    assert exact.mean_velocity_cm_s == pytest.approx(reference["COPvelo"], rel=1e-9)
    assert exact.mean_frequency_hz == pytest.approx(reference["COPmfreq"], rel=1e-9)
    # loads on the wire (1 g steps): measured +0.04 to +0.17 % velocity, area and frequency 5e-5
    wire = replayed_measures(path, noise=False)
    assert wire.ellipse_area95_cm2 == pytest.approx(reference["COParea"], rel=2e-4)
    assert wire.mean_velocity_cm_s == pytest.approx(reference["COPvelo"], rel=5e-3)
    assert wire.mean_frequency_hz == pytest.approx(reference["COPmfreq"], rel=5e-4)


@pytest.mark.shared_data
def test_replay_with_cell_noise_needs_the_low_pass_filter(shared_data: Path) -> None:
    path = shared_data / "santos-duarte-2016" / "trials" / "BDS00030.txt.gz"
    reference = reference_metrics(shared_data, "BDS00030")
    times, loads = samples_of(frames_of(generate("replay", seed=0, rate_hz=100.0, replay=path)))
    start, end = span("replay", "replay", replay=load_replay(path))
    ap, ml, _ = cop_between(times, loads, start, end)
    present = np.flatnonzero(~np.isnan(ap))  # a few missed readings (0.05 % per corner)
    assert len(present) > 5950
    ap, ml = (np.interp(np.arange(len(ap)), present, axis[present]) for axis in (ap, ml))
    raw = sway_measures(ap, ml, 100.0)
    filtered = sway_measures(lowpass_zero_phase(ap, 100.0), lowpass_zero_phase(ml, 100.0), 100.0)
    # 20 g of noise per corner more than doubles the raw path; a 10 Hz low-pass removes most of it
    assert raw.mean_velocity_cm_s > 1.5 * reference["COPvelo"]
    assert filtered.mean_velocity_cm_s == pytest.approx(reference["COPvelo"], rel=0.1)
    assert filtered.ellipse_area95_cm2 == pytest.approx(reference["COParea"], rel=0.02)
