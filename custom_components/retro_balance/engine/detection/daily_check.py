"""The daily check: a sequence of stance tests, best of up to three trials for single-leg stance.

`CheckRunner` wraps one `StanceDetector` per trial and turns what the detectors do into a short
list of `CheckEvent`s that the integration forwards (cues to the pad, progress to entities). It
decides everything about the sequence, so the integration only moves data:

- a trial that reaches the cap ends that test early (nothing better is possible);
- a single-leg trial that ends another way is repeated up to `CheckPlan.trials` times (best of
  three is the most reliable single-leg score, Springer et al. 2007, J Geriatr Phys Ther 30:8);
- a test that timed out (it never started) is not repeated: the next test comes;
- a trial whose starting posture differs from the one the last trial left the person in (e.g.
  tandem after quiet stance) waits for the person to move their feet (`needs_repositioning`),
  so it never starts from the posture held in the pause after the previous cue;
- a person who steps off between tests has the detector's `wait_timeout_s` to step on again; if
  nobody comes, the check ends incomplete (`person_absent`); stepping off after the last test simply
  ends the check;
- a lost signal or a cancel ends the check incomplete.

Times are the pad's clock in seconds, as fed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Final

import numpy as np
import numpy.typing as npt

from ..signal.cop import WII_BALANCE_BOARD, PadGeometry
from ..wire.messages import Cue
from .check_plan import CheckPlan, needs_repositioning, trial_passed
from .stance import StanceDetector
from .stance_config import DetectorConfig
from .stance_result import (
    EndReason,
    QualityFlag,
    StanceEventKind,
    StancePhase,
    StanceResult,
    StanceTest,
)
from .trial_detector import DetectorFactory, TrialDetector


class CheckEventKind(StrEnum):
    """What happened in the check."""

    TRIAL_STARTED = "trial_started"
    """A new trial waits for the person (cue nothing; show the test)."""
    HOLD_STARTED = "hold_started"
    """The timed hold began (cue "start")."""
    TRIAL_FINISHED = "trial_finished"
    """A trial ended, with its result (cue "pass" or "fail" when it counts)."""
    CHECK_FINISHED = "check_finished"
    """The whole check ended (cue "stop")."""


class IncompleteReason(StrEnum):
    """Why a check ended without a usable result for every planned test."""

    CANCELLED = "cancelled"
    SIGNAL_LOST = "signal_lost"
    PERSON_ABSENT = "person_absent"
    """Nobody stood on the pad when the next trial needed them."""
    TESTS_MISSING = "tests_missing"
    """Every test ran, but at least one has no result: none completed and none found the person
    unable to take the position (timed out on an empty pad, too light, ...)."""
    INTERRUPTED = "interrupted"
    """The receiver stopped during the check (Home Assistant shut down, restarted or crashed)."""
    PAD_RESTARTED = "pad_restarted"
    """The pad rebooted or its clock jumped: what came after is on another clock."""
    TWIN_PADS = "twin_pads"
    """Two pads published under the same id: the frames cannot be told apart."""


INTERRUPTED: Final = frozenset(
    {
        IncompleteReason.CANCELLED,
        IncompleteReason.SIGNAL_LOST,
        IncompleteReason.PERSON_ABSENT,
        IncompleteReason.INTERRUPTED,
        IncompleteReason.PAD_RESTARTED,
        IncompleteReason.TWIN_PADS,
    }
)
"""Reasons that stopped a check before every planned test was tried (not `TESTS_MISSING`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckEvent:
    """One step of the check, at `time_s` on the pad's clock."""

    kind: CheckEventKind
    time_s: float
    test: StanceTest | None
    """The test of the trial (None only for `check_finished`)."""
    trial: int
    """Trial number within the test, from 1 (0 for `check_finished`)."""
    result: StanceResult | None = None
    """For `trial_finished`."""
    passed: bool | None = None
    """For `trial_finished`: see `trial_passed` (None for an aborted trial)."""
    incomplete_reason: IncompleteReason | None = None
    """For `check_finished`: None when every planned test has a completed result."""

    @property
    def cue(self) -> Cue | None:
        """The cue the pad should give for this event, if any."""
        if self.kind is CheckEventKind.HOLD_STARTED:
            return "start"
        if self.kind is CheckEventKind.TRIAL_FINISHED and self.passed is not None:
            return "pass" if self.passed else "fail"
        if self.kind is CheckEventKind.CHECK_FINISHED:
            return "stop"
        return None


class CheckRunner:
    """Runs a `CheckPlan` frame by frame (see the module docstring for the rules)."""

    def __init__(
        self,
        plan: CheckPlan,
        geometry: PadGeometry = WII_BALANCE_BOARD,
        config: DetectorConfig | None = None,
        *,
        detector_factory: DetectorFactory | None = None,
    ) -> None:
        """Prepare the first trial; `detector_factory` replaces `StanceDetector` (for tests)."""
        if not isinstance(plan, CheckPlan):
            raise ValueError(f"plan must be a CheckPlan, got {type(plan).__name__}")
        base = config if config is not None else DetectorConfig()
        if plan.wait_timeout_s is not None:
            base = replace(base, wait_timeout_s=plan.wait_timeout_s)
        self._plan = plan
        self._config = replace(base, cap_s=plan.cap_s)
        self._geometry = geometry
        self._factory: DetectorFactory = detector_factory or StanceDetector
        self._test_index = 0
        self._trial = 1
        self._detector: TrialDetector | None = self._factory(plan.tests[0], self._config, geometry)
        self._announced = False
        self._hold_announced = False
        self._results: list[StanceResult] = []
        self._finished = False
        self._incomplete_reason: IncompleteReason | None = None

    @property
    def plan(self) -> CheckPlan:
        """The plan being run."""
        return self._plan

    @property
    def config(self) -> DetectorConfig:
        """The detector rules in use (with the plan's cap)."""
        return self._config

    @property
    def current_test(self) -> StanceTest | None:
        """The test now running, or None once the check has finished."""
        return None if self._finished else self._plan.tests[self._test_index]

    @property
    def trial(self) -> int:
        """The trial number (from 1) of the current test; the last one once finished."""
        return self._trial

    @property
    def test_number(self) -> int:
        """Position (from 1) of the current test in the plan, for "test 2 of 4"."""
        return self._test_index + 1

    @property
    def elapsed_s(self) -> float:
        """Hold time so far in the current trial (0 while waiting and once finished)."""
        return 0.0 if self._detector is None else self._detector.elapsed_s

    @property
    def phase(self) -> StancePhase:
        """Where the current trial is (`FINISHED` once the check has ended)."""
        return StancePhase.FINISHED if self._detector is None else self._detector.phase

    @property
    def holding(self) -> bool:
        """True while a timed hold is running."""
        return self._detector is not None and self._detector.phase is StancePhase.HOLDING

    @property
    def waiting_for_person(self) -> bool:
        """True until someone stands on the pad for the first trial (nothing measured yet)."""
        detector = self._detector
        return (
            detector is not None
            and not self._results
            and detector.phase is StancePhase.WAITING_FOR_PERSON
        )

    @property
    def finished(self) -> bool:
        """True once the check has ended (check_finished was emitted)."""
        return self._finished

    @property
    def complete(self) -> bool:
        """True once finished with a completed result for every planned test."""
        return self._finished and self._incomplete_reason is None

    @property
    def incomplete_reason(self) -> IncompleteReason | None:
        """Why the finished check is incomplete (None while running or when complete)."""
        return self._incomplete_reason

    @property
    def results(self) -> tuple[StanceResult, ...]:
        """Every trial's result so far, in order (aborted trials included, for the record)."""
        return tuple(self._results)

    def provisional_results(self, time_s: float, body_mass_kg: float) -> tuple[StanceResult, ...]:
        """Every result so far and, during a hold, the hold as if the signal were lost at `time_s`.

        The provisional trial has no sway measures (cheap enough to note every few seconds, so
        that a test survives its receiver being killed); `body_mass_kg` is the caller's latest.
        """
        detector = self._detector
        if detector is None or detector.phase is not StancePhase.HOLDING:
            return self.results
        hold_s = detector.elapsed_s
        partial = StanceResult(
            test=self._plan.tests[self._test_index],
            hold_time_s=hold_s,
            cap_s=self._config.cap_s,
            end_reason=EndReason.SIGNAL_LOST,
            started_at_s=time_s - hold_s,
            body_mass_kg=body_mass_kg,
            sway=None,
            quality=frozenset({QualityFlag.ABORTED, QualityFlag.GAPS}),
        )
        return (*self._results, partial)

    def feed(self, cells_kg: npt.ArrayLike, t_first_s: float, rate_hz: float) -> list[CheckEvent]:
        """Feed one frame of corner loads (n, 4) to the current trial; return what happened.

        A malformed frame raises `ValueError` (from the detector) and changes nothing.
        """
        detector = self._detector
        if detector is None:
            return []
        phase_before = detector.phase
        stance_events = detector.feed(cells_kg, t_first_s, rate_hz)
        events: list[CheckEvent] = []
        if not self._announced:
            self._announced = True
            events.append(self._event(CheckEventKind.TRIAL_STARTED, float(t_first_s)))
        for stance_event in stance_events:
            if stance_event.kind is StanceEventKind.STARTED:
                self._hold_announced = True
                events.append(self._event(CheckEventKind.HOLD_STARTED, stance_event.time_s))
        result = detector.result
        if result is not None:
            if result.hold_time_s > 0 and not self._hold_announced:
                # A detector that reports no "started" event (the runner never relies on it).
                events.append(self._event(CheckEventKind.HOLD_STARTED, result.started_at_s))
            frame_end_s = float(t_first_s) + (np.shape(cells_kg)[0] - 1) / float(rate_hz)
            self._end_trial(
                result,
                result.started_at_s + result.hold_time_s,
                frame_end_s,
                events,
                nobody_came=phase_before is StancePhase.WAITING_FOR_PERSON,
            )
        return events

    def cancel(self, time_s: float) -> list[CheckEvent]:
        """Stop the check now (cancel button, service): the trial is kept, the check incomplete."""
        detector = self._detector
        if detector is None:
            return []
        events: list[CheckEvent] = []
        phase_before = detector.phase
        result = detector.cancel(time_s)
        if self._announced and phase_before is not StancePhase.WAITING_FOR_PERSON:
            self._record_trial(result, float(time_s), events)
        self._finish(float(time_s), IncompleteReason.CANCELLED, events)
        return events

    def lose_signal(self, time_s: float) -> list[CheckEvent]:
        """End the check because frames stopped arriving (the integration's watchdog)."""
        detector = self._detector
        if detector is None:
            return []
        events: list[CheckEvent] = []
        phase_before = detector.phase
        result = detector.lose_signal()
        if self._announced and phase_before is not StancePhase.WAITING_FOR_PERSON:
            self._record_trial(result, float(time_s), events)
        self._finish(float(time_s), IncompleteReason.SIGNAL_LOST, events)
        return events

    def _event(self, kind: CheckEventKind, time_s: float) -> CheckEvent:
        return CheckEvent(
            kind=kind, time_s=time_s, test=self._plan.tests[self._test_index], trial=self._trial
        )

    def _record_trial(self, result: StanceResult, time_s: float, events: list[CheckEvent]) -> None:
        self._results.append(result)
        events.append(
            replace(
                self._event(CheckEventKind.TRIAL_FINISHED, time_s),
                result=result,
                passed=trial_passed(result),
            )
        )

    def _end_trial(
        self,
        result: StanceResult,
        time_s: float,
        next_start_s: float,
        events: list[CheckEvent],
        *,
        nobody_came: bool,
    ) -> None:
        """Record a finished trial at `time_s`; the next one (if any) starts at `next_start_s`."""
        if result.end_reason is EndReason.TIMED_OUT and nobody_came:
            # Nobody stood on the pad for this trial: it is not a trial, the person has gone.
            self._finish(time_s, IncompleteReason.PERSON_ABSENT, events)
            return
        self._record_trial(result, time_s, events)
        if result.end_reason is EndReason.SIGNAL_LOST:
            self._finish(time_s, IncompleteReason.SIGNAL_LOST, events)
            return
        test = self._plan.tests[self._test_index]
        retry = self._trial < self._plan.trials_for(test) and result.end_reason not in (
            EndReason.CAP,
            EndReason.TIMED_OUT,
        )
        if retry:
            self._trial += 1
        elif self._test_index + 1 < len(self._plan.tests):
            self._test_index += 1
            self._trial = 1
        else:
            self._finish(time_s, self._missing_tests_reason(), events)
            return
        next_test = self._plan.tests[self._test_index]
        self._detector = self._factory(
            next_test,
            self._config,
            self._geometry,
            requires_repositioning=needs_repositioning(result, next_test),
        )
        self._hold_announced = False
        events.append(self._event(CheckEventKind.TRIAL_STARTED, next_start_s))

    def _missing_tests_reason(self) -> IncompleteReason | None:
        # A position the person could not take is a result (clinical/outcomes.py), not a gap.
        done = {r.test for r in self._results if r.completed or r.position_not_taken}
        return None if done >= set(self._plan.tests) else IncompleteReason.TESTS_MISSING

    def _finish(
        self, time_s: float, reason: IncompleteReason | None, events: list[CheckEvent]
    ) -> None:
        self._finished = True
        self._detector = None
        self._incomplete_reason = reason
        events.append(
            CheckEvent(
                kind=CheckEventKind.CHECK_FINISHED,
                time_s=time_s,
                test=None,
                trial=0,
                incomplete_reason=reason,
            )
        )
