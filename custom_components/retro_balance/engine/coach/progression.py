"""Progression rules: step up, hold, or step back to supported walking; or a phase chosen by hand.

Rules, in order (``docs/coach.md`` gives each its source or calls it a product choice):

1. Safety first. A high fall-risk level or a detected decline puts the person in phase 1
   (supported walking), from any phase: people at high fall risk should not be pushed to brisk or
   unsupported walking (clinical.md's summary of the fall-prevention evidence, Sherrington et al.),
   and the source itself begins every programme supported and slow (SEED_PROTOCOL).
2. Step up one phase when all of these hold:
   - `STEP_UP_WEEKS` complete weeks in a row, spent wholly in the current phase, met its target
     (product choice; the source gives no rule, it only suggests gains "within 4 to 6 weeks");
   - the measured balance allows it: a ``low`` level for any step, ``moderate`` only up to phase 2
     (light touch is still support); an ``unknown`` level (nothing measured) allows none
     (product choice);
   - for phase 3, a single-leg practice hold with eyes open reached `PHASE_3_HOLD_GOAL` in the
     last two weeks (product choice: the source's starting goal, and the cap most clinics use).
3. Otherwise hold.

A manual override (a phase) is applied as chosen; the decision still says what the rules would
give (`PhaseDecision.automatic_phase`) and warns when they differ. Every decision carries reason
codes with figures, never prose.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from zoneinfo import ZoneInfo

from ..clinical.fall_risk import RiskLevel  # the coach's one import of the fall-risk level
from .adherence import activities_by_day, weeks_met_in_phase
from .history import PhaseAction, PhaseChange
from .practice import best_holds
from .programme import HOLD_LADDER, Phase
from .reasons import Reason, ReasonCode, reason
from .state import CoachState

STEP_UP_WEEKS = 2
PHASE_3_HOLD_GOAL = HOLD_LADDER[0]
"""Eyes-open single-leg hold (30 s) that the step up to unsupported, dual-task walking needs."""
MODERATE_RISK_MAX_PHASE = Phase.PROPRIOCEPTIVE_BUILD


@dataclass(frozen=True, slots=True, kw_only=True)
class PhaseDecision:
    """The phase to be in, what the rules alone give, and why."""

    phase: Phase
    automatic_phase: Phase
    action: PhaseAction
    reasons: tuple[Reason, ...]

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-friendly mapping (for attributes and diagnostics)."""
        return {
            "phase": int(self.phase),
            "automatic_phase": int(self.automatic_phase),
            "action": self.action.value,
            "reasons": [item.as_dict() for item in self.reasons],
        }


def decide_phase(
    state: CoachState, *, today: date, risk_level: RiskLevel, declining: bool, tz: ZoneInfo
) -> PhaseDecision:
    """Apply the rules (module docstring) to `state` on `today`."""
    if not isinstance(risk_level, RiskLevel):
        raise ValueError(f"risk_level must be one of {sorted(RiskLevel)}, got {risk_level!r}")
    if not isinstance(declining, bool):
        raise ValueError(f"declining must be true or false, got {declining!r}")
    automatic, action, reasons = _automatic(state, today, risk_level, declining, tz)
    if state.override is None:
        return PhaseDecision(
            phase=automatic, automatic_phase=automatic, action=action, reasons=reasons
        )
    chosen = state.override
    notes = [reason(ReasonCode.MANUAL_OVERRIDE, phase=int(chosen))]
    if chosen != automatic:
        notes.append(
            reason(
                ReasonCode.OVERRIDE_DIFFERS_FROM_RULES,
                phase=int(chosen),
                automatic_phase=int(automatic),
            )
        )
    return PhaseDecision(
        phase=chosen,
        automatic_phase=automatic,
        action=PhaseAction.OVERRIDE,
        reasons=(*notes, *reasons),
    )


def apply_decision(state: CoachState, decision: PhaseDecision, *, today: date) -> CoachState:
    """`state` with the decision's phase from `today` (unchanged when the phase stays the same)."""
    if decision.phase == state.phase:
        return state
    change = PhaseChange(
        on=today,
        phase=decision.phase,
        action=decision.action,
        reasons=tuple(item.code for item in decision.reasons),
    )
    return replace(state, phase_history=(*state.phase_history, change))


def update_phase(
    state: CoachState, *, today: date, risk_level: RiskLevel, declining: bool, tz: ZoneInfo
) -> tuple[CoachState, PhaseDecision]:
    """Decide and apply in one call: the new state and the decision that explains it."""
    decision = decide_phase(state, today=today, risk_level=risk_level, declining=declining, tz=tz)
    return apply_decision(state, decision, today=today), decision


def _automatic(
    state: CoachState, today: date, risk_level: RiskLevel, declining: bool, tz: ZoneInfo
) -> tuple[Phase, PhaseAction, tuple[Reason, ...]]:
    current = state.phase
    if risk_level is RiskLevel.HIGH or declining:
        reasons = []
        if risk_level is RiskLevel.HIGH:
            reasons.append(reason(ReasonCode.FALL_RISK_HIGH, level=risk_level.value))
        if declining:
            reasons.append(reason(ReasonCode.BALANCE_DECLINING))
        action = PhaseAction.STEP_BACK if current > Phase.STABILISATION else PhaseAction.HOLD
        return Phase.STABILISATION, action, tuple(reasons)
    if current == max(Phase):
        return current, PhaseAction.HOLD, (reason(ReasonCode.TOP_PHASE, phase=int(current)),)
    target = Phase(current + 1)
    checks = [
        _adherence(state, today, tz),
        _balance(risk_level, target),
    ]
    if target is Phase.COGNITIVE_INTEGRATION:
        checks.append(_practice_hold(state, today, tz))
    if all(passed for passed, _ in checks):
        return target, PhaseAction.STEP_UP, tuple(item for _, item in checks)
    return current, PhaseAction.HOLD, tuple(item for _, item in checks)


def _adherence(state: CoachState, today: date, tz: ZoneInfo) -> tuple[bool, Reason]:
    by_day = activities_by_day(state.activities, tz)
    weeks = weeks_met_in_phase(by_day, state.phase_history, today=today)
    code = (
        ReasonCode.ADHERENCE_SUSTAINED
        if weeks >= STEP_UP_WEEKS
        else ReasonCode.ADHERENCE_NOT_SUSTAINED
    )
    return weeks >= STEP_UP_WEEKS, reason(code, weeks_met=weeks, weeks_needed=STEP_UP_WEEKS)


def _balance(risk_level: RiskLevel, target: Phase) -> tuple[bool, Reason]:
    if risk_level is RiskLevel.UNKNOWN:
        return False, reason(ReasonCode.FALL_RISK_UNKNOWN, level=risk_level.value)
    if risk_level is RiskLevel.MODERATE and target > MODERATE_RISK_MAX_PHASE:
        return False, reason(
            ReasonCode.FALL_RISK_MODERATE,
            level=risk_level.value,
            max_phase=int(MODERATE_RISK_MAX_PHASE),
        )
    return True, reason(ReasonCode.BALANCE_ALLOWS, level=risk_level.value)


def _practice_hold(state: CoachState, today: date, tz: ZoneInfo) -> tuple[bool, Reason]:
    best = best_holds(state.activities, today=today, tz=tz, eyes_closed=False)
    goal_s = PHASE_3_HOLD_GOAL.hold_s
    passed = best is not None and best >= goal_s
    code = (
        ReasonCode.PRACTICE_HOLD_GOAL_REACHED
        if passed
        else ReasonCode.PRACTICE_HOLD_GOAL_NOT_REACHED
    )
    return passed, reason(code, best_hold_s=round(best or 0.0, 1), goal_s=goal_s)
