"""The pad's cell noise in a sway speed: the model against simulated noise, and the correction
against the Santos & Duarte reference trials put through a simulated pad."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import numpy as np
import pytest

from custom_components.retro_balance.engine.clinical.sway_noise import (
    CELL_NOISE_KG,
    noise_velocity,
    without_noise_cm_s,
)
from custom_components.retro_balance.engine.signal.cop import WII_BALANCE_BOARD, centre_of_pressure
from custom_components.retro_balance.engine.signal.filtering import lowpass_zero_phase
from custom_components.retro_balance.engine.signal.measures import sway_measures
from tests.engine.detection.synthetic_stance import corner_loads

LOWPASS_HZ = 10.0


def _pad_measure(
    ap_cm: np.ndarray, ml_cm: np.ndarray, mass_kg: float, rate_hz: float, seed: int
) -> tuple[float, float, float]:
    """Mean, AP and ML speed of a COP trace as the pad reads it: corners, noise, 1-g steps,
    COP, the detector's 10-Hz zero-phase low-pass (skipped at or below 20 Hz)."""
    load = np.full(ap_cm.size, mass_kg)
    cells = corner_loads(ap_cm, ml_cm, load, WII_BALANCE_BOARD)
    cells = np.round(cells + np.random.default_rng(seed).normal(0, CELL_NOISE_KG, cells.shape), 3)
    trace = centre_of_pressure(cells, WII_BALANCE_BOARD)
    ap, ml = trace.ap_cm, trace.ml_cm
    if rate_hz / 2 > LOWPASS_HZ:
        filtered = lowpass_zero_phase(np.column_stack((ap, ml)), rate_hz, LOWPASS_HZ, 4)
        ap, ml = filtered[:, 0], filtered[:, 1]
    measures = sway_measures(ap, ml, rate_hz)
    return (
        measures.mean_velocity_cm_s,
        measures.mean_velocity_ap_cm_s,
        measures.mean_velocity_ml_cm_s,
    )


@pytest.mark.parametrize(("mass_kg", "rate_hz"), [(45.0, 80.0), (70.0, 80.0), (95.0, 50.0),
                                                  (70.0, 100.0), (70.0, 16.0)])  # fmt: skip
def test_the_model_matches_simulated_cell_noise(mass_kg: float, rate_hz: float) -> None:
    """A person standing perfectly still: all the speed is noise. Over 20 seeds of 60 s the
    model is within 0.8 % of the mean and one 60-s run scatters by 2–3 %; here 5 minutes."""
    n = int(300 * rate_hz)
    measured = _pad_measure(np.zeros(n), np.zeros(n), mass_kg, rate_hz, seed=int(mass_kg))
    model = noise_velocity(mass_kg, rate_hz)
    assert measured[0] == pytest.approx(model.total_cm_s, rel=0.03)
    assert measured[1] == pytest.approx(model.ap_cm_s, rel=0.03)
    assert measured[2] == pytest.approx(model.ml_cm_s, rel=0.03)


def test_noise_speed_scales_as_expected() -> None:
    at_70 = noise_velocity(70.0, 80.0)
    assert at_70.total_cm_s == pytest.approx(0.196, abs=0.001)  # docs/detection.md: ~0.2 cm/s
    assert noise_velocity(35.0, 80.0).total_cm_s == pytest.approx(2 * at_70.total_cm_s)
    assert at_70.ml_cm_s / at_70.ap_cm_s == pytest.approx(433 / 238)  # the cell spacing
    with pytest.raises(ValueError, match="body_mass_kg"):
        noise_velocity(0.0, 80.0)
    with pytest.raises(ValueError, match="rate_hz"):
        noise_velocity(70.0, float("nan"))


def test_quadrature_removal() -> None:
    assert without_noise_cm_s(1.0, 0.6) == pytest.approx(0.8)
    assert without_noise_cm_s(0.1, 0.2) == 0.0  # never below zero


@pytest.mark.shared_data
def test_the_correction_removes_the_bias_on_the_reference_trials(shared_data: Path) -> None:
    """Santos & Duarte's firm-surface trials 1–60 (30 trials, 5 people of 44–68 kg), put through
    the pad model at 80 Hz. Measured here: raw bias +0.9 to +14.8 % (mean +5.9 %) of the
    authors' COPvelo; corrected −1.4 to +1.6 % (mean −0.1 %)."""
    folder = shared_data / "santos-duarte-2016"
    with (folder / "BDSinfoCOP.txt").open(encoding="utf-8") as handle:
        info = {row["Trial"]: row for row in csv.DictReader(handle, delimiter="\t")}
    raw_bias, corrected_bias = [], []
    for number in range(1, 61):
        name = f"BDS{number:05d}"
        row = info[name]
        if row["Surface"] != "Firm":
            continue
        with gzip.open(folder / "trials" / f"{name}.txt.gz", "rt", encoding="utf-8") as handle:
            data = np.loadtxt(handle, skiprows=1)
        time_s = np.arange(data[0, 0], data[-1, 0], 1 / 80.0)
        ap = np.interp(time_s, data[:, 0], data[:, 7] - data[:, 7].mean())
        ml = np.interp(time_s, data[:, 0], data[:, 8] - data[:, 8].mean())
        mass_kg = float(row["Weight"])
        measured, _, _ = _pad_measure(ap, ml, mass_kg, 80.0, seed=number)
        corrected = without_noise_cm_s(measured, noise_velocity(mass_kg, 80.0).total_cm_s)
        reference = float(row["COPvelo"])
        raw_bias.append(measured / reference - 1)
        corrected_bias.append(corrected / reference - 1)
    raw, fixed = np.array(raw_bias), np.array(corrected_bias)
    assert raw.size == 30
    assert raw.min() > 0.005
    assert raw.mean() > 0.04
    assert abs(fixed.mean()) < 0.01
    assert np.abs(fixed).max() < 0.03
