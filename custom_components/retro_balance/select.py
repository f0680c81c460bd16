"""Selects: the next test to run and who is on the pad; each person's walking phase and days."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coach_changes import (
    DAY_CHOICES,
    DAY_PRESETS,
    DAYS_CUSTOM,
    coach_error,
    days_choice,
    with_fields,
)
from .coach_text import phase_key
from .coach_view import PersonCoach
from .const import PERSON_AUTOMATIC
from .coordinator import PadCoordinator
from .data import RetroBalanceConfigEntry
from .engine.coach.programme import Phase
from .entity import PadEntity, PersonEntity
from .live_settings import async_follow_people
from .settings import TEST_CHOICES
from .snapshot import PadSnapshot

PARALLEL_UPDATES = 0


def _person_options(snapshot: PadSnapshot) -> list[str]:
    return [PERSON_AUTOMATIC, *(person.profile.name for person in snapshot.people.values())]


def _current_person(snapshot: PadSnapshot) -> str:
    person = snapshot.people.get(snapshot.pad.selected_person_id or "")
    return PERSON_AUTOMATIC if person is None else person.profile.name


def _select_person(coordinator: PadCoordinator, option: str) -> None:
    people = coordinator.data.people.items()
    coordinator.commands.async_select_person(
        next((person_id for person_id, person in people if person.profile.name == option), None)
    )


@dataclass(frozen=True, kw_only=True)
class PadSelectDescription(SelectEntityDescription):
    """A pad select: its options and current option in the snapshot, how to choose one."""

    options_fn: Callable[[PadSnapshot], list[str]]
    current_fn: Callable[[PadSnapshot], str]
    select_fn: Callable[[PadCoordinator, str], None]


SELECTS: tuple[PadSelectDescription, ...] = (
    PadSelectDescription(
        key="next_test",
        translation_key="next_test",
        options_fn=lambda snapshot: list(TEST_CHOICES),
        current_fn=lambda snapshot: snapshot.pad.next_test,
        select_fn=lambda coordinator, option: coordinator.commands.async_select_next_test(option),
    ),
    PadSelectDescription(
        key="person",
        translation_key="person",
        options_fn=_person_options,
        current_fn=_current_person,
        select_fn=_select_person,
    ),
)


PHASE_AUTOMATIC = "automatic"
PHASE_CHOICES = {PHASE_AUTOMATIC: None, **{phase_key(phase): phase for phase in Phase}}
"""The phase select's choices: the rules decide (`automatic`), or a phase chosen by hand."""


async def _choose_phase(coordinator: PadCoordinator, person_id: str, option: str) -> None:
    await coordinator.coach.async_set_override(person_id, PHASE_CHOICES[option])


async def _choose_days(coordinator: PadCoordinator, person_id: str, option: str) -> None:
    if option == DAYS_CUSTOM:
        raise coach_error("custom_days_by_action")
    await coordinator.coach.async_change_reminders(person_id, with_fields(days=DAY_PRESETS[option]))


def _phase_choice(coach: PersonCoach) -> str:
    override = coach.state.override
    return PHASE_AUTOMATIC if override is None else phase_key(override)


@dataclass(frozen=True, kw_only=True)
class PersonSelectDescription(SelectEntityDescription):
    """A person's select: the current choice in their coach view, how to choose one."""

    current_fn: Callable[[PersonCoach], str]
    select_fn: Callable[[PadCoordinator, str, str], Awaitable[None]]


PERSON_SELECTS: tuple[PersonSelectDescription, ...] = (
    PersonSelectDescription(
        key="retro_walk_phase_choice",
        translation_key="retro_walk_phase_choice",
        options=list(PHASE_CHOICES),
        current_fn=_phase_choice,
        select_fn=_choose_phase,
    ),
    PersonSelectDescription(
        key="retro_walk_days",
        translation_key="retro_walk_days",
        options=list(DAY_CHOICES),
        current_fn=lambda coach: days_choice(coach.state.reminders.days),
        select_fn=_choose_days,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RetroBalanceConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the pad's selects."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(PadSelect(coordinator, description) for description in SELECTS)
    async_follow_people(
        hass,
        entry,
        async_add_entities,
        lambda coordinator, subentry: [
            PersonSelect(coordinator, subentry, d) for d in PERSON_SELECTS
        ],
    )


class PadSelect(PadEntity, SelectEntity):
    """A choice made on the pad's device."""

    entity_description: PadSelectDescription
    _requires_online = False

    @property
    def options(self) -> list[str]:
        """What can be chosen."""
        return self.entity_description.options_fn(self.coordinator.data)

    @property
    def current_option(self) -> str:
        """What is chosen now."""
        return self.entity_description.current_fn(self.coordinator.data)

    async def async_select_option(self, option: str) -> None:
        """Choose an option (Home Assistant has already checked it is one of the options)."""
        self.entity_description.select_fn(self.coordinator, option)

    def _shown(self) -> tuple[object, ...]:
        return (self.available, self.current_option, self.options)


class PersonSelect(PersonEntity, SelectEntity):
    """A choice about a person's walking programme."""

    entity_description: PersonSelectDescription

    @property
    def current_option(self) -> str | None:
        """What is chosen now."""
        coach = self.person.coach
        return None if coach is None else self.entity_description.current_fn(coach)

    async def async_select_option(self, option: str) -> None:
        """Choose an option (Home Assistant has already checked it is one of the options)."""
        await self.entity_description.select_fn(self.coordinator, self.person_id, option)

    def _shown(self) -> tuple[object, ...]:
        return (self.available, self.current_option)
