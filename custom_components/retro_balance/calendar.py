"""Each person's retro-walking calendar: planned walks and everything logged.

Planned walks run from the programme's first day to four weeks ahead, on the reminder days at the
reminder time; logged activities (walks, tandem walks, marching, practice holds) appear as they
happened (`engine.coach.planning.calendar_events`). Deleting a logged activity in the calendar
removes it from the log (a mistaken press); planned walks follow the reminder settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from homeassistant.components.calendar import (
    CalendarEntity,
    CalendarEntityDescription,
    CalendarEvent,
)
from homeassistant.components.calendar.const import CalendarEntityFeature
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .coach_changes import coach_error
from .coach_text import CoachTexts
from .data import RetroBalanceConfigEntry
from .engine.coach.clock import local_date
from .engine.coach.planning import PLAN_AHEAD_WEEKS, calendar_events
from .engine.coach.planning import CalendarEvent as CoachEvent
from .entity import PersonEntity
from .live_settings import async_follow_people

PARALLEL_UPDATES = 0
PLANNED_UID_PREFIX = "planned_"


@dataclass(frozen=True, kw_only=True)
class CoachCalendarDescription(CalendarEntityDescription):
    """A person's coach calendar."""


CALENDARS: tuple[CoachCalendarDescription, ...] = (
    CoachCalendarDescription(key="retro_walk_calendar", translation_key="retro_walk_calendar"),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RetroBalanceConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each person's calendar."""
    async_follow_people(
        hass,
        entry,
        async_add_entities,
        lambda coordinator, subentry: [
            RetroWalkCalendar(coordinator, subentry, d) for d in CALENDARS
        ],
    )


class RetroWalkCalendar(PersonEntity, CalendarEntity):
    """Planned and logged retro walks and exercises of one person."""

    entity_description: CoachCalendarDescription
    _attr_supported_features = CalendarEntityFeature.DELETE_EVENT

    def _events(self, start: datetime, end: datetime) -> list[CalendarEvent]:
        coach = self.person.coach
        if coach is None:
            return []
        tz = self.coordinator.coach.tz
        today = local_date(dt_util.utcnow(), tz)
        found = calendar_events(coach.state, start=start, end=end, today=today, tz=tz)
        return [self._event(event) for event in found]

    def _event(self, event: CoachEvent) -> CalendarEvent:
        texts = CoachTexts.cached(self.hass)
        start = dt_util.as_local(event.start)
        description = texts.calendar_description(event.description_key, event.phase)
        if event.note:
            description = f"{description}\n{event.note}"
        return CalendarEvent(
            start=start,
            end=dt_util.as_local(event.end),
            summary=texts.calendar_summary(event.summary_key),
            description=description,
            uid=event.activity_id or f"{PLANNED_UID_PREFIX}{start.date().isoformat()}",
        )

    @property
    def event(self) -> CalendarEvent | None:
        """The walk or exercise going on now, or the next one planned."""
        now = dt_util.utcnow()
        events = self._events(now, now + timedelta(weeks=PLAN_AHEAD_WEEKS + 1))
        return events[0] if events else None

    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        """Planned and logged events between two instants."""
        return self._events(start_date, end_date)

    async def async_delete_event(
        self,
        uid: str,
        recurrence_id: str | None = None,
        recurrence_range: str | None = None,
    ) -> None:
        """Delete a logged activity; a planned walk cannot be deleted."""
        if uid.startswith(PLANNED_UID_PREFIX):
            raise coach_error("planned_walk_not_deletable")
        await self.coordinator.coach.async_delete_activity(self.person_id, uid)

    def _shows_from(self) -> object:
        # Only the coach's plan and log are on the calendar (not every check's results); the
        # calendar entity moves on by itself when an event starts or ends.
        return self.person.coach

    def _shown(self) -> tuple[object, ...]:
        return (self.available, self.event)
