"""The five trend measures: unit, scale, cap, published measurement error and decline rule.

Hold times and sway speed are right-skewed with multiplicative day-to-day noise
(``clinical.md``), so the detector works on their logarithm: a published SEM of ``p`` % of the
mean becomes a log-scale standard deviation ``σ = √ln(1 + p²)`` (the lognormal whose coefficient
of variation is ``p``). The balance score is bounded and its published error is in points, so
it stays linear. Every measure is turned so that *down is worse* on the detector's scale:
``y = ln(hold)``, ``y = −ln(speed)``, ``y = score``.

Published errors (test-retest between days, ``clinical.md``):

- single-leg stance: SEM 40.8 % (Goldberg 2011, Gait Posture 33:737);
- tandem stance: no SEM in seconds is published (strong ceiling, PMC11566129); Franchignoni
  1998 found the same test-retest ICC range (0.73–0.93) for tandem as for single-leg stance, so
  the single-leg figure is assumed. Tandem decisions use the STEADI threshold rule, not it;
- quiet-stance sway speed: SEM 15.9–23.6 % (Riemann & Piersol 2017); the upper end is used,
  as home pads are noisier than laboratory plates;
- balance score: reliable change 9 points on a 0–100 scale (Caccese 2022, weekly composite),
  i.e. SEM = 9 / (1.96 · √2) = 3.25 points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from ..clinical.scoring import FULL_POINTS
from ..detection.stance_config import DetectorConfig
from .sources import TrendSource

FloatArray = npt.NDArray[np.float64]

Z_95 = 1.96
"""Two-sided 95 % normal quantile of MDC95 = 1.96 · √2 · SEM."""
DEFAULT_HOLD_CAP_S = DetectorConfig().cap_s
"""The pad's default hold cap (30 s): a hold at or above it is censored."""
HOLD_FLOOR_S = 1.0
"""Holds shorter than this count as this long on the log scale (a 0-s hold is a failure, and
the logarithm of 0 is undefined); the tandem threshold rule reads the seconds themselves."""
SWAY_FLOOR_CM_S = 0.01
"""Sway speeds below this count as this (only to keep the logarithm finite)."""

SLS_SEM_FRACTION = 0.408
"""Goldberg 2011: single-leg stance SEM 8.7 s = 40.8 % of the mean, adults 60–89."""
SWAY_SEM_FRACTION_RANGE = (0.159, 0.236)
"""Riemann & Piersol 2017: ML sway velocity SEM 15.9–23.6 %, adults over 65, ~2 days apart."""
SCORE_RELIABLE_CHANGE_POINTS = 9.0
"""Caccese 2022: reliable change of a weekly home composite on a 0–100 scale."""


class TrendMeasure(StrEnum):
    """A measure whose trend is followed; the values are the CSV ``test`` names."""

    SINGLE_LEG_LEFT = "single_leg_left"
    SINGLE_LEG_RIGHT = "single_leg_right"
    TANDEM = "tandem"
    QUIET_SWAY_VELOCITY = "quiet_sway_velocity"
    BALANCE_SCORE = "balance_score"


HOLD_MEASURES = (
    TrendMeasure.SINGLE_LEG_LEFT,
    TrendMeasure.SINGLE_LEG_RIGHT,
    TrendMeasure.TANDEM,
)
"""The timed holds (seconds, capped by the pad's hold cap)."""


class Scale(StrEnum):
    """How values are compared: as ratios (log) or as differences (linear)."""

    LOG = "log"
    LINEAR = "linear"


class DeclineRule(StrEnum):
    """How a decline is decided: continuous change beyond error, or the STEADI threshold."""

    CHANGE = "change"
    THRESHOLD = "threshold"


def log_sigma(sem_fraction: float) -> float:
    """Log-scale standard deviation of a lognormal whose SD is ``sem_fraction`` of its mean."""
    return math.sqrt(math.log1p(sem_fraction**2))


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasureSpec:
    """What the detector needs to know about one measure."""

    measure: TrendMeasure
    unit: str
    scale: Scale
    higher_is_better: bool
    default_cap: float | None
    """Values at or above it are censored (``≥ cap``); ``None``: never capped."""
    floor: float
    """Smallest value taken on the log scale (0 for linear measures)."""
    maximum: float | None
    """Largest valid value (``None``: no upper limit)."""
    published_sem: float
    """Between-day SEM: a fraction of the mean (log scale) or in ``unit`` (linear scale)."""
    error_source: TrendSource
    rule: DeclineRule

    @property
    def published_sigma(self) -> float:
        """The published SEM as a standard deviation on the detector's scale."""
        if self.scale is Scale.LOG:
            return log_sigma(self.published_sem)
        return self.published_sem

    def to_scale(self, values: FloatArray) -> FloatArray:
        """Values in ``unit`` → the detector's scale, on which down is worse."""
        scaled: FloatArray = (
            np.log(np.maximum(values, self.floor))
            if self.scale is Scale.LOG
            else values.astype(np.float64, copy=True)
        )
        return scaled if self.higher_is_better else -scaled

    def from_scale(self, scaled: float) -> float:
        """One value on the detector's scale → ``unit``."""
        signed = scaled if self.higher_is_better else -scaled
        return math.exp(signed) if self.scale is Scale.LOG else signed

    def reported_change(self, change: float | None, baseline: float | None) -> float | None:
        """Express a change as reasons report it: % of the baseline (log scale) or in ``unit``."""
        if change is None or self.scale is Scale.LINEAR:
            return change
        return 100.0 * change / baseline if baseline else None

    def error_in_units(self, sigma: float) -> float:
        """Express a scale SD as reported: SEM in % of the mean (log scale) or in ``unit``."""
        if self.scale is Scale.LOG:
            return 100.0 * math.sqrt(math.expm1(sigma**2))
        return sigma


def _hold(measure: TrendMeasure) -> MeasureSpec:
    return MeasureSpec(
        measure=measure,
        unit="s",
        scale=Scale.LOG,
        higher_is_better=True,
        default_cap=DEFAULT_HOLD_CAP_S,
        floor=HOLD_FLOOR_S,
        maximum=None,
        published_sem=SLS_SEM_FRACTION,
        error_source=TrendSource.GOLDBERG_2011,
        rule=DeclineRule.THRESHOLD if measure is TrendMeasure.TANDEM else DeclineRule.CHANGE,
    )


SPECS: dict[TrendMeasure, MeasureSpec] = {
    **{measure: _hold(measure) for measure in HOLD_MEASURES},
    TrendMeasure.QUIET_SWAY_VELOCITY: MeasureSpec(
        measure=TrendMeasure.QUIET_SWAY_VELOCITY,
        unit="cm/s",
        scale=Scale.LOG,
        higher_is_better=False,
        default_cap=None,
        floor=SWAY_FLOOR_CM_S,
        maximum=None,
        published_sem=SWAY_SEM_FRACTION_RANGE[1],
        error_source=TrendSource.RIEMANN_PIERSOL_2017,
        rule=DeclineRule.CHANGE,
    ),
    TrendMeasure.BALANCE_SCORE: MeasureSpec(
        measure=TrendMeasure.BALANCE_SCORE,
        unit="points",
        scale=Scale.LINEAR,
        higher_is_better=True,
        default_cap=FULL_POINTS,
        floor=0.0,
        maximum=FULL_POINTS,
        published_sem=SCORE_RELIABLE_CHANGE_POINTS / (Z_95 * math.sqrt(2.0)),
        error_source=TrendSource.CACCESE_2022,
        rule=DeclineRule.CHANGE,
    ),
}
