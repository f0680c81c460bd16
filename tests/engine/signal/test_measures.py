"""Sway measures on small hand-computable traces and against SciPy-based references."""

import math

import numpy as np
import pytest
from scipy import signal, stats

from custom_components.retro_balance.engine.signal.measures import (
    MIN_SAMPLES,
    SwayMeasures,
    axis_mean_velocity_cm_s,
    ellipse_area95_cm2,
    f_quantile_2,
    mean_frequency_hz,
    mean_velocity_cm_s,
    path_length_cm,
    prediction_ellipse_k,
    range_cm,
    rms_cm,
    sway_measures,
)
from custom_components.retro_balance.engine.signal.spectrum import periodic_hann, welch_psd

# A 3-4-5 zig-zag: every step is 3 cm along AP or 4 cm along ML.
AP = [0, 3, 3, 0, 0, 3, 3, 0, 0, 3]
ML = [0, 0, 4, 4, 0, 0, 4, 4, 0, 0]
FS = 10.0  # 10 samples at 10 Hz: duration N / fs = 1 s


def test_path_length_and_velocities_by_hand() -> None:
    assert path_length_cm(AP, ML) == pytest.approx(5 * 3 + 4 * 4)
    assert mean_velocity_cm_s(AP, ML, FS) == pytest.approx(31.0)  # divides by N/fs = 1 s
    assert mean_velocity_cm_s(AP, ML, 2 * FS) == pytest.approx(62.0)
    assert axis_mean_velocity_cm_s(AP, FS) == pytest.approx(15.0)
    assert axis_mean_velocity_cm_s(ML, FS) == pytest.approx(16.0)


def test_diagonal_steps_use_euclidean_distance() -> None:
    ap = np.arange(10) * 3.0
    ml = np.arange(10) * 4.0
    assert path_length_cm(ap, ml) == pytest.approx(9 * 5.0)


def test_rms_and_range_by_hand() -> None:
    assert rms_cm(AP) == pytest.approx(1.5)  # five 0s and five 3s around a mean of 1.5
    assert rms_cm(ML) == pytest.approx(math.sqrt(0.4 * 0.6 * 16))  # population form
    assert range_cm(AP) == 3.0
    assert range_cm(ML) == 4.0


def test_f_closed_form_equals_scipy() -> None:
    for m in (1, 2, 5, 18, 100, 5998):
        for p in (0.5, 0.9, 0.95, 0.99):
            assert f_quantile_2(p, m) == pytest.approx(stats.f.ppf(p, 2, m), rel=1e-12)


def test_k_tends_to_chi_square_and_is_slightly_larger() -> None:
    chi_square_k = -2 * math.log(0.05)  # 5.991
    assert prediction_ellipse_k(6000) / chi_square_k - 1 == pytest.approx(0.0008, abs=1e-4)
    assert prediction_ellipse_k(10) > prediction_ellipse_k(100) > chi_square_k


def test_ellipse_area_equals_eigenvalue_reference() -> None:
    rng = np.random.default_rng(11)
    ap = rng.normal(0, 0.5, 300)
    ml = 0.6 * ap + rng.normal(0, 0.2, 300)
    eigenvalues = np.linalg.eigvalsh(np.cov(ap, ml, ddof=1))
    n = ap.size
    k = stats.f.ppf(0.95, 2, n - 2) * 2 * (n - 1) * (n + 1) / (n * (n - 2))
    expected = math.pi * k * math.sqrt(eigenvalues[0] * eigenvalues[1])
    assert ellipse_area95_cm2(ap, ml) == pytest.approx(expected, rel=1e-12)


def test_ellipse_of_a_line_has_no_area() -> None:
    ap = np.arange(12.0)
    assert ellipse_area95_cm2(ap, 2 * ap) == pytest.approx(0.0, abs=1e-9)


def test_ellipse_of_a_circle_by_hand() -> None:
    # Points evenly on a circle of radius r: covariance r²/2 · N/(N−1) on the diagonal, no cross.
    n, r = 40, 2.0
    angle = 2 * np.pi * np.arange(n) / n
    variance = r**2 / 2 * n / (n - 1)
    expected = math.pi * prediction_ellipse_k(n) * variance
    assert ellipse_area95_cm2(r * np.cos(angle), r * np.sin(angle)) == pytest.approx(expected)


@pytest.mark.parametrize("n", [10, 11, 101, 1000, 6001])
def test_welch_equals_scipy(n: int) -> None:
    x = np.random.default_rng(n).normal(size=(2, n)) + 3.0
    f_ref, p_ref = signal.welch(x, 100.0, nperseg=n // 2, noverlap=n // 4, nfft=n // 2)
    spectrum = welch_psd(x, 100.0, nperseg=n // 2, noverlap=n // 4)
    np.testing.assert_allclose(spectrum.frequency_hz, f_ref, rtol=1e-15)
    np.testing.assert_allclose(spectrum.density, p_ref, rtol=1e-11, atol=1e-14 * p_ref.max())


def test_periodic_hann_equals_scipy() -> None:
    np.testing.assert_allclose(periodic_hann(9), signal.get_window("hann", 9), atol=1e-15)


def test_welch_rejects_impossible_segments() -> None:
    with pytest.raises(ValueError, match="noverlap"):
        welch_psd(np.zeros(10), 10.0, nperseg=20, noverlap=5)


def _reference_mean_frequency(ap: np.ndarray, ml: np.ndarray, fs: float) -> float:
    n = ap.size
    mean_hz, weights = [], []
    for axis in (ap, ml):
        f, p = signal.welch(axis - axis.mean(), fs, nperseg=n // 2, noverlap=n // 4, nfft=n // 2)
        mean_hz.append(np.trapezoid(f * p, f) / np.trapezoid(p, f))
        weights.append(p.sum())
    return float(np.dot(mean_hz, weights) / np.sum(weights))


def test_mean_frequency_equals_scipy_reference() -> None:
    rng = np.random.default_rng(5)
    ap, ml = np.cumsum(rng.normal(size=(2, 1500)), axis=1)
    expected = _reference_mean_frequency(ap, ml, 50.0)
    assert mean_frequency_hz(ap, ml, 50.0) == pytest.approx(expected, rel=1e-12)


def test_mean_frequency_of_a_sine_on_a_bin_is_its_frequency() -> None:
    t = np.arange(2000) / 100  # segments of 1000 samples: bins every 0.1 Hz, 2 Hz on a bin
    ap = np.sin(2 * np.pi * 2.0 * t)
    ml = 0.5 * np.sin(2 * np.pi * 2.0 * t + 1.0)
    assert mean_frequency_hz(ap, ml, 100.0) == pytest.approx(2.0, rel=1e-9)


def test_mean_frequency_with_one_still_axis_is_the_moving_axis() -> None:
    t = np.arange(2000) / 100
    assert mean_frequency_hz(np.sin(2 * np.pi * 3.0 * t), np.zeros(2000), 100.0) == pytest.approx(
        3.0, rel=1e-9
    )


def test_mean_frequency_of_a_still_trace_is_an_error() -> None:
    with pytest.raises(ValueError, match="does not move"):
        mean_frequency_hz(np.ones(20), np.ones(20), 100.0)


def test_sway_measures_bundles_every_single_measure() -> None:
    rng = np.random.default_rng(2)
    ap, ml = np.cumsum(rng.normal(0, 0.05, size=(2, 600)), axis=1)
    m = sway_measures(ap, ml, 50.0)
    assert m.samples == 600
    assert m.duration_s == 12.0
    assert m.path_length_cm == pytest.approx(path_length_cm(ap, ml), rel=1e-12)
    assert m.mean_velocity_cm_s == pytest.approx(mean_velocity_cm_s(ap, ml, 50.0), rel=1e-12)
    assert m.mean_velocity_ap_cm_s == pytest.approx(axis_mean_velocity_cm_s(ap, 50.0), rel=1e-12)
    assert m.mean_velocity_ml_cm_s == pytest.approx(axis_mean_velocity_cm_s(ml, 50.0), rel=1e-12)
    assert m.rms_ap_cm == pytest.approx(rms_cm(ap), rel=1e-12)
    assert m.rms_ml_cm == pytest.approx(rms_cm(ml), rel=1e-12)
    assert m.range_ap_cm == range_cm(ap)
    assert m.range_ml_cm == range_cm(ml)
    assert m.ellipse_area95_cm2 == pytest.approx(ellipse_area95_cm2(ap, ml), rel=1e-12)
    assert m.mean_frequency_hz == pytest.approx(mean_frequency_hz(ap, ml, 50.0), rel=1e-12)


def test_as_dict_has_the_contract_fields() -> None:
    d = sway_measures(AP, ML, FS).as_dict()
    assert list(d) == [
        "samples", "duration_s", "path_length_cm", "mean_velocity_cm_s", "mean_velocity_ap_cm_s",
        "mean_velocity_ml_cm_s", "rms_ap_cm", "rms_ml_cm", "range_ap_cm", "range_ml_cm",
        "ellipse_area95_cm2", "mean_frequency_hz",
    ]  # fmt: skip
    assert d["samples"] == 10
    assert d["path_length_cm"] == pytest.approx(31.0)
    assert SwayMeasures(**d) == sway_measures(AP, ML, FS)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ap", "ml", "fs_hz", "match"),
    [
        (list(range(10)), list(range(11)), 10.0, "differ in length"),
        (list(range(9)), list(range(9)), 10.0, f"at least {MIN_SAMPLES}"),
        ([*range(9), float("nan")], list(range(10)), 10.0, "1 NaN"),
        (list(range(10)), [*range(9), float("inf")], 10.0, "ml_cm contains"),
        ([[0.0] * 10], list(range(10)), 10.0, "one-dimensional"),
        (["x"] * 10, list(range(10)), 10.0, "numeric"),
        (list(range(10)), list(range(10)), 0.0, "fs_hz"),
        (list(range(10)), list(range(10)), float("nan"), "fs_hz"),
    ],
)
def test_bad_input_gets_a_clear_error(ap: object, ml: object, fs_hz: float, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        sway_measures(ap, ml, fs_hz)  # type: ignore[arg-type]


def test_single_measures_validate_too() -> None:
    with pytest.raises(ValueError, match="axis_cm"):
        rms_cm([1.0, 2.0])
    with pytest.raises(ValueError, match="fs_hz"):
        axis_mean_velocity_cm_s(AP, -1.0)
    with pytest.raises(ValueError, match="fs_hz"):
        mean_frequency_hz(AP, ML, 0.0)
    with pytest.raises(ValueError, match="probability"):
        f_quantile_2(1.0, 5)
    with pytest.raises(ValueError, match="degrees of freedom"):
        f_quantile_2(0.95, 0)
    with pytest.raises(ValueError, match="at least 3"):
        prediction_ellipse_k(2)
