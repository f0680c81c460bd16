"""The pad monitor fed a second of frames at once (`PadMonitor.feed_all`), as without a test."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pytest

from custom_components.retro_balance.engine.detection.pad_state import (
    DEAD_CORNER_DURATION_S,
    CalibrationIssueCode,
    PadMonitor,
)
from custom_components.retro_balance.engine.wire.messages import Frame

from .test_pad_state import PERSON, corner_stream, idle_stream, one_frame, stream

FRAMES_A_SECOND = 8


def seconds_of(frames: Iterable[Frame]) -> Iterator[list[Frame]]:
    """The frames in batches of a second's worth (the last may be shorter)."""
    batch: list[Frame] = []
    for frame in frames:
        batch.append(frame)
        if len(batch) == FRAMES_A_SECOND:
            yield batch
            batch = []
    if batch:
        yield batch


def one_by_one_and_by_the_second(frames: list[Frame]) -> tuple[PadMonitor, PadMonitor]:
    one_by_one, by_the_second = PadMonitor(), PadMonitor()
    for frame in frames:
        one_by_one.feed(frame)
    for batch in seconds_of(frames):
        by_the_second.feed_all(batch)
    return one_by_one, by_the_second


def test_a_second_at_once_shows_what_frame_by_frame_shows() -> None:
    one_by_one, by_the_second = one_by_one_and_by_the_second(list(stream(PERSON, 5.0)))
    assert by_the_second.weight_kg == pytest.approx(one_by_one.weight_kg)
    assert by_the_second.shown_weight_kg == one_by_one.shown_weight_kg == pytest.approx(70.0)
    assert by_the_second.occupied
    assert one_by_one.occupied
    assert by_the_second.measured_rate_hz == pytest.approx(80.0)
    assert by_the_second.calibration_issue is None


def test_the_rate_needs_two_seconds_of_frames() -> None:
    """Within one run of following frames the samples are evenly spaced by definition."""
    monitor = PadMonitor()
    frames = list(stream(PERSON, 2.0))
    monitor.feed_all(frames[:FRAMES_A_SECOND])
    assert monitor.measured_rate_hz is None
    monitor.feed_all(frames[FRAMES_A_SECOND:])
    assert monitor.measured_rate_hz == pytest.approx(80.0)


def test_frames_after_a_lost_one_are_not_joined_to_those_before() -> None:
    frames = [
        frame
        for index, frame in enumerate(stream(PERSON, 4.0, rate_hz=50.0, samples_per_frame=5))
        if index % 4 != 1  # every fourth frame lost on the way
    ]
    one_by_one, by_the_second = one_by_one_and_by_the_second(frames)
    assert by_the_second.measured_rate_hz == pytest.approx(50.0 * 0.75, rel=0.1)
    assert one_by_one.measured_rate_hz == pytest.approx(50.0 * 0.75, rel=0.1)


def test_idle_frames_in_a_batch_stay_idle_frames() -> None:
    monitor = PadMonitor()
    for batch in seconds_of(stream(PERSON, 2.0)):
        monitor.feed_all(batch)
    monitor.feed_all(list(idle_stream(0.2, 3, start_s=3.0)))
    assert monitor.idle_mode
    assert monitor.measured_rate_hz == pytest.approx(80.0)
    assert not monitor.occupied


def test_a_clock_going_back_inside_a_batch_starts_the_windows_over() -> None:
    monitor = PadMonitor()
    frames = list(stream(PERSON, 1.0, start_s=100.0))
    monitor.feed_all([*frames, one_frame(np.zeros((10, 4)), t_s=1.0)])
    assert monitor.weight_kg == pytest.approx(0.0)
    assert monitor.measured_rate_hz is None


def test_a_dead_corner_is_reported_within_a_second_of_five() -> None:
    monitor = PadMonitor()
    reported_at_s = None
    for second, batch in enumerate(seconds_of(corner_stream(1, 8.0, kind="zero")), start=1):
        monitor.feed_all(batch)
        if reported_at_s is None and monitor.calibration_issue is not None:
            reported_at_s = second
    assert reported_at_s is not None
    assert DEAD_CORNER_DURATION_S < reported_at_s <= DEAD_CORNER_DURATION_S + 1.0
    issue = monitor.calibration_issue
    assert issue is not None
    assert issue.code is CalibrationIssueCode.DEAD_CORNER
    assert issue.corner == "tr"
