"""A pad's live link: MQTT subscription, parsing, ordering, the engine's monitors, cues, sessions.

Per frame, the MQTT callback parses the payload, lets the sequencer judge it, feeds the pad
monitor and (during a test) the check runner, and asks for a throttled entity update — nothing
else. Finishing a session (identifying the person, scoring, storing, announcing) runs as a task.
Entities never read MQTT: they register a listener here and read the link's state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from time import monotonic
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from homeassistant.components import mqtt
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.event import async_call_later, async_track_time_interval
from homeassistant.util import dt as dt_util

from .const import (
    CONF_PAD_ID,
    CONF_PREFIX,
    DAILY_CHECK,
    DOMAIN,
    ISSUE_CALIBRATION,
    ISSUE_PAD_OFFLINE,
    ISSUE_UNSUPPORTED_VERSION,
    LIVE_UPDATE_INTERVAL_S,
    LOG_INTERVAL_S,
    LOGGER,
    OFFLINE_ISSUE_AFTER_S,
)
from .engine.clinical.people import PersonProfile, identify_person
from .engine.clinical.session import SessionKind, SessionRecord, assess_session, new_session_id
from .engine.detection.daily_check import CheckEvent, CheckEventKind, CheckRunner
from .engine.detection.pad_state import CalibrationIssue, PadMonitor, PadState, pad_state
from .engine.detection.stance_result import StanceTest
from .engine.signal.cop import WII_BALANCE_BOARD, PadGeometry, centre_of_pressure
from .engine.wire.messages import Cue, PadInfo, ProtocolError
from .engine.wire.protocol import (
    encode_cue_command,
    encode_tare_command,
    parse_button,
    parse_frame,
    parse_info,
    parse_status,
)
from .engine.wire.sequencing import FrameSequencer
from .engine.wire.topics import TopicKind, parse_topic, topic
from .settings import daily_check_plan, people, single_test_plan
from .storage import RawCop, SessionHistory

# A raw COP trace is kept for export up to this many samples per session (15 min at 80 Hz).
MAX_RAW_SAMPLES: Final = 72_000
# During a test the pad sends at least one frame a second (idle mode); this much silence ends it.
SIGNAL_LOST_AFTER_S: Final = 5.0


@dataclass(kw_only=True)
class _Run:
    """A test or daily check in progress."""

    runner: CheckRunner
    kind: SessionKind
    selected_person_id: str | None
    started_at: datetime
    chunks: list[npt.NDArray[np.float64]] = field(default_factory=list)
    samples: int = 0
    rate_hz: float = 0.0
    weight_kg: float | None = None


class PadLink:
    """Everything live about one pad; entities read it, services drive it."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any], history: SessionHistory):
        """Prepare the link (nothing is subscribed until `async_connect`)."""
        self.hass = hass
        self.entry = entry
        self.history = history
        self.prefix: str = entry.data[CONF_PREFIX]
        self.pad_id: str = entry.data[CONF_PAD_ID]
        self.info: PadInfo | None = None
        self.online = False
        self.next_test: str = DAILY_CHECK
        self.selected_person_id: str | None = None
        self.malformed: Counter[str] = Counter()
        self.rejected: Counter[str] = Counter()
        self.lost_frames = 0
        self.calibration_issue: CalibrationIssue | None = None
        self.people: dict[str, PersonProfile] = people(entry)
        self._sequencer = FrameSequencer()
        self._monitor = PadMonitor()
        self._run: _Run | None = None
        self._last_time_s = 0.0
        self._last_frame_at = 0.0
        self._watchdog: CALLBACK_TYPE | None = None
        self._listeners: list[CALLBACK_TYPE] = []
        self._session_listeners: list[Callable[[SessionRecord], None]] = []
        self._last_log: dict[str, float] = {}
        self._offline_timer: CALLBACK_TYPE | None = None
        self._live_updates = Debouncer(
            hass,
            LOGGER,
            cooldown=LIVE_UPDATE_INTERVAL_S,
            immediate=True,
            function=self.async_notify,
        )
        self._handlers: dict[TopicKind, Callable[[bytes | str], None]] = {
            TopicKind.FRAMES: self._on_frame,
            TopicKind.STATUS: self._on_status,
            TopicKind.INFO: self._on_info,
            TopicKind.BUTTON: self._on_button,
        }

    # --- life cycle -------------------------------------------------------------------

    async def async_connect(self) -> None:
        """Subscribe to the pad's topics."""
        self.entry.async_on_unload(
            await mqtt.async_subscribe(
                self.hass,
                f"{self.prefix}/{self.pad_id}/+",
                self._on_message,
                qos=1,
                encoding=None,
            )
        )
        # Until the retained status arrives the pad counts as offline.
        self._schedule_offline_issue()

    @callback
    def async_stop(self) -> None:
        """End a running test as cancelled (its results are stored) and stop timers.

        The entry waits for the tasks this starts (storing the session, the stop cue) before
        it counts as unloaded; the subscription is removed by the entry.
        """
        if self._run is not None:
            self._end_run("entry unloaded")
        self._live_updates.async_shutdown()
        self._cancel_offline_issue()
        self._stop_watchdog()

    @property
    def device_info(self) -> DeviceInfo:
        """The pad's device."""
        return DeviceInfo(
            identifiers={(DOMAIN, self.entry.entry_id)},
            name=f"Balance pad {self.pad_id}",
            manufacturer="Retro Balance",
            model=self.info.model if self.info else None,
            sw_version=self.info.firmware if self.info else None,
            serial_number=self.pad_id,
        )

    # --- state for entities -----------------------------------------------------------

    @property
    def state(self) -> PadState:
        """Offline, idle, occupied or testing."""
        return pad_state(
            online=self.online, occupied=self._monitor.occupied, testing=self._run is not None
        )

    @property
    def weight_kg(self) -> float | None:
        """Live weight on the pad (median over the last second)."""
        return self._monitor.weight_kg

    @property
    def measured_rate_hz(self) -> float | None:
        """Samples per second actually received."""
        return self._monitor.measured_rate_hz

    @property
    def testing(self) -> bool:
        """Whether a test or daily check is running."""
        return self._run is not None

    @property
    def current_test(self) -> StanceTest | None:
        """The stance test running now."""
        return self._run.runner.current_test if self._run else None

    @property
    def elapsed_s(self) -> float | None:
        """Seconds held so far in the running test."""
        return self._run.runner.elapsed_s if self._run else None

    @property
    def dropped_frames(self) -> int:
        """Frames refused by the sequencer (duplicate, out of order, late) or lost on the way."""
        return self.rejected.total() + self.lost_frames

    @property
    def malformed_frames(self) -> int:
        """Messages refused by the parser."""
        return self.malformed.total()

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `listener` whenever the live state changes; returns the remover."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def async_add_session_listener(
        self, listener: Callable[[SessionRecord], None]
    ) -> CALLBACK_TYPE:
        """Call `listener` with every session once it is stored (new, assigned or deleted)."""
        self._session_listeners.append(listener)
        return lambda: self._session_listeners.remove(listener)

    @callback
    def async_notify(self) -> None:
        """Tell every entity of the pad that its state may have changed."""
        for listener in list(self._listeners):
            listener()

    # --- MQTT -------------------------------------------------------------------------

    @callback
    def _on_message(self, msg: mqtt.ReceiveMessage) -> None:
        parsed = parse_topic(msg.topic, self.prefix)
        if parsed is None or parsed[0] != self.pad_id:
            return
        if handler := self._handlers.get(parsed[1]):
            handler(msg.payload)

    @callback
    def _on_frame(self, payload: bytes | str) -> None:
        try:
            frame = parse_frame(payload)
        except ProtocolError as err:
            self._malformed(TopicKind.FRAMES, err)
            return
        check = self._sequencer.check(frame)
        if not check.accepted:
            self.rejected[check.verdict.value] += 1
            self._log_limited(
                f"frames:{check.verdict.value}",
                "Dropped a %s frame (seq %s) from pad %s",
                check.verdict.value,
                frame.seq,
                self.pad_id,
            )
            self._live_updates.async_schedule_call()
            return
        self.lost_frames += check.lost
        self._last_time_s = check.t_first_s + frame.duration_s
        self._last_frame_at = self.hass.loop.time()
        was_state = self.state
        self._monitor.feed(frame)
        if self._run is not None:
            self._feed_run(self._run, frame.cells_kg, check.t_first_s, frame.rate_hz)
        self._check_calibration()
        if self.state != was_state:
            self.async_notify()
        else:
            self._live_updates.async_schedule_call()

    @callback
    def _feed_run(
        self, run: _Run, cells_kg: npt.NDArray[np.float64], t_first_s: float, rate_hz: float
    ) -> None:
        if run.samples < MAX_RAW_SAMPLES:
            run.chunks.append(cells_kg)
            run.samples += cells_kg.shape[0]
            run.rate_hz = rate_hz
        if self._monitor.occupied and self._monitor.weight_kg is not None:
            run.weight_kg = self._monitor.weight_kg
        try:
            events = run.runner.feed(cells_kg, t_first_s, rate_hz)
        except Exception:
            # An engine bug must not escape into the MQTT callback or leave the pad "testing".
            LOGGER.exception("Pad %s: the test engine failed; the test is cancelled", self.pad_id)
            self._end_run("engine error")
            return
        self._handle_events(run, events)

    @callback
    def _handle_events(self, run: _Run, events: list[CheckEvent]) -> None:
        for event in events:
            if event.cue is not None:
                self._send_cue(event.cue)
            if event.kind is CheckEventKind.CHECK_FINISHED:
                self._finish_run(run)
        if events:
            self.async_notify()

    @callback
    def _on_status(self, payload: bytes | str) -> None:
        try:
            online = parse_status(payload)
        except ProtocolError as err:
            self._malformed(TopicKind.STATUS, err)
            return
        if online == self.online:
            return
        self.online = online
        if online:
            self._cancel_offline_issue()
            ir.async_delete_issue(self.hass, DOMAIN, self._issue_id(ISSUE_PAD_OFFLINE))
        else:
            self._schedule_offline_issue()
            if self._run is not None:
                self._end_run("pad went offline", signal_lost=True)
        self.async_notify()

    @callback
    def _on_info(self, payload: bytes | str) -> None:
        try:
            info = parse_info(payload)
        except ProtocolError as err:
            self._malformed(TopicKind.INFO, err)
            return
        ir.async_delete_issue(self.hass, DOMAIN, self._issue_id(ISSUE_UNSUPPORTED_VERSION))
        if info == self.info:
            return
        self.info = info
        self._sequencer.reset()
        device = dr.async_get(self.hass).async_get_device(
            identifiers={(DOMAIN, self.entry.entry_id)}
        )
        if device is not None:
            dr.async_get(self.hass).async_update_device(
                device.id, model=info.model, sw_version=info.firmware
            )
        self.async_notify()

    @callback
    def _on_button(self, payload: bytes | str) -> None:
        try:
            press = parse_button(payload)
        except ProtocolError as err:
            self._malformed(TopicKind.BUTTON, err)
            return
        try:
            if press.press == "short":
                self.async_start(DAILY_CHECK, None)
            else:
                self.async_cancel()
        except ServiceValidationError as err:
            LOGGER.info("Ignored a %s press on pad %s: %s", press.press, self.pad_id, err)

    @callback
    def _malformed(self, kind: TopicKind, err: ProtocolError) -> None:
        self.malformed[err.reason] += 1
        if err.reason == "wrong_version":
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                self._issue_id(ISSUE_UNSUPPORTED_VERSION),
                is_fixable=False,
                severity=ir.IssueSeverity.ERROR,
                translation_key=ISSUE_UNSUPPORTED_VERSION,
                translation_placeholders={
                    "pad_id": self.pad_id,
                    "version": str(err.version),
                },
            )
        self._log_limited(
            f"{kind.value}:{err.reason}",
            "Dropped a malformed %s message from pad %s: %s",
            kind.value,
            self.pad_id,
            err.message,
        )
        self._live_updates.async_schedule_call()

    def _log_limited(self, key: str, message: str, *args: object) -> None:
        """Log once per `LOG_INTERVAL_S` for each pad and reason (the counters see every case)."""
        now = monotonic()
        last = self._last_log.get(key)
        if last is not None and now - last < LOG_INTERVAL_S:
            return
        self._last_log[key] = now
        LOGGER.warning(message, *args)

    # --- commands ---------------------------------------------------------------------

    @property
    def _cmd_topic(self) -> str:
        return topic(self.prefix, self.pad_id, TopicKind.CMD)

    async def async_tare(self) -> None:
        """Ask the pad to zero its empty readings (the button is unavailable while offline)."""
        await mqtt.async_publish(self.hass, self._cmd_topic, encode_tare_command(), qos=1)

    @callback
    def _send_cue(self, cue: Cue) -> None:
        self.entry.async_create_task(self.hass, self._async_publish_cue(cue), f"cue {cue}")

    async def _async_publish_cue(self, cue: Cue) -> None:
        try:
            await mqtt.async_publish(self.hass, self._cmd_topic, encode_cue_command(cue), qos=1)
        except HomeAssistantError as err:
            LOGGER.warning("Could not send the %s cue to pad %s: %s", cue, self.pad_id, err)

    # --- tests ------------------------------------------------------------------------

    def _geometry(self) -> PadGeometry:
        if self.info is None:
            return WII_BALANCE_BOARD
        return PadGeometry(width_mm=self.info.width_mm, depth_mm=self.info.depth_mm)

    @callback
    def async_start(self, what: str, person_id: str | None) -> None:
        """Start the daily check (`DAILY_CHECK`) or one stance test, optionally for a person."""
        if not self.online:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="pad_offline",
                translation_placeholders={"pad_id": self.pad_id},
            )
        if self._run is not None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="test_running",
                translation_placeholders={"pad_id": self.pad_id},
            )
        if what == DAILY_CHECK:
            plan = daily_check_plan(self.entry.options)
            kind = SessionKind.DAILY_CHECK
        else:
            plan = single_test_plan(self.entry.options, StanceTest(what))
            kind = SessionKind.SINGLE_TEST
        self._run = _Run(
            runner=CheckRunner(plan, self._geometry()),
            kind=kind,
            selected_person_id=person_id or self.selected_person_id,
            started_at=dt_util.utcnow(),
        )
        self._last_frame_at = self.hass.loop.time()
        self._watchdog = async_track_time_interval(
            self.hass, self._watch_signal, timedelta(seconds=1)
        )
        LOGGER.debug("Pad %s: %s started", self.pad_id, what)
        self.async_notify()

    @callback
    def async_cancel(self) -> None:
        """Cancel the running test; results so far are kept as an incomplete session."""
        if self._run is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="no_test_running",
                translation_placeholders={"pad_id": self.pad_id},
            )
        self._end_run("cancelled")

    @callback
    def _end_run(self, why: str, *, signal_lost: bool = False) -> None:
        run = self._run
        assert run is not None
        LOGGER.debug("Pad %s: test ended early: %s", self.pad_id, why)
        try:
            if signal_lost:
                events = run.runner.lose_signal(self._last_time_s)
            else:
                events = run.runner.cancel(self._last_time_s)
        except Exception:
            LOGGER.exception("Pad %s: the test engine failed to stop; results dropped", self.pad_id)
            self._run = None
            self._stop_watchdog()
            self.async_notify()
            return
        self._handle_events(run, events)
        self._finish_run(run)
        self.async_notify()

    @callback
    def _stop_watchdog(self) -> None:
        if self._watchdog is not None:
            self._watchdog()
            self._watchdog = None

    @callback
    def _watch_signal(self, _now: datetime) -> None:
        """During a test the pad sends at least one frame a second; silence means trouble."""
        if self._run is not None and (
            self.hass.loop.time() - self._last_frame_at > SIGNAL_LOST_AFTER_S
        ):
            self._end_run("no frames", signal_lost=True)

    @callback
    def _finish_run(self, run: _Run) -> None:
        if self._run is not run:
            return
        self._run = None
        self._stop_watchdog()
        self.entry.async_create_task(
            self.hass, self._async_store_session(run), "store balance session"
        )

    async def _async_store_session(self, run: _Run) -> None:
        runner = run.runner
        results = tuple(runner.results)
        if not results:
            LOGGER.debug("Pad %s: nothing measured, no session stored", self.pad_id)
            return
        ended_at = dt_util.utcnow()
        identification = identify_person(
            run.weight_kg,
            list(self.people.values()),
            selected_person_id=run.selected_person_id,
            on_date=dt_util.as_local(run.started_at).date(),
        )
        record = SessionRecord(
            session_id=new_session_id(),
            pad_id=self.pad_id,
            person_id=identification.person_id,
            started_at=run.started_at,
            ended_at=ended_at,
            kind=run.kind,
            results=results,
            assessment=None,
            complete=runner.complete,
            incomplete_reason=runner.incomplete_reason,
            identified_by=identification.method,
        )
        if record.person_id is not None:
            record = assess_session(record, self.people[record.person_id])
        raw_cop = await self.hass.async_add_executor_job(self._raw_cop, run)
        await self.history.async_add(record, raw_cop)
        self.selected_person_id = None
        self.announce(record)

    def _raw_cop(self, run: _Run) -> RawCop:
        # A run with results has had frames, so there is at least one chunk.
        trace = centre_of_pressure(np.concatenate(run.chunks), self._geometry())
        return {
            "rate_hz": run.rate_hz,
            "ap_cm": [None if np.isnan(v) else round(float(v), 3) for v in trace.ap_cm],
            "ml_cm": [None if np.isnan(v) else round(float(v), 3) for v in trace.ml_cm],
        }

    @callback
    def announce(self, record: SessionRecord) -> None:
        """Tell entities about a stored (or changed) session."""
        for listener in list(self._session_listeners):
            listener(record)
        self.async_notify()

    # --- repairs ----------------------------------------------------------------------

    def _issue_id(self, kind: str) -> str:
        return f"{kind}_{self.entry.entry_id}"

    @callback
    def _schedule_offline_issue(self) -> None:
        self._cancel_offline_issue()
        self._offline_timer = async_call_later(
            self.hass, OFFLINE_ISSUE_AFTER_S, self._raise_offline_issue
        )

    @callback
    def _cancel_offline_issue(self) -> None:
        if self._offline_timer is not None:
            self._offline_timer()
            self._offline_timer = None

    @callback
    def _raise_offline_issue(self, _now: datetime) -> None:
        self._offline_timer = None
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self._issue_id(ISSUE_PAD_OFFLINE),
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_PAD_OFFLINE,
            translation_placeholders={"pad_id": self.pad_id},
        )

    @callback
    def _check_calibration(self) -> None:
        issue = self._monitor.calibration_issue
        if issue == self.calibration_issue:
            return
        self.calibration_issue = issue
        if issue is None:
            ir.async_delete_issue(self.hass, DOMAIN, self._issue_id(ISSUE_CALIBRATION))
            return
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self._issue_id(ISSUE_CALIBRATION),
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_CALIBRATION,
            translation_placeholders={"pad_id": self.pad_id, "problem": issue.message},
        )

    def diagnostics(self) -> dict[str, Any]:
        """Counters and state for the diagnostics download (no personal data)."""
        return {
            "pad_id": self.pad_id,
            "prefix": self.prefix,
            "online": self.online,
            "state": self.state.value,
            "info": None
            if self.info is None
            else {
                "model": self.info.model,
                "firmware": self.info.firmware,
                "rate_hz": self.info.rate_hz,
                "width_mm": self.info.width_mm,
                "depth_mm": self.info.depth_mm,
            },
            "measured_rate_hz": self.measured_rate_hz,
            "malformed": dict(self.malformed),
            "rejected": dict(self.rejected),
            "sequencer": self._sequencer.counters.as_dict(),
            "calibration_issue": None
            if self.calibration_issue is None
            else self.calibration_issue.message,
            "testing": self.testing,
        }
