"""The public API: a measure's trend after every session, on any day, and a person's trends.

- :func:`measure_history` runs the detector over a measure's observations; the history describes
  a session on demand (baseline, current level, change, slope, decision and its reasons) and
  lists the events;
- :meth:`MeasureHistory.at` gives the trend on a day: the last session's decision, with the
  current level dropped once no session is recent (the decision is kept: nothing says it ended);
- :func:`assess_person` does that for all five measures of one person.

A baseline started again (``baseline_from``: a new pad, a changed cap, after an operation) splits
the sessions: those before the day stay history — their trends and statistics rows are what they
were — and the trend from that day on rests only on the sessions since, with the practice
sessions set aside again (``docs/trends.md``, "Starting the baseline again").

``describe`` words one session of a run as a :class:`MeasureTrend` (levels, slope, reasons).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

import numpy as np

from .describe import describe, no_data
from .detector import DEFAULT_SETTINGS, Detection, DetectorSettings, TrendStatus, detect
from .measure import SPECS, TrendMeasure
from .reasons import TrendCode, TrendReason
from .results import MeasureTrend, PersonTrend, TrendEvent, TrendEventKind
from .series import DailySeries, Observation, daily_series
from .sources import TrendSource


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasureHistory:
    """A measure's detector run, described on demand: one session, one day, or all of them."""

    detection: Detection
    """The run over the sessions the trend rests on (from ``baseline_since`` on)."""
    days: tuple[date, ...]
    """Those sessions' days, in order."""
    onsets: tuple[int, ...]
    """Sessions where the declining flag switched on."""
    recoveries: tuple[int, ...]
    """Sessions where it switched off."""
    baseline_since: date | None = None
    """The day the baseline was started again (None: never; ``earlier`` is None then too)."""
    earlier: MeasureHistory | None = None
    """The run over the sessions before ``baseline_since``, as it was: history only."""

    @property
    def measure(self) -> TrendMeasure:
        """The measure followed."""
        return self.detection.series.measure

    @property
    def events(self) -> tuple[TrendEvent, ...]:
        """Every switch of the declining flag, in date order."""
        switches = [(i, TrendEventKind.DECLINE_DETECTED) for i in self.onsets]
        switches += [(i, TrendEventKind.RECOVERED) for i in self.recoveries]
        earlier = () if self.earlier is None else self.earlier.events
        return earlier + tuple(
            TrendEvent(day=self.days[i], measure=self.measure, kind=kind)
            for i, kind in sorted(switches)
        )

    @property
    def trends(self) -> tuple[MeasureTrend, ...]:
        """The trend after every session, the earlier ones' included (for statistics)."""
        earlier = () if self.earlier is None else self.earlier.trends
        return earlier + tuple(self.session(i) for i in range(len(self.days)))

    def session(self, index: int) -> MeasureTrend:
        """Return the trend right after session ``index`` of ``days``."""
        onset = _last_at_or_before(self.onsets, index)
        recovery = _last_at_or_before(self.recoveries, index)
        event = None
        if onset == index:
            event = TrendEventKind.DECLINE_DETECTED
        elif recovery == index:
            event = TrendEventKind.RECOVERED
        return describe(
            self.detection,
            index,
            self.days,
            event,
            onset if self.detection.declining[index] else None,
            None if recovery is None else self.days[recovery],
            self.baseline_since,
        )

    def at(self, as_of: date) -> MeasureTrend:
        """Return the trend on ``as_of``, from the sessions up to that day."""
        if self.earlier is not None and self.baseline_since and as_of < self.baseline_since:
            return self.earlier.at(as_of)
        index = bisect_right(self.days, as_of) - 1
        if index < 0:
            return no_data(self.measure, as_of, self.baseline_since, self.detection.settings)
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
        TrendCode.BASELINE_RESTARTED,
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
    *,
    baseline_from: date | None = None,
) -> MeasureHistory:
    """Run the detector over ``observations`` (any order; ``ValueError`` names a bad one).

    ``baseline_from``: the day the baseline starts again; the sessions before it are run on their
    own, as history. A day on or before the first session changes nothing.
    """
    series = daily_series(TrendMeasure(measure), observations)
    if baseline_from is None:
        return _run(series, settings)
    if isinstance(baseline_from, datetime) or not isinstance(baseline_from, date):
        raise ValueError(f"baseline_from must be a date, got {baseline_from!r}")
    before, since = series.split(baseline_from)
    if not before.size:
        return _run(series, settings)
    return _run(since, settings, baseline_from, _run(before, settings))


def _run(
    series: DailySeries,
    settings: DetectorSettings,
    baseline_since: date | None = None,
    earlier: MeasureHistory | None = None,
) -> MeasureHistory:
    detection = detect(series, settings)
    declining = detection.declining
    before = np.concatenate(([False], declining[:-1]))
    return MeasureHistory(
        detection=detection,
        days=tuple(date.fromordinal(int(day)) for day in detection.series.days),
        onsets=tuple(int(i) for i in np.flatnonzero(declining & ~before)),
        recoveries=tuple(int(i) for i in np.flatnonzero(before & ~declining)),
        baseline_since=baseline_since,
        earlier=earlier,
    )


def _last_at_or_before(indices: tuple[int, ...], index: int) -> int | None:
    position = bisect_right(indices, index) - 1
    return indices[position] if position >= 0 else None


def assess_measure(
    measure: TrendMeasure | str,
    observations: Iterable[Observation],
    as_of: date,
    settings: DetectorSettings = DEFAULT_SETTINGS,
    *,
    baseline_from: date | None = None,
) -> MeasureTrend:
    """Return the trend of one measure on ``as_of`` (``baseline_from``: :func:`measure_history`)."""
    return measure_history(measure, observations, settings, baseline_from=baseline_from).at(as_of)


def assess_person(
    observations: Mapping[TrendMeasure, Iterable[Observation]],
    as_of: date,
    settings: DetectorSettings = DEFAULT_SETTINGS,
    *,
    baseline_from: date | None = None,
) -> PersonTrend:
    """Every measure's trend on ``as_of``; a measure missing from ``observations`` has no data.

    ``baseline_from``: the day the person's baseline starts again, for every measure.
    """
    unknown = [key for key in observations if key not in SPECS]
    if unknown:
        raise ValueError(f"unknown trend measure(s): {', '.join(map(str, unknown))}")
    return PersonTrend(
        as_of=as_of,
        measures=tuple(
            assess_measure(
                measure, observations.get(measure, ()), as_of, settings, baseline_from=baseline_from
            )
            for measure in TrendMeasure
        ),
    )
