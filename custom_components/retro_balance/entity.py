"""Base entities: one for the pad's device, one for each person's device.

Both read the coordinator's snapshot. The pad streams ~8 frames a second and most entities do
not change with each: an entity writes its state only when what it shows changed (`_shown`), so
that Home Assistant records no repeated states.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN, MODEL_ID_PERSON
from .coordinator import PadCoordinator
from .snapshot import PersonSessions


class RetroBalanceEntity(CoordinatorEntity[PadCoordinator]):
    """An entity that writes its state only when what it shows changed."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: PadCoordinator,
        description: EntityDescription,
        *,
        unique_id: str,
        device_info: DeviceInfo,
    ) -> None:
        """Bind to the pad's coordinator."""
        super().__init__(coordinator)
        self.entity_description = description
        self._attr_unique_id = unique_id
        self._attr_device_info = device_info
        self._written: tuple[object, ...] | None = None

    def _shown(self) -> tuple[object, ...]:
        """Return what the entity shows; a platform adds its value and attributes."""
        return (self.available,)

    @callback
    def _handle_coordinator_update(self) -> None:
        if self._shown() != self._written:
            self.async_write_ha_state()

    @callback
    def async_write_ha_state(self) -> None:
        """Write the state and remember what was written."""
        self._written = self._shown()
        super().async_write_ha_state()


class PadEntity(RetroBalanceEntity):
    """An entity of the pad's device; unavailable while the pad is offline unless it says so.

    Without the MQTT broker nothing about the pad can be known: every pad entity is unavailable.
    """

    # Entities that only make sense while the pad is online say so.
    _requires_online = True

    def __init__(self, coordinator: PadCoordinator, description: EntityDescription) -> None:
        """Bind to the pad."""
        super().__init__(
            coordinator,
            description,
            unique_id=f"{coordinator.config_entry.entry_id}_{description.key}",
            device_info=coordinator.device_info,
        )

    @property
    def available(self) -> bool:
        """Unavailable while the pad is offline, unless the entity reports that itself."""
        pad = self.coordinator.data.pad
        return (
            super().available and pad.broker_connected and (pad.online or not self._requires_online)
        )


class PersonEntity(RetroBalanceEntity):
    """An entity of a person's device: shows results from the person's stored sessions."""

    def __init__(
        self, coordinator: PadCoordinator, subentry: ConfigSubentry, description: EntityDescription
    ) -> None:
        """Bind to a person on the pad."""
        self.person_id = subentry.subentry_id
        super().__init__(
            coordinator,
            description,
            unique_id=f"{subentry.subentry_id}_{description.key}",
            device_info=DeviceInfo(
                identifiers={(DOMAIN, subentry.subentry_id)},
                name=subentry.title,
                manufacturer="Retro Balance",
                model="Person",
                model_id=MODEL_ID_PERSON,
                via_device=(DOMAIN, coordinator.config_entry.entry_id),
            ),
        )
        self._seen: tuple[bool, object] | None = None

    @property
    def person(self) -> PersonSessions:
        """The person's part of the snapshot."""
        return self.coordinator.data.people[self.person_id]

    def _details(
        self,
        attributes_fn: Callable[[PersonSessions], Mapping[str, Any] | None],
        explain_fn: Callable[[HomeAssistant, PersonSessions], Mapping[str, Any]] | None,
    ) -> Mapping[str, Any] | None:
        """Return the details of what it shows, with sentences for its reasons if it has any."""
        attributes = attributes_fn(self.person)
        if attributes is None or explain_fn is None:
            return attributes
        return {**attributes, **explain_fn(self.hass, self.person)}

    def _shows_from(self) -> object:
        """Return the part of the person that what the entity shows is worked out from."""
        return self.person

    @callback
    def _handle_coordinator_update(self) -> None:
        if self.person_id not in self.coordinator.data.people:
            return  # the person was removed: Home Assistant is removing this entity
        # Most updates are the pad's live values: the person's part is then the same object.
        seen = self._seen
        available, source = self.available, self._shows_from()
        if seen is not None and seen[0] == available and seen[1] is source:
            return
        self._seen = (available, source)
        super()._handle_coordinator_update()
