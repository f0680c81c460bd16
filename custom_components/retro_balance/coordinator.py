"""The push coordinator of one pad: owns its live state and publishes snapshots of it.

MQTT messages come in through `PadMqtt` (parsed and in order), the running test through
`PadRuns`, stored sessions through `PadSessions` (its dispatcher signal). The coordinator keeps
the pad's state (online, info, the pad monitor, what is selected), follows whether the pad can be
heard at all through `PadLiveness` (broker connection, fresh frames, a second pad under its id),
keeps the running test durable (`RunJournal`), raises repairs through `PadIssues`, tells the
person on the pad what to do (`PadGuidance`, which follows every published state), owns the
people's retro-walking coach (`PadCoach`, `coordinator.coach`), and publishes a new `PadSnapshot`
with `async_set_updated_data`: at once when the pad's state changes or a test moves on, at most
once a second (`LIVE_UPDATE_INTERVAL_S`) for the live values that change with every frame.
Entities read the snapshot; selects, buttons and actions call the `async_*` methods below (or
the coach's), never anything else. What happens on each fault: `docs/reliability.md`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any

from homeassistant.components import mqtt
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.event import async_track_time_change
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .coach_runtime import CoachInputs, PadCoach
from .coach_store import CoachStore
from .const import (
    CONF_PAD_ID,
    CONF_PREFIX,
    DAILY_CHECK,
    DOMAIN,
    LIVE_UPDATE_INTERVAL_S,
    LOGGER,
    MODEL_ID_PAD,
    SINGLE_LEG_PRACTICE,
)
from .engine.clinical.people import Identification, PersonProfile, identify_person
from .engine.clinical.session import SessionKind
from .engine.coach.pad_practice import practice_plan
from .engine.detection.daily_check import CheckEvent, IncompleteReason
from .engine.detection.guidance import CheckProgress
from .engine.detection.pad_state import PadMonitor, PadState, pad_state
from .engine.detection.stance_result import StanceTest
from .engine.signal.cop import WII_BALANCE_BOARD, PadGeometry
from .engine.wire.messages import ButtonPress, Cue, Frame, PadInfo, ProtocolError
from .engine.wire.sequencing import TimeBase
from .engine.wire.twins import TwinEvidence
from .guidance import PadGuidance
from .issues import PadIssues
from .liveness import PadLiveness
from .pad_mqtt import PadMqtt
from .person_parts import coach_inputs, people_parts
from .person_trend import PersonTrends
from .runs import FinishedRun, PadRuns
from .sessions import PadSessions, SessionChange, session_signal
from .settings import daily_check_plan, single_test_plan
from .snapshot import LivePad, PadSnapshot, PersonSessions, shown_progress_s


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
        self._monitor = PadMonitor()
        self._online = False
        self._info: PadInfo | None = None
        self._next_test = DAILY_CHECK
        self._selected_person_id: str | None = None
        self._trends = PersonTrends(self.pad_id)
        self._live_updates = Debouncer(
            hass,
            LOGGER,
            cooldown=LIVE_UPDATE_INTERVAL_S,
            immediate=True,
            function=self._publish_now,
        )
        self.coach = PadCoach(
            hass,
            entry_id=entry.entry_id,
            store=coach_store,
            people=sessions.people,
            listener=self,
        )
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
        info = self._info
        return DeviceInfo(
            identifiers={(DOMAIN, self.config_entry.entry_id)},
            name=self.name,
            manufacturer="Retro Balance",
            model=None if info is None else info.model,
            model_id=MODEL_ID_PAD,
            sw_version=None if info is None else info.firmware,
            serial_number=self.pad_id,
        )

    # --- commands (entities and actions) --------------------------------------------------

    @callback
    def async_start_test(self, what: str, person_id: str | None = None) -> None:
        """Start the daily check, one stance test or single-leg practice, optionally for someone."""
        if not self._heard:
            raise self._error("pad_offline")
        if self._liveness.twins:
            raise self._error("twin_pads")
        if self._runs.running:
            raise self._error("test_running")
        if what == SINGLE_LEG_PRACTICE:
            self._start_practice(person_id or self._selected_person_id)
            return
        options = self.config_entry.options
        if what == DAILY_CHECK:
            plan, kind = daily_check_plan(options), SessionKind.DAILY_CHECK
        else:
            plan, kind = single_test_plan(options, StanceTest(what)), SessionKind.SINGLE_TEST
        self._guidance.check_started()
        self._runs.start(
            plan,
            self._geometry(),
            kind=kind,
            what=what,
            selected_person_id=person_id or self._selected_person_id,
        )
        self._publish_now()

    def _start_practice(self, person_id: str | None) -> None:
        """Practise single-leg stance towards the person's goal (never a session, never a trend)."""
        person_id = person_id or self._on_the_pad()
        if person_id is None:
            raise self._error("practice_needs_person")
        goal = self.coach.practice_goal(person_id)
        self._runs.start(
            practice_plan(goal),
            self._geometry(),
            kind=SessionKind.SINGLE_TEST,
            what=SINGLE_LEG_PRACTICE,
            selected_person_id=person_id,
            practice=goal,
        )
        self._guidance.check_started()
        self._publish_now()

    def _on_the_pad(self) -> str | None:
        """Who stands on the pad now: the chosen person, the only one, or by weight."""
        weight_kg = self._monitor.weight_kg if self._monitor.occupied else None
        return identify_person(
            weight_kg,
            list(self.sessions.people.values()),
            selected_person_id=self._selected_person_id,
            on_date=dt_util.now().date(),
        ).person_id

    @callback
    def async_cancel_test(self) -> None:
        """Cancel the running test; results so far are kept as an incomplete session."""
        if not self._runs.running:
            raise self._error("no_test_running")
        self._runs.stop("cancelled")
        self._publish_now()

    async def async_tare(self) -> None:
        """Ask the pad to zero its empty readings (the button is unavailable while offline)."""
        await self.mqtt.async_tare()

    @callback
    def async_select_next_test(self, test: str) -> None:
        """Choose what *Start selected test* starts (`DAILY_CHECK` or a stance test)."""
        self._next_test = test
        self._publish_now()

    @callback
    def async_select_person(self, person_id: str | None) -> None:
        """Choose who the next test is for (None: identify by weight)."""
        self._selected_person_id = person_id
        self._publish_now()

    @callback
    def async_set_people(self, people: Mapping[str, PersonProfile]) -> None:
        """Take the pad's people as configured now; a running check goes on.

        Who a session belongs to is decided when it is stored, with the people of that moment.
        """
        self.sessions.people = people
        if self._selected_person_id not in people:
            self._selected_person_id = None
        self._issues.weight_ranges(people)
        self.async_set_updated_data(self._snapshot(self._people(self.data.people)))

    def _error(self, key: str) -> ServiceValidationError:
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders={"pad_id": self.pad_id},
        )

    # --- the pad's messages (PadListener) ---------------------------------------------------

    @callback
    def frame_received(self, frame: Frame, t_first_s: float) -> None:
        """Feed the monitor and the running test; publish at once only if the state changed."""
        was = self._shown_at_once()
        self._liveness.frame_arrived()
        self._monitor.feed(frame)
        # Only a run keeps the weight of every frame (the median is worked out when asked for).
        running = self._runs.running
        weight_kg = self._monitor.weight_kg if running and self._monitor.occupied else None
        test_moved_on = self._runs.feed(frame, t_first_s, weight_kg)
        self._issues.calibration(self._monitor.calibration_issue)
        instruction_changed = self._guide()
        if test_moved_on or instruction_changed or self._shown_at_once() != was:
            self._publish_now()
        else:
            self._live_updates.async_schedule_call()

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
        if online == self._online:
            return
        self._online = online
        LOGGER.info("Pad %s is %s", self.pad_id, "online" if online else "offline")
        self._twins_suspected(self._liveness.status(online))
        if online:
            self._issues.pad_online()
            self.mqtt.reset_order()
            self.config_entry.async_create_task(
                self.hass, self.mqtt.async_send_pending_cue(), "send a missed cue"
            )
        else:
            self._issues.pad_offline()
            if self._runs.running:
                self._runs.stop("pad went offline", signal_lost=True)
        self._publish_now()

    @callback
    def _broker_connection_changed(self, connected: bool) -> None:
        """No broker: the pad is unavailable, a test ends (signal lost); back: order starts over.

        The pad's status comes again (retained, or from the pad), and with it a missed cue.
        """
        if not self._liveness.broker(connected):
            return
        if connected:
            LOGGER.info("Pad %s: MQTT is connected again", self.pad_id)
            self.mqtt.reset_order()
        else:
            LOGGER.warning("Pad %s: MQTT is disconnected; the pad cannot be heard", self.pad_id)
            # The retained status is delivered again on reconnection (or the pad sends it).
            self._online = False
            if self._runs.running:
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
        """Take the pad's info; a new one means a restart, so frame order starts over."""
        self._issues.version_supported()
        if info == self._info:
            return
        self._info = info
        self.mqtt.reset_order()
        registry = dr.async_get(self.hass)
        device = registry.async_get_device(identifiers={(DOMAIN, self.config_entry.entry_id)})
        if device is not None:
            registry.async_update_device(device.id, model=info.model, sw_version=info.firmware)
        self._publish_now()

    @callback
    def button_pressed(self, press: ButtonPress) -> None:
        """Short press: start the daily check; long press: cancel, or "walk done" when idle."""
        try:
            if press.press == "short":
                self.async_start_test(DAILY_CHECK)
            elif self._runs.running:
                self.async_cancel_test()
            else:
                self._walk_done()
        except ServiceValidationError as err:
            LOGGER.info("Ignored a %s press on pad %s: %s", press.press, self.pad_id, err)

    def _walk_done(self) -> None:
        """Log the retro walk of whoever is on the pad; cue pass once logged, fail if not."""
        person_id = self._on_the_pad()
        self._selected_person_id = None
        self.config_entry.async_create_task(
            self.hass, self._async_walk_done(person_id), "log retro walk from the pad"
        )

    async def _async_walk_done(self, person_id: str | None) -> None:
        self.send_cue("pass" if await self.coach.async_walk_done_on_pad(person_id) else "fail")

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
        self.config_entry.async_create_task(
            self.hass, self.mqtt.async_cue(cue, pad_listening=self._heard), f"cue {cue}"
        )

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
            self._selected_person_id = None
        else:
            record = await self.sessions.async_store_run(run)
            person = self.sessions.people.get(record.person_id or "") if record else None
            self._guidance.check_stored(record, None if person is None else person.name)
            if record is not None:
                # The choice of person was for that session; the next one is identified again.
                self._selected_person_id = None
        self._publish_now()

    # --- snapshots --------------------------------------------------------------------------

    @callback
    def _session_changed(self, change: SessionChange) -> None:
        self._issues.unassigned(len(self.sessions.for_person(None)))
        self.async_set_updated_data(self._snapshot(self._people(self.data.people)))
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
        self.async_set_updated_data(self._snapshot(self._people(self.data.people)))

    @callback
    def _new_day(self, now: datetime) -> None:
        self.async_set_updated_data(self._snapshot(self._people(self.data.people)))

    @callback
    def _publish_now(self) -> None:
        self._guide()
        self.async_set_updated_data(self._snapshot(self.data.people))

    def _snapshot(self, people: Mapping[str, PersonSessions]) -> PadSnapshot:
        return PadSnapshot(pad=self._live_pad(), people=people)

    @property
    def _heard(self) -> bool:
        """Whether the pad says it is online and the broker connection lets us hear it."""
        return self._online and self._liveness.broker_connected

    def _state(self) -> PadState:
        progress = self._progress()
        return pad_state(
            online=self._heard,
            occupied=self._occupied,
            testing=self._runs.running,
            waiting_for_person=progress is not None and progress.waiting_for_person,
        )

    def _shown_at_once(self) -> tuple[PadState, int | None]:
        """Return what is published as soon as it changes: the pad's state, the hold's step."""
        elapsed_s = self._runs.elapsed_s
        return self._state(), None if elapsed_s is None else shown_progress_s(elapsed_s)

    @property
    def _occupied(self) -> bool:
        """Whether someone stands on the pad, by frames fresh enough to tell."""
        return self._liveness.fresh and self._monitor.occupied

    def _progress(self) -> CheckProgress | None:
        progress = self._runs.progress
        return None if progress is None else progress.on_pad(self._occupied)

    def _guide(self) -> bool:
        """Let the guidance follow the check and the pad; whether its instruction changed."""
        return self._guidance.update(self._progress(), occupied=self._heard and self._occupied)

    def _geometry(self) -> PadGeometry:
        if self._info is None:
            return WII_BALANCE_BOARD
        return PadGeometry(width_mm=self._info.width_mm, depth_mm=self._info.depth_mm)

    def _live_pad(self) -> LivePad:
        fresh = self._liveness.fresh
        return LivePad(
            pad_id=self.pad_id,
            online=self._heard,
            broker_connected=self._liveness.broker_connected,
            state=self._state(),
            info=self._info,
            weight_kg=self._monitor.shown_weight_kg if fresh else None,
            occupied=self._monitor.occupied if fresh else False,
            recognised=self._recognised() if fresh else None,
            measured_rate_hz=self._monitor.measured_rate_hz if fresh else None,
            testing=self._runs.running,
            current_test=self._runs.current_test,
            elapsed_s=self._runs.elapsed_s,
            progress=self._progress(),
            instruction=self._guidance.instruction,
            result=self._guidance.result,
            next_test=self._next_test,
            selected_person_id=self._selected_person_id,
            frames=self.mqtt.frame_counters,
            malformed=self.mqtt.malformed,
            calibration_issue=self._monitor.calibration_issue,
            twin_pads=self._liveness.twins,
        )

    def _recognised(self) -> Identification | None:
        if not (self._online and self._monitor.occupied):
            return None
        return identify_person(
            self._monitor.weight_kg,
            list(self.sessions.people.values()),
            selected_person_id=None,
            on_date=dt_util.now().date(),
        )

    def _people(self, previous: Mapping[str, PersonSessions]) -> Mapping[str, PersonSessions]:
        return people_parts(previous, self.sessions, self.coach, self._trends)
