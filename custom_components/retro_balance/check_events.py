"""The `retro_balance_check` event on Home Assistant's bus: one per check stored or assigned.

Fired only when a session is stored or assigned (the sessions' dispatcher signal), never when the
entry loads or entities are recreated, and dated at the check's end (`time_fired`), also when it
is assigned days later. The logbook describes it (`logbook.py`); automations can trigger on it.
The data is small (no trial details; the person's *Balance check* event entity has those):

    entry_id, pad_id, session_id, change ("stored" | "assigned"), person_id, person (name or
    None), device_id, entity_id (the person's event entity, or the pad's unassigned-session one),
    kind, complete, incomplete_reason, interrupted, tests_done, tests_planned, score (as shown),
    fall_risk (this check's level, None when unassigned), holds ({test: seconds}), weight_kg,
    started_at, ended_at (ISO 8601, UTC)
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from .const import DOMAIN
from .data import RetroBalanceConfigEntry
from .engine.clinical.outcomes import Outcome
from .engine.clinical.session import SessionRecord, best_result
from .event import PAD_EVENT, PERSON_EVENT
from .person_results import shown_score
from .sessions import ChangeKind, SessionChange, session_signal

EVENT_CHECK: Final = f"{DOMAIN}_check"


def check_event_data(
    record: SessionRecord, change: ChangeKind, person: str | None
) -> dict[str, Any]:
    """Return what the event says about a check (entry, device and entity ids added later)."""
    level = None if record.assessment is None else record.assessment.fall_risk.level.value
    score = None if record.assessment is None else record.assessment.score
    weight_kg = record.body_mass_kg
    return {
        "pad_id": record.pad_id,
        "session_id": record.session_id,
        "change": change.value,
        "person_id": record.person_id,
        "person": person,
        "kind": record.kind.value,
        "complete": record.complete,
        "incomplete_reason": None
        if record.incomplete_reason is None
        else record.incomplete_reason.value,
        "interrupted": record.interrupted,
        "tests_done": len(record.tests_done),
        "tests_planned": len(record.planned_tests) or None,
        "score": None if score is None else shown_score(score),
        "fall_risk": level,
        "holds": holds(record),
        "weight_kg": None if weight_kg is None else round(weight_kg, 1),
        "started_at": record.started_at.isoformat(),
        "ended_at": record.ended_at.isoformat(),
    }


def holds(record: SessionRecord) -> dict[str, float]:
    """Each measured test's hold in seconds (0 for a position not taken), to 0.1 s."""
    if record.assessment is not None:
        return {
            judged.test.value: round(judged.hold_s, 1)
            for judged in record.assessment.tests
            if judged.outcome is not Outcome.NOT_MEASURED and judged.hold_s is not None
        }
    found = {test: best_result(record, test) for test in record.tests_done}
    return {
        test.value: round(result.hold_time_s, 1)
        for test, result in found.items()
        if result is not None
    }


@callback
def async_fire_check_events(hass: HomeAssistant, entry: RetroBalanceConfigEntry) -> None:
    """Fire `retro_balance_check` for every check the pad stores or assigns from now on."""

    @callback
    def session_changed(change: SessionChange) -> None:
        if change.kind is ChangeKind.DELETED:
            return
        record = change.record
        people = entry.runtime_data.sessions.people
        profile = None if record.person_id is None else people.get(record.person_id)
        data = check_event_data(record, change.kind, None if profile is None else profile.name)
        owner = entry.entry_id if record.person_id is None else record.person_id
        key = PAD_EVENT.key if record.person_id is None else PERSON_EVENT.key
        device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, owner)})
        data |= {
            "entry_id": entry.entry_id,
            "device_id": None if device is None else device.id,
            "entity_id": er.async_get(hass).async_get_entity_id(
                Platform.EVENT, DOMAIN, f"{owner}_{key}"
            ),
        }
        hass.bus.async_fire(EVENT_CHECK, data, time_fired=record.ended_at.timestamp())

    entry.async_on_unload(
        async_dispatcher_connect(hass, session_signal(entry.entry_id), session_changed)
    )
