"""One row per day for long-term statistics: the value, the baseline band, the level.

- value: the day's best, in the measure's unit (a censored hold is its cap, ``at_cap``); only on
  session days;
- baseline band: where 95 % of single days fall while nothing changes — the baseline
  ± ``Z_95`` · σ on the detector's scale (``σ`` as the detector uses it: the larger of the
  published SEM and the person's own spread), turned back into the unit, so for holds and sway
  a band from ``baseline · e^(−1.96σ)`` to ``baseline · e^(1.96σ)``;
- current: the detector's current level (the censored median of the recent sessions).

The baseline and the level hold until the next session, so they are carried over the days
between sessions (a graph then shows a band, not stripes) — for at most
``current_window_days − 1`` days, after which the detector has no current level either. Every
row is causal: it depends only on the sessions up to its day, so a new session adds rows from
its day on and never changes an earlier day's.

A baseline started again (``MeasureHistory.baseline_since``) leaves the rows before that day as
they were — the earlier run's, carried at most up to the day before — and the rows from it on
come from the new run alone: no baseline band until the new baseline is built.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta

from .assess import MeasureHistory
from .measure import SPECS, Z_95


@dataclass(frozen=True, slots=True, kw_only=True)
class DailyLevel:
    """One day of one measure, in the measure's unit."""

    day: date
    value: float | None
    """The day's best; None on a day without a session (baseline and level carried over)."""
    at_cap: bool
    baseline: float | None
    """None while the baseline is being built."""
    band_low: float | None
    band_high: float | None
    current: float | None
    """None with too few recent sessions."""


def daily_levels(history: MeasureHistory) -> tuple[DailyLevel, ...]:
    """Describe every session day of ``history`` and the days after each (module docstring)."""
    rows: tuple[DailyLevel, ...] = ()
    if history.earlier is not None and history.baseline_since is not None:
        next_day = history.days[0] if history.days else None
        rows = _run_rows(history.earlier, next_day, history.baseline_since)
    return rows + _run_rows(history, None, None)


def _run_rows(
    history: MeasureHistory, next_day: date | None, stop: date | None
) -> tuple[DailyLevel, ...]:
    """Rows of one run; the last session's carried towards ``next_day``, ending before ``stop``."""
    detection = history.detection
    spec = SPECS[history.measure]
    high_limit = math.inf if spec.maximum is None else spec.maximum
    carry_days = detection.settings.current_window_days - 1
    rows: list[DailyLevel] = []
    for i, day in enumerate(history.days):
        baseline = band_low = band_high = None
        if detection.baseline_sessions[i]:
            centre, spread = float(detection.baseline[i]), Z_95 * float(detection.sigma[i])
            baseline = spec.from_scale(centre)
            ends = sorted((spec.from_scale(centre - spread), spec.from_scale(centre + spread)))
            band_low, band_high = max(ends[0], 0.0), min(ends[1], high_limit)
        current = float(detection.current[i])
        session = DailyLevel(
            day=day,
            value=float(detection.series.values[i]),
            at_cap=bool(detection.series.censored[i]),
            baseline=baseline,
            band_low=band_low,
            band_high=band_high,
            current=spec.from_scale(current) if math.isfinite(current) else None,
        )
        rows.append(session)
        following = history.days[i + 1] if i + 1 < len(history.days) else next_day
        if following is not None:
            last = min(following - day, timedelta(days=carry_days + 1))
            if stop is not None:
                last = min(last, stop - day)
            carried = replace(session, value=None, at_cap=False)
            rows.extend(
                replace(carried, day=day + timedelta(days=offset)) for offset in range(1, last.days)
            )
    return tuple(rows)
