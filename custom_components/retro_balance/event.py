"""Event entities: a person's `test_completed`, and the pad's `session_unassigned`.

Both follow the sessions' dispatcher signal (`sessions.session_signal`), which is sent once a
change is in storage.
"""

from __future__ import annotations

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


class PersonTestEvent(_FollowsSessions, PersonEntity):
    """Fires `test_completed` with the full record when a session becomes the person's."""

    @callback
    def _session_changed(self, change: SessionChange) -> None:
        if change.kind is ChangeKind.DELETED or change.record.person_id != self.person_id:
            return
        self._trigger_event(EVENT_TEST_COMPLETED, change.record.as_dict())
        self.async_write_ha_state()


class PadSessionEvent(_FollowsSessions, PadEntity):
    """Fires `session_unassigned` when a new session could not be filed under a person."""

    _requires_online = False

    @callback
    def _session_changed(self, change: SessionChange) -> None:
        record = change.record
        if change.kind is not ChangeKind.STORED or record.person_id is not None:
            return
        self._trigger_event(
            EVENT_SESSION_UNASSIGNED,
            {
                "session_id": record.session_id,
                "started_at": record.started_at.isoformat(),
                "identified_by": record.identified_by,
            },
        )
        self.async_write_ha_state()
