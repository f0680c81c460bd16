"""Buttons: tare the pad, start the daily check or the selected test, cancel the test."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import RetroBalanceConfigEntry
from .const import DAILY_CHECK
from .entity import PadEntity
from .pad_link import PadLink

PARALLEL_UPDATES = 0


async def _start_daily_check(link: PadLink) -> None:
    link.async_start(DAILY_CHECK, None)


async def _start_selected_test(link: PadLink) -> None:
    link.async_start(link.next_test, None)


async def _cancel_test(link: PadLink) -> None:
    link.async_cancel()


async def _tare(link: PadLink) -> None:
    await link.async_tare()


@dataclass(frozen=True, kw_only=True)
class PadButtonDescription(ButtonEntityDescription):
    """A pad button: what pressing it does."""

    press_fn: Callable[[PadLink], Awaitable[None]]


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
    link = entry.runtime_data.link
    async_add_entities(PadButton(link, description) for description in BUTTONS)


class PadButton(PadEntity, ButtonEntity):
    """A button on the pad's device."""

    entity_description: PadButtonDescription

    async def async_press(self) -> None:
        """Do what the button says (errors reach the user translated)."""
        await self.entity_description.press_fn(self.link)
