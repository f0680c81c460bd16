"""The demo's walking coach: Margaret four weeks into the programme, in phase 2, reminded soon.

Her history is made with the engine itself, day by day: the walks and exercises her phase asks for
on its days (one walk missed in the first week, single-leg practice holds growing from 14 to 26 s),
and each morning the programme's rules (`update_phase`) with a low fall risk. Two good weeks put
her in phase 2; she stays there because her practice holds are short of the 30 s phase 3 needs.

Activities cannot be logged in the past through Home Assistant's practice mode, so the history
goes into the coach's storage file while Home Assistant is stopped (`write_walking_history`); the
reminder time is set through the person's entities like any user would (`remind_soon`).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from custom_components.retro_balance.coach_store import (
    COACH_STORAGE_MINOR_VERSION,
    COACH_STORAGE_VERSION,
    coach_storage_key,
)
from custom_components.retro_balance.engine.clinical.fall_risk import RiskLevel
from custom_components.retro_balance.engine.coach.activities import Activity, LoggedVia
from custom_components.retro_balance.engine.coach.clock import local_instant, week_start
from custom_components.retro_balance.engine.coach.programme import (
    ActivityKind,
    Phase,
    plan_for,
    spread_days,
)
from custom_components.retro_balance.engine.coach.progression import update_phase
from custom_components.retro_balance.engine.coach.reminders import ReminderSettings
from custom_components.retro_balance.engine.coach.state import CoachState

from .client import HomeAssistantClient
from .demo import PadEntities
from .stack import Stack

DEMO_WEEKS = 4
"""Complete weeks of history before this one."""
REMINDER_IN = timedelta(minutes=3)
"""How soon the demo's reminder comes after the demo starts."""
_VIA = {ActivityKind.SINGLE_LEG_HOLD: LoggedVia.PAD}
"""Practice holds come from the pad; the rest from the person's buttons."""


def demo_history(today: date, tz: ZoneInfo) -> CoachState:
    """Four weeks of a faithful walker, from the Monday four weeks before this week's."""
    first = week_start(today) - timedelta(weeks=DEMO_WEEKS)
    state = CoachState.start(first, ReminderSettings(quiet_hours=None))
    day = first
    while day < today:
        state, _ = update_phase(state, today=day, risk_level=RiskLevel.LOW, declining=False, tz=tz)
        for activity in _day_of(state.phase, day, first, tz):
            state = state.log(activity, now=datetime.now(UTC))
        day += timedelta(days=1)
    state, _ = update_phase(state, today=today, risk_level=RiskLevel.LOW, declining=False, tz=tz)
    return state


def _day_of(phase: Phase, day: date, first: date, tz: ZoneInfo) -> list[Activity]:
    """Return what the demo person does on `day`: the phase's walk and exercises on their days."""
    plan = plan_for(phase)
    weekday, week = day.isoweekday(), (day - first).days // 7
    done: list[Activity] = []

    def log(kind: ActivityKind, hour: int, seconds: float, **fields: Any) -> None:
        done.append(
            Activity(
                activity_id=f"demo{day.isoformat()}{kind.value}",
                kind=kind,
                started_at=local_instant(day, time(hour, 5 * len(done)), tz),
                duration_s=seconds,
                logged_via=_VIA.get(kind, LoggedVia.BUTTON),
                **fields,
            )
        )

    if weekday in spread_days(plan.walk_days_per_week) and (week, weekday) != (0, 3):
        log(ActivityKind.RETRO_WALK, 10, 60.0 * (plan.walk_minutes_min + 1), support=plan.support)
    for target in plan.exercises:
        if weekday > target.days_per_week:
            continue
        if target.kind is ActivityKind.SINGLE_LEG_HOLD:
            log(target.kind, 11, 14.0 + 3.0 * week + 0.5 * weekday, eyes_closed=False)
        else:
            log(target.kind, 16, 120.0)
    return done


def write_walking_history(config_dir: Path, entry_id: str, person_id: str, tz: ZoneInfo) -> bool:
    """Write the demo history for one person into the stopped Home Assistant's coach file.

    Returns False (and writes nothing) when the person already has a logged activity: the demo
    keeps what happened since it first ran.
    """
    key = coach_storage_key(entry_id)
    path = config_dir / ".storage" / key
    if _has_activities(path, person_id):
        return False
    stored: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    data = stored.get("data") or {"people": {}, "quarantine": []}
    today = datetime.now(tz).date()
    state = demo_history(today, tz)
    checked = replace(state, reminders_checked_until=datetime.now(UTC))
    data["people"][person_id] = checked.as_dict()
    content = {
        "version": COACH_STORAGE_VERSION,
        "minor_version": COACH_STORAGE_MINOR_VERSION,
        "key": key,
        "data": data,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2))
    return True


def seed_walking_history(stack: Stack, entry_id: str, person_id: str) -> None:
    """Give the person their demo history (first run only): Home Assistant restarts for it."""
    tz = ZoneInfo(stack.api.get("/api/config")["time_zone"])
    coach_file = stack.hass.config_dir / ".storage" / coach_storage_key(entry_id)
    if _has_activities(coach_file, person_id):
        return
    stack.restart_hass(
        while_stopped=lambda: write_walking_history(stack.hass.config_dir, entry_id, person_id, tz)
    )


def _has_activities(path: Path, person_id: str) -> bool:
    if not path.exists():
        return False
    people = json.loads(path.read_text()).get("data", {}).get("people", {})
    return bool(people.get(person_id, {}).get("activities"))


def remind_soon(client: HomeAssistantClient, entities: PadEntities, name: str) -> str:
    """Set the person's walking reminder a few minutes from now, every day; return the time."""
    tz = ZoneInfo(client.get("/api/config")["time_zone"])
    at = (datetime.now(tz) + REMINDER_IN).replace(second=0, microsecond=0)
    wall = at.strftime("%H:%M:00")
    client.call_service(
        "select",
        "select_option",
        {"entity_id": entities.person(name, "retro_walk_days"), "option": "every_day"},
    )
    client.call_service(
        "time",
        "set_value",
        {"entity_id": entities.person(name, "retro_walk_reminder_time"), "time": wall},
    )
    return wall
