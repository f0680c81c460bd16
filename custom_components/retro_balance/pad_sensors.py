"""The pad's own sensors (added by `sensor.py`): its live values and its counters.

Rows of data like the other sensor tables; each reads the live part of the snapshot. Live values
(weight, progress) move in steps and have no state class, so that the recorder keeps few rows
(`benchmarks/README.md`); what they show on an empty pad and between tests is `pad_values`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfFrequency, UnitOfMass, UnitOfTime
from homeassistant.helpers.typing import StateType

from .coordinator import PadCoordinator
from .engine.detection.pad_state import PadState
from .engine.detection.stance_result import StanceTest
from .entity import PadEntity
from .pad_values import empty_reading, pad_weight_kg, progress_details
from .recognition import recognised_person, recognition_details
from .snapshot import PadSnapshot

NO_TEST = "none"
"""*Current test* while no test runs."""


@dataclass(frozen=True, kw_only=True)
class PadSensorDescription(SensorEntityDescription):
    """A pad sensor: its value in the snapshot, whether it exists, whether it needs the pad."""

    value_fn: Callable[[PadSnapshot], StateType]
    attributes_fn: Callable[[PadSnapshot], Mapping[str, Any] | None] = lambda _: None
    has_fn: Callable[[PadSnapshot], bool] = lambda _: True
    requires_online: bool = True


PAD_SENSORS: tuple[PadSensorDescription, ...] = (
    # Live values (weight, progress) have no state class: no long-term statistics of them, which
    # cost 312 rows a day for each sensor with a number (benchmarks/README.md).
    PadSensorDescription(
        key="weight",
        translation_key="weight",
        device_class=SensorDeviceClass.WEIGHT,
        native_unit_of_measurement=UnitOfMass.KILOGRAMS,
        suggested_display_precision=1,
        value_fn=pad_weight_kg,
        attributes_fn=empty_reading,
    ),
    PadSensorDescription(
        key="pad_state",
        translation_key="pad_state",
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in PadState],
        value_fn=lambda snapshot: snapshot.pad.state.value,
        requires_online=False,
    ),
    PadSensorDescription(
        key="test_elapsed",
        translation_key="test_elapsed",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_display_precision=0,
        value_fn=lambda snapshot: snapshot.pad.progress_s or 0,
        attributes_fn=progress_details,
    ),
    PadSensorDescription(
        key="current_test",
        translation_key="current_test",
        device_class=SensorDeviceClass.ENUM,
        options=[NO_TEST, *(test.value for test in StanceTest)],
        value_fn=lambda snapshot: (
            NO_TEST if snapshot.pad.current_test is None else snapshot.pad.current_test.value
        ),
    ),
    PadSensorDescription(
        key="recognised_person",
        translation_key="recognised_person",
        value_fn=recognised_person,
        attributes_fn=recognition_details,
    ),
    PadSensorDescription(
        key="sample_rate",
        translation_key="sample_rate",
        device_class=SensorDeviceClass.FREQUENCY,
        native_unit_of_measurement=UnitOfFrequency.HERTZ,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        suggested_display_precision=1,
        value_fn=lambda snapshot: snapshot.pad.measured_rate_hz,
    ),
    PadSensorDescription(
        key="dropped_frames",
        translation_key="dropped_frames",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda snapshot: snapshot.pad.dropped_frames,
        requires_online=False,
    ),
    PadSensorDescription(
        key="malformed_frames",
        translation_key="malformed_frames",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda snapshot: snapshot.pad.malformed_frames,
        requires_online=False,
    ),
)


class PadSensor(PadEntity, SensorEntity):
    """A live value of the pad."""

    entity_description: PadSensorDescription

    def __init__(self, coordinator: PadCoordinator, description: PadSensorDescription) -> None:
        """Bind to the pad."""
        super().__init__(coordinator, description)
        self._requires_online = description.requires_online

    @property
    def native_value(self) -> StateType:
        """The value in the snapshot."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Details of the value in the snapshot."""
        return self.entity_description.attributes_fn(self.coordinator.data)

    def _shown(self) -> tuple[object, ...]:
        return (self.available, self.native_value, self.extra_state_attributes)
