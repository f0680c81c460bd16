"""The stance detector when readings go missing: holes while settling, holding, at the cap and
during a lift, on an empty pad, and too few readings for sway measures.
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
from tests.engine.detection import synthetic_stance as syn
from tests.engine.detection.still_person import RATE, feed_frames, standing


def test_frames_without_any_reading_for_too_long_end_the_hold() -> None:
    detector = StanceDetector(StanceTest.QUIET_EYES_OPEN)
    t, _ = feed_frames(detector, standing(seconds=4.0), 0.0)
    blank = [np.full((10, 4), np.nan)] * 12  # 1.5 s of missed readings
    _, events = feed_frames(detector, blank, t)
    assert [e.kind for e in events] == [StanceEventKind.FINISHED]
    result = detector.result
    assert result is not None
    assert result.end_reason is EndReason.SIGNAL_LOST


def test_a_hole_while_settling_restarts_settling() -> None:
    detector = StanceDetector(StanceTest.QUIET_EYES_OPEN)
    t, _ = feed_frames(detector, standing(seconds=1.0), 0.0)
    _, events = feed_frames(detector, standing(seconds=1.0), t + 2.0)
    assert events == []  # 1 s after the hole is not yet a full settling period
    assert detector.phase is StancePhase.SETTLING


def test_the_cap_is_reached_during_missing_readings() -> None:
    detector = StanceDetector(StanceTest.QUIET_EYES_OPEN, DetectorConfig(cap_s=10.0))
    t, events = feed_frames(detector, standing(seconds=11.2), 0.0)
    started = next(e.time_s for e in events if e.kind is StanceEventKind.STARTED)
    assert detector.phase is StancePhase.HOLDING
    blank = [np.full((10, 4), np.nan)] * 4  # 0.5 s: a short hole across the cap
    _, events = feed_frames(detector, blank, t)
    result = detector.result
    assert result is not None
    assert result.end_reason is EndReason.CAP
    assert events[-1].time_s == pytest.approx(started + 10.0)
    assert QualityFlag.GAPS in result.quality


def test_sway_needs_enough_readings() -> None:
    detector = StanceDetector(StanceTest.QUIET_EYES_OPEN)
    t = 0.0
    for cells in standing(seconds=3.0):
        detector.feed(cells, t, RATE)
        t += 0.125
        if detector.phase is StancePhase.HOLDING:
            break
    mostly_blank = []
    for i, frame in enumerate(standing(seconds=1.5)):
        cells = frame.copy()
        cells[0 if i % 4 else 1 :] = np.nan  # one reading in forty: too few to filter
        mostly_blank.append(cells)
    t, _ = feed_frames(detector, mostly_blank, t)
    result = detector.cancel(t)
    assert result.hold_time_s > 1.0
    assert result.sway is None
    assert QualityFlag.TOO_NOISY in result.quality


def test_a_hole_in_the_stream_of_an_empty_pad_changes_nothing() -> None:
    detector = StanceDetector(StanceTest.TANDEM)
    t, _ = feed_frames(detector, standing(kg=0.0, seconds=1.0), 0.0)
    _, events = feed_frames(detector, standing(kg=0.0, seconds=1.0), t + 5.0)
    assert events == []
    assert detector.phase is StancePhase.WAITING_FOR_PERSON


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
