"""The stance detector's contract: types, configuration, input checks, phases, cancel, timeouts."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.retro_balance.engine.detection.stance import StanceDetector
from custom_components.retro_balance.engine.detection.stance_config import DetectorConfig
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    QualityFlag,
    StanceEventKind,
    StancePhase,
    StanceResult,
    StanceTest,
)
from custom_components.retro_balance.engine.signal.cop import PadGeometry
from custom_components.retro_balance.engine.signal.measures import SwayMeasures
from tests.engine.detection import synthetic_stance as syn

RATE = syn.RATE_HZ


def _sway() -> SwayMeasures:
    return SwayMeasures(
        samples=2400,
        duration_s=30.0,
        path_length_cm=30.0,
        mean_velocity_cm_s=1.0,
        mean_velocity_ap_cm_s=0.7,
        mean_velocity_ml_cm_s=0.5,
        rms_ap_cm=0.3,
        rms_ml_cm=0.2,
        range_ap_cm=1.5,
        range_ml_cm=1.0,
        ellipse_area95_cm2=2.0,
        mean_frequency_hz=0.3,
    )


def _result(**changes: Any) -> StanceResult:
    base = StanceResult(
        test=StanceTest.SINGLE_LEG_LEFT,
        hold_time_s=12.5,
        cap_s=30.0,
        end_reason=EndReason.TOUCHED_DOWN,
        started_at_s=104.2,
        body_mass_kg=71.3,
        sway=_sway(),
        quality=frozenset({QualityFlag.GAPS}),
    )
    return dataclasses.replace(base, **changes)


def _standing(kg: float = 70.0, seconds: float = 1.0, ml_cm: float = 0.0) -> list[np.ndarray]:
    """Frames of a still person (10 samples each) with 20 g of cell noise, for rule tests."""
    rng = np.random.default_rng(round(kg * 10 + seconds))
    cells = syn.corner_loads(
        np.zeros(10), np.full(10, ml_cm), np.full(10, kg), syn.WII_BALANCE_BOARD
    )
    count = round(seconds * RATE / 10)
    return [cells + rng.normal(0.0, syn.CORNER_NOISE_KG, cells.shape) for _ in range(count)]


def _feed(detector: StanceDetector, frames: list[np.ndarray], t0: float) -> tuple[float, list[Any]]:
    events = []
    t = t0
    for cells in frames:
        events += detector.feed(cells, t, RATE)
        t += cells.shape[0] / RATE
    return t, events


# -- result ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "result",
    [_result(), _result(sway=None, quality=frozenset(), end_reason=EndReason.CAP)],
)
def test_result_round_trips_through_json(result: StanceResult) -> None:
    data = json.loads(json.dumps(result.as_dict()))
    assert StanceResult.from_dict(data) == result


def test_completed_is_false_for_aborted_results() -> None:
    assert _result().completed
    assert _result(end_reason=EndReason.STEPPED_OFF).completed
    for reason in (EndReason.CANCELLED, EndReason.TIMED_OUT, EndReason.SIGNAL_LOST):
        assert not _result(end_reason=reason).completed
    assert not _result(quality=frozenset({QualityFlag.TOO_LIGHT})).completed
    assert not _result(quality=frozenset({QualityFlag.ABORTED})).completed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"test": "hopping"}, "test 'hopping' is not one of"),
        ({"test": 3}, "test 3 is not one of"),
        ({"end_reason": "fell"}, "end_reason"),
        ({"hold_time_s": "12"}, "hold_time_s must be a finite number"),
        ({"hold_time_s": float("nan")}, "hold_time_s must be a finite number"),
        ({"cap_s": True}, "cap_s must be a finite number"),
        ({"quality": "gaps"}, "quality must be a list"),
        ({"quality": ["wobbly"]}, "quality 'wobbly'"),
        ({"sway": [1, 2]}, "sway must be a mapping or null"),
        ({"sway": {"samples": 3}}, "sway needs exactly the fields"),
    ],
)
def test_from_dict_says_what_is_wrong(change: dict[str, Any], message: str) -> None:
    data = _result().as_dict() | change
    with pytest.raises(ValueError, match=message):
        StanceResult.from_dict(data)


def test_from_dict_rejects_missing_fields_bad_sway_numbers_and_non_mappings() -> None:
    data = _result().as_dict()
    del data["cap_s"]
    with pytest.raises(ValueError, match="lacks cap_s"):
        StanceResult.from_dict(data)
    sway = _result().as_dict()["sway"] | {"samples": 2.5}
    with pytest.raises(ValueError, match="samples must be an integer"):
        StanceResult.from_dict(_result().as_dict() | {"sway": sway})
    sway = _result().as_dict()["sway"] | {"rms_ml_cm": None}
    with pytest.raises(ValueError, match="sway rms_ml_cm"):
        StanceResult.from_dict(_result().as_dict() | {"sway": sway})
    with pytest.raises(ValueError, match="must be a mapping"):
        StanceResult.from_dict([1, 2])  # type: ignore[arg-type]


# -- configuration and construction ------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cap_s": 5.0}, "cap_s must be between 10 and 60"),
        ({"cap_s": 61.0}, "cap_s must be between 10 and 60"),
        ({"settle_s": 0.0}, "settle_s must be positive"),
        ({"settle_s": float("inf")}, "settle_s must be finite"),
        ({"settle_s": "1"}, "settle_s must be a number"),
        ({"settle_s": True}, "settle_s must be a number"),
        ({"step_off_fraction": 1.0}, "step_off_fraction must be below 1"),
        ({"onset_fraction": 1.5}, "onset_fraction must be at most 1"),
        ({"presence_kg": 30.0}, "presence_kg must not exceed min_body_mass_kg"),
        ({"lift_hysteresis_cm": 3.0}, "lift_hysteresis_cm must be below lift_shift_cm"),
        ({"lift_plateau_s": 1.0}, "lift_plateau_s must not exceed lift_confirm_s"),
        ({"short_gap_s": 2.0}, "short_gap_s must be below max_gap_s"),
    ],
)
def test_config_rejects_unworkable_thresholds(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DetectorConfig(**change)


def test_config_accepts_the_allowed_caps_and_a_negative_corner_tolerance() -> None:
    assert DetectorConfig(cap_s=10.0).cap_s == 10.0
    assert DetectorConfig(cap_s=60.0, negative_corner_kg=-1.0).cap_s == 60.0


def test_constructor_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown stance test 'hop'"):
        StanceDetector("hop")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="config must be a DetectorConfig"):
        StanceDetector(StanceTest.TANDEM, {"cap_s": 30})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="geometry must be a PadGeometry"):
        StanceDetector(StanceTest.TANDEM, None, (433, 238))  # type: ignore[arg-type]
    detector = StanceDetector("tandem")  # type: ignore[arg-type]
    assert detector.test is StanceTest.TANDEM
    assert detector.config == DetectorConfig()


@pytest.mark.parametrize(
    ("cells", "t0", "rate", "message"),
    [
        (np.zeros((10, 3)), 0.0, RATE, r"shape \(n, 4\)"),
        (np.zeros(4), 0.0, RATE, r"shape \(n, 4\)"),
        ([["a", 1, 2, 3]], 0.0, RATE, "numeric corner loads"),
        (np.full((2, 4), np.inf), 0.0, RATE, "infinite"),
        (np.full((2, 4), 1e308), 0.0, RATE, "beyond the protocol's ±500 kg"),  # found by fuzzing
        (np.full((2, 4), -500.5), 0.0, RATE, "beyond the protocol's ±500 kg"),
        (np.zeros((10, 4)), float("nan"), RATE, "t_first_s must be finite"),
        (np.zeros((10, 4)), "0", RATE, "t_first_s must be a number"),
        (np.zeros((10, 4)), 0.0, 0.0, "rate_hz must be positive"),
        (np.zeros((10, 4)), 0.0, True, "rate_hz must be a number"),
    ],
)
def test_feed_rejects_bad_frames(cells: Any, t0: Any, rate: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        StanceDetector(StanceTest.TANDEM).feed(cells, t0, rate)


def test_frames_must_arrive_in_time_order() -> None:
    detector = StanceDetector(StanceTest.TANDEM)
    detector.feed(np.zeros((10, 4)), 10.0, RATE)
    with pytest.raises(ValueError, match="feed frames in time order"):
        detector.feed(np.zeros((10, 4)), 9.9, RATE)
    # A little jitter (a frame starting a few ms early) is fine.
    assert detector.feed(np.zeros((10, 4)), 10.12, RATE) == []


# -- phases, progress, cancel ------------------------------------------------------------------


def test_quiet_stance_walks_through_the_phases_with_progress() -> None:
    detector = StanceDetector(StanceTest.QUIET_EYES_OPEN, DetectorConfig(cap_s=10.0))
    assert detector.phase is StancePhase.WAITING_FOR_PERSON
    assert detector.elapsed_s == 0.0
    assert detector.feed(np.zeros((0, 4)), 0.0, RATE) == []
    t, events = _feed(detector, _standing(kg=0.0, seconds=1.0), 0.0)
    assert events == []
    t, events = _feed(detector, _standing(seconds=1.0), t)
    assert [e.kind for e in events] == [StanceEventKind.STEPPED_ON]
    # An instant 70-kg step looks like a spike for two samples before it counts.
    assert events[0].time_s == pytest.approx(1.0, abs=0.03)
    assert detector.phase is StancePhase.SETTLING
    t, events = _feed(detector, _standing(seconds=1.0), t)
    assert [e.kind for e in events] == [StanceEventKind.SETTLED, StanceEventKind.STARTED]
    assert events[0].time_s == pytest.approx(2.5, abs=0.05)
    assert detector.phase is StancePhase.HOLDING
    assert detector.body_mass_kg == pytest.approx(70.0, abs=0.05)
    assert detector.elapsed_s == pytest.approx(t - 1 / RATE - events[1].time_s)
    t, events = _feed(detector, _standing(seconds=10.0), t)
    assert [e.kind for e in events] == [StanceEventKind.FINISHED]
    result = detector.result
    assert result is not None
    assert detector.phase is StancePhase.FINISHED
    assert result.end_reason is EndReason.CAP
    assert result.hold_time_s == 10.0
    assert detector.elapsed_s == 10.0
    assert result.sway is not None
    # Only cell noise moves the COP: 20 g per corner reads as about 0.2 cm/s after the filter.
    assert 0.1 < result.sway.mean_velocity_cm_s < 0.3
    assert _feed(detector, _standing(seconds=1.0), t)[1] == []  # ignored once finished


def test_cancel_during_a_hold_keeps_the_hold_time_and_is_aborted() -> None:
    detector = StanceDetector(StanceTest.TANDEM)
    t, events = _feed(detector, _standing(seconds=6.0), 0.0)
    started = next(e.time_s for e in events if e.kind is StanceEventKind.STARTED)
    result = detector.cancel(t)
    assert result.end_reason is EndReason.CANCELLED
    assert result.hold_time_s == pytest.approx(t - started)
    assert QualityFlag.ABORTED in result.quality
    assert not result.completed
    assert detector.cancel(t + 5) is result
    assert detector.lose_signal() is result


def test_cancel_before_anyone_stepped_on_and_bad_cancel_times() -> None:
    detector = StanceDetector(StanceTest.SINGLE_LEG_RIGHT)
    with pytest.raises(ValueError, match="time_s must be a number"):
        detector.cancel("now")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="time_s must be finite"):
        detector.cancel(float("nan"))
    result = detector.cancel(3.0)
    assert result.hold_time_s == 0.0
    assert result.started_at_s == 3.0
    assert result.body_mass_kg == 0.0
    assert result.sway is None


def test_lose_signal_ends_the_hold_at_the_last_sample() -> None:
    detector = StanceDetector(StanceTest.QUIET_EYES_CLOSED)
    t, _ = _feed(detector, _standing(seconds=5.0), 0.0)
    result = detector.lose_signal()
    assert result.end_reason is EndReason.SIGNAL_LOST
    assert result.started_at_s + result.hold_time_s == pytest.approx(t - 1 / RATE)
    assert {QualityFlag.GAPS, QualityFlag.ABORTED} <= result.quality
    assert StanceDetector(StanceTest.TANDEM).lose_signal().hold_time_s == 0.0


def test_frames_without_any_reading_for_too_long_end_the_hold() -> None:
    detector = StanceDetector(StanceTest.QUIET_EYES_OPEN)
    t, _ = _feed(detector, _standing(seconds=4.0), 0.0)
    blank = [np.full((10, 4), np.nan)] * 12  # 1.5 s of missed readings
    _, events = _feed(detector, blank, t)
    assert [e.kind for e in events] == [StanceEventKind.FINISHED]
    result = detector.result
    assert result is not None
    assert result.end_reason is EndReason.SIGNAL_LOST


def test_a_hole_while_settling_restarts_settling() -> None:
    detector = StanceDetector(StanceTest.QUIET_EYES_OPEN)
    t, _ = _feed(detector, _standing(seconds=1.0), 0.0)
    _, events = _feed(detector, _standing(seconds=1.0), t + 2.0)
    assert events == []  # 1 s after the hole is not yet a full settling period
    assert detector.phase is StancePhase.SETTLING


def test_leaving_before_the_start_waits_for_the_next_person() -> None:
    detector = StanceDetector(StanceTest.SINGLE_LEG_LEFT)
    t, _ = _feed(detector, _standing(seconds=3.0), 0.0)
    assert detector.phase is StancePhase.READY
    t, events = _feed(detector, _standing(kg=0.0, seconds=1.0), t)
    assert events == []
    assert detector.phase is StancePhase.WAITING_FOR_PERSON
    assert detector.body_mass_kg is None
    _, events = _feed(detector, _standing(kg=80.0, seconds=2.0), t)
    assert [e.kind for e in events] == [StanceEventKind.STEPPED_ON, StanceEventKind.SETTLED]


def test_an_empty_pad_times_out() -> None:
    config = DetectorConfig(wait_timeout_s=5.0)
    detector = StanceDetector(StanceTest.TANDEM, config)
    _, events = _feed(detector, _standing(kg=0.0, seconds=6.0), 0.0)
    assert [e.kind for e in events] == [StanceEventKind.FINISHED]
    result = detector.result
    assert result is not None
    assert result.end_reason is EndReason.TIMED_OUT
    assert result.quality == frozenset({QualityFlag.ABORTED})
    assert events[0].time_s == pytest.approx(5.0, abs=0.15)


def test_standing_without_lifting_a_foot_times_out() -> None:
    detector = StanceDetector(StanceTest.SINGLE_LEG_RIGHT, DetectorConfig(start_timeout_s=8.0))
    _, events = _feed(detector, _standing(seconds=10.0), 0.0)
    assert [e.kind for e in events][-1] is StanceEventKind.FINISHED
    result = detector.result
    assert result is not None
    assert result.end_reason is EndReason.TIMED_OUT
    assert result.body_mass_kg == pytest.approx(70.0, abs=0.05)


def test_other_pad_geometries_and_rates_work() -> None:
    """A larger DIY pad at 50 Hz: geometry and rate come from the caller."""
    big = PadGeometry(width_mm=600.0, depth_mm=400.0)
    detector = StanceDetector(StanceTest.QUIET_EYES_OPEN, DetectorConfig(cap_s=10.0), big)
    cells = syn.corner_loads(np.zeros(5), np.zeros(5), np.full(5, 60.0), big)
    rng = np.random.default_rng(0)
    t = 0.0
    for _ in range(150):
        detector.feed(cells + rng.normal(0.0, 0.02, cells.shape), t, 50.0)
        t += 0.1
    result = detector.result
    assert result is not None
    assert result.end_reason is EndReason.CAP
    assert result.sway is not None
    assert result.sway.samples == 500


def test_a_single_leg_lift_with_the_other_foot_on_the_floor_is_not_a_lift() -> None:
    """COP moves under one foot but half the weight left the pad: no start."""
    script = syn.Script(seed=2).empty(1.0).step_on().stand(3.0)
    script.move(0.4, to=(0.0, 8.0), kg=40.0).stand(3.0)
    detector = StanceDetector(StanceTest.SINGLE_LEG_RIGHT)
    events = script.build().run(detector)
    assert StanceEventKind.STARTED not in [e.kind for e in events]
    assert detector.phase is StancePhase.READY


def test_a_brief_lean_towards_the_stance_foot_is_not_a_lift() -> None:
    script = syn.Script(seed=3).empty(1.0).step_on().stand(3.0)
    script.move(0.3, to=(0.0, 4.0)).move(0.3, to=(0.0, 0.0)).stand(2.0)
    detector = StanceDetector(StanceTest.SINGLE_LEG_RIGHT)
    events = script.build().run(detector)
    assert StanceEventKind.STARTED not in [e.kind for e in events]


def test_a_slow_drift_in_tandem_stance_is_not_a_step() -> None:
    """The COP wanders 5 cm sideways over 4 s: a new stance position, not a loss of balance."""
    script = syn.Script(seed=4).empty(1.0).step_on(at=(0.0, 0.3)).stand(3.0, amp=syn.TANDEM)
    script.move(4.0, to=(0.0, 5.3)).stand(30.0)
    detector = StanceDetector(StanceTest.TANDEM)
    script.build().run(detector)
    result = detector.result
    assert result is not None
    assert result.end_reason is EndReason.CAP


def test_the_cap_is_reached_during_missing_readings() -> None:
    detector = StanceDetector(StanceTest.QUIET_EYES_OPEN, DetectorConfig(cap_s=10.0))
    t, events = _feed(detector, _standing(seconds=11.2), 0.0)
    started = next(e.time_s for e in events if e.kind is StanceEventKind.STARTED)
    assert detector.phase is StancePhase.HOLDING
    blank = [np.full((10, 4), np.nan)] * 4  # 0.5 s: a short hole across the cap
    _, events = _feed(detector, blank, t)
    result = detector.result
    assert result is not None
    assert result.end_reason is EndReason.CAP
    assert events[-1].time_s == pytest.approx(started + 10.0)
    assert QualityFlag.GAPS in result.quality


def test_cancel_at_a_time_before_the_hold_gives_zero_and_no_sway() -> None:
    detector = StanceDetector(StanceTest.QUIET_EYES_OPEN)
    _, events = _feed(detector, _standing(seconds=4.0), 0.0)
    started = next(e.time_s for e in events if e.kind is StanceEventKind.STARTED)
    result = detector.cancel(started - 1.0)
    assert result.hold_time_s == 0.0
    assert result.sway is None


def test_sway_needs_enough_readings() -> None:
    detector = StanceDetector(StanceTest.QUIET_EYES_OPEN)
    t = 0.0
    for cells in _standing(seconds=3.0):
        detector.feed(cells, t, RATE)
        t += 0.125
        if detector.phase is StancePhase.HOLDING:
            break
    mostly_blank = []
    for i, frame in enumerate(_standing(seconds=1.5)):
        cells = frame.copy()
        cells[0 if i % 4 else 1 :] = np.nan  # one reading in forty: too few to filter
        mostly_blank.append(cells)
    t, _ = _feed(detector, mostly_blank, t)
    result = detector.cancel(t)
    assert result.hold_time_s > 1.0
    assert result.sway is None
    assert QualityFlag.TOO_NOISY in result.quality


def test_slow_pads_skip_the_low_pass_and_a_motionless_trace_has_no_sway() -> None:
    """At 15 Hz a 10-Hz low-pass is impossible; a COP that never moves has no mean frequency."""
    cells = syn.corner_loads(np.zeros(3), np.zeros(3), np.full(3, 70.0), syn.WII_BALANCE_BOARD)
    rng = np.random.default_rng(1)
    for noise, has_sway in ((0.02, True), (0.0, False)):
        detector = StanceDetector(StanceTest.QUIET_EYES_OPEN, DetectorConfig(cap_s=10.0))
        t = 0.0
        while detector.result is None:
            detector.feed(cells + rng.normal(0.0, noise, cells.shape), t, 15.0)
            t += 0.2
        assert detector.result.end_reason is EndReason.CAP
        assert (detector.result.sway is not None) is has_sway


def test_a_hole_in_the_stream_of_an_empty_pad_changes_nothing() -> None:
    detector = StanceDetector(StanceTest.TANDEM)
    t, _ = _feed(detector, _standing(kg=0.0, seconds=1.0), 0.0)
    _, events = _feed(detector, _standing(kg=0.0, seconds=1.0), t + 5.0)
    assert events == []
    assert detector.phase is StancePhase.WAITING_FOR_PERSON


@settings(max_examples=80, deadline=None)
@given(
    test=st.sampled_from(list(StanceTest)),
    seed=st.integers(0, 2**16),
    nan_fraction=st.floats(0.0, 0.5),
    frames=st.integers(1, 400),
)
def test_random_streams_never_crash_and_results_stay_consistent(
    test: StanceTest, seed: int, nan_fraction: float, frames: int
) -> None:
    """Garbage in (random loads, missing readings, wild jumps): events in order, sane results."""
    rng = np.random.default_rng(seed)
    config = DetectorConfig(cap_s=10.0, start_timeout_s=5.0)
    detector = StanceDetector(test, config)
    level = rng.uniform(0.0, 30.0, 4)
    t = 0.0
    times = []
    for _ in range(frames):
        level = np.clip(level + rng.normal(0.0, 3.0, 4), -1.0, 60.0)
        cells = level + rng.normal(0.0, 0.5, (10, 4))
        cells[rng.random(10) < nan_fraction] = np.nan
        times += [e.time_s for e in detector.feed(cells, t, RATE)]
        t += 0.125 + rng.uniform(-0.003, 0.003)
    assert times == sorted(times)
    result = detector.result or detector.cancel(t)
    assert 0.0 <= result.hold_time_s <= result.cap_s
    # Body mass is the settled window's mean load, or the too-light one's, or 0 if neither.
    mass_kg = result.body_mass_kg
    if result.hold_time_s > 0:
        assert mass_kg >= config.min_body_mass_kg
    elif QualityFlag.TOO_LIGHT in result.quality:
        assert mass_kg > 0.0
    else:
        assert mass_kg == 0.0 or mass_kg >= config.min_body_mass_kg
    assert StanceResult.from_dict(result.as_dict()) == result


def test_a_lift_confirmed_through_missing_readings_still_starts() -> None:
    stream = syn.single_leg(1.0, seed=9, hold_s=6.0)
    lift = stream.truth["lift"]
    frames = []
    for frame in stream.frames:
        cells = frame.cells_kg.copy()
        if lift + 0.3 <= frame.t_first_s < lift + 0.9:
            cells[:] = np.nan  # the readings vanish while the lift is being confirmed
        frames.append(syn.Frame(cells, frame.t_first_s))
    detector = StanceDetector(StanceTest.SINGLE_LEG_RIGHT)
    events = syn.Stream(frames, stream.rate_hz).run(detector)
    started = next(e.time_s for e in events if e.kind is StanceEventKind.STARTED)
    assert started == pytest.approx(lift, abs=0.3)
    assert detector.result is not None
    assert detector.result.end_reason is EndReason.TOUCHED_DOWN
