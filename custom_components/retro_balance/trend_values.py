"""What the trend entities show, read from a person's part of the snapshot (no Home Assistant here).

The trend itself is computed once per change of the person's sessions (`person_trend.py`, in
`PersonSessions.trend`); these functions only pick, round and wrap. Changes and slopes of the
holds and sway speed are in % (the detector compares them as ratios, `docs/trends.md`), of the
balance score in points. The programme's effect is computed here, on demand, and kept for the
part it was computed for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from homeassistant.const import PERCENTAGE
from homeassistant.util import dt as dt_util

from .engine.clinical.fall_risk import RiskLevel
from .engine.trends.detector import TrendStatus
from .engine.trends.effect import ProgrammeEffect, programme_effect
from .engine.trends.inputs import trend_inputs
from .engine.trends.measure import SPECS, Scale, TrendMeasure
from .engine.trends.reasons import TrendCode, TrendReason
from .engine.trends.results import MeasureTrend, PersonTrend, TrendEventKind
from .engine.trends.risk import combine_fall_risk
from .person_results import shown_score
from .snapshot import PersonSessions

type Details = Mapping[str, Any]

UNIT_POINTS_PER_30_DAYS = "points/30 d"
UNIT_PERCENT_PER_30_DAYS = "%/30 d"
ATTR_REASONS = "reasons"
ATTR_LEVEL_FROM_RESULTS = "level_from_results"
ATTR_TREND_REASONS = "trend_reasons"
DECIMALS = 1
RISK_LEVELS = frozenset(level.value for level in RiskLevel)


def _is_ratio(measure: TrendMeasure) -> bool:
    return SPECS[measure].scale is Scale.LOG


def change_unit(measure: TrendMeasure) -> str | None:
    """% of the baseline for holds and sway speed; points (no unit, as the score) for the score."""
    return PERCENTAGE if _is_ratio(measure) else None


def slope_unit(measure: TrendMeasure) -> str:
    """% per 30 days for holds and sway speed, points per 30 days for the score."""
    return UNIT_PERCENT_PER_30_DAYS if _is_ratio(measure) else UNIT_POINTS_PER_30_DAYS


def _measure(person: PersonSessions, measure: TrendMeasure) -> MeasureTrend | None:
    return None if person.trend is None else person.trend.measure(measure)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


def trend_change(measure: TrendMeasure) -> Callable[[PersonSessions], float | None]:
    """Read the current level's change from the baseline (None without both)."""

    def value(person: PersonSessions) -> float | None:
        trend = _measure(person, measure)
        if trend is None:
            return None
        if _is_ratio(measure):
            return _rounded(trend.change_pct)
        # Points have no unit, so the frontend shows the state as it is: whole, as the score.
        return None if trend.change is None else shown_score(trend.change)

    return value


def trend_slope(measure: TrendMeasure) -> Callable[[PersonSessions], float | None]:
    """Read the Theil–Sen slope over the last eight weeks, per 30 days (None with too few)."""

    def value(person: PersonSessions) -> float | None:
        trend = _measure(person, measure)
        if trend is None:
            return None
        return _rounded(trend.slope_pct_per_30d if _is_ratio(measure) else trend.slope_per_30d)

    return value


def trend_details(measure: TrendMeasure) -> Callable[[PersonSessions], Details | None]:
    """Read the levels behind a change or slope, in the measure's unit, and the measure's status."""

    def details(person: PersonSessions) -> Details | None:
        trend = _measure(person, measure)
        if trend is None:
            return None
        shown = trend.as_dict()
        keys = (
            "status",
            "declining",
            "unit",
            "baseline",
            "current",
            "change",
            "sessions",
            "baseline_since",
        )
        return {key: shown[key] for key in keys}

    return details


RESTART_CODES = frozenset({TrendCode.BASELINE_RESTARTED, TrendCode.BUILDING_BASELINE})


def restart_reasons(measure: TrendMeasure) -> Callable[[PersonSessions], tuple[TrendReason, ...]]:
    """Read why a measure's baseline is not the first one: started again, and how far it is."""

    def reasons(person: PersonSessions) -> tuple[TrendReason, ...]:
        trend = _measure(person, measure)
        if trend is None or trend.baseline_since is None:
            return ()
        return tuple(reason for reason in trend.reasons if reason.code in RESTART_CODES)

    return reasons


def declining(person: PersonSessions) -> bool | None:
    """Whether any measure has a confirmed decline (None when the trend is not known)."""
    return None if person.trend is None else person.trend.declining


def declining_reasons(person: PersonSessions) -> tuple[TrendReason, ...]:
    """Return the reasons of every measure with a confirmed or suspected decline."""
    if person.trend is None:
        return ()
    return tuple(
        reason
        for trend in person.trend.measures
        if trend.declining or trend.status is TrendStatus.DECLINE_SUSPECTED
        for reason in trend.reasons
    )


def declining_details(person: PersonSessions) -> Details | None:
    """Which measures decline, since when, each measure's status, and the reasons as codes."""
    trend = person.trend
    if trend is None:
        return None
    since = [m.declining_since for m in trend.measures if m.declining_since is not None]
    restarted = [m.baseline_since for m in trend.measures if m.baseline_since is not None]
    return {
        "declining_measures": [measure.value for measure in trend.declining_measures],
        "declining_since": min(since).isoformat() if since else None,
        "baseline_since": max(restarted).isoformat() if restarted else None,
        "statuses": {m.measure.value: m.status.value for m in trend.measures},
        ATTR_REASONS: [reason.as_dict() for reason in declining_reasons(person)],
    }


def raised_by_trend(
    level_fn: Callable[[PersonSessions], str | None],
) -> Callable[[PersonSessions], str | None]:
    """Wrap the fall-risk level from the results: a confirmed decline raises it one step."""

    def value(person: PersonSessions) -> str | None:
        level = level_fn(person)
        if level not in RISK_LEVELS or person.trend is None:
            return level
        return combine_fall_risk(level, person.trend).level.value

    return value


def trend_risk_reasons(
    level_fn: Callable[[PersonSessions], str | None], person: PersonSessions
) -> tuple[TrendReason, ...]:
    """Return the reasons a decline gives the fall-risk level (none without a decline)."""
    level = level_fn(person)
    if level not in RISK_LEVELS or person.trend is None:
        return ()
    return combine_fall_risk(level, person.trend).reasons


def with_trend_reasons(
    level_fn: Callable[[PersonSessions], str | None],
    attributes_fn: Callable[[PersonSessions], Details | None],
) -> Callable[[PersonSessions], Details | None]:
    """Add the level from the results alone and the trend's reasons to the fall-risk details."""

    def details(person: PersonSessions) -> Details | None:
        attributes = attributes_fn(person)
        reasons = trend_risk_reasons(level_fn, person)
        if not reasons:
            return attributes
        return {
            **(attributes or {}),
            ATTR_LEVEL_FROM_RESULTS: level_fn(person),
            ATTR_TREND_REASONS: [reason.as_dict() for reason in reasons],
        }

    return details


_effects: dict[str, tuple[PersonSessions, ProgrammeEffect | None]] = {}
"""The last effect computed for each person (by person id), with the part it is for."""


def effect(person: PersonSessions) -> ProgrammeEffect | None:
    """Return the programme's effect on the trend's day (None before the programme started).

    Computed once per person part: the entities read it several times per update.
    """
    kept = _effects.get(person.profile.person_id)
    if kept is not None and kept[0] is person:
        return kept[1]
    result = None
    if person.programme_start is not None and person.trend is not None:
        inputs = trend_inputs(person.sessions, dt_util.get_default_time_zone())
        result = programme_effect(
            inputs.observations,
            person.programme_start,
            person.trend.as_of,
            baseline_from=person.profile.baseline_from,
        )
    _effects[person.profile.person_id] = (person, result)
    return result


def effect_state(person: PersonSessions) -> str | None:
    """Return the verdict over all measures (None before the programme started)."""
    found = effect(person)
    return None if found is None else found.verdict.value


def effect_reasons(person: PersonSessions) -> tuple[TrendReason, ...]:
    """Return the reasons behind the verdict."""
    found = effect(person)
    return () if found is None else found.reasons


def effect_details(person: PersonSessions) -> Details | None:
    """Start, days since, each measure before and since, and the reasons as codes."""
    found = effect(person)
    if found is None:
        return None
    shown = found.as_dict()
    return {key: shown[key] for key in ("start", "days_since_start", "measures", ATTR_REASONS)}


@dataclass(frozen=True, kw_only=True)
class TrendSwitch:
    """Measures whose declining flag switched between two trends of a person."""

    kind: TrendEventKind
    day: date
    """The session that switched it (the newest, when several measures switched)."""
    measures: tuple[MeasureTrend, ...]
    declining_measures: tuple[TrendMeasure, ...]
    """Every measure declining after the switch."""

    @property
    def reasons(self) -> tuple[TrendReason, ...]:
        """The switched measures' reasons."""
        return tuple(reason for trend in self.measures for reason in trend.reasons)

    def as_dict(self) -> dict[str, Any]:
        """Return the event's data (codes; the entity adds the sentences)."""
        return {
            "day": self.day.isoformat(),
            "measures": [trend.measure.value for trend in self.measures],
            "declining_measures": [measure.value for measure in self.declining_measures],
            ATTR_REASONS: [reason.as_dict() for reason in self.reasons],
        }


def trend_switches(old: PersonTrend, new: PersonTrend) -> tuple[TrendSwitch, ...]:
    """List what switched from `old` to `new`: measures that began declining, then recovered.

    A decline that ends because the baseline was started again is no recovery: not listed.
    """
    was = {trend.measure: trend.declining for trend in old.measures}
    restarted = {
        trend.measure
        for trend in new.measures
        if trend.baseline_since != old.measure(trend.measure).baseline_since
    }
    began = tuple(t for t in new.measures if t.declining and not was.get(t.measure, False))
    ended = tuple(
        t
        for t in new.measures
        if not t.declining and was.get(t.measure, False) and t.measure not in restarted
    )
    switches = []
    for kind, measures in (
        (TrendEventKind.DECLINE_DETECTED, began),
        (TrendEventKind.RECOVERED, ended),
    ):
        days = [
            t.declining_since if kind is TrendEventKind.DECLINE_DETECTED else t.recovered_on
            for t in measures
        ]
        known = [day for day in days if day is not None]
        if measures:
            switches.append(
                TrendSwitch(
                    kind=kind,
                    day=max(known) if known else new.as_of,
                    measures=measures,
                    declining_measures=new.declining_measures,
                )
            )
    return tuple(switches)
