"""Adherence: what was done in an ISO week (local time) against the phase's weekly target.

A week meets the target when (product choice, docs/coach.md):
- on at least the phase's walking days, the day's retro walks add up to its shortest session
  (phase 1: 3 days with ≥ 3 min), and
- each complementary exercise was done on at least its days (any logged amount counts).

A week is measured against the lowest phase in force during it (``history.lowest_phase_between``).
Minutes and sessions count every logged retro walk, however short.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from .activities import Activity
from .clock import local_date, week_start
from .history import PhaseChange, lowest_phase_between, phase_since
from .programme import ActivityKind, Phase, plan_for

DAYS_PER_WEEK = 7

ActivitiesByDay = Mapping[date, Sequence[Activity]]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExerciseDays:
    """Days in the week on which one complementary exercise was done, and the target."""

    kind: ActivityKind
    days: int
    target_days: int


@dataclass(frozen=True, slots=True, kw_only=True)
class WeekAdherence:
    """One ISO week (Monday `week_start`) against the target of `phase`."""

    week_start: date
    phase: Phase
    walk_minutes: float
    walk_sessions: int
    walk_days: int
    """Days on which the retro walks added up to the phase's shortest session."""
    target_walk_days: int
    target_walk_minutes: int
    exercises: tuple[ExerciseDays, ...]
    best_hold_eyes_open_s: float | None
    best_hold_eyes_closed_s: float | None
    complete: bool
    """Whether the week is over (today is after its Sunday)."""

    @property
    def met(self) -> bool:
        """Whether the week met the whole target (walks and complementary exercises)."""
        return self.walk_days >= self.target_walk_days and all(
            exercise.days >= exercise.target_days for exercise in self.exercises
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AdherenceSummary:
    """The current week so far and the run of weeks meeting the target."""

    this_week: WeekAdherence | None
    """None before the programme starts."""
    weeks_in_a_row: int
    """Weeks meeting the target, counted back from last week, plus this week once it is met."""


def activities_by_day(activities: Iterable[Activity], tz: ZoneInfo) -> dict[date, list[Activity]]:
    """Activities grouped by the local day they started on."""
    grouped: dict[date, list[Activity]] = defaultdict(list)
    for activity in activities:
        grouped[local_date(activity.started_at, tz)].append(activity)
    return dict(grouped)


def walked_on(activities: Iterable[Activity], day: date, tz: ZoneInfo) -> bool:
    """Whether a retro walk was logged on local `day` (the HA side may then skip its reminder)."""
    return any(
        a.kind is ActivityKind.RETRO_WALK and local_date(a.started_at, tz) == day
        for a in activities
    )


def week_adherence(
    by_day: ActivitiesByDay, history: Sequence[PhaseChange], monday: date, *, today: date
) -> WeekAdherence | None:
    """Adherence in the week starting `monday` (None when no phase was in force that week)."""
    sunday = monday + timedelta(days=DAYS_PER_WEEK - 1)
    phase = lowest_phase_between(history, monday, sunday)
    if phase is None:
        return None
    plan = plan_for(phase)
    # Days after `today` are left out: `today` may lie in the past (recomputing a past state).
    days = [monday + timedelta(days=n) for n in range(DAYS_PER_WEEK)]
    days = [day for day in days if day <= today]
    walk_minutes_per_day = [
        sum(a.duration_min for a in by_day.get(day, ()) if a.kind is ActivityKind.RETRO_WALK)
        for day in days
    ]
    walks = [a for day in days for a in by_day.get(day, ()) if a.kind is ActivityKind.RETRO_WALK]
    holds = [
        a for day in days for a in by_day.get(day, ()) if a.kind is ActivityKind.SINGLE_LEG_HOLD
    ]
    exercises = tuple(
        ExerciseDays(
            kind=target.kind,
            days=sum(any(a.kind is target.kind for a in by_day.get(day, ())) for day in days),
            target_days=target.days_per_week,
        )
        for target in plan.exercises
    )
    return WeekAdherence(
        week_start=monday,
        phase=phase,
        walk_minutes=sum(walk_minutes_per_day),
        walk_sessions=len(walks),
        walk_days=sum(minutes >= plan.walk_minutes_min for minutes in walk_minutes_per_day),
        target_walk_days=plan.walk_days_per_week,
        target_walk_minutes=plan.walk_minutes_per_week,
        exercises=exercises,
        best_hold_eyes_open_s=max((a.duration_s for a in holds if not a.eyes_closed), default=None),
        best_hold_eyes_closed_s=max((a.duration_s for a in holds if a.eyes_closed), default=None),
        complete=today > sunday,
    )


def weeks_met_in_a_row(
    by_day: ActivitiesByDay,
    history: Sequence[PhaseChange],
    *,
    today: date,
    not_before: date | None = None,
) -> int:
    """Complete weeks meeting the target, counted back from last week.

    Counting stops at the first week that missed, at the programme's first week, or (when
    `not_before` is given) at a week starting before that day.
    """
    count = 0
    monday = week_start(today) - timedelta(days=DAYS_PER_WEEK)
    while not_before is None or monday >= not_before:
        week = week_adherence(by_day, history, monday, today=today)
        if week is None or not week.met:
            break
        count += 1
        monday -= timedelta(days=DAYS_PER_WEEK)
    return count


def weeks_met_in_phase(
    by_day: ActivitiesByDay, history: Sequence[PhaseChange], *, today: date
) -> int:
    """Complete weeks in a row meeting the target, all spent wholly in the current phase."""
    since = phase_since(history)
    first_full_week = week_start(since)
    if first_full_week < since:
        first_full_week += timedelta(days=DAYS_PER_WEEK)
    return weeks_met_in_a_row(by_day, history, today=today, not_before=first_full_week)


def adherence_summary(
    activities: Iterable[Activity], history: Sequence[PhaseChange], *, today: date, tz: ZoneInfo
) -> AdherenceSummary:
    """Return the current week's adherence and the weeks in a row meeting the target."""
    by_day = activities_by_day(activities, tz)
    this_week = week_adherence(by_day, history, week_start(today), today=today)
    streak = weeks_met_in_a_row(by_day, history, today=today)
    if this_week is not None and this_week.met:
        streak += 1
    return AdherenceSummary(this_week=this_week, weeks_in_a_row=streak)
