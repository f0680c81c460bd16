"""Calendar contents: planned sessions from start to four weeks ahead, and logged activities."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from custom_components.retro_balance.engine.clinical.fall_risk import RiskLevel
from custom_components.retro_balance.engine.coach.planning import (
    BEFORE_PROGRAMME_KEY,
    CalendarEvent,
    CalendarKey,
    calendar_events,
)
from custom_components.retro_balance.engine.coach.programme import ActivityKind, Phase
from custom_components.retro_balance.engine.coach.progression import apply_decision, decide_phase
from custom_components.retro_balance.engine.coach.reminders import QuietHours, ReminderSettings
from custom_components.retro_balance.engine.coach.state import CoachState
from tests.engine.coach.builders import AMSTERDAM, MONDAY, NEW_YORK, activity, at, walk, with_log

WEEK = timedelta(days=7)


def _events(state: CoachState, first: date, last: date, today: date) -> tuple[CalendarEvent, ...]:
    return calendar_events(state, start=at(first, 0), end=at(last, 0), today=today, tz=AMSTERDAM)


def _planned(events: tuple[CalendarEvent, ...]) -> list[CalendarEvent]:
    return [e for e in events if e.summary_key is CalendarKey.PLANNED_RETRO_WALK]


def _phase_two_from(state: CoachState, day: date) -> CoachState:
    state = state.with_override(Phase(2))
    decision = decide_phase(
        state, today=day, risk_level=RiskLevel.LOW, declining=False, tz=AMSTERDAM
    )
    return apply_decision(state, decision, today=day).with_override(None)


def test_planned_sessions_run_from_the_start_to_four_weeks_ahead() -> None:
    state = CoachState.start(MONDAY)
    today = MONDAY + WEEK
    events = _events(state, MONDAY - 2 * WEEK, MONDAY + 10 * WEEK, today)
    planned = _planned(events)
    days = [e.start.astimezone(AMSTERDAM).date() for e in planned]
    assert days[0] == MONDAY
    assert days[-1] <= today + 4 * WEEK
    assert len(planned) == 3 * 5 + 1  # five weeks of Mon/Wed/Fri, and the Monday four weeks ahead
    assert all(e.start.astimezone(AMSTERDAM).time() == time(10) for e in planned)
    assert all(e.end - e.start == timedelta(minutes=5) for e in planned)
    assert all(e.description_key == "phase_1" and not e.completed for e in planned)


def test_past_sessions_keep_their_phase_and_future_ones_use_the_current_phase() -> None:
    state = _phase_two_from(CoachState.start(MONDAY), MONDAY + 2 * WEEK)
    planned = _planned(_events(state, MONDAY, MONDAY + 4 * WEEK, today=MONDAY + 3 * WEEK))
    first_weeks = [e for e in planned if e.start < at(MONDAY + 2 * WEEK, 0)]
    later = [e for e in planned if e.start >= at(MONDAY + 2 * WEEK, 0)]
    assert {e.start.astimezone(AMSTERDAM).isoweekday() for e in first_weeks} == {1, 3, 5}
    assert {e.start.astimezone(AMSTERDAM).isoweekday() for e in later} == {1, 2, 4, 6}
    assert {e.phase for e in first_weeks} == {Phase(1)}
    assert {(e.phase, e.end - e.start) for e in later} == {(Phase(2), timedelta(minutes=10))}


def test_a_walk_marks_its_day_completed_and_is_an_event_of_its_own() -> None:
    state = with_log(
        CoachState.start(MONDAY),
        [
            walk(MONDAY, minutes=4, hour=17, note="with Jan"),
            activity(ActivityKind.MARCHING, MONDAY + timedelta(days=2)),
        ],
    )
    events = _events(state, MONDAY, MONDAY + WEEK, today=MONDAY + WEEK)
    planned = _planned(events)
    assert [e.completed for e in planned] == [True, False, False]
    done = [e for e in events if e.activity_id is not None]
    assert [(e.summary_key, e.completed, e.note) for e in done] == [
        (CalendarKey.RETRO_WALK_DONE, True, "with Jan"),
        (CalendarKey.MARCHING_DONE, True, None),
    ]
    assert done[0].start == at(MONDAY, 17)
    assert done[0].end == at(MONDAY, 17, 4)
    assert events == tuple(sorted(events, key=lambda e: e.start))


def test_only_events_overlapping_the_range_are_returned() -> None:
    state = with_log(
        CoachState.start(MONDAY), [walk(MONDAY, minutes=30, hour=9), walk(MONDAY, hour=18)]
    )
    window = calendar_events(
        state, start=at(MONDAY, 9, 20), end=at(MONDAY, 10, 1), today=MONDAY, tz=AMSTERDAM
    )
    assert [(e.summary_key, e.start) for e in window] == [
        (CalendarKey.RETRO_WALK_DONE, at(MONDAY, 9)),
        (CalendarKey.PLANNED_RETRO_WALK, at(MONDAY, 10)),
    ]
    empty = calendar_events(
        state, start=at(MONDAY, 11), end=at(MONDAY, 11), today=MONDAY, tz=AMSTERDAM
    )
    assert empty == ()


def test_activities_before_the_programme_are_shown_as_such() -> None:
    state = with_log(CoachState.start(MONDAY), [walk(MONDAY - timedelta(days=3))])
    events = _events(state, MONDAY - WEEK, MONDAY, today=MONDAY)
    assert [(e.description_key, e.phase) for e in events] == [(BEFORE_PROGRAMME_KEY, None)]


def test_chosen_days_quiet_hours_and_daylight_saving_shape_the_plan() -> None:
    reminders = ReminderSettings(
        time_of_day=time(23),
        days=frozenset({6}),
        quiet_hours=QuietHours(start=time(22), end=time(8)),
    )
    start = date(2026, 3, 16)
    state = CoachState.start(start, reminders)
    planned = _planned(_events(state, start, start + 3 * WEEK, today=start))
    local = [e.start.astimezone(AMSTERDAM) for e in planned]
    # Saturday 23:00 is quiet: the plan moves to Sunday 08:00, also on the spring-forward Sunday.
    assert [(d.date(), d.time(), d.tzname()) for d in local] == [
        (date(2026, 3, 22), time(8), "CET"),
        (date(2026, 3, 29), time(8), "CEST"),
        (date(2026, 4, 5), time(8), "CEST"),
    ]


def test_plan_does_not_depend_on_reminders_being_on() -> None:
    state = CoachState.start(MONDAY, ReminderSettings(enabled=False))
    assert len(_planned(_events(state, MONDAY, MONDAY + WEEK, today=MONDAY))) == 3


def test_range_in_another_zone_means_the_same_instants() -> None:
    state = CoachState.start(MONDAY)
    start = datetime(2026, 1, 5, 0, tzinfo=AMSTERDAM)
    in_amsterdam = calendar_events(state, start=start, end=start + WEEK, today=MONDAY, tz=AMSTERDAM)
    from_utc = calendar_events(
        state,
        start=start.astimezone(UTC),
        end=(start + WEEK).astimezone(NEW_YORK),
        today=MONDAY,
        tz=AMSTERDAM,
    )
    assert in_amsterdam == from_utc
