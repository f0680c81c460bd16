"""Zero-phase Butterworth low-pass: equal to SciPy's filtfilt(butter) without using SciPy."""

import numpy as np
import pytest
from scipy import signal

from custom_components.retro_balance.engine.signal import filtering
from custom_components.retro_balance.engine.signal.filtering import (
    BLOCK_SAMPLES,
    butterworth_lowpass_sections,
    lowpass_zero_phase,
)


def _random_walk(n: int, seed: int = 7) -> np.ndarray:
    return np.cumsum(np.random.default_rng(seed).normal(size=n)) + 5.0


def _sos_reference(x: np.ndarray, fs_hz: float, cutoff_hz: float, order: int) -> np.ndarray:
    return signal.sosfiltfilt(signal.butter(order, cutoff_hz, fs=fs_hz, output="sos"), x, axis=0)


def _assert_close(got: np.ndarray, expected: np.ndarray, relative: float = 1e-9) -> None:
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=relative * np.abs(expected).max())


@pytest.mark.parametrize("order", [1, 2, 3, 4, 5, 6, 7, 8])
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
    # All columns go through the same matrix products, so only rounding may differ.
    np.testing.assert_allclose(
        both[:, 1], lowpass_zero_phase(x[:, 1], 50.0, cutoff_hz=5.0), rtol=1e-14, atol=1e-13
    )
    changed = x.copy()
    changed[:, 0] *= -3.0
    np.testing.assert_allclose(
        lowpass_zero_phase(changed, 50.0, cutoff_hz=5.0)[:, 1], both[:, 1], rtol=1e-14, atol=1e-13
    )


@pytest.mark.parametrize("order", [2, 5, 8])
@pytest.mark.parametrize(("cutoff_hz", "fs_hz"), [(0.05, 100.0), (0.5, 100.0), (49.0, 100.0)])
def test_matches_scipy_at_extreme_cutoffs_over_a_long_trial(
    order: int, cutoff_hz: float, fs_hz: float
) -> None:
    # 6,000 samples cross many blocks, so errors carried from block to block would show here.
    x = _random_walk(6000, seed=order)
    _assert_close(
        lowpass_zero_phase(x, fs_hz, cutoff_hz, order), _sos_reference(x, fs_hz, cutoff_hz, order)
    )


@pytest.mark.parametrize(
    "extra", [-1, 0, 1, BLOCK_SAMPLES - 1, BLOCK_SAMPLES + 1, 5 * BLOCK_SAMPLES]
)
@pytest.mark.parametrize("order", [3, 4])
def test_lengths_around_whole_blocks(extra: int, order: int) -> None:
    # The padded signal is n + 2·padlen samples long; put its length around block multiples.
    padlen = 3 * (order + 1)
    n = 2 * BLOCK_SAMPLES + extra - 2 * padlen
    x = _random_walk(n, seed=n)
    _assert_close(lowpass_zero_phase(x, 100.0, 8.0, order), _sos_reference(x, 100.0, 8.0, order))


@pytest.mark.parametrize("order", [1, 2, 4, 7, 8])
def test_shortest_accepted_signal_matches_scipy(order: int) -> None:
    padlen = 3 * (order + 1)
    x = _random_walk(padlen + 1, seed=order)
    _assert_close(lowpass_zero_phase(x, 100.0, 10.0, order), _sos_reference(x, 100.0, 10.0, order))
    with pytest.raises(ValueError, match=f"more than {padlen} samples .*, got {padlen}$"):
        lowpass_zero_phase(x[:padlen], 100.0, 10.0, order)


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_step_and_impulse_at_a_block_boundary(offset: int) -> None:
    padlen = 3 * (4 + 1)
    edge = 3 * BLOCK_SAMPLES - padlen + offset  # index in x of a block start in the padded signal
    step = np.where(np.arange(400) >= edge, 2.0, -1.0)
    impulse = np.zeros(400)
    impulse[edge] = 1.0
    for x in (step, impulse):
        _assert_close(lowpass_zero_phase(x, 100.0), _sos_reference(x, 100.0, 10.0, 4))


def test_two_dimensional_input_matches_scipy_along_axis_0() -> None:
    # 3,000 samples × 4 columns make more block columns than one single-threaded product takes.
    x = np.column_stack(
        [_random_walk(3000, seed) * scale for seed, scale in enumerate((1, -2, 5, 0.1))]
    )
    got = lowpass_zero_phase(x, 80.0, cutoff_hz=6.0, order=4)
    _assert_close(got, _sos_reference(x, 80.0, 6.0, 4))
    column = lowpass_zero_phase(x[:, 1:2], 80.0, cutoff_hz=6.0, order=4)
    assert column.shape == (3000, 1)
    _assert_close(column, _sos_reference(x[:, 1:2], 80.0, 6.0, 4))


def test_two_dimensional_input_without_columns_gives_the_same_empty_shape() -> None:
    x = np.zeros((100, 0))
    got = lowpass_zero_phase(x, 100.0)
    assert got.shape == signal.filtfilt(*signal.butter(4, 10.0, fs=100.0), x, axis=0).shape
    assert got is not x


def test_long_signal_needs_many_doubling_steps() -> None:
    x = _random_walk(50_000, seed=11)
    _assert_close(lowpass_zero_phase(x, 100.0, 2.0, 6), _sos_reference(x, 100.0, 2.0, 6))


def test_input_is_left_alone_and_the_cached_design_cannot_be_changed() -> None:
    x = _random_walk(500)
    before = x.copy()
    first = lowpass_zero_phase(x, 100.0)
    np.testing.assert_array_equal(x, before)
    first[:] = 0.0  # the result is the caller's own array
    np.testing.assert_array_equal(lowpass_zero_phase(x, 100.0), lowpass_zero_phase(before, 100.0))
    block = filtering._block_filter(4, 10.0, 100.0)
    assert block is filtering._block_filter(4, 10.0, 100.0)
    with pytest.raises(ValueError, match="read-only"):
        block.toeplitz[0, 0] = 1.0


def test_parameters_are_checked_even_when_an_equal_design_is_cached() -> None:
    lowpass_zero_phase(np.zeros(100), 100.0, order=2)
    with pytest.raises(ValueError, match="order"):
        lowpass_zero_phase(np.zeros(100), 100.0, order=2.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("x", "kwargs", "match"),
    [
        (np.zeros(100), {"order": 0}, "order"),
        (np.zeros(100), {"order": 2.0}, "order"),
        (np.zeros(100), {"order": True}, "order"),
        (np.zeros(100), {"order": 13}, "order"),
        (np.zeros(100), {"cutoff_hz": 50.0}, "Nyquist"),
        (np.zeros(100), {"cutoff_hz": 0.0}, "Nyquist"),
        (np.zeros(100), {"cutoff_hz": 1e-7}, "too low for fs_hz 100.0"),
        (np.zeros(100), {"cutoff_hz": 1e-300, "order": 1}, "too low"),
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
