"""Movements that look like a lift or a loss of balance and are neither: a lift with the other foot
on the floor, a brief lean, a slow drift in tandem stance.
"""

from __future__ import annotations

from custom_components.retro_balance.engine.detection.stance import StanceDetector
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    StanceEventKind,
    StancePhase,
    StanceTest,
)
from tests.engine.detection import synthetic_stance as syn


def test_a_single_leg_lift_with_the_other_foot_on_the_floor_is_not_a_lift() -> None:
    """COP moves under one foot but half the weight left the pad: no start."""
    script = syn.Script(seed=2).empty(1.0).step_on().stand(3.0)
    script.move(0.4, to=(0.0, 8.0), kg=40.0).stand(3.0)
    detector = StanceDetector(StanceTest.SINGLE_LEG_RIGHT)
    events = script.build().run(detector)
    assert StanceEventKind.STARTED not in [e.kind for e in events]
    assert detector.phase is StancePhase.READY


def test_a_brief_lean_towards_the_stance_foot_is_not_a_lift() -> None:
    script = syn.Script(seed=3).empty(1.0).step_on().stand(3.0)
    script.move(0.3, to=(0.0, 4.0)).move(0.3, to=(0.0, 0.0)).stand(2.0)
    detector = StanceDetector(StanceTest.SINGLE_LEG_RIGHT)
    events = script.build().run(detector)
    assert StanceEventKind.STARTED not in [e.kind for e in events]


def test_a_slow_drift_in_tandem_stance_is_not_a_step() -> None:
    """The COP wanders 5 cm sideways over 4 s: a new stance position, not a loss of balance."""
    script = syn.Script(seed=4).empty(1.0).step_on(at=(0.0, 0.3)).stand(3.0, amp=syn.TANDEM)
    script.move(4.0, to=(0.0, 5.3)).stand(30.0)
    detector = StanceDetector(StanceTest.TANDEM)
    script.build().run(detector)
    result = detector.result
    assert result is not None
    assert result.end_reason is EndReason.CAP
