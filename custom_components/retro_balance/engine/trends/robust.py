"""Robust statistics for short, censored series: median, spread, slope.

- Censored median: the middle order statistic, where a value held to its cap sorts at or above
  the cap. It is exact while the middle is not censored, and a lower bound (``at_cap``) when it
  is — so it copes with up to half of the values capped without any model of the tail.
- Spread: the median absolute difference of neighbouring points scaled to a normal SD,
  ``1.4826 · median|Δ| / √2`` (1.4826 = 1 / Φ⁻¹(0.75); a difference of two points has √2 times
  their SD); one bad day barely moves it, and a slow trend does not enter it.
- Slope: Theil (1950) and Sen (1968), the median of all pairwise slopes; it ignores up to 29 %
  of outlying points (its breakdown point).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from .measure import FloatArray

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

MAD_TO_SD = 1.4826
"""Scale of a median absolute deviation to a normal standard deviation, 1 / Φ⁻¹(0.75)."""


def censored_medians(
    values: FloatArray, censored: BoolArray, valid: BoolArray
) -> tuple[FloatArray, BoolArray, IntArray]:
    """Median of each row's valid values, whether it is a lower bound, and how many there were.

    ``values``, ``censored`` and ``valid`` have the same shape ``(rows, k)``. A row without valid
    values gives NaN. With an even count the median is the mean of the two middle values and is
    a lower bound when either of them is censored.
    """
    rows, width = values.shape
    count = valid.sum(axis=1).astype(np.int64)
    if width == 0:
        return np.full(rows, np.nan), np.zeros(rows, dtype=np.bool_), count
    # A censored value sorts just above an exact one of the same number; invalid ones go last.
    keys = np.where(valid, np.where(censored, np.nextafter(values, np.inf), values), np.inf)
    order = np.argsort(keys, axis=1, kind="stable")
    sorted_values = np.take_along_axis(values, order, axis=1)
    sorted_censored = np.take_along_axis(censored & valid, order, axis=1)
    lower = np.maximum((count - 1) // 2, 0)[:, None]
    upper = np.minimum(count // 2, width - 1)[:, None]
    middle = 0.5 * (
        np.take_along_axis(sorted_values, lower, axis=1)[:, 0]
        + np.take_along_axis(sorted_values, upper, axis=1)[:, 0]
    )
    at_cap = (
        np.take_along_axis(sorted_censored, lower, axis=1)[:, 0]
        | np.take_along_axis(sorted_censored, upper, axis=1)[:, 0]
    )
    empty = count == 0
    return np.where(empty, np.nan, middle), at_cap & ~empty, count


def censored_median(values: FloatArray, censored: BoolArray) -> tuple[float, bool]:
    """Median of a 1-D series and whether it is a lower bound (NaN for an empty series)."""
    medians, at_cap, _ = censored_medians(
        values[None, :], censored[None, :], np.ones((1, values.size), dtype=np.bool_)
    )
    return float(medians[0]), bool(at_cap[0])


def theil_sen_slope(x: FloatArray, y: FloatArray) -> float:
    """Median of the slopes ``(y_j − y_i) / (x_j − x_i)`` over pairs with ``x_i < x_j``.

    NaN when no two points have different ``x``.
    """
    i, j = np.triu_indices(x.size, k=1)
    dx = x[j] - x[i]
    distinct = dx != 0
    if not distinct.any():
        return math.nan
    return float(np.median((y[j] - y[i])[distinct] / dx[distinct]))


def running_difference_sd(
    values: FloatArray, censored: BoolArray, *, start: int, window: int, min_pairs: int
) -> FloatArray:
    """Day-to-day SD after each point, from its successive differences: ``1.4826 · median|Δ| / √2``.

    Uses the last ``window`` differences between points ``start`` … ``i`` (pairs with a censored
    point say nothing about the spread and are skipped); NaN with fewer than ``min_pairs``.
    Differences of neighbours are blind to slow trends, so a decline does not inflate the spread.
    """
    n = values.size
    result = np.full(n, np.nan)
    if n < 2 or window < 1:
        return result
    step = np.abs(np.diff(values))
    usable = ~(censored[1:] | censored[:-1]) & (np.arange(1, n) > start)
    index = np.arange(n - 1)[:, None] - np.arange(window)[None, :]
    clipped = np.maximum(index, 0)
    valid = (index >= 0) & usable[clipped]
    median, _, count = censored_medians(step[clipped], np.zeros_like(valid), valid)
    result[1:] = np.where(count >= min_pairs, MAD_TO_SD * median / np.sqrt(2.0), np.nan)
    return result
