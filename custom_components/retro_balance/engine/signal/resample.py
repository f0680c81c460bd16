"""Irregularly timed samples → a uniform series, with long gaps reported rather than papered over.

Low-cost pads sample irregularly (about 40–55 Hz with jitter, dropped and duplicated samples), and
frequency-domain and velocity measures need a uniform rate (posturography.md). The steps, in order:

1. rows whose timestamp or any value is not finite are dropped (missing readings);
2. rows are sorted by time (stable sort: out-of-order delivery is accepted, not rejected);
3. rows sharing a timestamp are replaced by their mean;
4. the values are linearly interpolated onto ``t0 + i / fs`` from the first to the last kept time;
5. wherever consecutive kept samples are more than ``max_gap_s`` apart, the gap is reported as a
   :class:`Gap` and the grid samples strictly inside it are NaN instead of interpolated.

Linear interpolation slightly smooths the trace, so velocity computed after it is a little lower
than on the raw samples (Audiffren & Contal 2016); keep the target rate close to the pad's rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..arrays import FloatArray

DEFAULT_MAX_GAP_S = 0.25


@dataclass(frozen=True, slots=True, kw_only=True)
class Gap:
    """Time between two kept samples that is longer than the allowed gap, in seconds."""

    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        """Length of the gap in seconds."""
        return self.end_s - self.start_s


@dataclass(frozen=True, slots=True, kw_only=True)
class UniformSeries:
    """Values on a uniform time grid; rows inside a reported gap are NaN.

    ``values`` has the same number of dimensions as the input: ``(M,)`` or ``(M, k)``.
    """

    time_s: FloatArray
    values: FloatArray
    gaps: tuple[Gap, ...]


def resample_uniform(
    time_s: npt.ArrayLike,
    values: npt.ArrayLike,
    fs_hz: float,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
) -> UniformSeries:
    """Resample ``values`` (``(N,)`` or ``(N, k)``) taken at ``time_s`` onto a uniform grid.

    Steps and conventions: see the module docstring. Raises ``ValueError`` for mismatched shapes,
    a non-positive rate or gap, or fewer than two distinct valid timestamps.
    """
    if not np.isfinite(fs_hz) or fs_hz <= 0:
        raise ValueError(f"fs_hz must be a positive number, got {fs_hz!r}")
    if not np.isfinite(max_gap_s) or max_gap_s <= 0:
        raise ValueError(f"max_gap_s must be a positive number, got {max_gap_s!r}")
    times = np.asarray(time_s, dtype=np.float64)
    data = np.asarray(values, dtype=np.float64)
    one_dimensional = data.ndim == 1
    if one_dimensional:
        data = data.reshape(-1, 1)
    if times.ndim != 1 or data.ndim != 2 or data.shape[0] != times.shape[0]:
        raise ValueError(
            "time_s must be 1-D and values (N,) or (N, k) with the same N; "
            f"got time_s {times.shape} and values {np.shape(values)}"
        )

    keep = np.isfinite(times) & np.isfinite(data).all(axis=1)
    times, data = times[keep], data[keep]
    order = np.argsort(times, kind="stable")
    times, data = times[order], data[order]
    times, data = _average_duplicates(times, data)
    if times.size < 2:
        raise ValueError(
            f"need at least two distinct valid timestamps to resample, got {times.size}"
        )

    count = int(np.floor((times[-1] - times[0]) * fs_hz + 1e-9)) + 1
    grid_s = times[0] + np.arange(count) / fs_hz
    resampled = np.column_stack([np.interp(grid_s, times, column) for column in data.T])

    steps_s = np.diff(times)
    gaps = tuple(
        Gap(start_s=float(times[i]), end_s=float(times[i + 1]))
        for i in np.flatnonzero(steps_s > max_gap_s)
    )
    for gap in gaps:
        resampled[(grid_s > gap.start_s) & (grid_s < gap.end_s)] = np.nan

    return UniformSeries(
        time_s=grid_s,
        values=resampled[:, 0] if one_dimensional else resampled,
        gaps=gaps,
    )


def _average_duplicates(times: FloatArray, data: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Collapse rows with equal (sorted) timestamps into one row holding their mean."""
    unique_times, first_index, counts = np.unique(times, return_index=True, return_counts=True)
    if unique_times.size == times.size:
        return times, data
    sums = np.add.reduceat(data, first_index, axis=0)
    return unique_times, sums / counts[:, None]


def longest_complete_stretch(values: npt.ArrayLike) -> slice:
    """Slice of the longest run of consecutive rows whose values are all finite.

    ``values`` is ``(M,)`` or ``(M, k)``, e.g. :attr:`UniformSeries.values`; the earliest run
    wins a tie, and an input without any finite row gives an empty slice ``slice(0, 0)``.
    """
    data = np.asarray(values, dtype=np.float64)
    complete = np.isfinite(data) if data.ndim == 1 else np.isfinite(data).all(axis=1)
    edges = np.diff(np.concatenate(([0], complete.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if starts.size == 0:
        return slice(0, 0)
    longest = int(np.argmax(ends - starts))
    return slice(int(starts[longest]), int(ends[longest]))
