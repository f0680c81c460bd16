"""Event entities: a person's results, trend switches and walking reminders; unassigned sessions.

`test_completed` and `session_unassigned` follow the sessions' dispatcher signal
(`sessions.session_signal`), which is sent once a change is in storage, so they fire for new and
newly assigned sessions only, never when the entry loads or an entity is recreated. An event is
dated at the check's end, also when the check is assigned later: the entity's state (the time of
its last event) is the check's, not the moment it was filed. `decline_detected` and `recovered`
follow the person's trend in the coordinator's snapshot: they fire when a measure's declining
flag switches between two trends the entity has seen, dated at the session that switched it —
never for the trend found at start-up, so a restart or reload repeats nothing.
`retro_walk_reminder` follows the coach's dispatcher signal (`coach_reminders.reminder_signal`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coach_reminders import ReminderFired, reminder_signal
from .const import EVENT_SESSION_UNASSIGNED, EVENT_TEST_COMPLETED
from .data import RetroBalanceConfigEntry
from .engine.coach.messages import REMINDER_MESSAGE_KEY
from .engine.trends.results import PersonTrend, TrendEventKind
from .entity import PadEntity, PersonEntity, RetroBalanceEntity
from .live_settings import async_follow_people
from .sessions import ChangeKind, SessionChange, session_signal
from .trend_texts import explain_trend
from .trend_values import trend_switches

PARALLEL_UPDATES = 0

PERSON_EVENT = EventEntityDescription(
    key="test_completed", translation_key="test_completed", event_types=[EVENT_TEST_COMPLETED]
)
TREND_EVENT = EventEntityDescription(
    key="balance_trend",
    translation_key="balance_trend",
    event_types=[kind.value for kind in TrendEventKind],
)
ATTR_EXPLANATION = "explanation"
REMINDER_EVENT = EventEntityDescription(
    key="retro_walk_reminder",
    translation_key="retro_walk_reminder",
    event_types=[REMINDER_MESSAGE_KEY],
)
PAD_EVENT = EventEntityDescription(
    key="unassigned_session",
    translation_key="unassigned_session",
    event_types=[EVENT_SESSION_UNASSIGNED],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RetroBalanceConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the pad's event entity and each person's."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities([PadSessionEvent(coordinator, PAD_EVENT)])
    async_follow_people(
        hass,
        entry,
        async_add_entities,
        lambda coordinator, subentry: [
            PersonTestEvent(coordinator, subentry, PERSON_EVENT),
            PersonTrendEvent(coordinator, subentry, TREND_EVENT),
            ReminderEvent(coordinator, subentry, REMINDER_EVENT),
        ],
    )


class _FollowsSessions(RetroBalanceEntity, EventEntity):
    """An event entity that fires on the pad's session changes."""

    async def async_added_to_hass(self) -> None:
        """Also follow the pad's session changes."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                session_signal(self.coordinator.config_entry.entry_id),
                self._session_changed,
            )
        )

    @callback
    def _session_changed(self, change: SessionChange) -> None:
        raise NotImplementedError

    @callback
    def _trigger_at(self, event_type: str, attributes: dict[str, Any], when: datetime) -> None:
        """Fire an event dated `when` and write the state."""
        self._trigger_event(event_type, attributes)
        # EventEntity dates an event when it is triggered and offers no other way to date it;
        # its state is this (name-mangled) attribute, restored as it is after a restart.
        self._EventEntity__last_event_triggered = when
        self.async_write_ha_state()


class PersonTestEvent(_FollowsSessions, PersonEntity):
    """Fires `test_completed` with the full record when a session becomes the person's."""

    @callback
    def _session_changed(self, change: SessionChange) -> None:
        quiet = (ChangeKind.DELETED, ChangeKind.IMPORTED)  # an import is history, not news
        if change.kind in quiet or change.record.person_id != self.person_id:
            return
        record = change.record
        self._trigger_at(EVENT_TEST_COMPLETED, record.as_dict(), record.ended_at)


class PadSessionEvent(_FollowsSessions, PadEntity):
    """Fires `session_unassigned` when a new session could not be filed under a person."""

    _requires_online = False

    @callback
    def _session_changed(self, change: SessionChange) -> None:
        record = change.record
        if change.kind is not ChangeKind.STORED or record.person_id is not None:
            return
        self._trigger_at(
            EVENT_SESSION_UNASSIGNED,
            {
                "session_id": record.session_id,
                "started_at": record.started_at.isoformat(),
                "ended_at": record.ended_at.isoformat(),
                "identified_by": record.identified_by,
                "weight_kg": None if record.body_mass_kg is None else round(record.body_mass_kg, 1),
            },
            record.ended_at,
        )
        self.async_write_ha_state()


class PersonTrendEvent(PersonEntity, EventEntity):
    """Fires `decline_detected` / `recovered` when a measure's declining flag switches."""

    _unrecorded_attributes = frozenset({ATTR_EXPLANATION})
    _seen_trend: PersonTrend | None = None

    async def async_added_to_hass(self) -> None:
        """Take the trend found at start-up as known: it is nothing new."""
        await super().async_added_to_hass()
        self._seen_trend = self.person.trend

    @callback
    def _handle_coordinator_update(self) -> None:
        if self.person_id not in self.coordinator.data.people:
            return  # the person was removed: Home Assistant is removing this entity
        trend = self.person.trend
        if trend is not None and trend is not self._seen_trend:
            seen, self._seen_trend = self._seen_trend, trend
            for switch in () if seen is None else trend_switches(seen, trend):
                data = switch.as_dict()
                data[ATTR_EXPLANATION] = explain_trend(self.hass, switch.reasons)
                self._trigger_event(switch.kind.value, data)
                self.async_write_ha_state()
        super()._handle_coordinator_update()


class ReminderEvent(PersonEntity, EventEntity):
    """Fires `retro_walk_reminder` with the reminder's keys, texts and who it is for."""

    # The texts are long and the lists repeat every time: kept out of the recorder.
    _unrecorded_attributes = frozenset({"text", "safety", "exercises"})

    async def async_added_to_hass(self) -> None:
        """Also follow the coach's reminders."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                reminder_signal(self.coordinator.config_entry.entry_id),
                self._reminder_fired,
            )
        )

    @callback
    def _reminder_fired(self, fired: ReminderFired) -> None:
        if fired.person_id != self.person_id:
            return
        self._trigger_event(REMINDER_MESSAGE_KEY, fired.payload)
        self.async_write_ha_state()
