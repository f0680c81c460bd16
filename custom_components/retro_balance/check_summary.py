"""The latest result the person on the pad is told: a trial's outcome, then the check's summary.

No Home Assistant here: `PadGuidance` keeps the latest result, the snapshot carries it, and
`guidance_texts` words it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .engine.clinical.session import SessionKind, SessionRecord
from .engine.detection.daily_check import IncompleteReason
from .engine.detection.guidance import TrialOutcome
from .engine.detection.stance_result import StanceResult, StanceTest


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckSummary:
    """What a stored check came to, for the person who did it."""

    person: str | None
    """Their name (None: the check could not be filed under anyone)."""
    tests_done: int
    tests_planned: int
    interrupted: IncompleteReason | None
    """Why the check stopped early (None: it ran through)."""
    score: float | None
    """The balance score (None: partial, unassigned, or a single test)."""
    single_test: StanceTest | None = None
    """For a single test: which one."""
    hold_s: float | None = None
    """For a single test: the hold (0 s for a position not taken)."""

    @classmethod
    def of(cls, record: SessionRecord | None, person: str | None) -> CheckSummary:
        """Summarise a stored check (None: the run measured nothing and was not stored)."""
        if record is None:
            return cls(person=person, tests_done=0, tests_planned=0, interrupted=None, score=None)
        single = record.results[0].test if record.kind is SessionKind.SINGLE_TEST else None
        assessed = record.assessment
        judged = None if assessed is None or single is None else assessed.test(single)
        return cls(
            person=person,
            tests_done=len(record.tests_done),
            tests_planned=len(record.planned_tests) or len(record.tests_done),
            interrupted=record.incomplete_reason if record.interrupted else None,
            score=None if assessed is None else assessed.score,
            single_test=single,
            hold_s=None if judged is None else judged.hold_s,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PracticeSummary:
    """What a single-leg practice came to: each leg's best hold against the goal."""

    person: str
    left_s: float
    """The left leg's best hold (0 s: never lifted or never held)."""
    right_s: float
    goal_s: float

    @classmethod
    def of(cls, person: str, results: Iterable[StanceResult], goal_s: float) -> PracticeSummary:
        """Summarise a practice's trials (the best completed hold of each leg)."""
        best = dict.fromkeys((StanceTest.SINGLE_LEG_LEFT, StanceTest.SINGLE_LEG_RIGHT), 0.0)
        for result in results:
            if result.test in best and result.completed:
                best[result.test] = max(best[result.test], result.hold_time_s)
        return cls(
            person=person,
            left_s=best[StanceTest.SINGLE_LEG_LEFT],
            right_s=best[StanceTest.SINGLE_LEG_RIGHT],
            goal_s=goal_s,
        )

    @property
    def goal_reached(self) -> bool:
        """Whether both legs held for the goal."""
        return min(self.left_s, self.right_s) >= self.goal_s


type GuidanceResult = TrialOutcome | CheckSummary | PracticeSummary
"""The latest result: a trial's outcome during a check, the check's (or practice's) summary."""
