"""Postural sway as filtered noise: two stochastic damped oscillators per axis.

Each axis of the centre of pressure (COP) is the sum of a slow component (0.1 Hz, the
"rambling" of the inverted pendulum) and a fast one (1.2 Hz, the corrective "trembling"),
each a damped oscillator ``x'' + 2ζω x' + ω² x = σ ξ`` driven by white noise. For a
stationary Gaussian process the mean absolute velocity is ``sqrt(2/π)·sd(x')`` and a damped
oscillator has ``sd(x') = ω·sd(x)``, so the share of variance given to each component follows
in closed form from a target RMS amplitude and a target mean velocity per axis (see
`component_variances`). The targets per condition are in `CONDITIONS`; sources in
`docs/simulator.md`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np

from custom_components.retro_balance.engine.arrays import FloatArray

SLOW_HZ: Final = 0.1
SLOW_DAMPING: Final = 0.7
FAST_HZ: Final = 1.2
FAST_DAMPING: Final = 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class SwayTargets:
    """Per-axis sway amplitude (RMS, cm) and mean absolute velocity (cm/s) of one condition."""

    rms_ap_cm: float
    rms_ml_cm: float
    velocity_ap_cm_s: float
    velocity_ml_cm_s: float

    def __post_init__(self) -> None:
        """Refuse targets the two-component model cannot produce."""
        for rms_cm, velocity_cm_s, axis in (
            (self.rms_ap_cm, self.velocity_ap_cm_s, "AP"),
            (self.rms_ml_cm, self.velocity_ml_cm_s, "ML"),
        ):
            component_variances(rms_cm, velocity_cm_s, axis=axis)


def component_variances(
    rms_cm: float, velocity_cm_s: float, *, axis: str = "axis"
) -> tuple[float, float]:
    """Variances (cm²) of the slow and fast components giving this RMS and mean velocity.

    With ``p_s + p_f = rms²`` and ``p_s·ω_s² + p_f·ω_f² = (velocity·sqrt(π/2))²``.
    """
    if not (math.isfinite(rms_cm) and math.isfinite(velocity_cm_s)) or rms_cm <= 0:
        raise ValueError(f"{axis}: RMS and velocity must be positive numbers")
    omega_slow = 2 * math.pi * SLOW_HZ
    omega_fast = 2 * math.pi * FAST_HZ
    velocity_sd = velocity_cm_s * math.sqrt(math.pi / 2)
    ratio = velocity_sd / rms_cm
    if not omega_slow <= ratio <= omega_fast:
        raise ValueError(
            f"{axis}: velocity {velocity_cm_s} cm/s with RMS {rms_cm} cm needs a rate between "
            f"{omega_slow:.2f} and {omega_fast:.2f} rad/s, got {ratio:.2f}"
        )
    fast = (velocity_sd**2 - rms_cm**2 * omega_slow**2) / (omega_fast**2 - omega_slow**2)
    return rms_cm**2 - fast, fast


def gains(targets: SwayTargets) -> FloatArray:
    """Output gains (cm) of the four unit-variance oscillators.

    Order: AP slow, AP fast, ML slow, ML fast.
    """
    ap_slow, ap_fast = component_variances(targets.rms_ap_cm, targets.velocity_ap_cm_s)
    ml_slow, ml_fast = component_variances(targets.rms_ml_cm, targets.velocity_ml_cm_s)
    return np.sqrt(np.array([ap_slow, ap_fast, ml_slow, ml_fast], dtype=np.float64))


# Young adults. Quiet stance: Santos & Duarte 2016 (young, firm surface, 60 s: velocity
# 0.88 cm/s eyes open, 0.97 cm/s eyes closed), AP/ML split as in their raw trials. Tandem and
# single-leg stance: assumptions (docs/simulator.md), below the faller cut-offs of Oliveira 2018.
CONDITIONS: Final[dict[str, SwayTargets]] = {
    "still": SwayTargets(
        rms_ap_cm=0.05, rms_ml_cm=0.05, velocity_ap_cm_s=0.05, velocity_ml_cm_s=0.05
    ),
    "quiet_eyes_open": SwayTargets(
        rms_ap_cm=0.45, rms_ml_cm=0.25, velocity_ap_cm_s=0.70, velocity_ml_cm_s=0.38
    ),
    "quiet_eyes_closed": SwayTargets(
        rms_ap_cm=0.50, rms_ml_cm=0.27, velocity_ap_cm_s=0.78, velocity_ml_cm_s=0.42
    ),
    "tandem": SwayTargets(
        rms_ap_cm=0.50, rms_ml_cm=0.60, velocity_ap_cm_s=1.20, velocity_ml_cm_s=1.50
    ),
    "single_leg": SwayTargets(
        rms_ap_cm=0.60, rms_ml_cm=0.70, velocity_ap_cm_s=2.00, velocity_ml_cm_s=2.50
    ),
}


def _expm(matrix: FloatArray) -> FloatArray:
    """Matrix exponential by scaling and squaring a Taylor series (small, well-scaled input)."""
    norm = float(np.abs(matrix).sum(axis=1).max())
    squarings = max(0, math.ceil(math.log2(norm)) + 1) if norm > 0 else 0
    scaled = matrix / 2.0**squarings
    result = np.eye(matrix.shape[0])
    term = np.eye(matrix.shape[0])
    for k in range(1, 20):
        term = term @ scaled / k
        result = result + term
    for _ in range(squarings):
        result = result @ result
    return result


def _oscillator_step(hz: float, damping: float, dt_s: float) -> tuple[FloatArray, FloatArray]:
    """Exact discretisation of a unit-variance noise-driven oscillator (Van Loan's method).

    Returns the transition matrix and the Cholesky factor of the step noise covariance.
    """
    omega = 2 * math.pi * hz
    sigma2 = 4 * damping * omega**3  # makes the stationary position variance 1
    drift = np.array([[0.0, 1.0], [-(omega**2), -2 * damping * omega]])
    diffusion = np.array([[0.0, 0.0], [0.0, sigma2]])
    block = np.zeros((4, 4))
    block[:2, :2] = -drift
    block[:2, 2:] = diffusion
    block[2:, 2:] = drift.T
    exp_block = _expm(block * dt_s)
    transition = exp_block[2:, 2:].T
    covariance = transition @ exp_block[:2, 2:]
    covariance = (covariance + covariance.T) / 2
    noise = np.asarray(np.linalg.cholesky(covariance + np.eye(2) * 1e-15), dtype=np.float64)
    return transition, noise


class SwayGenerator:
    """Four oscillators (AP slow/fast, ML slow/fast) stepped one sample at a time."""

    def __init__(self, rate_hz: float, rng: np.random.Generator) -> None:
        """Start every oscillator from its stationary distribution."""
        dt_s = 1.0 / rate_hz
        self._rng = rng
        self._transition = np.zeros((8, 8))
        self._noise = np.zeros((8, 8))
        self._state: FloatArray = np.zeros(8)
        for index, (hz, damping) in enumerate(
            ((SLOW_HZ, SLOW_DAMPING), (FAST_HZ, FAST_DAMPING)) * 2
        ):
            transition, noise = _oscillator_step(hz, damping, dt_s)
            block = slice(2 * index, 2 * index + 2)
            self._transition[block, block] = transition
            self._noise[block, block] = noise
            omega = 2 * math.pi * hz
            self._state[block] = rng.standard_normal(2) * np.array([1.0, omega])

    def step(self, component_gains: FloatArray) -> tuple[float, float]:
        """Advance one sample; return (AP, ML) sway in cm for the given component gains."""
        self._state = self._transition @ self._state + self._noise @ self._rng.standard_normal(8)
        position = self._state[0::2] * component_gains
        return float(position[0] + position[1]), float(position[2] + position[3])
