"""Fall-risk level from explicit, cited rules over the best trial of each stance test.

Rules (each one a :class:`RiskReason` with its source; ``docs/scoring.md`` explains them):

- tandem stance held < 10 s: increased risk of falling (CDC STEADI) — major;
- single-leg stance held < 5 s: injurious falls, relative risk 2.13 (Vellas et al. 1997, JAGS
  45:735) — major;
- single-leg stance sway above the faller cut-offs of Oliveira et al. 2018 (AP speed 2.9 cm/s,
  ML 3.4 cm/s; AUC 0.72) — minor;
- quiet-stance mean sway speed above the 95th percentile of the person's age group (Santos &
  Duarte 2016 data; sway relates to future falls, Piirtola & Era 2006) — minor, per condition;
- a test that was not measured: an ``unmeasured`` reason says so (it adds nothing to the level).

Combination: a major reason counts 2, a minor one 1. Three or more points is ``high``, two is
``moderate``, less is ``low``; when none of the rule tests was measured the level is
``unknown`` rather than a silent ``low``. One reason alone never makes ``high``: single tests
discriminate fallers poorly (Blodgett 2022), so it takes two signs together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..detection.stance_result import StanceResult, StanceTest
from ..validation import text
from .norms import STEADI_2017, STEADI_TANDEM_THRESHOLD_S, sway_norm


class RiskLevel(StrEnum):
    """Fall-risk level; ``unknown`` when nothing the rules need was measured."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    UNKNOWN = "unknown"


class Severity(StrEnum):
    """How much a reason weighs in the level."""

    MAJOR = "major"
    MINOR = "minor"
    UNMEASURED = "unmeasured"


SEVERITY_POINTS = {Severity.MAJOR: 2, Severity.MINOR: 1, Severity.UNMEASURED: 0}
HIGH_POINTS = 3
MODERATE_POINTS = 2

VELLAS_1997 = (
    "Vellas BJ et al. 1997, One-leg balance is an important predictor of injurious falls in "
    "older persons, J Am Geriatr Soc 45:735–738"
)
OLIVEIRA_2018 = (
    "Oliveira et al. 2018, 30-s one-leg stance on a force plate: faller cut-offs AP speed "
    "2.9 cm/s, ML 3.4 cm/s (AUC 0.72)"
)
PIIRTOLA_ERA_2006 = (
    "Piirtola M, Era P 2006, Force platform measurements as predictors of falls among older "
    "people — a review, Gerontology 52:1–16; percentiles from Santos & Duarte 2016"
)

SLS_INJURIOUS_FALL_S = 5.0
"""Vellas 1997: unable to hold one-leg stance 5 s → injurious falls RR 2.13."""
SLS_FALLER_AP_VELOCITY_CM_S = 2.9
SLS_FALLER_ML_VELOCITY_CM_S = 3.4
"""Oliveira 2018 faller cut-offs for 30-s one-leg stance."""

SINGLE_LEG_TESTS = (StanceTest.SINGLE_LEG_LEFT, StanceTest.SINGLE_LEG_RIGHT)
QUIET_TESTS = (StanceTest.QUIET_EYES_OPEN, StanceTest.QUIET_EYES_CLOSED)
MIN_QUIET_HOLD_S = 10.0
"""Quiet-stance sway from a shorter hold (someone stepped off early) is not compared with norms."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskReason:
    """One rule that fired (or one test that was missing), in words, with its source."""

    code: str
    message: str
    source: str
    severity: Severity = Severity.MINOR

    def as_dict(self) -> dict[str, str]:
        """Return a JSON-friendly mapping."""
        return {
            "code": self.code,
            "message": self.message,
            "source": self.source,
            "severity": self.severity.value,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RiskReason:
        """Rebuild a reason from :meth:`as_dict`; ``ValueError`` says what is wrong."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a risk reason must be a mapping, got {type(data).__name__}")
        values = {
            name: text(data.get(name), f"risk reason {name}")
            for name in ("code", "message", "source", "severity")
        }
        try:
            severity = Severity(values.pop("severity"))
        except ValueError:
            raise ValueError(f"unknown risk reason severity {data['severity']!r}") from None
        return cls(severity=severity, **values)


@dataclass(frozen=True, slots=True, kw_only=True)
class FallRiskAssessment:
    """The level and every reason behind it."""

    level: RiskLevel
    reasons: tuple[RiskReason, ...]

    @property
    def points(self) -> int:
        """Sum of the reasons' weights (major 2, minor 1)."""
        return sum(SEVERITY_POINTS[r.severity] for r in self.reasons)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly mapping."""
        return {"level": self.level.value, "reasons": [r.as_dict() for r in self.reasons]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FallRiskAssessment:
        """Rebuild an assessment from :meth:`as_dict`; ``ValueError`` says what is wrong."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a fall-risk assessment must be a mapping, got {type(data).__name__}")
        try:
            level = RiskLevel(str(data.get("level")))
        except ValueError:
            raise ValueError(f"unknown fall-risk level {data.get('level')!r}") from None
        reasons = data.get("reasons")
        if not isinstance(reasons, list | tuple):
            raise ValueError(f"fall-risk reasons must be a list, got {reasons!r}")
        return cls(level=level, reasons=tuple(RiskReason.from_dict(r) for r in reasons))


def best_trials(results: Iterable[StanceResult]) -> dict[StanceTest, StanceResult]:
    """Pick the best completed trial of each test: longest hold; for quiet stance, least sway.

    Aborted trials (cancelled, timed out, signal lost, too light) are left out, and so is a
    quiet-stance trial held less than ``MIN_QUIET_HOLD_S`` (its sway is not comparable).
    """
    best: dict[StanceTest, StanceResult] = {}
    for result in results:
        if not isinstance(result, StanceResult):
            raise ValueError(f"results must be StanceResult objects, got {type(result).__name__}")
        if not result.completed:
            continue
        if result.test in QUIET_TESTS:
            if not usable_quiet_trial(result):
                continue
            current = best.get(result.test)
            if current is None or _velocity(result) < _velocity(current):
                best[result.test] = result
        elif result.test not in best or result.hold_time_s > best[result.test].hold_time_s:
            best[result.test] = result
    return best


def usable_quiet_trial(result: StanceResult) -> bool:
    """Whether a quiet-stance trial has sway measures over at least ``MIN_QUIET_HOLD_S``."""
    return result.sway is not None and result.hold_time_s >= MIN_QUIET_HOLD_S


def _velocity(result: StanceResult) -> float:
    assert result.sway is not None  # only quiet trials with sway are kept
    return result.sway.mean_velocity_cm_s


def level_for(reasons: Sequence[RiskReason], *, anything_measured: bool) -> RiskLevel:
    """Combine reasons into a level (see the module docstring)."""
    if not anything_measured:
        return RiskLevel.UNKNOWN
    points = sum(SEVERITY_POINTS[r.severity] for r in reasons)
    if points >= HIGH_POINTS:
        return RiskLevel.HIGH
    if points >= MODERATE_POINTS:
        return RiskLevel.MODERATE
    return RiskLevel.LOW


def assess_fall_risk(results: Iterable[StanceResult], age_years: int) -> FallRiskAssessment:
    """Apply the rules to the best completed trial of each test."""
    best = best_trials(results)
    reasons: list[RiskReason] = []
    reasons += _tandem_reasons(best.get(StanceTest.TANDEM))
    reasons += _single_leg_reasons([best[t] for t in SINGLE_LEG_TESTS if t in best])
    reasons += _quiet_reasons(best, age_years)
    anything = bool(set(best) & {StanceTest.TANDEM, *SINGLE_LEG_TESTS}) or any(
        test in best and sway_norm(age_years, eyes_closed=test is StanceTest.QUIET_EYES_CLOSED)
        for test in QUIET_TESTS
    )
    return FallRiskAssessment(
        level=level_for(reasons, anything_measured=anything), reasons=tuple(reasons)
    )


def _tandem_reasons(tandem: StanceResult | None) -> list[RiskReason]:
    if tandem is None:
        return [
            RiskReason(
                code="tandem_not_measured",
                message="Tandem stance was not measured, so the STEADI 10-second rule was not "
                "checked.",
                source=STEADI_2017,
                severity=Severity.UNMEASURED,
            )
        ]
    if tandem.hold_time_s < STEADI_TANDEM_THRESHOLD_S:
        return [
            RiskReason(
                code="tandem_under_10s",
                message=f"Tandem stance held {tandem.hold_time_s:.1f} s, under 10 s: an increased "
                "risk of falling.",
                source=STEADI_2017,
                severity=Severity.MAJOR,
            )
        ]
    return []


def _single_leg_reasons(trials: list[StanceResult]) -> list[RiskReason]:
    if not trials:
        return [
            RiskReason(
                code="single_leg_not_measured",
                message="Single-leg stance was not measured, so the 5-second rule was not checked.",
                source=VELLAS_1997,
                severity=Severity.UNMEASURED,
            )
        ]
    reasons = []
    best = max(trials, key=lambda r: r.hold_time_s)
    if best.hold_time_s < SLS_INJURIOUS_FALL_S:
        reasons.append(
            RiskReason(
                code="single_leg_under_5s",
                message=f"Single-leg stance held {best.hold_time_s:.1f} s at best, under 5 s: "
                "injurious falls were about twice as likely (relative risk 2.13).",
                source=VELLAS_1997,
                severity=Severity.MAJOR,
            )
        )
    swaying = [
        r
        for r in trials
        if r.sway is not None
        and (
            r.sway.mean_velocity_ap_cm_s > SLS_FALLER_AP_VELOCITY_CM_S
            or r.sway.mean_velocity_ml_cm_s > SLS_FALLER_ML_VELOCITY_CM_S
        )
    ]
    if swaying:
        sway = swaying[0].sway
        assert sway is not None
        reasons.append(
            RiskReason(
                code="single_leg_sway_high",
                message=f"Sway on one leg was fast (AP {sway.mean_velocity_ap_cm_s:.1f} cm/s, "
                f"ML {sway.mean_velocity_ml_cm_s:.1f} cm/s), above the faller cut-offs of "
                "2.9 / 3.4 cm/s.",
                source=OLIVEIRA_2018,
                severity=Severity.MINOR,
            )
        )
    return reasons


def _quiet_reasons(best: Mapping[StanceTest, StanceResult], age_years: int) -> list[RiskReason]:
    reasons = []
    for test in QUIET_TESTS:
        result = best.get(test)
        eyes = "closed" if test is StanceTest.QUIET_EYES_CLOSED else "open"
        if result is None or result.sway is None:
            reasons.append(
                RiskReason(
                    code=f"quiet_eyes_{eyes}_not_measured",
                    message=f"Quiet stance with eyes {eyes} was not measured, so sway was not "
                    "compared with the age group.",
                    source=PIIRTOLA_ERA_2006,
                    severity=Severity.UNMEASURED,
                )
            )
            continue
        norm = sway_norm(age_years, eyes_closed=eyes == "closed")
        if norm is None:
            reasons.append(
                RiskReason(
                    code=f"quiet_eyes_{eyes}_no_norm",
                    message=f"No sway norms for age {age_years} (the reference data start at 18).",
                    source=PIIRTOLA_ERA_2006,
                    severity=Severity.UNMEASURED,
                )
            )
            continue
        velocity = result.sway.mean_velocity_cm_s
        if velocity > norm.p95_velocity_cm_s:
            reasons.append(
                RiskReason(
                    code=f"quiet_eyes_{eyes}_sway_high",
                    message=f"Sway speed with eyes {eyes} was {velocity:.2f} cm/s, above the 95th "
                    f"percentile of ages {norm.label} "
                    f"({norm.p95_velocity_cm_s:.2f} cm/s).",
                    source=PIIRTOLA_ERA_2006,
                    severity=Severity.MINOR,
                )
            )
    return reasons
