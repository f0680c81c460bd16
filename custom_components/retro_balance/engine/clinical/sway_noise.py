"""Take the pad's load-cell noise out of a sway speed before comparing it with lab norms.

The reference data (Santos & Duarte 2016) were recorded on a laboratory force plate and low-pass
filtered at about 10 Hz before their measures (their published COP traces have no power above
it). The detector measures sway the same way (``DetectorConfig.sway_lowpass_hz``, a 10-Hz
zero-phase Butterworth), but each of the pad's four cells adds white noise (about 20 g, 10–30 g
per reading; docs/hardware.md), and what the filter lets through still moves the COP: about
0.2 cm/s of mean speed for a 70-kg person at 80 Hz. Noise and sway are independent, so their
speeds add roughly in quadrature, and the sway speed is recovered as

    v_sway = sqrt(v_measured² − v_noise²).

``v_noise`` follows from the noise model: a cell's noise ``σ`` moves the COP by ``σ·W/S``
side to side and ``σ·D/S`` front to back (``W``, ``D`` the cell spacing, ``S`` the load;
posturography.md's COP formula); the filtered sample-to-sample step of white noise has the
standard deviation ``σ_axis·sqrt(Σ (Δh)²)``, ``h`` the filter's impulse response; and the mean
length of a 2-D Gaussian step with standard deviations ``a``, ``b`` is ``sqrt(2/π)·P/4`` with
``P`` the perimeter of the ellipse with semi-axes ``a``, ``b`` (Ramanujan's approximation).

Checked on the 30 firm-surface Santos & Duarte trials in ``../shared/data`` put through a
simulated pad (``tests/engine/test_sway_noise.py``): the model's noise speed is within 3 % of
the measured one, and the correction takes the bias of the measured speed from +1 to +15 %
(mean +6 %) to within ±2 % (mean 0 %). The pad's own noise is not known to the engine, so the
nominal 20 g is assumed: a pad with 10 g (30 g) is over- (under-) corrected by a few per cent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..detection.stance_config import DetectorConfig
from ..detection.stance_trace import FILTER_ORDER
from ..signal.cop import WII_BALANCE_BOARD, PadGeometry
from ..signal.filtering import lowpass_zero_phase

CELL_NOISE_KG = 0.02
"""Standard deviation of one cell reading (docs/hardware.md: 10–30 g; the simulator's 20 g)."""


@dataclass(frozen=True, slots=True)
class NoiseVelocity:
    """Mean speeds (cm/s) that cell noise alone reads as: 2-D, front-back and side to side."""

    total_cm_s: float
    ap_cm_s: float
    ml_cm_s: float


def noise_velocity(
    body_mass_kg: float,
    rate_hz: float,
    *,
    cutoff_hz: float = DetectorConfig().sway_lowpass_hz,
    cell_noise_kg: float = CELL_NOISE_KG,
    geometry: PadGeometry = WII_BALANCE_BOARD,
) -> NoiseVelocity:
    """Return what cell noise alone reads as after the detector's low-pass (module docstring)."""
    for name, value in (("body_mass_kg", body_mass_kg), ("rate_hz", rate_hz)):
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    step_gain = _filtered_step_gain(round(rate_hz, 1), cutoff_hz)
    ml_cm = geometry.width_mm / 10 * cell_noise_kg / body_mass_kg * step_gain
    ap_cm = geometry.depth_mm / 10 * cell_noise_kg / body_mass_kg * step_gain
    # Ramanujan's perimeter of the ellipse with semi-axes ml_cm, ap_cm.
    perimeter_cm = math.pi * (
        3 * (ml_cm + ap_cm) - math.sqrt((3 * ml_cm + ap_cm) * (ml_cm + 3 * ap_cm))
    )
    half_normal = math.sqrt(2 / math.pi)
    return NoiseVelocity(
        total_cm_s=rate_hz * half_normal * perimeter_cm / 4,
        ap_cm_s=rate_hz * half_normal * ap_cm,
        ml_cm_s=rate_hz * half_normal * ml_cm,
    )


def without_noise_cm_s(velocity_cm_s: float, noise_cm_s: float) -> float:
    """Take the noise speed out of a measured speed in quadrature (never below zero)."""
    return math.sqrt(max(velocity_cm_s**2 - noise_cm_s**2, 0.0))


@lru_cache(maxsize=16)
def _filtered_step_gain(rate_hz: float, cutoff_hz: float) -> float:
    """``sqrt(Σ (Δh)²)``: the sample-to-sample step of filtered unit white noise (its SD)."""
    if cutoff_hz >= rate_hz / 2:
        return math.sqrt(2.0)  # the detector does not filter: white noise steps by sqrt(2)·σ
    samples = int(4 * rate_hz) + 1  # the impulse response has died out well within ±2 s
    impulse = np.zeros(samples)
    impulse[samples // 2] = 1.0
    response = lowpass_zero_phase(impulse, rate_hz, cutoff_hz, FILTER_ORDER)
    return math.sqrt(float(np.sum(np.diff(response) ** 2)))
