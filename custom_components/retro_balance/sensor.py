"""Sensors: the pad's live state, and each person's latest results."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfArea,
    UnitOfFrequency,
    UnitOfMass,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .coach_sensors import COACH_SENSORS, CoachSensor
from .const import SUBENTRY_PERSON
from .coordinator import PadCoordinator
from .data import RetroBalanceConfigEntry
from .engine.clinical.fall_risk import RiskLevel
from .engine.clinical.session import SessionRecord, best_result
from .engine.detection.pad_state import PadState
from .engine.detection.stance_result import StanceTest
from .entity import PadEntity, PersonEntity
from .snapshot import PadSnapshot, PersonSessions

PARALLEL_UPDATES = 0
UNIT_CM_PER_S = "cm/s"


@dataclass(frozen=True, kw_only=True)
class PadSensorDescription(SensorEntityDescription):
    """A pad sensor: its value in the snapshot, whether it exists, whether it needs the pad."""

    value_fn: Callable[[PadSnapshot], StateType]
    has_fn: Callable[[PadSnapshot], bool] = lambda _: True
    requires_online: bool = True


@dataclass(frozen=True, kw_only=True)
class PersonSensorDescription(SensorEntityDescription):
    """A person's result: its value and attributes from the person's part of the snapshot."""

    value_fn: Callable[[PersonSessions], StateType | datetime]
    attributes_fn: Callable[[PersonSessions], Mapping[str, Any] | None] = lambda _: None
    has_fn: Callable[[PersonSessions], bool] = lambda _: True


PAD_SENSORS: tuple[PadSensorDescription, ...] = (
    PadSensorDescription(
        key="weight",
        translation_key="weight",
        device_class=SensorDeviceClass.WEIGHT,
        native_unit_of_measurement=UnitOfMass.KILOGRAMS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda snapshot: snapshot.pad.weight_kg,
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
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda snapshot: snapshot.pad.elapsed_s,
    ),
    PadSensorDescription(
        key="current_test",
        translation_key="current_test",
        device_class=SensorDeviceClass.ENUM,
        options=[test.value for test in StanceTest],
        value_fn=lambda snapshot: (
            None if snapshot.pad.current_test is None else snapshot.pad.current_test.value
        ),
    ),
    PadSensorDescription(
        key="sample_rate",
        translation_key="sample_rate",
        device_class=SensorDeviceClass.FREQUENCY,
        native_unit_of_measurement=UnitOfFrequency.HERTZ,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
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
        value_fn=lambda snapshot: snapshot.pad.malformed_frames,
        requires_online=False,
    ),
)


def _hold_time(test: StanceTest) -> Callable[[SessionRecord], float | None]:
    def value(record: SessionRecord) -> float | None:
        result = best_result(record, test)
        return None if result is None else round(result.hold_time_s, 2)

    return value


def _sway(test: StanceTest, measure: str) -> Callable[[SessionRecord], float | None]:
    def value(record: SessionRecord) -> float | None:
        result = best_result(record, test)
        if result is None or result.sway is None:
            return None
        return round(float(getattr(result.sway, measure)), 3)

    return value


def _fall_risk(record: SessionRecord) -> str | None:
    # "Not enough measured" is not a level to show: the sensor keeps the newest real level.
    if record.assessment is None or record.assessment.fall_risk.level is RiskLevel.UNKNOWN:
        return None
    return str(record.assessment.fall_risk.level)


def _fall_risk_reasons(person: PersonSessions) -> Mapping[str, Any] | None:
    record = person.newest(_fall_risk)
    if record is None:
        return None
    assert record.assessment is not None
    return {
        "reasons": [
            {
                "code": reason.code,
                "message": reason.message,
                "severity": str(reason.severity),
                "source": reason.source,
            }
            for reason in record.assessment.fall_risk.reasons
        ]
    }


def _newest[V](value: Callable[[SessionRecord], V | None]) -> Callable[[PersonSessions], V | None]:
    """Read the value from the newest session that measured it."""

    def newest(person: PersonSessions) -> V | None:
        record = person.newest(value)
        return None if record is None else value(record)

    return newest


def _score(record: SessionRecord) -> float | None:
    if record.assessment is None or record.assessment.score is None:
        return None
    return round(record.assessment.score, 1)


def _percentile(record: SessionRecord) -> float | None:
    if record.assessment is None or record.assessment.percentile is None:
        return None
    return round(record.assessment.percentile, 1)


PERSON_SENSORS: tuple[PersonSensorDescription, ...] = (
    *(
        PersonSensorDescription(
            key=f"{test.value}_time",
            translation_key=f"{test.value}_time",
            device_class=SensorDeviceClass.DURATION,
            native_unit_of_measurement=UnitOfTime.SECONDS,
            state_class=SensorStateClass.MEASUREMENT,
            suggested_display_precision=1,
            value_fn=_newest(_hold_time(test)),
        )
        for test in (StanceTest.SINGLE_LEG_LEFT, StanceTest.SINGLE_LEG_RIGHT, StanceTest.TANDEM)
    ),
    *(
        PersonSensorDescription(
            key=f"sway_velocity_{test.value}",
            translation_key=f"sway_velocity_{test.value}",
            native_unit_of_measurement=UNIT_CM_PER_S,
            state_class=SensorStateClass.MEASUREMENT,
            suggested_display_precision=2,
            entity_registry_enabled_default=test is StanceTest.QUIET_EYES_CLOSED,
            value_fn=_newest(_sway(test, "mean_velocity_cm_s")),
        )
        for test in (StanceTest.QUIET_EYES_CLOSED, StanceTest.QUIET_EYES_OPEN)
    ),
    *(
        PersonSensorDescription(
            key=f"sway_area_{test.value}",
            translation_key=f"sway_area_{test.value}",
            device_class=SensorDeviceClass.AREA,
            native_unit_of_measurement=UnitOfArea.SQUARE_CENTIMETERS,
            state_class=SensorStateClass.MEASUREMENT,
            suggested_display_precision=2,
            entity_registry_enabled_default=test is StanceTest.QUIET_EYES_CLOSED,
            value_fn=_newest(_sway(test, "ellipse_area95_cm2")),
        )
        for test in (StanceTest.QUIET_EYES_CLOSED, StanceTest.QUIET_EYES_OPEN)
    ),
    PersonSensorDescription(
        key="balance_score",
        translation_key="balance_score",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=_newest(_score),
    ),
    PersonSensorDescription(
        key="percentile",
        translation_key="percentile",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=_newest(_percentile),
    ),
    PersonSensorDescription(
        key="fall_risk",
        translation_key="fall_risk",
        device_class=SensorDeviceClass.ENUM,
        options=[level.value for level in RiskLevel if level is not RiskLevel.UNKNOWN],
        value_fn=_newest(_fall_risk),
        attributes_fn=_fall_risk_reasons,
    ),
    PersonSensorDescription(
        key="last_check",
        translation_key="last_check",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=_newest(lambda record: record.ended_at),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RetroBalanceConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the pad's sensors and every person's result sensors."""
    coordinator = entry.runtime_data.coordinator
    snapshot = coordinator.data
    async_add_entities(
        PadSensor(coordinator, description)
        for description in PAD_SENSORS
        if description.has_fn(snapshot)
    )
    for subentry in entry.subentries.values():
        if subentry.subentry_type == SUBENTRY_PERSON:
            person = snapshot.people[subentry.subentry_id]
            async_add_entities(
                (
                    PersonSensor(coordinator, subentry, description)
                    for description in PERSON_SENSORS
                    if description.has_fn(person)
                ),
                config_subentry_id=subentry.subentry_id,
            )
            async_add_entities(
                (CoachSensor(coordinator, subentry, description) for description in COACH_SENSORS),
                config_subentry_id=subentry.subentry_id,
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

    def _shown(self) -> tuple[object, ...]:
        return (self.available, self.native_value)


class PersonSensor(PersonEntity, SensorEntity):
    """One of a person's results, from the newest session that measured it."""

    entity_description: PersonSensorDescription

    @property
    def native_value(self) -> StateType | datetime:
        """The newest measured value."""
        return self.entity_description.value_fn(self.person)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Details of the value (the fall-risk reasons)."""
        return self.entity_description.attributes_fn(self.person)

    def _shown(self) -> tuple[object, ...]:
        return (self.available, self.native_value, self.extra_state_attributes)
