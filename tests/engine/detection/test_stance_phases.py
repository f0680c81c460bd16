"""The stance detector's phases from an empty pad to a result: progress, cancel, lost signal,
leaving before the start and the timeouts.
"""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.retro_balance.engine.detection.stance import StanceDetector
from custom_components.retro_balance.engine.detection.stance_config import DetectorConfig
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    QualityFlag,
    StanceEventKind,
    StancePhase,
    StanceTest,
)
from tests.engine.detection.still_person import RATE, feed_frames, standing


def test_quiet_stance_walks_through_the_phases_with_progress() -> None:
    detector = StanceDetector(StanceTest.QUIET_EYES_OPEN, DetectorConfig(cap_s=10.0))
    assert detector.phase is StancePhase.WAITING_FOR_PERSON
    assert detector.elapsed_s == 0.0
    assert detector.feed(np.zeros((0, 4)), 0.0, RATE) == []
    t, events = feed_frames(detector, standing(kg=0.0, seconds=1.0), 0.0)
    assert events == []
    t, events = feed_frames(detector, standing(seconds=1.0), t)
    assert [e.kind for e in events] == [StanceEventKind.STEPPED_ON]
    # An instant 70-kg step looks like a spike for two samples before it counts.
    assert events[0].time_s == pytest.approx(1.0, abs=0.03)
    assert detector.phase is StancePhase.SETTLING
    t, events = feed_frames(detector, standing(seconds=1.0), t)
    assert [e.kind for e in events] == [StanceEventKind.SETTLED, StanceEventKind.STARTED]
    assert events[0].time_s == pytest.approx(2.5, abs=0.05)
    assert detector.phase is StancePhase.HOLDING
    assert detector.body_mass_kg == pytest.approx(70.0, abs=0.05)
    assert detector.elapsed_s == pytest.approx(t - 1 / RATE - events[1].time_s)
    t, events = feed_frames(detector, standing(seconds=10.0), t)
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
    assert feed_frames(detector, standing(seconds=1.0), t)[1] == []  # ignored once finished


def test_cancel_during_a_hold_keeps_the_hold_time_and_is_aborted() -> None:
    detector = StanceDetector(StanceTest.TANDEM)
    t, events = feed_frames(detector, standing(seconds=6.0), 0.0)
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
    t, _ = feed_frames(detector, standing(seconds=5.0), 0.0)
    result = detector.lose_signal()
    assert result.end_reason is EndReason.SIGNAL_LOST
    assert result.started_at_s + result.hold_time_s == pytest.approx(t - 1 / RATE)
    assert {QualityFlag.GAPS, QualityFlag.ABORTED} <= result.quality
    assert StanceDetector(StanceTest.TANDEM).lose_signal().hold_time_s == 0.0


def test_leaving_before_the_start_waits_for_the_next_person() -> None:
    detector = StanceDetector(StanceTest.SINGLE_LEG_LEFT)
    t, _ = feed_frames(detector, standing(seconds=3.0), 0.0)
    assert detector.phase is StancePhase.READY
    t, events = feed_frames(detector, standing(kg=0.0, seconds=1.0), t)
    assert events == []
    assert detector.phase is StancePhase.WAITING_FOR_PERSON
    assert detector.body_mass_kg is None
    _, events = feed_frames(detector, standing(kg=80.0, seconds=2.0), t)
    assert [e.kind for e in events] == [StanceEventKind.STEPPED_ON, StanceEventKind.SETTLED]


def test_an_empty_pad_times_out() -> None:
    config = DetectorConfig(wait_timeout_s=5.0)
    detector = StanceDetector(StanceTest.TANDEM, config)
    _, events = feed_frames(detector, standing(kg=0.0, seconds=6.0), 0.0)
    assert [e.kind for e in events] == [StanceEventKind.FINISHED]
    result = detector.result
    assert result is not None
    assert result.end_reason is EndReason.TIMED_OUT
    assert result.quality == frozenset({QualityFlag.ABORTED})
    assert events[0].time_s == pytest.approx(5.0, abs=0.15)


def test_standing_without_lifting_a_foot_times_out() -> None:
    detector = StanceDetector(StanceTest.SINGLE_LEG_RIGHT, DetectorConfig(start_timeout_s=8.0))
    _, events = feed_frames(detector, standing(seconds=10.0), 0.0)
    assert [e.kind for e in events][-1] is StanceEventKind.FINISHED
    result = detector.result
    assert result is not None
    assert result.end_reason is EndReason.TIMED_OUT
    assert result.body_mass_kg == pytest.approx(70.0, abs=0.05)


def test_cancel_at_a_time_before_the_hold_gives_zero_and_no_sway() -> None:
    detector = StanceDetector(StanceTest.QUIET_EYES_OPEN)
    _, events = feed_frames(detector, standing(seconds=4.0), 0.0)
    started = next(e.time_s for e in events if e.kind is StanceEventKind.STARTED)
    result = detector.cancel(started - 1.0)
    assert result.hold_time_s == 0.0
    assert result.sway is None
