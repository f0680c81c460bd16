"""Buttons: tare the pad, start the daily check or the selected test, cancel the test."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DAILY_CHECK
from .coordinator import PadCoordinator
from .data import RetroBalanceConfigEntry
from .entity import PadEntity

PARALLEL_UPDATES = 0


async def _start_daily_check(coordinator: PadCoordinator) -> None:
    coordinator.async_start_test(DAILY_CHECK)


async def _start_selected_test(coordinator: PadCoordinator) -> None:
    coordinator.async_start_test(coordinator.data.pad.next_test)


async def _cancel_test(coordinator: PadCoordinator) -> None:
    coordinator.async_cancel_test()


async def _tare(coordinator: PadCoordinator) -> None:
    await coordinator.async_tare()


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
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RetroBalanceConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the pad's buttons."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(PadButton(coordinator, description) for description in BUTTONS)


class PadButton(PadEntity, ButtonEntity):
    """A button on the pad's device."""

    entity_description: PadButtonDescription

    async def async_press(self) -> None:
        """Do what the button says (errors reach the user translated)."""
        await self.entity_description.press_fn(self.coordinator)
