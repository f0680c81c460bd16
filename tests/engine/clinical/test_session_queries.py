"""What is read from session records: kinds and ids, a person's latest, the best trial, the export
with raw COP, whether a check was interrupted, the tests done and the session's weight.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from custom_components.retro_balance.engine.clinical.session import (
    RAW_COP_KEY,
    SessionKind,
    best_result,
    export_session,
    latest_for_person,
    new_session_id,
)
from custom_components.retro_balance.engine.detection.daily_check import IncompleteReason
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    QualityFlag,
    StanceTest,
)
from tests.engine.clinical.session_records import PLAN, RESULTS, START, record, result


def test_session_kinds() -> None:
    assert {kind.value for kind in SessionKind} == {"daily_check", "single_test"}
    assert record(kind=SessionKind.SINGLE_TEST).as_dict()["kind"] == "single_test"


def test_new_session_ids_are_unique_hex() -> None:
    ids = {new_session_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(re.fullmatch("[0-9a-f]{32}", i) for i in ids)


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
