"""Resampling irregular timestamps onto a uniform grid: jitter, duplicates, order, gaps."""

import numpy as np
import pytest

from custom_components.retro_balance.engine.signal.resample import (
    Gap,
    longest_complete_stretch,
    resample_uniform,
)


def test_uniform_input_at_its_own_rate_is_unchanged() -> None:
    time_s = np.arange(50) / 25
    values = np.sin(time_s)
    series = resample_uniform(time_s, values, 25)
    np.testing.assert_allclose(series.time_s, time_s, atol=1e-12)
    np.testing.assert_allclose(series.values, values, atol=1e-12)
    assert series.gaps == ()
    assert series.values.shape == (50,)


def test_jittered_linear_signal_is_recovered_exactly() -> None:
    rng = np.random.default_rng(3)
    time_s = np.arange(200) / 45 + rng.uniform(-0.005, 0.005, 200)
    values = np.column_stack((2.0 * time_s + 1.0, -0.5 * time_s))
    series = resample_uniform(time_s, values, 100)
    np.testing.assert_allclose(np.diff(series.time_s), 0.01, atol=1e-12)
    assert series.time_s[0] == time_s[0]
    assert series.time_s[-1] <= time_s[-1]
    assert series.time_s[-1] > time_s[-1] - 0.01
    np.testing.assert_allclose(series.values[:, 0], 2.0 * series.time_s + 1.0, atol=1e-12)
    np.testing.assert_allclose(series.values[:, 1], -0.5 * series.time_s, atol=1e-12)
    assert series.values.shape == (series.time_s.size, 2)


def test_duplicated_timestamps_are_averaged() -> None:
    series = resample_uniform([0.0, 0.1, 0.1, 0.2], [0.0, 1.0, 3.0, 4.0], 10)
    np.testing.assert_allclose(series.time_s, [0.0, 0.1, 0.2])
    np.testing.assert_allclose(series.values, [0.0, 2.0, 4.0])


def test_unsorted_input_is_sorted() -> None:
    order = [3, 0, 4, 1, 2]
    time_s = np.array([0.0, 0.1, 0.2, 0.3, 0.4])
    values = np.array([0.0, 1.0, 4.0, 9.0, 16.0])
    shuffled = resample_uniform(time_s[order], values[order], 20)
    ordered = resample_uniform(time_s, values, 20)
    np.testing.assert_array_equal(shuffled.values, ordered.values)
    assert shuffled.values[1] == pytest.approx(0.5)


def test_missing_readings_are_dropped_and_interpolated_over() -> None:
    time_s = [0.0, 0.1, 0.2, 0.3, np.nan]
    values = [[0.0, 0.0], [np.nan, 5.0], [2.0, 2.0], [3.0, 3.0], [9.0, 9.0]]
    series = resample_uniform(time_s, values, 10)
    # The row with a NaN value is dropped whole, so both columns interpolate 0 → 2 at 0.1 s.
    np.testing.assert_allclose(series.values, [[0, 0], [1, 1], [2, 2], [3, 3]])


def test_long_gaps_are_reported_and_left_nan() -> None:
    time_s = np.concatenate((np.arange(11) / 10, 2.0 + np.arange(11) / 10))
    series = resample_uniform(time_s, time_s * 3, 10, max_gap_s=0.25)
    assert series.gaps == (Gap(start_s=1.0, end_s=2.0),)
    assert series.gaps[0].duration_s == pytest.approx(1.0)
    inside = (series.time_s > 1.0 + 1e-9) & (series.time_s < 2.0 - 1e-9)
    assert inside.sum() == 9
    assert np.isnan(series.values[inside]).all()
    np.testing.assert_allclose(series.values[~inside], series.time_s[~inside] * 3, atol=1e-12)


def test_short_gaps_are_interpolated() -> None:
    series = resample_uniform([0.0, 0.2, 0.4], [0.0, 2.0, 4.0], 10, max_gap_s=0.25)
    assert series.gaps == ()
    np.testing.assert_allclose(series.values, [0, 1, 2, 3, 4])


@pytest.mark.parametrize(
    ("time_s", "values", "fs_hz", "max_gap_s", "match"),
    [
        ([0, 1], [0, 1], 0, 0.25, "fs_hz"),
        ([0, 1], [0, 1], 10, 0, "max_gap_s"),
        ([0, 1, 2], [0, 1], 10, 0.25, "same N"),
        ([[0, 1]], [[0, 1]], 10, 0.25, "same N"),
        ([0, 0], [1, 2], 10, 0.25, "two distinct"),
        ([0, 1], [np.nan, 2], 10, 0.25, "two distinct"),
    ],
)
def test_bad_input_is_rejected(
    time_s: object, values: object, fs_hz: float, max_gap_s: float, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        resample_uniform(time_s, values, fs_hz, max_gap_s)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, np.nan, 1, 1, 1, np.nan, 1], slice(2, 5)),
        ([1, 1, np.nan, 1, 1], slice(0, 2)),  # a tie goes to the earliest run
        ([np.nan, np.nan], slice(0, 0)),
        ([[1, 1], [1, np.nan], [1, 1], [2, 2]], slice(2, 4)),
        ([1, 2, 3], slice(0, 3)),
    ],
)
def test_longest_complete_stretch(values: list[float], expected: slice) -> None:
    assert longest_complete_stretch(values) == expected
