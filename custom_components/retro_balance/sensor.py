"""Sensors: the pad's live state, and each person's latest results."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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

from .const import PROGRESS_STEP_S, SUBENTRY_PERSON
from .coordinator import PadCoordinator
from .data import RetroBalanceConfigEntry
from .engine.clinical.fall_risk import RiskReason
from .engine.detection.pad_state import PadState
from .engine.detection.stance_result import StanceTest
from .entity import PadEntity, PersonEntity
from .person_results import (
    FALL_RISK_STATES,
    fall_risk_reasons,
    fall_risk_state,
    for_age,
    hold_outcome,
    hold_time_s,
    newest,
    newest_details,
    percentile,
    percentile_details,
    score,
    score_details,
    sway,
)
from .reason_texts import explain
from .snapshot import PadSnapshot, PersonSessions

PARALLEL_UPDATES = 0
UNIT_CM_PER_S = "cm/s"
ATTR_REASONS = "reasons"
ATTR_EXPLANATION = "explanation"


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
    reasons_fn: Callable[[PersonSessions], Sequence[RiskReason] | None] | None = None
    """The reasons behind the value: attributes `reasons` (codes) and `explanation` (sentences)."""
    has_fn: Callable[[PersonSessions], bool] = lambda _: True


def in_progress_steps(elapsed_s: float | None) -> int | None:
    """Seconds held so far, in whole steps of `PROGRESS_STEP_S` (None when no test runs)."""
    if elapsed_s is None:
        return None
    return int(elapsed_s // PROGRESS_STEP_S) * PROGRESS_STEP_S


PAD_SENSORS: tuple[PadSensorDescription, ...] = (
    # Live values (weight, progress) have no state class: no long-term statistics of them, which
    # cost 312 rows a day for each sensor with a number (benchmarks/README.md).
    PadSensorDescription(
        key="weight",
        translation_key="weight",
        device_class=SensorDeviceClass.WEIGHT,
        native_unit_of_measurement=UnitOfMass.KILOGRAMS,
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
        suggested_display_precision=0,
        value_fn=lambda snapshot: in_progress_steps(snapshot.pad.elapsed_s),
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
        entity_registry_enabled_default=False,
        suggested_display_precision=1,
        value_fn=lambda snapshot: (
            None
            if snapshot.pad.measured_rate_hz is None
            else round(snapshot.pad.measured_rate_hz, 1)
        ),
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


PERSON_SENSORS: tuple[PersonSensorDescription, ...] = (
    *(
        PersonSensorDescription(
            key=f"{test.value}_time",
            translation_key=f"{test.value}_time",
            device_class=SensorDeviceClass.DURATION,
            native_unit_of_measurement=UnitOfTime.SECONDS,
            state_class=SensorStateClass.MEASUREMENT,
            suggested_display_precision=1,
            value_fn=newest(hold_time_s(test)),
            attributes_fn=newest_details(hold_time_s(test), hold_outcome(test)),
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
            value_fn=newest(sway(test, "mean_velocity_cm_s")),
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
            value_fn=newest(sway(test, "ellipse_area95_cm2")),
        )
        for test in (StanceTest.QUIET_EYES_CLOSED, StanceTest.QUIET_EYES_OPEN)
    ),
    PersonSensorDescription(
        key="balance_score",
        translation_key="balance_score",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=newest(score),
        attributes_fn=score_details,
    ),
    PersonSensorDescription(
        key="balance_for_age",
        translation_key="balance_for_age",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=newest(for_age),
        attributes_fn=score_details,
    ),
    PersonSensorDescription(
        # The key of the former "Age percentile": the entities keep their unique ids.
        key="percentile",
        translation_key="percentile",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=newest(percentile),
        attributes_fn=newest_details(percentile, percentile_details),
    ),
    PersonSensorDescription(
        key="fall_risk",
        translation_key="fall_risk",
        device_class=SensorDeviceClass.ENUM,
        options=list(FALL_RISK_STATES.values()),
        value_fn=fall_risk_state,
        reasons_fn=fall_risk_reasons,
    ),
    PersonSensorDescription(
        key="last_check",
        translation_key="last_check",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=newest(lambda record: record.ended_at),
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
    # Sentences derived from the reasons (which are recorded), in the language of the moment.
    _unrecorded_attributes = frozenset({ATTR_EXPLANATION})

    @property
    def native_value(self) -> StateType | datetime:
        """The newest measured value."""
        return self.entity_description.value_fn(self.person)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Details of the value; its reasons as codes and as sentences in the user's language."""
        description = self.entity_description
        attributes = dict(description.attributes_fn(self.person) or {})
        if description.reasons_fn is not None:
            reasons = description.reasons_fn(self.person)
            if reasons is not None:
                attributes[ATTR_REASONS] = [reason.as_dict() for reason in reasons]
                attributes[ATTR_EXPLANATION] = explain(self.hass, reasons)
        return attributes or None

    def _shown(self) -> tuple[object, ...]:
        return (self.available, self.native_value, self.extra_state_attributes)
