"""A still person on the pad, frame by frame, and a loop that feeds frames to a stance detector:
the building blocks of the detector's rule tests.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from custom_components.retro_balance.engine.detection.stance import StanceDetector
from tests.engine.detection import synthetic_stance as syn

RATE = syn.RATE_HZ


def standing(kg: float = 70.0, seconds: float = 1.0, ml_cm: float = 0.0) -> list[np.ndarray]:
    """Frames of a still person (10 samples each) with 20 g of cell noise, for rule tests."""
    rng = np.random.default_rng(round(kg * 10 + seconds))
    cells = syn.corner_loads(
        np.zeros(10), np.full(10, ml_cm), np.full(10, kg), syn.WII_BALANCE_BOARD
    )
    count = round(seconds * RATE / 10)
    return [cells + rng.normal(0.0, syn.CORNER_NOISE_KG, cells.shape) for _ in range(count)]


def feed_frames(
    detector: StanceDetector, frames: list[np.ndarray], t0: float
) -> tuple[float, list[Any]]:
    """Feed `frames` back to back from `t0`; the time after the last one and every event."""
    events = []
    t = t0
    for cells in frames:
        events += detector.feed(cells, t, RATE)
        t += cells.shape[0] / RATE
    return t, events
