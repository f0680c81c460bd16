"""Options and people changed: applied to the loaded pad, never by reloading it.

A reload would stop a running check (stored as cancelled). Instead: options are read when a test
starts, so a running check keeps the plan it started with and the next one uses the new options;
people go to the coordinator (who a session is filed under is decided when it is stored), a new
person's entities and device are added by the platforms (`async_follow_people`), a renamed
person's device is renamed. A removed person's device and entities are removed by Home Assistant
with the subentry; their stored sessions stay (exportable, `export_history` scope `all`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.dispatcher import async_dispatcher_connect, async_dispatcher_send
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util.signal_type import SignalType

from .const import DOMAIN, SUBENTRY_PERSON
from .coordinator import PadCoordinator
from .data import EntrySettings, RetroBalanceConfigEntry
from .settings import people

type PersonEntities = Callable[[PadCoordinator, ConfigSubentry], Iterable[Entity]]


def people_signal(entry_id: str) -> SignalType[()]:
    """Return the dispatcher signal sent after the pad's people changed."""
    return SignalType(f"{DOMAIN}_{entry_id}_people")


async def async_apply_settings(hass: HomeAssistant, entry: RetroBalanceConfigEntry) -> None:
    """Apply changed options and people to the loaded pad (the entry's update listener).

    Other updates of the entry (a new title, MQTT discovery seeing the pad's retained info again
    after a reboot) change nothing here.
    """
    data = entry.runtime_data
    settings = EntrySettings.of(entry)
    if settings == data.settings:
        return
    people_changed = settings.people != data.settings.people
    data.settings = settings
    if not people_changed:
        return  # options: read when the next test starts
    _rename_person_devices(hass, entry)
    configured = people(entry)
    data.coordinator.coach.set_people(configured)
    data.coordinator.async_set_people(configured)
    async_dispatcher_send(hass, people_signal(entry.entry_id))


def _rename_person_devices(hass: HomeAssistant, entry: RetroBalanceConfigEntry) -> None:
    registry = dr.async_get(hass)
    for subentry in _person_subentries(entry):
        device = registry.async_get_device(identifiers={(DOMAIN, subentry.subentry_id)})
        if device is not None and device.name != subentry.title:
            registry.async_update_device(device.id, name=subentry.title)


@callback
def async_follow_people(
    hass: HomeAssistant,
    entry: RetroBalanceConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    build: PersonEntities,
) -> None:
    """Add each person's entities of a platform now, and those of every person added later."""
    coordinator = entry.runtime_data.coordinator
    added: set[str] = set()

    @callback
    def add_new_people() -> None:
        for subentry in _person_subentries(entry):
            if subentry.subentry_id in added or subentry.subentry_id not in coordinator.data.people:
                continue
            added.add(subentry.subentry_id)
            async_add_entities(
                build(coordinator, subentry), config_subentry_id=subentry.subentry_id
            )

    add_new_people()
    entry.async_on_unload(
        async_dispatcher_connect(hass, people_signal(entry.entry_id), add_new_people)
    )


def _person_subentries(entry: RetroBalanceConfigEntry) -> list[ConfigSubentry]:
    return [
        subentry
        for subentry in entry.subentries.values()
        if subentry.subentry_type == SUBENTRY_PERSON
    ]
