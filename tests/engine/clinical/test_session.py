"""Tests for the stored session record: validation, strict round trip, assessment and helpers."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from custom_components.retro_balance.engine.clinical.assessment import BalanceAssessment
from custom_components.retro_balance.engine.clinical.norms import Sex
from custom_components.retro_balance.engine.clinical.people import IdentifiedBy, PersonProfile
from custom_components.retro_balance.engine.clinical.scoring import assess_balance
from custom_components.retro_balance.engine.clinical.session import (
    RAW_COP_KEY,
    SCHEMA_KEY,
    SESSION_SCHEMA_VERSION,
    SessionKind,
    SessionRecord,
    assess_session,
    assign_session,
    best_result,
    export_session,
    latest_for_person,
    new_session_id,
)
from custom_components.retro_balance.engine.detection.daily_check import IncompleteReason
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    QualityFlag,
    StanceResult,
    StanceTest,
)
from custom_components.retro_balance.engine.signal.measures import SwayMeasures
from tests.paths import REPO

START = datetime(2026, 11, 23, 18, 0, 0, tzinfo=UTC)
ANNA = PersonProfile(
    person_id="anna",
    name="Anna",
    birth_year=1951,
    sex=Sex.FEMALE,
    weight_min_kg=55,
    weight_max_kg=70,
)
SWAY = SwayMeasures(
    samples=2400,
    duration_s=30.0,
    path_length_cm=45.0,
    mean_velocity_cm_s=1.5,
    mean_velocity_ap_cm_s=1.0,
    mean_velocity_ml_cm_s=0.9,
    rms_ap_cm=0.4,
    rms_ml_cm=0.3,
    range_ap_cm=2.0,
    range_ml_cm=1.5,
    ellipse_area95_cm2=3.2,
    mean_frequency_hz=0.3,
)


def result(
    test: StanceTest,
    hold_s: float,
    reason: EndReason = EndReason.TOUCHED_DOWN,
    *,
    quality: frozenset[QualityFlag] = frozenset(),
    sway: SwayMeasures | None = None,
) -> StanceResult:
    return StanceResult(
        test=test,
        hold_time_s=hold_s,
        cap_s=30.0,
        end_reason=reason,
        started_at_s=1000.0,
        body_mass_kg=64.2,
        sway=sway,
        quality=quality,
    )


RESULTS = (
    result(StanceTest.QUIET_EYES_CLOSED, 30.0, EndReason.CAP, sway=SWAY),
    result(StanceTest.TANDEM, 30.0, EndReason.CAP, sway=SWAY),
    result(StanceTest.SINGLE_LEG_LEFT, 6.5),
    result(StanceTest.SINGLE_LEG_LEFT, 11.25),
    result(
        StanceTest.SINGLE_LEG_LEFT,
        40.0,
        EndReason.CANCELLED,
        quality=frozenset({QualityFlag.ABORTED}),
    ),
    result(StanceTest.SINGLE_LEG_RIGHT, 11.25),
)


def record(**changes: Any) -> SessionRecord:
    values: dict[str, Any] = {
        "session_id": "0f3c",
        "pad_id": "hallway",
        "person_id": "anna",
        "started_at": START,
        "ended_at": START + timedelta(minutes=4, seconds=12),
        "kind": "daily_check",
        "results": RESULTS,
        "assessment": None,
        "complete": True,
        "incomplete_reason": None,
        "identified_by": "weight",
    }
    values.update(changes)
    return SessionRecord(**values)


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


def stored(**changes: Any) -> dict[str, Any]:
    data = assess_session(record(), ANNA).as_dict()
    for key, value in changes.items():
        if value is KeyError:
            del data[key]
        else:
            data[key] = value
    return data


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


def test_session_kinds() -> None:
    assert {kind.value for kind in SessionKind} == {"daily_check", "single_test"}
    assert record(kind=SessionKind.SINGLE_TEST).as_dict()["kind"] == "single_test"


def test_new_session_ids_are_unique_hex() -> None:
    ids = {new_session_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(re.fullmatch("[0-9a-f]{32}", i) for i in ids)


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


def test_latest_for_person() -> None:
    older = record(session_id="a")
    newer = record(
        session_id="b",
        started_at=START + timedelta(days=1),
        ended_at=START + timedelta(days=1, minutes=2),
    )
    newest_incomplete = record(
        session_id="c",
        started_at=START + timedelta(days=2),
        ended_at=START + timedelta(days=2, minutes=1),
        complete=False,
        incomplete_reason="cancelled",
    )
    someone_else = record(
        session_id="d",
        person_id="bert",
        started_at=START + timedelta(days=3),
        ended_at=START + timedelta(days=3),
    )
    records = [newer, someone_else, older, newest_incomplete]
    latest = latest_for_person(records, "anna")
    assert latest is not None
    assert latest.session_id == "c"
    latest_complete = latest_for_person(records, "anna", complete_only=True)
    assert latest_complete is not None
    assert latest_complete.session_id == "b"
    assert latest_for_person(records, "carl") is None
    assert latest_for_person([], "anna") is None


def test_best_result_is_the_longest_completed_hold_first_on_ties() -> None:
    session = record()
    best_left = best_result(session, StanceTest.SINGLE_LEG_LEFT)
    assert best_left is RESULTS[3]  # 11.25 s; the cancelled 40 s trial does not count
    assert best_result(session, StanceTest.SINGLE_LEG_RIGHT) is RESULTS[5]
    assert best_result(session, StanceTest.QUIET_EYES_OPEN) is None
    tie = record(results=(RESULTS[5], result(StanceTest.SINGLE_LEG_RIGHT, 11.25)))
    assert best_result(tie, StanceTest.SINGLE_LEG_RIGHT) is tie.results[0]


class CopStore:
    def __init__(self, traces: Mapping[str, Mapping[str, Any]]) -> None:
        self.traces = traces

    def raw_cop(self, session_id: str) -> Mapping[str, Any] | None:
        return self.traces.get(session_id)


def test_export_with_and_without_raw_cop() -> None:
    session = record()
    assert export_session(session) == session.as_dict()
    trace = {"rate_hz": 80.0, "ap_cm": [0.1, 0.2], "ml_cm": [0.0, -0.1]}
    exported = export_session(session, raw_cop=CopStore({"0f3c": trace}))
    assert exported[RAW_COP_KEY] == trace
    assert RAW_COP_KEY not in export_session(session, raw_cop=CopStore({}))


def test_person_profile_birth_year_after_session_is_an_error() -> None:
    young = PersonProfile(person_id="anna", name="A", birth_year=2020, sex=Sex.MALE)
    early = record(
        started_at=datetime(2019, 5, 1, tzinfo=UTC), ended_at=datetime(2019, 5, 1, 0, 5, tzinfo=UTC)
    )
    with pytest.raises(ValueError, match="before birth year"):
        assess_session(early, young)
    assert young.age_on(date(2021, 1, 1)) == 1


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


def test_an_unknown_incomplete_reason_is_refused() -> None:
    with pytest.raises(ValueError, match="^incomplete_reason 'bored' is not one of: cancelled"):
        record(complete=False, incomplete_reason="bored")
    with pytest.raises(ValueError, match="^incomplete_reason 'bored' is not one of"):
        SessionRecord.from_dict(stored(complete=False, incomplete_reason="bored"))


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


PLAN = (
    StanceTest.QUIET_EYES_CLOSED,
    StanceTest.TANDEM,
    StanceTest.SINGLE_LEG_LEFT,
    StanceTest.SINGLE_LEG_RIGHT,
)


def test_the_plan_is_stored_and_read_back() -> None:
    original = record(planned_tests=tuple(test.value for test in PLAN))
    assert original.planned_tests == PLAN
    stored = json.loads(json.dumps(original.as_dict()))
    assert stored["planned_tests"] == [test.value for test in PLAN]
    assert SessionRecord.from_dict(stored) == original


@pytest.mark.parametrize("planned", [["tandem", "hopping"], "tandem", [7]])
def test_a_bad_plan_is_refused_naming_the_field(planned: object) -> None:
    with pytest.raises(ValueError, match="planned_tests"):
        SessionRecord.from_dict(record().as_dict() | {"planned_tests": planned})


@pytest.mark.parametrize(
    ("reason", "interrupted"),
    [
        (None, False),
        (IncompleteReason.TESTS_MISSING, False),
        (IncompleteReason.CANCELLED, True),
        (IncompleteReason.SIGNAL_LOST, True),
        (IncompleteReason.PERSON_ABSENT, True),
    ],
)
def test_interrupted_is_stopping_before_every_test_was_tried(
    reason: IncompleteReason | None, interrupted: bool
) -> None:
    session = record(complete=reason is None, incomplete_reason=reason)
    assert session.interrupted is interrupted


def test_tests_done_are_those_with_a_completed_trial() -> None:
    cancelled = result(
        StanceTest.TANDEM, 4.0, EndReason.CANCELLED, quality=frozenset({QualityFlag.ABORTED})
    )
    session = record(results=(RESULTS[0], cancelled), planned_tests=PLAN)
    assert session.tests_done == (StanceTest.QUIET_EYES_CLOSED,)
    assert record().tests_done == PLAN


def test_the_weight_of_a_session_is_the_median_of_its_trials() -> None:
    light = replace(RESULTS[2], body_mass_kg=60.0)
    heavy = replace(RESULTS[3], body_mass_kg=66.0)
    unmeasured = replace(RESULTS[5], body_mass_kg=0.0)
    assert record(results=(light, heavy, RESULTS[0], unmeasured)).body_mass_kg == 64.2
    assert record(results=(unmeasured,)).body_mass_kg is None
    assert record(results=()).body_mass_kg is None
