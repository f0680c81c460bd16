"""A person's coach as entities show it: one immutable view per person, part of the snapshot.

`PadCoach` rebuilds a person's view when their coach state or phase decision changes and once a
day (the week's adherence, the practice window and the trends move with the date); otherwise the
same object is reused, so the person's entities skip the update by identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .engine.coach.adherence import AdherenceSummary, adherence_summary, walked_on
from .engine.coach.clock import local_date, local_instant, week_start
from .engine.coach.practice import PracticeProgress, practice_progress
from .engine.coach.programme import Phase, PhasePlan, plan_for
from .engine.coach.progression import PhaseDecision
from .engine.coach.reminders import next_reminder
from .engine.coach.state import CoachState

MAX_SKIPPED_DAYS = 8
"""Enough to pass a week of reminders on days already walked (one a day at most)."""


@dataclass(frozen=True, kw_only=True)
class PersonCoach:
    """Everything the coach entities of one person show."""

    state: CoachState
    decision: PhaseDecision | None
    """The last phase decision (None until the rules ran once after start-up)."""
    today: date
    week_started_at: datetime
    """Monday 00:00 local of this week (the weekly totals' last reset)."""
    adherence: AdherenceSummary
    practice: PracticeProgress
    next_reminder: datetime | None
    """The next reminder that will be sent (a day already walked is skipped)."""

    @property
    def phase(self) -> Phase:
        """The phase in force."""
        return self.state.phase

    @property
    def programme_start(self) -> date | None:
        """The programme's first day once anything is logged (None: not begun in practice).

        A person's programme is created when they are added; until they log a walk or an
        exercise it has not really begun, so the trends do not compare before and after it.
        """
        return self.state.programme_start if self.state.activities else None

    @property
    def plan(self) -> PhasePlan:
        """The phase's plan: walks, support, focus, weekly target."""
        return plan_for(self.state.phase)


def reminder_to_send(state: CoachState, after: datetime, tz: ZoneInfo) -> datetime | None:
    """Return the first reminder after `after` on a day without a logged retro walk."""
    for _ in range(MAX_SKIPPED_DAYS):
        at = next_reminder(after, state.reminders, tz, phase=state.phase)
        if at is None or not walked_on(state.activities, local_date(at, tz), tz):
            return at
        after = at
    return None


def person_coach(
    state: CoachState,
    decision: PhaseDecision | None,
    *,
    now: datetime,
    tz: ZoneInfo,
) -> PersonCoach:
    """Build a person's view of their coach at `now`."""
    today = local_date(now, tz)
    return PersonCoach(
        state=state,
        decision=decision,
        today=today,
        week_started_at=local_instant(week_start(today), time(0), tz),
        adherence=adherence_summary(state.activities, state.phase_history, today=today, tz=tz),
        practice=practice_progress(state.activities, plan_for(state.phase), today=today, tz=tz),
        next_reminder=reminder_to_send(state, now, tz),
    )


def local_midnight_after(now: datetime, tz: ZoneInfo) -> datetime:
    """Return the instant the next local day begins (the daily re-evaluation)."""
    return local_instant(local_date(now, tz) + timedelta(days=1), time(0), tz)
