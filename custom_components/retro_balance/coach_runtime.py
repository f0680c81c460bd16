"""The retro-walking coach of a pad's people: their states, the rules, reminders and the log.

`PadCoach` belongs to the pad's coordinator: it keeps each person's `CoachState` (`CoachStore`)
and publishes their `PersonCoach` through the snapshot. The phase is `update_phase`'s, fed the
fall-risk level and the trends' decline (`CoachListener.coach_inputs`); it runs at start-up,
daily after local midnight, after a session of the person changes and after every command.
Reminders: one timer per person; its check (and the one once Home Assistant has started, for
reminders due while it was down) is `coach_reminders.check_reminders`. Every change first checks
what was due under the old settings, so a new time, days, phase or time zone never sends one
that was not due, nor loses one that was (docs/coach.md, "In Home Assistant").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from homeassistant.const import EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.start import async_at_started
from homeassistant.util import dt as dt_util

from .coach_changes import (
    coach_error,
    new_activity,
    new_programme,
    repeats_a_pad_walk,
    restarted,
)
from .coach_reminders import check_reminders, send_reminder
from .coach_store import CoachStore
from .coach_view import PersonCoach, local_midnight_after, person_coach
from .const import LOGGER
from .engine.clinical.fall_risk import RiskLevel
from .engine.clinical.people import PersonProfile
from .engine.coach.activities import Activity, LoggedVia
from .engine.coach.clock import local_date
from .engine.coach.pad_practice import practice_holds
from .engine.coach.programme import ActivityKind, HoldGoal, Phase
from .engine.coach.progression import PhaseDecision, update_phase
from .engine.coach.reminders import ReminderSettings, next_reminder
from .engine.coach.state import CoachState
from .engine.detection.stance_result import StanceResult

DAILY_RUN_DELAY = timedelta(seconds=5)
"""The daily rules run this long after local midnight."""


@dataclass(frozen=True, kw_only=True)
class CoachInputs:
    """What the rules need from a person's measurements."""

    risk_level: RiskLevel
    """The newest measured fall-risk level (`unknown` when none was measured)."""
    declining: bool
    """Whether the trends see a confirmed decline."""


class CoachListener(Protocol):
    """Who the coach reads its inputs from and tells about changes (the coordinator)."""

    def coach_inputs(self, person_id: str) -> CoachInputs:
        """Return the person's fall-risk level and decline flag."""

    def coach_changed(self) -> None:
        """Publish the people's new coach views."""


class PadCoach:
    """The coach of every person of one pad."""

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        entry_id: str,
        store: CoachStore,
        people: Mapping[str, PersonProfile],
        listener: CoachListener,
    ) -> None:
        """Take the loaded states; a person without one starts the programme today."""
        self._hass = hass
        self._entry_id = entry_id
        self._store = store
        self._people = people
        self._listener = listener
        self._tz = ZoneInfo(hass.config.time_zone)
        self._reminding = False
        self._timers: dict[str, CALLBACK_TYPE] = {}
        self._daily: CALLBACK_TYPE | None = None
        self._unsubs: list[CALLBACK_TYPE] = []
        self._decisions: dict[str, PhaseDecision] = {}
        self._views: dict[str, PersonCoach] = {}
        self._add_people(dt_util.utcnow())

    @property
    def tz(self) -> ZoneInfo:
        """Home Assistant's time zone, in which days, weeks and reminder times are counted."""
        return self._tz

    @property
    def people(self) -> Mapping[str, PersonProfile]:
        """The people coached, by subentry id."""
        return self._people

    @property
    def unreadable_states(self) -> int:
        """How many stored coach states could not be read (kept aside)."""
        return self._store.quarantined

    def view(self, person_id: str) -> PersonCoach | None:
        """Return the person's coach view (None for someone who is not a person of the pad)."""
        return self._views.get(person_id)

    def state(self, person_id: str) -> CoachState:
        """Return the person's coach state."""
        return self._store.states[person_id]

    # --- life cycle ---------------------------------------------------------------------------

    def _add_people(self, now: datetime) -> list[str]:
        """Give each person without a view one (someone new starts the programme today)."""
        added = [person_id for person_id in self._people if person_id not in self._views]
        for person_id in added:
            if person_id not in self._store.states:
                self._store.states[person_id] = new_programme(local_date(now, self._tz))
                self._store.schedule_save()
            self._views[person_id] = self._view(person_id, now)
        return added

    @callback
    def set_people(self, people: Mapping[str, PersonProfile]) -> None:
        """Coach the people configured now; a removed person's state stays in the store."""
        for person_id in self._views.keys() - people.keys():
            del self._views[person_id]
            if (unsub := self._timers.pop(person_id, None)) is not None:
                unsub()
        self._people = people
        now = dt_util.utcnow()
        for person_id in self._add_people(now):
            self._update(person_id, now=now, evaluate=True)

    @callback
    def start(self) -> None:
        """Apply the rules, follow the day and Home Assistant's time zone and language."""
        now = dt_util.utcnow()
        for person_id in self._people:
            self._update(person_id, now=now, evaluate=True)
        self._schedule_daily(now)
        self._unsubs.append(
            self._hass.bus.async_listen(EVENT_CORE_CONFIG_UPDATE, self._config_updated)
        )
        self._listener.coach_changed()

    @callback
    def start_reminders(self) -> None:
        """Check the reminders due while Home Assistant was down, once it has started."""
        self._unsubs.append(async_at_started(self._hass, self._catch_up))

    @callback
    def _catch_up(self, _hass: HomeAssistant) -> None:
        self._reminding = True
        now = dt_util.utcnow()
        for person_id in self._people:
            self._update(person_id, now=now)
        self._listener.coach_changed()

    async def async_shutdown(self) -> None:
        """Stop the timers and write the states."""
        if self._daily is not None:
            self._daily()
            self._daily = None
        for unsub in (*self._unsubs, *self._timers.values()):
            unsub()
        self._unsubs.clear()
        self._timers.clear()
        await self._store.async_save()

    # --- commands (entities, actions, the pad) -------------------------------------------------

    async def async_log(
        self,
        person_id: str,
        kind: ActivityKind,
        *,
        via: LoggedVia = LoggedVia.ACTION,
        **details: Any,
    ) -> Activity:
        """Log an activity (`coach_changes.new_activity`: minutes, support, note, started_at)."""
        now = dt_util.utcnow()
        try:
            activity = new_activity(self.state(person_id), kind, now=now, via=via, **details)
            self._update(person_id, lambda s: s.log(activity, now=now), now=now, evaluate=True)
        except ValueError as err:
            raise coach_error("invalid_activity", error=str(err)) from err
        await self._saved()
        return activity

    async def async_walk_done_on_pad(self, person_id: str | None) -> bool:
        """Log the phase's walk from the pad ("walk done"); whether it is logged (once)."""
        if person_id is None:
            LOGGER.info("'Walk done' on the pad: nobody could be identified")
            return False
        if repeats_a_pad_walk(self.state(person_id), dt_util.utcnow()):
            LOGGER.info("A second 'walk done' on the pad within minutes is not logged again")
            return True
        try:
            await self.async_log(person_id, ActivityKind.RETRO_WALK, via=LoggedVia.PAD)
        except ServiceValidationError as err:
            LOGGER.warning(
                "'Walk done' for %s could not be logged: %s", self.people[person_id].name, err
            )
            return False
        return True

    async def async_log_practice(
        self,
        person_id: str,
        results: Iterable[StanceResult],
        goal: HoldGoal,
        started_at: datetime,
    ) -> int:
        """Log a practice's holds (never a session); return how many were logged."""
        holds = practice_holds(results, goal, started_at=started_at)
        if person_id not in self._store.states or not holds:
            return 0
        now = dt_util.utcnow()

        def log_all(state: CoachState) -> CoachState:
            for hold in holds:
                state = state.log(hold, now=now)
            return state

        self._update(person_id, log_all, now=now, evaluate=True)
        await self._saved()
        return len(holds)

    async def async_delete_activity(self, person_id: str, activity_id: str) -> None:
        """Delete a logged activity (a mistaken press); the rules run again."""
        try:
            self._update(person_id, lambda s: s.without_activity(activity_id), evaluate=True)
        except ValueError as err:
            raise coach_error("unknown_activity", activity_id=activity_id) from err
        await self._saved()

    async def async_set_override(self, person_id: str, phase: Phase | None) -> None:
        """Choose the phase by hand (None: back to the rules)."""
        self._update(person_id, lambda s: s.with_override(phase), evaluate=True)
        await self._saved()

    async def async_restart(self, person_id: str, on: date) -> None:
        """Start the programme again in phase 1 on `on` (today or up to a year back)."""
        today = local_date(dt_util.utcnow(), self._tz)
        try:
            self._update(person_id, lambda s: restarted(s, on, today=today), evaluate=True)
        except ValueError as err:
            raise coach_error("invalid_programme_start", date=on.isoformat()) from err
        await self._saved()

    async def async_change_reminders(
        self, person_id: str, change: Callable[[ReminderSettings], ReminderSettings]
    ) -> None:
        """Change reminder settings (`coach_changes`: fields, quiet hours, a snooze)."""
        try:
            self._update(person_id, lambda s: s.with_reminders(change(s.reminders)))
        except ValueError as err:
            raise coach_error("invalid_reminder_settings", error=str(err)) from err
        await self._saved()

    @callback
    def evaluate(self, person_id: str) -> None:
        """Run the rules again for a person whose sessions changed (a new assessment)."""
        if person_id in self._people:
            self._update(person_id, evaluate=True)
            self._listener.coach_changed()

    def practice_goal(self, person_id: str) -> HoldGoal:
        """Return the single-leg goal the person practises now."""
        return self._views[person_id].practice.goal

    async def _saved(self) -> None:
        await self._store.async_save()
        self._listener.coach_changed()

    # --- the core: one change of one person ----------------------------------------------------

    def _update(
        self,
        person_id: str,
        change: Callable[[CoachState], CoachState] | None = None,
        *,
        now: datetime | None = None,
        evaluate: bool = False,
    ) -> None:
        """Check due reminders, apply `change`, run the rules if asked, store, refresh the view.

        A `change` that raises `ValueError` changes nothing but the reminder check.
        """
        now = now or dt_util.utcnow()
        if self._reminding:
            self._check_reminders(person_id, now)
        state = self._store.states[person_id]
        if change is not None:
            state = change(state)
        if evaluate:
            inputs = self._listener.coach_inputs(person_id)
            state, self._decisions[person_id] = update_phase(
                state,
                today=local_date(now, self._tz),
                risk_level=inputs.risk_level,
                declining=inputs.declining,
                tz=self._tz,
            )
        self._store.states[person_id] = state
        self._store.schedule_save()
        self._views[person_id] = self._view(person_id, now)
        self._schedule_reminder(person_id, now)

    def _view(self, person_id: str, now: datetime) -> PersonCoach:
        return person_coach(
            self._store.states[person_id],
            self._decisions.get(person_id),
            now=now,
            tz=self._tz,
        )

    def _check_reminders(self, person_id: str, now: datetime) -> None:
        check = check_reminders(self._store.states[person_id], now, self._tz)
        self._store.states[person_id] = check.state
        send_reminder(
            self._hass,
            check,
            now=now,
            tz=self._tz,
            person=self._people[person_id].name,
            person_id=person_id,
            entry_id=self._entry_id,
        )

    # --- timers --------------------------------------------------------------------------------

    def _schedule_reminder(self, person_id: str, now: datetime) -> None:
        if (unsub := self._timers.pop(person_id, None)) is not None:
            unsub()
        state = self._store.states[person_id]
        at = next_reminder(now, state.reminders, self._tz, phase=state.phase)
        if at is not None:
            self._timers[person_id] = async_track_point_in_utc_time(
                self._hass, partial(self._reminder_due, person_id, at), at
            )

    @callback
    def _reminder_due(self, person_id: str, at: datetime, _now: datetime) -> None:
        self._timers.pop(person_id, None)
        self._update(person_id, now=max(dt_util.utcnow(), at))
        self._listener.coach_changed()

    def _schedule_daily(self, now: datetime) -> None:
        if self._daily is not None:
            self._daily()
        at = local_midnight_after(now, self._tz) + DAILY_RUN_DELAY
        self._daily = async_track_point_in_utc_time(self._hass, self._new_day, at)

    @callback
    def _new_day(self, _now: datetime) -> None:
        self._daily = None
        now = dt_util.utcnow()
        for person_id in self._people:
            self._update(person_id, now=now, evaluate=True)
        self._schedule_daily(now)
        self._listener.coach_changed()

    @callback
    def _config_updated(self, _event: Event[Any]) -> None:
        """Follow a new time zone (checking due reminders under the old one)."""
        now = dt_util.utcnow()
        tz = ZoneInfo(self._hass.config.time_zone)
        if tz != self._tz:
            if self._reminding:
                for person_id in self._people:
                    self._check_reminders(person_id, now)
            self._tz = tz
            self._schedule_daily(now)
            LOGGER.info("The retro-walking coach follows the new time zone %s", tz)
        for person_id in self._people:
            self._update(person_id, now=now)
        self._listener.coach_changed()
