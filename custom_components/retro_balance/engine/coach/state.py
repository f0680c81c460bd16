"""A person's coach state, ready to store: programme start, phase history, reminders, the log.

`CoachState.as_dict()` is the storage format (JSON types, a schema version). `from_dict()` is
strict about the state's own fields (``ValueError`` naming the field: the caller keeps the stored
data as it is and logs) but never loses the log for one bad activity: a record that does not read
back is kept verbatim in `quarantine`, with the error, and written out again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from ..validation import text
from .activities import Activity, check_not_future, parse_instant
from .clock import utc
from .history import PhaseAction, PhaseChange, check_history
from .programme import Phase, plan_for
from .reasons import ReasonCode
from .reminders import ReminderSettings

COACH_SCHEMA_VERSION = 1
SCHEMA_KEY = "schema_version"
MAX_MISSED_KEPT = 50
"""Missed reminders kept (the most recent): enough for weeks of a stopped Home Assistant."""


@dataclass(frozen=True, slots=True, kw_only=True)
class QuarantinedRecord:
    """A stored activity that did not read back: the raw record and why."""

    record: object
    error: str

    def as_dict(self) -> dict[str, object]:
        """Return the storage format (the record exactly as it was read)."""
        return {"record": self.record, "error": self.error}


@dataclass(frozen=True, slots=True, kw_only=True)
class CoachState:
    """Everything the coach keeps for one person."""

    started_on: date
    """The programme's first day (local date); trends compare before and after it."""
    phase_history: tuple[PhaseChange, ...]
    override: Phase | None = None
    """A phase chosen by hand, or None for automatic progression."""
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    activities: tuple[Activity, ...] = ()
    """The log, in order of start."""
    quarantine: tuple[QuarantinedRecord, ...] = ()
    reminders_checked_until: datetime | None = None
    """End of the last reminder check (`reminders.reminders_to_fire`'s `now`)."""
    missed_reminders: tuple[datetime, ...] = ()

    def __post_init__(self) -> None:
        """Reject a state that would be stored wrong or read back differently."""
        if not isinstance(self.started_on, date) or isinstance(self.started_on, datetime):
            raise ValueError(f"started_on must be a date, got {self.started_on!r}")
        history = check_history(self.phase_history)
        if history[0].on != self.started_on:
            raise ValueError(
                f"the phase history must begin on started_on ({self.started_on}), "
                f"not {history[0].on}"
            )
        if self.override is not None:
            plan_for(self.override)
        if not isinstance(self.reminders, ReminderSettings):
            raise ValueError(f"reminders must be ReminderSettings, got {self.reminders!r}")
        if not all(isinstance(activity, Activity) for activity in self.activities):
            raise ValueError("activities must be Activity records")
        ids = [activity.activity_id for activity in self.activities]
        if len(set(ids)) != len(ids):
            raise ValueError("activity ids must be unique")
        starts = [activity.started_at for activity in self.activities]
        if starts != sorted(starts):
            raise ValueError("activities must be in order of start")
        if self.reminders_checked_until is not None:
            object.__setattr__(
                self,
                "reminders_checked_until",
                utc(self.reminders_checked_until, "reminders_checked_until"),
            )
        object.__setattr__(
            self,
            "missed_reminders",
            tuple(utc(m, "missed reminder") for m in self.missed_reminders),
        )

    @classmethod
    def start(cls, started_on: date, reminders: ReminderSettings | None = None) -> CoachState:
        """Start a new programme in phase 1 on `started_on`."""
        change = PhaseChange(
            on=started_on,
            phase=Phase.STABILISATION,
            action=PhaseAction.START,
            reasons=(ReasonCode.PROGRAMME_STARTED,),
        )
        return cls(
            started_on=started_on,
            phase_history=(change,),
            reminders=ReminderSettings() if reminders is None else reminders,
        )

    @property
    def phase(self) -> Phase:
        """The phase in force now (the last change)."""
        return self.phase_history[-1].phase

    @property
    def programme_start(self) -> date:
        """The programme's first day, for the trends' "effect of the programme" comparison."""
        return self.started_on

    def log(self, activity: Activity, *, now: datetime) -> CoachState:
        """Return the state with `activity` added; ``ValueError`` for a future start or known id."""
        check_not_future(activity, now)
        if any(known.activity_id == activity.activity_id for known in self.activities):
            raise ValueError(f"activity {activity.activity_id!r} is already logged")
        activities = sorted((*self.activities, activity), key=_log_order)
        return replace(self, activities=tuple(activities))

    def without_activity(self, activity_id: str) -> CoachState:
        """Return the state without activity `activity_id`; ``ValueError`` when it is unknown."""
        kept = tuple(a for a in self.activities if a.activity_id != activity_id)
        if len(kept) == len(self.activities):
            raise ValueError(f"no activity {activity_id!r} in the log")
        return replace(self, activities=kept)

    def with_override(self, phase: Phase | None) -> CoachState:
        """Return the state with a phase chosen by hand (None: automatic); see `update_phase`."""
        if phase is not None:
            phase = plan_for(phase).phase
        return replace(self, override=phase)

    def with_reminders(self, reminders: ReminderSettings) -> CoachState:
        """Return the state with new reminder settings."""
        return replace(self, reminders=reminders)

    def after_reminder_check(self, now: datetime, missed: tuple[datetime, ...]) -> CoachState:
        """Return the state after a reminder check at `now` that found `missed` reminders."""
        kept = (*self.missed_reminders, *(utc(m, "missed reminder") for m in missed))
        return replace(
            self,
            reminders_checked_until=utc(now, "now"),
            missed_reminders=kept[-MAX_MISSED_KEPT:],
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the storage format: JSON types only, instants as ISO-8601 in UTC."""
        checked = self.reminders_checked_until
        return {
            SCHEMA_KEY: COACH_SCHEMA_VERSION,
            "started_on": self.started_on.isoformat(),
            "phase_history": [change.as_dict() for change in self.phase_history],
            "override": None if self.override is None else int(self.override),
            "reminders": self.reminders.as_dict(),
            "activities": [activity.as_dict() for activity in self.activities],
            "quarantine": [item.as_dict() for item in self.quarantine],
            "reminders_checked_until": None if checked is None else checked.isoformat(),
            "missed_reminders": [m.isoformat() for m in self.missed_reminders],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CoachState:
        """Read a stored state back (module docstring): bad activities go to `quarantine`."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a coach state must be a mapping, got {type(data).__name__}")
        version = data.get(SCHEMA_KEY)
        if isinstance(version, bool) or version != COACH_SCHEMA_VERSION:
            raise ValueError(f"{SCHEMA_KEY}: expected {COACH_SCHEMA_VERSION}, got {version!r}")
        try:
            started_on = date.fromisoformat(text(data.get("started_on"), "started_on"))
        except ValueError as err:
            raise ValueError(f"started_on: {err}") from None
        history = _list(data, "phase_history")
        override = data.get("override")
        checked = data.get("reminders_checked_until")
        activities, quarantine = _read_activities(_list(data, "activities"))
        quarantine = (*_read_quarantine(_list(data, "quarantine")), *quarantine)
        return cls(
            started_on=started_on,
            phase_history=_read_history(history),
            override=None if override is None else plan_for(override).phase,
            reminders=ReminderSettings.from_dict(data.get("reminders")),
            activities=activities,
            quarantine=quarantine,
            reminders_checked_until=None
            if checked is None
            else parse_instant(checked, "reminders_checked_until"),
            missed_reminders=tuple(
                parse_instant(m, "missed reminder") for m in _list(data, "missed_reminders")
            ),
        )


def _log_order(activity: Activity) -> tuple[datetime, str]:
    """Order of the log: by start, ties by id, so a stored log reads back in one order."""
    return activity.started_at, activity.activity_id


def _list(data: Mapping[str, Any], name: str) -> list[Any]:
    value = data.get(name)
    if not isinstance(value, list):
        raise ValueError(f"{name} must be a list, got {value!r}")
    return value


def _read_history(items: list[Any]) -> tuple[PhaseChange, ...]:
    changes = []
    for index, item in enumerate(items):
        try:
            changes.append(PhaseChange.from_dict(item))
        except ValueError as err:
            raise ValueError(f"phase_history[{index}]: {err}") from None
    return tuple(changes)


def _read_activities(
    records: list[Any],
) -> tuple[tuple[Activity, ...], tuple[QuarantinedRecord, ...]]:
    activities: dict[str, Activity] = {}
    quarantine = []
    for index, record in enumerate(records):
        try:
            activity = Activity.from_dict(record)
            if activity.activity_id in activities:
                raise ValueError(f"activity_id {activity.activity_id!r} appears twice")
        except (ValueError, TypeError) as err:
            quarantine.append(QuarantinedRecord(record=record, error=f"activities[{index}]: {err}"))
            continue
        activities[activity.activity_id] = activity
    ordered = sorted(activities.values(), key=_log_order)
    return tuple(ordered), tuple(quarantine)


def _read_quarantine(items: list[Any]) -> tuple[QuarantinedRecord, ...]:
    """Quarantined records as stored; an entry of another shape is kept whole, not dropped."""
    kept = []
    for item in items:
        if (
            isinstance(item, Mapping)
            and set(item) == {"record", "error"}
            and isinstance(item["error"], str)
        ):
            kept.append(QuarantinedRecord(record=item["record"], error=item["error"]))
        else:
            kept.append(QuarantinedRecord(record=item, error="malformed quarantine entry"))
    return tuple(kept)
