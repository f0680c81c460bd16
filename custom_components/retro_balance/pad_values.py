"""What some of the pad's sensors show, read from the live snapshot (no Home Assistant here).

The weight says the truth on an empty pad — 0 kg, never "−0.0 kg" — and keeps the empty pad's
reading (the pad monitor's shown weight, to 0.1 kg) as an attribute, for taring. The test
progress carries its target and trial.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .snapshot import PadSnapshot

ATTR_EMPTY_READING_KG: Final = "empty_reading_kg"
ATTR_TARGET_S: Final = "target_s"
ATTR_TRIAL: Final = "trial"
ATTR_TRIALS: Final = "trials"
ATTR_TEST_NUMBER: Final = "test_number"
ATTR_TESTS: Final = "tests"


def pad_weight_kg(snapshot: PadSnapshot) -> float | None:
    """Return the weight on the pad: 0 kg while nobody stands on it (None before any frame)."""
    pad = snapshot.pad
    if pad.weight_kg is None:
        return None
    # Occupied means at least the occupancy threshold, so a weight shown is never negative.
    return pad.weight_kg if pad.occupied else 0.0


def empty_reading(snapshot: PadSnapshot) -> Mapping[str, Any] | None:
    """Return what the empty pad reads, as shown (its drift from zero: tare when it grows)."""
    pad = snapshot.pad
    if pad.weight_kg is None or pad.occupied:
        return None
    return {ATTR_EMPTY_READING_KG: pad.weight_kg}


def progress_details(snapshot: PadSnapshot) -> Mapping[str, Any] | None:
    """Return the running test's target and trial, and its place in the check."""
    progress = snapshot.pad.progress
    if progress is None:
        return None
    return {
        ATTR_TARGET_S: progress.target_s,
        ATTR_TRIAL: progress.trial,
        ATTR_TRIALS: progress.trials,
        ATTR_TEST_NUMBER: progress.test_number,
        ATTR_TESTS: progress.tests,
    }
