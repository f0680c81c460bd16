"""Tests for the daily-check plan and runner: sequencing with scripted detectors, cues, edge cases.

The runner's rules are tested first with a scripted stand-in for the detector (each trial's outcome
is chosen by the test), then end to end with the real detector fed by a simulated person
(`synthetic_check.py`) who follows the check's events.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
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
from custom_components.retro_balance.engine.detection.daily_check import (
    CheckEvent,
    CheckEventKind,
    CheckRunner,
    IncompleteReason,
)
from custom_components.retro_balance.engine.detection.stance_config import DetectorConfig
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    QualityFlag,
    StanceEvent,
    StanceEventKind,
    StancePhase,
    StanceResult,
    StanceTest,
)
from custom_components.retro_balance.engine.signal.cop import WII_BALANCE_BOARD, PadGeometry
from tests.engine.detection.synthetic_check import SimulatedPerson, Trial

QUIET = StanceTest.QUIET_EYES_CLOSED
TANDEM = StanceTest.TANDEM
LEFT = StanceTest.SINGLE_LEG_LEFT
RIGHT = StanceTest.SINGLE_LEG_RIGHT
FRAME = np.full((10, 4), 17.5)
RATE_HZ = 80.0


def make_result(
    test: StanceTest,
    end_reason: EndReason,
    hold_s: float,
    *,
    cap_s: float = 30.0,
    started_at_s: float = 0.0,
    quality: frozenset[QualityFlag] = frozenset(),
    body_mass_kg: float = 70.0,
) -> StanceResult:
    return StanceResult(
        test=test,
        hold_time_s=hold_s,
        cap_s=cap_s,
        end_reason=end_reason,
        started_at_s=started_at_s,
        body_mass_kg=body_mass_kg,
        sway=None,
        quality=quality,
    )


@dataclass
class Script:
    """What one scripted trial does: hold from its `start_at` feed, end at its `end_at` feed."""

    end_reason: EndReason
    hold_s: float = 5.0
    start_at: int | None = 2
    end_at: int = 4
    nobody: bool = False
    report_start: bool = True
    quality: frozenset[QualityFlag] = frozenset()


class ScriptedDetector:
    """Stands in for StanceDetector; plays one Script per trial, in creation order."""

    def __init__(
        self,
        test: StanceTest,
        config: DetectorConfig,
        geometry: PadGeometry,
        script: Script,
        *,
        requires_repositioning: bool = False,
    ) -> None:
        self.test = test
        self.requires_repositioning = requires_repositioning
        self.config = config
        self.geometry = geometry
        self.script = script
        self.feeds = 0
        self.phase = StancePhase.WAITING_FOR_PERSON
        self.result: StanceResult | None = None
        self.start_s: float | None = None
        self.last_s = 0.0

    @property
    def elapsed_s(self) -> float:
        if self.result is not None:
            return self.result.hold_time_s
        return 0.0 if self.start_s is None else self.last_s - self.start_s

    def feed(self, cells_kg: npt.ArrayLike, t_first_s: float, rate_hz: float) -> list[StanceEvent]:
        if self.result is not None:
            return []
        self.feeds += 1
        self.last_s = t_first_s
        events = []
        if not self.script.nobody and self.phase is StancePhase.WAITING_FOR_PERSON:
            self.phase = StancePhase.SETTLING
        if self.feeds == self.script.start_at:
            self.phase = StancePhase.HOLDING
            self.start_s = t_first_s
            if self.script.report_start:
                events.append(StanceEvent(kind=StanceEventKind.STARTED, time_s=t_first_s))
        if self.feeds == self.script.end_at:
            self._finish(self.script.end_reason, t_first_s)
        return events

    def _finish(self, reason: EndReason, time_s: float) -> StanceResult:
        started = self.start_s is not None
        self.result = make_result(
            self.test,
            reason,
            self.script.hold_s if started else 0.0,
            cap_s=self.config.cap_s,
            started_at_s=self.start_s if self.start_s is not None else time_s,
            quality=self.script.quality,
            body_mass_kg=0.0 if self.script.nobody else 70.0,
        )
        self.phase = StancePhase.FINISHED
        return self.result

    def cancel(self, time_s: float) -> StanceResult:
        return self.result or self._finish(EndReason.CANCELLED, time_s)

    def lose_signal(self) -> StanceResult:
        return self.result or self._finish(EndReason.SIGNAL_LOST, self.last_s)


class Harness:
    def __init__(self, scripts: list[Script], plan: CheckPlan | None = None, **kw: Any) -> None:
        self.scripts = deque(scripts)
        self.detectors: list[ScriptedDetector] = []
        self.runner = CheckRunner(
            plan or CheckPlan(), WII_BALANCE_BOARD, detector_factory=self.factory, **kw
        )
        self.time_s = 0.0
        self.events: list[CheckEvent] = []

    def factory(
        self,
        test: StanceTest,
        config: DetectorConfig,
        geometry: PadGeometry,
        *,
        requires_repositioning: bool = False,
    ) -> ScriptedDetector:
        detector = ScriptedDetector(
            test,
            config,
            geometry,
            self.scripts.popleft(),
            requires_repositioning=requires_repositioning,
        )
        self.detectors.append(detector)
        return detector

    def feed(self, frames: int = 1) -> list[CheckEvent]:
        new: list[CheckEvent] = []
        for _ in range(frames):
            new += self.runner.feed(FRAME, self.time_s, RATE_HZ)
            self.time_s += 0.125
        self.events += new
        return new

    def run(self, max_frames: int = 200) -> list[CheckEvent]:
        for _ in range(max_frames):
            if self.runner.finished:
                break
            self.feed()
        assert self.runner.finished
        return self.events

    def steps(self) -> list[tuple[str, str | None, int]]:
        return [
            (str(e.kind), None if e.test is None else str(e.test), e.trial) for e in self.events
        ]


def cap(**kw: Any) -> Script:
    return Script(EndReason.CAP, hold_s=30.0, **kw)


def test_default_plan() -> None:
    plan = CheckPlan()
    assert plan.tests == DEFAULT_DAILY_CHECK == (QUIET, TANDEM, LEFT, RIGHT)
    assert (plan.trials, plan.cap_s) == (3, 30.0)
    assert [plan.trials_for(test) for test in plan.tests] == [1, 1, 3, 3]


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


def test_signal_lost_ends_the_check() -> None:
    harness = Harness([Script(EndReason.SIGNAL_LOST, hold_s=3.0), cap()])
    harness.run()
    assert harness.runner.incomplete_reason is IncompleteReason.SIGNAL_LOST
    assert len(harness.runner.results) == 1
    assert len(harness.detectors) == 1


def test_cancel_during_a_hold_keeps_the_trial() -> None:
    harness = Harness([Script(EndReason.CAP, start_at=2, end_at=100)])
    harness.feed(3)
    assert harness.runner.holding
    assert harness.runner.elapsed_s == pytest.approx(0.125)
    assert harness.runner.current_test is QUIET
    assert harness.runner.trial == 1
    events = harness.runner.cancel(50.0)
    assert [e.kind for e in events] == [
        CheckEventKind.TRIAL_FINISHED,
        CheckEventKind.CHECK_FINISHED,
    ]
    assert events[0].result is not None
    assert events[0].result.end_reason is EndReason.CANCELLED
    assert events[0].cue is None
    assert events[1].cue == "stop"
    assert events[1].time_s == 50.0
    assert harness.runner.incomplete_reason is IncompleteReason.CANCELLED
    assert not harness.runner.holding


@pytest.mark.parametrize("feeds", [0, 1])
def test_cancel_before_anyone_stood_on_records_no_trial(feeds: int) -> None:
    harness = Harness([Script(EndReason.CAP, nobody=True, start_at=None, end_at=100)])
    harness.feed(feeds)
    events = harness.runner.cancel(1.0)
    assert [e.kind for e in events] == [CheckEventKind.CHECK_FINISHED]
    assert harness.runner.results == ()


def test_lose_signal_from_the_watchdog() -> None:
    harness = Harness([Script(EndReason.CAP, start_at=2, end_at=100)])
    harness.feed(3)
    events = harness.runner.lose_signal(9.0)
    assert events[0].result is not None
    assert events[0].result.end_reason is EndReason.SIGNAL_LOST
    assert harness.runner.incomplete_reason is IncompleteReason.SIGNAL_LOST


def test_lose_signal_while_nobody_is_on_records_no_trial() -> None:
    harness = Harness([Script(EndReason.CAP, nobody=True, start_at=None, end_at=100)])
    harness.feed(2)
    events = harness.runner.lose_signal(3.0)
    assert [e.kind for e in events] == [CheckEventKind.CHECK_FINISHED]
    assert harness.runner.results == ()
    assert harness.runner.incomplete_reason is IncompleteReason.SIGNAL_LOST


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


def test_event_cues() -> None:
    def event(kind: CheckEventKind, passed: bool | None = None) -> CheckEvent:
        return CheckEvent(kind=kind, time_s=0.0, test=LEFT, trial=1, passed=passed)

    assert event(CheckEventKind.TRIAL_STARTED).cue is None
    assert event(CheckEventKind.HOLD_STARTED).cue == "start"
    assert event(CheckEventKind.TRIAL_FINISHED, True).cue == "pass"
    assert event(CheckEventKind.TRIAL_FINISHED, False).cue == "fail"
    assert event(CheckEventKind.TRIAL_FINISHED, None).cue is None
    assert event(CheckEventKind.CHECK_FINISHED).cue == "stop"


# -- end to end: the real detector, a simulated person ---------------------------------------------

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


def test_waiting_for_person_until_someone_steps_on() -> None:
    """Nothing measured yet: the integration may start such a check over on a new clock."""
    harness = Harness([Script(EndReason.CAP, start_at=3, end_at=4), cap()])
    assert harness.runner.waiting_for_person
    harness.feed(1)  # the scripted person is on the pad from the first frame
    assert not harness.runner.waiting_for_person
    harness.feed(4)
    assert len(harness.runner.results) == 1
    assert not harness.runner.waiting_for_person  # the next trial waits, but results exist


def test_nobody_on_the_pad_keeps_waiting_then_finished_is_not_waiting() -> None:
    harness = Harness([Script(EndReason.CAP, nobody=True, start_at=None, end_at=100)])
    harness.feed(2)
    assert harness.runner.waiting_for_person
    harness.runner.cancel(1.0)
    assert not harness.runner.waiting_for_person


def test_provisional_results_add_the_hold_under_way() -> None:
    harness = Harness([cap(), Script(EndReason.CAP, start_at=2, end_at=100)])
    assert harness.runner.provisional_results(0.0, 70.0) == ()
    while not harness.runner.results:
        harness.feed()
    done = harness.runner.results
    assert harness.runner.provisional_results(9.0, 70.0) == done
    harness.feed(6)
    assert harness.runner.holding
    held_s = harness.runner.elapsed_s
    *before, partial = harness.runner.provisional_results(40.0, 71.5)
    assert tuple(before) == done
    assert partial.test is harness.runner.current_test
    assert partial.hold_time_s == held_s > 0
    assert partial.started_at_s == pytest.approx(40.0 - held_s)
    assert partial.end_reason is EndReason.SIGNAL_LOST
    assert partial.body_mass_kg == 71.5
    assert partial.sway is None
    assert not partial.completed
    assert len(harness.runner.results) == 1  # nothing changed
