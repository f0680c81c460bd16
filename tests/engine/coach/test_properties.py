"""Properties of the reminder schedule in zones with odd daylight-saving rules (hypothesis).

Zones: Amsterdam and New York (the usual one-hour changes), Sydney (southern hemisphere),
Lord Howe (a half-hour change), São Paulo (until 2019 its clocks jumped at midnight, so some days
had no 00:00), Chatham (+12:45/+13:45). Years 2015–2030 cover the São Paulo changes.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.retro_balance.engine.coach.activities import Activity, LoggedVia
from custom_components.retro_balance.engine.coach.clock import days_between, local_instant
from custom_components.retro_balance.engine.coach.programme import ActivityKind, Phase, Support
from custom_components.retro_balance.engine.coach.reminders import (
    QuietHours,
    ReminderSettings,
    due_reminders,
    next_reminder,
    reminder_days,
)

FAST = settings(max_examples=80, deadline=None, database=None)

ZONES = tuple(
    ZoneInfo(name)
    for name in (
        "Europe/Amsterdam",
        "America/New_York",
        "Australia/Sydney",
        "Australia/Lord_Howe",
        "America/Sao_Paulo",
        "Pacific/Chatham",
    )
)
FIRST, LAST = datetime(2015, 1, 1, tzinfo=UTC), datetime(2031, 1, 1, tzinfo=UTC)


def _transitions(tz: ZoneInfo) -> list[datetime]:
    """Instants at which `tz` changes its offset (found day by day, then to the second)."""
    found = []
    day = FIRST
    while day < LAST:
        following = day + timedelta(days=1)
        if day.astimezone(tz).utcoffset() != following.astimezone(tz).utcoffset():
            low, high = day, following
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if middle.astimezone(tz).utcoffset() == low.astimezone(tz).utcoffset():
                    low = middle
                else:
                    high = middle
            found.append(high.replace(microsecond=0))
        day = following
    return found


TRANSITIONS = {tz: _transitions(tz) for tz in ZONES}
zones = st.sampled_from(ZONES)
uniform_instants = st.datetimes(
    min_value=datetime(2015, 1, 1), max_value=datetime(2030, 12, 31)
).map(lambda naive: naive.replace(tzinfo=UTC))
walls = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))


@st.composite
def zone_cases(draw: st.DrawFn) -> tuple[ZoneInfo, datetime, time]:
    """A zone, an instant and a wall time; half of them within days of a clock change, the wall
    time close to the change's (so gaps and repeated hours are hit often)."""
    tz = draw(zones)
    if draw(st.booleans()):
        return tz, draw(uniform_instants), draw(walls)
    change = draw(st.sampled_from(TRANSITIONS[tz]))
    after = change - timedelta(minutes=draw(st.integers(-60, 1440)))
    before_change = (change - timedelta(seconds=1)).astimezone(tz)
    near = before_change + timedelta(minutes=draw(st.integers(-2, 5)) * 15)
    return (
        tz,
        after,
        near.time().replace(second=0, microsecond=0, minute=near.minute - near.minute % 15),
    )


weekdays = (
    st.frozensets(st.integers(1, 7), min_size=1) | st.just(frozenset(range(1, 8))) | st.none()
)
phases = st.sampled_from(list(Phase))


@st.composite
def quiet_hours(draw: st.DrawFn) -> QuietHours | None:
    """Quiet hours of at most 12 hours (longer ones would leave almost no day to remind in)."""
    if draw(st.booleans()):
        return None
    start = draw(walls)
    length_min = draw(st.integers(15, 12 * 60).map(lambda m: m - m % 15))
    end_dt = datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=length_min)
    return QuietHours(start=start, end=end_dt.time())


def _exists(day: date, wall: time, tz: ZoneInfo) -> bool:
    naive = datetime.combine(day, wall)
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive


@FAST
@given(zone_cases(), weekdays, phases)
def test_next_reminder_is_the_first_allowed_day_at_the_wall_time_or_the_first_valid_instant(
    case: tuple[ZoneInfo, datetime, time], days: frozenset[int] | None, phase: Phase
) -> None:
    tz, after, wall = case
    plan = ReminderSettings(time_of_day=wall, days=days)
    found = next_reminder(after, plan, tz, phase=phase)
    assert found is not None
    assert found > after
    local = found.astimezone(tz)
    allowed = reminder_days(plan, phase)
    assert local.isoweekday() in allowed
    assert local.fold == 0  # a repeated wall time fires at its first occurrence only
    if local.time() != wall:
        # Only when the wall time does not exist that day: then `found` is the clock change.
        assert not _exists(local.date(), wall, tz)
        assert (found - timedelta(seconds=1)).astimezone(tz).utcoffset() != local.utcoffset()
    # Nothing earlier qualified: no allowed day in between shows the wall time after `after`.
    first_day = after.astimezone(tz).date() - timedelta(days=1)
    for day in days_between(first_day, local.date() - timedelta(days=1)):
        if day.isoweekday() in allowed and _exists(day, wall, tz):
            assert datetime.combine(day, wall, tzinfo=tz) <= after


@FAST
@given(
    zone_cases(),
    weekdays,
    phases,
    quiet_hours(),
    st.lists(st.integers(1, 10 * 24 * 60), max_size=6),
)
def test_back_to_back_intervals_neither_double_nor_drop(
    case: tuple[ZoneInfo, datetime, time],
    days: frozenset[int] | None,
    phase: Phase,
    quiet: QuietHours | None,
    cuts_min: list[int],
) -> None:
    tz, start, wall = case
    plan = ReminderSettings(time_of_day=wall, days=days, quiet_hours=quiet)
    end = start + timedelta(days=10)
    bounds = sorted({start, end, *(start + timedelta(minutes=m) for m in cuts_min)})
    pieces = [
        reminder
        for since, until in pairwise(bounds)
        for reminder in due_reminders(since, until, plan, tz, phase=phase)
    ]
    assert pieces == list(due_reminders(start, end, plan, tz, phase=phase))


@FAST
@given(zone_cases(), st.integers(1, 60))
def test_every_day_selected_means_one_reminder_per_local_day(
    case: tuple[ZoneInfo, datetime, time], n_days: int
) -> None:
    tz, after, wall = case
    first = after.astimezone(tz).date()
    plan = ReminderSettings(time_of_day=wall, days=frozenset(range(1, 8)))
    since = local_instant(first, time(0), tz) - timedelta(microseconds=1)
    until = local_instant(first + timedelta(days=n_days), time(0), tz) - timedelta(microseconds=1)
    due = due_reminders(since, until, plan, tz, phase=Phase(1))
    assert [d.astimezone(tz).date() for d in due] == days_between(
        first, first + timedelta(days=n_days - 1)
    )


@FAST
@given(zone_cases(), weekdays, quiet_hours())
def test_no_reminder_inside_quiet_hours(
    case: tuple[ZoneInfo, datetime, time], days: frozenset[int] | None, quiet: QuietHours | None
) -> None:
    tz, after, wall = case
    plan = ReminderSettings(time_of_day=wall, days=days, quiet_hours=quiet)
    found = next_reminder(after, plan, tz, phase=Phase(2))
    assert found is not None
    assert found > after
    if quiet is not None:
        assert not quiet.contains(found.astimezone(tz).time())


@FAST
@given(
    st.sampled_from(list(ActivityKind)),
    uniform_instants,
    st.floats(min_value=0.5, max_value=600.0),
    st.sampled_from(list(LoggedVia)),
    st.booleans(),
    st.text(max_size=40) | st.none(),
)
def test_activities_round_trip(
    kind: ActivityKind,
    start: datetime,
    duration_s: float,
    via: LoggedVia,
    flag: bool,
    note: str | None,
) -> None:
    is_hold = kind is ActivityKind.SINGLE_LEG_HOLD
    original = Activity(
        activity_id="x1",
        kind=kind,
        started_at=start,
        duration_s=duration_s,
        logged_via=via,
        support=Support.LIGHT_TOUCH if kind is ActivityKind.RETRO_WALK and flag else None,
        eyes_closed=flag if is_hold else None,
        note=note,
    )
    assert Activity.from_dict(json.loads(json.dumps(original.as_dict()))) == original
