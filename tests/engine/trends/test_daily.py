"""Rows for long-term statistics: value, baseline band, current level (engine/trends/daily.py)."""

import math

import pytest

from custom_components.retro_balance.engine.trends.assess import measure_history
from custom_components.retro_balance.engine.trends.daily import daily_levels
from custom_components.retro_balance.engine.trends.measure import SPECS, Z_95, TrendMeasure
from tests.engine.trends.series_builders import day, observations

SLS = TrendMeasure.SINGLE_LEG_LEFT
SWAY = TrendMeasure.QUIET_SWAY_VELOCITY
SCORE = TrendMeasure.BALANCE_SCORE


def test_one_row_per_day_with_the_days_best_on_session_days() -> None:
    obs = observations([10.0, 12.0, 9.0], days=[0, 0, 2])
    rows = daily_levels(measure_history(SLS, obs))
    assert [row.day for row in rows] == [day(0), day(1), day(2)]
    assert [row.value for row in rows] == [12.0, None, 9.0]


def test_baseline_and_level_are_carried_between_sessions_for_up_to_20_days() -> None:
    values = [10.0] * 10
    offsets = [*range(9), 40]  # nine daily sessions, then 31 days without
    rows = daily_levels(measure_history(SLS, observations(values, days=offsets)))
    carried = [row for row in rows if row.value is None]
    assert [row.day for row in carried] == [day(offset) for offset in range(9, 29)]
    assert all(row.baseline == pytest.approx(10.0) for row in carried)
    assert all(row.current == rows[8].current for row in carried)
    assert rows[-1].day == day(40)


def test_no_baseline_before_the_practice_and_baseline_sessions() -> None:
    rows = daily_levels(measure_history(SLS, observations([10.0] * 12)))
    assert all(row.baseline is None and row.band_low is None for row in rows[:8])
    assert all(row.baseline == pytest.approx(10.0) for row in rows[8:])
    assert rows[0].current is None
    assert rows[2].current == pytest.approx(10.0)


def test_a_log_band_is_multiplicative_around_the_baseline() -> None:
    rows = daily_levels(measure_history(SLS, observations([10.0] * 12)))
    last = rows[-1]
    assert last.band_low is not None
    assert last.band_high is not None
    factor = math.exp(Z_95 * SPECS[SLS].published_sigma)  # no own spread in a constant series
    assert last.band_high == pytest.approx(10.0 * factor)
    assert last.band_low == pytest.approx(10.0 / factor)


def test_the_sway_band_is_ordered_although_its_scale_is_turned() -> None:
    rows = daily_levels(measure_history(SWAY, observations([1.0] * 12)))
    last = rows[-1]
    assert last.band_low is not None
    assert last.band_high is not None
    assert last.band_low < 1.0 < last.band_high


def test_the_score_band_stays_within_0_to_100() -> None:
    rows = daily_levels(measure_history(SCORE, observations([99.0] * 12)))
    assert rows[-1].band_high == 100.0
    assert rows[-1].band_low == pytest.approx(99.0 - Z_95 * SPECS[SCORE].published_sem)


def test_a_capped_day_is_marked() -> None:
    rows = daily_levels(measure_history(SLS, observations([30.0, 12.0], days=[0, 2], cap=30.0)))
    assert [row.at_cap for row in rows] == [True, False, False]


def test_rows_are_causal_a_new_session_changes_no_earlier_row() -> None:
    values = [10.0, 12.0, 8.0, 11.0, 9.5, 10.5, 12.5, 9.0, 10.0, 11.0, 8.5, 13.0]
    before = daily_levels(measure_history(SLS, observations(values)))
    after = daily_levels(measure_history(SLS, observations([*values, 2.0])))
    assert after[: len(before)] == before


def test_a_measure_never_taken_has_no_rows() -> None:
    assert daily_levels(measure_history(SLS, [])) == ()
