"""The push coordinator of one pad: owns its live state and publishes snapshots of it.

MQTT messages come in through `PadMqtt` (parsed and in order), the running test through
`PadRuns`, stored sessions through `PadSessions` (its dispatcher signal). The coordinator keeps
the pad's state in `PadLive` (online, info, the pad monitor, what is selected, what that
shows), follows whether the pad can be heard at all through `PadLiveness` (broker connection,
fresh frames, a second pad under its id), keeps the running test durable (`RunJournal`), raises
repairs through `PadIssues`, tells the person on the pad what to do (`PadGuidance`, which
follows every published state), owns the people's retro-walking coach (`PadCoach`,
`coordinator.coach`), and publishes a new `PadSnapshot` with `async_set_updated_data`. While a
test runs it takes every frame at once and publishes at once when the pad's state changes or the
test moves on; the live values that move with the frames, at most once a second
(`LIVE_UPDATE_INTERVAL_S`). Without a test it takes a second of frames at a time
(`FRAME_BATCH_S`). Either way, only what changes what the pad's entities show is published.
Entities read the snapshot; actions go to `coordinator.commands`. Faults: `docs/reliability.md`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import partial
from types import MappingProxyType
from typing import Any

from homeassistant.components import mqtt
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.event import async_track_time_change
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .check_summary import PracticeSummary
from .coach_runtime import CoachInputs, PadCoach
from .coach_store import CoachStore
from .const import (
    CONF_PAD_ID,
    CONF_PREFIX,
    LIVE_UPDATE_INTERVAL_S,
    LOGGER,
)
from .engine.clinical.people import PersonProfile
from .engine.detection.daily_check import CheckEvent, IncompleteReason
from .engine.detection.pad_state import PadState
from .engine.wire.messages import ButtonPress, Cue, Frame, PadInfo, ProtocolError
from .engine.wire.sequencing import TimeBase
from .engine.wire.twins import TwinEvidence
from .guidance import PadGuidance
from .issues import PadIssues
from .liveness import PadLiveness
from .pad_commands import PadCommands
from .pad_live import PadLive
from .pad_mqtt import PadMqtt, TimedFrame
from .person_parts import coach_inputs, people_parts
from .person_trend import PersonTrends
from .runs import FinishedRun, PadRuns
from .sessions import PadSessions, SessionChange, session_signal
from .snapshot import PadSnapshot, PersonSessions


class PadCoordinator(DataUpdateCoordinator[PadSnapshot]):
    """Everything live about one pad (a `PadListener` for MQTT, a `RunListener` for tests)."""

    config_entry: ConfigEntry[Any]

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        sessions: PadSessions,
        coach_store: CoachStore,
    ) -> None:
        """Prepare the pad's state; nothing is subscribed until `async_start`."""
        self.pad_id: str = entry.data[CONF_PAD_ID]
        # The coordinator's name (in its log lines) is the pad device's name.
        super().__init__(hass, LOGGER, config_entry=entry, name=f"Balance pad {self.pad_id}")
        self.sessions = sessions
        self.mqtt = PadMqtt(hass, entry.data[CONF_PREFIX], self.pad_id)
        self._runs = PadRuns(hass, self.pad_id, self)
        self._issues = PadIssues(hass, entry_id=entry.entry_id, pad_id=self.pad_id)
        self._liveness = PadLiveness(hass, self.pad_id, self._issues, self._publish_now)
        self._guidance = PadGuidance(hass, entry)
        self._live = PadLive(
            hass,
            entry,
            pad_id=self.pad_id,
            sessions=sessions,
            mqtt=self.mqtt,
            runs=self._runs,
            issues=self._issues,
            liveness=self._liveness,
            guidance=self._guidance,
        )
        self._trends = PersonTrends(self.pad_id)
        self._live_updates = Debouncer(
            hass,
            LOGGER,
            cooldown=LIVE_UPDATE_INTERVAL_S,
            immediate=True,
            function=partial(self._publish_live, always=False),
        )
        self.coach = PadCoach(
            hass,
            entry_id=entry.entry_id,
            store=coach_store,
            people=sessions.people,
            listener=self,
        )
        self.commands = PadCommands(
            entry,
            live=self._live,
            liveness=self._liveness,
            runs=self._runs,
            mqtt=self.mqtt,
            guidance=self._guidance,
            coach=self.coach,
            publish=self._publish_now,
        )
        self._shown: tuple[PadState, int | None] | None = None  # as last published
        self.data = self._snapshot(self._people(MappingProxyType({})))

    # --- life cycle ---------------------------------------------------------------------

    async def async_start(self) -> None:
        """Follow the pad's sessions, the broker and Home Assistant stopping; subscribe."""
        entry = self.config_entry
        hass = self.hass
        entry.async_on_unload(
            async_dispatcher_connect(hass, session_signal(entry.entry_id), self._session_changed)
        )
        entry.async_on_unload(
            mqtt.async_subscribe_connection_status(hass, self._broker_connection_changed)
        )
        self._liveness.broker(mqtt.is_connected(hass))
        entry.async_on_unload(await self.mqtt.async_subscribe(self))
        # Trends are as of today: a new day moves them on (a long gap drops the current level).
        entry.async_on_unload(
            async_track_time_change(self.hass, self._new_day, hour=0, minute=0, second=0)
        )
        self._runs.follow_hass_stop()
        # Until the retained status arrives the pad counts as offline.
        self._issues.pad_offline()
        self._issues.weight_ranges(self.sessions.people)
        self._issues.unassigned(len(self.sessions.for_person(None)))
        self.coach.start()
        self.data = self._snapshot(self.data.people)

    async def async_shutdown(self) -> None:
        """End a running test as interrupted and stop the timers (the entry waits for the store)."""
        self._runs.shutdown("the pad's entry was unloaded")
        self._live_updates.async_shutdown()
        self._liveness.shutdown()
        self._issues.shutdown()
        await self.coach.async_shutdown()
        await super().async_shutdown()

    async def _async_update_data(self) -> PadSnapshot:
        """Republish the live state (a refresh asked for by Home Assistant, `update_entity`)."""
        return self._snapshot(self.data.people)

    @property
    def device_info(self) -> DeviceInfo:
        """The pad's device (model and firmware from its info message once it arrived)."""
        return self._live.device_info(self.name)

    # --- commands (entities and actions) --------------------------------------------------

    @callback
    def async_set_people(self, people: Mapping[str, PersonProfile]) -> None:
        """Take the pad's people as configured now; a running check goes on.

        Who a session belongs to is decided when it is stored, with the people of that moment.
        The coach takes them first: a person added is coached at once, a removed one's
        reminders stop.
        """
        self.coach.set_people(people)
        self.sessions.people = people
        if self._live.selected_person_id not in people:
            self._live.selected_person_id = None
        self._issues.weight_ranges(people)
        self._publish_people()

    # --- the pad's messages (PadListener) ---------------------------------------------------

    @property
    def holds_frames(self) -> bool:
        """While no test runs, frames may wait a second: nothing shown needs each at once."""
        return not self._runs.running

    @callback
    def frames_received(self, frames: Sequence[TimedFrame]) -> None:
        """Take accepted frames: each in turn while a test runs, else together."""
        if self._runs.running:
            for frame, t_first_s in frames:
                self._test_frame(frame, t_first_s)
        else:
            self._frames_without_test(frames)

    def _test_frame(self, frame: Frame, t_first_s: float) -> None:
        """Feed the monitor and the running test; publish at once only if the state changed."""
        self._liveness.frame_arrived()
        monitor = self._live.monitor
        monitor.feed(frame)
        # The run keeps the last weight measured while someone stood on the pad.
        weight_kg = monitor.weight_kg if monitor.occupied else None
        test_moved_on = self._runs.feed(frame, t_first_s, weight_kg)
        self._issues.calibration(monitor.calibration_issue)
        progress = self._live.progress()
        if (
            test_moved_on
            or self._live.shown_at_once(progress) != self._shown
            or (self._runs.running and self._live.guide(progress))
        ):
            self._publish_now()
        else:
            self._live_updates.async_schedule_call()

    def _frames_without_test(self, frames: Sequence[TimedFrame]) -> None:
        """Feed the monitor a second of frames; publish only if what the pad shows changed.

        Frames dropped are among what it shows; `frames` may be empty when all were dropped.
        """
        if frames:
            self._liveness.frame_arrived()
            monitor = self._live.monitor
            monitor.feed_all([frame for frame, _ in frames])
            last_frame, t_first_s = frames[-1]
            self._runs.feed(last_frame, t_first_s, None)
            self._issues.calibration(monitor.calibration_issue)
        self._publish_live(always=False)

    @callback
    def time_base_changed(self, why: TimeBase) -> None:
        """Keep the new clock of a rebooted pad (or a jumped clock) from the running test."""
        if self._runs.time_base_changed(why):
            self._publish_now()

    @callback
    def frame_conflicting(self) -> None:
        """Another pad's frame under this id: evidence of twins."""
        self._twins_suspected(self._liveness.evidence(TwinEvidence.CONFLICTING_FRAME))

    @callback
    def status_received(self, online: bool) -> None:
        """Follow the pad going online or offline (a running test ends: signal lost).

        Frame order starts over on offline → online (`protocol.md`); a pad that comes back
        often within a minute is evidence of a second pad under the same MQTT client id.
        """
        if not self._live.status(online):
            return
        self._twins_suspected(self._liveness.status(online))
        if not online and self._runs.running:
            self._runs.stop("pad went offline", signal_lost=True)
        self._publish_now()

    @callback
    def _broker_connection_changed(self, connected: bool) -> None:
        """No broker: the pad is unavailable, a test ends (signal lost); back: order starts over.

        The pad's status comes again (retained, or from the pad), and with it a missed cue.
        """
        if not self._live.broker(connected):
            return
        if not connected and self._runs.running:
            self._runs.stop("MQTT disconnected", signal_lost=True)
        self._publish_now()

    @callback
    def _twins_suspected(self, now: bool) -> None:
        if now:
            if self._runs.running:
                self._runs.stop("two pads", signal_lost=True, reason=IncompleteReason.TWIN_PADS)
            self._publish_now()

    @callback
    def async_twins_resolved(self) -> None:
        """Allow tests again: only one pad publishes under this id now (the repair's fix flow)."""
        self._liveness.twins_resolved()

    @callback
    def info_received(self, info: PadInfo) -> None:
        """Take the pad's info (a new one: a restart, frame order starts over)."""
        if self._live.take_info(info):
            self._publish_now()

    @callback
    def button_pressed(self, press: ButtonPress) -> None:
        """Take a press of the pad's own button as a command (`PadCommands.pad_button`)."""
        self.commands.pad_button(press)

    @callback
    def message_dropped(self, error: ProtocolError | None) -> None:
        """Count it (the counters are in the next live update); a newer protocol is a repair."""
        if error is not None and error.reason == "wrong_version":
            self._issues.unsupported_version(error.version)
        self._live_updates.async_schedule_call()

    # --- the running test (RunListener) -------------------------------------------------------

    @callback
    def send_cue(self, cue: Cue) -> None:
        """Send a cue without holding up the frame callback."""
        self.commands.send_cue(cue)

    @callback
    def check_moved_on(self, events: Sequence[CheckEvent]) -> None:
        """Guide the person: results of finished trials, the check's end."""
        self._guidance.check_moved_on(events)

    @callback
    def run_finished(self, run: FinishedRun) -> None:
        """Store the run as a session (the entry waits for this when it unloads)."""
        self.config_entry.async_create_task(
            self.hass, self._async_store(run), "store balance session"
        )

    @callback
    def run_progress(self, run: FinishedRun) -> None:
        """Keep the running test durable (it survives even a killed Home Assistant)."""
        if run.practice is None:  # practice is never a session
            self.sessions.journal.note(run)

    @callback
    def signal_lost(self) -> None:
        """No frames during a test: end it."""
        self._runs.stop("no frames", signal_lost=True)
        self._publish_now()

    async def _async_store(self, run: FinishedRun) -> None:
        if run.practice is not None:
            assert run.selected_person_id is not None
            await self.coach.async_log_practice(
                run.selected_person_id, run.results, run.practice, run.started_at
            )
            if person := self.sessions.people.get(run.selected_person_id):
                self._guidance.practice_logged(
                    PracticeSummary.of(person.name, run.results, run.practice.hold_s)
                )
            self._live.selected_person_id = None
        else:
            record = await self.sessions.async_store_run(run)
            person = self.sessions.people.get(record.person_id or "") if record else None
            self._guidance.check_stored(record, None if person is None else person.name)
            if record is not None:
                # The choice of person was for that session; the next one is identified again.
                self._live.selected_person_id = None
        self._publish_now()

    # --- snapshots --------------------------------------------------------------------------

    @callback
    def _session_changed(self, change: SessionChange) -> None:
        self._issues.unassigned(len(self.sessions.for_person(None)))
        self._publish_people()
        if change.record.person_id is not None:
            # A new assessment or trend may move the person's phase.
            self.coach.evaluate(change.record.person_id)

    # --- the coach (CoachListener) ----------------------------------------------------------

    def coach_inputs(self, person_id: str) -> CoachInputs:
        """Return the person's newest measured fall-risk level and the trends' decline flag."""
        return coach_inputs(self.data.people.get(person_id))

    @callback
    def coach_changed(self) -> None:
        """Publish the people's new coach views."""
        self._publish_people()

    @callback
    def _new_day(self, now: datetime) -> None:
        self._publish_people()

    @callback
    def _publish_people(self) -> None:
        """Publish with the people's results, trends and coach worked out again."""
        self.async_set_updated_data(self._snapshot(self._people(self.data.people)))

    @callback
    def _publish_now(self) -> None:
        self._publish_live(always=True)

    @callback
    def _publish_live(self, *, always: bool) -> None:
        """Let the guidance follow the pad; publish its live state unless it shows the same."""
        progress = self._live.progress()
        self._live.guide(progress)
        pad = self._live.live_pad()
        if always or pad != self.data.pad:
            self._shown = self._live.shown_at_once(progress)
            self.async_set_updated_data(PadSnapshot(pad=pad, people=self.data.people))

    def _snapshot(self, people: Mapping[str, PersonSessions]) -> PadSnapshot:
        return PadSnapshot(pad=self._live.live_pad(), people=people)

    def _people(self, previous: Mapping[str, PersonSessions]) -> Mapping[str, PersonSessions]:
        return people_parts(previous, self.sessions, self.coach, self._trends)
