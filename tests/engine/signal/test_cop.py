"""Centre of pressure from four corner loads, with geometry and per-cell calibration."""

import numpy as np
import pytest

from custom_components.retro_balance.engine.signal.cop import (
    DEFAULT_MIN_TOTAL_KG,
    WII_BALANCE_BOARD,
    CellCalibration,
    PadGeometry,
    centre_of_pressure,
)

SQUARE = PadGeometry(width_mm=400, depth_mm=200)  # half-width 20 cm, half-depth 10 cm


def test_equal_loads_put_cop_in_the_centre() -> None:
    cop = centre_of_pressure([[10, 10, 10, 10]], SQUARE)
    assert cop.ap_cm[0] == 0
    assert cop.ml_cm[0] == 0
    assert cop.total_kg[0] == 40


@pytest.mark.parametrize(
    ("loads", "ap_cm", "ml_cm"),
    [
        ([40, 0, 0, 0], 10.0, -20.0),  # all on top-left: front, left
        ([0, 40, 0, 0], 10.0, 20.0),  # top-right: front, right
        ([0, 0, 40, 0], -10.0, -20.0),  # bottom-left: back, left
        ([0, 0, 0, 40], -10.0, 20.0),  # bottom-right: back, right
        ([10, 30, 0, 0], 10.0, 10.0),  # ML = 20·(30−10)/40
        ([15, 15, 5, 5], 5.0, 0.0),  # AP = 10·(30−10)/40
    ],
)
def test_hand_computed_positions(loads: list[float], ap_cm: float, ml_cm: float) -> None:
    cop = centre_of_pressure(loads, SQUARE)
    assert cop.ap_cm[0] == pytest.approx(ap_cm)
    assert cop.ml_cm[0] == pytest.approx(ml_cm)


def test_wii_geometry_and_units_are_cm() -> None:
    assert PadGeometry(width_mm=433, depth_mm=238) == WII_BALANCE_BOARD
    cop = centre_of_pressure([0, 50, 0, 50], WII_BALANCE_BOARD)
    assert cop.ml_cm[0] == pytest.approx(21.65)
    assert cop.ap_cm[0] == pytest.approx(0.0)


def test_cop_is_a_ratio_so_load_scale_does_not_matter() -> None:
    loads = np.array([[12.0, 20.0, 9.0, 31.0], [25.0, 14.0, 18.0, 11.0]])
    in_kg = centre_of_pressure(loads, SQUARE)
    in_newtons = centre_of_pressure(loads * 9.80665, SQUARE)
    np.testing.assert_allclose(in_newtons.ap_cm, in_kg.ap_cm, rtol=1e-12)
    np.testing.assert_allclose(in_newtons.ml_cm, in_kg.ml_cm, rtol=1e-12)


def test_cop_is_nan_below_the_minimum_load_but_total_is_kept() -> None:
    loads = [[5, 5, 5, 4.9], [5, 5, 5, 5], [0, 0, 0, 0], [-1, 0, 0, 0]]
    cop = centre_of_pressure(loads, SQUARE)
    assert DEFAULT_MIN_TOTAL_KG == 20
    np.testing.assert_array_equal(np.isnan(cop.ap_cm), [True, False, True, True])
    np.testing.assert_array_equal(np.isnan(cop.ml_cm), [True, False, True, True])
    np.testing.assert_allclose(cop.total_kg, [19.9, 20, 0, -1])


def test_minimum_load_is_configurable_and_zero_load_never_divides() -> None:
    cop = centre_of_pressure([[1, 1, 1, 1], [0, 0, 0, 0]], SQUARE, min_total_kg=0)
    assert not np.isnan(cop.ap_cm[0])
    assert np.isnan(cop.ap_cm[1])
    with pytest.raises(ValueError, match="min_total_kg"):
        centre_of_pressure([[1, 1, 1, 1]], SQUARE, min_total_kg=-1)


def test_a_missing_cell_makes_that_sample_nan() -> None:
    cop = centre_of_pressure([[10, 10, np.nan, 10], [10, 10, 10, 10]], SQUARE)
    assert np.isnan(cop.ap_cm[0])
    assert np.isnan(cop.ml_cm[0])
    assert np.isnan(cop.total_kg[0])
    assert cop.ap_cm[1] == 0


@pytest.mark.parametrize("loads", [[1, 2, 3], [[1, 2, 3, 4, 5]], np.zeros((2, 2, 4)), [["a"] * 4]])
def test_bad_load_shapes_are_rejected(loads: object) -> None:
    with pytest.raises(ValueError, match="loads_kg"):
        centre_of_pressure(loads, SQUARE)  # type: ignore[arg-type]


@pytest.mark.parametrize(("width", "depth"), [(0, 200), (400, -1), (float("nan"), 200)])
def test_geometry_must_be_positive(width: float, depth: float) -> None:
    with pytest.raises(ValueError, match="PadGeometry"):
        PadGeometry(width_mm=width, depth_mm=depth)


def test_calibration_applies_gain_then_offset_per_cell() -> None:
    calibration = CellCalibration(gain=(0.01, 0.02, 0.01, 0.02), offset_kg=(-1, -2, 0, 0.5))
    raw = np.array([[1000, 1000, 2000, 500]])
    np.testing.assert_allclose(calibration.apply(raw), [[9, 18, 20, 10.5]])
    np.testing.assert_allclose(calibration.apply([1000, 1000, 2000, 500]), [[9, 18, 20, 10.5]])


def test_tared_calibration_reads_zero_on_the_empty_pad() -> None:
    empty = (812.0, 790.0, 805.0, 799.0)
    gain = (0.01, 0.011, 0.0095, 0.0102)
    calibration = CellCalibration.tared(empty, gain)
    np.testing.assert_allclose(calibration.apply(empty), [[0, 0, 0, 0]], atol=1e-12)
    np.testing.assert_allclose(calibration.apply([1812, 790, 805, 799]), [[10, 0, 0, 0]])


def test_calibration_is_used_by_centre_of_pressure() -> None:
    # Raw counts that read equal only once the per-cell gains are applied.
    calibration = CellCalibration(gain=(0.01, 0.02, 0.04, 0.05), offset_kg=(0, 0, 0, 0))
    raw = [[2000, 1000, 500, 400]]
    calibrated = centre_of_pressure(raw, SQUARE, calibration=calibration)
    assert calibrated.total_kg[0] == pytest.approx(80)
    assert calibrated.ap_cm[0] == pytest.approx(0)
    assert calibrated.ml_cm[0] == pytest.approx(0)
    uncalibrated = centre_of_pressure(raw, SQUARE)
    assert uncalibrated.ap_cm[0] != pytest.approx(0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"gain": (1.0, 1.0, 1.0)},
        {"offset_kg": (0.0, 0.0, float("nan"), 0.0)},
        {"gain": (1.0, 0.0, 1.0, 1.0)},
    ],
)
def test_bad_calibrations_are_rejected(kwargs: dict[str, tuple[float, ...]]) -> None:
    with pytest.raises(ValueError, match="CellCalibration"):
        CellCalibration(**kwargs)  # type: ignore[arg-type]
