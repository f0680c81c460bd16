"""The retro-walking coach's actions: log a walk, snooze the reminder, choose days, restart.

Like the pad's actions (`services.py`), they name the pad by its config entry and the person by
name or subentry id; the reminder event carries both (`config_entry_id`, `person_id`), so an
automation answering a reminder passes them on as they are.
"""

from __future__ import annotations

from typing import Any

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

from .coach_changes import WEEKDAYS, iso_weekdays, snoozed_for, with_fields
from .coach_runtime import PadCoach
from .const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DAYS,
    ATTR_KIND,
    ATTR_MINUTES,
    ATTR_NOTE,
    ATTR_PAD,
    ATTR_PERSON,
    ATTR_START_DATE,
    ATTR_STARTED_AT,
    ATTR_SUPPORT,
    DEFAULT_SNOOZE_MIN,
    DOMAIN,
    SERVICE_LOG_RETRO_WALK,
    SERVICE_RESTART_PROGRAMME,
    SERVICE_SET_RETRO_WALK_DAYS,
    SERVICE_SNOOZE_RETRO_WALK,
)
from .engine.coach.activities import MAX_ACTIVITY_S, MAX_NOTE_CHARS
from .engine.coach.programme import ActivityKind, Support
from .engine.coach.reminders import MAX_SNOOZE
from .service_targets import pad_of, person_of

LOGGED_KINDS = (ActivityKind.RETRO_WALK, ActivityKind.TANDEM_WALK, ActivityKind.MARCHING)
"""What the log action takes (single-leg holds are timed on the pad)."""
MIN_MINUTES = 0.1

_PERSON: dict[vol.Marker, Any] = {
    vol.Optional(ATTR_PAD): cv.string,
    vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
    vol.Required(ATTR_PERSON): cv.string,
}
"""Whose coach: the person's device (their pad is found from it), or older calls' pad and name."""
LOG_SCHEMA = vol.Schema(
    {
        **_PERSON,
        vol.Optional(ATTR_KIND, default=ActivityKind.RETRO_WALK.value): vol.In(
            [kind.value for kind in LOGGED_KINDS]
        ),
        vol.Optional(ATTR_MINUTES): vol.All(
            vol.Coerce(float), vol.Range(min=MIN_MINUTES, max=MAX_ACTIVITY_S / 60.0)
        ),
        vol.Optional(ATTR_SUPPORT): vol.In([support.value for support in Support]),
        vol.Optional(ATTR_NOTE): vol.All(cv.string, vol.Length(max=MAX_NOTE_CHARS)),
        vol.Optional(ATTR_STARTED_AT): cv.datetime,
    }
)
SNOOZE_SCHEMA = vol.Schema(
    {
        **_PERSON,
        vol.Optional(ATTR_MINUTES, default=DEFAULT_SNOOZE_MIN): vol.All(
            vol.Coerce(float), vol.Range(min=1, max=MAX_SNOOZE.total_seconds() / 60.0)
        ),
    }
)
DAYS_SCHEMA = vol.Schema({**_PERSON, vol.Optional(ATTR_DAYS, default=list): [vol.In(WEEKDAYS)]})
RESTART_SCHEMA = vol.Schema({**_PERSON, vol.Optional(ATTR_START_DATE): cv.date})


def _who(call: ServiceCall) -> tuple[PadCoach, str]:
    pad = pad_of(call)
    return pad.coordinator.coach, person_of(call.hass, pad, call.data[ATTR_PERSON])


async def _async_log(call: ServiceCall) -> ServiceResponse:
    coach, person_id = _who(call)
    started_at = call.data.get(ATTR_STARTED_AT)
    support = call.data.get(ATTR_SUPPORT)
    activity = await coach.async_log(
        person_id,
        ActivityKind(call.data[ATTR_KIND]),
        minutes=call.data.get(ATTR_MINUTES),
        support=None if support is None else Support(support),
        note=call.data.get(ATTR_NOTE),
        started_at=None if started_at is None else dt_util.as_utc(started_at),
    )
    return {"activity_id": activity.activity_id, "started_at": activity.started_at.isoformat()}


async def _async_snooze(call: ServiceCall) -> None:
    coach, person_id = _who(call)
    await coach.async_change_reminders(person_id, snoozed_for(call.data[ATTR_MINUTES]))


async def _async_set_days(call: ServiceCall) -> None:
    coach, person_id = _who(call)
    await coach.async_change_reminders(
        person_id, with_fields(days=iso_weekdays(call.data[ATTR_DAYS]))
    )


async def _async_restart(call: ServiceCall) -> None:
    coach, person_id = _who(call)
    await coach.async_restart(person_id, call.data.get(ATTR_START_DATE) or dt_util.now().date())


@callback
def async_setup_coach_services(hass: HomeAssistant) -> None:
    """Register the coach's actions."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_LOG_RETRO_WALK,
        _async_log,
        schema=LOG_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN, SERVICE_SNOOZE_RETRO_WALK, _async_snooze, schema=SNOOZE_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, SERVICE_SET_RETRO_WALK_DAYS, _async_set_days, schema=DAYS_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, SERVICE_RESTART_PROGRAMME, _async_restart, schema=RESTART_SCHEMA
    )
