"""Walking reminders in Home Assistant: local times across weeks and daylight saving, snooze,
quiet hours, a new time zone, and reminders due while Home Assistant was down."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.coach.messages import dual_task_for
from custom_components.retro_balance.engine.coach.programme import Phase, plan_for

from .coach_helpers import (
    AMSTERDAM,
    NEW_YORK,
    ReminderLog,
    call,
    choose_phase,
    coach_state,
    down_until,
    restart,
    set_up_at,
    travel,
    utc,
)
from .helpers import ENTRY_ID


async def every_day_at(hass: HomeAssistant, wall: str) -> None:
    """Anna's reminders every day at `wall`, through her entities."""
    await call(hass, "time", "set_value", entity_id="time.anna_walking_reminder_time", time=wall)
    await call(
        hass,
        "select",
        "select_option",
        entity_id="select.anna_walking_reminder_days",
        option="every_day",
    )


async def quiet_hours(hass: HomeAssistant, start: str, end: str) -> None:
    """Anna's quiet hours, through her entities (end first: never equal to the start)."""
    await call(hass, "time", "set_value", entity_id="time.anna_quiet_hours_end", time=end)
    await call(hass, "time", "set_value", entity_id="time.anna_quiet_hours_start", time=start)


async def reminders_every_day_at(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    entry: MockConfigEntry,
    when: str,
    wall: str,
) -> ReminderLog:
    """The pad set up at `when` (Amsterdam), Anna's reminders every day at `wall`: the log."""
    await set_up_at(hass, freezer, entry, when)
    await every_day_at(hass, wall)
    return ReminderLog(hass)


def assert_on_time(log: ReminderLog) -> None:
    """Every reminder went out at its time, not late."""
    for fired in log.fired:
        assert fired.at == fired.scheduled_for
        assert fired.data["late"] is False


@pytest.mark.parametrize(
    ("time_zone", "start", "wall", "quiet", "until", "expected"),
    [
        pytest.param(
            AMSTERDAM,
            "2026-03-26T12:00:00+01:00",
            "10:00",
            None,
            "2026-03-31T12:00:00+02:00",
            # 10:00 CET is 09:00 UTC; from Sunday 29 March, 10:00 CEST is 08:00 UTC.
            [
                "2026-03-27T09:00:00Z",
                "2026-03-28T09:00:00Z",
                "2026-03-29T08:00:00Z",
                "2026-03-30T08:00:00Z",
                "2026-03-31T08:00:00Z",
            ],
            id="amsterdam-spring-10h",
        ),
        pytest.param(
            AMSTERDAM,
            "2026-03-27T12:00:00+01:00",
            "02:30",
            ("22:00", "02:00"),
            "2026-03-30T12:00:00+02:00",
            # 02:30 does not exist on 29 March: the first valid instant, 03:00 CEST.
            ["2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"],
            id="amsterdam-spring-gap",
        ),
        pytest.param(
            AMSTERDAM,
            "2026-10-23T12:00:00+02:00",
            "02:30",
            ("22:00", "02:00"),
            "2026-10-27T12:00:00+01:00",
            # 02:30 happens twice on 25 October (CEST, then CET): once, at the first.
            [
                "2026-10-24T00:30:00Z",
                "2026-10-25T00:30:00Z",
                "2026-10-26T01:30:00Z",
                "2026-10-27T01:30:00Z",
            ],
            id="amsterdam-autumn-twice",
        ),
        pytest.param(
            NEW_YORK,
            "2026-10-30T12:00:00-04:00",
            "07:15",
            ("22:00", "07:00"),
            "2026-11-03T12:00:00-05:00",
            # EDT until Sunday 1 November 02:00, then EST.
            [
                "2026-10-31T11:15:00Z",
                "2026-11-01T12:15:00Z",
                "2026-11-02T12:15:00Z",
                "2026-11-03T12:15:00Z",
            ],
            id="new-york-autumn",
        ),
    ],
)
async def test_reminders_at_local_times_across_daylight_saving(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    time_zone: str,
    start: str,
    wall: str,
    quiet: tuple[str, str] | None,
    until: str,
    expected: list[str],
) -> None:
    await set_up_at(hass, freezer, mock_config_entry, start, time_zone)
    await every_day_at(hass, wall)
    if quiet is not None:
        await quiet_hours(hass, *quiet)
    log = ReminderLog(hass)
    await travel(hass, freezer, until)
    assert log.scheduled == [utc(at) for at in expected]
    assert_on_time(log)
    assert coach_state(mock_config_entry).missed_reminders == ()


async def test_reminders_follow_the_phase_days_for_weeks(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Phase 1: Monday, Wednesday, Friday at 10:00, three weeks running, no other day."""
    await set_up_at(hass, freezer, mock_config_entry, "2026-02-01T12:00:00+01:00")
    log = ReminderLog(hass)
    await travel(hass, freezer, "2026-02-22T00:00:00+01:00", step=timedelta(minutes=30))
    local = [dt_util.as_local(at) for at in log.scheduled]
    assert len(local) == 9
    assert {(at.isoweekday(), at.hour, at.minute) for at in local} == {
        (1, 10, 0),
        (3, 10, 0),
        (5, 10, 0),
    }
    # The message names the phase's walk and safety advice, translated.
    data = log.fired[0].data
    assert data["phase"] == 1
    assert data["dual_task"] is None
    assert data["title"] == "Time to walk backwards"
    assert data["text"].startswith("Walk backwards for 3 to 5 minutes.")
    assert "Keep a hand on a wall or rail." in data["text"]
    assert "Never walk backwards near stairs or on uneven ground." in data["text"]
    assert (data["person"], data["config_entry_id"]) == ("Anna", ENTRY_ID)


async def test_snooze_by_button_and_by_action(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    log = await reminders_every_day_at(
        hass, freezer, mock_config_entry, "2026-05-04T08:30:00+02:00", "10:00"
    )
    await travel(hass, freezer, "2026-05-04T10:00:00+02:00")
    assert len(log.fired) == 1
    await call(hass, "button", "press", entity_id="button.anna_snooze_walking_reminder")
    assert hass.states.get("sensor.anna_next_walking_reminder").state == (
        "2026-05-04T08:30:00+00:00"
    )
    await travel(hass, freezer, "2026-05-04T10:30:00+02:00")
    await call(
        hass, DOMAIN, "snooze_retro_walk", config_entry_id=ENTRY_ID, person="anna", minutes=45
    )
    await travel(hass, freezer, "2026-05-04T12:00:00+02:00")
    assert log.scheduled == [
        utc("2026-05-04T10:00:00+02:00"),
        utc("2026-05-04T10:30:00+02:00"),
        utc("2026-05-04T11:15:00+02:00"),
    ]
    assert_on_time(log)


async def test_quiet_hours_move_a_reminder_and_a_snooze_to_their_end(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    """A 22:30 reminder in quiet hours 21:00–08:00 comes at 08:00, once a day, never dropped."""
    log = await reminders_every_day_at(
        hass, freezer, mock_config_entry, "2026-06-01T12:00:00+02:00", "22:30"
    )
    await travel(hass, freezer, "2026-06-03T12:00:00+02:00")
    assert log.scheduled == [
        utc("2026-06-02T08:00:00+02:00"),
        utc("2026-06-03T08:00:00+02:00"),
    ]
    # A snooze at 20:50 for 30 minutes would end in the quiet hours: it comes at 08:00 too.
    await every_day_at(hass, "20:45")
    await travel(hass, freezer, "2026-06-03T20:50:00+02:00")
    await call(hass, DOMAIN, "snooze_retro_walk", config_entry_id=ENTRY_ID, person="Anna")
    await travel(hass, freezer, "2026-06-04T09:00:00+02:00")
    assert log.scheduled[2:] == [
        utc("2026-06-03T20:45:00+02:00"),
        utc("2026-06-04T08:00:00+02:00"),
    ]


async def test_no_reminder_on_a_day_already_walked_or_when_switched_off(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    log = await reminders_every_day_at(
        hass, freezer, mock_config_entry, "2026-05-04T08:30:00+02:00", "10:00"
    )
    await call(hass, "button", "press", entity_id="button.anna_log_retro_walk")
    assert hass.states.get("sensor.anna_next_walking_reminder").state == (
        "2026-05-05T08:00:00+00:00"
    )
    await travel(hass, freezer, "2026-05-05T09:00:00+02:00")
    assert log.fired == []
    await call(hass, "switch", "turn_off", entity_id="switch.anna_walking_reminders")
    assert hass.states.get("sensor.anna_next_walking_reminder").state == "unknown"
    await travel(hass, freezer, "2026-05-07T09:00:00+02:00", step=timedelta(minutes=30))
    assert log.fired == []
    await call(hass, "switch", "turn_on", entity_id="switch.anna_walking_reminders")
    await travel(hass, freezer, "2026-05-07T10:30:00+02:00")
    assert log.scheduled == [utc("2026-05-07T10:00:00+02:00")]


async def test_a_new_time_zone_neither_doubles_nor_drops_a_reminder(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Moved from Amsterdam to New York at 13:00 Amsterdam (07:00 New York) on 10 June."""
    log = await reminders_every_day_at(
        hass, freezer, mock_config_entry, "2026-06-09T12:00:00+02:00", "10:00"
    )
    await travel(hass, freezer, "2026-06-10T13:00:00+02:00")
    await hass.config.async_update(time_zone=NEW_YORK)
    await hass.async_block_till_done()
    await travel(hass, freezer, "2026-06-11T12:00:00-04:00")
    assert log.scheduled == [
        utc("2026-06-10T10:00:00+02:00"),
        utc("2026-06-10T10:00:00-04:00"),
        utc("2026-06-11T10:00:00-04:00"),
    ]
    assert_on_time(log)


async def test_a_reminder_due_during_a_restart_fires_late_once(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    log = await reminders_every_day_at(
        hass, freezer, mock_config_entry, "2026-05-04T09:50:00+02:00", "10:00"
    )
    await down_until(hass, freezer, mock_config_entry, "2026-05-04T10:40:00+02:00")
    assert log.scheduled == [utc("2026-05-04T10:00:00+02:00")]
    assert log.fired[0].data["late"] is True
    await restart(hass, mock_config_entry)
    await travel(hass, freezer, "2026-05-05T09:00:00+02:00")
    assert len(log.fired) == 1
    assert coach_state(mock_config_entry).missed_reminders == ()


async def test_reminders_due_long_before_a_restart_are_recorded_as_missed(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Down from Monday 09:50 to Wednesday 13:00: three reminders missed, none sent."""
    log = await reminders_every_day_at(
        hass, freezer, mock_config_entry, "2026-05-04T09:50:00+02:00", "10:00"
    )
    await down_until(hass, freezer, mock_config_entry, "2026-05-06T13:00:00+02:00")
    assert log.fired == []
    missed = [utc(f"2026-05-0{day}T10:00:00+02:00") for day in (4, 5, 6)]
    assert list(coach_state(mock_config_entry).missed_reminders) == missed
    attributes = hass.states.get("sensor.anna_next_walking_reminder").attributes
    assert attributes["missed_reminders"] == [at.isoformat() for at in missed]
    await travel(hass, freezer, "2026-05-07T10:30:00+02:00")
    assert log.scheduled == [utc("2026-05-07T10:00:00+02:00")]


async def test_a_phase_3_reminder_names_the_days_mental_task(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    await set_up_at(hass, freezer, mock_config_entry, "2026-05-04T08:30:00+02:00")
    await every_day_at(hass, "10:00")
    await choose_phase(hass, "phase_3")
    log = ReminderLog(hass)
    await travel(hass, freezer, "2026-05-05T11:00:00+02:00")
    tasks = [fired.data["dual_task"] for fired in log.fired]
    expected = [
        dual_task_for(plan_for(Phase(3)), day).value for day in (date(2026, 5, 4), date(2026, 5, 5))
    ]
    assert tasks == expected
    assert tasks[0] != tasks[1]
    for fired in log.fired:
        assert fired.data["phase"] == 3
        assert "Today's mental task:" in fired.data["text"]
        assert "Stay within reach of a wall or rail." in fired.data["text"]
