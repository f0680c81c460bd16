"""Base entities: one for the pad's device, one for each person's device."""

from __future__ import annotations

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription

from .const import DOMAIN
from .engine.clinical.session import SessionRecord
from .pad_link import PadLink


class PadEntity(Entity):
    """An entity of the pad device, updated whenever the pad's live state changes."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    # Entities that only make sense while the pad is online say so.
    _requires_online = True

    def __init__(self, link: PadLink, description: EntityDescription) -> None:
        """Bind to the pad's link."""
        self.link = link
        self.entity_description = description
        self._attr_unique_id = f"{link.entry.entry_id}_{description.key}"
        self._attr_device_info = link.device_info

    @property
    def available(self) -> bool:
        """Unavailable while the pad is offline, unless the entity reports that itself."""
        return self.link.online or not self._requires_online

    async def async_added_to_hass(self) -> None:
        """Follow the pad's live state."""
        await super().async_added_to_hass()
        self.async_on_remove(self.link.async_add_listener(self._handle_pad_update))

    @callback
    def _handle_pad_update(self) -> None:
        self.async_write_ha_state()


class PersonEntity(Entity):
    """An entity of a person's device: shows results from the person's stored sessions."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(
        self, link: PadLink, subentry: ConfigSubentry, description: EntityDescription
    ) -> None:
        """Bind to a person on the pad."""
        self.link = link
        self.person_id = subentry.subentry_id
        self.entity_description = description
        self._attr_unique_id = f"{subentry.subentry_id}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, subentry.subentry_id)},
            name=subentry.title,
            manufacturer="Retro Balance",
            model="Person",
            entry_type=None,
            via_device=(DOMAIN, link.entry.entry_id),
        )

    @property
    def sessions(self) -> tuple[SessionRecord, ...]:
        """The person's sessions, oldest first."""
        return self.link.history.for_person(self.person_id)

    async def async_added_to_hass(self) -> None:
        """Follow the person's sessions."""
        await super().async_added_to_hass()
        self.async_on_remove(self.link.async_add_session_listener(self._handle_session))

    @callback
    def _handle_session(self, record: SessionRecord) -> None:
        self.async_write_ha_state()
