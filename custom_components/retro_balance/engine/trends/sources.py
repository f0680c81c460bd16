"""Where a trend figure or rule comes from: stable keys and the references behind them.

Figures as quoted in ``shared/domain/clinical.md`` ("Telling a real change from noise").
"""

from __future__ import annotations

from enum import StrEnum


class TrendSource(StrEnum):
    """Where a figure or a rule comes from; :data:`CITATIONS` gives the reference."""

    GOLDBERG_2011 = "goldberg_2011"
    RIEMANN_PIERSOL_2017 = "riemann_piersol_2017"
    CACCESE_2022 = "caccese_2022"
    STEADI_2017 = "steadi_2017"
    OWN_SPREAD = "own_spread"
    METHOD = "method"


CITATIONS: dict[TrendSource, str] = {
    TrendSource.GOLDBERG_2011: (
        "Goldberg 2011, Gait Posture 33:737: single-leg stance eyes open, 25 adults 60–89, "
        "SEM 8.7 s (40.8%), MDC95 24.1 s (113%)"
    ),
    TrendSource.RIEMANN_PIERSOL_2017: (
        "Riemann & Piersol 2017, Aging Clin Exp Res 29:1045: ML sway velocity, 30 adults over "
        "65, two days apart, ICC 0.74–0.86, SEM 15.9–23.6%"
    ),
    TrendSource.CACCESE_2022: (
        "Caccese 2022: home balance measures, weekly composite ICC 0.88, reliable change "
        "9 points on a 0–100 scale"
    ),
    TrendSource.STEADI_2017: (
        "CDC STEADI 4-Stage Balance Test (2017): an older adult who cannot hold tandem stance "
        "for 10 s is at increased risk of falling"
    ),
    TrendSource.OWN_SPREAD: "the person's own day-to-day spread over the baseline sessions",
    TrendSource.METHOD: "retro_balance trend method, docs/trends.md",
}
