"""What the person is asked to do, the check's progress and each trial's verdict."""

from __future__ import annotations

from custom_components.retro_balance.engine.detection.check_plan import CheckPlan
from custom_components.retro_balance.engine.detection.daily_check import CheckRunner
from custom_components.retro_balance.engine.detection.guidance import (
    CheckProgress,
    Instruction,
    TrialOutcome,
    TrialVerdict,
    check_progress,
    instruction,
    trial_outcomes,
)
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    StancePhase,
    StanceTest,
)
from tests.engine.detection.scripted_check import Harness, Script, cap

TANDEM = StanceTest.TANDEM
LEFT = StanceTest.SINGLE_LEG_LEFT
PLAN = CheckPlan(tests=(TANDEM, LEFT), trials=3, cap_s=20.0)


def test_every_instruction_but_the_steps_is_a_test() -> None:
    steps = {Instruction.NONE, Instruction.STEP_ON, Instruction.STEP_OFF}
    assert {member.value for member in Instruction} - {s.value for s in steps} == {
        test.value for test in StanceTest
    }


def test_progress_follows_tests_trials_and_the_hold() -> None:
    harness = Harness(
        [
            cap(start_at=2, end_at=5),
            Script(EndReason.TOUCHED_DOWN, hold_s=4.0, start_at=2, end_at=4),
            Script(EndReason.TOUCHED_DOWN, hold_s=6.0, start_at=3, end_at=6),
            cap(),
        ],
        plan=PLAN,
    )
    progress = check_progress(harness.runner)
    assert progress == CheckProgress(
        test=TANDEM,
        test_number=1,
        tests=2,
        trial=1,
        trials=1,
        elapsed_s=0.0,
        target_s=20.0,
        phase=StancePhase.WAITING_FOR_PERSON,
    )
    assert progress.waiting_for_person
    assert not progress.holding
    harness.feed(3)  # on the pad, holding since the second frame
    progress = check_progress(harness.runner)
    assert progress is not None
    assert progress.holding
    assert progress.elapsed_s == 0.125
    harness.feed(2)  # tandem held to the cap: single-leg left, trial 1 of 3
    progress = check_progress(harness.runner)
    assert progress is not None
    assert (progress.test, progress.test_number, progress.trial, progress.trials) == (LEFT, 2, 1, 3)
    harness.feed(4)  # the first try touched down: trial 2 of 3
    progress = check_progress(harness.runner)
    assert progress is not None
    assert (progress.test, progress.trial) == (LEFT, 2)


def test_no_progress_once_the_check_is_over() -> None:
    harness = Harness([cap(), cap()], plan=PLAN)
    harness.run()
    assert check_progress(harness.runner) is None
    assert harness.runner.phase is StancePhase.FINISHED


def test_instruction_asks_to_step_on_then_for_the_tests_position_then_to_step_off() -> None:
    runner = CheckRunner(PLAN)
    waiting = check_progress(runner)
    assert waiting is not None
    assert instruction(waiting, check_over_on_pad=False) is Instruction.STEP_ON
    # Someone already on the pad is asked for the position before the trial's first frame.
    on_pad = waiting.on_pad(True)
    assert on_pad.phase is StancePhase.SETTLING
    assert instruction(on_pad, check_over_on_pad=False) is Instruction.TANDEM
    assert waiting.on_pad(False) is waiting
    for phase in (StancePhase.SETTLING, StancePhase.READY, StancePhase.HOLDING):
        holding = CheckProgress(
            test=LEFT,
            test_number=2,
            tests=2,
            trial=1,
            trials=3,
            elapsed_s=0.0,
            target_s=20.0,
            phase=phase,
        )
        assert instruction(holding, check_over_on_pad=False) is Instruction.SINGLE_LEG_LEFT
        assert holding.on_pad(False) is holding
    assert instruction(None, check_over_on_pad=True) is Instruction.STEP_OFF
    assert instruction(None, check_over_on_pad=False) is Instruction.NONE


def test_trials_are_well_done_try_again_or_held() -> None:
    harness = Harness(
        [
            Script(EndReason.CAP, hold_s=20.0, start_at=2, end_at=3),
            Script(EndReason.TOUCHED_DOWN, hold_s=4.0),
            Script(EndReason.TOUCHED_DOWN, hold_s=12.0),
        ],
        plan=CheckPlan(tests=(TANDEM, LEFT), trials=2, cap_s=20.0),
    )
    outcomes = trial_outcomes(harness.run())
    assert outcomes == [
        TrialOutcome(test=TANDEM, trial=1, hold_s=20.0, verdict=TrialVerdict.WELL_DONE),
        TrialOutcome(test=LEFT, trial=1, hold_s=4.0, verdict=TrialVerdict.TRY_AGAIN),
        # 12 s passes single-leg stance (CDC STEADI's 10 s) though the cap is 20 s.
        TrialOutcome(test=LEFT, trial=2, hold_s=12.0, verdict=TrialVerdict.WELL_DONE),
    ]


def test_the_last_try_that_fails_is_held_not_try_again() -> None:
    harness = Harness(
        [Script(EndReason.TOUCHED_DOWN, hold_s=3.0)],
        plan=CheckPlan(tests=(LEFT,), trials=1, cap_s=20.0),
    )
    [outcome] = trial_outcomes(harness.run())
    assert outcome.verdict is TrialVerdict.HELD


def test_a_position_not_taken_and_a_cancelled_trial_get_no_pass_or_fail() -> None:
    harness = Harness(
        [
            Script(EndReason.TIMED_OUT, start_at=None, end_at=3),
            Script(EndReason.TOUCHED_DOWN, start_at=2, end_at=50),
        ],
        plan=CheckPlan(tests=(TANDEM, LEFT), trials=3, cap_s=20.0),
    )
    [not_taken] = trial_outcomes(harness.feed(3))
    assert not_taken.verdict is TrialVerdict.POSITION_NOT_TAKEN
    assert not_taken.hold_s == 0.0
    harness.feed(3)
    [cancelled] = trial_outcomes(harness.runner.cancel(harness.time_s))
    assert (cancelled.test, cancelled.verdict) == (LEFT, TrialVerdict.STOPPED)


def test_events_without_a_finished_trial_have_no_outcomes() -> None:
    harness = Harness([cap(start_at=2, end_at=40)], plan=CheckPlan(tests=(TANDEM,)))
    assert trial_outcomes(harness.feed(3)) == []
