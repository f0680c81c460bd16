"""The pad monitor's watch on each load cell: no load, no readings, or one reading frozen.

`PadMonitor` (`pad_state.py`) summarises each corner's readings of a frame (or of a second of
frames) with `corner_summaries` and hands each summary to that corner's `CornerWatch`, which says
how long the corner has looked dead while a person stood on the pad.
"""

from __future__ import annotations

import math
from typing import NamedTuple, cast

from ..arrays import FloatArray

DEAD_CORNER_ZERO_KG = 0.5
"""A corner carrying less than this while a person stands on the pad reads as 'no load'."""

FROZEN_CORNER_TOLERANCE_KG = 0.0005
"""Readings within this of each other are 'unchanged' (live cells show 10-30 g noise, 1 g steps)."""


class CornerWatch:
    """Tracks how long one corner has looked dead (no load, missing, or a frozen reading)."""

    __slots__ = ("dead_since_s", "frozen_since_s", "frozen_value_kg", "reason")

    def __init__(self) -> None:
        """Nothing seen yet."""
        self.dead_since_s: float | None = None
        self.frozen_since_s: float | None = None
        self.frozen_value_kg: float | None = None
        self.reason = ""

    def reset(self) -> None:
        """Forget the corner's history (nobody stands on the pad: an empty corner reads 0)."""
        self.dead_since_s = None
        self.frozen_since_s = None
        self.frozen_value_kg = None

    def update(
        self,
        count: int,
        mean_kg: float,
        low_kg: float,
        high_kg: float,
        start_s: float,
        end_s: float,
    ) -> float:
        """Take one frame's summary of this corner; return how long it has looked dead (s).

        `count` finite readings with this mean and range (the frame's other readings were null).
        """
        if count == 0 or abs(mean_kg) < DEAD_CORNER_ZERO_KG:
            if self.dead_since_s is None:
                self.dead_since_s = start_s
            self.reason = "reads no load" if count else "sends no readings"
        else:
            self.dead_since_s = None
        reference = self.frozen_value_kg if self.frozen_value_kg is not None else low_kg
        tolerance = FROZEN_CORNER_TOLERANCE_KG
        if count and reference - tolerance <= low_kg and high_kg <= reference + tolerance:
            if self.frozen_since_s is None:
                self.frozen_since_s = start_s
                self.frozen_value_kg = reference
        else:
            self.frozen_since_s = None
            self.frozen_value_kg = None
        dead_s = end_s - self.dead_since_s if self.dead_since_s is not None else 0.0
        frozen_s = end_s - self.frozen_since_s if self.frozen_since_s is not None else 0.0
        if frozen_s > dead_s:
            self.reason = "is stuck at one reading"
        return max(dead_s, frozen_s)


class CornerSummaries(NamedTuple):
    """Each corner's readings in a frame (tl, tr, bl, br): how many are finite, mean, low, high."""

    counts: list[int]
    means_kg: list[float]
    lows_kg: list[float]
    highs_kg: list[float]


def corner_summaries(cells_kg: FloatArray, *, complete: bool) -> CornerSummaries:
    """Summarise each corner (column) of a frame's (n, 4) loads.

    A `complete` frame (no reading missing) takes three NumPy reductions; otherwise each corner
    is summarised on its own, its missing readings left out (none at all: 0, 0.0, +inf, -inf).
    """
    if complete:
        count = cells_kg.shape[0]
        return CornerSummaries(
            [count] * cells_kg.shape[1],
            cast(list[float], (cells_kg.sum(axis=0) / count).tolist()),
            cast(list[float], cells_kg.min(axis=0).tolist()),
            cast(list[float], cells_kg.max(axis=0).tolist()),
        )
    columns = cast(list[list[float]], cells_kg.T.tolist())
    corners = [_corner_summary(column) for column in columns]
    return CornerSummaries(*(list(values) for values in zip(*corners, strict=True)))


def _corner_summary(readings: list[float]) -> tuple[int, float, float, float]:
    finite = [reading for reading in readings if math.isfinite(reading)]
    if not finite:
        return 0, 0.0, math.inf, -math.inf
    return len(finite), sum(finite) / len(finite), min(finite), max(finite)
