"""Selects: the next test to run, and who is on the pad."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import PERSON_AUTOMATIC
from .coordinator import PadCoordinator
from .data import RetroBalanceConfigEntry
from .entity import PadEntity
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
    coordinator.async_select_person(
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
        select_fn=lambda coordinator, option: coordinator.async_select_next_test(option),
    ),
    PadSelectDescription(
        key="person",
        translation_key="person",
        options_fn=_person_options,
        current_fn=_current_person,
        select_fn=_select_person,
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
