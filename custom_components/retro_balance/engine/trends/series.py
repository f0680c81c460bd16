"""Dated observations of one measure → one value per day, censored at the hold cap.

A day with several values keeps its best (the longest hold, the least sway, the highest score),
as the daily check keeps the best of its trials (Springer 2007: best of 3 is the most reliable
score). A hold at or above its cap is *censored*: the person held at least that long, so the
value is kept as the cap and flagged ``≥ cap``, never read as an exact time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from .measure import SPECS, FloatArray, TrendMeasure

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True, kw_only=True)
class Observation:
    """One result of one measure on one day."""

    day: date
    value: float
    cap: float | None = None
    """The hold cap in force (values at or above it are censored); ``None``: the measure's
    default (30 s for holds, 100 for the score; sway speed is never capped)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DailySeries:
    """One value per day, in date order, in the measure's unit."""

    measure: TrendMeasure
    days: IntArray
    """``date.toordinal()`` of each day, strictly increasing."""
    values: FloatArray
    """The day's best; a censored value is its cap."""
    censored: BoolArray
    """Whether the value is only a lower bound (held to the cap)."""

    @property
    def size(self) -> int:
        """Number of days with a value."""
        return int(self.days.size)

    def split(self, day: date) -> tuple[DailySeries, DailySeries]:
        """Return the days before ``day`` and the days from it on."""
        cut = int(np.searchsorted(self.days, day.toordinal()))
        return self._part(slice(None, cut)), self._part(slice(cut, None))

    def _part(self, days: slice) -> DailySeries:
        return DailySeries(
            measure=self.measure,
            days=self.days[days],
            values=self.values[days],
            censored=self.censored[days],
        )


def censor(values: FloatArray, caps: FloatArray) -> tuple[FloatArray, BoolArray]:
    """Values clipped to their caps, and which of them reached the cap (``inf``: no cap)."""
    censored = values >= caps
    return np.where(censored, caps, values), censored


def daily_series(measure: TrendMeasure, observations: Iterable[Observation]) -> DailySeries:
    """Validate ``observations`` and keep each day's best; ``ValueError`` names the bad one."""
    spec = SPECS[TrendMeasure(measure)]
    rows = [checked_observation(spec.measure, observation) for observation in observations]
    if not rows:
        empty = np.empty(0)
        return DailySeries(
            measure=spec.measure,
            days=empty.astype(np.int64),
            values=empty,
            censored=empty.astype(np.bool_),
        )
    days = np.array([day for day, _, _ in rows], dtype=np.int64)
    values, censored = censor(
        np.array([value for _, value, _ in rows]), np.array([cap for _, _, cap in rows])
    )
    # Best first within a day: a censored value beats an exact one at the same number.
    goodness = values if spec.higher_is_better else -values
    order = np.lexsort((-censored.astype(np.int8), -goodness, days))
    days, values, censored = days[order], values[order], censored[order]
    first = np.concatenate(([True], days[1:] != days[:-1]))
    return DailySeries(
        measure=spec.measure, days=days[first], values=values[first], censored=censored[first]
    )


def checked_observation(
    measure: TrendMeasure, observation: Observation
) -> tuple[int, float, float]:
    """``(ordinal day, value, cap or inf)`` of a valid observation; else ``ValueError``."""
    spec = SPECS[measure]
    if not isinstance(observation, Observation):
        raise ValueError(f"observations must be Observation objects, got {observation!r}")
    if not isinstance(observation.day, date):
        raise ValueError(f"{spec.measure}: day must be a date, got {observation.day!r}")
    value = observation.value
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{spec.measure} on {observation.day}: value must be a finite number")
    if value < 0 or (spec.maximum is not None and value > spec.maximum):
        limit = f"from 0 to {spec.maximum:g}" if spec.maximum is not None else "0 or more"
        raise ValueError(
            f"{spec.measure} on {observation.day}: value must be {limit} {spec.unit}, got {value!r}"
        )
    cap = observation.cap if observation.cap is not None else spec.default_cap
    if observation.cap is not None and spec.default_cap is None:
        raise ValueError(f"{spec.measure} is never capped, got a cap of {observation.cap!r}")
    if cap is not None and (
        isinstance(cap, bool) or not isinstance(cap, int | float) or not 0 < cap < math.inf
    ):
        raise ValueError(f"{spec.measure} on {observation.day}: cap must be positive, got {cap!r}")
    return observation.day.toordinal(), float(value), math.inf if cap is None else float(cap)
