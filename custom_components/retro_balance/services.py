"""Actions: tests, stored sessions, the history's export and import, a baseline started again.

Each names its pad with `pad` (the pad's device, picked from a list) or, as older calls do,
`config_entry_id`; the person with `person` (a person's device from a list, or a name).
`service_targets` finds them; `export` shapes the history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import voluptuous as vol
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from .const import (
    ATTR_CLEAR,
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DATE,
    ATTR_INCLUDE_RAW_COP,
    ATTR_PAD,
    ATTR_PERSON,
    ATTR_SCOPE,
    ATTR_SESSION_ID,
    ATTR_SESSIONS,
    ATTR_TEST,
    CONF_BASELINE_FROM,
    DAILY_CHECK,
    DOMAIN,
    SERVICE_ASSIGN_SESSION,
    SERVICE_CANCEL_TEST,
    SERVICE_DELETE_SESSION,
    SERVICE_EXPORT_HISTORY,
    SERVICE_IMPORT_HISTORY,
    SERVICE_RESTART_BASELINE,
    SERVICE_START_TEST,
)
from .engine.clinical.session import SessionRecord
from .export import SCOPE_ALL, SCOPE_PERSON, SCOPE_UNASSIGNED, SCOPES, export_response
from .live_settings import async_apply_settings
from .service_targets import pad_of, person_of, service_error
from .settings import TEST_CHOICES

if TYPE_CHECKING:
    from .data import RetroBalanceData

_PAD: dict[vol.Marker, Any] = {
    vol.Optional(ATTR_PAD): cv.string,
    vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
}
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
        vol.Optional(ATTR_SCOPE): vol.In(SCOPES),
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

RESTART_BASELINE_SCHEMA = vol.Schema(
    {
        **_PAD,
        vol.Required(ATTR_PERSON): cv.string,
        vol.Optional(ATTR_DATE): cv.date,
        vol.Optional(ATTR_CLEAR, default=False): cv.boolean,
    }
)


async def _async_start_test(call: ServiceCall) -> None:
    pad = pad_of(call)
    person = call.data.get(ATTR_PERSON)
    pad.coordinator.commands.async_start_test(
        call.data[ATTR_TEST], None if person is None else person_of(call.hass, pad, person)
    )


async def _async_cancel_test(call: ServiceCall) -> None:
    pad_of(call).coordinator.commands.async_cancel_test()


def _session(pad: RetroBalanceData, session_id: str) -> SessionRecord:
    record = pad.sessions.get(session_id)
    if record is None:
        raise service_error("unknown_session", session_id=session_id)
    return record


async def _async_assign_session(call: ServiceCall) -> None:
    pad = pad_of(call)
    record = _session(pad, call.data[ATTR_SESSION_ID])
    await pad.sessions.async_assign(record, person_of(call.hass, pad, call.data[ATTR_PERSON]))


async def _async_delete_session(call: ServiceCall) -> None:
    pad = pad_of(call)
    await pad.sessions.async_delete(_session(pad, call.data[ATTR_SESSION_ID]))


def _scope(call: ServiceCall) -> str:
    """Return the scope asked for: never a default (a person given alone is that person)."""
    scope: str | None = call.data.get(ATTR_SCOPE)
    has_person = ATTR_PERSON in call.data
    if scope is None:
        if not has_person:
            raise service_error("scope_required")
        return SCOPE_PERSON
    if (scope == SCOPE_PERSON) != has_person:
        raise service_error("scope_person_mismatch", scope=scope)
    return scope


async def _async_export_history(call: ServiceCall) -> ServiceResponse:
    pad = pad_of(call)
    scope = _scope(call)
    person_id = None
    if scope == SCOPE_PERSON:
        person_id = person_of(call.hass, pad, call.data[ATTR_PERSON])
        records = pad.sessions.for_person(person_id)
    elif scope == SCOPE_UNASSIGNED:
        records = pad.sessions.for_person(None)
    else:
        assert scope == SCOPE_ALL
        records = pad.sessions.history.sessions
    raw_cop = (
        await pad.sessions.history.async_load_raw_cop(record.session_id for record in records)
        if call.data[ATTR_INCLUDE_RAW_COP]
        else None
    )
    return export_response(
        pad_id=pad.sessions.pad_id,
        scope=scope,
        person_id=person_id,
        records=records,
        people=pad.coordinator.data.people,
        raw_cop=raw_cop,
    )


async def _async_import_history(call: ServiceCall) -> ServiceResponse:
    """Store the sessions of an export (`export_history`'s `sessions`); skip those stored."""
    pad = pad_of(call)
    person = call.data.get(ATTR_PERSON)
    person_id = None if person is None else person_of(call.hass, pad, person)
    records = []
    for index, raw in enumerate(call.data[ATTR_SESSIONS]):
        try:
            records.append(SessionRecord.from_dict(raw))
        except ValueError as err:
            raise service_error("bad_import", problem=f"sessions[{index}]: {err}") from err
    try:
        imported = await pad.sessions.async_import(records, person_id)
    except ValueError as err:
        raise service_error("bad_import", problem=str(err)) from err
    return {"imported": len(imported), "skipped": len(records) - len(imported)}


async def _async_restart_baseline(call: ServiceCall) -> None:
    """Start a person's baseline again on `date` (default today), or from the start (`clear`).

    Stored in the person's subentry (it survives restarts and goes with the person) and applied
    before the action returns: trends, the declining flag, the fall risk and the coach follow.
    """
    pad = pad_of(call)
    person_id = person_of(call.hass, pad, call.data[ATTR_PERSON])
    day = call.data.get(ATTR_DATE)
    if call.data[ATTR_CLEAR] and day is not None:
        raise service_error("baseline_clear_with_date")
    today = dt_util.now().date()
    if day is not None and day > today:
        raise service_error("baseline_date_in_future", date=day.isoformat())
    entry = pad.coordinator.config_entry
    subentry = entry.subentries[person_id]
    data = {key: value for key, value in subentry.data.items() if key != CONF_BASELINE_FROM}
    if not call.data[ATTR_CLEAR]:
        data[CONF_BASELINE_FROM] = (day or today).isoformat()
    if call.hass.config_entries.async_update_subentry(entry, subentry, data=data):
        await async_apply_settings(call.hass, entry)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions."""
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
        SERVICE_RESTART_BASELINE,
        _async_restart_baseline,
        schema=RESTART_BASELINE_SCHEMA,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_IMPORT_HISTORY,
        _async_import_history,
        schema=IMPORT_HISTORY_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
