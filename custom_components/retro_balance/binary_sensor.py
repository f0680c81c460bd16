"""Binary sensors: is the pad connected; is a person's balance declining."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import RetroBalanceConfigEntry
from .entity import PadEntity, PersonEntity
from .live_settings import async_follow_people
from .snapshot import PadSnapshot, PersonSessions
from .trend_texts import explain_trend
from .trend_values import declining, declining_details, declining_reasons

PARALLEL_UPDATES = 0
ATTR_EXPLANATION = "explanation"


@dataclass(frozen=True, kw_only=True)
class PadBinarySensorDescription(BinarySensorEntityDescription):
    """A pad binary sensor: its value in the snapshot."""

    is_on_fn: Callable[[PadSnapshot], bool]


@dataclass(frozen=True, kw_only=True)
class PersonBinarySensorDescription(BinarySensorEntityDescription):
    """A person's yes/no state, its details, and sentences for its reasons (not recorded)."""

    is_on_fn: Callable[[PersonSessions], bool | None]
    attributes_fn: Callable[[PersonSessions], Mapping[str, Any] | None] = lambda _: None
    explain_fn: Callable[[HomeAssistant, PersonSessions], Mapping[str, Any]] | None = None


BINARY_SENSORS: tuple[PadBinarySensorDescription, ...] = (
    PadBinarySensorDescription(
        key="connectivity",
        translation_key="connectivity",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda snapshot: snapshot.pad.online,
    ),
)

PERSON_BINARY_SENSORS: tuple[PersonBinarySensorDescription, ...] = (
    PersonBinarySensorDescription(
        key="balance_declining",
        translation_key="balance_declining",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=declining,
        attributes_fn=declining_details,
        explain_fn=lambda hass, person: {
            ATTR_EXPLANATION: explain_trend(hass, declining_reasons(person))
        },
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RetroBalanceConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the pad's binary sensors and each person's."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(PadBinarySensor(coordinator, description) for description in BINARY_SENSORS)
    async_follow_people(
        hass,
        entry,
        async_add_entities,
        lambda coordinator, subentry: [
            PersonBinarySensor(coordinator, subentry, description)
            for description in PERSON_BINARY_SENSORS
        ],
    )


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


class PersonBinarySensor(PersonEntity, BinarySensorEntity):
    """A yes/no state of a person (unknown while it cannot be told)."""

    entity_description: PersonBinarySensorDescription
    _unrecorded_attributes = frozenset({ATTR_EXPLANATION})

    @property
    def is_on(self) -> bool | None:
        """The value from the person's part of the snapshot."""
        return self.entity_description.is_on_fn(self.person)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Details, and the reasons as sentences in the user's language."""
        description = self.entity_description
        return self._details(description.attributes_fn, description.explain_fn)

    def _shown(self) -> tuple[object, ...]:
        return (self.available, self.is_on, self.extra_state_attributes)
