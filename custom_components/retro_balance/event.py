"""Event entities: a person's `test_completed`, and the pad's `session_unassigned`."""

from __future__ import annotations

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import RetroBalanceConfigEntry
from .const import EVENT_SESSION_UNASSIGNED, EVENT_TEST_COMPLETED, SUBENTRY_PERSON
from .engine.clinical.session import SessionRecord
from .entity import PadEntity, PersonEntity
from .pad_link import PadLink

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
    link = entry.runtime_data.link
    async_add_entities([PadSessionEvent(link, PAD_EVENT)])
    for subentry in entry.subentries.values():
        if subentry.subentry_type == SUBENTRY_PERSON:
            async_add_entities(
                [PersonTestEvent(link, subentry, PERSON_EVENT)],
                config_subentry_id=subentry.subentry_id,
            )


class PersonTestEvent(PersonEntity, EventEntity):
    """Fires `test_completed` with the full result when one of the person's sessions is stored."""

    def __init__(
        self, link: PadLink, subentry: ConfigSubentry, description: EventEntityDescription
    ) -> None:
        """Bind to a person."""
        super().__init__(link, subentry, description)
        self._announced: set[str] = {record.session_id for record in self.sessions}

    @callback
    def _handle_session(self, record: SessionRecord) -> None:
        if record.person_id != self.person_id or record.session_id in self._announced:
            return
        self._announced.add(record.session_id)
        self._trigger_event(EVENT_TEST_COMPLETED, record.as_dict())
        self.async_write_ha_state()


class PadSessionEvent(PadEntity, EventEntity):
    """Fires `session_unassigned` when a session could not be filed under a person."""

    _requires_online = False

    async def async_added_to_hass(self) -> None:
        """Also follow stored sessions."""
        await super().async_added_to_hass()
        self.async_on_remove(self.link.async_add_session_listener(self._handle_session))

    @callback
    def _handle_pad_update(self) -> None:
        """Live pad updates do not concern this entity."""

    @callback
    def _handle_session(self, record: SessionRecord) -> None:
        if record.person_id is not None or self.link.history.get(record.session_id) is None:
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
