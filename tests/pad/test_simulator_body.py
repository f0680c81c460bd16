"""The simulator's body: corner loads from the COP, poses and phases, replayed traces."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.retro_balance.engine.signal.cop import centre_of_pressure
from pad_simulator import body, sway

from .helpers import GEOMETRY


def test_corner_loads_give_back_the_cop() -> None:
    loads = np.array(
        [
            body.corner_loads(70.0, ap, ml, width_mm=GEOMETRY.width_mm, depth_mm=GEOMETRY.depth_mm)
            for ap, ml in [(0.0, 0.0), (3.0, -9.0), (-11.0, 20.0)]
        ]
    )
    assert loads.sum(axis=1) == pytest.approx([70.0, 70.0, 70.0])
    trace = centre_of_pressure(loads, GEOMETRY)
    assert trace.ap_cm == pytest.approx([0.0, 3.0, -11.0])
    assert trace.ml_cm == pytest.approx([0.0, -9.0, 20.0])
    assert (loads >= 0).all()


def test_corner_loads_are_clipped_to_the_pad() -> None:
    loads = body.corner_loads(
        50.0, 40.0, -40.0, width_mm=GEOMETRY.width_mm, depth_mm=GEOMETRY.depth_mm
    )
    assert loads == pytest.approx([50.0, 0.0, 0.0, 0.0])


def test_pose_and_phase_validation() -> None:
    with pytest.raises(ValueError, match="unknown sway condition"):
        body.Pose(condition="dancing")
    with pytest.raises(ValueError, match="positive duration"):
        body.Phase(
            label="x",
            duration_s=0.0,
            load_from_kg=0.0,
            load_to_kg=0.0,
            pose_from=body.QUIET_EO,
            pose_to=body.QUIET_EO,
        )


def test_state_blends_load_pose_and_sway() -> None:
    phase = body.Phase(
        label="lift",
        duration_s=1.0,
        load_from_kg=60.0,
        load_to_kg=70.0,
        pose_from=body.QUIET_EO,
        pose_to=body.LEFT_LEG,
    )
    start, middle, end = (body.state_at(phase, t) for t in (0.0, 0.5, 1.0))
    assert (start.load_kg, middle.load_kg, end.load_kg) == pytest.approx((60.0, 65.0, 70.0))
    assert (start.ml_cm, middle.ml_cm, end.ml_cm) == pytest.approx((0.0, -4.5, -9.0))
    assert end.sway_gains == pytest.approx(sway.gains(sway.CONDITIONS["single_leg"]))
    assert body.smoothstep(-1.0) == 0.0
    assert body.smoothstep(2.0) == 1.0


def test_replay_trace_interpolates_and_holds_the_ends() -> None:
    trace = body.ReplayTrace(
        rate_hz=10.0,
        ap_cm=np.array([0.0, 1.0, 2.0]),
        ml_cm=np.array([0.0, -1.0, -2.0]),
        load_ratio=np.array([1.0, 1.1, 0.9]),
    )
    assert trace.duration_s == pytest.approx(0.3)
    assert trace.at(0.05) == pytest.approx((0.5, -0.5, 1.05))
    assert trace.at(-1.0) == pytest.approx((0.0, 0.0, 1.0))
    assert trace.at(5.0) == pytest.approx((2.0, -2.0, 0.9))
