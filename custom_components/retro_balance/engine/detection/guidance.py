"""What the person on the pad is asked to do now, how far the check is, and how each trial went.

The pad beeps; a screen or a voice can say more. This module turns the `CheckRunner`'s state and
events into plain facts for that, with no wording (the integration words them in the user's
language):

- `instruction`: one step for the person — step on, take the current test's position, step off
  once the check is over — or nothing while no check runs;
- `CheckProgress`: the current test and trial against their counts, the hold so far against its
  target (the plan's cap), and the trial's phase;
- `trial_outcomes`: each finished trial as well done (passed: `check_plan.trial_passed`), try
  again (not passed, another trial follows), held (not passed, the last trial), position not
  taken, or stopped (aborted: no verdict).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from .daily_check import CheckEvent, CheckEventKind, CheckRunner
from .stance_result import StancePhase, StanceTest


class Instruction(StrEnum):
    """What the person on the pad should do now (the test's values: take that position)."""

    NONE = "none"
    """No check is running."""
    STEP_ON = "step_on"
    """A test waits for someone to step on the pad."""
    QUIET_EYES_OPEN = StanceTest.QUIET_EYES_OPEN.value
    QUIET_EYES_CLOSED = StanceTest.QUIET_EYES_CLOSED.value
    TANDEM = StanceTest.TANDEM.value
    SINGLE_LEG_LEFT = StanceTest.SINGLE_LEG_LEFT.value
    SINGLE_LEG_RIGHT = StanceTest.SINGLE_LEG_RIGHT.value
    STEP_OFF = "step_off"
    """The check is over and the person still stands on the pad."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckProgress:
    """Where a running check is: "test 2 of 4, 12 of 30 s, trial 2 of 3"."""

    test: StanceTest
    test_number: int
    """Position of the current test in the plan, from 1."""
    tests: int
    """How many tests the plan has."""
    trial: int
    """The current trial of the test, from 1."""
    trials: int
    """How many trials the test gets at most (`CheckPlan.trials_for`)."""
    elapsed_s: float
    """Hold time so far in the current trial (0 until the hold starts)."""
    target_s: float
    """The hold that ends the trial as passed: the plan's cap."""
    phase: StancePhase

    @property
    def waiting_for_person(self) -> bool:
        """Whether the trial waits for someone to step on the pad."""
        return self.phase is StancePhase.WAITING_FOR_PERSON

    @property
    def holding(self) -> bool:
        """Whether the timed hold is running."""
        return self.phase is StancePhase.HOLDING

    def on_pad(self, occupied: bool) -> CheckProgress:
        """Return the progress as seen with the pad's occupancy (the pad monitor's).

        A trial that has not yet been fed a frame (the next one, created when the last ended)
        still waits for a person who already stands on the pad: they are settling into it.
        """
        if self.waiting_for_person and occupied:
            return replace(self, phase=StancePhase.SETTLING)
        return self


def check_progress(runner: CheckRunner) -> CheckProgress | None:
    """Return where the runner's check is (None once it has finished)."""
    test = runner.current_test
    if test is None:
        return None
    plan = runner.plan
    return CheckProgress(
        test=test,
        test_number=runner.test_number,
        tests=len(plan.tests),
        trial=runner.trial,
        trials=plan.trials_for(test),
        elapsed_s=runner.elapsed_s,
        target_s=plan.cap_s,
        phase=runner.phase,
    )


def instruction(progress: CheckProgress | None, *, check_over_on_pad: bool) -> Instruction:
    """Return the step for the person now.

    `check_over_on_pad`: a check has just ended and its person still stands on the pad.
    """
    if progress is None:
        return Instruction.STEP_OFF if check_over_on_pad else Instruction.NONE
    if progress.waiting_for_person:
        return Instruction.STEP_ON
    return Instruction(progress.test.value)


class TrialVerdict(StrEnum):
    """How a finished trial went, as the person is told."""

    WELL_DONE = "well_done"
    TRY_AGAIN = "try_again"
    HELD = "held"
    POSITION_NOT_TAKEN = "position_not_taken"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True, kw_only=True)
class TrialOutcome:
    """A finished trial: the test, its trial number, the hold and the verdict."""

    test: StanceTest
    trial: int
    hold_s: float
    verdict: TrialVerdict


def trial_outcomes(events: Sequence[CheckEvent]) -> list[TrialOutcome]:
    """Return every trial finished in `events` (one batch from the runner), in order.

    A trial that was not passed is followed by another trial of the same test in the same batch
    exactly when the runner gives it another try.
    """
    outcomes: list[TrialOutcome] = []
    for index, event in enumerate(events):
        if event.kind is not CheckEventKind.TRIAL_FINISHED or event.result is None:
            continue
        assert event.test is not None  # a finished trial always names its test
        retried = any(
            later.kind is CheckEventKind.TRIAL_STARTED and later.test is event.test
            for later in events[index + 1 :]
        )
        outcomes.append(
            TrialOutcome(
                test=event.test,
                trial=event.trial,
                hold_s=event.result.hold_time_s,
                verdict=_verdict(event, retried=retried),
            )
        )
    return outcomes


def _verdict(event: CheckEvent, *, retried: bool) -> TrialVerdict:
    assert event.result is not None
    if event.result.position_not_taken:
        return TrialVerdict.POSITION_NOT_TAKEN
    if event.passed is None:
        return TrialVerdict.STOPPED
    if event.passed:
        return TrialVerdict.WELL_DONE
    return TrialVerdict.TRY_AGAIN if retried else TrialVerdict.HELD
