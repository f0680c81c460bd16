"""Geometric and sampling invariances of the sway measures (hypothesis, small and fast).

Traces are random walks (quiet-stance-like) drawn from a seed, so shrinking stays meaningful.
Tolerances: translation, rotation and scaling are exact in arithmetic, so only rounding differs
(relative 1e-9, looser for a translation far from the origin, which loses digits in the mean).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.retro_balance.engine.signal.measures import SwayMeasures, sway_measures

FAST = settings(max_examples=30, deadline=None, database=None)

LENGTH_FIELDS = (
    "path_length_cm", "mean_velocity_cm_s", "mean_velocity_ap_cm_s", "mean_velocity_ml_cm_s",
    "rms_ap_cm", "rms_ml_cm", "range_ap_cm", "range_ml_cm",
)  # fmt: skip
ALL_FIELDS = (*LENGTH_FIELDS, "ellipse_area95_cm2", "mean_frequency_hz")

seeds = st.integers(min_value=0, max_value=2**32 - 1)
sizes = st.integers(min_value=20, max_value=400)
rates = st.sampled_from([25.0, 40.0, 50.0, 100.0])


def _walk(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    steps = np.random.default_rng(seed).normal(0.0, 0.05, size=(2, n))
    ap, ml = np.cumsum(steps, axis=1)
    return ap, ml


def _assert_same(a: SwayMeasures, b: SwayMeasures, fields: tuple[str, ...], rel: float) -> None:
    for name in fields:
        assert getattr(a, name) == pytest.approx(getattr(b, name), rel=rel, abs=1e-12), name


@FAST
@given(seeds, sizes, rates, st.floats(-50, 50), st.floats(-50, 50))
def test_translation_changes_nothing(
    seed: int, n: int, fs_hz: float, shift_ap: float, shift_ml: float
) -> None:
    ap, ml = _walk(seed, n)
    moved = sway_measures(ap + shift_ap, ml + shift_ml, fs_hz)
    _assert_same(moved, sway_measures(ap, ml, fs_hz), ALL_FIELDS, rel=1e-6)


@FAST
@given(seeds, sizes, rates, st.floats(0, 2 * math.pi))
def test_rotation_keeps_path_velocity_and_area(
    seed: int, n: int, fs_hz: float, angle: float
) -> None:
    ap, ml = _walk(seed, n)
    c, s = math.cos(angle), math.sin(angle)
    rotated = sway_measures(c * ap - s * ml, s * ap + c * ml, fs_hz)
    original = sway_measures(ap, ml, fs_hz)
    _assert_same(
        rotated, original, ("path_length_cm", "mean_velocity_cm_s", "ellipse_area95_cm2"), 1e-9
    )


@FAST
@given(seeds, sizes, rates, st.floats(0.01, 100))
def test_scaling_scales_lengths_and_area(seed: int, n: int, fs_hz: float, scale: float) -> None:
    ap, ml = _walk(seed, n)
    scaled = sway_measures(scale * ap, scale * ml, fs_hz)
    original = sway_measures(ap, ml, fs_hz)
    for name in LENGTH_FIELDS:
        assert getattr(scaled, name) == pytest.approx(scale * getattr(original, name), rel=1e-9)
    assert scaled.ellipse_area95_cm2 == pytest.approx(
        scale**2 * original.ellipse_area95_cm2, rel=1e-9
    )
    assert scaled.mean_frequency_hz == pytest.approx(original.mean_frequency_hz, rel=1e-9)


@FAST
@given(
    st.lists(st.floats(0.1, 1.0), min_size=1, max_size=3),
    st.lists(st.floats(0.2, 2.0), min_size=2, max_size=2),
    st.lists(st.floats(0, 2 * math.pi), min_size=2, max_size=2),
)
def test_two_sampling_rates_of_one_smooth_motion_agree(
    frequencies_hz: list[float], amplitudes_cm: list[float], phases: list[float]
) -> None:
    """The same 20 s of slow sway sampled at 50 and 100 Hz gives nearly the same measures.

    Why the tolerances: the chord of a smooth curve undershoots its arc by O(h²), so path and
    velocity differ by well under 1 %; RMS, range and area sample the same shape (range can miss
    a peak by O(h²) too). Both rates give segments of the same 10 s, hence the same Welch
    frequency grid, so mean frequency agrees closely (2 %) — only leakage near Nyquist differs.
    """

    def trace(fs_hz: float) -> SwayMeasures:
        t = np.arange(int(20 * fs_hz)) / fs_hz
        ap = sum(amplitudes_cm[0] * np.sin(2 * np.pi * f * t + phases[0]) for f in frequencies_hz)
        ml = sum(amplitudes_cm[1] * np.cos(2 * np.pi * f * t + phases[1]) for f in frequencies_hz)
        return sway_measures(ap, ml, fs_hz)

    slow, fast = trace(50.0), trace(100.0)
    assert slow.duration_s == fast.duration_s == 20.0
    _assert_same(slow, fast, LENGTH_FIELDS, rel=1e-2)
    assert slow.ellipse_area95_cm2 == pytest.approx(fast.ellipse_area95_cm2, rel=1e-2)
    assert slow.mean_frequency_hz == pytest.approx(fast.mean_frequency_hz, rel=2e-2)
