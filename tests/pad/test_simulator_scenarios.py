"""The simulator's scenarios without a network: the protocol they speak, weights, sway in the
published ranges, the engine's timing of them, no-lift, loops and option checks.
"""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.retro_balance.engine.detection.check_plan import CheckPlan
from custom_components.retro_balance.engine.detection.daily_check import CheckRunner
from custom_components.retro_balance.engine.detection.stance import StanceDetector
from custom_components.retro_balance.engine.detection.stance_config import DetectorConfig
from custom_components.retro_balance.engine.detection.stance_result import EndReason, StanceTest
from custom_components.retro_balance.engine.signal.measures import sway_measures
from custom_components.retro_balance.engine.wire import protocol, sequencing
from custom_components.retro_balance.engine.wire.messages import MAX_FRAME_BYTES
from pad_simulator.device import DeviceConfig
from pad_simulator.scenarios import SCENARIOS, ScenarioOptions, build_timeline, generate
from pad_simulator.simulation import Simulation
from pad_simulator.timeline import timeline_spans

from .helpers import GEOMETRY, cop_between, frames_of, samples_of, span

QUIET = {"noise": False}


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
