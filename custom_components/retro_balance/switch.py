"""Switches on each person's device: walking reminders on or off."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coach_changes import with_fields
from .coach_view import PersonCoach
from .coordinator import PadCoordinator
from .data import RetroBalanceConfigEntry
from .entity import PersonEntity
from .live_settings import async_follow_people

PARALLEL_UPDATES = 0


async def _set_reminders(coordinator: PadCoordinator, person_id: str, on: bool) -> None:
    await coordinator.coach.async_change_reminders(person_id, with_fields(enabled=on))


@dataclass(frozen=True, kw_only=True)
class CoachSwitchDescription(SwitchEntityDescription):
    """A switch of a person's coach: its state in their coach view, how to turn it."""

    is_on_fn: Callable[[PersonCoach], bool]
    turn_fn: Callable[[PadCoordinator, str, bool], Awaitable[None]]


SWITCHES: tuple[CoachSwitchDescription, ...] = (
    CoachSwitchDescription(
        key="retro_walk_reminders",
        translation_key="retro_walk_reminders",
        is_on_fn=lambda coach: coach.state.reminders.enabled,
        turn_fn=_set_reminders,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RetroBalanceConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each person's switches."""
    async_follow_people(
        hass,
        entry,
        async_add_entities,
        lambda coordinator, subentry: [
            CoachSwitch(coordinator, subentry, description) for description in SWITCHES
        ],
    )


class CoachSwitch(PersonEntity, SwitchEntity):
    """An on/off setting of a person's coach."""

    entity_description: CoachSwitchDescription

    @property
    def is_on(self) -> bool | None:
        """Whether it is on."""
        coach = self.person.coach
        return None if coach is None else self.entity_description.is_on_fn(coach)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn it on."""
        await self.entity_description.turn_fn(self.coordinator, self.person_id, True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn it off."""
        await self.entity_description.turn_fn(self.coordinator, self.person_id, False)

    def _shown(self) -> tuple[object, ...]:
        return (self.available, self.is_on)
