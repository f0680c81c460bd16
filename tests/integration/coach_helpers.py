"""Helpers of the coach tests: a pad set up at a time and place, time travel, the reminders seen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.retro_balance.coach_runtime import PadCoach
from custom_components.retro_balance.coach_view import PersonCoach
from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.coach.state import CoachState

from .helpers import ANNA_ID, ENTRY_ID

AMSTERDAM = "Europe/Amsterdam"
NEW_YORK = "America/New_York"
ANNA_REMINDER = "event.anna_retro_walk_reminder"
ANNA_NEXT = "sensor.anna_next_walking_reminder"
ANNA_PHASE_CHOICE = "select.anna_retro_walk_phase_choice"
COACH_KEY = f"{DOMAIN}.{ENTRY_ID}.coach"


async def set_up_at(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    entry: MockConfigEntry,
    when: str,
    time_zone: str = AMSTERDAM,
) -> None:
    """Set the pad up at `when` in `time_zone` (the caller has requested `mqtt_mock` first)."""
    await hass.config.async_set_time_zone(time_zone)
    freezer.move_to(when)
    if entry.entry_id not in {e.entry_id for e in hass.config_entries.async_entries(DOMAIN)}:
        entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def restart(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Unload the pad and set it up again (what a restart does to it)."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def down_until(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    entry: MockConfigEntry,
    until: datetime | str | timedelta,
) -> None:
    """Unload the pad, let the clock jump to `until` (or on by it) with no timer firing, set it up.

    Home Assistant down meanwhile: what comes due in the gap is seen only on the new setup.
    """
    assert await hass.config_entries.async_unload(entry.entry_id)
    if isinstance(until, timedelta):
        freezer.tick(until)
    else:
        freezer.move_to(until)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def travel(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    until: datetime | str,
    step: timedelta = timedelta(minutes=10),
    land_on: str = ANNA_NEXT,
) -> None:
    """Let time pass in steps until `until`, firing Home Assistant's timers on the way.

    A step that would pass the time the `land_on` sensor shows stops exactly there, as a real
    clock would reach it (a reminder's timer then fires on time, not a step late).
    """
    end = dt_util.parse_datetime(until) if isinstance(until, str) else until
    assert end is not None
    while (now := dt_util.utcnow()) < end:
        target = min(now + step, end)
        state = hass.states.get(land_on)
        shown = None if state is None else dt_util.parse_datetime(state.state)
        if shown is not None and now < shown < target:
            target = shown
        freezer.move_to(target)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()


@dataclass(frozen=True)
class Fired:
    """One reminder event as the entity showed it."""

    at: datetime
    """When the event entity fired."""
    data: dict[str, Any]

    @property
    def scheduled_for(self) -> datetime:
        """The reminder's own time."""
        parsed = dt_util.parse_datetime(self.data["scheduled_for"])
        assert parsed is not None
        return parsed


class ReminderLog:
    """Every `retro_walk_reminder` event of one person's event entity, in order."""

    def __init__(self, hass: HomeAssistant, entity_id: str = ANNA_REMINDER) -> None:
        """Start listening."""
        self.fired: list[Fired] = []
        self._entity_id = entity_id
        self.stop = hass.bus.async_listen(EVENT_STATE_CHANGED, self._changed)

    @callback
    def _changed(self, event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if event.data["entity_id"] != self._entity_id or new is None:
            return
        if new.state in ("unknown", "unavailable"):
            return
        old = event.data["old_state"]
        # Added again after a restart (the last event restored) is not a new reminder.
        if old is None or old.state in ("unavailable", new.state):
            return
        self.fired.append(Fired(at=dt_util.utcnow(), data=dict(new.attributes)))

    @property
    def scheduled(self) -> list[datetime]:
        """The scheduled instants of the reminders seen, in UTC."""
        return [dt_util.as_utc(fired.scheduled_for) for fired in self.fired]


def utc(text: str) -> datetime:
    """An ISO instant as an aware UTC datetime."""
    parsed = dt_util.parse_datetime(text)
    assert parsed is not None
    return dt_util.as_utc(parsed)


def pad_coach(entry: MockConfigEntry) -> PadCoach:
    """The pad's coach."""
    coach: PadCoach = entry.runtime_data.coordinator.coach
    return coach


def coach_state(entry: MockConfigEntry, person_id: str = ANNA_ID) -> CoachState:
    """A person's coach state now."""
    return pad_coach(entry).state(person_id)


def coach_view(entry: MockConfigEntry, person_id: str = ANNA_ID) -> PersonCoach:
    """A person's coach view in the last published snapshot."""
    view = entry.runtime_data.coordinator.data.people[person_id].coach
    assert view is not None
    return view


async def choose_phase(hass: HomeAssistant, option: str) -> None:
    """Anna's phase chosen by hand (`phase_1`…), or `automatic`, through her select."""
    await call(hass, "select", "select_option", entity_id=ANNA_PHASE_CHOICE, option=option)


async def call(
    hass: HomeAssistant, domain: str, service: str, *, response: bool = False, **data: Any
) -> Any:
    """Call an action and wait for it (and its consequences)."""
    result = await hass.services.async_call(
        domain, service, data, blocking=True, return_response=response
    )
    await hass.async_block_till_done()
    return result
