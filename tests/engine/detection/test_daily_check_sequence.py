"""The daily-check runner's order of tests and trials, its events and cues, with scripted trials."""

from __future__ import annotations

import pytest

from custom_components.retro_balance.engine.detection.check_plan import (
    DEFAULT_DAILY_CHECK,
    CheckPlan,
)
from custom_components.retro_balance.engine.detection.daily_check import (
    CheckEvent,
    CheckEventKind,
    CheckRunner,
    IncompleteReason,
)
from custom_components.retro_balance.engine.detection.stance_config import DetectorConfig
from custom_components.retro_balance.engine.detection.stance_result import EndReason, QualityFlag
from custom_components.retro_balance.engine.signal.cop import WII_BALANCE_BOARD
from tests.engine.detection.scripted_check import LEFT, QUIET, RIGHT, TANDEM, Harness, Script, cap


def test_all_tests_held_to_cap_run_once_each_with_cues() -> None:
    harness = Harness([cap(), cap(), cap(), cap()])
    events = harness.run()
    assert harness.steps() == [
        (kind, test, 1)
        for test in ("quiet_eyes_closed", "tandem", "single_leg_left", "single_leg_right")
        for kind in ("trial_started", "hold_started", "trial_finished")
    ] + [("check_finished", None, 0)]
    assert [e.cue for e in events] == [None, "start", "pass"] * 4 + ["stop"]
    runner = harness.runner
    assert runner.finished
    assert runner.complete
    assert runner.incomplete_reason is None
    assert [r.test for r in runner.results] == list(DEFAULT_DAILY_CHECK)
    assert runner.current_test is None
    assert runner.elapsed_s == 0.0
    assert harness.feed() == []  # frames after the end are ignored
    assert runner.cancel(99.0) == []
    assert runner.lose_signal(99.0) == []
    finished = [e for e in events if e.kind is CheckEventKind.TRIAL_FINISHED]
    assert [e.result for e in finished] == list(runner.results)


def test_each_trial_after_a_different_posture_waits_for_a_repositioning() -> None:
    touched = Script(EndReason.TOUCHED_DOWN, hold_s=4.0)
    harness = Harness([cap(), cap(), touched, cap(), Script(EndReason.TOUCHED_DOWN), cap()])
    harness.run()
    flags = [(d.test, d.requires_repositioning) for d in harness.detectors]
    assert flags == [
        (QUIET, False),  # the first trial starts with stepping on
        (TANDEM, True),  # quiet stance held to the cap: still on both feet
        (LEFT, True),  # tandem held to the cap: still in tandem
        (LEFT, False),  # the foot came down: on both feet, ready to lift again
        (RIGHT, True),  # the left leg held to the cap: still on the left foot
        (RIGHT, False),
    ]


def test_single_leg_best_of_three_stops_early_at_the_cap() -> None:
    scripts = [
        cap(),
        cap(),
        Script(EndReason.TOUCHED_DOWN, hold_s=4.0),
        Script(EndReason.TOUCHED_DOWN, hold_s=12.0),
        cap(),
        cap(),  # right leg: first trial reaches the cap, no second trial
    ]
    harness = Harness(scripts)
    harness.run()
    trials = [
        (e.test, e.trial, e.passed)
        for e in harness.events
        if e.kind is CheckEventKind.TRIAL_FINISHED
    ]
    assert trials == [
        (QUIET, 1, True),
        (TANDEM, 1, True),
        (LEFT, 1, False),
        (LEFT, 2, True),
        (LEFT, 3, True),
        (RIGHT, 1, True),
    ]
    assert len(harness.detectors) == 6
    assert harness.runner.complete


def test_three_failed_trials_then_next_test() -> None:
    short = [Script(EndReason.TOUCHED_DOWN, hold_s=s) for s in (2.0, 3.0, 1.0)]
    harness = Harness([cap(), cap(), *short, *short])
    harness.run()
    assert [r.test for r in harness.runner.results] == [QUIET, TANDEM] + [LEFT] * 3 + [RIGHT] * 3
    assert harness.runner.complete  # touched down is a real (completed) result


def test_one_trial_plan_and_more_trials_for_other_tests() -> None:
    plan = CheckPlan(tests=(TANDEM, RIGHT), trials=1, other_trials=2)
    harness = Harness(
        [
            Script(EndReason.TOUCHED_DOWN, 3.0),
            Script(EndReason.TOUCHED_DOWN, 4.0),
            Script(EndReason.TOUCHED_DOWN),
        ],
        plan,
    )
    harness.run()
    assert [(r.test, r.hold_time_s) for r in harness.runner.results] == [
        (TANDEM, 3.0),
        (TANDEM, 4.0),
        (RIGHT, 5.0),
    ]


def test_stepping_off_mid_sequence_and_nobody_returns_ends_incomplete() -> None:
    scripts = [
        cap(),
        Script(EndReason.STEPPED_OFF, hold_s=6.0),
        Script(EndReason.TIMED_OUT, start_at=None, end_at=5, nobody=True),
    ]
    harness = Harness(scripts)
    events = harness.run()
    runner = harness.runner
    assert runner.incomplete_reason is IncompleteReason.PERSON_ABSENT
    assert not runner.complete
    assert [r.test for r in runner.results] == [QUIET, TANDEM]  # the empty trial is not a trial
    assert events[-1].kind is CheckEventKind.CHECK_FINISHED
    assert events[-1].incomplete_reason is IncompleteReason.PERSON_ABSENT
    assert events[-2].kind is CheckEventKind.TRIAL_STARTED  # the left-leg trial that nobody took


def test_stepping_off_mid_sequence_and_returning_continues() -> None:
    scripts = [
        cap(),
        Script(EndReason.STEPPED_OFF, hold_s=6.0),
        Script(EndReason.CAP, end_at=40),
        cap(),
    ]
    harness = Harness(scripts)
    harness.run()
    assert harness.runner.complete
    assert harness.runner.results[1].end_reason is EndReason.STEPPED_OFF


def test_stepping_off_at_the_last_test_finishes_the_check() -> None:
    plan = CheckPlan(tests=(QUIET,))
    harness = Harness([Script(EndReason.STEPPED_OFF, hold_s=20.0)], plan)
    events = harness.run()
    assert harness.runner.complete
    assert events[-2].passed is False
    assert events[-2].cue == "fail"


def test_a_position_not_taken_is_not_retried_and_counts_as_a_result() -> None:
    """Standing on the pad and never lifting the foot completes that test: 0 s (outcomes.py)."""
    plan = CheckPlan(tests=(LEFT, RIGHT))
    never_lifted = Script(
        EndReason.TIMED_OUT, start_at=None, end_at=3, quality=frozenset({QualityFlag.ABORTED})
    )
    harness = Harness([never_lifted, cap()], plan)
    events = harness.run()
    assert [(r.test, r.end_reason) for r in harness.runner.results] == [
        (LEFT, EndReason.TIMED_OUT),
        (RIGHT, EndReason.CAP),
    ]
    assert harness.runner.results[0].position_not_taken
    assert harness.runner.incomplete_reason is None
    left_finished = next(e for e in events if e.kind is CheckEventKind.TRIAL_FINISHED)
    assert left_finished.passed is None
    assert left_finished.cue is None
    assert not any(e.kind is CheckEventKind.HOLD_STARTED and e.test is LEFT for e in events)


def test_hold_started_is_announced_even_without_a_started_event() -> None:
    harness = Harness(
        [Script(EndReason.CAP, start_at=2, end_at=2, report_start=False)], CheckPlan(tests=(QUIET,))
    )
    events = harness.run()
    assert [e.kind for e in events] == [
        CheckEventKind.TRIAL_STARTED,
        CheckEventKind.HOLD_STARTED,
        CheckEventKind.TRIAL_FINISHED,
        CheckEventKind.CHECK_FINISHED,
    ]
    assert events[1].time_s == pytest.approx(0.125)


def test_runner_config_takes_the_plan_cap_and_wait_timeout() -> None:
    base = DetectorConfig(cap_s=20.0, wait_timeout_s=90.0)
    harness = Harness(
        [cap()], CheckPlan(tests=(TANDEM,), cap_s=45.0, wait_timeout_s=15.0), config=base
    )
    assert harness.detectors[0].config.cap_s == 45.0
    assert harness.detectors[0].config.wait_timeout_s == 15.0
    assert harness.runner.config.cap_s == 45.0
    assert harness.runner.plan.cap_s == 45.0
    harness = Harness([cap()], CheckPlan(tests=(TANDEM,)), config=base)
    assert harness.detectors[0].config.wait_timeout_s == 90.0
    assert harness.runner.test_number == 1


def test_runner_rejects_a_non_plan() -> None:
    with pytest.raises(ValueError, match="CheckPlan"):
        CheckRunner((QUIET,), WII_BALANCE_BOARD)  # type: ignore[arg-type]


def test_event_cues() -> None:
    def event(kind: CheckEventKind, passed: bool | None = None) -> CheckEvent:
        return CheckEvent(kind=kind, time_s=0.0, test=LEFT, trial=1, passed=passed)

    assert event(CheckEventKind.TRIAL_STARTED).cue is None
    assert event(CheckEventKind.HOLD_STARTED).cue == "start"
    assert event(CheckEventKind.TRIAL_FINISHED, True).cue == "pass"
    assert event(CheckEventKind.TRIAL_FINISHED, False).cue == "fail"
    assert event(CheckEventKind.TRIAL_FINISHED, None).cue is None
    assert event(CheckEventKind.CHECK_FINISHED).cue == "stop"
