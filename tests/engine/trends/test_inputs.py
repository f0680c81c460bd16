"""What the integration feeds the trend detector from stored sessions (engine/trends/inputs.py)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from custom_components.retro_balance.engine.clinical.norms import Sex
from custom_components.retro_balance.engine.clinical.people import PersonProfile
from custom_components.retro_balance.engine.clinical.session import (
    SessionKind,
    SessionRecord,
    assess_session,
)
from custom_components.retro_balance.engine.detection.daily_check import IncompleteReason
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    QualityFlag,
    StanceTest,
)
from custom_components.retro_balance.engine.trends.inputs import session_values, trend_inputs
from custom_components.retro_balance.engine.trends.measure import TrendMeasure
from devtools.demo_history import daily_check

ANNA = PersonProfile(person_id="anna", name="Anna", birth_year=1950, sex=Sex.FEMALE)
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def check(started_at: datetime = START, **changes: object) -> SessionRecord:
    record = daily_check(
        session_id="s1",
        pad_id="hall",
        person_id="anna",
        started_at=started_at,
        single_leg_s=(12.5, 30.0),
        tandem_s=8.0,
        sway_cm_s=0.95,
        body_mass_kg=62.0,
    )
    return assess_session(replace(record, **changes), ANNA)  # type: ignore[arg-type]


def test_a_full_daily_check_gives_all_five_measures() -> None:
    record = check()
    values = session_values(record)
    assert values[TrendMeasure.SINGLE_LEG_LEFT] == (12.5, 30.0)
    assert values[TrendMeasure.SINGLE_LEG_RIGHT] == (30.0, 30.0)  # held to the cap
    assert values[TrendMeasure.TANDEM] == (8.0, 30.0)
    assert values[TrendMeasure.QUIET_SWAY_VELOCITY] == (0.95, None)
    assert record.assessment is not None
    assert record.assessment.score is not None
    assert values[TrendMeasure.BALANCE_SCORE] == (record.assessment.score, None)


def test_a_hold_ended_by_the_cap_is_censored_even_if_timed_a_little_short() -> None:
    record = check()
    results = tuple(
        replace(r, hold_time_s=29.98) if r.test is StanceTest.SINGLE_LEG_RIGHT else r
        for r in record.results
    )
    inputs = trend_inputs([replace(record, results=results)], UTC)
    (right,) = inputs.observations[TrendMeasure.SINGLE_LEG_RIGHT]
    assert (right.value, right.cap) == (30.0, 30.0)


def test_a_check_cut_short_or_a_single_test_gives_holds_but_no_score() -> None:
    incomplete = check(complete=False, incomplete_reason=IncompleteReason.CANCELLED)
    single = check(kind=SessionKind.SINGLE_TEST)
    for record in (incomplete, single):
        values = session_values(record)
        assert TrendMeasure.BALANCE_SCORE not in values
        assert values[TrendMeasure.SINGLE_LEG_LEFT] == (12.5, 30.0)


def test_sway_only_from_a_quiet_stance_kept_to_the_cap() -> None:
    record = check()
    results = tuple(
        replace(r, hold_time_s=12.0, end_reason=EndReason.STEPPED_OFF)
        if r.test is StanceTest.QUIET_EYES_CLOSED
        else r
        for r in record.results
    )
    assert TrendMeasure.QUIET_SWAY_VELOCITY not in session_values(replace(record, results=results))


def test_aborted_trials_are_not_results() -> None:
    record = check()
    results = tuple(
        replace(r, end_reason=EndReason.CANCELLED, quality=frozenset({QualityFlag.ABORTED}))
        if r.test is StanceTest.TANDEM
        else r
        for r in record.results
    )
    assert TrendMeasure.TANDEM not in session_values(replace(record, results=results))


def test_a_position_not_taken_is_a_zero_second_hold_and_nobody_on_the_pad_is_nothing() -> None:
    record = check()

    def timed_out(mass_kg: float) -> SessionRecord:
        results = tuple(
            replace(
                r,
                hold_time_s=0.0,
                end_reason=EndReason.TIMED_OUT,
                quality=frozenset({QualityFlag.ABORTED}),
                sway=None,
                body_mass_kg=mass_kg,
            )
            if r.test is StanceTest.SINGLE_LEG_LEFT
            else r
            for r in record.results
        )
        return replace(record, results=results)

    # Standing on the pad, never lifting the foot: a 0-s hold like the assessment's.
    assert session_values(timed_out(62.0))[TrendMeasure.SINGLE_LEG_LEFT] == (0.0, 30.0)
    (left,) = trend_inputs([timed_out(62.0)], UTC).observations[TrendMeasure.SINGLE_LEG_LEFT]
    assert (left.value, left.cap) == (0.0, 30.0)
    # Nobody came: not measured.
    assert TrendMeasure.SINGLE_LEG_LEFT not in session_values(timed_out(0.0))


def test_a_bad_stored_value_is_skipped_and_named_the_rest_kept() -> None:
    good = check()
    bad_results = tuple(
        replace(r, hold_time_s=-4.0) if r.test is StanceTest.SINGLE_LEG_LEFT else r
        for r in good.results
    )
    later = check(started_at=START + timedelta(days=1))
    bad = replace(later, session_id="bad", results=bad_results)
    inputs = trend_inputs([good, bad], UTC)
    assert len(inputs.observations[TrendMeasure.SINGLE_LEG_LEFT]) == 1
    assert len(inputs.observations[TrendMeasure.TANDEM]) == 2
    (problem,) = inputs.skipped
    assert problem.startswith("session bad: single_leg_left")
    assert "-4.0" in problem


def test_a_zero_cap_is_skipped_too() -> None:
    good = check()
    results = tuple(
        replace(r, cap_s=0.0) if r.test is StanceTest.TANDEM else r for r in good.results
    )
    inputs = trend_inputs([replace(good, results=results)], UTC)
    assert inputs.observations[TrendMeasure.TANDEM] == ()
    assert "cap must be positive" in inputs.skipped[0]


@pytest.mark.parametrize(("hours", "day"), [(0, 2), (2, 3)])
def test_the_day_is_the_local_date(hours: int, day: int) -> None:
    late = check(started_at=datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    inputs = trend_inputs([late], timezone(timedelta(hours=hours)))
    (observation,) = inputs.observations[TrendMeasure.TANDEM]
    assert observation.day.day == day


def test_no_sessions_no_observations() -> None:
    inputs = trend_inputs([], UTC)
    assert set(inputs.observations) == set(TrendMeasure)
    assert all(not values for values in inputs.observations.values())
    assert inputs.skipped == ()
