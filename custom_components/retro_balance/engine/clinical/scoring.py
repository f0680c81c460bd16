"""Balance score 0–100 from the best trial of each stance test, with its components.

Each test gives one component: how the person's best trial compares with the typical value of
their age group, as points from 0 to 100 (reaching the typical value is 100):

- timed tests (single-leg, tandem): ``points = 100 · min(1, hold / norm)``, the norm capped at
  the test's cap (norms: ``norms.py``; tandem under 60: the full cap, an assumption);
- quiet stance: ``points = 100 · min(1, median speed / measured speed)``, the median of the age
  group in the Santos & Duarte 2016 data.

The score is the weighted mean of the components' points (weights: single-leg 0.5 per leg,
tandem 1, quiet stance 0.5 per condition: three equal blocks when everything was measured).
``percentile`` is the only population percentile we can defend: where the eyes-open (else
eyes-closed) quiet-stance sway speed falls in the age group, turned round so that higher is
better (100 − sway percentile, 5–95). ``docs/scoring.md`` walks through an example.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..detection.stance_result import StanceResult, StanceTest
from ..validation import finite_number, text
from .fall_risk import (
    MIN_QUIET_HOLD_S,
    QUIET_TESTS,
    FallRiskAssessment,
    assess_fall_risk,
    best_trials,
    usable_quiet_trial,
)
from .norms import Sex, TimedNorm, ratio_to_norm, single_leg_norm, sway_norm, tandem_norm

__all__ = ["BalanceAssessment", "ScoreComponent", "assess_balance"]

WEIGHTS: dict[StanceTest, float] = {
    StanceTest.SINGLE_LEG_LEFT: 0.5,
    StanceTest.SINGLE_LEG_RIGHT: 0.5,
    StanceTest.TANDEM: 1.0,
    StanceTest.QUIET_EYES_OPEN: 0.5,
    StanceTest.QUIET_EYES_CLOSED: 0.5,
}
FULL_POINTS = 100.0
TANDEM_UNDER_60_SOURCE = (
    "assumption: healthy adults under 60 hold tandem stance to the cap (no published norm used)"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreComponent:
    """One test's part of the score: what was measured, against which norm, for how many points."""

    test: StanceTest
    measure: str
    value: float
    norm: float | None
    norm_source: str | None
    points: float | None
    weight: float
    trials: int
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly mapping."""
        return {
            "test": self.test.value,
            "measure": self.measure,
            "value": self.value,
            "norm": self.norm,
            "norm_source": self.norm_source,
            "points": self.points,
            "weight": self.weight,
            "trials": self.trials,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoreComponent:
        """Rebuild a component from :meth:`as_dict`; ``ValueError`` says what is wrong."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a score component must be a mapping, got {type(data).__name__}")
        try:
            test = StanceTest(str(data.get("test")))
        except ValueError:
            raise ValueError(f"unknown stance test {data.get('test')!r}") from None
        trials = data.get("trials")
        if isinstance(trials, bool) or not isinstance(trials, int):
            raise ValueError(f"score component trials must be an integer, got {trials!r}")
        return cls(
            test=test,
            measure=_text(data, "measure"),
            value=_number(data, "value"),
            norm=_maybe_number(data, "norm"),
            norm_source=_maybe_text(data, "norm_source"),
            points=_maybe_number(data, "points"),
            weight=_number(data, "weight"),
            trials=trials,
            note=_maybe_text(data, "note"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class BalanceAssessment:
    """Score, its components, the sway percentile, the fall-risk level, and notes."""

    score: float | None
    components: tuple[ScoreComponent, ...]
    percentile: float | None
    fall_risk: FallRiskAssessment
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly mapping that :meth:`from_dict` turns back into this."""
        return {
            "score": self.score,
            "components": [c.as_dict() for c in self.components],
            "percentile": self.percentile,
            "fall_risk": self.fall_risk.as_dict(),
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BalanceAssessment:
        """Rebuild an assessment from :meth:`as_dict`; ``ValueError`` says what is wrong."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a balance assessment must be a mapping, got {type(data).__name__}")
        components = data.get("components")
        notes = data.get("notes", [])
        if not isinstance(components, list | tuple):
            raise ValueError(f"assessment components must be a list, got {components!r}")
        if not isinstance(notes, list | tuple) or not all(isinstance(n, str) for n in notes):
            raise ValueError(f"assessment notes must be a list of strings, got {notes!r}")
        fall_risk = data.get("fall_risk")
        if not isinstance(fall_risk, Mapping):
            raise ValueError(f"assessment fall_risk must be a mapping, got {fall_risk!r}")
        return cls(
            score=_maybe_number(data, "score"),
            components=tuple(ScoreComponent.from_dict(c) for c in components),
            percentile=_maybe_number(data, "percentile"),
            fall_risk=FallRiskAssessment.from_dict(fall_risk),
            notes=tuple(notes),
        )


def assess_balance(
    results: Sequence[StanceResult], age_years: int, sex: Sex | None
) -> BalanceAssessment:
    """Score a session's results for a person of ``age_years`` and ``sex``."""
    if sex is not None and not isinstance(sex, Sex):
        raise ValueError(f"sex must be a Sex or None, got {sex!r}")
    notes = [
        f"{r.test.value}: a trial was left out ({r.end_reason.value}"
        + (f"; {', '.join(sorted(q.value for q in r.quality))}" if r.quality else "")
        + ")"
        for r in results
        if isinstance(r, StanceResult) and not r.completed
    ]
    notes += [
        f"{r.test.value}: a trial held {r.hold_time_s:.1f} s was left out (sway needs "
        f"{MIN_QUIET_HOLD_S:.0f} s)"
        for r in results
        if isinstance(r, StanceResult)
        and r.completed
        and r.test in QUIET_TESTS
        and not usable_quiet_trial(r)
    ]
    best = best_trials(results)
    trials = {t: sum(1 for r in results if r.test is t and r.completed) for t in best}
    components = []
    for test in StanceTest:
        result = best.get(test)
        if result is None:
            continue
        if test in QUIET_TESTS:
            components.append(_quiet_component(result, age_years, trials[test]))
        else:
            components.append(_timed_component(result, age_years, trials[test]))
    scored = [c for c in components if c.points is not None]
    score = None
    if scored:
        total_weight = sum(c.weight for c in scored)
        score = round(sum(c.weight * (c.points or 0.0) for c in scored) / total_weight, 1)
    if not components:
        notes.append("no completed test: nothing to score")
    return BalanceAssessment(
        score=score,
        components=tuple(components),
        percentile=_sway_percentile(best, age_years),
        fall_risk=assess_fall_risk(results, age_years),
        notes=tuple(notes),
    )


def _timed_component(result: StanceResult, age_years: int, trials: int) -> ScoreComponent:
    norm: TimedNorm | None
    if result.test is StanceTest.TANDEM:
        norm = tandem_norm(age_years)
        if norm is None and age_years >= 18:
            norm = TimedNorm(
                age_min=18, age_max=59, mean_s=result.cap_s, source=TANDEM_UNDER_60_SOURCE
            )
    else:
        norm = single_leg_norm(age_years)
    if norm is None:
        return ScoreComponent(
            test=result.test,
            measure="hold_time_s",
            value=result.hold_time_s,
            norm=None,
            norm_source=None,
            points=None,
            weight=WEIGHTS[result.test],
            trials=trials,
            note=f"no norm for age {age_years}",
        )
    ratio = ratio_to_norm(result.hold_time_s, norm, result.cap_s)
    return ScoreComponent(
        test=result.test,
        measure="hold_time_s",
        value=result.hold_time_s,
        norm=min(norm.mean_s, result.cap_s),
        norm_source=norm.source,
        points=round(FULL_POINTS * min(1.0, ratio), 1),
        weight=WEIGHTS[result.test],
        trials=trials,
    )


def _quiet_component(result: StanceResult, age_years: int, trials: int) -> ScoreComponent:
    assert result.sway is not None  # best_trials keeps quiet trials with sway only
    velocity = result.sway.mean_velocity_cm_s
    norm = sway_norm(age_years, eyes_closed=result.test is StanceTest.QUIET_EYES_CLOSED)
    if norm is None:
        return ScoreComponent(
            test=result.test,
            measure="sway_velocity_cm_s",
            value=velocity,
            norm=None,
            norm_source=None,
            points=None,
            weight=WEIGHTS[result.test],
            trials=trials,
            note=f"no norm for age {age_years}",
        )
    median = norm.median_velocity_cm_s
    points = FULL_POINTS if velocity <= median else FULL_POINTS * median / velocity
    return ScoreComponent(
        test=result.test,
        measure="sway_velocity_cm_s",
        value=velocity,
        norm=median,
        norm_source=f"{norm.source}; median of ages {norm.label}",
        points=round(points, 1),
        weight=WEIGHTS[result.test],
        trials=trials,
    )


def _sway_percentile(best: Mapping[StanceTest, StanceResult], age_years: int) -> float | None:
    for test in QUIET_TESTS:
        result = best.get(test)
        norm = sway_norm(age_years, eyes_closed=test is StanceTest.QUIET_EYES_CLOSED)
        if result is not None and result.sway is not None and norm is not None:
            return round(100.0 - norm.velocity_percentile(result.sway.mean_velocity_cm_s), 1)
    return None


def _number(data: Mapping[str, Any], name: str) -> float:
    return finite_number(data.get(name), name)


def _maybe_number(data: Mapping[str, Any], name: str) -> float | None:
    return None if data.get(name) is None else _number(data, name)


def _text(data: Mapping[str, Any], name: str) -> str:
    return text(data.get(name), name)


def _maybe_text(data: Mapping[str, Any], name: str) -> str | None:
    return None if data.get(name) is None else _text(data, name)
