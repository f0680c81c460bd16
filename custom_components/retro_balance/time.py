"""Times of day on each person's device: when the walking reminder comes, and quiet hours."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import time

from homeassistant.components.time import TimeEntity, TimeEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coach_changes import with_fields, with_quiet_hours
from .coach_view import PersonCoach
from .coordinator import PadCoordinator
from .data import RetroBalanceConfigEntry
from .entity import PersonEntity
from .live_settings import async_follow_people

PARALLEL_UPDATES = 0


async def _set_reminder_time(coordinator: PadCoordinator, person_id: str, value: time) -> None:
    await coordinator.coach.async_change_reminders(person_id, with_fields(time_of_day=value))


async def _set_quiet_start(coordinator: PadCoordinator, person_id: str, value: time) -> None:
    await coordinator.coach.async_change_reminders(person_id, with_quiet_hours(start=value))


async def _set_quiet_end(coordinator: PadCoordinator, person_id: str, value: time) -> None:
    await coordinator.coach.async_change_reminders(person_id, with_quiet_hours(end=value))


def _quiet(coach: PersonCoach, end: bool) -> time | None:
    quiet = coach.state.reminders.quiet_hours
    if quiet is None:
        return None
    return quiet.end if end else quiet.start


@dataclass(frozen=True, kw_only=True)
class CoachTimeDescription(TimeEntityDescription):
    """A time of a person's coach: its value in their coach view, how to set it."""

    value_fn: Callable[[PersonCoach], time | None]
    set_fn: Callable[[PadCoordinator, str, time], Awaitable[None]]


TIMES: tuple[CoachTimeDescription, ...] = (
    CoachTimeDescription(
        key="retro_walk_reminder_time",
        translation_key="retro_walk_reminder_time",
        value_fn=lambda coach: coach.state.reminders.time_of_day,
        set_fn=_set_reminder_time,
    ),
    CoachTimeDescription(
        key="quiet_hours_start",
        translation_key="quiet_hours_start",
        entity_category=EntityCategory.CONFIG,
        value_fn=lambda coach: _quiet(coach, end=False),
        set_fn=_set_quiet_start,
    ),
    CoachTimeDescription(
        key="quiet_hours_end",
        translation_key="quiet_hours_end",
        entity_category=EntityCategory.CONFIG,
        value_fn=lambda coach: _quiet(coach, end=True),
        set_fn=_set_quiet_end,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RetroBalanceConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each person's reminder times."""
    async_follow_people(
        hass,
        entry,
        async_add_entities,
        lambda coordinator, subentry: [
            CoachTime(coordinator, subentry, description) for description in TIMES
        ],
    )


class CoachTime(PersonEntity, TimeEntity):
    """A time of day of a person's walking reminders."""

    entity_description: CoachTimeDescription

    @property
    def native_value(self) -> time | None:
        """The time set now."""
        coach = self.person.coach
        return None if coach is None else self.entity_description.value_fn(coach)

    async def async_set_value(self, value: time) -> None:
        """Set the time (local wall-clock time; errors reach the user translated)."""
        await self.entity_description.set_fn(self.coordinator, self.person_id, value)

    def _shown(self) -> tuple[object, ...]:
        return (self.available, self.native_value)
