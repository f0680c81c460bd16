"""Retro Balance: home balance checks and retro-walking coaching from a load-cell pad.

Home Assistant and the glue are imported only inside the setup functions, so that importing the
package — which the pure engine (`engine/`) and its command-line tool, and the pad simulator, do —
needs neither Home Assistant nor the engine's heavier modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.typing import ConfigType

    from .data import RetroBalanceConfigEntry

PLATFORMS: list[str] = ["binary_sensor", "button", "event", "select", "sensor"]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions (once, whatever the number of pads)."""
    from .services import async_setup_services

    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: RetroBalanceConfigEntry) -> bool:
    """Load a pad: wait for MQTT, read (and assess again) its sessions, start it, add entities."""
    from homeassistant.components import mqtt
    from homeassistant.exceptions import ConfigEntryNotReady

    from .check_events import async_fire_check_events
    from .const import CONF_PAD_ID, DOMAIN
    from .coordinator import PadCoordinator
    from .data import EntrySettings, RetroBalanceData
    from .sessions import PadSessions
    from .settings import people
    from .storage import SessionHistory
    from .trend_statistics import TrendStatistics

    if not await mqtt.async_wait_for_mqtt_client(hass):
        raise ConfigEntryNotReady(translation_domain=DOMAIN, translation_key="mqtt_unavailable")
    history = SessionHistory(hass, entry.entry_id)
    await history.async_load()
    sessions = PadSessions(
        hass,
        entry_id=entry.entry_id,
        pad_id=entry.data[CONF_PAD_ID],
        history=history,
        people=people(entry),
    )
    await sessions.async_assess_stored()
    coordinator = PadCoordinator(hass, entry, sessions)
    entry.runtime_data = RetroBalanceData(
        coordinator=coordinator, sessions=sessions, settings=EntrySettings.of(entry)
    )
    await coordinator.async_start()
    async_fire_check_events(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    if (stop_statistics := TrendStatistics(hass, entry, coordinator).async_start()) is not None:
        entry.async_on_unload(stop_statistics)
    entry.async_on_unload(entry.add_update_listener(_async_apply_settings))
    return True


async def _async_apply_settings(hass: HomeAssistant, entry: RetroBalanceConfigEntry) -> None:
    """Apply new options and people without a reload, which would cancel a running check."""
    from .live_settings import async_apply_settings

    await async_apply_settings(hass, entry)


async def async_unload_entry(hass: HomeAssistant, entry: RetroBalanceConfigEntry) -> bool:
    """Unload a pad (its coordinator stores a running test as cancelled on shutdown)."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: RetroBalanceConfigEntry) -> None:
    """Delete the stored sessions and trend statistics of a deleted pad (they are health data)."""
    from .storage import SessionHistory
    from .trend_statistics import async_clear_pad_statistics

    history = SessionHistory(hass, entry.entry_id)
    await history.async_load()
    await history.async_remove()
    async_clear_pad_statistics(hass, entry)
