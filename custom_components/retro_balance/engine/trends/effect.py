"""The retro-walking programme's effect: balance since its start against the weeks before.

For each trend measure, on the detector's scale (``measure.py``: log for holds and sway, turned
so that down is worse), with the detector's conventions (``detector.py``, ``docs/trends.md``):

- *before*: the censored median of the sessions in the ``WINDOW_DAYS`` before the start;
  *since*: of the sessions since the start, the last ``WINDOW_DAYS`` of them. The first
  ``practice_sessions`` of a measure are set aside (a practice effect is no training effect);
  each side needs ``baseline_min_sessions``.
- error: ``σ = max(published SEM, own spread)``, the own spread from the differences between
  neighbouring sessions of both windows (blind to the step between them);
- ``z = (since − before) / (σ · √(π/2 · (1/n_before + 1/n_since)))``: the change in standard
  errors of a difference of two medians. It counts as beyond measurement error when
  ``|z| ≥ EFFECT_Z`` = 2.58, the two-sided 1 % point of the normal distribution — 5 % shared
  over the five measures (Bonferroni), since any one of them may speak for the programme.

A capped median is a lower bound: a change towards the cap is then at least what is shown, and
when both sides are held to the cap nothing can be said. The comparison is before/after in one
person, not a trial: the weeks since the start also differ in season, health and practice.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

import numpy as np

from .detector import DEFAULT_SETTINGS, DetectorSettings
from .measure import SPECS, TrendMeasure
from .reasons import TrendCode, TrendReason
from .results import DECIMALS, PERCENT_DECIMALS
from .robust import censored_median, running_difference_sd
from .series import DailySeries, Observation, daily_series
from .sources import TrendSource

WINDOW_DAYS = 56
"""Eight weeks on each side: the programme's first phase (``coach.md``) and the slope window."""
EFFECT_Z = 2.58
"""Two-sided 1 % normal point: a 5 % chance of a false "changed" shared over five measures."""


class EffectVerdict(StrEnum):
    """What the programme's weeks came to, for one measure or over all of them."""

    IMPROVED = "improved"
    WORSENED = "worsened"
    MIXED = "mixed"
    """Some measures improved and others worsened beyond measurement error (overall only)."""
    NO_CLEAR_CHANGE = "no_clear_change"
    TOO_FEW_SESSIONS = "too_few_sessions"


EFFECT_CODES = frozenset(
    {
        TrendCode.TOO_FEW_SESSIONS_BEFORE,
        TrendCode.TOO_FEW_SESSIONS_SINCE,
        TrendCode.IMPROVED_BEYOND_ERROR,
        TrendCode.WORSENED_BEYOND_ERROR,
        TrendCode.EFFECT_WITHIN_ERROR,
        TrendCode.HELD_TO_CAP,
    }
)
"""The reason codes of the programme effect (``reasons.py``: the figure of each)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasureEffect:
    """One measure before and since the start (levels in the measure's unit)."""

    measure: TrendMeasure
    unit: str
    verdict: EffectVerdict
    before: float | None
    before_sessions: int
    since: float | None
    since_sessions: int
    change: float | None
    """``since − before`` in ``unit`` (for sway speed a rise is worse)."""
    change_pct: float | None
    z: float | None
    """The change in standard errors, positive when better."""
    reasons: tuple[TrendReason, ...]

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly mapping (values rounded)."""
        return {
            "verdict": self.verdict.value,
            "unit": self.unit,
            "before": _round(self.before, DECIMALS),
            "before_sessions": self.before_sessions,
            "since": _round(self.since, DECIMALS),
            "since_sessions": self.since_sessions,
            "change": _round(self.change, DECIMALS),
            "change_pct": _round(self.change_pct, PERCENT_DECIMALS),
            "z": _round(self.z, 2),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgrammeEffect:
    """Every measure's effect and the verdict over all of them."""

    start: date
    as_of: date
    verdict: EffectVerdict
    measures: tuple[MeasureEffect, ...]

    @property
    def days_since_start(self) -> int:
        """Days from the start to ``as_of`` (negative before the start)."""
        return (self.as_of - self.start).days

    @property
    def reasons(self) -> tuple[TrendReason, ...]:
        """Every measure's reasons, in :class:`TrendMeasure` order."""
        return tuple(reason for effect in self.measures for reason in effect.reasons)

    def measure(self, measure: TrendMeasure) -> MeasureEffect:
        """Return the effect on ``measure`` (``KeyError`` if it is not a trend measure)."""
        for effect in self.measures:
            if effect.measure == measure:
                return effect
        raise KeyError(measure)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly mapping."""
        return {
            "start": self.start.isoformat(),
            "as_of": self.as_of.isoformat(),
            "days_since_start": self.days_since_start,
            "verdict": self.verdict.value,
            "measures": {effect.measure.value: effect.as_dict() for effect in self.measures},
            "reasons": [reason.as_dict() for reason in self.reasons],
        }


def programme_effect(
    observations: Mapping[TrendMeasure, Iterable[Observation]],
    start: date,
    as_of: date,
    settings: DetectorSettings = DEFAULT_SETTINGS,
    *,
    baseline_from: date | None = None,
) -> ProgrammeEffect:
    """Compare every measure since ``start`` with the weeks before it, on ``as_of``.

    ``baseline_from``: the day the person's baseline was started again (after an operation, on a
    new pad, with a changed cap; ``assess.measure_history``). The sessions before it are not
    compared with those after: the effect counts from that day as the trend does, its first
    sessions again set aside as practice, so a restart after the programme's start leaves
    nothing before it to compare (too few sessions before).
    """

    def series(measure: TrendMeasure) -> DailySeries:
        whole = daily_series(measure, observations.get(measure, ()))
        return whole if baseline_from is None else whole.split(baseline_from)[1]

    measures = tuple(measure_effect(series(m), start, as_of, settings) for m in TrendMeasure)
    verdicts = {effect.verdict for effect in measures}
    if verdicts <= {EffectVerdict.TOO_FEW_SESSIONS}:
        verdict = EffectVerdict.TOO_FEW_SESSIONS
    elif {EffectVerdict.IMPROVED, EffectVerdict.WORSENED} <= verdicts:
        verdict = EffectVerdict.MIXED
    elif EffectVerdict.IMPROVED in verdicts:
        verdict = EffectVerdict.IMPROVED
    elif EffectVerdict.WORSENED in verdicts:
        verdict = EffectVerdict.WORSENED
    else:
        verdict = EffectVerdict.NO_CLEAR_CHANGE
    return ProgrammeEffect(start=start, as_of=as_of, verdict=verdict, measures=measures)


def measure_effect(
    series: DailySeries, start: date, as_of: date, settings: DetectorSettings = DEFAULT_SETTINGS
) -> MeasureEffect:
    """Compare one measure's sessions since ``start`` (up to ``as_of``) with those before."""
    spec = SPECS[series.measure]
    s = settings
    days = series.days
    counted = np.arange(series.size) >= s.practice_sessions
    first_before = (start - timedelta(days=WINDOW_DAYS)).toordinal()
    first_since = max(start, as_of - timedelta(days=WINDOW_DAYS - 1)).toordinal()
    before = counted & (days >= first_before) & (days < start.toordinal())
    since = counted & (days >= first_since) & (days <= as_of.toordinal())
    n_before, n_since = int(before.sum()), int(since.sum())

    def reason(code: TrendCode, figure: float | None) -> TrendReason:
        method = TrendSource.METHOD
        return TrendReason(code=code, measure=spec.measure, figure=figure, source=method)

    shortfalls = []
    if n_before < s.baseline_min_sessions:
        shortfalls.append(reason(TrendCode.TOO_FEW_SESSIONS_BEFORE, float(n_before)))
    if n_since < s.baseline_min_sessions:
        shortfalls.append(reason(TrendCode.TOO_FEW_SESSIONS_SINCE, float(n_since)))
    if shortfalls:
        return MeasureEffect(
            measure=spec.measure, unit=spec.unit, verdict=EffectVerdict.TOO_FEW_SESSIONS,
            before=None, before_sessions=n_before, since=None, since_sessions=n_since,
            change=None, change_pct=None, z=None, reasons=tuple(shortfalls),
        )  # fmt: skip

    y = spec.to_scale(series.values)
    level_before, before_at_cap = censored_median(y[before], series.censored[before])
    level_since, since_at_cap = censored_median(y[since], series.censored[since])
    both = before | since
    own_sd = running_difference_sd(
        y[both], series.censored[both], start=0, window=s.spread_sessions,
        min_pairs=s.baseline_min_sessions,
    )[-1]  # fmt: skip
    sigma = float(np.fmax(own_sd, spec.published_sigma))  # fmax: a NaN spread gives way
    standard_error = sigma * math.sqrt(math.pi / 2 * (1 / n_before + 1 / n_since))
    z = (level_since - level_before) / standard_error
    if before_at_cap and since_at_cap:
        z = 0.0  # both at least the cap: no change can be told

    before_units, since_units = spec.from_scale(level_before), spec.from_scale(level_since)
    change = since_units - before_units
    reasons = [
        reason(TrendCode.HELD_TO_CAP, spec.from_scale(level))
        for level, capped in ((level_before, before_at_cap), (level_since, since_at_cap))
        if capped
    ][:1]
    shown = spec.reported_change(change, before_units)
    if z >= EFFECT_Z:
        verdict, code = EffectVerdict.IMPROVED, TrendCode.IMPROVED_BEYOND_ERROR
    elif z <= -EFFECT_Z:
        verdict, code = EffectVerdict.WORSENED, TrendCode.WORSENED_BEYOND_ERROR
    else:
        verdict, code = EffectVerdict.NO_CLEAR_CHANGE, TrendCode.EFFECT_WITHIN_ERROR
    reasons.append(reason(code, shown))
    return MeasureEffect(
        measure=spec.measure,
        unit=spec.unit,
        verdict=verdict,
        before=before_units,
        before_sessions=n_before,
        since=since_units,
        since_sessions=n_since,
        change=change,
        change_pct=100.0 * change / before_units if before_units else None,
        z=z,
        reasons=tuple(reasons),
    )


def _round(value: float | None, decimals: int) -> float | None:
    return None if value is None else round(value, decimals)
