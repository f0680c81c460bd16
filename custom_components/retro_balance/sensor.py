"""Sensors: the pad's, and each person's latest results and their coach's.

The pad's rows are `pad_sensors` (live values, counters) and `guidance_sensors` (what the person
on the pad is told); a person's results are the table here, their coach's `coach_sensors`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import PERCENTAGE, UnitOfArea, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .check_notes import ATTR_NEWEST_CHECK_NOTE, newest_check_attributes
from .coach_sensors import COACH_SENSORS, CoachSensor
from .coordinator import PadCoordinator
from .data import RetroBalanceConfigEntry
from .engine.clinical.fall_risk import RiskReason
from .engine.clinical.session import SessionRecord
from .engine.detection.stance_result import StanceTest
from .engine.trends.effect import EffectVerdict
from .engine.trends.measure import TrendMeasure
from .entity import PersonEntity
from .guidance_sensors import GUIDANCE_SENSORS, GuidanceSensor
from .live_settings import async_follow_people
from .pad_sensors import PAD_SENSORS, PadSensor
from .person_results import (
    FALL_RISK_STATES,
    SCORE_DECIMALS,
    fall_risk_reasons,
    fall_risk_record,
    fall_risk_state,
    for_age,
    headline,
    headline_record,
    hold_outcome,
    hold_time_s,
    newest,
    newest_details,
    percentile,
    percentile_details,
    score,
    score_details,
    score_points,
    sway,
)
from .reason_texts import explain
from .score_texts import ATTR_MAKE_UP, ATTR_MEANING, explain_make_up, explain_percentile
from .snapshot import PersonSessions
from .trend_texts import explain_trend
from .trend_values import (
    change_unit,
    effect_details,
    effect_reasons,
    effect_state,
    raised_by_trend,
    restart_reasons,
    slope_unit,
    trend_change,
    trend_details,
    trend_risk_reasons,
    trend_slope,
    with_trend_reasons,
)

PARALLEL_UPDATES = 0
UNIT_CM_PER_S = "cm/s"
ATTR_REASONS = "reasons"
ATTR_EXPLANATION = "explanation"
ATTR_TREND_EXPLANATION = "trend_explanation"


@dataclass(frozen=True, kw_only=True)
class PersonSensorDescription(SensorEntityDescription):
    """A person's result: its value and attributes from the person's part of the snapshot."""

    value_fn: Callable[[PersonSessions], StateType | datetime]
    attributes_fn: Callable[[PersonSessions], Mapping[str, Any] | None] = lambda _: None
    reasons_fn: Callable[[PersonSessions], Sequence[RiskReason] | None] | None = None
    """The reasons behind the value: attributes `reasons` (codes) and `explanation` (sentences)."""
    has_fn: Callable[[PersonSessions], bool] = lambda _: True
    explain_fn: Callable[[HomeAssistant, PersonSessions], Mapping[str, Any]] | None = None
    """Sentences in the user's language for reasons given as codes (not recorded)."""
    headline_fn: Callable[[PersonSessions], SessionRecord | None] | None = None
    """For a headline value: the session it comes from (a newer one not counted is described)."""


def _restart_explanation(
    measure: TrendMeasure,
) -> Callable[[HomeAssistant, PersonSessions], Mapping[str, Any]]:
    reasons_fn = restart_reasons(measure)

    def explanation(hass: HomeAssistant, person: PersonSessions) -> Mapping[str, Any]:
        reasons = reasons_fn(person)
        return {ATTR_EXPLANATION: explain_trend(hass, reasons)} if reasons else {}

    return explanation


def _trend_explanation(hass: HomeAssistant, person: PersonSessions) -> Mapping[str, Any]:
    reasons = trend_risk_reasons(fall_risk_state, person)
    return {ATTR_TREND_EXPLANATION: explain_trend(hass, reasons)} if reasons else {}


# A person's values change a few times a day at most, so none has a state class: the long-term
# record is the trends' external statistics, a row per session day (`trend_statistics.py`),
# not 312 rows a day of each sensor holding yesterday's result (benchmarks/README.md).
PERSON_SENSORS: tuple[PersonSensorDescription, ...] = (
    *(
        PersonSensorDescription(
            key=f"{test.value}_time",
            translation_key=f"{test.value}_time",
            device_class=SensorDeviceClass.DURATION,
            native_unit_of_measurement=UnitOfTime.SECONDS,
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
            suggested_display_precision=2,
            entity_registry_enabled_default=test is StanceTest.QUIET_EYES_CLOSED,
            value_fn=newest(sway(test, "ellipse_area95_cm2")),
        )
        for test in (StanceTest.QUIET_EYES_CLOSED, StanceTest.QUIET_EYES_OPEN)
    ),
    PersonSensorDescription(
        key="balance_score",
        translation_key="balance_score",
        # Without a state class, unit or numeric device class the frontend shows the state as it
        # is and ignores the precision: the state itself is rounded as shown (`shown_score`), so
        # more-info, cards, the Why card, the summary and the logbook say the same number.
        suggested_display_precision=SCORE_DECIMALS,
        value_fn=headline(score),
        attributes_fn=score_points,
        explain_fn=explain_make_up,
        headline_fn=headline_record(score),
    ),
    PersonSensorDescription(
        key="balance_for_age",
        translation_key="balance_for_age",
        suggested_display_precision=SCORE_DECIMALS,
        value_fn=headline(for_age),
        attributes_fn=score_details,
        headline_fn=headline_record(for_age),
    ),
    PersonSensorDescription(
        # The key of the former "Age percentile": the entities keep their unique ids.
        key="percentile",
        translation_key="percentile",
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=SCORE_DECIMALS,
        value_fn=newest(percentile),
        attributes_fn=newest_details(percentile, percentile_details),
        explain_fn=explain_percentile,
    ),
    PersonSensorDescription(
        key="fall_risk",
        translation_key="fall_risk",
        device_class=SensorDeviceClass.ENUM,
        options=list(FALL_RISK_STATES.values()),
        value_fn=raised_by_trend(fall_risk_state),
        reasons_fn=fall_risk_reasons,
        attributes_fn=with_trend_reasons(fall_risk_state, lambda _: None),
        explain_fn=_trend_explanation,
        headline_fn=fall_risk_record,
    ),
    PersonSensorDescription(
        key="last_check",
        translation_key="last_check",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=newest(lambda record: record.ended_at),
    ),
    *(
        PersonSensorDescription(
            key=f"{measure.value}_change",
            translation_key=f"{measure.value}_change",
            native_unit_of_measurement=change_unit(measure),
            suggested_display_precision=0,
            value_fn=trend_change(measure),
            attributes_fn=trend_details(measure),
            explain_fn=_restart_explanation(measure),
        )
        for measure in TrendMeasure
    ),
    *(
        PersonSensorDescription(
            key=f"{measure.value}_slope",
            translation_key=f"{measure.value}_slope",
            native_unit_of_measurement=slope_unit(measure),
            suggested_display_precision=1,
            value_fn=trend_slope(measure),
            attributes_fn=trend_details(measure),
            explain_fn=_restart_explanation(measure),
        )
        for measure in TrendMeasure
    ),
    PersonSensorDescription(
        key="programme_effect",
        translation_key="programme_effect",
        device_class=SensorDeviceClass.ENUM,
        options=[verdict.value for verdict in EffectVerdict],
        value_fn=effect_state,
        attributes_fn=effect_details,
        explain_fn=lambda hass, person: {
            ATTR_EXPLANATION: explain_trend(hass, effect_reasons(person))
        },
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
    async_add_entities(GuidanceSensor(coordinator, description) for description in GUIDANCE_SENSORS)

    def person_sensors(
        coordinator: PadCoordinator, subentry: ConfigSubentry
    ) -> list[PersonSensor | CoachSensor]:
        person = coordinator.data.people[subentry.subentry_id]
        return [
            *(
                PersonSensor(coordinator, subentry, description)
                for description in PERSON_SENSORS
                if description.has_fn(person)
            ),
            *(CoachSensor(coordinator, subentry, description) for description in COACH_SENSORS),
        ]

    async_follow_people(hass, entry, async_add_entities, person_sensors)


class PersonSensor(PersonEntity, SensorEntity):
    """One of a person's results, from the newest session that measured it."""

    entity_description: PersonSensorDescription
    # Sentences derived from reasons that are recorded as codes, in the language of the moment.
    _unrecorded_attributes = frozenset(
        {ATTR_EXPLANATION, ATTR_TREND_EXPLANATION, ATTR_NEWEST_CHECK_NOTE}
        | {ATTR_MAKE_UP, ATTR_MEANING}
    )

    @property
    def native_value(self) -> StateType | datetime:
        """The newest measured value."""
        return self.entity_description.value_fn(self.person)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Details of the value; its reasons as codes and as sentences in the user's language."""
        description = self.entity_description
        attributes = dict(self._details(description.attributes_fn, description.explain_fn) or {})
        if description.reasons_fn is not None:
            reasons = description.reasons_fn(self.person)
            if reasons is not None:
                attributes[ATTR_REASONS] = [reason.as_dict() for reason in reasons]
                attributes[ATTR_EXPLANATION] = explain(self.hass, reasons)
        if description.headline_fn is not None:
            shown = description.headline_fn(self.person)
            attributes |= newest_check_attributes(self.hass, self.person, shown)
        return attributes or None

    def _shown(self) -> tuple[object, ...]:
        return (self.available, self.native_value, self.extra_state_attributes)
