"""The retro-walking programme's effect: before against since, beyond measurement error or not."""

import json
import math

import numpy as np
import pytest

from custom_components.retro_balance.engine.trends.detector import DEFAULT_SETTINGS
from custom_components.retro_balance.engine.trends.effect import (
    EFFECT_CODES,
    EFFECT_Z,
    WINDOW_DAYS,
    EffectVerdict,
    measure_effect,
    programme_effect,
)
from custom_components.retro_balance.engine.trends.measure import TrendMeasure
from custom_components.retro_balance.engine.trends.reasons import TrendCode
from custom_components.retro_balance.engine.trends.series import daily_series
from tests.engine.trends.series_builders import day, observations

SLS = TrendMeasure.SINGLE_LEG_LEFT
SWAY = TrendMeasure.QUIET_SWAY_VELOCITY
SCORE = TrendMeasure.BALANCE_SCORE
START = 60
"""The programme starts on day 60; sessions run daily from day 0."""


def noisy(level: float, days: int, seed: int, sd_log: float = 0.3) -> list[float]:
    rng = np.random.default_rng(seed)
    return [level * math.exp(sd_log * rng.normal()) for _ in range(days)]


def effect_of(
    measure: TrendMeasure, values: list[float], as_of: int = 119, cap: float | None = None
):
    series = daily_series(measure, observations(values, cap=cap))
    return measure_effect(series, day(START), day(as_of))


def codes(effect) -> list[TrendCode]:
    return [reason.code for reason in effect.reasons]


def test_holds_twice_as_long_since_the_start_are_an_improvement() -> None:
    effect = effect_of(SLS, noisy(8.0, START, 1) + noisy(16.0, 60, 2))
    assert effect.verdict is EffectVerdict.IMPROVED
    assert effect.z is not None
    assert effect.z >= EFFECT_Z
    assert effect.before == pytest.approx(8.0, rel=0.25)
    assert effect.since == pytest.approx(16.0, rel=0.25)
    assert effect.change_pct == pytest.approx(100.0, abs=40.0)
    assert codes(effect) == [TrendCode.IMPROVED_BEYOND_ERROR]


def test_the_same_level_is_no_clear_change() -> None:
    effect = effect_of(SLS, noisy(10.0, 120, 3))
    assert effect.verdict is EffectVerdict.NO_CLEAR_CHANGE
    assert abs(effect.z or 0.0) < EFFECT_Z
    assert codes(effect) == [TrendCode.EFFECT_WITHIN_ERROR]


def test_more_sway_is_worse() -> None:
    effect = effect_of(SWAY, noisy(1.0, START, 4, 0.1) + noisy(1.6, 60, 5, 0.1))
    assert effect.verdict is EffectVerdict.WORSENED
    assert effect.z is not None
    assert effect.z <= -EFFECT_Z
    assert effect.change is not None
    assert effect.change > 0


def test_a_small_change_within_the_published_error_is_not_claimed() -> None:
    # Without noise the own spread is 0, so the published SEM (40.8 %) sets the error: +30 %
    # over 56 + 56 sessions is z ≈ 0.26 / (0.39 · √(π/2 · 2/56)) ≈ 2.8 — but +15 % is not.
    assert effect_of(SLS, [10.0] * START + [11.5] * 60).verdict is EffectVerdict.NO_CLEAR_CHANGE
    assert effect_of(SLS, [10.0] * START + [13.0] * 60).verdict is EffectVerdict.IMPROVED


def test_practice_sessions_are_not_counted_as_before() -> None:
    # Three clumsy first sessions, then a steady level: starting right after them compares the
    # steady level with itself, not with the practice.
    values = [2.0, 2.0, 2.0] + [10.0] * 117
    effect = effect_of(SLS, values)
    assert effect.verdict is EffectVerdict.NO_CLEAR_CHANGE
    assert effect.before_sessions == min(WINDOW_DAYS, START - DEFAULT_SETTINGS.practice_sessions)


def test_too_few_sessions_on_either_side() -> None:
    before_only = effect_of(SLS, [10.0] * 62, as_of=61)
    assert before_only.verdict is EffectVerdict.TOO_FEW_SESSIONS
    assert codes(before_only) == [TrendCode.TOO_FEW_SESSIONS_SINCE]
    assert before_only.since_sessions == 2
    series = daily_series(SLS, observations([10.0] * 20, days=range(55, 75)))
    late_start = measure_effect(series, day(58), day(74))
    assert codes(late_start) == [TrendCode.TOO_FEW_SESSIONS_BEFORE]
    assert late_start.before is None
    assert late_start.change is None


def test_a_day_before_the_start_has_nothing_since() -> None:
    effect = effect_of(SLS, [10.0] * 120, as_of=START - 5)
    assert effect.since_sessions == 0
    assert effect.verdict is EffectVerdict.TOO_FEW_SESSIONS


def test_held_to_the_cap_on_both_sides_tells_nothing() -> None:
    effect = effect_of(SLS, [30.0] * 120, cap=30.0)
    assert effect.verdict is EffectVerdict.NO_CLEAR_CHANGE
    assert effect.z == 0.0
    assert codes(effect) == [TrendCode.HELD_TO_CAP, TrendCode.EFFECT_WITHIN_ERROR]


def test_reaching_the_cap_since_is_an_improvement_of_at_least_that_much() -> None:
    effect = effect_of(SLS, noisy(8.0, START, 6) + [30.0] * 60, cap=30.0)
    assert effect.verdict is EffectVerdict.IMPROVED
    assert codes(effect)[0] is TrendCode.HELD_TO_CAP


def test_the_verdict_over_all_measures() -> None:
    steady = observations([10.0] * 120)
    better = observations([10.0] * START + [25.0] * 60)
    worse_sway = observations([1.0] * START + [2.0] * 60)
    start, as_of = day(START), day(119)
    improved = programme_effect({SLS: better, TrendMeasure.TANDEM: steady}, start, as_of)
    assert improved.verdict is EffectVerdict.IMPROVED
    assert improved.measure(TrendMeasure.SINGLE_LEG_RIGHT).verdict is EffectVerdict.TOO_FEW_SESSIONS
    mixed = programme_effect({SLS: better, SWAY: worse_sway}, start, as_of)
    assert mixed.verdict is EffectVerdict.MIXED
    assert programme_effect({SWAY: worse_sway}, start, as_of).verdict is EffectVerdict.WORSENED
    assert programme_effect({SLS: steady}, start, as_of).verdict is EffectVerdict.NO_CLEAR_CHANGE
    assert programme_effect({}, start, as_of).verdict is EffectVerdict.TOO_FEW_SESSIONS


def test_as_dict_is_json_and_complete() -> None:
    score = {SCORE: observations([60.0] * START + [70.0] * 60)}
    found = programme_effect(score, day(START), day(119))
    data = json.loads(json.dumps(found.as_dict()))
    assert data["start"] == day(START).isoformat()
    assert data["days_since_start"] == 59
    assert data["verdict"] == "improved"
    assert data["measures"]["balance_score"]["change"] == 10.0
    assert data["measures"]["balance_score"]["unit"] == "points"
    assert {reason["code"] for reason in data["reasons"]} >= {"improved_beyond_error"}
    assert {reason.code for reason in found.reasons} <= EFFECT_CODES
    assert found.days_since_start == (day(119) - day(START)).days
    with pytest.raises(KeyError):
        found.measure("nonsense")  # type: ignore[arg-type]


def test_only_the_last_window_since_the_start_counts() -> None:
    # A year since the start: the first weeks' dip does not dilute the current weeks.
    values = [10.0] * START + [5.0] * 100 + [10.0] * 200
    effect = effect_of(SLS, values, as_of=START + 299)
    assert effect.since_sessions == WINDOW_DAYS
    assert effect.verdict is EffectVerdict.NO_CLEAR_CHANGE


def test_a_baseline_started_again_before_the_programme_compares_from_that_day() -> None:
    # Holds of 30 s before an operation on day 40, 8 s after it, 16 s since the programme: over
    # all the weeks the programme looks like a loss; from the restart on it doubled the holds.
    values = noisy(30.0, 40, 7) + noisy(8.0, START - 40, 8) + noisy(16.0, 60, 9)
    observed = {SLS: observations(values)}
    whole = programme_effect(observed, day(START), day(119)).measure(SLS)
    assert whole.verdict is EffectVerdict.WORSENED
    restarted = programme_effect(observed, day(START), day(119), baseline_from=day(40))
    effect = restarted.measure(SLS)
    assert effect.verdict is EffectVerdict.IMPROVED
    assert effect.before == pytest.approx(8.0, rel=0.25)
    # Only sessions from the restart count, its first ones again set aside as practice.
    assert effect.before_sessions == START - 40 - DEFAULT_SETTINGS.practice_sessions


def test_a_baseline_started_again_since_the_programme_leaves_nothing_to_compare() -> None:
    observed = {SLS: observations(noisy(10.0, 120, 10))}
    restarted = programme_effect(observed, day(START), day(119), baseline_from=day(START + 10))
    effect = restarted.measure(SLS)
    assert restarted.verdict is EffectVerdict.TOO_FEW_SESSIONS
    assert effect.before_sessions == 0
    assert codes(effect) == [TrendCode.TOO_FEW_SESSIONS_BEFORE]
