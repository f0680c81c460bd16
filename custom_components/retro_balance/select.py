"""Selects: the next test to run, and who is on the pad."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import RetroBalanceConfigEntry
from .const import DAILY_CHECK, PERSON_AUTOMATIC
from .engine.detection.stance_result import StanceTest
from .entity import PadEntity
from .pad_link import PadLink

PARALLEL_UPDATES = 0


def _person_options(link: PadLink) -> list[str]:
    return [PERSON_AUTOMATIC, *(person.name for person in link.people.values())]


def _current_person(link: PadLink) -> str:
    person = link.people.get(link.selected_person_id or "")
    return PERSON_AUTOMATIC if person is None else person.name


def _select_person(link: PadLink, option: str) -> None:
    link.selected_person_id = next(
        (person_id for person_id, person in link.people.items() if person.name == option), None
    )


def _select_test(link: PadLink, option: str) -> None:
    link.next_test = option


@dataclass(frozen=True, kw_only=True)
class PadSelectDescription(SelectEntityDescription):
    """A pad select: its options, current option and how to choose one."""

    options_fn: Callable[[PadLink], list[str]]
    current_fn: Callable[[PadLink], str]
    select_fn: Callable[[PadLink, str], None]


SELECTS: tuple[PadSelectDescription, ...] = (
    PadSelectDescription(
        key="next_test",
        translation_key="next_test",
        options_fn=lambda link: [DAILY_CHECK, *(test.value for test in StanceTest)],
        current_fn=lambda link: link.next_test,
        select_fn=_select_test,
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
    link = entry.runtime_data.link
    async_add_entities(PadSelect(link, description) for description in SELECTS)


class PadSelect(PadEntity, SelectEntity):
    """A choice made on the pad's device."""

    entity_description: PadSelectDescription
    _requires_online = False

    @property
    def options(self) -> list[str]:
        """What can be chosen."""
        return self.entity_description.options_fn(self.link)

    @property
    def current_option(self) -> str:
        """What is chosen now."""
        return self.entity_description.current_fn(self.link)

    async def async_select_option(self, option: str) -> None:
        """Choose an option (Home Assistant has already checked it is one of the options)."""
        self.entity_description.select_fn(self.link, option)
        self.link.async_notify()
