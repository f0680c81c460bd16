"""Single-leg practice on the pad: the best recent holds and the next goal on the ladder.

Practice holds never count as a daily check and never move the trends; they only show progress
(the hold growing) and gate the step up to phase 3 (``progression.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from .activities import Activity
from .clock import local_date
from .programme import HOLD_LADDER, ActivityKind, HoldGoal, PhasePlan

HOLD_WINDOW_DAYS = 14
"""Holds older than this no longer show what someone can do (product choice: two weeks, the same
span as the adherence a step up needs)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PracticeProgress:
    """Best recent holds and the goal to practise next."""

    best_eyes_open_s: float | None
    best_eyes_closed_s: float | None
    goal: HoldGoal

    @property
    def goal_reached(self) -> bool:
        """Whether the current goal was reached within the window."""
        return reached(self.goal, self.best_eyes_open_s, self.best_eyes_closed_s)


def best_holds(
    activities: Iterable[Activity], *, today: date, tz: ZoneInfo, eyes_closed: bool
) -> float | None:
    """Longest single-leg practice hold in the last `HOLD_WINDOW_DAYS` days up to `today`."""
    first = today - timedelta(days=HOLD_WINDOW_DAYS - 1)
    holds = [
        activity.duration_s
        for activity in activities
        if activity.kind is ActivityKind.SINGLE_LEG_HOLD
        and activity.eyes_closed is eyes_closed
        and first <= local_date(activity.started_at, tz) <= today
    ]
    return max(holds, default=None)


def reached(
    goal: HoldGoal, best_eyes_open_s: float | None, best_eyes_closed_s: float | None
) -> bool:
    """Whether a best hold (of the goal's eyes condition) reached the goal."""
    best = best_eyes_closed_s if goal.eyes_closed else best_eyes_open_s
    return best is not None and best >= goal.hold_s


def practice_progress(
    activities: Iterable[Activity], plan: PhasePlan, *, today: date, tz: ZoneInfo
) -> PracticeProgress:
    """Best recent holds and the first goal of the ladder not yet reached, up to the phase's top.

    When every goal up to the phase's top is reached, the goal stays at the top (keep it up).
    """
    kept = tuple(activities)
    eyes_open = best_holds(kept, today=today, tz=tz, eyes_closed=False)
    eyes_closed = best_holds(kept, today=today, tz=tz, eyes_closed=True)
    ladder = HOLD_LADDER[: HOLD_LADDER.index(plan.top_hold_goal) + 1]
    goal = next((g for g in ladder if not reached(g, eyes_open, eyes_closed)), ladder[-1])
    return PracticeProgress(best_eyes_open_s=eyes_open, best_eyes_closed_s=eyes_closed, goal=goal)
