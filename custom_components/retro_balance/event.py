"""Event entities: a person's `test_completed`, and the pad's `session_unassigned`.

Both follow the sessions' dispatcher signal (`sessions.session_signal`), which is sent once a
change is in storage, so they fire for new and newly assigned sessions only, never when the entry
loads or an entity is recreated. An event is dated at the check's end, also when the check is
assigned later: the entity's state (the time of its last event) is the check's, not the moment
it was filed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import EVENT_SESSION_UNASSIGNED, EVENT_TEST_COMPLETED
from .data import RetroBalanceConfigEntry
from .entity import PadEntity, PersonEntity, RetroBalanceEntity
from .live_settings import async_follow_people
from .sessions import ChangeKind, SessionChange, session_signal

PARALLEL_UPDATES = 0

PERSON_EVENT = EventEntityDescription(
    key="test_completed", translation_key="test_completed", event_types=[EVENT_TEST_COMPLETED]
)
PAD_EVENT = EventEntityDescription(
    key="unassigned_session",
    translation_key="unassigned_session",
    event_types=[EVENT_SESSION_UNASSIGNED],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RetroBalanceConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the pad's event entity and each person's."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities([PadSessionEvent(coordinator, PAD_EVENT)])
    async_follow_people(
        hass,
        entry,
        async_add_entities,
        lambda coordinator, subentry: [PersonTestEvent(coordinator, subentry, PERSON_EVENT)],
    )


class _FollowsSessions(RetroBalanceEntity, EventEntity):
    """An event entity that fires on the pad's session changes."""

    async def async_added_to_hass(self) -> None:
        """Also follow the pad's session changes."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                session_signal(self.coordinator.config_entry.entry_id),
                self._session_changed,
            )
        )

    @callback
    def _session_changed(self, change: SessionChange) -> None:
        raise NotImplementedError

    @callback
    def _trigger_at(self, event_type: str, attributes: dict[str, Any], when: datetime) -> None:
        """Fire an event dated `when` and write the state."""
        self._trigger_event(event_type, attributes)
        # EventEntity dates an event when it is triggered and offers no other way to date it;
        # its state is this (name-mangled) attribute, restored as it is after a restart.
        self._EventEntity__last_event_triggered = when
        self.async_write_ha_state()


class PersonTestEvent(_FollowsSessions, PersonEntity):
    """Fires `test_completed` with the full record when a session becomes the person's."""

    @callback
    def _session_changed(self, change: SessionChange) -> None:
        if change.kind is ChangeKind.DELETED or change.record.person_id != self.person_id:
            return
        record = change.record
        self._trigger_at(EVENT_TEST_COMPLETED, record.as_dict(), record.ended_at)


class PadSessionEvent(_FollowsSessions, PadEntity):
    """Fires `session_unassigned` when a new session could not be filed under a person."""

    _requires_online = False

    @callback
    def _session_changed(self, change: SessionChange) -> None:
        record = change.record
        if change.kind is not ChangeKind.STORED or record.person_id is not None:
            return
        self._trigger_at(
            EVENT_SESSION_UNASSIGNED,
            {
                "session_id": record.session_id,
                "started_at": record.started_at.isoformat(),
                "ended_at": record.ended_at.isoformat(),
                "identified_by": record.identified_by,
                "weight_kg": None if record.body_mass_kg is None else round(record.body_mass_kg, 1),
            },
            record.ended_at,
        )
