"""Stable reason codes with figures: why the coach chose a phase (the HA side translates them).

A code never changes meaning once released; a new rule gets a new code. Figures are plain numbers
or short enum values, named so a translation can place them (``{weeks_met}``, ``{goal_s}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class ReasonCode(StrEnum):
    """Every reason the coach gives, with the figures it carries."""

    PROGRAMME_STARTED = "programme_started"
    """The person started the programme (phase 1). Figures: none."""
    MANUAL_OVERRIDE = "manual_override"
    """A phase chosen by hand is in force. Figures: ``phase``."""
    OVERRIDE_DIFFERS_FROM_RULES = "override_differs_from_rules"
    """The chosen phase is not what the rules give. Figures: ``phase``, ``automatic_phase``."""
    FALL_RISK_HIGH = "fall_risk_high"
    """High fall risk: supported walking only (phase 1). Figures: ``level``."""
    BALANCE_DECLINING = "balance_declining"
    """The trends see a decline: supported walking only (phase 1). Figures: none."""
    FALL_RISK_UNKNOWN = "fall_risk_unknown"
    """No measured fall-risk level: no step up until one is measured. Figures: ``level``."""
    FALL_RISK_MODERATE = "fall_risk_moderate"
    """Moderate fall risk: no step up past this phase. Figures: ``level``, ``max_phase``."""
    BALANCE_ALLOWS = "balance_allows"
    """The measured balance allows the step up. Figures: ``level``."""
    ADHERENCE_SUSTAINED = "adherence_sustained"
    """Enough weeks in a row met the target. Figures: ``weeks_met``, ``weeks_needed``."""
    ADHERENCE_NOT_SUSTAINED = "adherence_not_sustained"
    """Not yet enough weeks in a row. Figures: ``weeks_met``, ``weeks_needed``."""
    PRACTICE_HOLD_GOAL_REACHED = "practice_hold_goal_reached"
    """The hold the next phase needs was reached. Figures: ``best_hold_s``, ``goal_s``."""
    PRACTICE_HOLD_GOAL_NOT_REACHED = "practice_hold_goal_not_reached"
    """Not yet. Figures: ``best_hold_s`` (0 when no hold was logged), ``goal_s``."""
    TOP_PHASE = "top_phase"
    """Already in the last phase. Figures: ``phase``."""


Figure = int | float | str


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason code and its figures."""

    code: ReasonCode
    figures: Mapping[str, Figure] = field(default_factory=lambda: MappingProxyType({}))

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-friendly mapping: ``{"code": ..., "figures": {...}}``."""
        return {"code": self.code.value, "figures": dict(self.figures)}


def reason(code: ReasonCode, **figures: Figure) -> Reason:
    """Return a `Reason` with read-only figures."""
    return Reason(code, MappingProxyType(dict(figures)))
