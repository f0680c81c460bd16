"""The test in progress on a pad: drives the engine's `CheckRunner` frame by frame.

A run is a daily check, one stance test, or single-leg practice (`practice` set: the coach's
plan and cues, `engine.coach.pad_practice`; the coordinator logs its holds, never a session).
`PadRuns` starts a run, feeds it every accepted frame, stops it (cancelled, pad offline, silence,
unload, Home Assistant stopping) and hands the finished run — results, who was selected, the raw
corner loads for the COP export — to its `RunListener`. While it runs, the listener also gets the
run as it would be stored if it ended now (`run_progress`): at the start, after every trial and
every `PROGRESS_INTERVAL_S` of a hold, so that it can be kept durable. When the pad's clock
restarts (reboot) or jumps, the engine never sees the new clock: a run that nobody has stepped on
yet starts over on it, any other ends at its last good sample (`pad_restarted`). An exception in
the engine ends the run; it never escapes into the MQTT callback or leaves the pad "testing".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, Protocol

from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from .const import LOGGER
from .engine.arrays import FloatArray
from .engine.clinical.session import SessionKind, new_session_id
from .engine.coach.pad_practice import practice_event
from .engine.coach.programme import HoldGoal
from .engine.detection.check_plan import CheckPlan
from .engine.detection.daily_check import CheckEvent, CheckEventKind, CheckRunner, IncompleteReason
from .engine.detection.guidance import CheckProgress, check_progress
from .engine.detection.stance_result import StanceResult, StanceTest
from .engine.signal.cop import PadGeometry
from .engine.wire.messages import Cue, Frame
from .engine.wire.sequencing import TimeBase

# A raw COP trace is kept for export up to this many samples per session (15 min at 80 Hz).
MAX_RAW_SAMPLES: Final = 72_000
# During a test the pad sends at least one frame a second (idle mode); this much silence ends it.
SIGNAL_LOST_AFTER_S: Final = 5.0
# During a hold, the run as it stands is handed on for safe keeping this often (wall clock).
PROGRESS_INTERVAL_S: Final = 2.0


@dataclass(frozen=True, kw_only=True)
class FinishedRun:
    """A run that ended (or would end now), with everything needed to store it as a session."""

    session_id: str
    """The id the session is stored under (chosen at the start, so it is stored only once)."""
    kind: SessionKind
    what: str
    """What was started: `DAILY_CHECK` or a stance test's value."""
    selected_person_id: str | None
    started_at: datetime
    ended_at: datetime
    planned_tests: tuple[StanceTest, ...]
    results: tuple[StanceResult, ...]
    complete: bool
    incomplete_reason: IncompleteReason | None
    weight_kg: float | None
    """The last weight measured while someone stood on the pad."""
    cells_kg: tuple[FloatArray, ...]
    """The corner loads of every frame, in order (at most `MAX_RAW_SAMPLES` samples)."""
    rate_hz: float
    geometry: PadGeometry
    practice: HoldGoal | None = None
    """The goal of a single-leg practice (None: a test, to be stored as a session)."""


class RunListener(Protocol):
    """Who hears from the run (the coordinator)."""

    def send_cue(self, cue: Cue) -> None:
        """Tell the person on the pad (a beep: start, pass, fail, stop)."""

    def check_moved_on(self, events: Sequence[CheckEvent]) -> None:
        """Take what happened in one frame (or a stop): trials started and finished, the end."""

    def run_finished(self, run: FinishedRun) -> None:
        """Take a run that ended (completed, cancelled or stopped) to store it."""

    def run_progress(self, run: FinishedRun) -> None:
        """Take the running run as it would be stored if it ended now (without raw loads)."""

    def signal_lost(self) -> None:
        """No frame arrived for `SIGNAL_LOST_AFTER_S` during a run."""


@dataclass(kw_only=True)
class _Run:
    runner: CheckRunner
    kind: SessionKind
    what: str
    selected_person_id: str | None
    started_at: datetime
    geometry: PadGeometry
    session_id: str
    practice: HoldGoal | None = None
    chunks: list[FloatArray] = field(default_factory=list)
    samples: int = 0
    rate_hz: float = 0.0
    weight_kg: float | None = None
    reason: IncompleteReason | None = None
    """Why the run ended, when the integration knows better than the engine."""
    progress_at: float = 0.0

    def finished(self) -> FinishedRun:
        runner = self.runner
        return FinishedRun(
            session_id=self.session_id,
            kind=self.kind,
            what=self.what,
            selected_person_id=self.selected_person_id,
            started_at=self.started_at,
            ended_at=dt_util.utcnow(),
            planned_tests=runner.plan.tests,
            results=tuple(runner.results),
            complete=runner.complete and self.reason is None,
            incomplete_reason=self.reason or runner.incomplete_reason,
            weight_kg=self.weight_kg,
            cells_kg=tuple(self.chunks),
            rate_hz=self.rate_hz,
            geometry=self.geometry,
            practice=self.practice,
        )

    def progress(self, time_s: float) -> FinishedRun:
        """Return the run as it would be stored if it ended at `time_s` (pad clock), no raw data."""
        results = self.runner.provisional_results(time_s, self.weight_kg or 0.0)
        return FinishedRun(
            session_id=self.session_id,
            kind=self.kind,
            what=self.what,
            selected_person_id=self.selected_person_id,
            started_at=self.started_at,
            ended_at=dt_util.utcnow(),
            planned_tests=self.runner.plan.tests,
            results=results,
            complete=False,
            incomplete_reason=IncompleteReason.INTERRUPTED,
            weight_kg=self.weight_kg,
            cells_kg=(),
            rate_hz=self.rate_hz,
            geometry=self.geometry,
            practice=self.practice,
        )


class PadRuns:
    """At most one run per pad: start, feed, stop."""

    def __init__(self, hass: HomeAssistant, pad_id: str, listener: RunListener) -> None:
        """Nothing runs yet."""
        self._hass = hass
        self._pad_id = pad_id
        self._listener = listener
        self._run: _Run | None = None
        self._last_time_s = 0.0
        self._last_frame_at = 0.0
        self._watchdog: CALLBACK_TYPE | None = None
        self._unsub_stop: CALLBACK_TYPE | None = None

    @callback
    def follow_hass_stop(self) -> None:
        """End and hand on a running test when Home Assistant stops (until `shutdown`)."""
        self._unsub_stop = self._hass.bus.async_listen_once(
            EVENT_HOMEASSISTANT_STOP, self._hass_stopping
        )

    @callback
    def _hass_stopping(self, _event: Event) -> None:
        """Home Assistant stops: the session is stored (written at the final write)."""
        self._unsub_stop = None
        if self._run is not None:
            self.stop(
                "Home Assistant is stopping", signal_lost=True, reason=IncompleteReason.INTERRUPTED
            )

    @property
    def running(self) -> bool:
        """Whether a test or daily check is running."""
        return self._run is not None

    @property
    def current_test(self) -> StanceTest | None:
        """The stance test running now."""
        return None if self._run is None else self._run.runner.current_test

    @property
    def elapsed_s(self) -> float | None:
        """Seconds held so far in the running test."""
        return None if self._run is None else self._run.runner.elapsed_s

    @property
    def progress(self) -> CheckProgress | None:
        """Where the running check is (None when nothing runs)."""
        return None if self._run is None else check_progress(self._run.runner)

    @callback
    def start(
        self,
        plan: CheckPlan,
        geometry: PadGeometry,
        *,
        kind: SessionKind,
        what: str,
        selected_person_id: str | None,
        practice: HoldGoal | None = None,
    ) -> None:
        """Start a run (the caller has checked that none is running and the pad is online)."""
        assert self._run is None
        self._run = _Run(
            runner=CheckRunner(plan, geometry),
            session_id=new_session_id(),
            kind=kind,
            what=what,
            selected_person_id=selected_person_id,
            started_at=dt_util.utcnow(),
            geometry=geometry,
            practice=practice,
        )
        self._last_frame_at = self._hass.loop.time()
        self._watchdog = async_track_time_interval(
            self._hass, self._watch_signal, timedelta(seconds=1)
        )
        LOGGER.debug("Pad %s: %s started", self._pad_id, kind)
        self._note_progress(self._run)

    @callback
    def feed(self, frame: Frame, t_first_s: float, weight_kg: float | None) -> bool:
        """Take an accepted frame; return whether the run visibly changed (events, ended)."""
        previous_time_s = self._last_time_s
        self._last_time_s = t_first_s + frame.duration_s
        self._last_frame_at = self._hass.loop.time()
        run = self._run
        if run is None:
            return False
        cells_kg = frame.cells_kg
        if run.samples < MAX_RAW_SAMPLES:
            run.chunks.append(cells_kg)
            run.samples += cells_kg.shape[0]
            run.rate_hz = frame.rate_hz
        if weight_kg is not None:
            run.weight_kg = weight_kg
        try:
            events = run.runner.feed(cells_kg, t_first_s, frame.rate_hz)
        except Exception:
            # An engine bug must not escape into the MQTT callback or leave the pad "testing".
            LOGGER.exception("Pad %s: the test engine failed; the test is cancelled", self._pad_id)
            self._last_time_s = previous_time_s  # the last sample the engine took
            self.stop("engine error")
            return True
        self._handle(run, events)
        return bool(events)

    @callback
    def time_base_changed(self, why: TimeBase) -> bool:
        """Prepare for a frame on a new clock; return whether the run visibly changed (it ended).

        Called before that frame is fed, so the run's last time is still on the old clock.
        """
        run = self._run
        if run is None:
            return False
        if run.runner.waiting_for_person:
            LOGGER.info(
                "Pad %s: %s before anyone stepped on; the test starts over on the new clock",
                self._pad_id,
                why,
            )
            run.runner = CheckRunner(run.runner.plan, run.geometry)
            run.chunks.clear()  # the empty pad on the old clock: not part of the test
            run.samples = 0
            return False
        LOGGER.warning(
            "Pad %s: %s during the test; it ends at the last sample before it", self._pad_id, why
        )
        self.stop(str(why), signal_lost=True, reason=IncompleteReason.PAD_RESTARTED)
        return True

    @callback
    def stop(
        self, why: str, *, signal_lost: bool = False, reason: IncompleteReason | None = None
    ) -> None:
        """End the running run early; its results so far are handed on as a finished run.

        `signal_lost`: the trial under way ends at its last good sample (else as cancelled);
        `reason`: why the session is incomplete, when it is not the engine's own reason.
        """
        run = self._run
        assert run is not None
        run.reason = reason
        LOGGER.debug("Pad %s: test ended early: %s", self._pad_id, why)
        try:
            if signal_lost:
                events = run.runner.lose_signal(self._last_time_s)
            else:
                events = run.runner.cancel(self._last_time_s)
        except Exception:
            LOGGER.exception(
                "Pad %s: the test engine failed to stop; results dropped", self._pad_id
            )
            self._clear()
            return
        self._handle(run, events)
        self._finish(run)

    @callback
    def shutdown(self, why: str) -> None:
        """End a running run at its last sample as `interrupted` (it is still handed on)."""
        if self._unsub_stop is not None:
            self._unsub_stop()
            self._unsub_stop = None
        if self._run is not None:
            self.stop(why, signal_lost=True, reason=IncompleteReason.INTERRUPTED)
        self._clear()

    def _handle(self, run: _Run, events: list[CheckEvent]) -> None:
        if run.practice is not None:
            events = [practice_event(event, run.practice) for event in events]
        if events:
            self._listener.check_moved_on(events)
        for event in events:
            if event.cue is not None:
                self._listener.send_cue(event.cue)
            if event.kind is CheckEventKind.CHECK_FINISHED:
                self._finish(run)
            elif event.kind is CheckEventKind.TRIAL_FINISHED:
                self._note_progress(run)

    def _note_progress(self, run: _Run) -> None:
        run.progress_at = self._hass.loop.time()
        self._listener.run_progress(run.progress(self._last_time_s))

    def _finish(self, run: _Run) -> None:
        if self._run is not run:
            return
        self._clear()
        self._listener.run_finished(run.finished())

    def _clear(self) -> None:
        self._run = None
        if self._watchdog is not None:
            self._watchdog()
            self._watchdog = None

    @callback
    def _watch_signal(self, _now: datetime) -> None:
        """Silence means trouble (the pad sends a frame a second); a hold is noted as it goes."""
        run = self._run
        if run is None:
            return
        now = self._hass.loop.time()
        if now - self._last_frame_at > SIGNAL_LOST_AFTER_S:
            self._listener.signal_lost()
        elif run.runner.holding and now - run.progress_at >= PROGRESS_INTERVAL_S:
            self._note_progress(run)
