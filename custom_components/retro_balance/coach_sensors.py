"""The retro-walking coach's sensors on each person's device (added by `sensor.py`).

Rows of data like the other sensor tables; each reads the person's `PersonCoach` view in the
snapshot. The weekly totals reset every Monday at local midnight (`state_class: total` with
`last_reset`), so long-term statistics sum them per week.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import UnitOfTime
from homeassistant.helpers.typing import StateType

from .coach_text import CoachTexts, phase_key
from .coach_view import PersonCoach
from .engine.coach.history import phase_since
from .engine.coach.programme import Phase
from .entity import PersonEntity

ATTR_EXPLANATION = "explanation"
MISSED_SHOWN = 5
"""The most recent missed reminders shown as an attribute."""


@dataclass(frozen=True, kw_only=True)
class CoachSensorDescription(SensorEntityDescription):
    """A coach sensor: its value and attributes from the person's coach view."""

    value_fn: Callable[[PersonCoach], StateType | datetime | date]
    attributes_fn: Callable[[PersonCoach], Mapping[str, Any] | None] = lambda _: None
    explain_fn: Callable[[CoachTexts, PersonCoach], Mapping[str, Any]] | None = None
    """Sentences for the value's reasons in the user's language (not recorded)."""
    last_reset_fn: Callable[[PersonCoach], datetime] | None = None


def _phase_attributes(coach: PersonCoach) -> Mapping[str, Any]:
    plan, decision = coach.plan, coach.decision
    return {
        "automatic_phase": None if decision is None else phase_key(decision.automatic_phase),
        "chosen_by_hand": coach.state.override is not None,
        "decision": None if decision is None else decision.action.value,
        "reasons": [] if decision is None else [r.as_dict() for r in decision.reasons],
        "phase_since": phase_since(coach.state.phase_history).isoformat(),
        "walk_minutes_min": plan.walk_minutes_min,
        "walk_minutes_max": plan.walk_minutes_max,
        "walk_days_per_week": plan.walk_days_per_week,
        "target_minutes_per_week": plan.walk_minutes_per_week,
        "support": plan.support.value,
        "focus": plan.focus.value,
        "exercise_days_per_week": {t.kind.value: t.days_per_week for t in plan.exercises},
    }


def _phase_explanation(texts: CoachTexts, coach: PersonCoach) -> Mapping[str, Any]:
    decision = coach.decision
    reasons = () if decision is None else decision.reasons
    return {ATTR_EXPLANATION: [texts.reason(reason) for reason in reasons]}


def _minutes(coach: PersonCoach) -> float | None:
    week = coach.adherence.this_week
    return None if week is None else round(week.walk_minutes, 1)


def _minutes_attributes(coach: PersonCoach) -> Mapping[str, Any] | None:
    week = coach.adherence.this_week
    if week is None:
        return None
    return {"target_minutes": week.target_walk_minutes, "week_start": week.week_start.isoformat()}


def _sessions_attributes(coach: PersonCoach) -> Mapping[str, Any] | None:
    week = coach.adherence.this_week
    if week is None:
        return None
    return {
        "walk_days": week.walk_days,
        "target_walk_days": week.target_walk_days,
        "exercise_days": {e.kind.value: e.days for e in week.exercises},
        "target_exercise_days": {e.kind.value: e.target_days for e in week.exercises},
        "target_met": week.met,
        "week_start": week.week_start.isoformat(),
    }


def _reminder_attributes(coach: PersonCoach) -> Mapping[str, Any]:
    reminders = coach.state.reminders
    snoozed = reminders.snoozed_until
    return {
        "reminders_on": reminders.enabled,
        "snoozed_until": None if snoozed is None else snoozed.isoformat(),
        "missed_reminders": [m.isoformat() for m in coach.state.missed_reminders[-MISSED_SHOWN:]],
    }


def _practice_attributes(coach: PersonCoach) -> Mapping[str, Any]:
    practice = coach.practice
    return {
        "best_eyes_closed_s": practice.best_eyes_closed_s,
        "goal_s": practice.goal.hold_s,
        "goal_eyes_closed": practice.goal.eyes_closed,
        "goal_reached": practice.goal_reached,
    }


COACH_SENSORS: tuple[CoachSensorDescription, ...] = (
    CoachSensorDescription(
        key="retro_walk_phase",
        translation_key="retro_walk_phase",
        device_class=SensorDeviceClass.ENUM,
        options=[phase_key(phase) for phase in Phase],
        value_fn=lambda coach: phase_key(coach.phase),
        attributes_fn=_phase_attributes,
        explain_fn=_phase_explanation,
    ),
    CoachSensorDescription(
        key="retro_walk_minutes_week",
        translation_key="retro_walk_minutes_week",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        state_class=SensorStateClass.TOTAL,
        suggested_display_precision=0,
        value_fn=_minutes,
        attributes_fn=_minutes_attributes,
        last_reset_fn=lambda coach: coach.week_started_at,
    ),
    CoachSensorDescription(
        key="retro_walk_sessions_week",
        translation_key="retro_walk_sessions_week",
        state_class=SensorStateClass.TOTAL,
        value_fn=lambda c: None
        if c.adherence.this_week is None
        else c.adherence.this_week.walk_sessions,
        attributes_fn=_sessions_attributes,
        last_reset_fn=lambda coach: coach.week_started_at,
    ),
    CoachSensorDescription(
        key="retro_walk_weeks_in_a_row",
        translation_key="retro_walk_weeks_in_a_row",
        value_fn=lambda coach: coach.adherence.weeks_in_a_row,
    ),
    CoachSensorDescription(
        key="next_retro_walk_reminder",
        translation_key="next_retro_walk_reminder",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda coach: coach.next_reminder,
        attributes_fn=_reminder_attributes,
    ),
    CoachSensorDescription(
        key="practice_hold",
        translation_key="practice_hold",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_display_precision=0,
        value_fn=lambda coach: coach.practice.best_eyes_open_s,
        attributes_fn=_practice_attributes,
    ),
    CoachSensorDescription(
        key="retro_walk_programme_start",
        translation_key="retro_walk_programme_start",
        device_class=SensorDeviceClass.DATE,
        value_fn=lambda coach: coach.programme_start,
    ),
)


class CoachSensor(PersonEntity, SensorEntity):
    """One of a person's coach values."""

    entity_description: CoachSensorDescription
    _unrecorded_attributes = frozenset({ATTR_EXPLANATION})

    @property
    def _coach(self) -> PersonCoach | None:
        return self.person.coach

    @property
    def available(self) -> bool:
        """Available while the person has a coach (always, once the pad is loaded)."""
        return super().available and self._coach is not None

    @property
    def native_value(self) -> StateType | datetime | date:
        """The value in the coach view."""
        coach = self._coach
        return None if coach is None else self.entity_description.value_fn(coach)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Details of the value (targets, reasons as codes and as sentences)."""
        coach, description = self._coach, self.entity_description
        if coach is None:
            return None
        attributes = description.attributes_fn(coach)
        if attributes is None or description.explain_fn is None:
            return attributes
        return {**attributes, **description.explain_fn(CoachTexts.cached(self.hass), coach)}

    @property
    def last_reset(self) -> datetime | None:
        """Start of the week for the weekly totals."""
        coach, reset_fn = self._coach, self.entity_description.last_reset_fn
        return None if coach is None or reset_fn is None else reset_fn(coach)

    def _shown(self) -> tuple[object, ...]:
        return (self.available, self.native_value, self.extra_state_attributes, self.last_reset)
