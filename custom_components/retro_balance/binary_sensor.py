"""Binary sensor: is the pad connected (its retained status topic, last will = offline)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import RetroBalanceConfigEntry
from .entity import PadEntity
from .snapshot import PadSnapshot

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class PadBinarySensorDescription(BinarySensorEntityDescription):
    """A pad binary sensor: its value in the snapshot."""

    is_on_fn: Callable[[PadSnapshot], bool]


BINARY_SENSORS: tuple[PadBinarySensorDescription, ...] = (
    PadBinarySensorDescription(
        key="connectivity",
        translation_key="connectivity",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda snapshot: snapshot.pad.online,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RetroBalanceConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the pad's binary sensors."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(PadBinarySensor(coordinator, description) for description in BINARY_SENSORS)


class PadBinarySensor(PadEntity, BinarySensorEntity):
    """A yes/no state of the pad."""

    entity_description: PadBinarySensorDescription
    _requires_online = False

    @property
    def is_on(self) -> bool:
        """The value in the snapshot."""
        return self.entity_description.is_on_fn(self.coordinator.data)

    def _shown(self) -> tuple[object, ...]:
        return (self.available, self.is_on)
