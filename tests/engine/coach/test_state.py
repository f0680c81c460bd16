"""The stored coach state: round trips, a versioned format, bad records quarantined not lost."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from custom_components.retro_balance.engine.clinical.fall_risk import RiskLevel
from custom_components.retro_balance.engine.coach.history import PhaseAction, PhaseChange
from custom_components.retro_balance.engine.coach.programme import Phase
from custom_components.retro_balance.engine.coach.progression import update_phase
from custom_components.retro_balance.engine.coach.reasons import ReasonCode
from custom_components.retro_balance.engine.coach.reminders import QuietHours, ReminderSettings
from custom_components.retro_balance.engine.coach.state import (
    COACH_SCHEMA_VERSION,
    MAX_MISSED_KEPT,
    CoachState,
)
from tests.engine.coach.builders import AMSTERDAM, MONDAY, at, full_week, hold, walk, with_log

WEEK = timedelta(days=7)


def _rich_state() -> CoachState:
    reminders = ReminderSettings(
        time_of_day=time(9, 30),
        days=frozenset({1, 4}),
        quiet_hours=QuietHours(start=time(21), end=time(8)),
        snoozed_until=at(MONDAY + 2 * WEEK, 10),
    )
    state = with_log(
        CoachState.start(MONDAY, reminders),
        [*full_week(MONDAY, Phase(1)), *full_week(MONDAY + WEEK, Phase(1))],
    )
    state, _ = update_phase(
        state, today=MONDAY + 2 * WEEK, risk_level=RiskLevel.LOW, declining=False, tz=AMSTERDAM
    )
    state = state.with_override(Phase(1))
    return state.after_reminder_check(at(MONDAY + 2 * WEEK, 11), (at(MONDAY + WEEK, 9, 30),))


def _stored(state: CoachState) -> dict[str, Any]:
    stored: dict[str, Any] = json.loads(json.dumps(state.as_dict()))
    return stored


def test_a_new_programme_starts_in_phase_one_on_its_start_date() -> None:
    state = CoachState.start(MONDAY)
    assert state.phase is Phase(1)
    assert state.programme_start == MONDAY
    assert state.phase_history == (
        PhaseChange(
            on=MONDAY,
            phase=Phase(1),
            action=PhaseAction.START,
            reasons=(ReasonCode.PROGRAMME_STARTED,),
        ),
    )
    assert state.override is None
    assert state.reminders == ReminderSettings()


def test_round_trip_through_json_keeps_everything() -> None:
    state = _rich_state()
    assert state.phase is Phase(2)
    stored = _stored(state)
    assert stored["schema_version"] == COACH_SCHEMA_VERSION
    assert stored["override"] == 1
    assert stored["phase_history"][1] == {
        "on": "2026-01-19",
        "phase": 2,
        "action": "step_up",
        "reasons": ["adherence_sustained", "balance_allows"],
    }
    assert CoachState.from_dict(stored) == state


def test_a_bad_activity_is_quarantined_and_the_rest_kept() -> None:
    stored = _stored(_rich_state())
    broken = copy.deepcopy(stored["activities"][3])
    broken["duration_s"] = -1
    stored["activities"][3] = broken
    stored["activities"].append("not even a mapping")
    state = CoachState.from_dict(stored)
    assert len(state.activities) == len(_rich_state().activities) - 1
    assert [q.record for q in state.quarantine] == [broken, "not even a mapping"]
    assert "activities[3]: duration_s must be above 0" in state.quarantine[0].error
    assert "must be a mapping" in state.quarantine[1].error
    # Written out again and read back: the quarantined records survive untouched.
    again = CoachState.from_dict(_stored(state))
    assert again.quarantine == state.quarantine
    assert again.activities == state.activities


def test_a_duplicate_activity_id_is_quarantined() -> None:
    stored = _stored(_rich_state())
    stored["activities"].append(copy.deepcopy(stored["activities"][0]))
    state = CoachState.from_dict(stored)
    assert len(state.activities) == len(_rich_state().activities)
    assert "appears twice" in state.quarantine[0].error


def test_activities_stored_out_of_order_are_sorted() -> None:
    state = _rich_state()
    stored = _stored(state)
    stored["activities"].reverse()
    assert CoachState.from_dict(stored) == state


def test_a_malformed_quarantine_entry_is_kept_whole() -> None:
    stored = _stored(CoachState.start(MONDAY))
    stored["quarantine"] = [{"record": {"a": 1}, "error": "old"}, 42]
    state = CoachState.from_dict(stored)
    assert [(q.record, q.error) for q in state.quarantine] == [
        ({"a": 1}, "old"),
        (42, "malformed quarantine entry"),
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(schema_version=2), "schema_version: expected 1"),
        (lambda d: d.update(schema_version=True), "schema_version: expected 1"),
        (lambda d: d.pop("schema_version"), "schema_version: expected 1"),
        (lambda d: d.update(started_on="Monday"), "started_on"),
        (lambda d: d.update(started_on="2026-01-06"), "must begin on started_on"),
        (lambda d: d.update(phase_history=[]), "needs at least the start"),
        (lambda d: d.update(phase_history="x"), "phase_history must be a list"),
        (
            lambda d: d["phase_history"][0].update(phase=4),
            r"phase_history\[0\]: phase must be one of",
        ),
        (lambda d: d["phase_history"][0].update(action="jump"), "phase_history"),
        (lambda d: d["phase_history"][0].update(reasons=["felt_like_it"]), "phase_history"),
        (lambda d: d["phase_history"][0].update(reasons="x"), "reasons must be a list"),
        (lambda d: d.update(override=0), "phase must be one of"),
        (lambda d: d.update(reminders=None), "reminder settings must be a mapping"),
        (lambda d: d.update(activities=None), "activities must be a list"),
        (lambda d: d.update(quarantine={}), "quarantine must be a list"),
        (lambda d: d.update(missed_reminders=["soon"]), "missed reminder"),
        (lambda d: d.update(reminders_checked_until="2026-01-05"), "UTC offset"),
    ],
)
def test_bad_state_fields_are_refused_with_a_clear_error(change: Any, message: str) -> None:
    stored = _stored(CoachState.start(MONDAY))
    change(stored)
    with pytest.raises(ValueError, match=message):
        CoachState.from_dict(stored)


def test_not_a_mapping_is_refused() -> None:
    with pytest.raises(ValueError, match="must be a mapping"):
        CoachState.from_dict([])  # type: ignore[arg-type]


def test_history_out_of_order_is_refused() -> None:
    stored = _stored(_rich_state())
    stored["phase_history"][1]["on"] = "2025-12-01"
    with pytest.raises(ValueError, match="date order"):
        CoachState.from_dict(stored)


def test_logging_refuses_a_known_id_and_a_future_start() -> None:
    item = walk(MONDAY)
    state = CoachState.start(MONDAY).log(item, now=at(MONDAY, 12))
    with pytest.raises(ValueError, match="already logged"):
        state.log(item, now=at(MONDAY, 12))
    with pytest.raises(ValueError, match="future"):
        state.log(walk(MONDAY, hour=14), now=at(MONDAY, 12))


def test_logging_keeps_the_log_in_order_and_removal_undoes_it() -> None:
    later, earlier = walk(MONDAY, hour=15), hold(MONDAY, 20, hour=9)
    state = with_log(CoachState.start(MONDAY), [later, earlier])
    assert state.activities == (earlier, later)
    assert state.without_activity(earlier.activity_id).activities == (later,)
    with pytest.raises(ValueError, match="no activity"):
        state.without_activity("nope")


def test_missed_reminders_are_kept_up_to_a_limit() -> None:
    state = CoachState.start(MONDAY)
    missed = tuple(
        datetime(2026, 1, 5, tzinfo=UTC) + timedelta(days=n) for n in range(MAX_MISSED_KEPT + 7)
    )
    state = state.after_reminder_check(at(MONDAY + 10 * WEEK, 12), missed)
    assert state.missed_reminders == missed[-MAX_MISSED_KEPT:]
    assert state.reminders_checked_until == at(MONDAY + 10 * WEEK, 12)


def test_invalid_states_in_code_are_refused() -> None:
    start = CoachState.start(MONDAY)
    with pytest.raises(ValueError, match="started_on must be a date"):
        CoachState(started_on=at(MONDAY), phase_history=start.phase_history)
    item = walk(MONDAY)
    with pytest.raises(ValueError, match="unique"):
        CoachState(started_on=MONDAY, phase_history=start.phase_history, activities=(item, item))
    with pytest.raises(ValueError, match="order of start"):
        CoachState(
            started_on=MONDAY,
            phase_history=start.phase_history,
            activities=(walk(MONDAY, hour=15), walk(MONDAY, hour=9)),
        )
    with pytest.raises(ValueError, match="phase must be one of"):
        CoachState(started_on=MONDAY, phase_history=start.phase_history, override=5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="activities must be Activity records"):
        CoachState(started_on=MONDAY, phase_history=start.phase_history, activities=({},))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="reminders must be ReminderSettings"):
        CoachState(started_on=MONDAY, phase_history=start.phase_history, reminders=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="phase must be one of"):
        start.with_override(7)  # type: ignore[arg-type]
    assert start.with_reminders(ReminderSettings(enabled=False)).reminders.enabled is False
