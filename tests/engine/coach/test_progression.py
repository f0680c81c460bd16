"""Progression: step up after sustained adherence when balance allows, step back, override."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from custom_components.retro_balance.engine.clinical.fall_risk import RiskLevel
from custom_components.retro_balance.engine.coach.adherence import DAYS_PER_WEEK
from custom_components.retro_balance.engine.coach.clock import local_date
from custom_components.retro_balance.engine.coach.history import PhaseAction, phase_on
from custom_components.retro_balance.engine.coach.programme import Phase
from custom_components.retro_balance.engine.coach.progression import (
    PhaseDecision,
    apply_decision,
    decide_phase,
    update_phase,
)
from custom_components.retro_balance.engine.coach.reasons import ReasonCode
from custom_components.retro_balance.engine.coach.state import CoachState
from tests.engine.coach.builders import AMSTERDAM, MONDAY, full_week, hold, with_log

WEEK = timedelta(days=DAYS_PER_WEEK)
LOW = RiskLevel.LOW


def _decide(
    state: CoachState, today: date, risk: RiskLevel = LOW, *, declining: bool = False
) -> PhaseDecision:
    return decide_phase(state, today=today, risk_level=risk, declining=declining, tz=AMSTERDAM)


def _codes(decision: PhaseDecision) -> list[ReasonCode]:
    return [item.code for item in decision.reasons]


def _figures(decision: PhaseDecision, code: ReasonCode) -> dict[str, object]:
    return dict(next(item.figures for item in decision.reasons if item.code is code))


def _in_phase(phase: Phase, since: date) -> CoachState:
    """A programme started two weeks before `since`, in `phase` from `since` on."""
    state = CoachState.start(since - 2 * WEEK)
    if phase is Phase.STABILISATION:
        return state
    state = state.with_override(phase)
    state = apply_decision(state, _decide(state, since), today=since)
    return state.with_override(None)


def _two_good_weeks(state: CoachState, first_monday: date, *, hold_s: float = 20.0) -> CoachState:
    done = [*full_week(first_monday, state.phase, hold_s=hold_s)]
    done += full_week(first_monday + WEEK, state.phase, hold_s=hold_s)
    return with_log(state, done)


def simulate(
    weeks: int,
    risk_by_week: dict[int, RiskLevel] | None = None,
    *,
    hold_s: float = 35.0,
) -> tuple[CoachState, list[Phase]]:
    """Time travel: every day decide (risk per week), then do that day's share of the target."""
    state = CoachState.start(MONDAY)
    phases = []
    for week in range(weeks):
        monday = MONDAY + week * WEEK
        risk = (risk_by_week or {}).get(week, LOW)
        for offset in range(DAYS_PER_WEEK):
            today = monday + timedelta(days=offset)
            state, _ = update_phase(
                state, today=today, risk_level=risk, declining=False, tz=AMSTERDAM
            )
            todays = [
                a
                for a in full_week(
                    monday, phase_on(state.phase_history, monday) or Phase(1), hold_s=hold_s
                )
                if local_date(a.started_at, AMSTERDAM) == today
            ]
            state = with_log(state, todays)
        phases.append(state.phase)
    return state, phases


def test_time_travel_steps_up_every_two_good_weeks() -> None:
    state, phases = simulate(7)
    assert phases == [Phase(1), Phase(1), Phase(2), Phase(2), Phase(3), Phase(3), Phase(3)]
    changes = [(c.on, c.phase, c.action) for c in state.phase_history]
    assert changes == [
        (MONDAY, Phase(1), PhaseAction.START),
        (MONDAY + 2 * WEEK, Phase(2), PhaseAction.STEP_UP),
        (MONDAY + 4 * WEEK, Phase(3), PhaseAction.STEP_UP),
    ]
    assert state.phase_history[1].reasons == (
        ReasonCode.ADHERENCE_SUSTAINED,
        ReasonCode.BALANCE_ALLOWS,
    )
    assert ReasonCode.PRACTICE_HOLD_GOAL_REACHED in state.phase_history[2].reasons


def test_time_travel_high_risk_steps_back_and_the_climb_starts_again() -> None:
    state, phases = simulate(9, {4: RiskLevel.HIGH})
    # Week 4 is spent wholly in phase 1 again (the step back is on its Monday), so it counts.
    assert phases == [Phase(n) for n in (1, 1, 2, 2, 1, 1, 2, 2, 3)]
    back = state.phase_history[2]
    assert (back.on, back.phase, back.action) == (
        MONDAY + 4 * WEEK,
        Phase(1),
        PhaseAction.STEP_BACK,
    )
    assert back.reasons == (ReasonCode.FALL_RISK_HIGH,)


def test_one_good_week_is_not_enough() -> None:
    state = with_log(CoachState.start(MONDAY), full_week(MONDAY, Phase(1)))
    decision = _decide(state, MONDAY + WEEK)
    assert (decision.phase, decision.action) == (Phase(1), PhaseAction.HOLD)
    assert _figures(decision, ReasonCode.ADHERENCE_NOT_SUSTAINED) == {
        "weeks_met": 1,
        "weeks_needed": 2,
    }


def test_the_week_in_progress_does_not_count_for_a_step_up() -> None:
    state = _two_good_weeks(CoachState.start(MONDAY), MONDAY)
    assert _decide(state, MONDAY + WEEK + timedelta(days=6)).phase is Phase(1)
    assert _decide(state, MONDAY + 2 * WEEK).phase is Phase(2)


def test_unknown_balance_allows_no_step_up() -> None:
    state = _two_good_weeks(CoachState.start(MONDAY), MONDAY)
    decision = _decide(state, MONDAY + 2 * WEEK, RiskLevel.UNKNOWN)
    assert decision.phase is Phase(1)
    assert _codes(decision) == [ReasonCode.ADHERENCE_SUSTAINED, ReasonCode.FALL_RISK_UNKNOWN]


def test_moderate_risk_allows_phase_two_but_not_three() -> None:
    state = _two_good_weeks(CoachState.start(MONDAY), MONDAY)
    assert _decide(state, MONDAY + 2 * WEEK, RiskLevel.MODERATE).phase is Phase(2)
    state = _two_good_weeks(_in_phase(Phase(2), MONDAY), MONDAY, hold_s=45)
    decision = _decide(state, MONDAY + 2 * WEEK, RiskLevel.MODERATE)
    assert decision.phase is Phase(2)
    assert _figures(decision, ReasonCode.FALL_RISK_MODERATE) == {
        "level": "moderate",
        "max_phase": 2,
    }


def test_phase_three_needs_a_thirty_second_practice_hold() -> None:
    state = _two_good_weeks(_in_phase(Phase(2), MONDAY), MONDAY, hold_s=24.5)
    decision = _decide(state, MONDAY + 2 * WEEK)
    assert decision.phase is Phase(2)
    assert _figures(decision, ReasonCode.PRACTICE_HOLD_GOAL_NOT_REACHED) == {
        "best_hold_s": 24.5,
        "goal_s": 30.0,
    }
    state = with_log(state, [hold(MONDAY + WEEK + timedelta(days=5), 31)])
    decision = _decide(state, MONDAY + 2 * WEEK)
    assert (decision.phase, decision.action) == (Phase(3), PhaseAction.STEP_UP)


def test_an_eyes_closed_hold_or_an_old_one_does_not_open_phase_three() -> None:
    state = _two_good_weeks(_in_phase(Phase(2), MONDAY), MONDAY, hold_s=10)
    old = hold(MONDAY - 3 * WEEK, 40)
    eyes_closed = hold(MONDAY + WEEK, 40, eyes_closed=True)
    state = with_log(state, [old, eyes_closed])
    decision = _decide(state, MONDAY + 2 * WEEK)
    assert decision.phase is Phase(2)
    assert _figures(decision, ReasonCode.PRACTICE_HOLD_GOAL_NOT_REACHED)["best_hold_s"] == 10


def test_no_hold_logged_reports_zero() -> None:
    state = _in_phase(Phase(2), MONDAY)
    decision = _decide(state, MONDAY + WEEK)
    assert _figures(decision, ReasonCode.PRACTICE_HOLD_GOAL_NOT_REACHED)["best_hold_s"] == 0.0


@pytest.mark.parametrize("phase", [Phase(2), Phase(3)])
def test_high_risk_steps_back_to_supported_walking(phase: Phase) -> None:
    decision = _decide(_in_phase(phase, MONDAY), MONDAY + WEEK, RiskLevel.HIGH)
    assert (decision.phase, decision.action) == (Phase(1), PhaseAction.STEP_BACK)
    assert _figures(decision, ReasonCode.FALL_RISK_HIGH) == {"level": "high"}


def test_a_decline_steps_back_even_at_low_risk() -> None:
    decision = _decide(_in_phase(Phase(2), MONDAY), MONDAY + WEEK, declining=True)
    assert (decision.phase, decision.action) == (Phase(1), PhaseAction.STEP_BACK)
    assert _codes(decision) == [ReasonCode.BALANCE_DECLINING]


def test_high_risk_and_decline_both_say_so_and_hold_phase_one() -> None:
    state = _two_good_weeks(CoachState.start(MONDAY), MONDAY)
    decision = _decide(state, MONDAY + 2 * WEEK, RiskLevel.HIGH, declining=True)
    assert (decision.phase, decision.action) == (Phase(1), PhaseAction.HOLD)
    assert _codes(decision) == [ReasonCode.FALL_RISK_HIGH, ReasonCode.BALANCE_DECLINING]


def test_top_phase_holds() -> None:
    decision = _decide(_in_phase(Phase(3), MONDAY), MONDAY + 5 * WEEK)
    assert (decision.phase, decision.action) == (Phase(3), PhaseAction.HOLD)
    assert _figures(decision, ReasonCode.TOP_PHASE) == {"phase": 3}


def test_manual_override_wins_but_says_what_the_rules_give() -> None:
    state = CoachState.start(MONDAY).with_override(Phase(3))
    decision = _decide(state, MONDAY + WEEK, RiskLevel.HIGH)
    assert (decision.phase, decision.automatic_phase) == (Phase(3), Phase(1))
    assert decision.action is PhaseAction.OVERRIDE
    assert _codes(decision) == [
        ReasonCode.MANUAL_OVERRIDE,
        ReasonCode.OVERRIDE_DIFFERS_FROM_RULES,
        ReasonCode.FALL_RISK_HIGH,
    ]
    assert _figures(decision, ReasonCode.OVERRIDE_DIFFERS_FROM_RULES) == {
        "phase": 3,
        "automatic_phase": 1,
    }
    state = apply_decision(state, decision, today=MONDAY + WEEK)
    assert state.phase is Phase(3)
    assert state.phase_history[-1].action is PhaseAction.OVERRIDE


def test_an_override_that_agrees_with_the_rules_adds_no_warning() -> None:
    state = CoachState.start(MONDAY).with_override(Phase(1))
    decision = _decide(state, MONDAY + WEEK)
    assert _codes(decision) == [
        ReasonCode.MANUAL_OVERRIDE,
        ReasonCode.ADHERENCE_NOT_SUSTAINED,
        ReasonCode.BALANCE_ALLOWS,
    ]


def test_back_to_automatic_the_rules_apply_again() -> None:
    state = CoachState.start(MONDAY).with_override(Phase(3))
    state, _ = update_phase(state, today=MONDAY, risk_level=LOW, declining=False, tz=AMSTERDAM)
    state = state.with_override(None)
    state, decision = update_phase(
        state, today=MONDAY + WEEK, risk_level=RiskLevel.HIGH, declining=False, tz=AMSTERDAM
    )
    assert (state.phase, decision.action) == (Phase(1), PhaseAction.STEP_BACK)


def test_updating_twice_changes_the_phase_once() -> None:
    state = _two_good_weeks(CoachState.start(MONDAY), MONDAY)
    for _ in range(3):
        state, _ = update_phase(
            state, today=MONDAY + 2 * WEEK, risk_level=LOW, declining=False, tz=AMSTERDAM
        )
    assert [c.phase for c in state.phase_history] == [Phase(1), Phase(2)]


def test_decision_serialises_codes_and_figures_only() -> None:
    state = _two_good_weeks(CoachState.start(MONDAY), MONDAY)
    payload = json.loads(json.dumps(_decide(state, MONDAY + 2 * WEEK).as_dict()))
    assert payload == {
        "phase": 2,
        "automatic_phase": 2,
        "action": "step_up",
        "reasons": [
            {"code": "adherence_sustained", "figures": {"weeks_met": 2, "weeks_needed": 2}},
            {"code": "balance_allows", "figures": {"level": "low"}},
        ],
    }


@pytest.mark.parametrize(
    ("risk", "declining"), [("high", False), (None, False), (LOW, 1), (LOW, None)]
)
def test_bad_inputs_are_refused(risk: object, declining: object) -> None:
    with pytest.raises(ValueError, match="risk_level|declining"):
        decide_phase(
            CoachState.start(MONDAY),
            today=MONDAY,
            risk_level=risk,  # type: ignore[arg-type]
            declining=declining,  # type: ignore[arg-type]
            tz=AMSTERDAM,
        )
