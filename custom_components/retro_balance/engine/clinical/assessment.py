"""The assessment of one check as stored and shown: per test, the score, standing for age, risk.

``BalanceAssessment.as_dict()`` is the stored shape (``ASSESSMENT_FORMAT`` 2, ``docs/scoring.md``).
Assessments are derived from a session's results, so an assessment stored in an older shape is
not translated: :func:`stored_assessment` reads it as ``None`` ("to be assessed again"), and the
session's results give a new one (``reassess.py``). Malformed data of the current shape raises
``ValueError`` naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..detection.stance_result import StanceTest
from ..validation import finite_number, member, text
from .fall_risk import FallRiskAssessment
from .outcomes import Outcome
from .sources import Source

ASSESSMENT_FORMAT = 2
"""Version of the stored shape; 1 (no ``format`` key) was the age-relative score of 2025."""
FORMAT_KEY = "format"
FORMAT_1_REQUIRED = frozenset({"score", "components", "percentile", "fall_risk"})
FORMAT_1_KEYS = FORMAT_1_REQUIRED | {"notes"}


@dataclass(frozen=True, slots=True, kw_only=True)
class StanceJudgement:
    """One test of the check: its outcome, its points, and how it compares with the age group."""

    test: StanceTest
    outcome: Outcome
    hold_s: float | None
    """The best hold; 0 for a position not taken; ``None`` when not measured."""
    cap_s: float | None
    trials: int
    left_out: tuple[str, ...]
    """End reasons (or ``too_light``) of the trials that did not count."""
    velocity_cm_s: float | None = None
    """Quiet stance: the least sway speed of a comparable trial, cell noise removed."""
    points: float | None = None
    """0–100 against a fit young adult (``target``); ``None`` when not measured or under 18."""
    target: float | None = None
    target_sources: tuple[Source, ...] = ()
    for_age: float | None = None
    """0–100 against the typical person of the same age (``age_norm``): 100 = typical or better."""
    age_norm: float | None = None
    age_norm_sources: tuple[Source, ...] = ()
    percentile: float | None = None
    """Quiet stance: sway steadiness percentile for age (higher is steadier)."""
    percentile_approximate: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly mapping."""
        return {
            "test": self.test.value,
            "outcome": self.outcome.value,
            "hold_s": self.hold_s,
            "cap_s": self.cap_s,
            "trials": self.trials,
            "left_out": list(self.left_out),
            "velocity_cm_s": self.velocity_cm_s,
            "points": self.points,
            "target": self.target,
            "target_sources": [str(s) for s in self.target_sources],
            "for_age": self.for_age,
            "age_norm": self.age_norm,
            "age_norm_sources": [str(s) for s in self.age_norm_sources],
            "percentile": self.percentile,
            "percentile_approximate": self.percentile_approximate,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StanceJudgement:
        """Rebuild a judgement from :meth:`as_dict`; ``ValueError`` says what is wrong."""
        _mapping(data, "a test judgement")
        return cls(
            test=member(StanceTest, data.get("test"), "test"),
            outcome=member(Outcome, data.get("outcome"), "outcome"),
            hold_s=_maybe_number(data, "hold_s"),
            cap_s=_maybe_number(data, "cap_s"),
            trials=_count(data.get("trials"), "trials"),
            left_out=tuple(_texts(data.get("left_out"), "left_out")),
            velocity_cm_s=_maybe_number(data, "velocity_cm_s"),
            points=_maybe_number(data, "points"),
            target=_maybe_number(data, "target"),
            target_sources=_sources(data.get("target_sources"), "target_sources"),
            for_age=_maybe_number(data, "for_age"),
            age_norm=_maybe_number(data, "age_norm"),
            age_norm_sources=_sources(data.get("age_norm_sources"), "age_norm_sources"),
            percentile=_maybe_number(data, "percentile"),
            percentile_approximate=_flag(
                data.get("percentile_approximate"), "percentile_approximate"
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class BalanceAssessment:
    """A check's score, standing for age, sway percentile and fall risk, and each test."""

    score: float | None
    """0–100, 100 = a fit young adult on every kind of test; ``None`` when ``partial``."""
    partial: bool
    """Fewer than two kinds of test (single-leg, tandem, quiet) were measured: no score."""
    covers: tuple[StanceTest, ...]
    """The tests that were measured (the ones the score, or a partial check, covers)."""
    for_age: float | None
    """0–100, 100 = at least typical for the age on every kind of test (not "good balance")."""
    percentile: float | None
    """Sway steadiness with eyes closed, percentile for age (higher is steadier)."""
    percentile_approximate: bool
    tests: tuple[StanceJudgement, ...]
    fall_risk: FallRiskAssessment

    def test(self, test: StanceTest) -> StanceJudgement | None:
        """The judgement of ``test`` (every test has one in an assessment made here)."""
        return next((t for t in self.tests if t.test is test), None)

    def as_dict(self) -> dict[str, Any]:
        """Return the stored shape: JSON types only, ``format`` first."""
        return {
            FORMAT_KEY: ASSESSMENT_FORMAT,
            "score": self.score,
            "partial": self.partial,
            "covers": [t.value for t in self.covers],
            "for_age": self.for_age,
            "percentile": self.percentile,
            "percentile_approximate": self.percentile_approximate,
            "tests": [t.as_dict() for t in self.tests],
            "fall_risk": self.fall_risk.as_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BalanceAssessment:
        """Rebuild an assessment of the current format; ``ValueError`` says what is wrong."""
        _mapping(data, "a balance assessment")
        if data.get(FORMAT_KEY) != ASSESSMENT_FORMAT:
            raise ValueError(
                f"assessment format {data.get(FORMAT_KEY)!r} is not {ASSESSMENT_FORMAT} "
                "(read stored data with stored_assessment)"
            )
        tests = data.get("tests")
        if not isinstance(tests, list | tuple):
            raise ValueError(f"assessment tests must be a list, got {tests!r}")
        fall_risk = data.get("fall_risk")
        if not isinstance(fall_risk, Mapping):
            raise ValueError(f"assessment fall_risk must be a mapping, got {fall_risk!r}")
        return cls(
            score=_maybe_number(data, "score"),
            partial=_flag(data.get("partial"), "partial"),
            covers=tuple(
                member(StanceTest, t, "covers") for t in _texts(data.get("covers"), "covers")
            ),
            for_age=_maybe_number(data, "for_age"),
            percentile=_maybe_number(data, "percentile"),
            percentile_approximate=_flag(
                data.get("percentile_approximate"), "percentile_approximate"
            ),
            tests=tuple(StanceJudgement.from_dict(t) for t in tests),
            fall_risk=FallRiskAssessment.from_dict(fall_risk),
        )


def stored_assessment(data: Mapping[str, Any]) -> BalanceAssessment | None:
    """Read a stored assessment: ``None`` for one of format 1 (assess the session again).

    Format 1 (no ``format`` key: ``score``, ``components``, ``percentile``, ``fall_risk`` and
    ``notes``) is not converted, because its numbers meant something else (its score was
    "typical for the age"). Anything else that is not format 2 raises ``ValueError``.
    """
    _mapping(data, "a balance assessment")
    if FORMAT_KEY not in data:
        if FORMAT_1_REQUIRED <= set(data) <= FORMAT_1_KEYS:
            return None
        raise ValueError(
            f"neither format {ASSESSMENT_FORMAT} nor format 1 (keys {', '.join(sorted(data))})"
        )
    return BalanceAssessment.from_dict(data)


def _mapping(data: object, what: str) -> None:
    if not isinstance(data, Mapping):
        raise ValueError(f"{what} must be a mapping, got {type(data).__name__}")


def _maybe_number(data: Mapping[str, Any], name: str) -> float | None:
    value = data.get(name)
    return None if value is None else finite_number(value, name)


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    return value


def _flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, got {value!r}")
    return value


def _texts(value: object, name: str) -> list[str]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"{name} must be a list of strings, got {value!r}")
    return [text(item, name) for item in value]


def _sources(value: object, name: str) -> tuple[Source, ...]:
    return tuple(member(Source, item, name) for item in _texts(value, name))
