"""One session of a detector run described as a :class:`MeasureTrend`: levels, slope, reasons.

The slope is Theil–Sen over the sessions of the last ``SLOPE_WINDOW_DAYS`` on the detector's
scale (so a percentage per 30 days for holds and sway speed); capped holds enter it at the cap,
which flattens a slope from the cap (a conservative bias).
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np

from .detector import DEFAULT_SETTINGS, STATUSES, Detection, DetectorSettings, TrendStatus
from .measure import SPECS, DeclineRule, MeasureSpec, Scale, TrendMeasure
from .reasons import TrendCode, TrendReason
from .results import MeasureTrend, TrendEventKind
from .robust import theil_sen_slope
from .sources import TrendSource

SLOPE_WINDOW_DAYS = 56
"""Eight weeks: long enough for a robust slope from daily checks, short enough to follow."""
SLOPE_MIN_SESSIONS = 6
SLOPE_MIN_SPAN_DAYS = 14
SLOPE_PER_DAYS = 30


def restarted_reason(measure: TrendMeasure, since: date, sessions: int) -> TrendReason:
    """Return the reason saying the baseline starts from ``since``, ``sessions`` ago."""
    return TrendReason(
        code=TrendCode.BASELINE_RESTARTED,
        measure=measure,
        figure=float(sessions),
        source=TrendSource.METHOD,
        day=since,
    )


def no_data(
    measure: TrendMeasure,
    as_of: date | None,
    baseline_since: date | None = None,
    settings: DetectorSettings = DEFAULT_SETTINGS,
) -> MeasureTrend:
    """Return the trend without a session: never measured, or none since the baseline restart."""
    reasons: tuple[TrendReason, ...] = (
        TrendReason(
            code=TrendCode.NO_SESSIONS, measure=measure, figure=0.0, source=TrendSource.METHOD
        ),
    )
    if baseline_since is not None:
        reasons = (
            restarted_reason(measure, baseline_since, 0),
            *_building(measure, settings, 0),
        )
    return MeasureTrend(
        measure=measure,
        unit=SPECS[measure].unit,
        as_of=as_of,
        day=None,
        sessions=0,
        status=TrendStatus.NO_DATA if baseline_since is None else TrendStatus.BUILDING_BASELINE,
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
        reasons=reasons,
        baseline_since=baseline_since,
    )


def _building(
    measure: TrendMeasure, s: DetectorSettings, sessions: int
) -> tuple[TrendReason, TrendReason]:
    """Return the reasons while the baseline is being built, after ``sessions`` sessions."""
    return (
        TrendReason(
            code=TrendCode.PRACTICE_SESSIONS_SET_ASIDE,
            measure=measure,
            figure=float(min(sessions, s.practice_sessions)),
            source=TrendSource.METHOD,
        ),
        TrendReason(
            code=TrendCode.BUILDING_BASELINE,
            measure=measure,
            figure=float(s.practice_sessions + s.baseline_min_sessions - sessions),
            source=TrendSource.METHOD,
        ),
    )


def describe(
    d: Detection,
    i: int,
    days: tuple[date, ...],
    event: TrendEventKind | None,
    since: int | None,
    recovered: date | None,
    baseline_since: date | None,
) -> MeasureTrend:
    """Describe session ``i`` of a detection (``since``: the session a decline began)."""
    spec = SPECS[d.series.measure]
    has_baseline = bool(d.baseline_sessions[i])
    baseline = spec.from_scale(float(d.baseline[i])) if has_baseline else None
    current = spec.from_scale(float(d.current[i])) if math.isfinite(d.current[i]) else None
    change = current - baseline if current is not None and baseline is not None else None
    slope_pct, slope_units = _slope(d, i, spec, current)
    restarted = (
        () if baseline_since is None else (restarted_reason(spec.measure, baseline_since, i + 1),)
    )
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
        reasons=(*restarted, *_reasons(d, i, spec, change, baseline, event, since)),
        baseline_since=baseline_since,
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
        return _building(measure, s, i + 1)
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
