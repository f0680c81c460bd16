"""What the stance detector accepts: its configuration and constructor, frames (shape, values,
time order), other pads and rates, and random streams that must never crash it.
"""

from __future__ import annotations

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
    StanceResult,
    StanceTest,
)
from custom_components.retro_balance.engine.signal.cop import PadGeometry
from tests.engine.detection import synthetic_stance as syn
from tests.engine.detection.still_person import RATE


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
        # A missed reading (NaN) beside a bad one does not hide it.
        (np.array([[np.nan, 1.0, 1.0, np.inf]]), 0.0, RATE, "infinite"),
        (np.array([[np.nan, 1.0, 1.0, 501.0]]), 0.0, RATE, "beyond the protocol's ±500 kg"),
        (np.zeros((10, 4)), float("nan"), RATE, "t_first_s must be finite"),
        (np.zeros((10, 4)), "0", RATE, "t_first_s must be a number"),
        (np.zeros((10, 4)), 0.0, 0.0, "rate_hz must be positive"),
        (np.zeros((10, 4)), 0.0, True, "rate_hz must be a number"),
    ],
)
def test_feed_rejects_bad_frames(cells: Any, t0: Any, rate: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        StanceDetector(StanceTest.TANDEM).feed(cells, t0, rate)


def test_a_frame_with_missed_readings_within_limits_is_taken() -> None:
    cells = np.full((10, 4), 17.5)
    cells[3, 1] = np.nan
    assert StanceDetector(StanceTest.TANDEM).feed(cells, 0.0, RATE)[0].time_s == 0.0


def test_the_detector_keeps_its_own_copy_of_a_frame_the_caller_may_change() -> None:
    """The trace keeps frames until the test ends; a caller reusing its buffer changes nothing."""
    stream = syn.single_leg(1.0, seed=1, hold_s=12.0)

    def result(reuse_buffer: bool) -> StanceResult | None:
        detector = StanceDetector(StanceTest.SINGLE_LEG_RIGHT)
        buffer = np.empty((10, 4))
        for frame in stream.frames:
            cells = np.array(frame.cells_kg, dtype=np.float64)
            if reuse_buffer:
                buffer[...] = cells
                cells = buffer
            detector.feed(cells, frame.t_first_s, stream.rate_hz)
            if reuse_buffer:
                buffer[...] = 0.0  # scribbled over before the next frame
        return detector.result

    kept = result(reuse_buffer=False)
    assert kept is not None
    assert kept.sway is not None
    assert result(reuse_buffer=True) == kept


def test_frames_must_arrive_in_time_order() -> None:
    detector = StanceDetector(StanceTest.TANDEM)
    detector.feed(np.zeros((10, 4)), 10.0, RATE)
    with pytest.raises(ValueError, match="feed frames in time order"):
        detector.feed(np.zeros((10, 4)), 9.9, RATE)
    # A little jitter (a frame starting a few ms early) is fine.
    assert detector.feed(np.zeros((10, 4)), 10.12, RATE) == []


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
