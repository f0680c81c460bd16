"""Single-leg balance practice on the pad: the plan it runs, its cues and the holds it logs.

Practice is not a test. It is never stored as a session, never scored and never feeds the trends
(``docs/coach.md``): its holds become practice activities in the coach's log. It runs the pad's
own single-leg detector on each leg in turn, best of up to three trials, with the hold cap set to
the person's current goal (`practice.practice_progress`), so a hold that reaches the goal ends
that leg. Its cues are its own: "pass" only when a hold reached the goal (the daily check passes
a single-leg trial at 10 s, CDC STEADI), "fail" for a completed hold short of it, none for an
aborted one; "start" and "stop" as in the daily check.

Whether the eyes were closed cannot be measured on the pad: a practice for an eyes-closed goal
asks for closed eyes and logs its holds as such.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from ..detection.check_plan import MAX_TRIALS, CheckPlan
from ..detection.daily_check import CheckEvent, CheckEventKind
from ..detection.stance_config import MAX_CAP_S, MIN_CAP_S
from ..detection.stance_result import EndReason, StanceResult, StanceTest
from .activities import Activity, LoggedVia, new_activity_id
from .programme import ActivityKind, HoldGoal

PRACTICE_TESTS = (StanceTest.SINGLE_LEG_LEFT, StanceTest.SINGLE_LEG_RIGHT)
"""Left leg, then right: both legs practise, as the daily check tests both."""


def practice_plan(goal: HoldGoal) -> CheckPlan:
    """Return the check a practice runs: each leg, best of three, capped at the goal."""
    return CheckPlan(
        tests=PRACTICE_TESTS,
        trials=MAX_TRIALS,
        cap_s=min(max(goal.hold_s, MIN_CAP_S), MAX_CAP_S),
    )


def goal_reached(result: StanceResult, goal: HoldGoal) -> bool:
    """Whether a practice hold reached the goal (held to the cap counts: the cap is the goal)."""
    return result.end_reason is EndReason.CAP or result.hold_time_s >= goal.hold_s


def practice_event(event: CheckEvent, goal: HoldGoal) -> CheckEvent:
    """Return `event` as practice judges it: a completed hold passes only when it reached the goal.

    Its `cue` is then the cue the pad gives (module docstring), and the guidance on a screen says
    "well done" exactly when the pad says "pass"; an aborted hold keeps no verdict (no cue).
    """
    result = event.result
    if event.kind is not CheckEventKind.TRIAL_FINISHED or result is None or not result.completed:
        return event
    return replace(event, passed=goal_reached(result, goal))


def practice_holds(
    results: Iterable[StanceResult], goal: HoldGoal, *, started_at: datetime
) -> tuple[Activity, ...]:
    """Return the best completed hold of each leg as practice activities logged on the pad.

    A leg whose every trial was aborted or never lifted the foot logs nothing. `started_at` is the
    start of the practice (the holds' own times are on the pad's clock).
    """
    best: dict[StanceTest, float] = {}
    for result in results:
        if result.completed and result.hold_time_s > 0:
            best[result.test] = max(best.get(result.test, 0.0), result.hold_time_s)
    return tuple(
        Activity(
            activity_id=new_activity_id(),
            kind=ActivityKind.SINGLE_LEG_HOLD,
            started_at=started_at,
            duration_s=round(best[test], 2),
            logged_via=LoggedVia.PAD,
            eyes_closed=goal.eyes_closed,
        )
        for test in PRACTICE_TESTS
        if test in best
    )
