"""Balance score 0–100 on a fixed scale, kept apart from the standing for age.

Two questions, two numbers (``docs/scoring.md`` has the worked examples):

- **score** — how good is this balance? Each test earns points against what a fit young adult
  does, the same at every age: single-leg stance ``100 · min(1, hold / target)`` with the target
  Springer 2007's mean of ages 18–39 (44.7 s, or the test's cap if that is lower); tandem the
  same with 30 s (our assumption, capped); quiet stance ``100 · min(1, young median / speed)``
  with the median sway speed of Santos & Duarte's 18–59 group. A position not taken or not
  kept earns 0. A fit young adult scores about 100; a typical 85-year-old about 60.
- **for_age** — how does this compare with people of the same age? The same formulas against
  the age norm (``norms.py``, ``sway_reference.py``): 100 means typical for the age or better,
  which says nothing about safety (the typical 85-year-old is at high fall risk).

Both are means over the kinds of test (single-leg, both legs averaged; tandem; quiet stance,
both conditions averaged), each kind weighing the same. With fewer than two kinds measured the
check is ``partial`` and gets neither number: one test is not a balance score. Under 18 there
are no norms and no points. ``percentile`` is the eyes-closed sway steadiness percentile for age.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from ..detection.stance_result import StanceResult, StanceTest
from .assessment import BalanceAssessment, StanceJudgement
from .fall_risk import assess_fall_risk
from .norms import (
    ADULT_AGE,
    SINGLE_LEG_YOUNG_S,
    TANDEM_YOUNG_ASSUMED_S,
    Sex,
    TimedNorm,
    ratio_to_norm,
    single_leg_norm,
    tandem_norm,
    validated_age,
)
from .outcomes import Outcome, StanceOutcome, outcomes_from_results, tests_of
from .sources import Source
from .sway_reference import sway_reference, young_adult_median_cm_s

__all__ = ["KINDS", "assess_balance", "assess_outcomes"]

FULL_POINTS = 100.0
KINDS: dict[str, tuple[StanceTest, ...]] = {
    "single_leg": (StanceTest.SINGLE_LEG_LEFT, StanceTest.SINGLE_LEG_RIGHT),
    "tandem": (StanceTest.TANDEM,),
    "quiet": (StanceTest.QUIET_EYES_OPEN, StanceTest.QUIET_EYES_CLOSED),
}
MIN_KINDS = 2
"""Kinds of test a check needs for a score (fewer: ``partial``)."""


def assess_balance(
    results: Iterable[StanceResult], age_years: int, sex: Sex | None
) -> BalanceAssessment:
    """Assess a session's results (every trial, aborted ones too) for a person."""
    return assess_outcomes(outcomes_from_results(results), age_years, sex)


def assess_outcomes(
    outcomes: Mapping[StanceTest, StanceOutcome], age_years: int, sex: Sex | None
) -> BalanceAssessment:
    """Assess each test's outcome (missing tests: not measured) for a person."""
    if sex is not None and not isinstance(sex, Sex):
        raise ValueError(f"sex must be a Sex or None, got {sex!r}")
    age = validated_age(age_years)
    every = tests_of(outcomes)
    tests = tuple(_judge(outcome, age, sex) for outcome in every.values())
    covers = tuple(t.test for t in tests if t.points is not None)
    measured = any(outcome.measured for outcome in every.values())
    partial = age >= ADULT_AGE and measured and len(_kinds(covers)) < MIN_KINDS
    eyes_closed = next(t for t in tests if t.test is StanceTest.QUIET_EYES_CLOSED)
    return BalanceAssessment(
        score=None if partial else _mean_of_kinds(tests, "points"),
        partial=partial,
        covers=covers,
        for_age=None if partial else _mean_of_kinds(tests, "for_age"),
        percentile=eyes_closed.percentile,
        percentile_approximate=eyes_closed.percentile_approximate,
        tests=tests,
        fall_risk=assess_fall_risk(every, age),
    )


def _kinds(tests: Sequence[StanceTest]) -> set[str]:
    return {kind for kind, members in KINDS.items() if set(members) & set(tests)}


def _mean_of_kinds(tests: Sequence[StanceJudgement], field: str) -> float | None:
    """Mean over the kinds of test of each kind's mean ``field`` (``None`` values skipped)."""
    kind_means = []
    for members in KINDS.values():
        values = [getattr(t, field) for t in tests if t.test in members]
        present = [v for v in values if v is not None]
        if present:
            kind_means.append(sum(present) / len(present))
    return round(sum(kind_means) / len(kind_means), 1) if kind_means else None


def _judge(outcome: StanceOutcome, age_years: int, sex: Sex | None) -> StanceJudgement:
    base = StanceJudgement(
        test=outcome.test,
        outcome=outcome.outcome,
        hold_s=outcome.hold_s,
        cap_s=outcome.cap_s,
        trials=len(outcome.trials),
        left_out=outcome.left_out,
    )
    if not outcome.measured or age_years < ADULT_AGE:
        return base
    if outcome.test.is_quiet:
        return _judge_quiet(base, outcome, age_years)
    return _judge_timed(base, age_years, sex)


def _judge_timed(base: StanceJudgement, age_years: int, sex: Sex | None) -> StanceJudgement:
    hold_s = base.hold_s or 0.0
    if base.test is StanceTest.TANDEM:
        target_s, target_source = TANDEM_YOUNG_ASSUMED_S, Source.ASSUMPTION_TANDEM_YOUNG
        norm: TimedNorm | None = tandem_norm(age_years)
    else:
        target_s, target_source = SINGLE_LEG_YOUNG_S, Source.SPRINGER_2007
        norm = single_leg_norm(age_years, sex=sex)
    cap_s = base.cap_s if base.cap_s is not None else target_s
    assert norm is not None  # adults always have a timed norm
    target_s = min(target_s, cap_s)
    return replace(
        base,
        points=_points(hold_s / target_s),
        target=target_s,
        target_sources=(target_source,),
        for_age=_points(ratio_to_norm(hold_s, norm.mean_s, cap_s)),
        age_norm=min(norm.mean_s, cap_s),
        age_norm_sources=norm.sources,
    )


def _judge_quiet(base: StanceJudgement, outcome: StanceOutcome, age_years: int) -> StanceJudgement:
    closed = outcome.test is StanceTest.QUIET_EYES_CLOSED
    reference = sway_reference(age_years, eyes_closed=closed)
    assert reference is not None  # adults always have a sway reference
    young = young_adult_median_cm_s(eyes_closed=closed)
    sources = (Source.SANTOS_DUARTE_2016,)
    judged = replace(
        base,
        target=young,
        target_sources=sources,
        age_norm=reference.median_velocity_cm_s,
        age_norm_sources=sources,
    )
    if outcome.outcome is not Outcome.HELD:
        return replace(judged, points=0.0, for_age=0.0)
    velocity = outcome.least_sway_cm_s
    if velocity is None:
        return replace(judged, target=None, target_sources=(), age_norm=None, age_norm_sources=())
    steadiness = reference.steadiness_percentile(velocity)
    return replace(
        judged,
        velocity_cm_s=round(velocity, 3),
        points=_points(young / velocity if velocity > 0 else 1.0),
        for_age=_points(reference.median_velocity_cm_s / velocity if velocity > 0 else 1.0),
        percentile=steadiness.percentile,
        percentile_approximate=steadiness.approximate,
    )


def _points(ratio: float) -> float:
    return round(FULL_POINTS * min(1.0, ratio), 1)
