"""The daily-check plan: defaults and limits, start postures, repositioning, which trials pass."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.retro_balance.engine.detection.check_plan import (
    DEFAULT_DAILY_CHECK,
    STEADI_HOLD_S,
    CheckPlan,
    Posture,
    needs_repositioning,
    posture_after,
    start_posture,
    trial_passed,
)
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    QualityFlag,
    StanceTest,
)
from tests.engine.detection.scripted_check import LEFT, QUIET, RIGHT, TANDEM, make_result


def test_default_plan() -> None:
    plan = CheckPlan()
    assert plan.tests == DEFAULT_DAILY_CHECK == (QUIET, TANDEM, LEFT, RIGHT)
    assert (plan.trials, plan.cap_s) == (3, 30.0)
    assert [plan.trials_for(test) for test in plan.tests] == [1, 1, 3, 3]


@pytest.mark.parametrize(
    ("test", "posture"),
    [
        (QUIET, Posture.BOTH_FEET),
        (StanceTest.QUIET_EYES_OPEN, Posture.BOTH_FEET),
        (TANDEM, Posture.TANDEM),
        (LEFT, Posture.BOTH_FEET),
        (RIGHT, Posture.BOTH_FEET),
    ],
)
def test_start_posture(test: StanceTest, posture: Posture) -> None:
    assert start_posture(test) is posture


@pytest.mark.parametrize(
    ("test", "end_reason", "posture"),
    [
        (QUIET, EndReason.CAP, Posture.BOTH_FEET),
        (TANDEM, EndReason.CAP, Posture.TANDEM),
        (LEFT, EndReason.CAP, Posture.LEFT_FOOT),
        (RIGHT, EndReason.CAP, Posture.RIGHT_FOOT),
        (TANDEM, EndReason.TOUCHED_DOWN, Posture.BOTH_FEET),
        (LEFT, EndReason.STEPPED_OFF, Posture.BOTH_FEET),
        (TANDEM, EndReason.TIMED_OUT, Posture.BOTH_FEET),
    ],
)
def test_posture_after(test: StanceTest, end_reason: EndReason, posture: Posture) -> None:
    assert posture_after(make_result(test, end_reason, 5.0)) is posture


@pytest.mark.parametrize(
    ("previous", "end_reason", "test", "needed"),
    [
        (None, None, TANDEM, False),
        (QUIET, EndReason.CAP, StanceTest.QUIET_EYES_OPEN, False),
        (QUIET, EndReason.CAP, TANDEM, True),
        (QUIET, EndReason.CAP, LEFT, False),
        (TANDEM, EndReason.TOUCHED_DOWN, TANDEM, True),  # stepped out: step back in
        (TANDEM, EndReason.TOUCHED_DOWN, LEFT, False),
        (TANDEM, EndReason.CAP, QUIET, True),
        (LEFT, EndReason.TOUCHED_DOWN, LEFT, False),
        (LEFT, EndReason.CAP, RIGHT, True),
        (RIGHT, EndReason.CAP, TANDEM, True),
    ],
)
def test_needs_repositioning(
    previous: StanceTest | None, end_reason: EndReason | None, test: StanceTest, needed: bool
) -> None:
    result = None
    if previous is not None and end_reason is not None:
        result = make_result(previous, end_reason, 5.0)
    assert needs_repositioning(result, test) is needed


def test_plan_accepts_test_names() -> None:
    plan = CheckPlan(tests=("tandem", "single_leg_right"))  # type: ignore[arg-type]
    assert plan.tests == (TANDEM, RIGHT)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"tests": ()}, "non-empty"),
        ({"tests": "tandem"}, "non-empty"),
        ({"tests": None}, "non-empty"),
        ({"tests": ("tandem", "hopping")}, "unknown test 'hopping'"),
        ({"tests": (TANDEM, TANDEM)}, "once"),
        ({"trials": 0}, "trials"),
        ({"trials": 4}, "trials"),
        ({"trials": 2.0}, "trials"),
        ({"trials": True}, "trials"),
        ({"other_trials": 0}, "other_trials"),
        ({"cap_s": 9.9}, "cap_s"),
        ({"cap_s": 60.5}, "cap_s"),
        ({"cap_s": float("nan")}, "cap_s"),
        ({"cap_s": "30"}, "cap_s"),
        ({"cap_s": False}, "cap_s"),
        ({"wait_timeout_s": 0}, "wait_timeout_s"),
        ({"wait_timeout_s": float("inf")}, "wait_timeout_s"),
        ({"wait_timeout_s": True}, "wait_timeout_s"),
    ],
)
def test_invalid_plans_are_rejected(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        CheckPlan(**kwargs)


def test_plan_limits_are_inclusive() -> None:
    assert CheckPlan(cap_s=10, trials=1).cap_s == 10
    assert CheckPlan(cap_s=60.0, trials=3, other_trials=3).other_trials == 3


@pytest.mark.parametrize(
    ("test", "reason", "hold_s", "quality", "expected"),
    [
        (QUIET, EndReason.CAP, 30.0, frozenset(), True),
        (QUIET, EndReason.STEPPED_OFF, 29.0, frozenset(), False),
        (TANDEM, EndReason.TOUCHED_DOWN, STEADI_HOLD_S - 0.01, frozenset(), False),
        (TANDEM, EndReason.TOUCHED_DOWN, STEADI_HOLD_S, frozenset(), True),
        (LEFT, EndReason.TOUCHED_DOWN, 4.9, frozenset(), False),
        (RIGHT, EndReason.STEPPED_OFF, 14.0, frozenset(), True),
        (RIGHT, EndReason.CAP, 30.0, frozenset({QualityFlag.GAPS}), True),
        (LEFT, EndReason.CANCELLED, 20.0, frozenset({QualityFlag.ABORTED}), None),
        (LEFT, EndReason.CAP, 30.0, frozenset({QualityFlag.TOO_LIGHT}), None),
        (LEFT, EndReason.TIMED_OUT, 0.0, frozenset({QualityFlag.ABORTED}), None),
    ],
)
def test_trial_passed(
    test: StanceTest,
    reason: EndReason,
    hold_s: float,
    quality: frozenset[QualityFlag],
    expected: bool | None,
) -> None:
    assert trial_passed(make_result(test, reason, hold_s, quality=quality)) is expected
