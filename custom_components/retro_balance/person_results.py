"""What a person's sensors show, read from their stored sessions (no Home Assistant here).

A value comes from the newest session that has it, and its details from that same session, so a
check that did not measure something never blanks what an earlier one measured. The headline —
the balance score, the balance for age and the fall risk — comes from the newest *full* check: not
interrupted (`SessionRecord.interrupted`: cancelled, signal lost, the person gone) and not partial
(fewer than two kinds of test: no score, `engine.clinical.scoring`). A newer interrupted or partial
check is shown as what it is beside the headline (`check_notes`). Everything clinical —
outcomes, scores, the fall-risk level and its reasons — is the engine's stored assessment
(`engine.clinical.assessment`); this module only picks and rounds.

A score — the balance score, the balance for age, a test's points — and the sway percentile are
shown to people as whole numbers, halves up (`shown_score`), everywhere: the sensors' states, the
check's summary and its spoken text, the logbook, the dashboard and `export_history`'s summary.
The stored sessions keep the engine's figures.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Final

from .engine.clinical.assessment import BalanceAssessment, StanceJudgement
from .engine.clinical.fall_risk import RiskLevel, RiskReason
from .engine.clinical.session import SessionRecord, best_result
from .engine.detection.stance_result import StanceTest
from .snapshot import PersonSessions

ATTR_OUTCOME = "outcome"
ATTR_COVERS = "covers"
ATTR_POINTS = "points"
ATTR_NEWEST_CHECK_PARTIAL = "newest_check_partial"
ATTR_APPROXIMATE = "approximate"

FALL_RISK_STATES: Mapping[RiskLevel, str] = {
    **{level: level.value for level in RiskLevel},
    # The engine's "unknown" (nothing a rule could judge) is not Home Assistant's unknown
    # (no value): it gets a state of its own, translated "Not enough measured to judge".
    RiskLevel.UNKNOWN: "not_judged",
}

type RecordValue[V] = Callable[[SessionRecord], V | None]
type Details = Mapping[str, Any]

SCORE_DECIMALS: Final = 0
"""Decimals of a score (and the percentile) as shown: none. The score's day-to-day error is
3.25 points and a reliable change 9 points (SEM and MDC95, Caccese 2022, `docs/trends.md`), so a
tenth is noise; the percentile is interpolated between seven published percentiles, 5 to 95,
of Santos & Duarte 2016 (`docs/scoring.md`), and says "steadier than 70 of 100 people"."""


def shown_score(value: float) -> float:
    """Round a score or percentile as people are shown it: `SCORE_DECIMALS`, halves up.

    Halves go up, as the frontend rounds (Python's `round` takes 98.5 to 98). A whole number is an
    `int`, so the sensor's state reads "77", not "77.0".
    """
    scale = 10**SCORE_DECIMALS
    scaled = math.floor(value * scale + 0.5)
    return scaled if SCORE_DECIMALS == 0 else scaled / scale


def newest[V](value: RecordValue[V]) -> Callable[[PersonSessions], V | None]:
    """Read the value from the newest session that has it."""

    def read(person: PersonSessions) -> V | None:
        record = person.newest(value)
        return None if record is None else value(record)

    return read


def headline[V](value: RecordValue[V]) -> Callable[[PersonSessions], V | None]:
    """Read the value from the newest session that was not interrupted and has it."""

    def read(person: PersonSessions) -> V | None:
        record = headline_record(value)(person)
        return None if record is None else value(record)

    return read


def headline_record(value: RecordValue[object]) -> Callable[[PersonSessions], SessionRecord | None]:
    """Find the session `headline(value)` reads its value from."""

    def find(person: PersonSessions) -> SessionRecord | None:
        return person.newest(lambda record: None if record.interrupted else value(record))

    return find


def newest_details(
    value: RecordValue[object], details: Callable[[SessionRecord], Details]
) -> Callable[[PersonSessions], Details | None]:
    """Read the details of the session that `newest(value)` reads its value from."""

    def read(person: PersonSessions) -> Details | None:
        record = person.newest(value)
        return None if record is None else details(record)

    return read


def assessment(record: SessionRecord) -> BalanceAssessment | None:
    """Return the session's assessment (None for an unassigned session)."""
    return record.assessment


def judgement(record: SessionRecord, test: StanceTest) -> StanceJudgement | None:
    """Return what `test` came to in the session, as the engine judged it."""
    return None if record.assessment is None else record.assessment.test(test)


def hold_time_s(test: StanceTest) -> RecordValue[float]:
    """Read the best hold of `test`: 0 s for a position not taken, None when not measured."""

    def value(record: SessionRecord) -> float | None:
        judged = judgement(record, test)
        return None if judged is None or judged.hold_s is None else round(judged.hold_s, 2)

    return value


def hold_outcome(test: StanceTest) -> Callable[[SessionRecord], Details]:
    """Read what the hold of `test` came to (held, position not taken, …)."""

    def details(record: SessionRecord) -> Details:
        judged = judgement(record, test)
        assert judged is not None  # only read for a session that has the hold
        return {ATTR_OUTCOME: judged.outcome.value}

    return details


def sway(test: StanceTest, measure: str) -> RecordValue[float]:
    """Read a sway measure of the best trial of `test`, as the pad measured it."""

    def value(record: SessionRecord) -> float | None:
        result = best_result(record, test)
        if result is None or result.sway is None:
            return None
        return round(float(getattr(result.sway, measure)), 3)

    return value


def score(record: SessionRecord) -> float | None:
    """Return the balance score as shown (None for a partial check)."""
    if record.assessment is None or record.assessment.score is None:
        return None
    return shown_score(record.assessment.score)


def for_age(record: SessionRecord) -> float | None:
    """Return the standing for age as shown (None for a partial check)."""
    if record.assessment is None or record.assessment.for_age is None:
        return None
    return shown_score(record.assessment.for_age)


def score_details(person: PersonSessions) -> Details | None:
    """Return the tests behind the shown score, and whether a newer check was partial."""
    details: dict[str, Any] = {}
    if (scored := headline_record(score)(person)) is not None:
        assert scored.assessment is not None
        details[ATTR_COVERS] = [test.value for test in scored.assessment.covers]
    if (latest := person.newest(assessment)) is not None:
        assert latest.assessment is not None
        details[ATTR_NEWEST_CHECK_PARTIAL] = latest.assessment.partial
    return details or None


def score_points(person: PersonSessions) -> Details | None:
    """Return the score's details and the points each test of the shown score earned."""
    details = dict(score_details(person) or {})
    if (scored := headline_record(score)(person)) is not None:
        assert scored.assessment is not None
        details[ATTR_POINTS] = {
            judged.test.value: judged.points
            for judged in scored.assessment.tests
            if judged.points is not None
        }
    return details or None


def percentile(record: SessionRecord) -> float | None:
    """Return the eyes-closed sway steadiness percentile for age, as shown."""
    if record.assessment is None or record.assessment.percentile is None:
        return None
    return shown_score(record.assessment.percentile)


def percentile_details(record: SessionRecord) -> Details:
    """Whether the percentile is approximate (a thin reference band)."""
    assert record.assessment is not None  # only read for a session that has a percentile
    return {ATTR_APPROXIMATE: record.assessment.percentile_approximate}


def _judged_level(record: SessionRecord) -> RiskLevel | None:
    if record.assessment is None or record.assessment.fall_risk.level is RiskLevel.UNKNOWN:
        return None
    return record.assessment.fall_risk.level


def full_check(record: SessionRecord) -> bool:
    """Whether a session is a full check: assessed, not partial and not interrupted."""
    return (
        not record.interrupted and record.assessment is not None and not record.assessment.partial
    )


def _full_level(record: SessionRecord) -> RiskLevel | None:
    return _judged_level(record) if full_check(record) else None


def fall_risk_record(person: PersonSessions) -> SessionRecord | None:
    """Find the session whose fall-risk level is the headline (None: no level judged yet).

    The newest full check's; before the first full check, the newest judged level of a check
    that was not interrupted (a single test, say). An interrupted check never gives the level.
    """
    return person.newest(_full_level) or headline_record(_judged_level)(person)


def fall_risk_state(person: PersonSessions) -> str | None:
    """Return the headline fall-risk level; `not_judged` when none was judged yet."""
    record = fall_risk_record(person)
    if record is not None:
        assert record.assessment is not None
        return FALL_RISK_STATES[record.assessment.fall_risk.level]
    return None if person.newest(assessment) is None else FALL_RISK_STATES[RiskLevel.UNKNOWN]


def fall_risk_reasons(person: PersonSessions) -> tuple[RiskReason, ...] | None:
    """Return the reasons behind the shown fall-risk level (or why none could be judged)."""
    record = fall_risk_record(person) or person.newest(assessment)
    if record is None or record.assessment is None:
        return None
    return record.assessment.fall_risk.reasons
