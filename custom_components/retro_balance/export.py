"""The response of `retro_balance.export_history`: a summary first, then every session, readable.

Times are local (ISO 8601 with the offset, to the second), numbers are rounded to
`EXPORT_DECIMALS` decimals (raw centre-of-pressure traces keep their stored 0.001 cm), and each
session names its person. Shape (documented in docs/integration.md):

    {"pad_id", "scope" ("person" | "unassigned" | "all"), "person_id", "person" (name or None),
     "summary": {"sessions", "first", "last", "unassigned",
                 "people": [{"person", "person_id", "sessions", "last_check",
                             "balance_score", "balance_for_age", "fall_risk"}]},
     "sessions": [<the stored record (docs/sessions.md), local times, rounded> + "person"]}

`balance_score`, `balance_for_age` and `fall_risk` are the person's headline, as their sensors show
it (the newest full check); a person removed from the pad has only counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from homeassistant.util import dt as dt_util

from .engine.clinical.session import RAW_COP_KEY, RawCopSource, SessionRecord, export_session
from .person_results import fall_risk_state, for_age, headline, score
from .snapshot import PersonSessions

EXPORT_DECIMALS: Final = 2
SCOPE_PERSON: Final = "person"
SCOPE_UNASSIGNED: Final = "unassigned"
SCOPE_ALL: Final = "all"
SCOPES: Final = (SCOPE_PERSON, SCOPE_UNASSIGNED, SCOPE_ALL)


def local_time(moment: datetime) -> str:
    """Return a time in Home Assistant's time zone, to the second, with its offset."""
    return dt_util.as_local(moment).isoformat(timespec="seconds")


def rounded(value: Any) -> Any:
    """Round every float in a JSON value (ints and bools stay as they are)."""
    if isinstance(value, float):
        return round(value, EXPORT_DECIMALS)
    if isinstance(value, Mapping):
        return {key: rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(item) for item in value]
    return value


def exported_session(
    record: SessionRecord, person: str | None, raw_cop: RawCopSource | None
) -> dict[str, Any]:
    """Return one session as exported: the stored record, local times, rounded, named."""
    data = rounded(export_session(record))
    data["started_at"] = local_time(record.started_at)
    data["ended_at"] = local_time(record.ended_at)
    data["person"] = person
    if raw_cop is not None and (trace := raw_cop.raw_cop(record.session_id)) is not None:
        data[RAW_COP_KEY] = dict(trace)
    return dict(data)


def _person_summary(
    person_id: str, records: Sequence[SessionRecord], person: PersonSessions | None
) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "person": None if person is None else person.profile.name,
        "person_id": person_id,
        "sessions": len(records),
        "last_check": local_time(max(record.ended_at for record in records)),
    }
    if person is not None:
        summary |= {
            "balance_score": headline(score)(person),
            "balance_for_age": headline(for_age)(person),
            "fall_risk": fall_risk_state(person),
        }
    return summary


def export_response(
    *,
    pad_id: str,
    scope: str,
    person_id: str | None,
    records: Sequence[SessionRecord],
    people: Mapping[str, PersonSessions],
    raw_cop: RawCopSource | None,
) -> dict[str, Any]:
    """Return the action's response for these records (oldest first)."""
    by_person: dict[str, list[SessionRecord]] = {}
    for record in records:
        if record.person_id is not None:
            by_person.setdefault(record.person_id, []).append(record)

    def name_of(person_id: str | None) -> str | None:
        person = None if person_id is None else people.get(person_id)
        return None if person is None else person.profile.name

    return {
        "pad_id": pad_id,
        "scope": scope,
        "person_id": person_id,
        "person": None if person_id is None else name_of(person_id),
        "summary": {
            "sessions": len(records),
            "first": local_time(records[0].ended_at) if records else None,
            "last": local_time(records[-1].ended_at) if records else None,
            "unassigned": sum(record.person_id is None for record in records),
            "people": [
                _person_summary(owner, mine, people.get(owner)) for owner, mine in by_person.items()
            ],
        },
        "sessions": [
            exported_session(record, name_of(record.person_id), raw_cop) for record in records
        ],
    }
