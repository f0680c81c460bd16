"""The decline detector: baseline, censoring, error, persistence, tandem rule, recovery, gaps."""

import math

import numpy as np
import pytest

from custom_components.retro_balance.engine.trends.detector import (
    STATUSES,
    DetectorSettings,
    TrendStatus,
    detect,
)
from custom_components.retro_balance.engine.trends.measure import SPECS, TrendMeasure, log_sigma
from custom_components.retro_balance.engine.trends.robust import (
    censored_median,
    censored_medians,
    running_difference_sd,
    theil_sen_slope,
)
from custom_components.retro_balance.engine.trends.series import daily_series
from tests.engine.trends.series_builders import observations

SLS = TrendMeasure.SINGLE_LEG_LEFT
TANDEM = TrendMeasure.TANDEM
SWAY = TrendMeasure.QUIET_SWAY_VELOCITY
SCORE = TrendMeasure.BALANCE_SCORE
SETTINGS = DetectorSettings()
FIRST_BASELINE = SETTINGS.practice_sessions + SETTINGS.baseline_min_sessions - 1
"""Index of the first session with a baseline (the 9th session)."""


def _detect(measure, values, **kwargs):
    return detect(daily_series(measure, observations(values, **kwargs)))


def _statuses(detection):
    return [STATUSES[i] for i in detection.status]


def _noisy(level, n, seed=1, sd=0.15):
    """Multiplicative day-to-day noise well inside the published SEM."""
    return list(level * np.exp(np.random.default_rng(seed).normal(0.0, sd, n)))


# --- robust statistics -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "censored", "expected", "at_cap"),
    [
        ([10, 20, 30], [False, False, False], 20.0, False),
        ([30, 10, 20], [True, False, False], 20.0, False),  # fewer than half capped: exact
        ([10, 20, 30, 30], [False, False, True, True], 25.0, True),  # middle touches the cap
        ([30, 30, 10], [True, True, False], 30.0, True),
        ([20, 20, 20, 20], [False, True, False, True], 20.0, True),
    ],
)
def test_censored_median(values, censored, expected, at_cap):
    median, capped = censored_median(np.array(values, float), np.array(censored))
    assert (median, capped) == (expected, at_cap)


def test_censored_medians_per_row_with_invalid_entries():
    values = np.array([[1.0, 5.0, 9.0], [2.0, 4.0, 100.0], [0.0, 0.0, 0.0]])
    valid = np.array([[True, True, True], [True, True, False], [False, False, False]])
    median, at_cap, count = censored_medians(values, np.zeros_like(valid), valid)
    assert median[:2].tolist() == [5.0, 3.0]
    assert math.isnan(median[2])
    assert count.tolist() == [3, 2, 0]
    assert not at_cap.any()


def test_censored_medians_of_no_columns():
    median, at_cap, count = censored_medians(
        np.empty((2, 0)), np.empty((2, 0), bool), np.empty((2, 0), bool)
    )
    assert np.isnan(median).all()
    assert not at_cap.any()
    assert count.tolist() == [0, 0]


def test_running_difference_sd_skips_censored_pairs_and_needs_enough():
    values = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    censored = np.zeros(7, dtype=bool)
    sd = running_difference_sd(values, censored, start=0, window=10, min_pairs=3)
    assert np.isnan(sd[:3]).all()
    assert sd[3] == pytest.approx(1.4826 / math.sqrt(2))
    censored[:] = True
    assert np.isnan(running_difference_sd(values, censored, start=0, window=10, min_pairs=1)).all()


def test_theil_sen_ignores_an_outlier():
    x = np.arange(10.0)
    y = 2.0 * x + 1.0
    y[4] = 100.0
    assert theil_sen_slope(x, y) == pytest.approx(2.0)
    assert math.isnan(theil_sen_slope(np.ones(3), np.arange(3.0)))


# --- baseline ----------------------------------------------------------------------------------


def test_no_baseline_until_practice_and_six_sessions():
    detection = _detect(SLS, [5.0, 5.0, 5.0] + [20.0] * 10)
    statuses = _statuses(detection)
    assert statuses[:FIRST_BASELINE] == [TrendStatus.BUILDING_BASELINE] * FIRST_BASELINE
    assert statuses[FIRST_BASELINE] is TrendStatus.STABLE
    assert np.isnan(detection.baseline[:FIRST_BASELINE]).all()
    # The practice sessions (5 s) are not part of the baseline.
    assert SPECS[SLS].from_scale(detection.baseline[FIRST_BASELINE]) == pytest.approx(20.0)
    assert detection.baseline_sessions[FIRST_BASELINE] == SETTINGS.baseline_min_sessions
    assert not detection.declining.any()


def test_baseline_freezes_after_the_maximum_sessions():
    n = SETTINGS.practice_sessions + SETTINGS.baseline_max_sessions
    detection = _detect(SLS, [20.0] * n + [25.0] * 30)
    assert detection.baseline_sessions.max() == SETTINGS.baseline_max_sessions
    assert SPECS[SLS].from_scale(detection.baseline[-1]) == pytest.approx(20.0)


def test_identical_values_use_the_published_error_and_never_decline():
    detection = _detect(SLS, [15.0] * 60)
    ready = detection.baseline_sessions > 0
    assert np.allclose(detection.sigma[ready], log_sigma(0.408))
    assert not detection.own_spread_larger.any()
    assert np.allclose(detection.z[ready], 0.0)
    assert set(_statuses(detection)[FIRST_BASELINE:]) == {TrendStatus.STABLE}


def test_own_spread_replaces_the_published_error_when_larger():
    detection = _detect(SLS, [10.0, 25.0] * 20)  # a log difference of 0.92 every day
    assert detection.own_spread_larger[-1]
    assert detection.sigma[-1] == pytest.approx(1.4826 * math.log(2.5) / math.sqrt(2))
    assert not detection.declining.any()


# --- censoring ---------------------------------------------------------------------------------


def test_all_values_capped_is_stable_with_both_levels_at_the_cap():
    detection = _detect(SLS, [30.0] * 40, cap=30.0)
    assert detection.series.censored.all()
    assert detection.baseline_at_cap[-1]
    assert detection.current_at_cap[-1]
    assert not detection.declining.any()
    assert _statuses(detection)[-1] is TrendStatus.STABLE


def test_values_above_the_cap_count_as_the_cap():
    above = _detect(SLS, [45.0] * 30, cap=30.0)
    at = _detect(SLS, [30.0] * 30, cap=30.0)
    assert np.array_equal(above.series.values, at.series.values)
    assert np.array_equal(above.baseline, at.baseline, equal_nan=True)


def test_a_decline_from_the_cap_is_detected():
    detection = _detect(SLS, [30.0] * 25 + [4.0] * 10, cap=30.0)
    assert detection.baseline_at_cap[-1]
    assert detection.declining[-1]


def test_a_current_level_held_to_a_lower_cap_is_not_a_decline():
    """Held 40 s under a 45-s cap, then always to a new 30-s cap: at least 30 s, not a drop."""
    obs = observations([40.0] * 25, cap=45.0) + observations(
        [30.0] * 15, cap=30.0, days=range(25, 40)
    )
    detection = detect(daily_series(SLS, obs))
    assert detection.current_at_cap[-1]
    assert detection.z[-1] <= 0
    assert not detection.declining.any()


# --- decline, persistence, direction -----------------------------------------------------------


def test_a_clear_decline_needs_persistence():
    detection = _detect(SLS, _noisy(20.0, 30) + [3.0] * 8)
    first = int(np.argmax(detection.declining))
    assert detection.declining[-1]
    # Beyond the error on `persistence_sessions` sessions in a row before it is confirmed.
    assert (
        detection.z[first - SETTINGS.persistence_sessions + 1 : first + 1] >= SETTINGS.decline_z
    ).all()
    assert _statuses(detection)[first - 1] is TrendStatus.DECLINE_SUSPECTED


def test_a_single_bad_day_is_not_a_decline():
    values = _noisy(20.0, 60)
    values[40] = 1.0
    values[50] = 0.0
    detection = _detect(SLS, values)
    assert not detection.declining.any()
    assert TrendStatus.DECLINE_SUSPECTED not in _statuses(detection)


def test_sway_that_grows_is_a_decline_and_sway_that_shrinks_is_not():
    worse = _detect(SWAY, _noisy(1.0, 30, sd=0.1) + [2.5] * 8)
    better = _detect(SWAY, _noisy(1.0, 30, sd=0.1) + [0.4] * 8)
    assert worse.declining[-1]
    assert not better.declining.any()


def test_balance_score_is_linear_with_the_published_error_in_points():
    detection = _detect(SCORE, [80.0] * 30 + [60.0] * 8)
    assert detection.sigma[-1] == pytest.approx(9.0 / (1.96 * math.sqrt(2)))
    assert detection.declining[-1]
    assert not _detect(SCORE, [80.0] * 30 + [77.0] * 20).declining.any()


# --- tandem threshold rule ---------------------------------------------------------------------


def test_tandem_declines_when_under_10s_on_two_of_three_sessions():
    detection = _detect(TANDEM, [25.0] * 25 + [6.0, 25.0, 6.0, 6.0, 25.0, 6.0, 6.0, 6.0, 6.0])
    assert detection.declining[-1]
    assert detection.tandem_below[-1] == 3


def test_tandem_dropping_but_staying_over_10s_does_not_decline():
    detection = _detect(TANDEM, [30.0] * 25 + [12.0] * 15, cap=30.0)
    assert detection.z[-1] >= SETTINGS.decline_z  # a large change...
    assert not detection.declining.any()  # ...but the STEADI threshold is not crossed
    assert (detection.tandem_below[-15:] == 0).all()


def test_tandem_near_10s_within_noise_does_not_decline():
    detection = _detect(TANDEM, [12.0, 11.0, 13.0] * 8 + [9.0, 12.0, 9.5] * 6)
    assert (detection.tandem_below[-6:] >= 2).any()
    assert not detection.declining.any()


def test_tandem_baseline_under_10s_is_a_level_not_a_decline():
    detection = _detect(TANDEM, [6.0] * 25 + [2.0] * 15)
    assert not detection.declining.any()


# --- recovery and hysteresis -------------------------------------------------------------------


def test_recovery_needs_sessions_back_within_the_recovery_bound():
    detection = _detect(SLS, [20.0] * 25 + [3.0] * 10 + [20.0] * 12)
    flags = detection.declining
    assert flags[34]
    assert not flags[-1]
    recovered = int(np.flatnonzero(flags)[-1]) + 1
    assert (
        detection.z[recovered - SETTINGS.recovery_sessions + 1 : recovered + 1]
        <= SETTINGS.recovery_z
    ).all()


def test_hysteresis_between_the_decline_and_recovery_bounds():
    sigma = log_sigma(0.408)
    se = sigma * math.sqrt(
        math.pi / 2 * (1 / SETTINGS.current_sessions + 1 / SETTINGS.baseline_max_sessions)
    )
    middle = 20.0 * math.exp(-2.0 * se)  # z = 2: between recovery (1) and decline (3)
    stays = _detect(SLS, [20.0] * 25 + [3.0] * 10 + [middle] * 20)
    never = _detect(SLS, [20.0] * 25 + [middle] * 20)
    assert stays.declining[-1]
    assert not never.declining.any()


def test_tandem_recovers_when_none_of_the_last_sessions_is_under_10s():
    detection = _detect(TANDEM, [25.0] * 25 + [5.0] * 10 + [25.0, 9.0, 25.0, 25.0] + [25.0] * 6)
    assert detection.declining[34]
    assert not detection.declining[-1]


# --- gaps --------------------------------------------------------------------------------------


def test_a_long_gap_keeps_the_decision_and_waits_for_recent_sessions():
    values = [20.0] * 25 + [3.0] * 8 + [3.0] * 4
    days = [*list(range(33)), 120, 121, 122, 123]
    detection = _detect(SLS, values, days=days)
    statuses = _statuses(detection)
    assert detection.declining[32]
    assert np.isnan(detection.current[33])
    assert np.isnan(detection.current[34])
    assert statuses[33] is TrendStatus.DECLINING  # held: nothing says it ended
    assert detection.declining[33:].all()


def test_a_gap_resets_the_persistence_run():
    values = [20.0] * 25 + [3.0] * 3 + [3.0] * 3
    days = [*list(range(25)), 25, 26, 27, 90, 91, 92]
    detection = _detect(SLS, values, days=days)
    assert _statuses(detection)[28] is TrendStatus.TOO_FEW_RECENT_SESSIONS
    assert not detection.declining.any()


def test_an_empty_series():
    detection = _detect(SLS, [])
    assert detection.declining.size == 0


# --- settings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"current_sessions": 7},
        {"recovery_z": 3.0},
        {"min_current_sessions": 0},
        {"baseline_max_sessions": 5},
        {"tandem_below": 4},
        {"persistence_sessions": 0},
        {"decline_z": True},
        {"decline_z": math.nan},
        {"practice_sessions": -1},
    ],
)
def test_settings_that_cannot_work_are_refused(changes):
    with pytest.raises(ValueError, match=r"\w"):
        DetectorSettings(**changes)


def test_tandem_held_to_a_cap_under_10s_is_not_known_to_be_short():
    obs = observations([25.0] * 25, cap=30.0)
    obs += observations([5.0] * 10, cap=5.0, days=range(25, 35))
    detection = detect(daily_series(TANDEM, obs))
    assert (detection.tandem_below[-5:] == 0).all()
    assert not detection.declining.any()
