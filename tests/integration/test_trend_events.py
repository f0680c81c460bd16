"""`decline_detected` / `recovered`: fired when a flag switches, dated at its session, once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.retro_balance.engine.trends.results import TrendEventKind
from custom_components.retro_balance.trend_texts import UNSAID

from .trend_history import (
    YESTERDAY,
    before_day,
    check_on,
    days_after,
    declining_history,
    first_event,
    import_sessions,
    on_day,
    start,
)

pytestmark = pytest.mark.usefixtures("mqtt_mock")

TREND_EVENT = "event.anna_balance_trend"
TEST_EVENT = "event.anna_balance_check"


def fired(events: list[Event], entity_id: str = TREND_EVENT) -> list[dict[str, Any]]:
    """The events an event entity fired: its state moved on to a new time.

    A state coming back from `unavailable` is the entity restored after a reload, not an event.
    """
    fresh = []
    for event in events:
        old, new = event.data["old_state"], event.data["new_state"]
        if event.data["entity_id"] != entity_id or old is None or new is None:
            continue
        restored = old.state == "unavailable"
        if not restored and new.state not in ("unknown", "unavailable", old.state):
            fresh.append(dict(new.attributes))
    return fresh


async def test_a_decline_fires_once_dated_at_the_session_that_confirmed_it(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    records = declining_history()
    confirmed_on, measures = first_event(records, TrendEventKind.DECLINE_DETECTED)
    await start(hass, mock_config_entry, hass_storage, freezer, before_day(records, confirmed_on))
    assert hass.states.get("binary_sensor.anna_balance_declining").state == "off"
    events = async_capture_events(hass, EVENT_STATE_CHANGED)

    await import_sessions(hass, on_day(records, confirmed_on))

    (event,) = fired(events)
    assert event["event_type"] == "decline_detected"
    assert event["day"] == confirmed_on.isoformat()
    assert set(event["measures"]) == {measure.value for measure in measures}
    assert event["declining_measures"] == event["measures"]
    assert {"decline_persisted", "change_beyond_error"} & {r["code"] for r in event["reasons"]}
    said = [r for r in event["reasons"] if r["code"] not in UNSAID]
    assert len(event["explanation"]) == len(said)
    assert hass.states.get("binary_sensor.anna_balance_declining").state == "on"
    # An import is history, not a check just done: no test_completed for it.
    assert fired(events, TEST_EVENT) == []


async def test_no_event_again_on_reload_or_restart(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    records = declining_history()
    confirmed_on, _ = first_event(records, TrendEventKind.DECLINE_DETECTED)
    await start(hass, mock_config_entry, hass_storage, freezer, before_day(records, confirmed_on))
    await import_sessions(hass, on_day(records, confirmed_on))
    last = hass.states.get(TREND_EVENT)
    assert last.attributes["event_type"] == "decline_detected"
    events = async_capture_events(hass, EVENT_STATE_CHANGED)

    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    freezer.tick(timedelta(days=1))  # and a new day: the trend is recomputed
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    assert fired(events) == []
    state = hass.states.get(TREND_EVENT)
    assert state.state == last.state  # still the same event, restored
    assert state.attributes["day"] == confirmed_on.isoformat()
    assert hass.states.get("binary_sensor.anna_balance_declining").state == "on"


@pytest.mark.usefixtures("declining_anna")
async def test_a_session_that_changes_nothing_fires_nothing(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
) -> None:
    events = async_capture_events(hass, EVENT_STATE_CHANGED)
    # One more declined day: still declining, nothing switched.
    await import_sessions(hass, [check_on(YESTERDAY + timedelta(days=1), factor=0.3)])
    assert fired(events) == []


@pytest.mark.usefixtures("declining_anna")
async def test_recovery_fires_recovered_dated_at_its_session(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    declining = set(
        hass.states.get("binary_sensor.anna_balance_declining").attributes["declining_measures"]
    )
    events = async_capture_events(hass, EVENT_STATE_CHANGED)
    recovered: set[str] = set()
    for day in days_after(YESTERDAY, 12):  # back at the old level, day after day
        freezer.move_to(f"{day.isoformat()}T17:00:00+00:00")
        await import_sessions(hass, [check_on(day)])
        for event in fired(events):
            if event["event_type"] == "recovered" and event["day"] == day.isoformat():
                recovered |= set(event["measures"])
        events.clear()
    assert recovered == declining
    assert hass.states.get("binary_sensor.anna_balance_declining").state == "off"
    assert hass.states.get(TREND_EVENT).attributes["event_type"] == "recovered"
