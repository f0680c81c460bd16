"""Reminder schedule: a time of day on chosen weekdays, on/off, snooze and quiet hours.

Semantics (``docs/coach.md``; all product choices):
- Days: the weekdays the person chose, or the phase's walking days spread over the week
  (`programme.spread_days`), so the days follow the phase as it changes.
- Daylight saving: the time of day is a wall-clock time; a time that does not exist on the
  spring-forward day fires at the first valid instant, a time that exists twice fires once (the
  first), see `clock.local_instant`. Reminders are computed per local day, never by adding 24 h,
  so a change neither doubles nor drops one.
- Quiet hours ``[start, end)`` (may wrap past midnight): a reminder inside them is moved to their
  end (on the next day when the quiet hours wrap and the reminder is before midnight), never
  dropped: one reminder a day is all the coach sends, so losing it would lose the day. What
  counts is the time the clock shows when it fires: one moved by the spring gap into quiet hours
  is moved to their end too.
- Snooze until a time: scheduled reminders before that time are not sent; one reminder is sent
  at that time (moved out of quiet hours like any other).
- Intervals are half-open ``(since, until]``: polling back to back never repeats or skips one.
- A reminder due while Home Assistant was down (`reminders_to_fire`): the latest one fires late,
  once, when it is at most `REMINDER_GRACE` old and the present is outside quiet hours; every
  other one is reported as missed (to be recorded, never sent).

Every instant returned is timezone-aware UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..validation import text
from .activities import parse_instant
from .clock import check_zone, days_between, local_date, local_instant, local_wall_time, utc
from .programme import Phase, plan_for, spread_days

DEFAULT_TIME_OF_DAY = time(10, 0)
"""Default reminder time: mid-morning, in daylight and after breakfast (product choice)."""
REMINDER_GRACE = timedelta(hours=1)
"""How late a reminder may still fire after Home Assistant was down (product choice)."""
MAX_SNOOZE = timedelta(hours=24)
_LOOKAHEAD = timedelta(days=9)
"""Long enough to hold an allowed weekday plus a one-day shift out of quiet hours."""


def _wall(value: object, name: str) -> time:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise ValueError(f"{name} must be a wall-clock time without a time zone, got {value!r}")
    return value


def _parse_wall(value: object, name: str) -> time:
    raw = text(value, name)
    try:
        return _wall(time.fromisoformat(raw), name)
    except ValueError:
        raise ValueError(f"{name} must be a time of day like 09:30, got {raw!r}") from None


@dataclass(frozen=True, slots=True, kw_only=True)
class QuietHours:
    """Local hours ``[start, end)`` without reminders; ``start > end`` wraps past midnight."""

    start: time
    end: time

    def __post_init__(self) -> None:
        """Reject times with a zone and an empty period."""
        _wall(self.start, "quiet hours start")
        _wall(self.end, "quiet hours end")
        if self.start == self.end:
            raise ValueError(f"quiet hours must not start and end at the same time ({self.start})")

    @property
    def wraps(self) -> bool:
        """True when the quiet hours run past midnight."""
        return self.start > self.end

    def contains(self, wall: time) -> bool:
        """Whether the wall-clock time `wall` lies inside the quiet hours."""
        wall = wall.replace(tzinfo=None, fold=0)
        if self.wraps:
            return wall >= self.start or wall < self.end
        return self.start <= wall < self.end

    def as_dict(self) -> dict[str, str]:
        """Return a JSON-friendly mapping."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QuietHours:
        """Read stored quiet hours back; ``ValueError`` naming the field."""
        if not isinstance(data, Mapping):
            raise ValueError(f"quiet hours must be a mapping, got {type(data).__name__}")
        return cls(
            start=_parse_wall(data.get("start"), "quiet hours start"),
            end=_parse_wall(data.get("end"), "quiet hours end"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ReminderSettings:
    """A person's reminder settings; `days` are ISO weekdays (1 = Monday), None = the phase's."""

    enabled: bool = True
    time_of_day: time = DEFAULT_TIME_OF_DAY
    days: frozenset[int] | None = None
    quiet_hours: QuietHours | None = None
    snoozed_until: datetime | None = None

    def __post_init__(self) -> None:
        """Reject settings that could not be scheduled."""
        if not isinstance(self.enabled, bool):
            raise ValueError(f"enabled must be true or false, got {self.enabled!r}")
        _wall(self.time_of_day, "time_of_day")
        if self.days is not None:
            if not isinstance(self.days, frozenset) or not self.days:
                raise ValueError(f"days must be a non-empty set of weekdays, got {self.days!r}")
            if any(
                isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 7
                for day in self.days
            ):
                raise ValueError(f"days must be ISO weekdays from 1 to 7, got {sorted(self.days)}")
        if self.quiet_hours is not None and not isinstance(self.quiet_hours, QuietHours):
            raise ValueError(f"quiet_hours must be QuietHours or None, got {self.quiet_hours!r}")
        if self.snoozed_until is not None:
            object.__setattr__(self, "snoozed_until", utc(self.snoozed_until, "snoozed_until"))

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly mapping."""
        return {
            "enabled": self.enabled,
            "time_of_day": self.time_of_day.isoformat(),
            "days": None if self.days is None else sorted(self.days),
            "quiet_hours": None if self.quiet_hours is None else self.quiet_hours.as_dict(),
            "snoozed_until": None if self.snoozed_until is None else self.snoozed_until.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: object) -> ReminderSettings:
        """Read stored settings back; ``ValueError`` naming the field."""
        if not isinstance(data, Mapping):
            raise ValueError(f"reminder settings must be a mapping, got {type(data).__name__}")
        enabled = data.get("enabled")
        if not isinstance(enabled, bool):
            raise ValueError(f"enabled must be true or false, got {enabled!r}")
        days = data.get("days")
        if days is not None and (
            not isinstance(days, list) or not all(isinstance(day, int) for day in days)
        ):
            raise ValueError(f"days must be a list of weekdays or null, got {days!r}")
        quiet = data.get("quiet_hours")
        snoozed = data.get("snoozed_until")
        return cls(
            enabled=enabled,
            time_of_day=_parse_wall(data.get("time_of_day"), "time_of_day"),
            days=None if days is None else frozenset(days),
            quiet_hours=None if quiet is None else QuietHours.from_dict(quiet),
            snoozed_until=None if snoozed is None else parse_instant(snoozed, "snoozed_until"),
        )


def reminder_days(settings: ReminderSettings, phase: Phase) -> frozenset[int]:
    """Return the ISO weekdays with a reminder: the chosen ones, else the phase's, spread out."""
    if settings.days is not None:
        return settings.days
    return spread_days(plan_for(phase).walk_days_per_week)


def planned_at(day: date, settings: ReminderSettings, tz: ZoneInfo) -> datetime:
    """Return the instant of the reminder (and planned walk) of local `day`, out of quiet hours."""
    at = local_instant(day, settings.time_of_day, check_zone(tz))
    # Judged by the time the clock shows then: a time of day that a daylight-saving gap
    # swallowed is shown as the gap's end, which may be quiet.
    return _out_of_quiet(at, settings.quiet_hours, tz)


def _out_of_quiet(at: datetime, quiet: QuietHours | None, tz: ZoneInfo) -> datetime:
    """Return `at`, or the end of the quiet hours it falls in."""
    if quiet is None:
        return at
    wall = local_wall_time(at, tz)
    if not quiet.contains(wall):
        return at
    day = local_date(at, tz)
    if quiet.wraps and wall >= quiet.start:
        day += timedelta(days=1)
    return local_instant(day, quiet.end, tz)


def _snooze_at(settings: ReminderSettings, tz: ZoneInfo) -> datetime | None:
    until = settings.snoozed_until
    return None if until is None else _out_of_quiet(until, settings.quiet_hours, tz)


def due_reminders(
    since: datetime, until: datetime, settings: ReminderSettings, tz: ZoneInfo, *, phase: Phase
) -> tuple[datetime, ...]:
    """Every reminder in ``(since, until]``, in order, each once (rules in the module docstring)."""
    since, until = utc(since, "since"), utc(until, "until")
    check_zone(tz)
    if not settings.enabled or until <= since:
        return ()
    weekdays = reminder_days(settings, phase)
    # A reminder on local day d falls on d or, moved out of quiet hours, on d + 1.
    first = local_date(since, tz) - timedelta(days=1)
    found = {
        at
        for day in days_between(first, local_date(until, tz))
        if day.isoweekday() in weekdays
        for at in (planned_at(day, settings, tz),)
        if since < at <= until
    }
    snooze = _snooze_at(settings, tz)
    if snooze is not None:
        found = {at for at in found if at >= snooze}
        if since < snooze <= until:
            found.add(snooze)
    return tuple(sorted(found))


def next_reminder(
    after: datetime, settings: ReminderSettings, tz: ZoneInfo, *, phase: Phase
) -> datetime | None:
    """Return the first reminder strictly after `after`; None when reminders are off."""
    after = utc(after, "after")
    horizon = after + _LOOKAHEAD
    if settings.snoozed_until is not None:
        horizon = max(horizon, settings.snoozed_until + _LOOKAHEAD)
    upcoming = due_reminders(after, horizon, settings, tz, phase=phase)
    return upcoming[0] if upcoming else None


def snooze(settings: ReminderSettings, *, now: datetime, until: datetime) -> ReminderSettings:
    """Return `settings` snoozed until `until` (after `now`, at most `MAX_SNOOZE` later)."""
    now, until = utc(now, "now"), utc(until, "until")
    if not now < until <= now + MAX_SNOOZE:
        raise ValueError(
            f"a snooze must end after now and within {MAX_SNOOZE}, got {until.isoformat()} "
            f"(now {now.isoformat()})"
        )
    return replace(settings, snoozed_until=until)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReminderCatchUp:
    """What to do with the reminders due since the last check."""

    fire_at: datetime | None
    """The one reminder to send now (its scheduled instant), if any."""
    missed: tuple[datetime, ...]
    """Reminders not sent: to be recorded as missed."""


def reminders_to_fire(
    since: datetime,
    now: datetime,
    settings: ReminderSettings,
    tz: ZoneInfo,
    *,
    phase: Phase,
    grace: timedelta = REMINDER_GRACE,
) -> ReminderCatchUp:
    """Reminders due in ``(since, now]``: the latest fires if recent enough, the rest are missed.

    Called at each scheduled reminder (then the latest is due now and fires) and at start-up with
    `since` the last check before Home Assistant stopped.
    """
    now = utc(now, "now")
    due = due_reminders(since, now, settings, tz, phase=phase)
    if not due:
        return ReminderCatchUp(fire_at=None, missed=())
    latest = due[-1]
    quiet = settings.quiet_hours
    in_quiet = quiet is not None and quiet.contains(local_wall_time(now, tz))
    if now - latest <= grace and not in_quiet:
        return ReminderCatchUp(fire_at=latest, missed=due[:-1])
    return ReminderCatchUp(fire_at=None, missed=due)
