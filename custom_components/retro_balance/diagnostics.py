"""Diagnostics of a pad: state and counters; people and results redacted (health data)."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .coach_runtime import PadCoach
from .const import (
    CONF_BIRTH_YEAR,
    CONF_NAME,
    CONF_PREFIX,
    CONF_SEX,
    CONF_WEIGHT_MAX_KG,
    CONF_WEIGHT_MIN_KG,
)
from .data import RetroBalanceConfigEntry
from .engine.wire.sequencing import FrameVerdict, SequenceCounters
from .snapshot import LivePad

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
    history = data.sessions.history
    sessions = history.sessions
    return {
        "entry": {
            "data": dict(entry.data),
            "options": dict(entry.options),
            "people": [
                async_redact_data(subentry.as_dict(), TO_REDACT)
                for subentry in entry.subentries.values()
            ],
        },
        "pad": _pad(
            data.coordinator.data.pad,
            entry.data[CONF_PREFIX],
            data.coordinator.mqtt.frame_counters,
        ),
        "sessions": {
            "stored": len(sessions),
            "unassigned": sum(record.person_id is None for record in sessions),
            "complete": sum(record.complete for record in sessions),
            "unreadable": history.quarantined,
            "kinds": sorted({record.kind for record in sessions}),
        },
        "coach": _coach(data.coordinator.coach),
    }


def _coach(coach: PadCoach) -> dict[str, Any]:
    """Return the coach's settings and counts per person (no dates, notes or times)."""
    states = [coach.state(person_id) for person_id in sorted(coach.people)]
    return {
        "time_zone": str(coach.tz),
        "unreadable_states": coach.unreadable_states,
        "people": [
            {
                "phase": int(state.phase),
                "chosen_by_hand": state.override is not None,
                "activities": len(state.activities),
                "unreadable_activities": len(state.quarantine),
                "missed_reminders": len(state.missed_reminders),
                "reminders_on": state.reminders.enabled,
            }
            for state in states
        ],
    }


def _pad(pad: LivePad, prefix: str, counters: SequenceCounters) -> dict[str, Any]:
    """Return the pad's live state as last published and its counters now (no personal data)."""
    info = pad.info
    return {
        "pad_id": pad.pad_id,
        "prefix": prefix,
        "online": pad.online,
        "broker_connected": pad.broker_connected,
        "twin_pads": pad.twin_pads,
        "state": pad.state.value,
        "info": None
        if info is None
        else {
            "model": info.model,
            "firmware": info.firmware,
            "rate_hz": info.rate_hz,
            "width_mm": info.width_mm,
            "depth_mm": info.depth_mm,
        },
        "measured_rate_hz": pad.measured_rate_hz,
        "malformed": dict(pad.malformed),
        "rejected": {
            verdict.value: count
            for verdict in FrameVerdict
            if verdict is not FrameVerdict.ACCEPTED and (count := getattr(counters, verdict.value))
        },
        "sequencer": counters.as_dict(),
        "calibration_issue": None
        if pad.calibration_issue is None
        else pad.calibration_issue.message,
        "testing": pad.testing,
    }
