"""Diagnostics of a pad: state and counters; people and results redacted (health data)."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from . import RetroBalanceConfigEntry
from .const import (
    CONF_BIRTH_YEAR,
    CONF_NAME,
    CONF_SEX,
    CONF_WEIGHT_MAX_KG,
    CONF_WEIGHT_MIN_KG,
)

TO_REDACT = {
    CONF_NAME,
    CONF_BIRTH_YEAR,
    CONF_SEX,
    CONF_WEIGHT_MIN_KG,
    CONF_WEIGHT_MAX_KG,
    "title",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: RetroBalanceConfigEntry
) -> dict[str, Any]:
    """Return what helps to debug a pad, without names, birth years, weights or results."""
    data = entry.runtime_data
    sessions = data.history.sessions
    return {
        "entry": {
            "data": dict(entry.data),
            "options": dict(entry.options),
            "people": [
                async_redact_data(subentry.as_dict(), TO_REDACT)
                for subentry in entry.subentries.values()
            ],
        },
        "pad": data.link.diagnostics(),
        "sessions": {
            "stored": len(sessions),
            "unassigned": sum(record.person_id is None for record in sessions),
            "complete": sum(record.complete for record in sessions),
            "unreadable": data.history.quarantined,
            "kinds": sorted({record.kind for record in sessions}),
        },
    }
