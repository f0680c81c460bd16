"""A person's trends from their sessions, for the snapshot (the trends' HA side builds on it)."""

from __future__ import annotations

import json
from pathlib import Path
from unittest.mock import patch

import pytest

from custom_components.retro_balance import person_trend
from custom_components.retro_balance.engine.clinical.session import SessionRecord
from custom_components.retro_balance.engine.trends.measure import TrendMeasure

FIXTURE = Path(__file__).parent / "fixtures" / "sessions.json"


def anna() -> SessionRecord:
    return SessionRecord.from_dict(json.loads(FIXTURE.read_text())["sessions"][0])


def test_one_value_per_session_and_measure() -> None:
    record = anna()
    observations = person_trend.trend_observations([record])
    assert set(observations) == set(TrendMeasure)
    (left,) = observations[TrendMeasure.SINGLE_LEG_LEFT]
    assert (left.value, left.cap) == (pytest.approx(12.0895), 30.0)
    assert observations[TrendMeasure.BALANCE_SCORE][0].value == 64.7


def test_sessions_that_cannot_be_read_give_no_trend_and_a_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    record = anna()
    with patch.object(person_trend, "assess_person", side_effect=ValueError("bad day")):
        assert person_trend.person_trend([record], record.started_at.date()) is None
    assert "No balance trend for these sessions: bad day" in caplog.text
