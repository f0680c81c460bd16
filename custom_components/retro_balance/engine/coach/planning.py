"""Calendar contents: planned walks (programme start to four weeks ahead) and logged activities.

Planned sessions fall on the reminder days at the reminder instant (`reminders.planned_at`, so
quiet hours and daylight saving apply the same way) and last the phase's longest session. Past
days use the phase then in force (from the history); today and later use the current phase (a
future change cannot be known). Reminder days and time are the current settings, also for the
past: the state does not keep a history of settings. Planning does not depend on reminders being
switched on — the plan stands whether or not the person wants to be reminded.

A planned session is `completed` when a retro walk was logged on its local day. Every logged
activity is an event of its own, always `completed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from .adherence import activities_by_day
from .clock import check_zone, days_between, local_date, utc
from .history import phase_on
from .programme import ActivityKind, Phase, plan_for
from .reminders import planned_at, reminder_days
from .state import CoachState

PLAN_AHEAD_WEEKS = 4


class CalendarKey(StrEnum):
    """Summary keys of calendar events (translated by the HA side)."""

    PLANNED_RETRO_WALK = "planned_retro_walk"
    RETRO_WALK_DONE = "retro_walk_done"
    TANDEM_WALK_DONE = "tandem_walk_done"
    MARCHING_DONE = "marching_done"
    SINGLE_LEG_HOLD_DONE = "single_leg_hold_done"


DONE_KEYS = {
    ActivityKind.RETRO_WALK: CalendarKey.RETRO_WALK_DONE,
    ActivityKind.TANDEM_WALK: CalendarKey.TANDEM_WALK_DONE,
    ActivityKind.MARCHING: CalendarKey.MARCHING_DONE,
    ActivityKind.SINGLE_LEG_HOLD: CalendarKey.SINGLE_LEG_HOLD_DONE,
}
BEFORE_PROGRAMME_KEY = "before_programme"
"""Description key of an activity logged before the programme's first day."""


def phase_description_key(phase: Phase) -> str:
    """Return the description key naming a phase (``phase_1`` …)."""
    return f"phase_{int(phase)}"


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarEvent:
    """One calendar event; instants in UTC."""

    start: datetime
    end: datetime
    summary_key: CalendarKey
    description_key: str
    completed: bool
    phase: Phase | None
    activity_id: str | None = None
    """The logged activity shown (None for a planned session)."""
    note: str | None = None


def calendar_events(
    state: CoachState, *, start: datetime, end: datetime, today: date, tz: ZoneInfo
) -> tuple[CalendarEvent, ...]:
    """Planned and logged events overlapping ``[start, end)``, ordered by start."""
    start, end = utc(start, "start"), utc(end, "end")
    check_zone(tz)
    if end <= start:
        return ()
    events = [*_planned(state, start, end, today, tz), *_logged(state, start, end, tz)]
    return tuple(sorted(events, key=lambda e: (e.start, e.activity_id is not None, e.end)))


def _planned(
    state: CoachState, start: datetime, end: datetime, today: date, tz: ZoneInfo
) -> list[CalendarEvent]:
    horizon = today + timedelta(weeks=PLAN_AHEAD_WEEKS)
    # A planned session of day d may be moved to d + 1 by quiet hours.
    first = max(state.started_on, local_date(start, tz) - timedelta(days=1))
    last = min(horizon, local_date(end, tz))
    walked = {
        day
        for day, activities in activities_by_day(state.activities, tz).items()
        if any(a.kind is ActivityKind.RETRO_WALK for a in activities)
    }
    events = []
    for day in days_between(first, last):
        phase = state.phase if day >= today else phase_on(state.phase_history, day)
        if phase is None or day.isoweekday() not in reminder_days(state.reminders, phase):
            continue
        begins = planned_at(day, state.reminders, tz)
        ends = begins + timedelta(minutes=plan_for(phase).walk_minutes_max)
        if begins < end and ends > start:
            events.append(
                CalendarEvent(
                    start=begins,
                    end=ends,
                    summary_key=CalendarKey.PLANNED_RETRO_WALK,
                    description_key=phase_description_key(phase),
                    completed=local_date(begins, tz) in walked,
                    phase=phase,
                )
            )
    return events


def _logged(state: CoachState, start: datetime, end: datetime, tz: ZoneInfo) -> list[CalendarEvent]:
    events = []
    for activity in state.activities:
        if not (activity.started_at < end and activity.ended_at > start):
            continue
        phase = phase_on(state.phase_history, local_date(activity.started_at, tz))
        events.append(
            CalendarEvent(
                start=activity.started_at,
                end=activity.ended_at,
                summary_key=DONE_KEYS[activity.kind],
                description_key=BEFORE_PROGRAMME_KEY
                if phase is None
                else phase_description_key(phase),
                completed=True,
                phase=phase,
                activity_id=activity.activity_id,
                note=activity.note,
            )
        )
    return events
