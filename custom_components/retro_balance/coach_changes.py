"""The changes the coach's commands make to a person's state, and their defaults.

Pure functions on the engine's types: `PadCoach` applies them (after checking due reminders) and
stores the result. The defaults here are product choices, documented in `docs/coach.md`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .engine.coach.activities import Activity, LoggedVia, new_activity_id
from .engine.coach.programme import ActivityKind, Support, plan_for
from .engine.coach.reminders import QuietHours, ReminderSettings, snooze
from .engine.coach.state import CoachState

DEFAULT_QUIET_HOURS = QuietHours(start=time(21, 0), end=time(8, 0))
"""Quiet hours of a new programme: no reminder, and no snoozed one, at night."""
EXERCISE_MINUTES = 2.0
"""What logging a tandem walk or marching without minutes logs (any logged amount counts)."""
PAD_REPEAT_WINDOW = timedelta(minutes=10)
"""A second "walk done" on the pad within this of the last one is the same walk (a double press)."""
MAX_RESTART_DAYS = 366
"""A programme may be started again from up to a year back."""

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday keys of the `set_retro_walk_days` action, Monday first (ISO weekday = index + 1)."""
DAYS_PROGRAMME = "programme"
DAYS_CUSTOM = "custom"
DAY_PRESETS: dict[str, frozenset[int] | None] = {
    DAYS_PROGRAMME: None,
    "every_day": frozenset(range(1, 8)),
    "weekdays": frozenset(range(1, 6)),
    "mon_wed_fri": frozenset({1, 3, 5}),
    "tue_thu_sat": frozenset({2, 4, 6}),
}
"""The reminder-day select's choices (`programme`: the phase's days, spread over the week)."""
DAY_CHOICES = (*DAY_PRESETS, DAYS_CUSTOM)
"""`custom`: days chosen with the `set_retro_walk_days` action that match no preset."""


def days_choice(days: frozenset[int] | None) -> str:
    """Return the select's choice for reminder days."""
    return next((key for key, preset in DAY_PRESETS.items() if preset == days), DAYS_CUSTOM)


def iso_weekdays(keys: list[str]) -> frozenset[int] | None:
    """Return the ISO weekdays of weekday keys (none: follow the programme)."""
    return frozenset(WEEKDAYS.index(key) + 1 for key in keys) or None


def coach_error(key: str, **placeholders: str) -> ServiceValidationError:
    """Return an error for users, translated (`exceptions.<key>` in strings.json)."""
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def new_programme(today: date) -> CoachState:
    """Return the state of someone who starts the programme today (phase 1, reminders on)."""
    return CoachState.start(today, ReminderSettings(quiet_hours=DEFAULT_QUIET_HOURS))


def new_activity(
    state: CoachState,
    kind: ActivityKind,
    *,
    now: datetime,
    via: LoggedVia,
    minutes: float | None = None,
    support: Support | None = None,
    note: str | None = None,
    started_at: datetime | None = None,
) -> Activity:
    """Return an activity to log; ``ValueError`` when it cannot be one.

    Without minutes a retro walk lasts the phase's shortest session (so that it counts for the
    week) and another exercise `EXERCISE_MINUTES`; without a start it ended now. A walk logged by
    a button or the pad used the phase's support (what the reminder asked for); one logged by an
    action says its own, or nothing.
    """
    plan = plan_for(state.phase)
    if minutes is None:
        minutes = plan.walk_minutes_min if kind is ActivityKind.RETRO_WALK else EXERCISE_MINUTES
    if support is None and kind is ActivityKind.RETRO_WALK and via is not LoggedVia.ACTION:
        support = plan.support
    return Activity(
        activity_id=new_activity_id(),
        kind=kind,
        started_at=started_at or now - timedelta(minutes=minutes),
        duration_s=minutes * 60.0,
        logged_via=via,
        support=support,
        note=note,
    )


def repeats_a_pad_walk(state: CoachState, now: datetime) -> bool:
    """Whether a "walk done" on the pad now repeats one logged there minutes ago."""
    return any(
        activity.logged_via is LoggedVia.PAD
        and activity.kind is ActivityKind.RETRO_WALK
        and now - activity.ended_at < PAD_REPEAT_WINDOW
        for activity in state.activities
    )


ReminderChange = Callable[[ReminderSettings], ReminderSettings]


def with_fields(**fields: Any) -> ReminderChange:
    """Return the change that sets reminder fields (enabled, time_of_day, days)."""
    return lambda settings: replace(settings, **fields)


def snoozed_for(minutes: float) -> ReminderChange:
    """Return the change that sends no reminder for `minutes` from now, and one then."""

    def change(settings: ReminderSettings) -> ReminderSettings:
        now = dt_util.utcnow()
        return snooze(settings, now=now, until=now + timedelta(minutes=minutes))

    return change


def with_quiet_hours(start: time | None = None, end: time | None = None) -> ReminderChange:
    """Return the change that moves the start or the end of the quiet hours."""

    def change(settings: ReminderSettings) -> ReminderSettings:
        quiet = settings.quiet_hours or DEFAULT_QUIET_HOURS
        hours = QuietHours(start=start or quiet.start, end=end or quiet.end)
        return replace(settings, quiet_hours=hours)

    return change


def restarted(state: CoachState, on: date, *, today: date) -> CoachState:
    """Return `state` with the programme begun again in phase 1 on `on` (the log is kept).

    ``ValueError`` for a day in the future or more than `MAX_RESTART_DAYS` back. A phase chosen
    by hand is dropped: a new start follows the rules.
    """
    if not today - timedelta(days=MAX_RESTART_DAYS) <= on <= today:
        raise ValueError(f"the programme may start from {MAX_RESTART_DAYS} days back to today")
    fresh = CoachState.start(on, state.reminders)
    return replace(state, started_on=on, phase_history=fresh.phase_history, override=None)
