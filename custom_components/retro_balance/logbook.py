"""Logbook platform: a check reads as what happened ("Margaret finished the daily check: …").

Describes the `retro_balance_check` event (`check_events.py`), which is fired once per check
stored or assigned, dated at the check's end. The entry is linked to the person's *Balance
check* event entity, so it also shows on their device page and in a logbook card for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.translation import async_get_cached_translations

from .check_events import EVENT_CHECK
from .const import DOMAIN
from .logbook_texts import check_message, check_name
from .reason_texts import CATEGORY


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, Any]]], None],
) -> None:
    """Describe the integration's events for the logbook."""

    @callback
    def describe_check(event: Event) -> dict[str, Any]:
        translations = async_get_cached_translations(hass, hass.config.language, CATEGORY, DOMAIN)
        entry = {
            LOGBOOK_ENTRY_NAME: check_name(event.data),
            LOGBOOK_ENTRY_MESSAGE: check_message(translations, event.data),
        }
        if entity_id := event.data.get("entity_id"):
            entry[LOGBOOK_ENTRY_ENTITY_ID] = entity_id
        return entry

    async_describe_event(DOMAIN, EVENT_CHECK, describe_check)
