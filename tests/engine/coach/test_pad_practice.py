"""Single-leg practice on the pad: its plan, its own cues, and the holds it logs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from custom_components.retro_balance.engine.coach.activities import LoggedVia
from custom_components.retro_balance.engine.coach.pad_practice import (
    PRACTICE_TESTS,
    practice_event,
    practice_holds,
    practice_plan,
)
from custom_components.retro_balance.engine.coach.programme import (
    HOLD_LADDER,
    ActivityKind,
    HoldGoal,
)
from custom_components.retro_balance.engine.detection.check_plan import trial_passed
from custom_components.retro_balance.engine.detection.daily_check import (
    CheckEvent,
    CheckEventKind,
)
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    QualityFlag,
    StanceResult,
    StanceTest,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
THIRTY_S, SIXTY_S, EYES_CLOSED = HOLD_LADDER


def result(
    test: StanceTest,
    hold_s: float,
    end_reason: EndReason = EndReason.TOUCHED_DOWN,
    *,
    cap_s: float = 30.0,
    quality: frozenset[QualityFlag] = frozenset(),
) -> StanceResult:
    return StanceResult(
        test=test,
        hold_time_s=hold_s,
        cap_s=cap_s,
        end_reason=end_reason,
        started_at_s=0.0,
        body_mass_kg=64.0,
        sway=None,
        quality=quality,
    )


def finished(res: StanceResult) -> CheckEvent:
    return CheckEvent(
        kind=CheckEventKind.TRIAL_FINISHED,
        time_s=1.0,
        test=res.test,
        trial=1,
        result=res,
        passed=trial_passed(res),
    )


@pytest.mark.parametrize(
    ("goal", "cap_s"), [(THIRTY_S, 30.0), (SIXTY_S, 60.0), (EYES_CLOSED, 10.0)]
)
def test_plan_runs_both_legs_capped_at_the_goal(goal: HoldGoal, cap_s: float) -> None:
    plan = practice_plan(goal)
    assert plan.tests == PRACTICE_TESTS
    assert plan.cap_s == cap_s
    assert plan.trials_for(StanceTest.SINGLE_LEG_LEFT) == 3


def test_plan_keeps_a_goal_inside_the_pads_cap_limits() -> None:
    assert practice_plan(HoldGoal(hold_s=5.0, eyes_closed=True)).cap_s == 10.0
    assert practice_plan(HoldGoal(hold_s=90.0, eyes_closed=False)).cap_s == 60.0


def test_cue_passes_only_at_the_goal_not_at_the_daily_checks_10_s() -> None:
    fifteen = finished(result(StanceTest.SINGLE_LEG_LEFT, 15.0))
    # The daily check would pass this trial (CDC STEADI 10 s); practice for 30 s does not.
    assert fifteen.cue == "pass"
    assert practice_event(fifteen, THIRTY_S).cue == "fail"
    assert practice_event(fifteen, THIRTY_S).passed is False  # the guidance says so too
    held = finished(result(StanceTest.SINGLE_LEG_LEFT, 30.0, EndReason.CAP))
    assert practice_event(held, THIRTY_S).cue == "pass"
    assert practice_event(fifteen, EYES_CLOSED).cue == "pass"


def test_an_aborted_hold_has_no_cue_and_other_events_keep_theirs() -> None:
    aborted = finished(result(StanceTest.SINGLE_LEG_LEFT, 3.0, EndReason.CANCELLED))
    assert practice_event(aborted, THIRTY_S).cue is None
    no_result = CheckEvent(
        kind=CheckEventKind.TRIAL_FINISHED, time_s=1.0, test=StanceTest.SINGLE_LEG_LEFT, trial=1
    )
    assert practice_event(no_result, THIRTY_S).cue is None
    for kind, cue in (
        (CheckEventKind.HOLD_STARTED, "start"),
        (CheckEventKind.CHECK_FINISHED, "stop"),
        (CheckEventKind.TRIAL_STARTED, None),
    ):
        event = CheckEvent(kind=kind, time_s=0.0, test=None, trial=0)
        assert practice_event(event, THIRTY_S).cue == cue


def test_holds_log_the_best_completed_hold_of_each_leg() -> None:
    results = [
        result(StanceTest.SINGLE_LEG_LEFT, 12.5),
        result(StanceTest.SINGLE_LEG_LEFT, 21.25),
        result(StanceTest.SINGLE_LEG_LEFT, 40.0, EndReason.CANCELLED),
        result(StanceTest.SINGLE_LEG_RIGHT, 0.0, EndReason.STEPPED_OFF),
        result(StanceTest.SINGLE_LEG_RIGHT, 9.0, quality=frozenset({QualityFlag.TOO_LIGHT})),
        result(StanceTest.SINGLE_LEG_RIGHT, 8.0),
    ]
    holds = practice_holds(results, THIRTY_S, started_at=START)
    assert [(h.kind, h.duration_s, h.eyes_closed) for h in holds] == [
        (ActivityKind.SINGLE_LEG_HOLD, 21.25, False),
        (ActivityKind.SINGLE_LEG_HOLD, 8.0, False),
    ]
    assert {h.logged_via for h in holds} == {LoggedVia.PAD}
    assert {h.started_at for h in holds} == {START}
    assert len({h.activity_id for h in holds}) == 2


def test_holds_of_an_eyes_closed_practice_are_logged_eyes_closed() -> None:
    holds = practice_holds(
        [result(StanceTest.SINGLE_LEG_RIGHT, 6.0)], EYES_CLOSED, started_at=START
    )
    assert [(h.duration_s, h.eyes_closed) for h in holds] == [(6.0, True)]


def test_nothing_completed_logs_nothing() -> None:
    aborted = result(StanceTest.SINGLE_LEG_LEFT, 4.0, EndReason.SIGNAL_LOST)
    assert practice_holds([aborted], THIRTY_S, started_at=START) == ()
