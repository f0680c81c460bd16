"""Result types of the trend engine: one measure's trend after a session, a person's trends.

Values are in the measure's unit (``s``, ``cm/s``, ``points``); changes in % are relative to the
baseline; slopes are per 30 days. ``as_dict`` gives JSON-ready mappings (rounded for display
and storage as attributes); trends are derived data, recomputed from the stored sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from .detector import TrendStatus
from .measure import TrendMeasure
from .reasons import TrendReason

DECIMALS = 3
"""Rounding of values in ``as_dict`` (ms, 0.001 cm/s, 0.001 points)."""
PERCENT_DECIMALS = 1


class TrendEventKind(StrEnum):
    """A change of the declining flag at a session."""

    DECLINE_DETECTED = "decline_detected"
    RECOVERED = "recovered"


@dataclass(frozen=True, slots=True, kw_only=True)
class TrendEvent:
    """The declining flag of ``measure`` switched at the session of ``day``."""

    day: date
    measure: TrendMeasure
    kind: TrendEventKind

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly mapping."""
        return {"day": self.day.isoformat(), "measure": self.measure.value, "kind": self.kind.value}


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasureTrend:
    """Where one measure stands on ``as_of``, from the sessions up to ``day``."""

    measure: TrendMeasure
    unit: str
    as_of: date | None
    day: date | None
    """The last session on or before ``as_of`` (``None``: never measured)."""
    sessions: int
    status: TrendStatus
    declining: bool
    baseline: float | None
    baseline_at_cap: bool
    """The baseline is only a lower bound (held to the cap)."""
    baseline_sessions: int
    current: float | None
    current_at_cap: bool
    current_sessions: int
    change: float | None
    """``current − baseline`` in ``unit`` (a drop is a lower bound when the baseline is capped)."""
    change_pct: float | None
    slope_per_30d: float | None
    """Theil–Sen slope over the last weeks, in ``unit`` per 30 days."""
    slope_pct_per_30d: float | None
    measurement_error: float | None
    """The error used: SEM in % of the level (log-scale measures) or in ``unit``."""
    event: TrendEventKind | None
    """What happened to the declining flag at the session of ``day``."""
    declining_since: date | None
    recovered_on: date | None
    """The last recovery on or before ``day``."""
    reasons: tuple[TrendReason, ...]
    baseline_since: date | None = None
    """The day the baseline was started again (``None``: from the first session); the trend
    rests only on sessions from that day on, and ``sessions`` counts those."""

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly mapping (values rounded)."""
        return {
            "measure": self.measure.value,
            "unit": self.unit,
            "as_of": _iso(self.as_of),
            "day": _iso(self.day),
            "sessions": self.sessions,
            "status": self.status.value,
            "declining": self.declining,
            "baseline": _round(self.baseline),
            "baseline_at_cap": self.baseline_at_cap,
            "baseline_sessions": self.baseline_sessions,
            "current": _round(self.current),
            "current_at_cap": self.current_at_cap,
            "current_sessions": self.current_sessions,
            "change": _round(self.change),
            "change_pct": _round(self.change_pct, PERCENT_DECIMALS),
            "slope_per_30d": _round(self.slope_per_30d),
            "slope_pct_per_30d": _round(self.slope_pct_per_30d, PERCENT_DECIMALS),
            "measurement_error": _round(self.measurement_error),
            "event": None if self.event is None else self.event.value,
            "declining_since": _iso(self.declining_since),
            "recovered_on": _iso(self.recovered_on),
            "baseline_since": _iso(self.baseline_since),
            "reasons": [reason.as_dict() for reason in self.reasons],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonTrend:
    """Every measure's trend for one person on ``as_of``, in :class:`TrendMeasure` order."""

    as_of: date
    measures: tuple[MeasureTrend, ...]

    @property
    def declining_measures(self) -> tuple[TrendMeasure, ...]:
        """The measures with a confirmed decline."""
        return tuple(trend.measure for trend in self.measures if trend.declining)

    @property
    def declining(self) -> bool:
        """Whether any measure has a confirmed decline (the person's "balance declining")."""
        return any(trend.declining for trend in self.measures)

    def measure(self, measure: TrendMeasure) -> MeasureTrend:
        """Return the trend of ``measure`` (``KeyError`` if it is not a trend measure)."""
        for trend in self.measures:
            if trend.measure == measure:
                return trend
        raise KeyError(measure)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly mapping."""
        return {
            "as_of": self.as_of.isoformat(),
            "declining": self.declining,
            "declining_measures": [measure.value for measure in self.declining_measures],
            "measures": {trend.measure.value: trend.as_dict() for trend in self.measures},
        }


def _round(value: float | None, decimals: int = DECIMALS) -> float | None:
    return None if value is None else round(value, decimals)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
