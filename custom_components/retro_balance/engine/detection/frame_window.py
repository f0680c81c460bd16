"""The pad monitor's windows over the frame stream: frames joined into runs, totals per frame.

`PadMonitor` (`pad_state.py`) takes a second of frames at once when no test runs: each run of
frames whose samples follow on each other becomes one frame (`joined_following`), and its weight
window keeps each frame's total loads as one entry (`FrameTotals`): little work per frame.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..wire.messages import Frame


def joined_following(frames: Sequence[Frame]) -> list[Frame]:
    """Join each run of frames whose samples follow on each other at one rate into one frame."""
    joined: list[Frame] = []
    run: list[Frame] = []
    for frame in frames:
        if run and not _follows(run[-1], frame):
            joined.append(_join(run))
            run = []
        run.append(frame)
    if run:
        joined.append(_join(run))
    return joined


def _follows(previous: Frame, frame: Frame) -> bool:
    """Whether `frame`'s first sample comes one sample period after `previous`'s last."""
    rate_hz = frame.rate_hz
    if rate_hz != previous.rate_hz:
        return False
    # previous.duration_s, without its properties: this runs for every frame.
    gap_s = (frame.t_ms - previous.t_ms) / 1000.0 - len(previous.cells_kg) / rate_hz
    return abs(gap_s) < 0.5 / rate_hz


def _join(run: list[Frame]) -> Frame:
    if len(run) == 1:
        return run[0]
    first = run[0]
    cells_kg = np.concatenate([frame.cells_kg for frame in run])
    return Frame(seq=first.seq, t_ms=first.t_ms, rate_hz=first.rate_hz, cells_kg=cells_kg)


class FrameTotals:
    """One frame's total loads (NaN where a cell missed) in the weight window."""

    __slots__ = ("at_least", "count", "first", "rate_hz", "start_s", "totals_kg")

    def __init__(
        self, start_s: float, rate_hz: float, totals_kg: list[float], count: int, at_least: int
    ) -> None:
        self.start_s = start_s
        self.rate_hz = rate_hz
        self.totals_kg = totals_kg
        self.first = 0
        """Index of the first total still in the window."""
        self.count = count
        """Finite totals from `first` on."""
        self.at_least = at_least
        """Of those, how many are at least the occupancy threshold."""

    def finite_kg(self) -> list[float]:
        """Return the finite totals still in the window."""
        kept_kg = self.totals_kg[self.first :]
        if self.count == len(kept_kg):
            return kept_kg
        return [total_kg for total_kg in kept_kg if math.isfinite(total_kg)]

    def time_s(self, index: int) -> float:
        """Return when sample `index` was taken (pad clock, s)."""
        return self.start_s + index / self.rate_hz

    @property
    def last_time_s(self) -> float:
        """When the frame's last sample was taken (pad clock, s)."""
        return self.time_s(len(self.totals_kg) - 1)


def median_of_sorted(ordered: list[float]) -> float | None:
    """Return the median of an ascending list (None when empty)."""
    count = len(ordered)
    if count == 0:
        return None
    if count % 2:
        return ordered[count // 2]
    return 0.5 * (ordered[count // 2 - 1] + ordered[count // 2])
