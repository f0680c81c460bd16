"""What a check runs and the rules between its trials: the plan, its limits, pass and posture.

A `CheckPlan` lists the stance tests of a check in order, with the trials each gets and the hold
cap; the limits a user may choose are defined here and in `stance_config` (the cap) and nowhere
else. A trial passes when held to the cap, or for tandem and single-leg stance `STEADI_HOLD_S`.
A trial whose starting posture differs from the one the last trial left the person in must see
them move their feet first (`needs_repositioning`). `daily_check.CheckRunner` applies all this.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from .stance_config import DEFAULT_CAP_S, MAX_CAP_S, MIN_CAP_S
from .stance_result import EndReason, StanceResult, StanceTest

DEFAULT_DAILY_CHECK = (
    StanceTest.QUIET_EYES_CLOSED,
    StanceTest.TANDEM,
    StanceTest.SINGLE_LEG_LEFT,
    StanceTest.SINGLE_LEG_RIGHT,
)
"""Quiet stance eyes closed (sway), then tandem and each leg (hold times): the daily sequence."""

MIN_TRIALS = 1
MAX_TRIALS = 3
"""At most three trials per test: 'best of 3' (Springer et al. 2007)."""
DEFAULT_TRIALS = MAX_TRIALS
"""Single-leg stance gets its best of three unless the options say otherwise."""

STEADI_HOLD_S = 10.0
"""A tandem or single-leg hold this long passes (CDC STEADI 4-stage balance test: 10 s per stage).

It is also the shortest allowed cap, so a hold to any cap passes. Quiet stance passes only when
held to the cap (stepping off it is the only way to end it early).
"""


def trial_passed(result: StanceResult) -> bool | None:
    """Whether a trial counts as passed: held to the cap, or `STEADI_HOLD_S` for tandem/one leg.

    None for an aborted trial (cancelled, timed out, signal lost, too light): no verdict.
    """
    if not result.completed:
        return None
    if result.end_reason is EndReason.CAP:
        return True
    if result.test.is_quiet:
        return False
    return result.hold_time_s >= STEADI_HOLD_S


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckPlan:
    """Which tests a check runs, in order, how many trials each gets, and the hold cap.

    `trials` applies to single-leg stance; the other tests get `other_trials` (1 by default:
    quiet stance and tandem are single timed holds in their protocols).
    """

    tests: tuple[StanceTest, ...] = DEFAULT_DAILY_CHECK
    trials: int = DEFAULT_TRIALS
    other_trials: int = 1
    cap_s: float = DEFAULT_CAP_S
    wait_timeout_s: float | None = None
    """How long to wait for the person to step on (None: the detector's default)."""

    def __post_init__(self) -> None:
        """Reject a plan that cannot run; test names given as strings are accepted and converted."""
        tests: object = self.tests
        if isinstance(tests, str) or not isinstance(tests, Sequence) or not tests:
            raise ValueError(f"tests must be a non-empty sequence of stance tests, got {tests!r}")
        converted = []
        for test in tests:
            try:
                converted.append(StanceTest(test))
            except ValueError:
                allowed = ", ".join(member.value for member in StanceTest)
                raise ValueError(f"unknown test {test!r}; expected one of: {allowed}") from None
        if len(set(converted)) != len(converted):
            raise ValueError(f"each test may appear once (use trials to repeat), got {tests!r}")
        object.__setattr__(self, "tests", tuple(converted))
        for name in ("trials", "other_trials"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not MIN_TRIALS <= value <= MAX_TRIALS
            ):
                raise ValueError(
                    f"{name} must be a whole number from {MIN_TRIALS} to {MAX_TRIALS}, "
                    f"got {value!r}"
                )
        cap = self.cap_s
        if (
            isinstance(cap, bool)
            or not isinstance(cap, int | float)
            or not math.isfinite(cap)
            or not MIN_CAP_S <= cap <= MAX_CAP_S
        ):
            raise ValueError(f"cap_s must be from {MIN_CAP_S:g} to {MAX_CAP_S:g} s, got {cap!r}")
        wait = self.wait_timeout_s
        if wait is not None and (
            isinstance(wait, bool)
            or not isinstance(wait, int | float)
            or not math.isfinite(wait)
            or wait <= 0
        ):
            raise ValueError(f"wait_timeout_s must be a positive number of seconds, got {wait!r}")

    def trials_for(self, test: StanceTest) -> int:
        """How many trials `test` gets at most."""
        return self.trials if test.is_single_leg else self.other_trials


class Posture(StrEnum):
    """How the person stands: what a test starts from, or what a finished trial left them in."""

    BOTH_FEET = "both_feet"
    TANDEM = "tandem"
    LEFT_FOOT = "left_foot"
    RIGHT_FOOT = "right_foot"


_HELD_POSTURE = {
    StanceTest.QUIET_EYES_OPEN: Posture.BOTH_FEET,
    StanceTest.QUIET_EYES_CLOSED: Posture.BOTH_FEET,
    StanceTest.TANDEM: Posture.TANDEM,
    StanceTest.SINGLE_LEG_LEFT: Posture.LEFT_FOOT,
    StanceTest.SINGLE_LEG_RIGHT: Posture.RIGHT_FOOT,
}


def start_posture(test: StanceTest) -> Posture:
    """Return the posture `test` starts from (single-leg stance: both feet, then one lifts)."""
    return Posture.BOTH_FEET if test.is_single_leg else _HELD_POSTURE[test]


def posture_after(result: StanceResult) -> Posture:
    """Return the posture a finished trial leaves the person in as the next trial begins.

    Held to the cap, the person still holds the test's posture (they change it after the cue);
    a hold that broke (foot down, step, step off) or never started leaves them on both feet.
    """
    return _HELD_POSTURE[result.test] if result.end_reason is EndReason.CAP else Posture.BOTH_FEET


def needs_repositioning(previous: StanceResult | None, test: StanceTest) -> bool:
    """Whether `test` must see the person move their feet before it may start.

    The first trial of a check starts with stepping on, which is a move. Afterwards, a test whose
    starting posture differs from the one the last trial left the person in must not start from
    that posture: the COP of tandem stance, for one, looks like standing on both feet.
    """
    return previous is not None and posture_after(previous) is not start_posture(test)
