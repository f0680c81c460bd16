"""The trend API: histories, trends on a day, a person's trends, reasons, the fall-risk level."""

import json
import math
from datetime import timedelta

import pytest

from custom_components.retro_balance.engine.clinical.fall_risk import RiskLevel
from custom_components.retro_balance.engine.trends.assess import (
    assess_measure,
    assess_person,
    measure_history,
)
from custom_components.retro_balance.engine.trends.detector import DetectorSettings, TrendStatus
from custom_components.retro_balance.engine.trends.measure import TrendMeasure
from custom_components.retro_balance.engine.trends.reasons import TrendCode
from custom_components.retro_balance.engine.trends.results import TrendEventKind
from custom_components.retro_balance.engine.trends.risk import combine_fall_risk
from custom_components.retro_balance.engine.trends.series import Observation, daily_series
from custom_components.retro_balance.engine.trends.sources import CITATIONS, TrendSource
from tests.engine.trends.series_builders import START, day, observations

SLS = TrendMeasure.SINGLE_LEG_LEFT
TANDEM = TrendMeasure.TANDEM
SWAY = TrendMeasure.QUIET_SWAY_VELOCITY
SCORE = TrendMeasure.BALANCE_SCORE
SETTINGS = DetectorSettings()
DECLINE = [20.0] * 25 + [3.0] * 10
"""A stable single-leg stance that then drops far beyond the measurement error."""


def _codes(trend):
    return [reason.code for reason in trend.reasons]


# --- one measure -------------------------------------------------------------------------------


def test_a_measure_never_taken_has_no_data():
    trend = assess_measure(SWAY, [], day(10))
    assert trend.status is TrendStatus.NO_DATA
    assert not trend.declining
    assert trend.baseline is None
    assert trend.current is None
    assert trend.change is None
    assert _codes(trend) == [TrendCode.NO_SESSIONS]


def test_a_day_before_the_first_session_has_no_data():
    assert assess_measure(SLS, observations([20.0] * 5), START - timedelta(days=1)).sessions == 0


def test_building_baseline_says_how_many_sessions_are_still_needed():
    trend = assess_measure(SLS, observations([20.0] * 4), day(3))
    assert trend.status is TrendStatus.BUILDING_BASELINE
    figures = {reason.code: reason.figure for reason in trend.reasons}
    assert figures[TrendCode.PRACTICE_SESSIONS_SET_ASIDE] == SETTINGS.practice_sessions
    assert figures[TrendCode.BUILDING_BASELINE] == 5  # 3 practice + 6 baseline − 4 taken


def test_a_stable_measure_explains_its_error_and_change():
    trend = assess_measure(SLS, observations([20.0, 21.0, 19.0] * 10), day(29))
    assert trend.status is TrendStatus.STABLE
    assert trend.baseline == pytest.approx(20.0)
    assert trend.measurement_error == pytest.approx(40.8)
    assert trend.change == pytest.approx(trend.current - trend.baseline)
    assert trend.change_pct == pytest.approx(100 * trend.change / trend.baseline)
    assert trend.reasons[0].code is TrendCode.MEASUREMENT_ERROR
    assert trend.reasons[0].source is TrendSource.GOLDBERG_2011
    assert TrendCode.CHANGE_WITHIN_ERROR in _codes(trend)


def test_a_decline_is_dated_explained_and_raises_an_event():
    history = measure_history(SLS, observations(DECLINE))
    assert [event.kind for event in history.events] == [TrendEventKind.DECLINE_DETECTED]
    onset = history.events[0].day
    trend = history.at(day(34))
    assert trend.declining
    assert trend.status is TrendStatus.DECLINING
    assert trend.declining_since == onset
    assert trend.change_pct == pytest.approx(-85.0)
    figures = {reason.code: reason.figure for reason in trend.reasons}
    assert figures[TrendCode.CHANGE_BEYOND_ERROR] == pytest.approx(-85.0)
    assert figures[TrendCode.DECLINE_PERSISTED] == (day(34) - onset).days + 1
    at_onset = history.at(onset)
    assert at_onset.event is TrendEventKind.DECLINE_DETECTED
    assert TrendCode.RECOVERY_NOT_YET_PERSISTENT not in _codes(at_onset)


def test_recovery_is_an_event_with_a_reason():
    history = measure_history(SLS, observations([*DECLINE, *[20.0] * 12]))
    kinds = [event.kind for event in history.events]
    assert kinds == [TrendEventKind.DECLINE_DETECTED, TrendEventKind.RECOVERED]
    recovered = history.events[1].day
    trend = history.at(recovered)
    assert not trend.declining
    assert trend.recovered_on == recovered
    assert trend.declining_since is None
    assert TrendCode.RECOVERED in _codes(trend)
    before = history.at(recovered - timedelta(days=1))
    assert before.declining
    assert TrendCode.RECOVERY_NOT_YET_PERSISTENT in _codes(before)


def test_without_recent_sessions_the_level_is_dropped_and_the_decision_kept():
    history = measure_history(SLS, observations(DECLINE))
    later = history.at(day(34 + 60))
    assert later.declining
    assert later.status is TrendStatus.DECLINING
    assert later.current is None
    assert later.change is None
    assert later.slope_per_30d is None
    assert later.day == day(34)
    assert later.as_of == day(94)
    assert later.reasons[-1].code is TrendCode.NO_RECENT_SESSIONS
    assert later.reasons[-1].figure == 60
    assert TrendCode.CHANGE_BEYOND_ERROR not in _codes(later)
    stable = measure_history(SLS, observations([20.0] * 12)).at(day(80))
    assert stable.status is TrendStatus.TOO_FEW_RECENT_SESSIONS
    assert not stable.declining


def test_capped_levels_are_flagged():
    trend = assess_measure(SLS, observations([30.0] * 30, cap=30.0), day(29))
    assert trend.baseline_at_cap
    assert trend.current_at_cap
    assert {TrendCode.BASELINE_AT_CAP, TrendCode.CURRENT_AT_CAP} <= set(_codes(trend))


def test_tandem_reasons_name_the_steadi_rule():
    history = measure_history(TANDEM, observations([25.0] * 25 + [5.0] * 10))
    trend = history.at(day(34))
    assert trend.declining
    reason = next(r for r in trend.reasons if r.code is TrendCode.TANDEM_UNDER_THRESHOLD)
    assert (reason.figure, reason.source) == (3, TrendSource.STEADI_2017)
    low = assess_measure(TANDEM, observations([6.0] * 20), day(19))
    assert TrendCode.TANDEM_BASELINE_UNDER_THRESHOLD in _codes(low)


def test_slope_per_30_days():
    falling = [20.0 * 0.9 ** (k / 30) for k in range(40)]  # −10 % per 30 days
    trend = assess_measure(SLS, observations(falling), day(39))
    assert trend.slope_pct_per_30d == pytest.approx(-10.0)
    assert trend.slope_per_30d == pytest.approx(-0.1 * trend.current)
    score = assess_measure(SCORE, observations([90.0 - 0.1 * k for k in range(40)]), day(39))
    assert score.slope_per_30d == pytest.approx(-3.0)
    assert assess_measure(SLS, observations([20.0] * 5), day(4)).slope_per_30d is None


# --- input -------------------------------------------------------------------------------------


def test_a_day_keeps_its_best_value():
    obs = [
        Observation(day=day(0), value=12.0),
        Observation(day=day(0), value=18.0),
        Observation(day=day(1), value=31.0),
        Observation(day=day(1), value=30.0),
    ]
    series = daily_series(SLS, obs)
    assert series.values.tolist() == [18.0, 30.0]
    assert series.censored.tolist() == [False, True]
    sway = daily_series(SWAY, [Observation(day=day(0), value=v) for v in (1.5, 0.9, 1.2)])
    assert sway.values.tolist() == [0.9]


def test_observations_in_any_order_give_the_same_history():
    obs = observations(DECLINE)
    assert measure_history(SLS, obs).trends == measure_history(SLS, obs[::-1]).trends


@pytest.mark.parametrize(
    ("measure", "observation", "match"),
    [
        (SLS, Observation(day=day(0), value=-1.0), "0 or more"),
        (SLS, Observation(day=day(0), value=math.nan), "finite"),
        (SLS, Observation(day=day(0), value=True), "finite"),
        (SCORE, Observation(day=day(0), value=101.0), "from 0 to 100"),
        (SWAY, Observation(day=day(0), value=1.0, cap=30.0), "never capped"),
        (SLS, Observation(day=day(0), value=1.0, cap=0.0), "cap must be positive"),
        (SLS, Observation(day="2025-01-01", value=1.0), "must be a date"),
        (SLS, (day(0), 1.0), "Observation objects"),
    ],
)
def test_bad_observations_are_refused(measure, observation, match):
    with pytest.raises(ValueError, match=match):
        measure_history(measure, [observation])


def test_unknown_measures_are_refused():
    with pytest.raises(ValueError, match="not_a_test"):
        measure_history("not_a_test", [])
    with pytest.raises(ValueError, match="unknown trend measure"):
        assess_person({"not_a_test": []}, day(0))


# --- a person ----------------------------------------------------------------------------------


def test_person_trend_covers_every_measure_and_serialises():
    person = assess_person({SLS: observations(DECLINE), SCORE: observations([80.0] * 35)}, day(34))
    assert [trend.measure for trend in person.measures] == list(TrendMeasure)
    assert person.declining
    assert person.declining_measures == (SLS,)
    assert person.measure(SWAY).status is TrendStatus.NO_DATA
    data = json.loads(json.dumps(person.as_dict()))
    assert data["declining_measures"] == ["single_leg_left"]
    sls = data["measures"]["single_leg_left"]
    assert sls["declining"] is True
    assert sls["change_pct"] == -85.0
    assert {"code", "measure", "figure", "source"} == set(sls["reasons"][0])
    with pytest.raises(KeyError):
        person.measure("nope")


def test_every_source_has_a_citation():
    assert set(CITATIONS) == set(TrendSource)


# --- fall-risk level ---------------------------------------------------------------------------


def _person(declining: bool):
    values = DECLINE if declining else [20.0] * 35
    return assess_person({SLS: observations(values)}, day(34))


@pytest.mark.parametrize(
    ("level", "raised", "code"),
    [
        (RiskLevel.LOW, RiskLevel.MODERATE, TrendCode.DECLINE_RAISES_LEVEL),
        (RiskLevel.MODERATE, RiskLevel.HIGH, TrendCode.DECLINE_RAISES_LEVEL),
        (RiskLevel.HIGH, RiskLevel.HIGH, TrendCode.DECLINE_AT_HIGHEST_LEVEL),
        (RiskLevel.UNKNOWN, RiskLevel.UNKNOWN, TrendCode.DECLINE_LEVEL_UNKNOWN),
    ],
)
def test_a_confirmed_decline_raises_the_level_one_step(level, raised, code):
    risk = combine_fall_risk(level, _person(declining=True))
    assert risk.level is raised
    assert risk.level_from_results is level
    assert [(r.code, r.measure) for r in risk.reasons] == [(code, SLS)]
    assert risk.reasons[0].figure == pytest.approx(-85.0)
    assert risk.as_dict()["level"] == raised.value


def test_no_decline_leaves_the_level_alone():
    risk = combine_fall_risk("moderate", _person(declining=False))
    assert risk.level is RiskLevel.MODERATE
    assert not risk.raised
    assert risk.reasons == ()


def test_a_suspected_decline_does_not_raise_the_level():
    person = assess_person({SLS: observations([20.0] * 25 + [3.0] * 5)}, day(29))
    assert person.measure(SLS).status is TrendStatus.DECLINE_SUSPECTED
    assert combine_fall_risk(RiskLevel.LOW, person).level is RiskLevel.LOW


def test_an_unknown_level_name_is_refused():
    with pytest.raises(ValueError, match="unknown fall-risk level"):
        combine_fall_risk("severe", _person(declining=False))


def test_right_after_a_long_gap_there_are_too_few_recent_sessions():
    values, days = [25.0] * 12 + [25.0], [*range(12), 80]
    for measure in (SLS, TANDEM):
        trend = assess_measure(measure, observations(values, days=days), day(80))
        assert trend.status is TrendStatus.TOO_FEW_RECENT_SESSIONS
        assert trend.current is None
        figures = {reason.code: reason.figure for reason in trend.reasons}
        assert figures[TrendCode.TOO_FEW_RECENT_SESSIONS] == 1
        assert TrendCode.TANDEM_HELD not in figures  # not enough sessions for the 2-of-3 rule


def test_events_serialise():
    event = measure_history(SLS, observations(DECLINE)).events[0]
    assert event.as_dict() == {
        "day": event.day.isoformat(),
        "measure": "single_leg_left",
        "kind": "decline_detected",
    }
