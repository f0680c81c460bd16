"""Actions: start/cancel a test, assign/delete a stored session, export and import history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import voluptuous as vol
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from .const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_INCLUDE_RAW_COP,
    ATTR_PERSON,
    ATTR_SESSION_ID,
    ATTR_SESSIONS,
    ATTR_TEST,
    DAILY_CHECK,
    DOMAIN,
    SERVICE_ASSIGN_SESSION,
    SERVICE_CANCEL_TEST,
    SERVICE_DELETE_SESSION,
    SERVICE_EXPORT_HISTORY,
    SERVICE_IMPORT_HISTORY,
    SERVICE_START_TEST,
)
from .engine.clinical.session import SessionRecord, export_session
from .settings import TEST_CHOICES

if TYPE_CHECKING:
    from .data import RetroBalanceData

_PAD: dict[vol.Marker, Any] = {vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string}
START_TEST_SCHEMA = vol.Schema(
    {
        **_PAD,
        vol.Optional(ATTR_TEST, default=DAILY_CHECK): vol.In(TEST_CHOICES),
        vol.Optional(ATTR_PERSON): cv.string,
    }
)
CANCEL_TEST_SCHEMA = vol.Schema(_PAD)
ASSIGN_SESSION_SCHEMA = vol.Schema(
    {**_PAD, vol.Required(ATTR_SESSION_ID): cv.string, vol.Required(ATTR_PERSON): cv.string}
)
DELETE_SESSION_SCHEMA = vol.Schema({**_PAD, vol.Required(ATTR_SESSION_ID): cv.string})
EXPORT_HISTORY_SCHEMA = vol.Schema(
    {
        **_PAD,
        vol.Optional(ATTR_PERSON): cv.string,
        vol.Optional(ATTR_INCLUDE_RAW_COP, default=False): cv.boolean,
    }
)

IMPORT_HISTORY_SCHEMA = vol.Schema(
    {
        **_PAD,
        vol.Optional(ATTR_PERSON): cv.string,
        vol.Required(ATTR_SESSIONS): vol.All(cv.ensure_list, [dict]),
    }
)


def _error(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def _pad(call: ServiceCall) -> RetroBalanceData:
    entry_id: str = call.data[ATTR_CONFIG_ENTRY_ID]
    entry = call.hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise _error("entry_not_found", entry_id=entry_id)
    if entry.state is not ConfigEntryState.LOADED:
        raise _error("entry_not_loaded", entry_id=entry_id)
    data: RetroBalanceData = entry.runtime_data
    return data


def _person_id(pad: RetroBalanceData, person: str) -> str:
    """Find a person by subentry id or (case-insensitive) name."""
    if (person_id := pad.sessions.find_person(person)) is None:
        raise _error("unknown_person", person=person)
    return person_id


async def _async_start_test(call: ServiceCall) -> None:
    pad = _pad(call)
    person = call.data.get(ATTR_PERSON)
    pad.coordinator.async_start_test(
        call.data[ATTR_TEST], None if person is None else _person_id(pad, person)
    )


async def _async_cancel_test(call: ServiceCall) -> None:
    _pad(call).coordinator.async_cancel_test()


def _session(pad: RetroBalanceData, session_id: str) -> SessionRecord:
    record = pad.sessions.get(session_id)
    if record is None:
        raise _error("unknown_session", session_id=session_id)
    return record


async def _async_assign_session(call: ServiceCall) -> None:
    pad = _pad(call)
    record = _session(pad, call.data[ATTR_SESSION_ID])
    await pad.sessions.async_assign(record, _person_id(pad, call.data[ATTR_PERSON]))


async def _async_delete_session(call: ServiceCall) -> None:
    pad = _pad(call)
    await pad.sessions.async_delete(_session(pad, call.data[ATTR_SESSION_ID]))


async def _async_export_history(call: ServiceCall) -> ServiceResponse:
    pad = _pad(call)
    person = call.data.get(ATTR_PERSON)
    person_id = None if person is None else _person_id(pad, person)
    records = pad.sessions.for_person(person_id)
    raw_cop = (
        await pad.sessions.history.async_load_raw_cop(record.session_id for record in records)
        if call.data[ATTR_INCLUDE_RAW_COP]
        else None
    )
    sessions = [export_session(record, raw_cop=raw_cop) for record in records]
    return {
        "pad_id": pad.sessions.pad_id,
        "person_id": person_id,
        "person": None if person_id is None else pad.sessions.people[person_id].name,
        "sessions": cast(list[Any], sessions),
    }


async def _async_import_history(call: ServiceCall) -> ServiceResponse:
    """Store the sessions of an export (`export_history`'s `sessions`); skip those stored."""
    pad = _pad(call)
    person = call.data.get(ATTR_PERSON)
    person_id = None if person is None else _person_id(pad, person)
    records = []
    for index, raw in enumerate(call.data[ATTR_SESSIONS]):
        try:
            records.append(SessionRecord.from_dict(raw))
        except ValueError as err:
            raise _error("bad_import", problem=f"sessions[{index}]: {err}") from err
    try:
        imported = await pad.sessions.async_import(records, person_id)
    except ValueError as err:
        raise _error("bad_import", problem=str(err)) from err
    return {"imported": len(imported), "skipped": len(records) - len(imported)}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions (they name the pad by its config entry)."""
    hass.services.async_register(
        DOMAIN, SERVICE_START_TEST, _async_start_test, schema=START_TEST_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, SERVICE_CANCEL_TEST, _async_cancel_test, schema=CANCEL_TEST_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, SERVICE_ASSIGN_SESSION, _async_assign_session, schema=ASSIGN_SESSION_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, SERVICE_DELETE_SESSION, _async_delete_session, schema=DELETE_SESSION_SCHEMA
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_EXPORT_HISTORY,
        _async_export_history,
        schema=EXPORT_HISTORY_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_IMPORT_HISTORY,
        _async_import_history,
        schema=IMPORT_HISTORY_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
