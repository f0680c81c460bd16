"""Logging and settings: the buttons and actions, the calendar's contents, and bad input."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any
from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import MqttMockHAClient, WebSocketGenerator

from custom_components.retro_balance import calendar as calendar_platform
from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.coach.activities import LoggedVia
from custom_components.retro_balance.engine.coach.programme import ActivityKind, Support

from .coach_helpers import call, coach_state, set_up_at, travel
from .helpers import ANNA_ID, ENTRY_ID

CALENDAR = "calendar.anna_retro_walk_programme"
START = "2026-03-02T09:00:00+01:00"
"""A Monday: the programme starts today, in phase 1 (walks Monday, Wednesday, Friday)."""


@pytest.fixture
async def pad(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> MockConfigEntry:
    """The pad set up on Monday 2 March 2026, 09:00 in Amsterdam."""
    await set_up_at(hass, freezer, mock_config_entry, START)
    return mock_config_entry


async def events(hass: HomeAssistant, start: str, end: str) -> list[dict[str, Any]]:
    """The calendar's events between two instants (`calendar.get_events`)."""
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {"entity_id": CALENDAR, "start_date_time": start, "end_date_time": end},
        blocking=True,
        return_response=True,
    )
    found: list[dict[str, Any]] = response[CALENDAR]["events"]  # type: ignore[index,assignment]
    return found


async def test_buttons_log_the_phases_walk_and_the_exercises(
    hass: HomeAssistant, pad: MockConfigEntry
) -> None:
    for name in ("log_retro_walk", "log_tandem_walk", "log_cross_body_marching"):
        await call(hass, "button", "press", entity_id=f"button.anna_{name}")
    logged = coach_state(pad).activities
    assert {(a.kind, a.duration_s, a.support, a.logged_via) for a in logged} == {
        (ActivityKind.RETRO_WALK, 180.0, Support.WALL_OR_RAIL, LoggedVia.BUTTON),
        (ActivityKind.TANDEM_WALK, 120.0, None, LoggedVia.BUTTON),
        (ActivityKind.MARCHING, 120.0, None, LoggedVia.BUTTON),
    }
    # Each ended when its button was pressed.
    assert {a.ended_at for a in logged} == {dt_util.utcnow()}
    sessions = hass.states.get("sensor.anna_retro_walks_this_week")
    assert sessions.state == "1"
    assert sessions.attributes["walk_days"] == 1
    assert sessions.attributes["exercise_days"] == {
        "single_leg_hold": 0,
        "tandem_walk": 1,
        "marching": 1,
    }


async def test_the_log_action_takes_what_was_done_and_answers_with_its_id(
    hass: HomeAssistant, pad: MockConfigEntry
) -> None:
    response = await call(
        hass,
        DOMAIN,
        "log_retro_walk",
        response=True,
        config_entry_id=ENTRY_ID,
        person="anna",
        minutes=6.5,
        support="light_touch",
        note="Hallway, felt steady",
        started_at="2026-03-02 07:30:00",
    )
    (walk,) = coach_state(pad).activities
    assert response == {
        "activity_id": walk.activity_id,
        "started_at": "2026-03-02T06:30:00+00:00",
    }
    assert (walk.duration_s, walk.support, walk.note, walk.logged_via) == (
        390.0,
        Support.LIGHT_TOUCH,
        "Hallway, felt steady",
        LoggedVia.ACTION,
    )
    assert hass.states.get("sensor.anna_retro_walk_minutes_this_week").state == "6.5"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"person": "Nobody"}, "unknown_person"),
        ({"started_at": "2026-03-02 12:00:00"}, "invalid_activity"),
    ],
)
async def test_the_log_action_refuses_bad_input_and_logs_nothing(
    hass: HomeAssistant, pad: MockConfigEntry, data: dict[str, Any], error: str
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass, DOMAIN, "log_retro_walk", config_entry_id=ENTRY_ID, **{"person": "Anna", **data}
        )
    assert err.value.translation_key == error
    assert coach_state(pad).activities == ()


async def test_the_calendar_plans_walks_and_shows_what_was_done(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, pad: MockConfigEntry
) -> None:
    await travel(hass, freezer, "2026-03-04T12:00:00+01:00", step=timedelta(hours=1))
    await call(
        hass,
        DOMAIN,
        "log_retro_walk",
        config_entry_id=ENTRY_ID,
        person="Anna",
        minutes=4,
        note="Along the hallway",
        started_at="2026-03-04 10:05:00",
    )
    found = await events(hass, "2026-02-23T00:00:00+01:00", "2026-04-06T00:00:00+02:00")
    planned = [e for e in found if e["summary"] == "Planned retro walk"]
    # From the programme's first day (Monday 2 March) to four weeks after today, Mon/Wed/Fri.
    assert [e["start"] for e in planned][:4] == [
        "2026-03-02T10:00:00+01:00",
        "2026-03-04T10:00:00+01:00",
        "2026-03-06T10:00:00+01:00",
        "2026-03-09T10:00:00+01:00",
    ]
    assert planned[-1]["start"] == "2026-04-01T10:00:00+02:00"
    assert len(planned) == 14
    assert planned[0]["end"] == "2026-03-02T10:05:00+01:00"
    assert planned[0]["description"].startswith("Phase 1, stabilisation: walk backwards 3 to 5")
    (done,) = [e for e in found if e["summary"] == "Retro walk"]
    assert (done["start"], done["end"]) == (
        "2026-03-04T10:05:00+01:00",
        "2026-03-04T10:09:00+01:00",
    )
    assert done["description"].endswith("\nAlong the hallway")
    # The calendar's state: the next planned walk (Friday), off until it begins.
    state = hass.states.get(CALENDAR)
    assert (state.state, state.attributes["start_time"]) == ("off", "2026-03-06 10:00:00")


async def test_the_calendar_is_worked_out_again_only_when_the_coach_changed(
    hass: HomeAssistant, pad: MockConfigEntry
) -> None:
    """A person's results change with every check; the calendar shows only the coach's plan."""
    worked_out: list[object] = []
    real = calendar_platform.calendar_events

    def counted(*args: Any, **kwargs: Any) -> Any:
        worked_out.append(args)
        return real(*args, **kwargs)

    coordinator = pad.runtime_data.coordinator
    with patch.object(calendar_platform, "calendar_events", counted):
        anna = coordinator.data.people[ANNA_ID]
        coordinator.async_set_updated_data(
            replace(coordinator.data, people={ANNA_ID: replace(anna, sessions=())})
        )
        await hass.async_block_till_done()
        assert worked_out == []
        await call(hass, "button", "press", entity_id="button.anna_log_retro_walk")
        assert len(worked_out) == 1
    assert hass.states.get(CALENDAR).attributes["start_time"] == "2026-03-02 10:00:00"


async def test_deleting_a_logged_walk_in_the_calendar_undoes_it(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    # Connected before the clock moves to 2026 (the test token would have expired by then),
    # once the calendar's web views are registered.
    assert await async_setup_component(hass, "calendar", {})
    client = await hass_ws_client(hass)
    await set_up_at(hass, freezer, mock_config_entry, START)
    pad = mock_config_entry
    await call(hass, "button", "press", entity_id="button.anna_log_retro_walk")
    (walk,) = coach_state(pad).activities
    await client.send_json_auto_id(
        {"type": "calendar/event/delete", "entity_id": CALENDAR, "uid": walk.activity_id}
    )
    assert (await client.receive_json())["success"]
    await hass.async_block_till_done()
    assert coach_state(pad).activities == ()
    assert hass.states.get("sensor.anna_retro_walks_this_week").state == "0"
    for uid, error in (
        (
            "planned_2026-03-04",
            "A planned walk cannot be deleted; change the reminder days instead",
        ),
        ("nope", "No logged activity with ID nope"),
    ):
        await client.send_json_auto_id(
            {"type": "calendar/event/delete", "entity_id": CALENDAR, "uid": uid}
        )
        answer = await client.receive_json()
        assert not answer["success"]
        assert answer["error"]["message"].startswith(error)


async def test_days_by_select_and_by_action(hass: HomeAssistant, pad: MockConfigEntry) -> None:
    days = "select.anna_walking_reminder_days"
    assert hass.states.get(days).state == "programme"
    await call(hass, "select", "select_option", entity_id=days, option="tue_thu_sat")
    assert coach_state(pad).reminders.days == frozenset({2, 4, 6})
    await call(
        hass,
        DOMAIN,
        "set_retro_walk_days",
        config_entry_id=ENTRY_ID,
        person="Anna",
        days=["mon", "sun"],
    )
    assert hass.states.get(days).state == "custom"
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "select", "select_option", entity_id=days, option="custom")
    assert err.value.translation_key == "custom_days_by_action"
    await call(hass, DOMAIN, "set_retro_walk_days", config_entry_id=ENTRY_ID, person="Anna")
    assert hass.states.get(days).state == "programme"
    assert hass.states.get("sensor.anna_next_walking_reminder").state == (
        "2026-03-02T09:00:00+00:00"
    )


async def test_quiet_hours_that_start_when_they_end_are_refused(
    hass: HomeAssistant, pad: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "time", "set_value", entity_id="time.anna_quiet_hours_start", time="08:00")
    assert err.value.translation_key == "invalid_reminder_settings"
    assert hass.states.get("time.anna_quiet_hours_start").state == "21:00:00"


async def test_restart_programme_from_a_past_day_but_not_a_future_one(
    hass: HomeAssistant, pad: MockConfigEntry
) -> None:
    await call(
        hass,
        DOMAIN,
        "restart_programme",
        config_entry_id=ENTRY_ID,
        person="Anna",
        start_date="2026-02-16",
    )
    assert coach_state(pad).started_on == date(2026, 2, 16)
    # Begun in practice (given to the trends) once something is logged.
    person = pad.runtime_data.coordinator.data.people[ANNA_ID]
    assert person.programme_start is None
    assert hass.states.get("sensor.anna_retro_walk_programme_start").state == "unknown"
    await call(hass, "button", "press", entity_id="button.anna_log_tandem_walk")
    person = pad.runtime_data.coordinator.data.people[ANNA_ID]
    assert person.programme_start == date(2026, 2, 16)
    assert hass.states.get("sensor.anna_retro_walk_programme_start").state == "2026-02-16"
    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            DOMAIN,
            "restart_programme",
            config_entry_id=ENTRY_ID,
            person="Anna",
            start_date="2026-03-03",
        )
    assert err.value.translation_key == "invalid_programme_start"
    assert coach_state(pad).started_on.isoformat() == "2026-02-16"
