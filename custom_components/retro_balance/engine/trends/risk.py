"""A fall-risk level from the latest results, raised one step by a confirmed decline.

The level itself comes from ``engine/fall_risk.py`` (cited rules over the latest session). A
confirmed decline in any trend measure raises it one step — low → moderate → high — since a
person whose balance is getting worse beyond measurement error is at more risk than one test
says (``clinical.md``: combine single tests with trends). ``high`` cannot rise further, and
``unknown`` (nothing the rules need was measured) stays unknown: a trend says the person is
worse than before, not how they are now. Each declining measure adds a reason either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..clinical.fall_risk import RiskLevel
from .measure import SPECS
from .reasons import TrendCode, TrendReason
from .results import PersonTrend
from .sources import TrendSource

RAISED: dict[RiskLevel, RiskLevel] = {
    RiskLevel.LOW: RiskLevel.MODERATE,
    RiskLevel.MODERATE: RiskLevel.HIGH,
    RiskLevel.HIGH: RiskLevel.HIGH,
    RiskLevel.UNKNOWN: RiskLevel.UNKNOWN,
}
_CODE = {
    RiskLevel.LOW: TrendCode.DECLINE_RAISES_LEVEL,
    RiskLevel.MODERATE: TrendCode.DECLINE_RAISES_LEVEL,
    RiskLevel.HIGH: TrendCode.DECLINE_AT_HIGHEST_LEVEL,
    RiskLevel.UNKNOWN: TrendCode.DECLINE_LEVEL_UNKNOWN,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class TrendedFallRisk:
    """The fall-risk level with the trend taken into account, and why it differs."""

    level: RiskLevel
    level_from_results: RiskLevel
    reasons: tuple[TrendReason, ...]

    @property
    def raised(self) -> bool:
        """Whether the trend raised the level."""
        return self.level is not self.level_from_results

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly mapping."""
        return {
            "level": self.level.value,
            "level_from_results": self.level_from_results.value,
            "raised": self.raised,
            "reasons": [reason.as_dict() for reason in self.reasons],
        }


def combine_fall_risk(level: RiskLevel | str, trend: PersonTrend) -> TrendedFallRisk:
    """Raise ``level`` one step when any measure of ``trend`` has a confirmed decline."""
    try:
        level = RiskLevel(level)
    except ValueError:
        raise ValueError(f"unknown fall-risk level {level!r}") from None
    declining = [measure for measure in trend.measures if measure.declining]
    reasons = tuple(
        TrendReason(
            code=_CODE[level],
            measure=measure.measure,
            figure=SPECS[measure.measure].reported_change(measure.change, measure.baseline),
            source=TrendSource.METHOD,
        )
        for measure in declining
    )
    return TrendedFallRisk(
        level=RAISED[level] if declining else level, level_from_results=level, reasons=reasons
    )
