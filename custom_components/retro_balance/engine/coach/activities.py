"""Logged activities: a retro walk, a tandem walk, cross-body marching, a single-leg practice hold.

`Activity.as_dict()` is the storage format (JSON types, the start in UTC ISO-8601);
`Activity.from_dict()` is strict and raises ``ValueError`` naming the field, so the state reader
can quarantine one bad record and keep the rest.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from ..validation import finite_number, text
from .clock import utc
from .programme import ActivityKind, Support

MAX_ACTIVITY_S = 3 * 3600.0
"""Longest walk or exercise accepted: far above the 15-minute sessions of phase 3."""
MAX_HOLD_S = 600.0
"""Longest single-leg practice hold accepted (the goals stop at 60 s)."""
MAX_NOTE_CHARS = 500
FUTURE_TOLERANCE = timedelta(minutes=5)
"""How far in the future a logged start may lie (clocks of phones and HA differ a little)."""


class LoggedVia(StrEnum):
    """Where an activity was logged from."""

    BUTTON = "button"
    ACTION = "action"
    PAD = "pad"


def new_activity_id() -> str:
    """Return a new random activity id (32 hex digits)."""
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity:
    """One logged activity.

    `duration_s` is the walking or exercise time; for a single-leg hold it is the hold time.
    `eyes_closed` is set for single-leg holds only, `support` for walks only (None: not said).
    """

    activity_id: str
    kind: ActivityKind
    started_at: datetime
    duration_s: float
    logged_via: LoggedVia
    support: Support | None = None
    eyes_closed: bool | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        """Reject a record that would be stored wrong or counted wrong."""
        if not isinstance(self.activity_id, str) or not self.activity_id.strip():
            raise ValueError(f"activity_id must be a non-empty string, got {self.activity_id!r}")
        if not isinstance(self.kind, ActivityKind):
            raise ValueError(f"kind must be one of {sorted(ActivityKind)}, got {self.kind!r}")
        object.__setattr__(self, "started_at", utc(self.started_at, "started_at"))
        duration = finite_number(self.duration_s, "duration_s")
        limit = MAX_HOLD_S if self.kind is ActivityKind.SINGLE_LEG_HOLD else MAX_ACTIVITY_S
        if not 0 < duration <= limit:
            raise ValueError(f"duration_s must be above 0 and at most {limit:g} s, got {duration}")
        if not isinstance(self.logged_via, LoggedVia):
            raise ValueError(
                f"logged_via must be one of {sorted(LoggedVia)}, got {self.logged_via!r}"
            )
        self._check_kind_fields()
        if self.note is not None and (
            not isinstance(self.note, str) or len(self.note) > MAX_NOTE_CHARS
        ):
            raise ValueError(f"note must be a string of at most {MAX_NOTE_CHARS} characters")

    def _check_kind_fields(self) -> None:
        is_hold = self.kind is ActivityKind.SINGLE_LEG_HOLD
        if is_hold and not isinstance(self.eyes_closed, bool):
            raise ValueError(
                f"a single-leg hold needs eyes_closed true or false, got {self.eyes_closed!r}"
            )
        if not is_hold and self.eyes_closed is not None:
            raise ValueError(f"eyes_closed is only for single-leg holds, not {self.kind}")
        walks = (ActivityKind.RETRO_WALK, ActivityKind.TANDEM_WALK)
        if self.support is not None and self.kind not in walks:
            raise ValueError(f"support is only for walks, not {self.kind}")
        if self.support is not None and not isinstance(self.support, Support):
            raise ValueError(f"support must be one of {sorted(Support)}, got {self.support!r}")

    @property
    def duration_min(self) -> float:
        """Duration in minutes."""
        return self.duration_s / 60.0

    @property
    def ended_at(self) -> datetime:
        """End of the activity (UTC)."""
        return self.started_at + timedelta(seconds=self.duration_s)

    def as_dict(self) -> dict[str, Any]:
        """Return the storage format: JSON types only, the start as ISO-8601 in UTC."""
        return {
            "activity_id": self.activity_id,
            "kind": self.kind.value,
            "started_at": self.started_at.isoformat(),
            "duration_s": self.duration_s,
            "logged_via": self.logged_via.value,
            "support": None if self.support is None else self.support.value,
            "eyes_closed": self.eyes_closed,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Activity:
        """Read a stored record back; ``ValueError`` naming the field when anything is wrong."""
        if not isinstance(data, Mapping):
            raise ValueError(f"an activity must be a mapping, got {type(data).__name__}")
        missing = [
            name
            for name in ("activity_id", "kind", "started_at", "duration_s", "logged_via")
            if name not in data
        ]
        if missing:
            raise ValueError(f"activity is missing {', '.join(missing)}")
        support = data.get("support")
        eyes_closed = data.get("eyes_closed")
        if eyes_closed is not None and not isinstance(eyes_closed, bool):
            raise ValueError(f"eyes_closed must be true, false or null, got {eyes_closed!r}")
        note = data.get("note")
        return cls(
            activity_id=text(data["activity_id"], "activity_id"),
            kind=_member(ActivityKind, data["kind"], "kind"),
            started_at=parse_instant(data["started_at"], "started_at"),
            duration_s=finite_number(data["duration_s"], "duration_s"),
            logged_via=_member(LoggedVia, data["logged_via"], "logged_via"),
            support=None if support is None else _member(Support, support, "support"),
            eyes_closed=eyes_closed,
            note=None if note is None else text(note, "note"),
        )


def check_not_future(activity: Activity, now: datetime) -> Activity:
    """`activity` itself, or ``ValueError`` when it starts in the future (beyond a tolerance)."""
    if activity.started_at > utc(now, "now") + FUTURE_TOLERANCE:
        raise ValueError(
            f"started_at {activity.started_at.isoformat()} lies in the future "
            f"(now {utc(now).isoformat()})"
        )
    return activity


def parse_instant(value: object, name: str) -> datetime:
    """Read an ISO-8601 string with an offset as a UTC datetime; ``ValueError`` naming the field."""
    raw = text(value, name)
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{name} must be an ISO-8601 date and time, got {raw!r}") from None
    if parsed.utcoffset() is None:
        raise ValueError(f"{name} must carry a UTC offset, got {raw!r}")
    return utc(parsed, name)


def _member[E: StrEnum](enum: type[E], value: object, name: str) -> E:
    try:
        return enum(text(value, name))
    except ValueError:
        raise ValueError(f"{name} must be one of {sorted(enum)}, got {value!r}") from None
