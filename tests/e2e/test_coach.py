"""The demo's walking coach on a real Home Assistant: Margaret in phase 2, reminded soon, kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devtools.demo import MARGARET, PadEntities
from devtools.demo_coach import REMINDER_IN, remind_soon, seed_walking_history
from devtools.stack import Stack

pytestmark = pytest.mark.usefixtures("socket_enabled")


def shown(stack: Stack, entities: PadEntities, key: str) -> dict[str, Any]:
    """Margaret's coach entity, once it shows a value."""
    return stack.api.wait_for_state(
        entities.person(MARGARET.name, key),
        lambda s: s["state"] not in ("unknown", "unavailable"),
        what="a value",
        timeout_s=30,
    )


def logged_walks(stack: Stack, entities: PadEntities) -> list[dict[str, Any]]:
    """Margaret's logged retro walks in her calendar, from six weeks back to now."""
    now = datetime.now(UTC)
    calendar = entities.person(MARGARET.name, "retro_walk_calendar")
    events: list[dict[str, Any]] = stack.api.get(
        f"/api/calendars/{calendar}?start={(now - timedelta(weeks=6)).isoformat()}"
        f"&end={now.isoformat()}".replace("+", "%2B")
    )
    return [event for event in events if event["summary"] == "Retro walk"]


def test_the_demo_walker_is_in_phase_2_with_a_reminder_due_soon(
    stack: Stack, demo_pad: PadEntities
) -> None:
    seed_walking_history(stack, demo_pad.entry_id, demo_pad.people[MARGARET.name])
    remind_soon(stack.api, demo_pad, MARGARET.name)
    phase = shown(stack, demo_pad, "retro_walk_phase")
    assert phase["state"] == "phase_2"
    assert phase["attributes"]["phase_since"] < datetime.now(UTC).date().isoformat()
    assert int(shown(stack, demo_pad, "retro_walk_weeks_in_a_row")["state"]) >= 3
    reminder = datetime.fromisoformat(shown(stack, demo_pad, "next_retro_walk_reminder")["state"])
    assert timedelta(0) < reminder - datetime.now(UTC) <= REMINDER_IN
    walks = logged_walks(stack, demo_pad)
    assert len(walks) >= 10
    # A restart keeps all of it (and seeding again changes nothing).
    stack.restart_hass()
    seed_walking_history(stack, demo_pad.entry_id, demo_pad.people[MARGARET.name])
    assert shown(stack, demo_pad, "retro_walk_phase")["state"] == "phase_2"
    assert logged_walks(stack, demo_pad) == walks
