"""Adherence: local ISO weeks against the phase's target, weeks in a row, phase changes."""

from __future__ import annotations

from datetime import date, timedelta

from custom_components.retro_balance.engine.coach.adherence import (
    activities_by_day,
    adherence_summary,
    walked_on,
    week_adherence,
    weeks_met_in_phase,
)
from custom_components.retro_balance.engine.coach.history import PhaseAction, PhaseChange
from custom_components.retro_balance.engine.coach.programme import ActivityKind, Phase
from custom_components.retro_balance.engine.coach.reasons import ReasonCode
from custom_components.retro_balance.engine.coach.state import CoachState
from tests.engine.coach.builders import (
    AMSTERDAM,
    MONDAY,
    activity,
    full_week,
    hold,
    walk,
    with_log,
)

WEEK = timedelta(days=7)


def _week(state: CoachState, monday: date, today: date):  # type: ignore[no-untyped-def]
    by_day = activities_by_day(state.activities, AMSTERDAM)
    return week_adherence(by_day, state.phase_history, monday, today=today)


def test_a_full_week_meets_the_phase_one_target() -> None:
    state = with_log(CoachState.start(MONDAY), full_week(MONDAY, Phase.STABILISATION))
    week = _week(state, MONDAY, MONDAY + WEEK)
    assert week is not None
    assert (week.walk_days, week.target_walk_days) == (3, 3)
    assert (week.walk_sessions, week.walk_minutes, week.target_walk_minutes) == (3, 9.0, 9)
    assert {e.kind: (e.days, e.target_days) for e in week.exercises} == {
        ActivityKind.SINGLE_LEG_HOLD: (2, 2),
        ActivityKind.TANDEM_WALK: (2, 2),
        ActivityKind.MARCHING: (2, 2),
    }
    assert week.met
    assert week.complete
    assert week.phase is Phase.STABILISATION


def test_walks_alone_do_not_meet_a_target_that_includes_the_exercises() -> None:
    walks = [walk(MONDAY + timedelta(days=n), minutes=5) for n in range(3)]
    week = _week(with_log(CoachState.start(MONDAY), walks), MONDAY, MONDAY + timedelta(days=6))
    assert week is not None
    assert week.walk_days == 3
    assert not week.met
    assert not week.complete


def test_short_walks_count_as_minutes_and_sessions_but_add_up_per_day() -> None:
    tuesday = MONDAY + timedelta(days=1)
    walks = [
        walk(MONDAY, minutes=2),  # too short on its own
        walk(tuesday, minutes=2, hour=9),
        walk(tuesday, minutes=1.5, hour=17),  # 3.5 min that day: a walking day
    ]
    week = _week(with_log(CoachState.start(MONDAY), walks), MONDAY, tuesday)
    assert week is not None
    assert (week.walk_sessions, week.walk_minutes, week.walk_days) == (3, 5.5, 1)


def test_the_week_is_the_local_iso_week() -> None:
    sunday = MONDAY + timedelta(days=6)
    late_sunday = walk(sunday, hour=23)  # 22:00 UTC Sunday
    just_after_midnight = walk(sunday + timedelta(days=1), hour=0)  # 23:00 UTC Sunday
    state = with_log(CoachState.start(MONDAY), [late_sunday, just_after_midnight])
    first = _week(state, MONDAY, sunday)
    second = _week(state, MONDAY + WEEK, MONDAY + WEEK)
    assert first is not None
    assert second is not None
    assert (first.walk_sessions, second.walk_sessions) == (1, 1)


def test_no_week_before_the_programme() -> None:
    state = CoachState.start(MONDAY + WEEK)
    assert _week(state, MONDAY, MONDAY) is None


def test_weeks_in_a_row_count_back_from_last_week_and_stop_at_a_miss() -> None:
    weeks = [MONDAY + n * WEEK for n in range(5)]
    done = [*full_week(weeks[0], Phase(1)), *full_week(weeks[2], Phase(1))]
    done += full_week(weeks[3], Phase(1))  # weeks 0, 2, 3 met; week 1 missed
    state = with_log(CoachState.start(MONDAY), done)
    summary = adherence_summary(state.activities, state.phase_history, today=weeks[4], tz=AMSTERDAM)
    assert summary.weeks_in_a_row == 2
    assert summary.this_week is not None
    assert summary.this_week.walk_sessions == 0


def test_this_week_adds_to_the_run_once_it_is_met() -> None:
    weeks = [MONDAY + n * WEEK for n in range(3)]
    done = [*full_week(weeks[0], Phase(1)), *full_week(weeks[1], Phase(1))]
    state = with_log(CoachState.start(MONDAY), done)
    wednesday = weeks[1] + timedelta(days=2)
    before = adherence_summary(
        state.activities, state.phase_history, today=wednesday - timedelta(days=1), tz=AMSTERDAM
    )
    after = adherence_summary(state.activities, state.phase_history, today=wednesday, tz=AMSTERDAM)
    assert (before.weeks_in_a_row, after.weeks_in_a_row) == (1, 2)


def test_the_run_stops_at_the_programme_start() -> None:
    early = full_week(MONDAY, Phase(1))  # logged before the programme began
    state = with_log(CoachState.start(MONDAY + WEEK), early)
    summary = adherence_summary(
        state.activities, state.phase_history, today=MONDAY + 2 * WEEK, tz=AMSTERDAM
    )
    assert summary.weeks_in_a_row == 0


def _history(*changes: tuple[date, Phase]) -> tuple[PhaseChange, ...]:
    return tuple(
        PhaseChange(
            on=on, phase=phase, action=PhaseAction.START, reasons=(ReasonCode.PROGRAMME_STARTED,)
        )
        for on, phase in changes
    )


def test_a_week_with_a_phase_change_is_measured_against_the_lower_phase() -> None:
    thursday = MONDAY + WEEK + timedelta(days=3)
    state = CoachState(
        started_on=MONDAY,
        phase_history=_history((MONDAY, Phase(1)), (thursday, Phase(2))),
    )
    state = with_log(state, full_week(MONDAY + WEEK, Phase(1)))
    week = _week(state, MONDAY + WEEK, MONDAY + 2 * WEEK)
    assert week is not None
    assert week.phase is Phase(1)
    assert week.met
    next_week = _week(state, MONDAY + 2 * WEEK, MONDAY + 2 * WEEK)
    assert next_week is not None
    assert next_week.phase is Phase(2)


def test_weeks_in_phase_count_only_whole_weeks_since_the_change() -> None:
    thursday = MONDAY + timedelta(days=3)
    history = _history((MONDAY - WEEK, Phase(1)), (thursday, Phase(2)))
    state = CoachState(started_on=MONDAY - WEEK, phase_history=history)
    done = [*full_week(MONDAY - WEEK, Phase(1))]
    done += full_week(MONDAY, Phase(2))  # the week of the change: met, but not wholly in phase 2
    done += full_week(MONDAY + WEEK, Phase(2))
    state = with_log(state, done)
    by_day = activities_by_day(state.activities, AMSTERDAM)
    assert weeks_met_in_phase(by_day, history, today=MONDAY + 2 * WEEK) == 1
    summary = adherence_summary(state.activities, history, today=MONDAY + 2 * WEEK, tz=AMSTERDAM)
    assert summary.weeks_in_a_row == 3


def test_best_holds_of_the_week_show_progress() -> None:
    done = [hold(MONDAY, 18), hold(MONDAY, 26), hold(MONDAY, 4, eyes_closed=True)]
    week = _week(with_log(CoachState.start(MONDAY), done), MONDAY, MONDAY)
    assert week is not None
    assert (week.best_hold_eyes_open_s, week.best_hold_eyes_closed_s) == (26, 4)


def test_days_after_today_are_not_counted() -> None:
    state = with_log(CoachState.start(MONDAY), full_week(MONDAY, Phase(1)))
    week = _week(state, MONDAY, MONDAY + timedelta(days=1))
    assert week is not None
    assert (week.walk_sessions, week.walk_days, week.met) == (2, 2, False)


def test_exercise_days_count_days_not_sessions() -> None:
    done = [activity(ActivityKind.MARCHING, MONDAY, hour=h) for h in (9, 12, 18)]
    week = _week(with_log(CoachState.start(MONDAY), done), MONDAY, MONDAY)
    assert week is not None
    marching = next(e for e in week.exercises if e.kind is ActivityKind.MARCHING)
    assert marching.days == 1


def test_walked_on_looks_at_retro_walks_of_that_local_day() -> None:
    done = [activity(ActivityKind.MARCHING, MONDAY), walk(MONDAY + timedelta(days=1), hour=0)]
    assert not walked_on(done, MONDAY, AMSTERDAM)  # marching is not a walk; 00:00 is Tuesday
    assert walked_on(done, MONDAY + timedelta(days=1), AMSTERDAM)
