"""Buttons: the pad's (tare, start a check, a test or practice, cancel) and each person's.

A person's buttons log a retro walk, a tandem walk or marching (the phase's defaults, now), and
snooze the walking reminder for 30 minutes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coach_changes import snoozed_for
from .const import DAILY_CHECK, DEFAULT_SNOOZE_MIN, SINGLE_LEG_PRACTICE
from .coordinator import PadCoordinator
from .data import RetroBalanceConfigEntry
from .engine.coach.activities import LoggedVia
from .engine.coach.programme import ActivityKind
from .entity import PadEntity, PersonEntity
from .live_settings import async_follow_people

PARALLEL_UPDATES = 0


async def _start_daily_check(coordinator: PadCoordinator) -> None:
    coordinator.commands.async_start_test(DAILY_CHECK)


async def _start_selected_test(coordinator: PadCoordinator) -> None:
    coordinator.commands.async_start_test(coordinator.data.pad.next_test)


async def _start_practice(coordinator: PadCoordinator) -> None:
    coordinator.commands.async_start_test(SINGLE_LEG_PRACTICE)


async def _cancel_test(coordinator: PadCoordinator) -> None:
    coordinator.commands.async_cancel_test()


async def _tare(coordinator: PadCoordinator) -> None:
    await coordinator.commands.async_tare()


@dataclass(frozen=True, kw_only=True)
class PadButtonDescription(ButtonEntityDescription):
    """A pad button: which coordinator method pressing it calls."""

    press_fn: Callable[[PadCoordinator], Awaitable[None]]


BUTTONS: tuple[PadButtonDescription, ...] = (
    PadButtonDescription(
        key="tare", translation_key="tare", entity_category=EntityCategory.CONFIG, press_fn=_tare
    ),
    PadButtonDescription(
        key="start_daily_check", translation_key="start_daily_check", press_fn=_start_daily_check
    ),
    PadButtonDescription(
        key="start_selected_test",
        translation_key="start_selected_test",
        press_fn=_start_selected_test,
    ),
    PadButtonDescription(key="cancel_test", translation_key="cancel_test", press_fn=_cancel_test),
    PadButtonDescription(
        key="start_practice", translation_key="start_practice", press_fn=_start_practice
    ),
)


def _log(kind: ActivityKind) -> Callable[[PadCoordinator, str], Awaitable[None]]:
    async def log(coordinator: PadCoordinator, person_id: str) -> None:
        await coordinator.coach.async_log(person_id, kind, via=LoggedVia.BUTTON)

    return log


async def _snooze(coordinator: PadCoordinator, person_id: str) -> None:
    await coordinator.coach.async_change_reminders(person_id, snoozed_for(DEFAULT_SNOOZE_MIN))


@dataclass(frozen=True, kw_only=True)
class PersonButtonDescription(ButtonEntityDescription):
    """A person's button: which coach command pressing it runs for them."""

    press_fn: Callable[[PadCoordinator, str], Awaitable[None]]


PERSON_BUTTONS: tuple[PersonButtonDescription, ...] = (
    PersonButtonDescription(
        key="log_retro_walk",
        translation_key="log_retro_walk",
        press_fn=_log(ActivityKind.RETRO_WALK),
    ),
    PersonButtonDescription(
        key="log_tandem_walk",
        translation_key="log_tandem_walk",
        press_fn=_log(ActivityKind.TANDEM_WALK),
    ),
    PersonButtonDescription(
        key="log_marching", translation_key="log_marching", press_fn=_log(ActivityKind.MARCHING)
    ),
    PersonButtonDescription(
        key="snooze_retro_walk", translation_key="snooze_retro_walk", press_fn=_snooze
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RetroBalanceConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the pad's buttons."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(PadButton(coordinator, description) for description in BUTTONS)
    async_follow_people(
        hass,
        entry,
        async_add_entities,
        lambda coordinator, subentry: [
            PersonButton(coordinator, subentry, d) for d in PERSON_BUTTONS
        ],
    )


class PadButton(PadEntity, ButtonEntity):
    """A button on the pad's device."""

    entity_description: PadButtonDescription

    async def async_press(self) -> None:
        """Do what the button says (errors reach the user translated)."""
        await self.entity_description.press_fn(self.coordinator)


class PersonButton(PersonEntity, ButtonEntity):
    """A button on a person's device (logging needs no pad: it stays available)."""

    entity_description: PersonButtonDescription

    async def async_press(self) -> None:
        """Run the coach command for this person (errors reach the user translated)."""
        await self.entity_description.press_fn(self.coordinator, self.person_id)
