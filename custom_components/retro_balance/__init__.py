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

PLATFORMS: list[str] = [
    "binary_sensor",
    "button",
    "calendar",
    "event",
    "select",
    "sensor",
    "switch",
    "time",
]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions and its dashboard (once, whatever the number of pads)."""
    from .coach_services import async_setup_coach_services
    from .dashboard import async_register_dashboard
    from .services import async_setup_services

    async_setup_services(hass)
    async_setup_coach_services(hass)
    await async_register_dashboard(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: RetroBalanceConfigEntry) -> bool:
    """Load a pad: wait for MQTT, read (and assess again) its sessions, read its coach, start it.

    Stored sessions of a newer version stop the setup (with a repair; the file is untouched);
    a test that Home Assistant never finished last time is stored first (`interrupted`).
    """
    from homeassistant.components import mqtt
    from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady

    from .check_events import async_fire_check_events
    from .coach_store import CoachStore
    from .const import CONF_PAD_ID, DOMAIN
    from .coordinator import PadCoordinator
    from .data import EntrySettings, RetroBalanceData
    from .issues import PadIssues
    from .sessions import PadSessions
    from .settings import people
    from .storage import SessionHistory, StorageTooNewError
    from .trend_statistics import TrendStatistics

    if not await mqtt.async_wait_for_mqtt_client(hass):
        raise ConfigEntryNotReady(translation_domain=DOMAIN, translation_key="mqtt_unavailable")
    pad_id = entry.data[CONF_PAD_ID]
    issues = PadIssues(hass, entry_id=entry.entry_id, pad_id=pad_id)
    history = SessionHistory(hass, entry.entry_id)
    try:
        await history.async_load()
    except StorageTooNewError as err:
        issues.storage_too_new(err.version)
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="storage_too_new",
            translation_placeholders={"pad_id": pad_id, "version": str(err.version)},
        ) from err
    corrupt = await history.async_corrupt_files()
    issues.storage_read(
        quarantined=history.quarantined, corrupt_file=corrupt[-1] if corrupt else None
    )
    sessions = PadSessions(
        hass, entry_id=entry.entry_id, pad_id=pad_id, history=history, people=people(entry)
    )
    await sessions.async_recover()
    await sessions.async_assess_stored()
    coach_store = CoachStore(hass, entry.entry_id)
    await coach_store.async_load()
    coordinator = PadCoordinator(hass, entry, sessions, coach_store)
    entry.runtime_data = RetroBalanceData(
        coordinator=coordinator, sessions=sessions, settings=EntrySettings.of(entry)
    )
    await coordinator.async_start()
    async_fire_check_events(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # Reminders due while Home Assistant was down go out once the entities are there.
    coordinator.coach.start_reminders()
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
    """Delete a deleted pad's sessions, trend statistics, coach log and repairs (health data)."""
    import contextlib

    from homeassistant.helpers import issue_registry as ir

    from .coach_store import CoachStore
    from .const import DOMAIN
    from .journal import RunJournal
    from .storage import SessionHistory, StorageTooNewError
    from .trend_statistics import async_clear_pad_statistics

    history = SessionHistory(hass, entry.entry_id)
    # A file of a newer version is removed too: deleting the pad was asked for.
    with contextlib.suppress(StorageTooNewError):
        await history.async_load()
    await history.async_remove()
    await CoachStore(hass, entry.entry_id).async_remove()
    async_clear_pad_statistics(hass, entry)
    await RunJournal(hass, entry.entry_id).async_remove()
    for issue in list(ir.async_get(hass).issues.values()):
        if issue.domain == DOMAIN and issue.issue_id.endswith(entry.entry_id):
            ir.async_delete_issue(hass, DOMAIN, issue.issue_id)
