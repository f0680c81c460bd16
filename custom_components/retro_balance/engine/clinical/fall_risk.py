"""Fall-risk level from explicit, cited rules over each test's outcome (``outcomes.py``).

At most one reason per test (single-leg stance counts as one test, judged on the better leg), so
one test never becomes two reasons. ``docs/scoring.md`` gives every rule with its source:

- tandem: position not taken, or held < 10 s (CDC STEADI) — major;
- single-leg: no foot lifted on either leg, or best hold < 5 s (Vellas 1997) — major; best hold
  5–10 s — minor (our rule: the 10-s line of STEADI's stages; fallers held 9.6 s on average,
  Hurvitz 2000); held ≥ 10 s with sway above Oliveira 2018's faller cut-offs in every trial held
  ≥ 10 s, the mean over those trials reported — minor;
- quiet stance, per condition: position not taken, or broken before 10 s (Romberg-type with eyes
  closed) — major; sway speed above the 95th percentile for age (Santos & Duarte 2016 data;
  Piirtola & Era 2006) — minor;
- a test not measured (or without norms) gives an ``unmeasured`` reason that adds nothing.

A major reason counts 2, a minor one 1: 2 points make ``moderate``; ``high`` needs 3 points from
at least two reasons, so one reason alone never makes ``high`` (single tests discriminate fallers
poorly, Blodgett 2022). Nothing measured that a rule could judge: ``unknown``, never a silent low.
Reasons are codes with figures, never prose: the integration translates ``code``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from ..detection.stance_result import StanceTest
from ..validation import finite_number, member, text
from .norms import STEADI_TANDEM_THRESHOLD_S
from .outcomes import MIN_QUIET_HOLD_S, Outcome, StanceOutcome, tests_of
from .sources import Source
from .sway_reference import sway_reference


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
HIGH_MIN_SIGNS = 2
MODERATE_POINTS = 2

SINGLE_LEG = "single_leg"
"""The ``test`` of the single-leg rules: they judge both legs together."""
REASON_TESTS = frozenset({SINGLE_LEG, *(t.value for t in StanceTest)})
SECONDS, CM_PER_S = "s", "cm/s"

SLS_INJURIOUS_FALL_S = 5.0
"""Vellas 1997: unable to hold one-leg stance 5 s → injurious falls RR 2.13."""
SLS_SHORT_S = 10.0
"""STEADI's stage length; Hurvitz 2000: fallers held 9.6 s on average, non-fallers 31.3 s."""
SLS_FALLER_AP_VELOCITY_CM_S = 2.9
SLS_FALLER_ML_VELOCITY_CM_S = 3.4
"""Oliveira 2018 faller cut-offs (mean of three 30-s one-leg trials)."""
QUIET_TESTS = (StanceTest.QUIET_EYES_OPEN, StanceTest.QUIET_EYES_CLOSED)
SINGLE_LEG_TESTS = (StanceTest.SINGLE_LEG_LEFT, StanceTest.SINGLE_LEG_RIGHT)


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskReason:
    """One rule that fired (or a test it could not judge): a code with its figures and source."""

    code: str
    test: str
    """A ``StanceTest`` value, or ``single_leg`` for the rules over both legs."""
    severity: Severity
    source: Source
    figure: float | None = None
    """What was measured (a hold in s, a sway speed in cm/s)."""
    limit: float | None = None
    """The cut-off it was compared with, in the same unit."""
    unit: str | None = None
    axis: str | None = None
    """``ap`` or ``ml`` for a sway rule on one axis."""
    trials: int | None = None
    """How many trials the figure is the mean of, where it is a mean."""

    @property
    def message(self) -> str:
        """A short language-neutral summary for logs: ``tandem_under_10s: 6 s (limit 10 s)``.

        Words for people come from translating ``code`` with the figures, never from here.
        """
        if self.figure is None:
            return self.code
        unit = f" {self.unit}" if self.unit else ""
        limit = "" if self.limit is None else f" (limit {self.limit:g}{unit})"
        return f"{self.code}: {self.figure:g}{unit}{limit}"

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly mapping (``None`` fields are left out)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        return {
            name: str(value) if isinstance(value, StrEnum) else value
            for name, value in data.items()
            if value is not None
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RiskReason:
        """Rebuild a reason from :meth:`as_dict`; ``ValueError`` says what is wrong."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a risk reason must be a mapping, got {type(data).__name__}")
        test = text(data.get("test"), "risk reason test")
        if test not in REASON_TESTS:
            raise ValueError(f"unknown risk reason test {test!r}")
        trials = data.get("trials")
        if trials is not None and (isinstance(trials, bool) or not isinstance(trials, int)):
            raise ValueError(f"risk reason trials must be an integer, got {trials!r}")
        return cls(
            code=text(data.get("code"), "risk reason code"),
            test=test,
            severity=member(Severity, data.get("severity"), "severity"),
            source=member(Source, data.get("source"), "source"),
            figure=_maybe_number(data, "figure"),
            limit=_maybe_number(data, "limit"),
            unit=_maybe_text(data, "unit"),
            axis=_maybe_text(data, "axis"),
            trials=trials,
        )


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
        level = member(RiskLevel, data.get("level"), "fall-risk level")
        reasons = data.get("reasons")
        if not isinstance(reasons, list | tuple):
            raise ValueError(f"fall-risk reasons must be a list, got {reasons!r}")
        return cls(level=level, reasons=tuple(RiskReason.from_dict(r) for r in reasons))


def level_for(reasons: Sequence[RiskReason], *, anything_measured: bool) -> RiskLevel:
    """Combine reasons into a level (see the module docstring)."""
    if not anything_measured:
        return RiskLevel.UNKNOWN
    signs = [r for r in reasons if r.severity is not Severity.UNMEASURED]
    points = sum(SEVERITY_POINTS[r.severity] for r in signs)
    if points >= HIGH_POINTS and len(signs) >= HIGH_MIN_SIGNS:
        return RiskLevel.HIGH
    if points >= MODERATE_POINTS:
        return RiskLevel.MODERATE
    return RiskLevel.LOW


def assess_fall_risk(
    outcomes: Mapping[StanceTest, StanceOutcome], age_years: int
) -> FallRiskAssessment:
    """Apply the rules to each test's outcome (missing tests count as not measured)."""
    every = tests_of(outcomes)
    reasons = [
        *_tandem_reasons(every[StanceTest.TANDEM]),
        *_single_leg_reasons([every[t] for t in SINGLE_LEG_TESTS]),
        *(r for test in QUIET_TESTS for r in _quiet_reasons(every[test], age_years)),
    ]
    # A test was judged when it gave a result and no "unmeasured" reason (a missing norm).
    unjudged = {r.test for r in reasons if r.severity is Severity.UNMEASURED}
    judged = {_reason_test(o.test) for o in every.values() if o.measured} - unjudged
    return FallRiskAssessment(
        level=level_for(reasons, anything_measured=bool(judged)), reasons=tuple(reasons)
    )


def _tandem_reasons(tandem: StanceOutcome) -> list[RiskReason]:
    test = StanceTest.TANDEM.value
    hold_s = tandem.hold_s
    if hold_s is None:
        return [_unmeasured("tandem_not_measured", test, Source.CDC_STEADI_2017)]
    code = "tandem_under_10s"
    if tandem.outcome is Outcome.POSITION_NOT_TAKEN:
        code = "tandem_position_not_taken"
    elif hold_s >= STEADI_TANDEM_THRESHOLD_S:
        return []
    return [_hold(code, test, hold_s, STEADI_TANDEM_THRESHOLD_S, Source.CDC_STEADI_2017)]


def _single_leg_reasons(legs: list[StanceOutcome]) -> list[RiskReason]:
    measured = [leg for leg in legs if leg.measured]
    if not measured:
        return [_unmeasured("single_leg_not_measured", SINGLE_LEG, Source.VELLAS_1997)]
    if all(leg.outcome is Outcome.POSITION_NOT_TAKEN for leg in measured):
        code, limit_s = "single_leg_position_not_taken", SLS_INJURIOUS_FALL_S
        return [_hold(code, SINGLE_LEG, 0.0, limit_s, Source.CDC_STEADI_2017)]
    best_s = max(leg.hold_s or 0.0 for leg in measured)
    if best_s < SLS_INJURIOUS_FALL_S:
        return [
            _hold(
                "single_leg_under_5s", SINGLE_LEG, best_s, SLS_INJURIOUS_FALL_S, Source.VELLAS_1997
            )
        ]
    if best_s < SLS_SHORT_S:
        code, source = "single_leg_under_10s", Source.HURVITZ_2000
        return [_hold(code, SINGLE_LEG, best_s, SLS_SHORT_S, source, Severity.MINOR)]
    return _single_leg_sway_reasons(measured)


def _single_leg_sway_reasons(legs: list[StanceOutcome]) -> list[RiskReason]:
    """Oliveira 2018's cut-offs, on trials held ≥ 10 s, when every such trial exceeds one.

    Requiring every comparable trial (not just their mean) to exceed keeps one wobbly trial
    from making a sign, and a longer hold (a trial joining them) from ever adding one.
    """
    trials = [
        t
        for leg in legs
        for t in leg.trials
        if t.sway_comparable and t.velocity_ap_cm_s is not None and t.velocity_ml_cm_s is not None
    ]
    if not trials:
        return []
    candidates = []
    for axis, limit, speeds in (
        ("ap", SLS_FALLER_AP_VELOCITY_CM_S, [t.velocity_ap_cm_s or 0.0 for t in trials]),
        ("ml", SLS_FALLER_ML_VELOCITY_CM_S, [t.velocity_ml_cm_s or 0.0 for t in trials]),
    ):
        if all(speed > limit for speed in speeds):
            mean = sum(speeds) / len(speeds)
            candidates.append((mean / limit, axis, limit, mean))
    if not candidates:
        return []
    _, axis, limit, mean = max(candidates)
    return [
        RiskReason(
            code="single_leg_sway_high",
            test=SINGLE_LEG,
            severity=Severity.MINOR,
            source=Source.OLIVEIRA_2018,
            figure=round(mean, 3),
            limit=limit,
            unit=CM_PER_S,
            axis=axis,
            trials=len(trials),
        )
    ]


def _quiet_reasons(quiet: StanceOutcome, age_years: int) -> list[RiskReason]:
    test = quiet.test.value  # quiet_eyes_open / quiet_eyes_closed: the codes' prefix
    closed = quiet.test is StanceTest.QUIET_EYES_CLOSED
    broken_source = Source.ROMBERG if closed else Source.CDC_STEADI_2017
    if quiet.outcome is Outcome.NOT_MEASURED:
        return [_unmeasured(f"{test}_not_measured", test, Source.PIIRTOLA_ERA_2006)]
    if quiet.outcome is Outcome.POSITION_NOT_TAKEN:
        code = f"{test}_position_not_taken"
        return [_hold(code, test, 0.0, MIN_QUIET_HOLD_S, broken_source)]
    if quiet.outcome is Outcome.STANCE_NOT_KEPT:
        code = f"{test}_stance_not_kept"
        return [_hold(code, test, quiet.hold_s or 0.0, MIN_QUIET_HOLD_S, broken_source)]
    reference = sway_reference(age_years, eyes_closed=closed)
    if reference is None:
        return [_unmeasured(f"{test}_no_norm", test, Source.SANTOS_DUARTE_2016)]
    velocity = quiet.least_sway_cm_s
    if velocity is None:
        return [_unmeasured(f"{test}_sway_not_measured", test, Source.PIIRTOLA_ERA_2006)]
    if velocity <= reference.p95_velocity_cm_s:
        return []
    return [
        RiskReason(
            code=f"{test}_sway_high",
            test=test,
            severity=Severity.MINOR,
            source=Source.PIIRTOLA_ERA_2006,
            figure=round(velocity, 3),
            limit=reference.p95_velocity_cm_s,
            unit=CM_PER_S,
        )
    ]


def _reason_test(test: StanceTest) -> str:
    return SINGLE_LEG if test.is_single_leg else test.value


def _hold(
    code: str,
    test: str,
    hold_s: float,
    limit_s: float,
    source: Source,
    severity: Severity = Severity.MAJOR,
) -> RiskReason:
    return RiskReason(
        code=code,
        test=test,
        severity=severity,
        source=source,
        figure=round(hold_s, 2),
        limit=limit_s,
        unit=SECONDS,
    )


def _unmeasured(code: str, test: str, source: Source) -> RiskReason:
    return RiskReason(code=code, test=test, severity=Severity.UNMEASURED, source=source)


def _maybe_number(data: Mapping[str, Any], name: str) -> float | None:
    value = data.get(name)
    return None if value is None else finite_number(value, f"risk reason {name}")


def _maybe_text(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    return None if value is None else text(value, f"risk reason {name}")
