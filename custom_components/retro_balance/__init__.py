"""Retro Balance: home balance checks and retro-walking coaching from a load-cell pad.

This module imports Home Assistant and the glue only inside the setup functions, so that the
pure engine (`engine/`, a subpackage) and its command-line tool can be imported without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.typing import ConfigType

    from .pad_link import PadLink
    from .storage import SessionHistory

PLATFORMS: list[str] = ["binary_sensor", "button", "event", "select", "sensor"]


@dataclass(frozen=True, kw_only=True)
class EntrySettings:
    """The part of a pad's entry whose change must reload it: options and people."""

    options: dict[str, Any]
    people: dict[str, tuple[str, dict[str, Any]]]
    """Each person subentry's title and data, by subentry id."""

    @classmethod
    def of(cls, entry: ConfigEntry[Any]) -> EntrySettings:
        """Snapshot the entry's options and person subentries."""
        return cls(
            options=dict(entry.options),
            people={key: (sub.title, dict(sub.data)) for key, sub in entry.subentries.items()},
        )


@dataclass(kw_only=True)
class RetroBalanceData:
    """What a loaded pad entry holds: its live link, its stored sessions, its settings."""

    link: PadLink
    history: SessionHistory
    settings: EntrySettings
    """The settings the entry was loaded with (a change reloads it)."""


type RetroBalanceConfigEntry = ConfigEntry[RetroBalanceData]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions (once, whatever the number of pads)."""
    from .services import async_setup_services

    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: RetroBalanceConfigEntry) -> bool:
    """Load a pad: wait for MQTT, read its sessions, subscribe, add the entities."""
    from homeassistant.components import mqtt
    from homeassistant.exceptions import ConfigEntryNotReady

    from .pad_link import PadLink
    from .storage import SessionHistory

    if not await mqtt.async_wait_for_mqtt_client(hass):
        raise ConfigEntryNotReady(translation_domain=DOMAIN, translation_key="mqtt_unavailable")
    history = SessionHistory(hass, entry.entry_id)
    await history.async_load()
    link = PadLink(hass, entry, history)
    entry.runtime_data = RetroBalanceData(
        link=link, history=history, settings=EntrySettings.of(entry)
    )
    entry.async_on_unload(link.async_stop)
    await link.async_connect()
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_reload_on_change))
    return True


async def _async_reload_on_change(hass: HomeAssistant, entry: RetroBalanceConfigEntry) -> None:
    """Reload when options or people changed, so that entities and the test plan follow.

    Other updates (e.g. MQTT discovery recording the pad's retained info again after a reboot)
    must not reload: that would cancel a test in progress.
    """
    if EntrySettings.of(entry) != entry.runtime_data.settings:
        await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: RetroBalanceConfigEntry) -> bool:
    """Unload a pad."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: RetroBalanceConfigEntry) -> None:
    """Delete the stored sessions of a deleted pad (they are health data)."""
    from .storage import SessionHistory

    history = SessionHistory(hass, entry.entry_id)
    await history.async_load()
    await history.async_remove()
