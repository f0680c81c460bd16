"""The stored session record: an exact JSON round trip, UTC timestamps, enum values, the plan, the
documented example and the integration's stored-data fixture read back.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, timedelta, timezone

from custom_components.retro_balance.engine.clinical.norms import Sex
from custom_components.retro_balance.engine.clinical.people import IdentifiedBy
from custom_components.retro_balance.engine.clinical.scoring import assess_balance
from custom_components.retro_balance.engine.clinical.session import (
    SCHEMA_KEY,
    SESSION_SCHEMA_VERSION,
    SessionKind,
    SessionRecord,
    assess_session,
    best_result,
)
from custom_components.retro_balance.engine.detection.daily_check import IncompleteReason
from custom_components.retro_balance.engine.detection.stance_result import StanceTest
from tests.engine.clinical.session_records import ANNA, PLAN, START, record
from tests.paths import REPO


def test_round_trip_through_json_is_exact() -> None:
    original = assess_session(record(), ANNA)
    stored = json.loads(json.dumps(original.as_dict()))
    assert stored[SCHEMA_KEY] == SESSION_SCHEMA_VERSION
    assert stored["started_at"] == "2026-11-23T18:00:00+00:00"
    assert stored["ended_at"] == "2026-11-23T18:04:12+00:00"
    assert "raw_cop" not in stored
    restored = SessionRecord.from_dict(stored)
    assert restored == original
    assert restored.as_dict() == original.as_dict()


def test_unassigned_record_round_trip() -> None:
    original = record(
        person_id=None,
        identified_by=IdentifiedBy.AMBIGUOUS,
        complete=False,
        incomplete_reason="cancelled",
    )
    restored = SessionRecord.from_dict(original.as_dict())
    assert restored == original
    assert not restored.assigned
    assert restored.duration_s == 252.0


def test_timestamps_are_stored_in_utc() -> None:
    cet = timezone(timedelta(hours=1))
    local = record(
        started_at=START.astimezone(cet), ended_at=START.astimezone(cet) + timedelta(minutes=1)
    )
    data = local.as_dict()
    assert data["started_at"] == "2026-11-23T18:00:00+00:00"
    assert SessionRecord.from_dict(data).started_at.tzinfo is UTC
    data["started_at"] = "2026-11-23T19:00:00+01:00"
    assert SessionRecord.from_dict(data).started_at == START


def test_the_documented_example_is_a_valid_stored_record() -> None:
    text = (REPO / "docs" / "sessions.md").read_text()
    match = re.search(r"```json\n(.*?)```", text, re.DOTALL)
    assert match is not None
    example = json.loads(match.group(1))
    loaded = SessionRecord.from_dict(example)
    assert loaded.as_dict()["results"] == example["results"]
    assert best_result(loaded, StanceTest.SINGLE_LEG_LEFT) is loaded.results[1]
    # The example's assessment is what the rules give for a 75-year-old woman.
    assert loaded.assessment == assess_balance(loaded.results, 75, Sex.FEMALE)


def test_enum_fields_are_members_and_stored_as_their_values() -> None:
    """Typed in memory, the same strings on disk: the storage format does not change."""
    original = record(
        person_id=None, identified_by="no_match", complete=False, incomplete_reason="signal_lost"
    )
    assert original.kind is SessionKind.DAILY_CHECK
    assert original.identified_by is IdentifiedBy.NO_MATCH
    assert original.incomplete_reason is IncompleteReason.SIGNAL_LOST
    stored = original.as_dict()
    assert (stored["kind"], stored["identified_by"], stored["incomplete_reason"]) == (
        "daily_check",
        "no_match",
        "signal_lost",
    )
    assert json.dumps(stored) == json.dumps(json.loads(json.dumps(stored)))
    restored = SessionRecord.from_dict(stored)
    assert restored.incomplete_reason is IncompleteReason.SIGNAL_LOST
    assert restored == original


def test_stored_sessions_read_back_unchanged() -> None:
    """Every record of the integration's stored-data fixture reads back field for field.

    The fixture's assessments are in the first stored format, which reads as "not assessed" (the
    integration assesses those sessions again on load); everything else is identity.
    """
    path = REPO / "tests" / "integration" / "fixtures" / "sessions.json"
    raw = json.loads(path.read_text())["sessions"]
    assert len(raw) == 2
    for data in raw:
        loaded = SessionRecord.from_dict(data)
        assert loaded.assessment is None
        # Records stored before the plan was kept read back without one.
        assert loaded.planned_tests == ()
        assert loaded.as_dict() == data | {"assessment": None, "planned_tests": []}


def test_the_plan_is_stored_and_read_back() -> None:
    original = record(planned_tests=tuple(test.value for test in PLAN))
    assert original.planned_tests == PLAN
    stored = json.loads(json.dumps(original.as_dict()))
    assert stored["planned_tests"] == [test.value for test in PLAN]
    assert SessionRecord.from_dict(stored) == original
