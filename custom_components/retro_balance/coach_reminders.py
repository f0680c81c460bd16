"""One reminder check of one person, and what a fired reminder carries.

A check covers the reminders due in `(last check, now]` under the settings in force until now
(`engine.coach.reminders.reminders_to_fire`): the latest fires if it is at most an hour late and
the person is outside quiet hours, every other one is recorded as missed; a reminder on a day with
a retro walk already logged is skipped (the person did what it asks). The state then remembers
`now` as checked, so consecutive checks never repeat or skip one — also across a daylight-saving
change or a new time zone (the check runs under the old zone first). A clock that went back
leaves the state as it is until it catches up.

`send_reminder` logs what a check found and sends the fired reminder with the dispatcher
signal `reminder_signal(entry_id)`; the person's event entity turns it into a
`retro_walk_reminder` event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from homeassistant.core import HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util.signal_type import SignalType

from .coach_text import CoachTexts
from .const import DOMAIN, LOGGER
from .engine.coach.adherence import walked_on
from .engine.coach.clock import local_date
from .engine.coach.messages import reminder_message
from .engine.coach.practice import practice_progress
from .engine.coach.programme import plan_for
from .engine.coach.reminders import reminders_to_fire
from .engine.coach.state import CoachState

LATE_AFTER = timedelta(minutes=1)
"""A reminder sent this long after its time is marked `late` (it was due while HA was down)."""


@dataclass(frozen=True, kw_only=True)
class ReminderFired:
    """A reminder sent to one person: what the event entity fires."""

    person_id: str
    payload: dict[str, Any]


def reminder_signal(entry_id: str) -> SignalType[ReminderFired]:
    """Return the dispatcher signal that carries a pad's fired reminders."""
    return SignalType(f"{DOMAIN}_{entry_id}_reminder")


@dataclass(frozen=True, kw_only=True)
class ReminderCheck:
    """The outcome of one check: the state to keep and what to do."""

    state: CoachState
    fire_at: datetime | None
    """The reminder to send now (its scheduled instant)."""
    skipped_at: datetime | None
    """A reminder not sent because a retro walk was already logged that day."""
    missed: tuple[datetime, ...]


def check_reminders(state: CoachState, now: datetime, tz: ZoneInfo) -> ReminderCheck:
    """Check the reminders due since the last check (module docstring)."""
    since = state.reminders_checked_until
    if since is None:
        # A new programme owes nothing from before it began.
        since = now
    if now < since:
        return ReminderCheck(state=state, fire_at=None, skipped_at=None, missed=())
    catch = reminders_to_fire(since, now, state.reminders, tz, phase=state.phase)
    fire_at, skipped_at = catch.fire_at, None
    if fire_at is not None and walked_on(state.activities, local_date(fire_at, tz), tz):
        fire_at, skipped_at = None, catch.fire_at
    return ReminderCheck(
        state=state.after_reminder_check(now, catch.missed),
        fire_at=fire_at,
        skipped_at=skipped_at,
        missed=catch.missed,
    )


def reminder_payload(
    state: CoachState,
    *,
    fire_at: datetime,
    now: datetime,
    tz: ZoneInfo,
    texts: CoachTexts,
    person: str,
    person_id: str,
    entry_id: str,
) -> dict[str, Any]:
    """Return the `retro_walk_reminder` event's data: the engine's keys and the texts to read.

    The keys (`message`, `safety`, `focus`, `dual_task`, ...) are `ReminderMessage.as_dict()`;
    `title` and `text` are those keys in Home Assistant's language; `person`, `person_id` and
    `config_entry_id` are what the actions (`log_retro_walk`, `snooze_retro_walk`) need.
    """
    day = local_date(fire_at, tz)
    goal = practice_progress(state.activities, plan_for(state.phase), today=day, tz=tz).goal
    message = reminder_message(state.phase, day, hold_goal=goal)
    return {
        **message.as_dict(),
        "title": texts.reminder_title(),
        "text": texts.reminder(message),
        "person": person,
        "person_id": person_id,
        "config_entry_id": entry_id,
        "scheduled_for": fire_at.isoformat(),
        "late": now - fire_at > LATE_AFTER,
    }


def send_reminder(
    hass: HomeAssistant,
    check: ReminderCheck,
    *,
    now: datetime,
    tz: ZoneInfo,
    person: str,
    person_id: str,
    entry_id: str,
) -> None:
    """Log the reminders a check found missed or skipped, and send the one it fires."""
    for missed in check.missed:
        LOGGER.info("Retro-walk reminder for %s at %s was missed", person, missed.isoformat())
    if check.skipped_at is not None:
        LOGGER.debug("No reminder for %s: a retro walk is logged today", person)
    if check.fire_at is None:
        return
    payload = reminder_payload(
        check.state,
        fire_at=check.fire_at,
        now=now,
        tz=tz,
        texts=CoachTexts.cached(hass),
        person=person,
        person_id=person_id,
        entry_id=entry_id,
    )
    LOGGER.debug("Retro-walk reminder for %s (due %s)", person, check.fire_at.isoformat())
    async_dispatcher_send(
        hass, reminder_signal(entry_id), ReminderFired(person_id=person_id, payload=payload)
    )
