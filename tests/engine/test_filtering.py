"""Zero-phase Butterworth low-pass: equal to SciPy's filtfilt(butter) without using SciPy."""

import numpy as np
import pytest
from scipy import signal

from custom_components.retro_balance.engine.filtering import (
    butterworth_lowpass_sections,
    lowpass_zero_phase,
)


def _random_walk(n: int, seed: int = 7) -> np.ndarray:
    return np.cumsum(np.random.default_rng(seed).normal(size=n)) + 5.0


@pytest.mark.parametrize("order", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize(("cutoff_hz", "fs_hz"), [(10.0, 100.0), (3.0, 40.0), (20.0, 50.0)])
def test_matches_scipy_filtfilt_of_butter(order: int, cutoff_hz: float, fs_hz: float) -> None:
    x = _random_walk(700)
    expected = signal.filtfilt(*signal.butter(order, cutoff_hz, fs=fs_hz), x)
    got = lowpass_zero_phase(x, fs_hz, cutoff_hz=cutoff_hz, order=order)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9 * np.abs(expected).max())


def test_defaults_are_10_hz_4th_order() -> None:
    x = _random_walk(300)
    expected = signal.filtfilt(*signal.butter(4, 10.0, fs=100.0), x)
    np.testing.assert_allclose(lowpass_zero_phase(x, 100.0), expected, atol=1e-9)


def test_matches_scipy_sosfiltfilt_where_polynomial_form_loses_precision() -> None:
    # An 8th-order filter at 0.5 Hz / 100 Hz is ill-conditioned as one polynomial (b, a), so the
    # reference here is SciPy's second-order-section version, which this module mirrors.
    x = _random_walk(900)
    expected = signal.sosfiltfilt(signal.butter(8, 0.5, fs=100.0, output="sos"), x)
    got = lowpass_zero_phase(x, 100.0, cutoff_hz=0.5, order=8)
    np.testing.assert_allclose(got, expected, atol=1e-9 * np.abs(expected).max())


def test_frequency_response_equals_scipy_design() -> None:
    sections = np.array(
        [[b0, b1, b2, 1.0, a1, a2] for b0, b1, b2, a1, a2 in butterworth_lowpass_sections(5, 7, 60)]
    )
    _, ours = signal.sosfreqz(sections, worN=256, fs=60)
    _, theirs = signal.sosfreqz(signal.butter(5, 7, fs=60, output="sos"), worN=256, fs=60)
    np.testing.assert_allclose(np.abs(ours), np.abs(theirs), atol=1e-12)


def test_constant_passes_unchanged_and_fast_sine_is_removed() -> None:
    np.testing.assert_allclose(lowpass_zero_phase(np.full(100, 3.25), 100.0), 3.25, atol=1e-12)
    t = np.arange(2000) / 100
    slow, fast = np.sin(2 * np.pi * 0.5 * t), np.sin(2 * np.pi * 30 * t)
    filtered = lowpass_zero_phase(slow + fast, 100.0, cutoff_hz=10.0)
    middle = slice(200, -200)
    np.testing.assert_allclose(filtered[middle], slow[middle], atol=2e-3)


def test_columns_are_filtered_independently() -> None:
    x = np.column_stack((_random_walk(200, 1), _random_walk(200, 2)))
    both = lowpass_zero_phase(x, 50.0, cutoff_hz=5.0)
    assert both.shape == (200, 2)
    np.testing.assert_array_equal(both[:, 1], lowpass_zero_phase(x[:, 1], 50.0, cutoff_hz=5.0))


@pytest.mark.parametrize(
    ("x", "kwargs", "match"),
    [
        (np.zeros(100), {"order": 0}, "order"),
        (np.zeros(100), {"order": 2.0}, "order"),
        (np.zeros(100), {"cutoff_hz": 50.0}, "Nyquist"),
        (np.zeros(100), {"cutoff_hz": 0.0}, "Nyquist"),
        (np.zeros(100), {"fs_hz": 0.0}, "fs_hz"),
        (np.zeros(15), {}, "more than 15 samples"),
        (np.r_[np.zeros(50), np.nan], {}, "NaN"),
        (np.zeros((20, 2, 2)), {}, "1-D or 2-D"),
    ],
)
def test_bad_input_is_rejected(x: np.ndarray, kwargs: dict[str, float], match: str) -> None:
    arguments: dict[str, float] = {"fs_hz": 100.0, **kwargs}
    with pytest.raises(ValueError, match=match):
        lowpass_zero_phase(x, **arguments)  # type: ignore[arg-type]
