"""The public API: a measure's trend after every session, on any day, and a person's trends.

- :func:`measure_history` runs the detector over a measure's observations; the history describes
  a session on demand (baseline, current level, change, slope, decision and its reasons) and
  lists the events;
- :meth:`MeasureHistory.at` gives the trend on a day: the last session's decision, with the
  current level dropped once no session is recent (the decision is kept: nothing says it ended);
- :func:`assess_person` does that for all five measures of one person.

The slope is Theil–Sen over the sessions of the last ``SLOPE_WINDOW_DAYS`` on the detector's
scale (so a percentage per 30 days for holds and sway speed); capped holds enter it at the cap,
which flattens a slope from the cap (a conservative bias).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from .detector import DEFAULT_SETTINGS, STATUSES, Detection, DetectorSettings, TrendStatus, detect
from .measure import SPECS, DeclineRule, MeasureSpec, Scale, TrendMeasure
from .reasons import TrendCode, TrendReason
from .results import MeasureTrend, PersonTrend, TrendEvent, TrendEventKind
from .robust import theil_sen_slope
from .series import Observation, daily_series
from .sources import TrendSource

SLOPE_WINDOW_DAYS = 56
"""Eight weeks: long enough for a robust slope from daily checks, short enough to follow."""
SLOPE_MIN_SESSIONS = 6
SLOPE_MIN_SPAN_DAYS = 14
SLOPE_PER_DAYS = 30


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasureHistory:
    """A measure's detector run, described on demand: one session, one day, or all of them."""

    detection: Detection
    days: tuple[date, ...]
    """The session days, in order."""
    onsets: tuple[int, ...]
    """Sessions where the declining flag switched on."""
    recoveries: tuple[int, ...]
    """Sessions where it switched off."""

    @property
    def measure(self) -> TrendMeasure:
        """The measure followed."""
        return self.detection.series.measure

    @property
    def events(self) -> tuple[TrendEvent, ...]:
        """Every switch of the declining flag, in date order."""
        switches = [(i, TrendEventKind.DECLINE_DETECTED) for i in self.onsets]
        switches += [(i, TrendEventKind.RECOVERED) for i in self.recoveries]
        return tuple(
            TrendEvent(day=self.days[i], measure=self.measure, kind=kind)
            for i, kind in sorted(switches)
        )

    @property
    def trends(self) -> tuple[MeasureTrend, ...]:
        """The trend after every session (describes each one: for statistics, not every call)."""
        return tuple(self.session(i) for i in range(len(self.days)))

    def session(self, index: int) -> MeasureTrend:
        """Return the trend right after session ``index``."""
        onset = _last_at_or_before(self.onsets, index)
        recovery = _last_at_or_before(self.recoveries, index)
        event = None
        if onset == index:
            event = TrendEventKind.DECLINE_DETECTED
        elif recovery == index:
            event = TrendEventKind.RECOVERED
        return _describe(
            self.detection,
            index,
            self.days,
            event,
            onset if self.detection.declining[index] else None,
            None if recovery is None else self.days[recovery],
        )

    def at(self, as_of: date) -> MeasureTrend:
        """Return the trend on ``as_of``, from the sessions up to that day."""
        index = bisect_right(self.days, as_of) - 1
        if index < 0:
            return _no_data(self.measure, as_of)
        trend = replace(self.session(index), as_of=as_of)
        idle_days = (as_of - self.days[index]).days
        if idle_days < self.detection.settings.current_window_days:
            return trend
        status = trend.status
        if status is not TrendStatus.BUILDING_BASELINE:
            status = (
                TrendStatus.DECLINING if trend.declining else TrendStatus.TOO_FEW_RECENT_SESSIONS
            )
        held = tuple(reason for reason in trend.reasons if reason.code in _HELD_WHEN_IDLE)
        idle = TrendReason(
            code=TrendCode.NO_RECENT_SESSIONS,
            measure=self.measure,
            figure=float(idle_days),
            source=TrendSource.METHOD,
        )
        return replace(
            trend,
            status=status,
            current=None,
            current_at_cap=False,
            current_sessions=0,
            change=None,
            change_pct=None,
            slope_per_30d=None,
            slope_pct_per_30d=None,
            reasons=(*held, idle),
        )


_HELD_WHEN_IDLE = frozenset(
    {
        TrendCode.PRACTICE_SESSIONS_SET_ASIDE,
        TrendCode.BUILDING_BASELINE,
        TrendCode.MEASUREMENT_ERROR,
        TrendCode.BASELINE_AT_CAP,
        TrendCode.TANDEM_BASELINE_UNDER_THRESHOLD,
        TrendCode.DECLINE_PERSISTED,
    }
)
"""Reasons that still hold on a day without recent sessions (the others describe the level)."""


def measure_history(
    measure: TrendMeasure | str,
    observations: Iterable[Observation],
    settings: DetectorSettings = DEFAULT_SETTINGS,
) -> MeasureHistory:
    """Run the detector over ``observations`` (any order; ``ValueError`` names a bad one)."""
    detection = detect(daily_series(TrendMeasure(measure), observations), settings)
    declining = detection.declining
    before = np.concatenate(([False], declining[:-1]))
    return MeasureHistory(
        detection=detection,
        days=tuple(date.fromordinal(int(day)) for day in detection.series.days),
        onsets=tuple(int(i) for i in np.flatnonzero(declining & ~before)),
        recoveries=tuple(int(i) for i in np.flatnonzero(before & ~declining)),
    )


def _last_at_or_before(indices: tuple[int, ...], index: int) -> int | None:
    position = bisect_right(indices, index) - 1
    return indices[position] if position >= 0 else None


def assess_measure(
    measure: TrendMeasure | str,
    observations: Iterable[Observation],
    as_of: date,
    settings: DetectorSettings = DEFAULT_SETTINGS,
) -> MeasureTrend:
    """Return the trend of one measure on ``as_of``."""
    return measure_history(measure, observations, settings).at(as_of)


def assess_person(
    observations: Mapping[TrendMeasure, Iterable[Observation]],
    as_of: date,
    settings: DetectorSettings = DEFAULT_SETTINGS,
) -> PersonTrend:
    """Every measure's trend on ``as_of``; a measure missing from ``observations`` has no data."""
    unknown = [key for key in observations if key not in SPECS]
    if unknown:
        raise ValueError(f"unknown trend measure(s): {', '.join(map(str, unknown))}")
    return PersonTrend(
        as_of=as_of,
        measures=tuple(
            assess_measure(measure, observations.get(measure, ()), as_of, settings)
            for measure in TrendMeasure
        ),
    )


def _no_data(measure: TrendMeasure, as_of: date | None) -> MeasureTrend:
    return MeasureTrend(
        measure=measure,
        unit=SPECS[measure].unit,
        as_of=as_of,
        day=None,
        sessions=0,
        status=TrendStatus.NO_DATA,
        declining=False,
        baseline=None,
        baseline_at_cap=False,
        baseline_sessions=0,
        current=None,
        current_at_cap=False,
        current_sessions=0,
        change=None,
        change_pct=None,
        slope_per_30d=None,
        slope_pct_per_30d=None,
        measurement_error=None,
        event=None,
        declining_since=None,
        recovered_on=None,
        reasons=(
            TrendReason(
                code=TrendCode.NO_SESSIONS, measure=measure, figure=0.0, source=TrendSource.METHOD
            ),
        ),
    )


def _describe(
    d: Detection,
    i: int,
    days: tuple[date, ...],
    event: TrendEventKind | None,
    since: int | None,
    recovered: date | None,
) -> MeasureTrend:
    """Describe session ``i`` of a detection (``since``: the session a decline began)."""
    spec = SPECS[d.series.measure]
    has_baseline = bool(d.baseline_sessions[i])
    baseline = spec.from_scale(float(d.baseline[i])) if has_baseline else None
    current = spec.from_scale(float(d.current[i])) if math.isfinite(d.current[i]) else None
    change = current - baseline if current is not None and baseline is not None else None
    slope_pct, slope_units = _slope(d, i, spec, current)
    return MeasureTrend(
        measure=spec.measure,
        unit=spec.unit,
        as_of=days[i],
        day=days[i],
        sessions=i + 1,
        status=STATUSES[int(d.status[i])],
        declining=bool(d.declining[i]),
        baseline=baseline,
        baseline_at_cap=bool(d.baseline_at_cap[i]),
        baseline_sessions=int(d.baseline_sessions[i]),
        current=current,
        current_at_cap=bool(d.current_at_cap[i]),
        current_sessions=int(d.current_sessions[i]),
        change=change,
        change_pct=100.0 * change / baseline if change is not None and baseline else None,
        slope_per_30d=slope_units,
        slope_pct_per_30d=slope_pct,
        measurement_error=spec.error_in_units(float(d.sigma[i])) if has_baseline else None,
        event=event,
        declining_since=None if since is None else days[since],
        recovered_on=recovered,
        reasons=_reasons(d, i, spec, change, baseline, event, since),
    )


def _slope(
    d: Detection, i: int, spec: MeasureSpec, current: float | None
) -> tuple[float | None, float | None]:
    """``(% per 30 days, unit per 30 days)`` over the slope window ending at session ``i``."""
    days = d.series.days
    first = int(np.searchsorted(days, days[i] - SLOPE_WINDOW_DAYS, side="right"))
    window = slice(first, i + 1)
    if i + 1 - first < SLOPE_MIN_SESSIONS or days[i] - days[first] < SLOPE_MIN_SPAN_DAYS:
        return None, None
    per_day = theil_sen_slope(days[window].astype(np.float64), d.scaled[window])
    signed = SLOPE_PER_DAYS * (per_day if spec.higher_is_better else -per_day)
    level = current if current is not None else spec.from_scale(float(np.median(d.scaled[window])))
    if spec.scale is Scale.LOG:
        ratio = math.expm1(signed)
        return 100.0 * ratio, level * ratio
    return (100.0 * signed / level if level else None), signed


def _reasons(
    d: Detection,
    i: int,
    spec: MeasureSpec,
    change: float | None,
    baseline: float | None,
    event: TrendEventKind | None,
    since: int | None,
) -> tuple[TrendReason, ...]:
    """List the reason codes behind the decision after session ``i``."""
    s, measure = d.settings, spec.measure

    def reason(code: TrendCode, figure: float | None, source: TrendSource) -> TrendReason:
        return TrendReason(code=code, measure=measure, figure=figure, source=source)

    method = TrendSource.METHOD
    if baseline is None:
        needed = s.practice_sessions + s.baseline_min_sessions - (i + 1)
        practice = float(min(i + 1, s.practice_sessions))
        return (
            reason(TrendCode.PRACTICE_SESSIONS_SET_ASIDE, practice, method),
            reason(TrendCode.BUILDING_BASELINE, float(needed), method),
        )
    error = spec.error_in_units(float(d.sigma[i]))
    error_source = TrendSource.OWN_SPREAD if d.own_spread_larger[i] else spec.error_source
    reasons = [reason(TrendCode.MEASUREMENT_ERROR, error, error_source)]
    if d.baseline_at_cap[i]:
        reasons.append(reason(TrendCode.BASELINE_AT_CAP, baseline, method))
    if change is None:
        recent = float(d.current_sessions[i])
        reasons.append(reason(TrendCode.TOO_FEW_RECENT_SESSIONS, recent, method))
    else:
        if d.current_at_cap[i]:
            reasons.append(reason(TrendCode.CURRENT_AT_CAP, baseline + change, method))
        shown = spec.reported_change(change, baseline)
        beyond = d.z[i] >= s.decline_z
        code = TrendCode.CHANGE_BEYOND_ERROR if beyond else TrendCode.CHANGE_WITHIN_ERROR
        reasons.append(reason(code, shown, error_source))
    if spec.rule is DeclineRule.THRESHOLD:
        if baseline < s.tandem_threshold_s:
            reasons.append(
                reason(TrendCode.TANDEM_BASELINE_UNDER_THRESHOLD, baseline, TrendSource.STEADI_2017)
            )
        below = int(d.tandem_below[i])
        if below >= 0:
            code = (
                TrendCode.TANDEM_UNDER_THRESHOLD
                if below >= s.tandem_below
                else TrendCode.TANDEM_HELD
            )
            reasons.append(reason(code, float(below), TrendSource.STEADI_2017))
    run = float(d.run[i])
    if STATUSES[int(d.status[i])] is TrendStatus.DECLINE_SUSPECTED:
        reasons.append(reason(TrendCode.DECLINE_NOT_YET_PERSISTENT, run, method))
    if since is not None:
        reasons.append(reason(TrendCode.DECLINE_PERSISTED, float(i - since + 1), method))
        if run and event is not TrendEventKind.DECLINE_DETECTED:
            reasons.append(reason(TrendCode.RECOVERY_NOT_YET_PERSISTENT, run, method))
    if event is TrendEventKind.RECOVERED:
        reasons.append(reason(TrendCode.RECOVERED, float(s.recovery_sessions), method))
    return tuple(reasons)
