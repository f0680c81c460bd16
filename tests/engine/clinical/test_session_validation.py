"""What a session record refuses, built or read from storage, with a message naming the field."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from custom_components.retro_balance.engine.clinical.people import IdentifiedBy
from custom_components.retro_balance.engine.clinical.session import (
    SCHEMA_KEY,
    SessionRecord,
    assess_session,
)
from tests.engine.clinical.session_records import ANNA, RESULTS, START, record, stored


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"session_id": ""}, "session_id"),
        ({"pad_id": None}, "pad_id"),
        ({"person_id": " "}, "person_id"),
        ({"started_at": datetime(2026, 1, 1)}, "started_at"),
        ({"ended_at": "2026-11-23"}, "ended_at"),
        ({"ended_at": START - timedelta(seconds=1)}, "before started_at"),
        ({"kind": "marathon"}, "kind"),
        ({"kind": ["daily_check"]}, "kind"),
        ({"identified_by": {"weight": 1}}, "identified_by"),
        ({"results": list(RESULTS)}, "results"),
        ({"results": ({"test": "tandem"},)}, "results"),
        ({"assessment": {"score": 50}}, "assessment"),
        ({"complete": 1}, "complete"),
        ({"complete": True, "incomplete_reason": "cancelled"}, "incomplete_reason"),
        ({"complete": False, "incomplete_reason": None}, "incomplete_reason"),
        ({"identified_by": "guess"}, "identified_by"),
        ({"identified_by": "ambiguous"}, "does not fit"),
        ({"person_id": None, "identified_by": "weight"}, "does not fit"),
    ],
)
def test_invalid_records_are_rejected(changes: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        record(**changes)


def test_unassigned_record_cannot_carry_an_assessment() -> None:
    assessed = assess_session(record(), ANNA)
    with pytest.raises(ValueError, match="unassigned"):
        replace(assessed, person_id=None, identified_by=IdentifiedBy.NO_MATCH)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({SCHEMA_KEY: KeyError}, SCHEMA_KEY),
        ({SCHEMA_KEY: 2}, SCHEMA_KEY),
        ({SCHEMA_KEY: "1"}, SCHEMA_KEY),
        ({SCHEMA_KEY: True}, SCHEMA_KEY),
        ({"session_id": KeyError}, "session_id: missing"),
        ({"session_id": 5}, "session_id"),
        ({"pad_id": ""}, "pad_id"),
        ({"person_id": 3}, "person_id"),
        ({"identified_by": "psychic"}, "identified_by"),
        ({"kind": None}, "kind"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"started_at": "2026-11-23T18:00:00"}, "started_at: timestamp without a time zone"),
        ({"ended_at": 1700000000}, "ended_at"),
        ({"complete": "yes"}, "complete"),
        ({"incomplete_reason": 0}, "incomplete_reason"),
        ({"results": "none"}, "results"),
        ({"results": [7]}, r"results\[0\]"),
        ({"results": [{"test": "tandem"}]}, r"results\[0\]"),
        ({"assessment": [1, 2]}, "assessment"),
        ({"assessment": {"score": "high"}}, "assessment"),
    ],
)
def test_malformed_stored_data_names_the_field(changes: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        SessionRecord.from_dict(stored(**changes))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"started_at": "2026-11-23T18:00:00"}, "^started_at: "),
        ({"pad_id": ""}, "^pad_id "),
        ({"results": [7]}, r"^results\[0\]: "),
        ({"assessment": {"score": "high"}}, "^assessment: "),
    ],
)
def test_malformed_stored_data_message_starts_with_the_field(
    changes: dict[str, Any], field: str
) -> None:
    """docs/sessions.md: the message starts with the field name."""
    with pytest.raises(ValueError, match=field):
        SessionRecord.from_dict(stored(**changes))


def test_from_dict_rejects_a_non_mapping() -> None:
    with pytest.raises(ValueError, match="mapping"):
        SessionRecord.from_dict([("session_id", "x")])  # type: ignore[arg-type]


def test_an_unknown_incomplete_reason_is_refused() -> None:
    with pytest.raises(ValueError, match="^incomplete_reason 'bored' is not one of: cancelled"):
        record(complete=False, incomplete_reason="bored")
    with pytest.raises(ValueError, match="^incomplete_reason 'bored' is not one of"):
        SessionRecord.from_dict(stored(complete=False, incomplete_reason="bored"))


@pytest.mark.parametrize("planned", [["tandem", "hopping"], "tandem", [7]])
def test_a_bad_plan_is_refused_naming_the_field(planned: object) -> None:
    with pytest.raises(ValueError, match="planned_tests"):
        SessionRecord.from_dict(record().as_dict() | {"planned_tests": planned})
