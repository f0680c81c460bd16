"""The daily check end to end: the real detector fed by a simulated person (`synthetic_check.py`)
who follows the check's events; hold times, cues, stepping off, cancel and malformed frames.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest

from custom_components.retro_balance.engine.detection.check_plan import CheckPlan
from custom_components.retro_balance.engine.detection.daily_check import (
    CheckEventKind,
    CheckRunner,
    IncompleteReason,
)
from custom_components.retro_balance.engine.detection.stance_result import EndReason, StanceTest
from custom_components.retro_balance.engine.signal.cop import WII_BALANCE_BOARD
from tests.engine.detection.scripted_check import LEFT, QUIET, RIGHT, TANDEM
from tests.engine.detection.synthetic_check import SimulatedPerson, Trial

HOLD_TOLERANCE_S = 0.2


def simulate(plan: CheckPlan, trials: dict[StanceTest, list[Trial]], seed: int) -> SimulatedPerson:
    person = SimulatedPerson(runner=CheckRunner(plan, WII_BALANCE_BOARD), plan=trials, seed=seed)
    person.run()
    return person


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_full_daily_check_on_synthetic_streams(seed: int) -> None:
    plan = CheckPlan(cap_s=10.0)
    trials = {LEFT: [Trial(hold_s=4.0 + seed / 2), Trial()], RIGHT: [Trial()]}
    person = simulate(plan, trials, seed)
    runner = person.runner
    assert runner.complete
    results = runner.results
    assert [(r.test, r.end_reason) for r in results] == [
        (QUIET, EndReason.CAP),
        (TANDEM, EndReason.CAP),
        (LEFT, EndReason.TOUCHED_DOWN),
        (LEFT, EndReason.CAP),
        (RIGHT, EndReason.CAP),
    ]
    assert results[2].hold_time_s == pytest.approx(4.0 + seed / 2, abs=HOLD_TOLERANCE_S)
    assert all(r.hold_time_s == 10.0 for r in results if r.end_reason is EndReason.CAP)
    assert all(r.body_mass_kg == pytest.approx(70.0, abs=1.0) for r in results)
    cues = [e.cue for e in person.events if e.cue is not None]
    assert cues == [
        "start",
        "pass",
        "start",
        "pass",
        "start",
        "fail",
        "start",
        "pass",
        "start",
        "pass",
        "stop",
    ]


def test_three_single_leg_failures_are_all_timed() -> None:
    holds = [3.0, 6.5, 2.0]
    plan = CheckPlan(tests=(RIGHT,), cap_s=10.0)
    person = simulate(plan, {RIGHT: [Trial(hold_s=h) for h in holds]}, seed=7)
    results = person.runner.results
    assert [r.end_reason for r in results] == [EndReason.TOUCHED_DOWN] * 3
    for result, hold in zip(results, holds, strict=True):
        assert result.hold_time_s == pytest.approx(hold, abs=HOLD_TOLERANCE_S)
    assert person.runner.complete


def test_stepping_off_between_tests_and_back_on_continues() -> None:
    plan = CheckPlan(tests=(TANDEM, LEFT), cap_s=10.0)
    person = simulate(plan, {TANDEM: [Trial(away_s=5.0)], LEFT: [Trial()]}, seed=4)
    assert person.runner.complete
    assert [r.end_reason for r in person.runner.results] == [EndReason.CAP, EndReason.CAP]


def test_stepping_off_between_tests_for_good_ends_incomplete() -> None:
    plan = CheckPlan(tests=(QUIET, TANDEM, LEFT), cap_s=10.0, wait_timeout_s=8.0)
    person = simulate(plan, {TANDEM: [Trial(away_s=math.inf)]}, seed=5)
    runner = person.runner
    assert runner.incomplete_reason is IncompleteReason.PERSON_ABSENT
    assert [r.test for r in runner.results] == [QUIET, TANDEM]
    finished = person.events[-1]
    assert finished.kind is CheckEventKind.CHECK_FINISHED
    # Gave up once the wait ran out, counted from when the left-leg trial began waiting.
    left_started = next(e for e in person.events if e.test is LEFT)
    assert finished.time_s - left_started.time_s == pytest.approx(8.0, abs=0.2)


def test_stepping_off_during_a_single_leg_trial_is_a_failed_trial() -> None:
    plan = CheckPlan(tests=(LEFT,), cap_s=10.0)
    person = simulate(plan, {LEFT: [Trial(hold_s=3.0, end="step_off"), Trial()]}, seed=6)
    results = person.runner.results
    assert [r.end_reason for r in results] == [EndReason.STEPPED_OFF, EndReason.CAP]
    assert results[0].hold_time_s == pytest.approx(3.0, abs=HOLD_TOLERANCE_S)
    assert person.runner.complete


@pytest.mark.parametrize(
    ("cells", "rate_hz"), [(np.zeros((10, 3)), 80.0), (np.zeros((10, 4)), 0.0)]
)
def test_a_malformed_frame_raises_and_changes_nothing(
    cells: npt.NDArray[np.float64], rate_hz: float
) -> None:
    runner = CheckRunner(CheckPlan(), WII_BALANCE_BOARD)
    with pytest.raises(ValueError, match=r"cells_kg|rate_hz"):
        runner.feed(cells, 0.0, rate_hz)
    events = runner.feed(np.zeros((10, 4)), 0.0, 80.0)
    assert [e.kind for e in events] == [CheckEventKind.TRIAL_STARTED]


def test_cancel_mid_hold_and_live_progress() -> None:
    plan = CheckPlan(tests=(QUIET, TANDEM), cap_s=30.0)
    runner = CheckRunner(plan, WII_BALANCE_BOARD)
    progress: list[float] = []

    def watch(person: SimulatedPerson) -> None:
        progress.append(runner.elapsed_s)
        if runner.elapsed_s >= 5.0 and not runner.finished:
            person.events.extend(runner.cancel(person.time_s))

    person = SimulatedPerson(runner=runner, plan={}, seed=8, on_frame=watch)
    person.run()
    assert runner.incomplete_reason is IncompleteReason.CANCELLED
    assert [r.end_reason for r in runner.results] == [EndReason.CANCELLED]
    assert runner.results[0].hold_time_s == pytest.approx(5.0, abs=0.15)
    assert progress == sorted(progress)  # live progress only rises during the hold
    assert progress[-1] == pytest.approx(5.0, abs=0.15)
    assert runner.elapsed_s == 0.0  # and reads 0 once the check has finished
