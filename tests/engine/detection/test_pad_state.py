"""Tests for the pad monitor: occupancy, weight, measured rate, idle frames, calibration."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import pytest

from custom_components.retro_balance.engine.detection.pad_state import (
    DEAD_CORNER_DURATION_S,
    EMPTY_OFFSET_DURATION_S,
    CalibrationIssueCode,
    PadMonitor,
    PadState,
    pad_state,
)
from custom_components.retro_balance.engine.wire.messages import Frame

RATE_HZ = 80.0


def stream(
    corners_kg: tuple[float, float, float, float],
    seconds: float,
    *,
    start_s: float = 0.0,
    samples_per_frame: int = 10,
    noise_kg: float = 0.02,
    seed: int = 0,
    rate_hz: float = RATE_HZ,
) -> Iterator[Frame]:
    """Full-rate frames with constant corner loads plus Gaussian noise."""
    rng = np.random.default_rng(seed)
    frames = round(seconds * rate_hz / samples_per_frame)
    for index in range(frames):
        cells = np.asarray(corners_kg) + rng.normal(0.0, noise_kg, (samples_per_frame, 4))
        t_s = start_s + index * samples_per_frame / rate_hz
        yield Frame(seq=index, t_ms=round(t_s * 1000), rate_hz=rate_hz, cells_kg=cells)


def idle_stream(total_kg: float, seconds: int, *, start_s: float = 0.0) -> Iterator[Frame]:
    """Idle-mode frames: one single-sample frame per second."""
    for index in range(seconds):
        cells = np.full((1, 4), total_kg / 4)
        yield Frame(
            seq=index, t_ms=round((start_s + index) * 1000), rate_hz=RATE_HZ, cells_kg=cells
        )


def feed_all(monitor: PadMonitor, frames: Iterator[Frame]) -> None:
    for frame in frames:
        monitor.feed(frame)


def one_frame(cells: npt.ArrayLike, t_s: float = 0.0, rate_hz: float = RATE_HZ) -> Frame:
    return Frame(
        seq=0, t_ms=round(t_s * 1000), rate_hz=rate_hz, cells_kg=np.asarray(cells, dtype=float)
    )


PERSON = (18.0, 17.0, 19.0, 16.0)  # 70 kg


def test_fresh_monitor_knows_nothing() -> None:
    monitor = PadMonitor()
    assert monitor.weight_kg is None
    assert not monitor.occupied
    assert monitor.measured_rate_hz is None
    assert monitor.calibration_issue is None
    assert monitor.calibration_issues == ()


def test_person_on_pad_gives_weight_rate_and_occupancy() -> None:
    monitor = PadMonitor()
    feed_all(monitor, stream(PERSON, 3.0))
    assert monitor.occupied
    assert monitor.weight_kg == pytest.approx(70.0, abs=0.05)
    assert monitor.measured_rate_hz == pytest.approx(80.0, rel=1e-3)
    assert not monitor.idle_mode
    assert monitor.calibration_issue is None


def test_weight_is_median_so_a_spike_does_not_move_it() -> None:
    monitor = PadMonitor()
    feed_all(monitor, stream(PERSON, 2.0, noise_kg=0.0))
    spike = np.tile(PERSON, (10, 1)).astype(float)
    spike[3] = [200.0, 200.0, 200.0, 200.0]
    spike[4, 2] = np.nan
    monitor.feed(one_frame(spike, t_s=2.0))
    assert monitor.weight_kg == pytest.approx(70.0)


def test_shown_weight_moves_in_whole_steps_of_a_tenth() -> None:
    """Noise around a rounding boundary does not change the shown weight; a real change does."""
    monitor = PadMonitor()
    shown, medians = set(), set()
    for second in range(20):
        feed_all(monitor, stream((69.95 / 4,) * 4, 1.0, start_s=second, noise_kg=0.03, seed=second))
        medians.add(round(monitor.weight_kg or 0.0, 1))
        shown.add(monitor.shown_weight_kg)
    assert medians == {69.9, 70.0}  # rounding alone would have flipped between the two
    assert len(shown) == 1
    assert shown <= medians
    feed_all(monitor, stream((17.53,) * 4, 2.0, start_s=20.0, noise_kg=0.0))
    assert monitor.shown_weight_kg == 70.1
    feed_all(monitor, stream((-0.01,) * 4, 2.0, start_s=30.0, noise_kg=0.0))
    assert str(monitor.shown_weight_kg) == "0.0"  # never "-0.0"
    feed_all(monitor, stream((np.nan,) * 4, 2.0, start_s=40.0, noise_kg=0.0))
    assert monitor.shown_weight_kg is None


def test_occupancy_at_an_even_split_follows_the_median() -> None:
    """Half the samples on each side of 10 kg: the median decides, as it always does."""
    monitor = PadMonitor()
    cells = np.array([[2.0] * 4] * 5 + [[3.0] * 4] * 5)  # totals 8 kg and 12 kg: median 10 kg
    monitor.feed(one_frame(cells))
    assert monitor.weight_kg == pytest.approx(10.0)
    assert monitor.occupied
    monitor = PadMonitor()
    monitor.feed(one_frame(np.array([[2.0] * 4] * 5 + [[2.9] * 4] * 5)))  # median 9.8 kg
    assert not monitor.occupied


def test_weight_follows_the_last_second_only() -> None:
    monitor = PadMonitor()
    feed_all(monitor, stream(PERSON, 2.0, noise_kg=0.0))
    feed_all(monitor, stream((25.0, 25.0, 25.0, 25.0), 1.0, start_s=2.0, noise_kg=0.0))
    assert monitor.weight_kg == pytest.approx(100.0)


def test_occupancy_threshold_is_ten_kg() -> None:
    monitor = PadMonitor()
    feed_all(monitor, stream((2.4, 2.4, 2.4, 2.4), 1.0, noise_kg=0.0))
    assert not monitor.occupied
    feed_all(monitor, stream((2.5, 2.5, 2.5, 2.5), 1.0, start_s=1.0, noise_kg=0.0))
    assert monitor.occupied


def test_measured_rate_reflects_lost_frames_and_other_rates() -> None:
    monitor = PadMonitor()
    frames = list(stream(PERSON, 2.0, rate_hz=50.0, samples_per_frame=5))
    for index, frame in enumerate(frames):
        if index % 4 != 1:  # lose every fourth frame
            monitor.feed(frame)
    assert monitor.measured_rate_hz == pytest.approx(50.0 * 0.75, rel=0.05)


def test_idle_frames_keep_the_streaming_rate_and_track_weight() -> None:
    monitor = PadMonitor()
    feed_all(monitor, stream(PERSON, 2.0))
    feed_all(monitor, idle_stream(0.2, 5, start_s=3.0))
    assert monitor.idle_mode
    assert monitor.measured_rate_hz == pytest.approx(80.0, rel=1e-3)
    assert monitor.weight_kg == pytest.approx(0.2)
    assert not monitor.occupied
    # Back to full rate: the window restarts instead of mixing in the idle gap.
    feed_all(monitor, stream(PERSON, 0.5, start_s=9.0, rate_hz=40.0))
    assert not monitor.idle_mode
    assert monitor.measured_rate_hz == pytest.approx(40.0, rel=1e-3)
    assert monitor.occupied


def test_clock_jumping_back_resets_windows() -> None:
    monitor = PadMonitor()
    feed_all(monitor, stream(PERSON, 2.0, start_s=100.0))
    monitor.feed(one_frame(np.zeros((10, 4)), t_s=1.0))
    assert monitor.weight_kg == pytest.approx(0.0)
    assert monitor.measured_rate_hz is None


def test_nan_only_samples_give_no_weight() -> None:
    monitor = PadMonitor()
    monitor.feed(one_frame(np.full((10, 4), np.nan)))
    assert monitor.weight_kg is None
    assert not monitor.occupied


@pytest.mark.parametrize(
    ("cells", "rate_hz", "match"),
    [
        (np.zeros((0, 4)), 80.0, "shape"),
        (np.zeros((10, 3)), 80.0, "shape"),
        (np.zeros(4), 80.0, "shape"),
        (np.zeros((10, 4)), 0.0, "rate_hz"),
        (np.zeros((10, 4)), float("nan"), "rate_hz"),
    ],
)
def test_bad_frames_are_rejected(
    cells: npt.NDArray[np.float64], rate_hz: float, match: str
) -> None:
    frame = Frame(seq=0, t_ms=0, rate_hz=rate_hz, cells_kg=cells)
    with pytest.raises(ValueError, match=match):
        PadMonitor().feed(frame)


@pytest.mark.parametrize("offset_kg", [4.0, -4.0])
def test_empty_pad_far_from_zero_is_reported_after_a_minute(offset_kg: float) -> None:
    monitor = PadMonitor()
    feed_all(monitor, stream((offset_kg / 4,) * 4, 3.0))  # full rate before the pad goes idle
    feed_all(monitor, idle_stream(offset_kg, int(EMPTY_OFFSET_DURATION_S) - 4, start_s=3.0))
    assert monitor.calibration_issue is None
    feed_all(monitor, idle_stream(offset_kg, 3, start_s=EMPTY_OFFSET_DURATION_S - 1.0))
    issue = monitor.calibration_issue
    assert issue is not None
    assert issue.code is CalibrationIssueCode.EMPTY_NOT_ZERO
    assert f"{offset_kg:+.1f} kg" in issue.message
    # A drifting reading does not replace the issue (the integration compares it frame by frame).
    feed_all(monitor, idle_stream(offset_kg * 1.5, 10, start_s=EMPTY_OFFSET_DURATION_S + 2.0))
    assert monitor.calibration_issue is issue
    # Someone standing on the pad neither raises nor clears it...
    feed_all(monitor, stream(PERSON, 5.0, start_s=100.0))
    assert monitor.calibration_issue == issue
    # ...a tared (near-zero) empty pad clears it.
    feed_all(monitor, idle_stream(0.1, 3, start_s=110.0))
    assert monitor.calibration_issue is None


def test_small_offset_or_interrupted_offset_is_not_reported() -> None:
    monitor = PadMonitor()
    feed_all(monitor, idle_stream(2.9, 200))
    assert monitor.calibration_issue is None
    monitor = PadMonitor()
    feed_all(monitor, idle_stream(5.0, 50))
    feed_all(monitor, idle_stream(0.0, 2, start_s=50.0))
    feed_all(monitor, idle_stream(5.0, 50, start_s=52.0))
    assert monitor.calibration_issue is None


def corner_stream(
    dead: int, seconds: float, *, kind: str, start_s: float = 0.0, seed: int = 1
) -> Iterator[Frame]:
    for frame in stream(PERSON, seconds, start_s=start_s, seed=seed):
        cells = frame.cells_kg.copy()
        if kind == "zero":
            cells[:, dead] = 0.0
        elif kind == "nan":
            cells[:, dead] = np.nan
        else:
            cells[:, dead] = 12.345
        yield Frame(seq=frame.seq, t_ms=frame.t_ms, rate_hz=frame.rate_hz, cells_kg=cells)


@pytest.mark.parametrize(
    ("kind", "text"),
    [("zero", "reads no load"), ("nan", "sends no readings"), ("frozen", "stuck")],
)
def test_dead_corner_is_reported_after_five_seconds(kind: str, text: str) -> None:
    monitor = PadMonitor()
    feed_all(monitor, corner_stream(2, DEAD_CORNER_DURATION_S - 0.5, kind=kind))
    assert monitor.calibration_issue is None
    feed_all(monitor, corner_stream(2, 1.0, kind=kind, start_s=DEAD_CORNER_DURATION_S - 0.5))
    issue = monitor.calibration_issue
    assert issue is not None
    assert issue.code is CalibrationIssueCode.DEAD_CORNER
    assert issue.corner == "bl"
    assert text in issue.message
    feed_all(monitor, corner_stream(2, 2.0, kind=kind, start_s=DEAD_CORNER_DURATION_S + 0.5))
    assert monitor.calibration_issue is issue
    # Stepping off keeps the issue (nothing to judge), a live corner under load clears it.
    feed_all(monitor, stream((0.0, 0.0, 0.0, 0.0), 2.0, start_s=10.0))
    assert monitor.calibration_issue == issue
    feed_all(monitor, stream(PERSON, 1.0, start_s=20.0))
    assert monitor.calibration_issue is None


def test_dead_corner_outranks_offset_and_both_are_listed() -> None:
    monitor = PadMonitor()
    feed_all(monitor, idle_stream(5.0, 70))
    feed_all(monitor, corner_stream(0, 7.0, kind="zero", start_s=80.0))
    codes = [issue.code for issue in monitor.calibration_issues]
    assert codes == [CalibrationIssueCode.DEAD_CORNER, CalibrationIssueCode.EMPTY_NOT_ZERO]
    assert monitor.calibration_issue is not None
    assert monitor.calibration_issue.code is CalibrationIssueCode.DEAD_CORNER


def test_single_leg_stance_does_not_look_like_a_dead_corner() -> None:
    monitor = PadMonitor()
    # Standing on the left foot well off-centre: right corners still carry a quarter of the load.
    feed_all(monitor, stream((26.0, 9.0, 26.0, 9.0), 30.0))
    assert monitor.calibration_issue is None


def test_empty_pad_corners_are_not_judged() -> None:
    monitor = PadMonitor()
    feed_all(monitor, stream((0.0, 0.0, 0.0, 0.0), 10.0, noise_kg=0.0))
    assert monitor.calibration_issue is None


@pytest.mark.parametrize(
    ("online", "occupied", "testing", "waiting", "expected"),
    [
        (False, True, True, False, PadState.OFFLINE),
        (False, False, True, True, PadState.OFFLINE),
        (True, True, True, False, PadState.TESTING),
        (True, False, True, False, PadState.TESTING),
        (True, False, True, True, PadState.WAITING_FOR_PERSON),
        (True, True, False, False, PadState.OCCUPIED),
        (True, False, False, False, PadState.IDLE),
        # Only a running test waits for someone.
        (True, False, False, True, PadState.IDLE),
    ],
)
def test_pad_state(
    online: bool, occupied: bool, testing: bool, waiting: bool, expected: PadState
) -> None:
    state = pad_state(online=online, occupied=occupied, testing=testing, waiting_for_person=waiting)
    assert state is expected
