"""Assessing a session for its person, at their age on the session's date; assigning a session."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from custom_components.retro_balance.engine.clinical.assessment import BalanceAssessment
from custom_components.retro_balance.engine.clinical.norms import Sex
from custom_components.retro_balance.engine.clinical.people import IdentifiedBy, PersonProfile
from custom_components.retro_balance.engine.clinical.scoring import assess_balance
from custom_components.retro_balance.engine.clinical.session import (
    SessionRecord,
    assess_session,
    assign_session,
)
from tests.engine.clinical.session_records import ANNA, RESULTS, START, record


def test_assess_session_uses_age_on_the_session_date_and_every_result() -> None:
    assessed = assess_session(record(), ANNA)
    aborted = [r for r in RESULTS if not r.completed]
    assert len(aborted) == 1
    expected = assess_balance(RESULTS, 2026 - 1951, Sex.FEMALE)
    assert assessed.assessment == expected
    # The aborted trial is passed on, and shows as left out of its test.
    assert assessed.assessment is not None
    judged = assessed.assessment.test(aborted[0].test)
    assert judged is not None
    assert aborted[0].end_reason.value in judged.left_out
    # The same session recorded ten years earlier is scored for the younger age.
    earlier = record(
        started_at=START.replace(year=2016),
        ended_at=START.replace(year=2016) + timedelta(minutes=1),
    )
    assert assess_session(earlier, ANNA).assessment == assess_balance(RESULTS, 65, Sex.FEMALE)


def test_assess_session_refuses_someone_elses_session() -> None:
    other = replace(ANNA, person_id="bert")
    with pytest.raises(ValueError, match="belongs to 'anna'"):
        assess_session(record(), other)


def test_assign_an_unassigned_session() -> None:
    unassigned = record(person_id=None, identified_by="no_match")
    assigned = assign_session(unassigned, ANNA)
    assert assigned.person_id == "anna"
    assert assigned.identified_by == IdentifiedBy.ASSIGNED
    assert isinstance(assigned.assessment, BalanceAssessment)
    assert SessionRecord.from_dict(assigned.as_dict()) == assigned


def test_person_profile_birth_year_after_session_is_an_error() -> None:
    young = PersonProfile(person_id="anna", name="A", birth_year=2020, sex=Sex.MALE)
    early = record(
        started_at=datetime(2019, 5, 1, tzinfo=UTC), ended_at=datetime(2019, 5, 1, 0, 5, tzinfo=UTC)
    )
    with pytest.raises(ValueError, match="before birth year"):
        assess_session(early, young)
    assert young.age_on(date(2021, 1, 1)) == 1
