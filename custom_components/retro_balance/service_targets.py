"""Which pad and which person an action means: picked from lists, or named as in older calls.

The pad: `pad` (its device, or any of its people's devices) or `config_entry_id` (older calls); a
person's device also names its pad. The person: `person`, a person's device, or (older calls) a
name or subentry id. Anything that does not fit is a translated `ServiceValidationError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr

from .const import ATTR_CONFIG_ENTRY_ID, ATTR_PAD, ATTR_PERSON, DOMAIN

if TYPE_CHECKING:
    from .data import RetroBalanceData


def service_error(key: str, **placeholders: str) -> ServiceValidationError:
    """Return an error for the user, translated (`exceptions.<key>` of strings.json)."""
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def _entry_of_device(hass: HomeAssistant, device_id: str) -> str | None:
    """Return the pad entry a device (the pad's or a person's) belongs to."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        return None
    for entry_id in device.config_entries:
        entry = hass.config_entries.async_get_entry(entry_id)
        if entry is not None and entry.domain == DOMAIN:
            return entry_id
    return None


def pad_of(call: ServiceCall) -> RetroBalanceData:
    """Find the loaded pad an action names."""
    hass = call.hass
    entry_ids: set[str] = set()
    if (entry_id := call.data.get(ATTR_CONFIG_ENTRY_ID)) is not None:
        entry_ids.add(entry_id)
    if (device_id := call.data.get(ATTR_PAD)) is not None:
        if (found := _entry_of_device(hass, device_id)) is None:
            raise service_error("unknown_pad", pad=device_id)
        entry_ids.add(found)
    person = call.data.get(ATTR_PERSON)
    if not entry_ids and person is not None and (found := _entry_of_device(hass, person)):
        entry_ids.add(found)
    if not entry_ids:
        raise service_error("pad_required")
    if len(entry_ids) > 1:
        raise service_error("pad_mismatch")
    (entry_id,) = entry_ids
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise service_error("entry_not_found", entry_id=entry_id)
    if entry.state is not ConfigEntryState.LOADED:
        raise service_error("entry_not_loaded", entry_id=entry_id)
    data: RetroBalanceData = entry.runtime_data
    return data


def person_of(hass: HomeAssistant, pad: RetroBalanceData, person: str) -> str:
    """Find a person of the pad by their device, subentry id or (case-insensitive) name."""
    device = dr.async_get(hass).async_get(person)
    if device is not None:
        for domain, identifier in device.identifiers:
            if domain == DOMAIN and identifier in pad.sessions.people:
                return identifier
        raise service_error("unknown_person", person=device.name or person)
    if (person_id := pad.sessions.find_person(person)) is None:
        raise service_error("unknown_person", person=person)
    return person_id
