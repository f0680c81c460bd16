"""Builders for the coach tests: activities at local times and weeks that meet a phase's target."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from custom_components.retro_balance.engine.coach.activities import Activity, LoggedVia
from custom_components.retro_balance.engine.coach.programme import (
    ActivityKind,
    Phase,
    Support,
    plan_for,
)
from custom_components.retro_balance.engine.coach.state import CoachState

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NEW_YORK = ZoneInfo("America/New_York")
MONDAY = date(2026, 1, 5)
"""A Monday well away from daylight-saving changes."""

_ids = count()


def at(day: date, hour: int = 11, minute: int = 0, tz: ZoneInfo = AMSTERDAM) -> datetime:
    """A local wall-clock time on `day` as an aware datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


def activity(
    kind: ActivityKind,
    day: date,
    *,
    minutes: float = 5.0,
    hour: int = 11,
    tz: ZoneInfo = AMSTERDAM,
    eyes_closed: bool | None = None,
    hold_s: float | None = None,
    note: str | None = None,
) -> Activity:
    """One activity starting at `hour` local time on `day`."""
    is_hold = kind is ActivityKind.SINGLE_LEG_HOLD
    return Activity(
        activity_id=f"a{next(_ids)}",
        kind=kind,
        started_at=at(day, hour, tz=tz),
        duration_s=(hold_s if hold_s is not None else 20.0) if is_hold else minutes * 60.0,
        logged_via=LoggedVia.BUTTON,
        support=Support.WALL_OR_RAIL if kind is ActivityKind.RETRO_WALK else None,
        eyes_closed=(bool(eyes_closed) if is_hold else None),
        note=note,
    )


def walk(day: date, minutes: float = 5.0, **kwargs: object) -> Activity:
    """A retro walk."""
    return activity(ActivityKind.RETRO_WALK, day, minutes=minutes, **kwargs)  # type: ignore[arg-type]


def hold(day: date, hold_s: float, *, eyes_closed: bool = False, hour: int = 12) -> Activity:
    """A single-leg practice hold."""
    return activity(
        ActivityKind.SINGLE_LEG_HOLD, day, hold_s=hold_s, eyes_closed=eyes_closed, hour=hour
    )


def full_week(monday: date, phase: Phase, *, hold_s: float = 20.0) -> list[Activity]:
    """Activities that meet `phase`'s whole target in the week of `monday` (nothing more)."""
    plan = plan_for(phase)
    done: list[Activity] = [
        walk(monday + timedelta(days=n), minutes=plan.walk_minutes_min)
        for n in range(plan.walk_days_per_week)
    ]
    for target in plan.exercises:
        for n in range(target.days_per_week):
            day = monday + timedelta(days=n)
            if target.kind is ActivityKind.SINGLE_LEG_HOLD:
                done.append(hold(day, hold_s))
            else:
                done.append(activity(target.kind, day, minutes=2, hour=15))
    return done


def with_log(state: CoachState, activities: list[Activity]) -> CoachState:
    """`state` with `activities` logged (now = far future, so none is refused as future)."""
    for item in activities:
        state = state.log(item, now=datetime(2100, 1, 1, tzinfo=AMSTERDAM))
    return state
