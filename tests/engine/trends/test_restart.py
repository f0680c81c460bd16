"""Starting the baseline again: a person whose holds drop for good after a hip operation."""

from datetime import datetime, timedelta

import pytest

from custom_components.retro_balance.engine.trends.assess import (
    assess_measure,
    assess_person,
    measure_history,
)
from custom_components.retro_balance.engine.trends.daily import daily_levels
from custom_components.retro_balance.engine.trends.detector import DetectorSettings, TrendStatus
from custom_components.retro_balance.engine.trends.measure import TrendMeasure
from custom_components.retro_balance.engine.trends.reasons import TrendCode
from tests.engine.trends.series_builders import day, observations

SLS = TrendMeasure.SINGLE_LEG_LEFT
SETTINGS = DetectorSettings()
WOBBLE = (1.0, 1.1, 0.9, 1.05, 0.95)
"""Day-to-day variation well within the published error (40.8 %)."""
BEFORE, AFTER = 30, 40
"""Sessions before the operation (holds around 20 s) and after it (around 4 s), one a day."""
RESTART = day(BEFORE + 10)
"""The caregiver starts the baseline again ten days after the operation."""
HOLDS = [20.0 * WOBBLE[i % 5] for i in range(BEFORE)] + [4.0 * WOBBLE[i % 5] for i in range(AFTER)]


def _codes(trend):
    return [reason.code for reason in trend.reasons]


def _restart_reason(trend):
    (reason,) = (r for r in trend.reasons if r.code is TrendCode.BASELINE_RESTARTED)
    return reason


def test_without_a_restart_the_person_declines_for_good():
    history = measure_history(SLS, observations(HOLDS))
    assert history.at(day(BEFORE + 8)).declining
    assert history.at(day(BEFORE + AFTER - 1)).declining
    assert history.at(day(BEFORE + AFTER - 1)).baseline_since is None


def test_declining_before_the_restart_then_building_then_a_new_baseline():
    history = measure_history(SLS, observations(HOLDS), baseline_from=RESTART)

    before = history.at(RESTART - timedelta(days=1))
    assert before.declining
    assert before.status is TrendStatus.DECLINING
    assert before.baseline_since is None

    building = history.at(RESTART + timedelta(days=2))
    assert building.status is TrendStatus.BUILDING_BASELINE
    assert not building.declining
    assert building.sessions == 3  # counted from the restart
    assert building.baseline is None
    assert building.baseline_since == RESTART
    assert _codes(building)[:3] == [
        TrendCode.BASELINE_RESTARTED,
        TrendCode.PRACTICE_SESSIONS_SET_ASIDE,
        TrendCode.BUILDING_BASELINE,
    ]
    assert _restart_reason(building).day == RESTART
    assert _restart_reason(building).figure == 3
    figures = {reason.code: reason.figure for reason in building.reasons}
    assert figures[TrendCode.BUILDING_BASELINE] == 6  # the 3 practice sessions count again

    ready = history.at(RESTART + timedelta(days=SETTINGS.practice_sessions + 5))
    assert ready.baseline is not None
    assert ready.status is TrendStatus.STABLE

    last = history.at(day(BEFORE + AFTER - 1))
    assert not last.declining
    assert last.status is TrendStatus.STABLE
    assert last.baseline == pytest.approx(4.0, rel=0.1)
    assert last.change_pct is not None
    assert abs(last.change_pct) < 10
    assert last.declining_since is None
    assert last.recovered_on is None  # a restart is not a recovery
    assert TrendCode.BASELINE_RESTARTED in _codes(last)


def test_sessions_before_the_restart_keep_their_trends_and_rows():
    plain = measure_history(SLS, observations(HOLDS))
    restarted = measure_history(SLS, observations(HOLDS), baseline_from=RESTART)
    kept = sum(1 for d in plain.days if d < RESTART)

    assert restarted.trends[:kept] == plain.trends[:kept]
    assert len(restarted.trends) == len(plain.trends)
    assert restarted.days[0] == RESTART
    assert restarted.earlier is not None
    assert len(restarted.earlier.days) == kept
    assert [e for e in restarted.events if e.day < RESTART] == [
        e for e in plain.events if e.day < RESTART
    ]
    assert all(e.day < RESTART for e in restarted.events)  # nothing new since: no decline

    rows = daily_levels(restarted)
    old_rows = [row for row in daily_levels(plain) if row.day < RESTART]
    assert [row for row in rows if row.day < RESTART] == old_rows
    assert [row.value for row in rows] == [row.value for row in daily_levels(plain)]
    since = [row for row in rows if row.day >= RESTART]
    building = SETTINGS.practice_sessions + SETTINGS.baseline_min_sessions - 1
    assert all(row.baseline is None for row in since[:building])
    assert all(row.baseline == pytest.approx(4.0, rel=0.1) for row in since[building:])


def test_the_old_baseline_is_carried_only_up_to_the_day_before_the_restart():
    holds = [20.0] * 12 + [5.0] * 3
    days = [*range(12), 30, 31, 32]
    restart = day(15)
    history = measure_history(SLS, observations(holds, days=days), baseline_from=restart)
    rows = {row.day: row for row in daily_levels(history)}
    assert rows[day(14)].baseline == pytest.approx(20.0)  # carried from day 11
    assert all(day(offset) not in rows for offset in range(15, 30))
    assert rows[day(30)].baseline is None


def test_a_restart_without_sessions_since_takes_effect_at_once():
    observed = observations(HOLDS[: BEFORE + 10])
    trend = assess_measure(SLS, observed, RESTART, baseline_from=RESTART)
    assert trend.status is TrendStatus.BUILDING_BASELINE
    assert not trend.declining
    assert trend.sessions == 0
    assert trend.day is None
    assert trend.baseline_since == RESTART
    figures = {reason.code: reason.figure for reason in trend.reasons}
    assert figures == {
        TrendCode.BASELINE_RESTARTED: 0,
        TrendCode.PRACTICE_SESSIONS_SET_ASIDE: 0,
        TrendCode.BUILDING_BASELINE: SETTINGS.practice_sessions + SETTINGS.baseline_min_sessions,
    }
    assert trend.as_dict()["baseline_since"] == RESTART.isoformat()
    assert trend.as_dict()["reasons"][0]["day"] == RESTART.isoformat()
    assert "day" not in trend.as_dict()["reasons"][1]


def test_a_restart_on_or_before_the_first_session_changes_nothing():
    plain = assess_measure(SLS, observations(HOLDS), day(BEFORE + AFTER - 1))
    for start in (day(0), day(-100)):
        same = assess_measure(
            SLS, observations(HOLDS), day(BEFORE + AFTER - 1), baseline_from=start
        )
        assert same == plain


def test_the_restart_reason_holds_while_no_session_is_recent():
    history = measure_history(SLS, observations(HOLDS), baseline_from=RESTART)
    idle = history.at(day(BEFORE + AFTER + 30))
    assert TrendCode.NO_RECENT_SESSIONS in _codes(idle)
    assert idle.baseline_since == RESTART
    assert _codes(idle)[0] is TrendCode.BASELINE_RESTARTED


def test_a_person_restarts_every_measure_that_was_taken_before():
    observed = {SLS: observations(HOLDS), TrendMeasure.TANDEM: observations([25.0] * 5)}
    trend = assess_person(observed, day(BEFORE + AFTER - 1), baseline_from=RESTART)
    assert not trend.declining
    assert trend.measure(SLS).baseline_since == RESTART
    # Tandem was measured before the restart too: its baseline is built again from nothing.
    assert trend.measure(TrendMeasure.TANDEM).status is TrendStatus.BUILDING_BASELINE
    assert trend.measure(TrendMeasure.TANDEM).baseline_since == RESTART
    # Never measured: nothing to restart.
    assert trend.measure(TrendMeasure.BALANCE_SCORE).status is TrendStatus.NO_DATA
    assert trend.measure(TrendMeasure.BALANCE_SCORE).baseline_since is None


@pytest.mark.parametrize("bad", [datetime(2025, 3, 3, 12), "2025-03-03", 20250303])
def test_a_restart_day_that_is_not_a_date_is_refused(bad):
    with pytest.raises(ValueError, match="baseline_from must be a date"):
        measure_history(SLS, observations(HOLDS), baseline_from=bad)
