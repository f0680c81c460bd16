"""Reminders: local wall-clock times across daylight saving, snooze, quiet hours, catch-up."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.retro_balance.engine.coach.clock import local_instant
from custom_components.retro_balance.engine.coach.programme import Phase
from custom_components.retro_balance.engine.coach.reminders import (
    QuietHours,
    ReminderSettings,
    due_reminders,
    next_reminder,
    reminder_days,
    reminders_to_fire,
    snooze,
)
from tests.engine.coach.builders import AMSTERDAM, MONDAY, NEW_YORK, at

EVERY_DAY = frozenset(range(1, 8))
P1 = Phase.STABILISATION

# Daylight-saving changes of 2026 (Sundays).
AMS_SPRING, AMS_AUTUMN = date(2026, 3, 29), date(2026, 10, 25)
NY_SPRING, NY_AUTUMN = date(2026, 3, 8), date(2026, 11, 1)


def _daily(hour: int, minute: int = 0, **kwargs: object) -> ReminderSettings:
    return ReminderSettings(time_of_day=time(hour, minute), days=EVERY_DAY, **kwargs)  # type: ignore[arg-type]


def _local(instants: tuple[datetime, ...], tz: ZoneInfo) -> list[str]:
    return [i.astimezone(tz).strftime("%a %d %H:%M %Z") for i in instants]


def test_days_follow_the_phase_unless_chosen() -> None:
    assert reminder_days(ReminderSettings(), Phase(1)) == {1, 3, 5}
    assert reminder_days(ReminderSettings(), Phase(3)) == {1, 2, 3, 5, 6}
    assert reminder_days(ReminderSettings(days=frozenset({2, 7})), Phase(3)) == {2, 7}


def test_a_normal_week_in_phase_one() -> None:
    week = due_reminders(
        at(MONDAY, 0), at(MONDAY + timedelta(days=7), 0), ReminderSettings(), AMSTERDAM, phase=P1
    )
    assert _local(week, AMSTERDAM) == ["Mon 05 10:00 CET", "Wed 07 10:00 CET", "Fri 09 10:00 CET"]
    assert all(i.tzinfo is UTC for i in week)


def test_next_reminder_is_strictly_after() -> None:
    settings = ReminderSettings()
    at_ten = at(MONDAY, 10)
    assert next_reminder(at_ten - timedelta(seconds=1), settings, AMSTERDAM, phase=P1) == at_ten
    assert next_reminder(at_ten, settings, AMSTERDAM, phase=P1) == at(
        MONDAY + timedelta(days=2), 10
    )


@pytest.mark.parametrize(
    ("tz", "day", "expected"),
    [
        (AMSTERDAM, AMS_SPRING, ["Sat 28 10:00 CET", "Sun 29 10:00 CEST", "Mon 30 10:00 CEST"]),
        (AMSTERDAM, AMS_AUTUMN, ["Sat 24 10:00 CEST", "Sun 25 10:00 CET", "Mon 26 10:00 CET"]),
        (NEW_YORK, NY_SPRING, ["Sat 07 10:00 EST", "Sun 08 10:00 EDT", "Mon 09 10:00 EDT"]),
        (NEW_YORK, NY_AUTUMN, ["Sat 31 10:00 EDT", "Sun 01 10:00 EST", "Mon 02 10:00 EST"]),
    ],
)
def test_wall_clock_time_holds_across_a_change(
    tz: ZoneInfo, day: date, expected: list[str]
) -> None:
    start = datetime.combine(day - timedelta(days=1), time(0), tzinfo=tz)
    due = due_reminders(start, start + timedelta(days=3), _daily(10), tz, phase=P1)
    assert _local(due, tz) == expected
    gaps = {due[1] - due[0], due[2] - due[1]}
    assert timedelta(hours=24) in gaps  # the ordinary day
    assert len(gaps) == 2  # the day of the change is 23 or 25 h long


@pytest.mark.parametrize(("tz", "day"), [(AMSTERDAM, AMS_SPRING), (NEW_YORK, NY_SPRING)])
def test_a_time_that_does_not_exist_fires_at_the_first_valid_instant(
    tz: ZoneInfo, day: date
) -> None:
    start = datetime.combine(day - timedelta(days=1), time(12), tzinfo=tz)
    due = due_reminders(start, start + timedelta(days=2), _daily(2, 30), tz, phase=P1)
    assert len(due) == 2
    local = due[0].astimezone(tz)
    assert (local.date(), local.time()) == (day, time(3, 0))  # the clocks jump from 02:00 to 03:00
    assert (due[0] - timedelta(seconds=1)).astimezone(tz).time() == time(1, 59, 59)
    assert due[1].astimezone(tz).time() == time(2, 30)


@pytest.mark.parametrize(("tz", "day"), [(AMSTERDAM, AMS_AUTUMN), (NEW_YORK, NY_AUTUMN)])
def test_a_time_that_happens_twice_fires_once_the_first_time(tz: ZoneInfo, day: date) -> None:
    wall = time(2, 30) if tz is AMSTERDAM else time(1, 30)  # inside the repeated hour
    start = datetime.combine(day, time(0), tzinfo=tz)
    due = due_reminders(
        start, start + timedelta(hours=6), _daily(wall.hour, wall.minute), tz, phase=P1
    )
    assert len(due) == 1
    first = due[0].astimezone(tz)
    assert first.time() == wall
    assert first.fold == 0
    assert (due[0] + timedelta(hours=1)).astimezone(tz).time() == wall  # the repeat: not fired


@pytest.mark.parametrize(
    ("tz", "day"),
    [
        (AMSTERDAM, AMS_SPRING),
        (AMSTERDAM, AMS_AUTUMN),
        (NEW_YORK, NY_SPRING),
        (NEW_YORK, NY_AUTUMN),
    ],
)
@pytest.mark.parametrize("wall", [time(1, 30), time(2, 0), time(2, 30), time(3, 0), time(10, 0)])
def test_polling_every_ten_minutes_neither_doubles_nor_drops(
    tz: ZoneInfo, day: date, wall: time
) -> None:
    settings = _daily(wall.hour, wall.minute)
    start = datetime.combine(day - timedelta(days=2), time(0), tzinfo=tz).astimezone(UTC)
    fired: list[datetime] = []
    now = start
    while now < start + timedelta(days=5):
        later = now + timedelta(minutes=10)
        fired += due_reminders(now, later, settings, tz, phase=P1)
        now = later
    assert fired == list(due_reminders(start, now, settings, tz, phase=P1))
    assert [f.astimezone(tz).date() for f in fired] == [
        (start.astimezone(tz) + timedelta(days=n)).date() for n in range(5)
    ]


def test_snooze_sends_once_at_the_snooze_time_and_the_schedule_resumes() -> None:
    settings = ReminderSettings()
    fired_at = at(MONDAY, 10)
    snoozed = snooze(settings, now=fired_at, until=fired_at + timedelta(minutes=30))
    assert next_reminder(fired_at, snoozed, AMSTERDAM, phase=P1) == at(MONDAY, 10, 30)
    after_snooze = next_reminder(at(MONDAY, 10, 30), snoozed, AMSTERDAM, phase=P1)
    assert after_snooze == at(MONDAY + timedelta(days=2), 10)
    day = due_reminders(at(MONDAY, 0), at(MONDAY, 23), snoozed, AMSTERDAM, phase=P1)
    assert day == (at(MONDAY, 10, 30),)


def test_a_long_snooze_skips_the_scheduled_reminders_before_it() -> None:
    settings = _daily(10)
    snoozed = snooze(settings, now=at(MONDAY, 9), until=at(MONDAY + timedelta(days=1), 8))
    due = due_reminders(
        at(MONDAY, 0), at(MONDAY + timedelta(days=2), 0), snoozed, AMSTERDAM, phase=P1
    )
    assert due == (at(MONDAY + timedelta(days=1), 8), at(MONDAY + timedelta(days=1), 10))


def test_snooze_must_end_after_now_and_within_a_day() -> None:
    now = at(MONDAY, 10)
    with pytest.raises(ValueError, match="a snooze must end after now"):
        snooze(ReminderSettings(), now=now, until=now)
    with pytest.raises(ValueError, match="within"):
        snooze(ReminderSettings(), now=now, until=now + timedelta(hours=25))


def test_a_snooze_into_quiet_hours_waits_for_their_end() -> None:
    settings = _daily(21, 45, quiet_hours=QuietHours(start=time(22), end=time(7)))
    snoozed = snooze(settings, now=at(MONDAY, 21, 45), until=at(MONDAY, 22, 15))
    assert next_reminder(at(MONDAY, 21, 45), snoozed, AMSTERDAM, phase=P1) == at(
        MONDAY + timedelta(days=1), 7
    )


def test_a_snooze_into_the_early_morning_quiet_hours_waits_the_same_day() -> None:
    settings = _daily(10, quiet_hours=QuietHours(start=time(22), end=time(7)))
    snoozed = snooze(settings, now=at(MONDAY, 0, 30), until=at(MONDAY, 1))
    assert next_reminder(at(MONDAY, 0, 30), snoozed, AMSTERDAM, phase=P1) == at(MONDAY, 7)


@pytest.mark.parametrize(
    ("reminder", "quiet", "expected_day_offset", "expected"),
    [
        (time(6, 30), (time(22), time(8)), 0, time(8)),  # early morning inside wrapping hours
        (time(23, 0), (time(22), time(7)), 1, time(7)),  # late evening: the next morning
        (time(13, 0), (time(12), time(14)), 0, time(14)),  # a midday rest
        (time(14, 0), (time(12), time(14)), 0, time(14)),  # the end itself is not quiet
        (time(10, 0), (time(22), time(7)), 0, time(10)),  # outside: unchanged
    ],
)
def test_quiet_hours_move_a_reminder_to_their_end(
    reminder: time, quiet: tuple[time, time], expected_day_offset: int, expected: time
) -> None:
    settings = ReminderSettings(
        time_of_day=reminder,
        days=frozenset({1}),
        quiet_hours=QuietHours(start=quiet[0], end=quiet[1]),
    )
    due = due_reminders(
        at(MONDAY, 0), at(MONDAY, 0) + timedelta(days=7), settings, AMSTERDAM, phase=P1
    )
    assert due == (
        local_instant(MONDAY + timedelta(days=expected_day_offset), expected, AMSTERDAM),
    )


def test_moved_reminders_never_double_up_on_consecutive_days() -> None:
    settings = _daily(23, quiet_hours=QuietHours(start=time(22), end=time(7)))
    week = due_reminders(
        at(MONDAY, 0), at(MONDAY, 0) + timedelta(days=7), settings, AMSTERDAM, phase=P1
    )
    assert [i.astimezone(AMSTERDAM).time() for i in week] == [time(7)] * 7
    assert (
        len(set(week)) == 7
    )  # Sunday's of the week before moves onto Monday, Sunday's to next Monday


def test_quiet_hours_ending_in_the_spring_gap_end_at_the_first_valid_instant() -> None:
    settings = _daily(23, quiet_hours=QuietHours(start=time(22), end=time(2, 30)))
    saturday = AMS_SPRING - timedelta(days=1)
    due = next_reminder(at(saturday, 12), settings, AMSTERDAM, phase=P1)
    assert due is not None
    assert due.astimezone(AMSTERDAM) == datetime(2026, 3, 29, 3, 0, tzinfo=AMSTERDAM)


def test_a_reminder_in_the_spring_gap_is_kept_out_of_the_quiet_hours_after_it() -> None:
    """02:00 does not exist that night: the clock shows 03:00, inside 02:45-03:15 (hypothesis)."""
    settings = _daily(2, quiet_hours=QuietHours(start=time(2, 45), end=time(3, 15)))
    saturday = AMS_SPRING - timedelta(days=1)
    due = next_reminder(at(saturday, 12), settings, AMSTERDAM, phase=P1)
    assert due is not None
    assert due.astimezone(AMSTERDAM) == datetime(2026, 3, 29, 3, 15, tzinfo=AMSTERDAM)


def test_switched_off_means_nothing_due_and_nothing_next() -> None:
    off = ReminderSettings(enabled=False)
    assert next_reminder(at(MONDAY, 0), off, AMSTERDAM, phase=P1) is None
    assert due_reminders(at(MONDAY, 0), at(MONDAY, 23), off, AMSTERDAM, phase=P1) == ()
    catch_up = reminders_to_fire(at(MONDAY, 0), at(MONDAY, 23), off, AMSTERDAM, phase=P1)
    assert (catch_up.fire_at, catch_up.missed) == (None, ())


def test_a_reminder_fires_at_its_time() -> None:
    catch_up = reminders_to_fire(
        at(MONDAY, 9, 59), at(MONDAY, 10), ReminderSettings(), AMSTERDAM, phase=P1
    )
    assert (catch_up.fire_at, catch_up.missed) == (at(MONDAY, 10), ())


def test_home_assistant_back_within_the_grace_fires_late_once() -> None:
    catch_up = reminders_to_fire(
        at(MONDAY, 9), at(MONDAY, 10, 50), ReminderSettings(), AMSTERDAM, phase=P1
    )
    assert (catch_up.fire_at, catch_up.missed) == (at(MONDAY, 10), ())
    again = reminders_to_fire(
        at(MONDAY, 10, 50), at(MONDAY, 10, 55), ReminderSettings(), AMSTERDAM, phase=P1
    )
    assert again.fire_at is None


def test_home_assistant_back_too_late_records_a_missed_reminder() -> None:
    catch_up = reminders_to_fire(
        at(MONDAY, 9), at(MONDAY, 11, 1), ReminderSettings(), AMSTERDAM, phase=P1
    )
    assert (catch_up.fire_at, catch_up.missed) == (None, (at(MONDAY, 10),))


def test_after_days_down_only_the_latest_may_fire() -> None:
    thursday, friday = MONDAY - timedelta(days=4), MONDAY - timedelta(days=3)
    wednesday = MONDAY + timedelta(days=2)
    catch_up = reminders_to_fire(
        at(thursday, 12), at(wednesday, 10, 20), ReminderSettings(), AMSTERDAM, phase=P1
    )
    assert catch_up.fire_at == at(wednesday, 10)
    assert catch_up.missed == (at(friday, 10), at(MONDAY, 10))


def test_a_late_reminder_never_fires_in_quiet_hours() -> None:
    settings = _daily(21, 30, quiet_hours=QuietHours(start=time(22), end=time(7)))
    catch_up = reminders_to_fire(at(MONDAY, 21), at(MONDAY, 22, 10), settings, AMSTERDAM, phase=P1)
    assert (catch_up.fire_at, catch_up.missed) == (None, (at(MONDAY, 21, 30),))


def test_settings_round_trip_through_json() -> None:
    settings = ReminderSettings(
        enabled=False,
        time_of_day=time(8, 15),
        days=frozenset({2, 4}),
        quiet_hours=QuietHours(start=time(22), end=time(7, 30)),
        snoozed_until=datetime(2026, 1, 5, 10, 30, tzinfo=AMSTERDAM),
    )
    stored = json.loads(json.dumps(settings.as_dict()))
    assert stored["snoozed_until"] == "2026-01-05T09:30:00+00:00"
    assert ReminderSettings.from_dict(stored) == settings
    assert ReminderSettings.from_dict(ReminderSettings().as_dict()) == ReminderSettings()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"enabled": "yes"}, "enabled must be true or false"),
        ({"time_of_day": "25:00"}, "time of day like 09:30"),
        ({"time_of_day": "10:00+02:00"}, "time of day like 09:30"),
        ({"time_of_day": None}, "time_of_day must be a string"),
        ({"days": []}, "non-empty set of weekdays"),
        ({"days": [0, 3]}, "ISO weekdays from 1 to 7"),
        ({"days": [8]}, "ISO weekdays from 1 to 7"),
        ({"days": ["mon"]}, "list of weekdays or null"),
        ({"days": "1,3"}, "list of weekdays or null"),
        ({"quiet_hours": {"start": "22:00", "end": "22:00"}}, "same time"),
        ({"quiet_hours": {"start": "22:00"}}, "quiet hours end must be a string"),
        ({"quiet_hours": "22-07"}, "quiet hours must be a mapping"),
        ({"snoozed_until": "2026-01-05T10:30:00"}, "UTC offset"),
    ],
)
def test_bad_settings_are_refused(changes: dict[str, object], message: str) -> None:
    stored = ReminderSettings().as_dict() | changes
    with pytest.raises(ValueError, match=message):
        ReminderSettings.from_dict(stored)


def test_bad_settings_in_code_are_refused() -> None:
    with pytest.raises(ValueError, match="enabled must be true or false"):
        ReminderSettings(enabled=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="quiet_hours must be QuietHours"):
        ReminderSettings(quiet_hours=("22:00", "07:00"))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="non-empty set of weekdays"):
        ReminderSettings(days={1, 3})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="without a time zone"):
        ReminderSettings(time_of_day=time(10, tzinfo=UTC))
    with pytest.raises(ValueError, match="timezone-aware"):
        ReminderSettings(snoozed_until=datetime(2026, 1, 5, 10))
    with pytest.raises(ValueError, match="must be a mapping"):
        ReminderSettings.from_dict(None)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_reminder(datetime(2026, 1, 5, 10), ReminderSettings(), AMSTERDAM, phase=P1)
    with pytest.raises(ValueError, match="ZoneInfo"):
        due_reminders(at(MONDAY), at(MONDAY, 20), ReminderSettings(), UTC, phase=P1)  # type: ignore[arg-type]
