"""The simulator's sway model: published targets, rate independence, closed form, refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from custom_components.retro_balance.engine.signal.measures import sway_measures
from pad_simulator import sway


@pytest.mark.parametrize("condition", sorted(sway.CONDITIONS))
def test_sway_generator_reaches_its_targets(condition: str) -> None:
    targets = sway.CONDITIONS[condition]
    generator = sway.SwayGenerator(80.0, np.random.default_rng(5))
    gains = sway.gains(targets)
    trace = np.array([generator.step(gains) for _ in range(80 * 600)])
    ap, ml = trace[:, 0], trace[:, 1]
    measures = sway_measures(ap, ml, 80.0)
    # ten minutes of a stochastic process: RMS within 15 %, velocity within 5 % of the target
    assert measures.rms_ap_cm == pytest.approx(targets.rms_ap_cm, rel=0.15)
    assert measures.rms_ml_cm == pytest.approx(targets.rms_ml_cm, rel=0.15)
    assert measures.mean_velocity_ap_cm_s == pytest.approx(targets.velocity_ap_cm_s, rel=0.05)
    assert measures.mean_velocity_ml_cm_s == pytest.approx(targets.velocity_ml_cm_s, rel=0.05)


def test_sway_is_independent_of_the_sampling_rate() -> None:
    gains = sway.gains(sway.CONDITIONS["quiet_eyes_open"])
    velocities = []
    for rate_hz in (40.0, 100.0):
        generator = sway.SwayGenerator(rate_hz, np.random.default_rng(3))
        trace = np.array([generator.step(gains) for _ in range(int(rate_hz * 300))])
        velocities.append(sway_measures(trace[:, 0], trace[:, 1], rate_hz).mean_velocity_cm_s)
    assert velocities[0] == pytest.approx(velocities[1], rel=0.08)


def test_component_variances_closed_form() -> None:
    slow, fast = sway.component_variances(0.5, 1.0)
    omega_slow, omega_fast = 2 * math.pi * sway.SLOW_HZ, 2 * math.pi * sway.FAST_HZ
    assert slow + fast == pytest.approx(0.25)
    assert slow * omega_slow**2 + fast * omega_fast**2 == pytest.approx(math.pi / 2)


@pytest.mark.parametrize(
    ("rms_cm", "velocity_cm_s"), [(0.5, 0.1), (0.1, 5.0), (0.0, 1.0), (math.nan, 1.0)]
)
def test_impossible_sway_targets_are_refused(rms_cm: float, velocity_cm_s: float) -> None:
    with pytest.raises(ValueError, match="AP"):
        sway.SwayTargets(
            rms_ap_cm=rms_cm, rms_ml_cm=0.3, velocity_ap_cm_s=velocity_cm_s, velocity_ml_cm_s=0.4
        )


def test_conditions_are_ordered_as_published() -> None:
    velocity = {
        name: math.hypot(targets.velocity_ap_cm_s, targets.velocity_ml_cm_s)
        for name, targets in sway.CONDITIONS.items()
    }
    assert velocity["quiet_eyes_open"] < velocity["quiet_eyes_closed"] < velocity["tandem"]
    assert velocity["tandem"] < velocity["single_leg"]
    assert velocity["single_leg"] > 3 * velocity["quiet_eyes_open"]
