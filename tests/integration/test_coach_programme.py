"""The programme in Home Assistant: step up after two good weeks, hold at moderate risk, step back
on high risk or a decline, the manual override, and everything still there after a restart."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.retro_balance.coach_store import (
    COACH_STORAGE_MINOR_VERSION,
    COACH_STORAGE_VERSION,
)
from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.coach.history import PhaseAction, PhaseChange
from custom_components.retro_balance.engine.coach.programme import Phase
from custom_components.retro_balance.engine.coach.reasons import ReasonCode
from custom_components.retro_balance.engine.coach.state import CoachState
from custom_components.retro_balance.engine.wire.protocol import encode_info
from custom_components.retro_balance.storage import STORAGE_MINOR_VERSION, STORAGE_VERSION
from pad_simulator.scenarios import generate
from tests.engine.coach.builders import full_week, with_log

from .coach_helpers import (
    ANNA_PHASE_CHOICE,
    COACH_KEY,
    ReminderLog,
    call,
    choose_phase,
    coach_view,
    down_until,
    set_up_at,
    travel,
    utc,
)
from .helpers import ANNA_ID, ENTRY_ID, INFO, fire, play

FIXTURE = Path(__file__).parent / "fixtures" / "sessions.json"
PHASE = "sensor.anna_retro_walk_phase"
WEEK = timedelta(weeks=1)
NOV_20_CHECK = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
"""When Anna did her stored daily check (fall risk low)."""
NOV_30 = date(2026, 11, 30)
"""A Monday, ten days after Anna's stored daily check."""
DEC_9 = "2026-12-09T09:00:00+01:00"
"""A Wednesday morning, nineteen days after her stored check."""


def anna_session(
    index: int, at: datetime, *, tandem_s: float = 12.3, single_leg_s: float = 12.1
) -> Any:
    """Anna's stored daily check on another day, with other hold times.

    Stored in an older format, the assessment is made again from the results when the pad loads:
    as stored, low fall risk; a tandem stance under 10 s makes it moderate (CDC STEADI).
    """
    record = copy.deepcopy(json.loads(FIXTURE.read_text())["sessions"][0])
    record["session_id"] = f"{index:032x}"
    record["started_at"] = at.isoformat()
    record["ended_at"] = (at + timedelta(minutes=3)).isoformat()
    for result in record["results"]:
        if result["test"].startswith("single_leg"):
            result["hold_time_s"] = single_leg_s
        elif result["test"] == "tandem":
            result["hold_time_s"] = tandem_s
    return record


def store(hass_storage: dict[str, Any], sessions: list[Any], coach: CoachState | None) -> None:
    """Anna's stored sessions and coach state."""
    hass_storage[f"{DOMAIN}.{ENTRY_ID}"] = {
        "version": STORAGE_VERSION,
        "minor_version": STORAGE_MINOR_VERSION,
        "key": f"{DOMAIN}.{ENTRY_ID}",
        "data": {"sessions": sessions, "quarantine": []},
    }
    if coach is not None:
        hass_storage[COACH_KEY] = {
            "version": COACH_STORAGE_VERSION,
            "minor_version": COACH_STORAGE_MINOR_VERSION,
            "key": COACH_KEY,
            "data": {"people": {ANNA_ID: coach.as_dict()}, "quarantine": []},
        }


def in_phase_2_since(monday: date, weeks_before: int = 2) -> CoachState:
    """Started in phase 1 `weeks_before` weeks before `monday`, phase 2 from `monday`."""
    state = CoachState.start(monday - weeks_before * WEEK)
    step_up = PhaseChange(
        on=monday,
        phase=Phase(2),
        action=PhaseAction.STEP_UP,
        reasons=(ReasonCode.ADHERENCE_SUSTAINED,),
    )
    return CoachState(
        started_on=state.started_on,
        phase_history=(*state.phase_history, step_up),
        reminders=state.reminders,
    )


async def set_up_after_her_check(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    entry: MockConfigEntry,
    coach: CoachState | None,
) -> None:
    """Anna's 20 November check and `coach` stored, the pad set up on `DEC_9`."""
    store(hass_storage, [anna_session(1, NOV_20_CHECK)], coach)
    await set_up_at(hass, freezer, entry, DEC_9)


def codes(hass: HomeAssistant) -> list[str]:
    return [reason["code"] for reason in hass.states.get(PHASE).attributes["reasons"]]


async def test_two_good_weeks_and_low_risk_step_up_on_monday(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    state = with_log(
        CoachState.start(NOV_30), full_week(NOV_30, Phase(1)) + full_week(NOV_30 + WEEK, Phase(1))
    )
    store(hass_storage, [anna_session(1, NOV_20_CHECK)], state)
    # Sunday evening: the second week is not over yet.
    await set_up_at(hass, freezer, mock_config_entry, "2026-12-13T20:00:00+01:00")
    assert hass.states.get(PHASE).state == "phase_1"
    assert codes(hass) == ["adherence_not_sustained", "balance_allows"]
    assert hass.states.get(PHASE).attributes["explanation"] == [
        "Weeks in a row meeting the target in this phase: 1 of the 2 needed.",
        "The measured balance allows the next phase.",
    ]
    assert hass.states.get("sensor.anna_weeks_meeting_the_walking_target").state == "2"
    log = ReminderLog(hass)
    await travel(hass, freezer, "2026-12-15T12:00:00+01:00", step=timedelta(minutes=30))
    phase = hass.states.get(PHASE)
    assert phase.state == "phase_2"
    assert phase.attributes["decision"] == "hold"
    assert phase.attributes["phase_since"] == "2026-12-14"
    assert phase.attributes["walk_minutes_min"] == 5
    history = coach_view(mock_config_entry).state.phase_history
    assert (history[-1].on, history[-1].action, history[-1].reasons) == (
        date(2026, 12, 14),
        PhaseAction.STEP_UP,
        (ReasonCode.ADHERENCE_SUSTAINED, ReasonCode.BALANCE_ALLOWS),
    )
    # Phase 2's days: Monday, Tuesday, Thursday, Saturday; the message is phase 2's.
    assert log.scheduled == [utc("2026-12-14T10:00:00+01:00"), utc("2026-12-15T10:00:00+01:00")]
    assert log.fired[-1].data["phase"] == 2
    assert "Touch a wall lightly with your fingertips." in log.fired[-1].data["text"]


async def test_moderate_risk_holds_phase_2_with_the_reasons(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    state = with_log(
        in_phase_2_since(NOV_30),
        full_week(NOV_30, Phase(2), hold_s=35.0) + full_week(NOV_30 + WEEK, Phase(2), hold_s=35.0),
    )
    store(
        hass_storage,
        [anna_session(1, datetime(2026, 12, 1, 7, 30, tzinfo=UTC), tandem_s=6.0)],
        state,
    )
    await set_up_at(hass, freezer, mock_config_entry, "2026-12-14T09:00:00+01:00")
    phase = hass.states.get(PHASE)
    assert phase.state == "phase_2"
    assert codes(hass) == [
        "adherence_sustained",
        "fall_risk_moderate",
        "practice_hold_goal_reached",
    ]
    assert "Moderate fall risk: no step past phase 2." in phase.attributes["explanation"]
    practice = hass.states.get("sensor.anna_single_leg_practice_hold")
    assert practice.state == "35.0"
    assert practice.attributes["goal_s"] == 60.0


async def test_a_high_fall_risk_check_steps_back_to_phase_1_at_once(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    """A daily check losing balance after 3 s (tandem and each leg): high risk, phase 1."""
    await set_up_after_her_check(
        hass, hass_storage, freezer, mock_config_entry, in_phase_2_since(NOV_30)
    )
    assert hass.states.get(PHASE).state == "phase_2"
    fire(hass, "info", encode_info(INFO))
    fire(hass, "status", b"online")
    await hass.async_block_till_done()
    coordinator = mock_config_entry.runtime_data.coordinator
    coordinator.commands.async_select_person(ANNA_ID)
    coordinator.commands.async_start_test("daily_check")
    await play(hass, generate("daily-check", seed=4, weight_kg=62.0, lose_balance_at_s=3.0))
    assert hass.states.get("sensor.anna_fall_risk").state == "high"
    phase = hass.states.get(PHASE)
    assert phase.state == "phase_1"
    assert phase.attributes["decision"] == "step_back"
    assert codes(hass) == ["fall_risk_high"]
    assert phase.attributes["explanation"] == ["High fall risk: supported walking only (phase 1)."]


async def test_a_decline_in_the_trends_steps_back_to_phase_1(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Single-leg stance from 25 s to 8 s over three weeks: a decline; the level stays low."""
    first = datetime(2026, 10, 1, 7, 30, tzinfo=UTC)
    sessions = [
        anna_session(i, first + timedelta(days=i), single_leg_s=25.0 if i < 14 else 8.0)
        for i in range(22)
    ]
    store(hass_storage, sessions, in_phase_2_since(NOV_30 - 7 * WEEK))
    await set_up_at(hass, freezer, mock_config_entry, "2026-10-23T12:00:00+02:00")
    person = mock_config_entry.runtime_data.coordinator.data.people[ANNA_ID]
    assert person.trend is not None
    assert person.trend.declining
    assert coach_view(mock_config_entry).state.started_on == NOV_30 - 9 * WEEK
    phase = hass.states.get(PHASE)
    assert (phase.state, phase.attributes["decision"]) == ("phase_1", "step_back")
    assert codes(hass) == ["balance_declining"]


async def test_the_override_wins_and_says_what_the_rules_give(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    await set_up_after_her_check(hass, hass_storage, freezer, mock_config_entry, None)
    assert hass.states.get(ANNA_PHASE_CHOICE).state == "automatic"
    await choose_phase(hass, "phase_3")
    phase = hass.states.get(PHASE)
    assert (phase.state, phase.attributes["chosen_by_hand"]) == ("phase_3", True)
    assert phase.attributes["automatic_phase"] == "phase_1"
    assert codes(hass)[:2] == ["manual_override", "override_differs_from_rules"]
    assert phase.attributes["explanation"][1] == (
        "The rules would give phase 1, not the chosen phase 3."
    )
    # Back to the rules: they start from the phase the person is in.
    await choose_phase(hass, "automatic")
    phase = hass.states.get(PHASE)
    assert (phase.state, phase.attributes["chosen_by_hand"]) == ("phase_3", False)
    assert codes(hass) == ["top_phase"]


async def test_everything_is_still_there_after_a_restart(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    await set_up_after_her_check(hass, hass_storage, freezer, mock_config_entry, None)
    await call(hass, "button", "press", entity_id="button.anna_log_retro_walk")
    await call(
        hass,
        DOMAIN,
        "log_retro_walk",
        config_entry_id=ENTRY_ID,
        person="Anna",
        kind="marching",
        minutes=4,
        note="In the kitchen",
    )
    await call(hass, "time", "set_value", entity_id="time.anna_walking_reminder_time", time="18:15")
    await choose_phase(hass, "phase_2")
    await call(
        hass,
        DOMAIN,
        "set_retro_walk_days",
        config_entry_id=ENTRY_ID,
        person="Anna",
        days=["tue", "sun"],
    )
    await call(hass, "switch", "turn_off", entity_id="switch.anna_walking_reminders")
    before = coach_view(mock_config_entry).state
    shown = {
        entity_id: hass.states.get(entity_id).state
        for entity_id in (
            PHASE,
            "sensor.anna_retro_walk_minutes_this_week",
            "sensor.anna_retro_walks_this_week",
            "sensor.anna_retro_walk_programme_start",
            "select.anna_walking_reminder_days",
            "time.anna_walking_reminder_time",
            "switch.anna_walking_reminders",
        )
    }
    assert shown["select.anna_walking_reminder_days"] == "custom"
    assert shown["sensor.anna_retro_walk_minutes_this_week"] == "3.0"
    assert hass_storage[COACH_KEY]["data"]["people"][ANNA_ID] == before.as_dict()
    await down_until(hass, freezer, mock_config_entry, timedelta(minutes=5))
    after = coach_view(mock_config_entry).state
    assert after.activities == before.activities
    assert (after.phase_history, after.override) == (before.phase_history, before.override)
    assert after.reminders == before.reminders
    assert {entity_id: hass.states.get(entity_id).state for entity_id in shown} == shown
