"""The stored record of one session: its stance results, who it belongs to, and its assessment.

Every session is kept with its full results and timestamps, per person (or unassigned), so that
trend features can be added later without losing history. `SessionRecord.as_dict()` is the storage
format (plain JSON types, ISO-8601 UTC timestamps, a schema version key, see `docs/sessions.md`);
`SessionRecord.from_dict()` is strict: malformed stored data raises `ValueError` naming the field,
so the integration can skip one bad record with a log line and keep the rest.

Raw centre-of-pressure traces are deliberately not part of the record (they are large and not
needed to show or score a session). `export_session()` is the hook for an optional raw-COP export.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from statistics import median
from typing import Any, Protocol

from ..detection.daily_check import INTERRUPTED, IncompleteReason
from ..detection.stance_result import StanceResult, StanceTest
from ..validation import member
from .assessment import BalanceAssessment, stored_assessment
from .people import UNASSIGNED_METHODS, IdentifiedBy, PersonProfile
from .scoring import assess_balance

SESSION_SCHEMA_VERSION = 1
SCHEMA_KEY = "schema_version"
RAW_COP_KEY = "raw_cop"
"""Key under which `export_session` adds a raw COP trace; never present in stored records."""


class SessionKind(StrEnum):
    """What kind of session a record holds."""

    DAILY_CHECK = "daily_check"
    SINGLE_TEST = "single_test"


def new_session_id() -> str:
    """Return a new random session id (32 hex digits)."""
    return uuid.uuid4().hex


@dataclass(frozen=True, kw_only=True)
class SessionRecord:
    """One session on one pad: every trial's result, the person, and the assessment for them.

    `person_id` is None for an unassigned session (`identified_by` says why: ambiguous or
    no_match); it is kept until it is assigned or deleted. `assessment` is None until the session
    has a person (scores depend on age and sex). The enum fields also take their string values
    (as stored), which become members.
    """

    session_id: str
    pad_id: str
    person_id: str | None
    started_at: datetime
    ended_at: datetime
    kind: SessionKind
    results: tuple[StanceResult, ...]
    assessment: BalanceAssessment | None
    complete: bool
    incomplete_reason: IncompleteReason | None
    identified_by: IdentifiedBy
    planned_tests: tuple[StanceTest, ...] = ()
    """The tests the session set out to run, in order (empty in records stored before issue 10)."""

    def __post_init__(self) -> None:
        """Reject a record that would be stored wrong or read back differently."""
        for name in ("session_id", "pad_id"):
            _require_text(name, getattr(self, name))
        if self.person_id is not None:
            _require_text("person_id", self.person_id)
        for name in ("started_at", "ended_at"):
            value = getattr(self, name)
            if not isinstance(value, datetime) or value.utcoffset() is None:
                raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")
        if self.ended_at < self.started_at:
            raise ValueError(
                f"ended_at ({self.ended_at.isoformat()}) is before started_at "
                f"({self.started_at.isoformat()})"
            )
        object.__setattr__(self, "kind", member(SessionKind, self.kind, "kind"))
        object.__setattr__(
            self, "identified_by", member(IdentifiedBy, self.identified_by, "identified_by")
        )
        if not isinstance(self.results, tuple) or not all(
            isinstance(result, StanceResult) for result in self.results
        ):
            raise ValueError("results must be a tuple of StanceResult")
        if not isinstance(self.planned_tests, tuple):
            raise ValueError(f"planned_tests must be a tuple, got {self.planned_tests!r}")
        object.__setattr__(
            self,
            "planned_tests",
            tuple(member(StanceTest, test, "planned_tests") for test in self.planned_tests),
        )
        if self.assessment is not None and not isinstance(self.assessment, BalanceAssessment):
            raise ValueError(
                f"assessment must be a BalanceAssessment or None, got {self.assessment!r}"
            )
        if not isinstance(self.complete, bool):
            raise ValueError(f"complete must be a bool, got {self.complete!r}")
        if self.complete and self.incomplete_reason is not None:
            raise ValueError("incomplete_reason must be None for a complete session")
        if not self.complete:
            if self.incomplete_reason is None:
                raise ValueError("incomplete_reason must be given for an incomplete session")
            reason = member(IncompleteReason, self.incomplete_reason, "incomplete_reason")
            object.__setattr__(self, "incomplete_reason", reason)
        unassigned = self.identified_by in UNASSIGNED_METHODS
        if unassigned != (self.person_id is None):
            raise ValueError(
                f"person_id {self.person_id!r} does not fit identified_by {self.identified_by!r}: "
                f"only {sorted(UNASSIGNED_METHODS)} sessions have no person"
            )
        if unassigned and self.assessment is not None:
            raise ValueError("an unassigned session cannot have an assessment")

    @property
    def assigned(self) -> bool:
        """True when the session belongs to a person."""
        return self.person_id is not None

    @property
    def interrupted(self) -> bool:
        """True when the session stopped before every planned test was tried (`INTERRUPTED`)."""
        return self.incomplete_reason in INTERRUPTED

    @property
    def tests_done(self) -> tuple[StanceTest, ...]:
        """The tests with at least one completed trial, in the order they were first done."""
        return tuple(dict.fromkeys(result.test for result in self.results if result.completed))

    @property
    def body_mass_kg(self) -> float | None:
        """The weight the pad measured: the median over the trials that measured one (or None)."""
        weights = [result.body_mass_kg for result in self.results if result.body_mass_kg > 0]
        return float(median(weights)) if weights else None

    @property
    def duration_s(self) -> float:
        """Wall-clock length of the session in seconds."""
        return (self.ended_at - self.started_at).total_seconds()

    def as_dict(self) -> dict[str, Any]:
        """Return the storage format: JSON types only, timestamps as ISO-8601 in UTC."""
        return {
            SCHEMA_KEY: SESSION_SCHEMA_VERSION,
            "session_id": self.session_id,
            "pad_id": self.pad_id,
            "person_id": self.person_id,
            "identified_by": self.identified_by.value,
            "kind": self.kind.value,
            "started_at": _format_time(self.started_at),
            "ended_at": _format_time(self.ended_at),
            "complete": self.complete,
            "incomplete_reason": None
            if self.incomplete_reason is None
            else self.incomplete_reason.value,
            "results": [result.as_dict() for result in self.results],
            "assessment": None if self.assessment is None else self.assessment.as_dict(),
            "planned_tests": [test.value for test in self.planned_tests],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SessionRecord:
        """Read a stored record back; `ValueError` naming the field when anything is malformed."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a session record must be a mapping, got {type(data).__name__}")
        version = _get(data, SCHEMA_KEY, int)
        if version != SESSION_SCHEMA_VERSION:
            raise ValueError(
                f"{SCHEMA_KEY}: expected {SESSION_SCHEMA_VERSION}, got {version!r} "
                "(older layouts are migrated by the storage before they get here)"
            )
        results_data = _get(data, "results", list)
        results = []
        for index, item in enumerate(results_data):
            try:
                if not isinstance(item, Mapping):
                    raise ValueError(f"expected a mapping, got {type(item).__name__}")
                results.append(StanceResult.from_dict(item))
            except (ValueError, KeyError, TypeError) as err:
                raise ValueError(f"results[{index}]: {err}") from err
        assessment_data = _get(data, "assessment", Mapping, optional=True)
        try:
            # An assessment in an older format reads as None: the results give a new one.
            assessment = None if assessment_data is None else stored_assessment(assessment_data)
        except (ValueError, KeyError, TypeError) as err:
            raise ValueError(f"assessment: {err}") from err
        return cls(
            session_id=_get(data, "session_id", str),
            pad_id=_get(data, "pad_id", str),
            person_id=_get(data, "person_id", str, optional=True),
            identified_by=_get(data, "identified_by", str),
            kind=_get(data, "kind", str),
            started_at=_parse_time(data, "started_at"),
            ended_at=_parse_time(data, "ended_at"),
            complete=_get(data, "complete", bool),
            incomplete_reason=_get(data, "incomplete_reason", str, optional=True),
            results=tuple(results),
            assessment=assessment,
            planned_tests=tuple(_get(data, "planned_tests", list))
            if "planned_tests" in data
            else (),
        )


def _require_text(name: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")


def _get(data: Mapping[str, Any], name: str, kind: type, *, optional: bool = False) -> Any:
    if name not in data:
        raise ValueError(f"{name}: missing")
    value = data[name]
    if value is None and optional:
        return None
    # bool is an int in Python; a stored true/false is never a valid number or version.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"{name}: expected {kind.__name__}, got {value!r}")
    return value


def _format_time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _parse_time(data: Mapping[str, Any], name: str) -> datetime:
    text = _get(data, name, str)
    try:
        value = datetime.fromisoformat(text)
    except ValueError as err:
        raise ValueError(f"{name}: not an ISO-8601 timestamp: {text!r}") from err
    if value.utcoffset() is None:
        raise ValueError(f"{name}: timestamp without a time zone: {text!r}")
    return value.astimezone(UTC)


def assess_session(record: SessionRecord, person: PersonProfile) -> SessionRecord:
    """Return the record with its assessment for `person` (who must be the record's person).

    The age is the person's age in the year of the session (see `PersonProfile.age_on`), so an old
    session keeps the score it had. Every trial is passed on: a test that timed out with the
    person on the pad is a position not taken (`outcomes.py`), a cancelled one is left out.
    """
    if record.person_id != person.person_id:
        raise ValueError(
            f"session {record.session_id} belongs to {record.person_id!r}, "
            f"not {person.person_id!r}: assign it first"
        )
    age_years = person.age_on(record.started_at.astimezone(UTC).date())
    return replace(record, assessment=assess_balance(record.results, age_years, person.sex))


def assign_session(record: SessionRecord, person: PersonProfile) -> SessionRecord:
    """File a session under `person` after the fact (the assign service) and assess it for them."""
    assigned = replace(
        record, person_id=person.person_id, identified_by=IdentifiedBy.ASSIGNED, assessment=None
    )
    return assess_session(assigned, person)


def latest_for_person(
    records: Iterable[SessionRecord], person_id: str, *, complete_only: bool = False
) -> SessionRecord | None:
    """Return the person's most recent session (by start time), or None."""
    mine = [
        record
        for record in records
        if record.person_id == person_id and (record.complete or not complete_only)
    ]
    if not mine:
        return None
    return max(mine, key=lambda record: record.started_at)


def best_result(record: SessionRecord, test: StanceTest) -> StanceResult | None:
    """Return the best completed trial of `test`: the longest hold (the first one on a tie).

    Best of up to three trials is the most reliable single-leg stance score (Springer et al. 2007).
    """
    trials = [result for result in record.results if result.test == test and result.completed]
    if not trials:
        return None
    return max(trials, key=lambda result: result.hold_time_s)


class RawCopSource(Protocol):
    """Where an optional raw-COP export finds a session's traces (kept outside the record)."""

    def raw_cop(self, session_id: str) -> Mapping[str, Any] | None:
        """Return the session's raw COP traces as JSON types, or None when none were kept."""


def export_session(record: SessionRecord, *, raw_cop: RawCopSource | None = None) -> dict[str, Any]:
    """Return the record for export (export_history), with raw COP when asked for and kept."""
    data = record.as_dict()
    if raw_cop is not None:
        trace = raw_cop.raw_cop(record.session_id)
        if trace is not None:
            data[RAW_COP_KEY] = dict(trace)
    return data


__all__ = [
    "RAW_COP_KEY",
    "SCHEMA_KEY",
    "SESSION_SCHEMA_VERSION",
    "RawCopSource",
    "SessionKind",
    "SessionRecord",
    "assess_session",
    "assign_session",
    "best_result",
    "export_session",
    "latest_for_person",
    "new_session_id",
]
