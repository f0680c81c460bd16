"""Logged activities: typed records, strict round trips, clear errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from custom_components.retro_balance.engine.coach.activities import (
    Activity,
    LoggedVia,
    check_not_future,
    new_activity_id,
)
from custom_components.retro_balance.engine.coach.programme import ActivityKind, Support
from tests.engine.coach.builders import AMSTERDAM, MONDAY, activity, at, hold, walk


@pytest.mark.parametrize("kind", list(ActivityKind))
def test_every_kind_round_trips_through_json(kind: ActivityKind) -> None:
    original = activity(kind, MONDAY, eyes_closed=True, note="hallway, fine")
    stored = json.loads(json.dumps(original.as_dict()))
    assert Activity.from_dict(stored) == original


def test_start_is_stored_in_utc() -> None:
    item = walk(MONDAY)  # 11:00 in Amsterdam, winter: UTC+1
    assert item.as_dict()["started_at"] == "2026-01-05T10:00:00+00:00"
    assert item.started_at.tzinfo is UTC
    assert item.ended_at - item.started_at == timedelta(minutes=5)
    assert item.duration_min == 5.0


def _record(**changes: Any) -> dict[str, Any]:
    record = walk(MONDAY).as_dict()
    record.update(changes)
    return record


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "jogging"}, "kind must be one of"),
        ({"kind": 3}, "kind must be one of"),
        ({"started_at": "2026-01-05T10:00:00"}, "must carry a UTC offset"),
        ({"started_at": "yesterday"}, "ISO-8601"),
        ({"duration_s": -5}, "duration_s must be above 0"),
        ({"duration_s": 0}, "duration_s must be above 0"),
        ({"duration_s": 4 * 3600}, "at most"),
        ({"duration_s": float("nan")}, "finite number"),
        ({"duration_s": True}, "finite number"),
        ({"duration_s": "300"}, "finite number"),
        ({"logged_via": "fax"}, "logged_via must be one of"),
        ({"support": "crutch"}, "support must be one of"),
        ({"eyes_closed": True}, "eyes_closed is only for single-leg holds"),
        ({"eyes_closed": "yes"}, "eyes_closed must be true, false or null"),
        ({"note": 5}, "note must be a string"),
        ({"note": "x" * 501}, "at most 500"),
        ({"activity_id": ""}, "activity_id must be a non-empty string"),
        ({"activity_id": None}, "activity_id must be a string"),
    ],
)
def test_bad_records_are_refused_with_the_field_named(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Activity.from_dict(_record(**changes))


def test_missing_fields_are_listed() -> None:
    record = _record()
    del record["kind"], record["duration_s"]
    with pytest.raises(ValueError, match="missing kind, duration_s"):
        Activity.from_dict(record)


def test_not_a_mapping() -> None:
    with pytest.raises(ValueError, match="must be a mapping"):
        Activity.from_dict(["retro_walk"])  # type: ignore[arg-type]


def test_a_hold_needs_its_eyes_condition_and_no_support() -> None:
    record = hold(MONDAY, 25).as_dict()
    record["eyes_closed"] = None
    with pytest.raises(ValueError, match="needs eyes_closed"):
        Activity.from_dict(record)
    record["eyes_closed"] = False
    record["support"] = "light_touch"
    with pytest.raises(ValueError, match="support is only for walks"):
        Activity.from_dict(record)


def test_a_hold_longer_than_ten_minutes_is_refused() -> None:
    with pytest.raises(ValueError, match="at most 600"):
        hold(MONDAY, 601)


def test_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Activity(
            activity_id="x",
            kind=ActivityKind.RETRO_WALK,
            started_at=datetime(2026, 1, 5, 10),
            duration_s=60,
            logged_via=LoggedVia.PAD,
        )


def test_tandem_walk_may_say_its_support() -> None:
    item = Activity(
        activity_id="t",
        kind=ActivityKind.TANDEM_WALK,
        started_at=at(MONDAY),
        duration_s=120,
        logged_via=LoggedVia.ACTION,
        support=Support.LIGHT_TOUCH,
    )
    assert Activity.from_dict(item.as_dict()).support is Support.LIGHT_TOUCH


def test_future_starts_are_refused_beyond_five_minutes() -> None:
    now = at(MONDAY, 11, tz=AMSTERDAM)
    assert check_not_future(walk(MONDAY, hour=11), now).kind is ActivityKind.RETRO_WALK
    with pytest.raises(ValueError, match="lies in the future"):
        check_not_future(walk(MONDAY, hour=12), now)


def test_new_ids_are_random_hex() -> None:
    first, second = new_activity_id(), new_activity_id()
    assert first != second
    assert len(first) == 32
    int(first, 16)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "retro_walk"}, "kind must be one of"),
        ({"logged_via": "pad"}, "logged_via must be one of"),
        ({"support": "none"}, "support must be one of"),
    ],
)
def test_plain_strings_are_not_enum_members_in_code(changes: dict[str, Any], message: str) -> None:
    fields: dict[str, Any] = {
        "activity_id": "x",
        "kind": ActivityKind.RETRO_WALK,
        "started_at": at(MONDAY),
        "duration_s": 60.0,
        "logged_via": LoggedVia.PAD,
    }
    with pytest.raises(ValueError, match=message):
        Activity(**(fields | changes))
