"""The test in progress on a pad: drives the engine's `CheckRunner` frame by frame.

`PadRuns` starts a run, feeds it every accepted frame, stops it (cancelled, pad offline, silence,
unload) and hands the finished run — results, who was selected, the raw corner loads for the COP
export — to its `RunListener`. An exception in the engine ends the run; it never escapes into
the MQTT callback or leaves the pad "testing".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, Protocol

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from .const import LOGGER
from .engine.arrays import FloatArray
from .engine.clinical.session import SessionKind
from .engine.detection.check_plan import CheckPlan
from .engine.detection.daily_check import CheckEvent, CheckEventKind, CheckRunner, IncompleteReason
from .engine.detection.stance_result import StanceResult, StanceTest
from .engine.signal.cop import PadGeometry
from .engine.wire.messages import Cue, Frame

# A raw COP trace is kept for export up to this many samples per session (15 min at 80 Hz).
MAX_RAW_SAMPLES: Final = 72_000
# During a test the pad sends at least one frame a second (idle mode); this much silence ends it.
SIGNAL_LOST_AFTER_S: Final = 5.0


@dataclass(frozen=True, kw_only=True)
class FinishedRun:
    """A run that ended, with everything needed to store it as a session."""

    kind: SessionKind
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


class RunListener(Protocol):
    """Who hears from the run (the coordinator)."""

    def send_cue(self, cue: Cue) -> None:
        """Tell the person on the pad (a beep: start, pass, fail, stop)."""

    def run_finished(self, run: FinishedRun) -> None:
        """Take a run that ended (completed, cancelled or stopped) to store it."""

    def signal_lost(self) -> None:
        """No frame arrived for `SIGNAL_LOST_AFTER_S` during a run."""


@dataclass(kw_only=True)
class _Run:
    runner: CheckRunner
    kind: SessionKind
    selected_person_id: str | None
    started_at: datetime
    geometry: PadGeometry
    chunks: list[FloatArray] = field(default_factory=list)
    samples: int = 0
    rate_hz: float = 0.0
    weight_kg: float | None = None

    def finished(self) -> FinishedRun:
        runner = self.runner
        return FinishedRun(
            kind=self.kind,
            selected_person_id=self.selected_person_id,
            started_at=self.started_at,
            ended_at=dt_util.utcnow(),
            planned_tests=runner.plan.tests,
            results=tuple(runner.results),
            complete=runner.complete,
            incomplete_reason=runner.incomplete_reason,
            weight_kg=self.weight_kg,
            cells_kg=tuple(self.chunks),
            rate_hz=self.rate_hz,
            geometry=self.geometry,
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

    @callback
    def start(
        self,
        plan: CheckPlan,
        geometry: PadGeometry,
        *,
        kind: SessionKind,
        selected_person_id: str | None,
    ) -> None:
        """Start a run (the caller has checked that none is running and the pad is online)."""
        assert self._run is None
        self._run = _Run(
            runner=CheckRunner(plan, geometry),
            kind=kind,
            selected_person_id=selected_person_id,
            started_at=dt_util.utcnow(),
            geometry=geometry,
        )
        self._last_frame_at = self._hass.loop.time()
        self._watchdog = async_track_time_interval(
            self._hass, self._watch_signal, timedelta(seconds=1)
        )
        LOGGER.debug("Pad %s: %s started", self._pad_id, kind)

    @callback
    def feed(self, frame: Frame, t_first_s: float, weight_kg: float | None) -> bool:
        """Take an accepted frame; return whether the run visibly changed (events, ended)."""
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
            self.stop("engine error")
            return True
        self._handle(run, events)
        return bool(events)

    @callback
    def stop(self, why: str, *, signal_lost: bool = False) -> None:
        """End the running run early; its results so far are handed on as a finished run."""
        run = self._run
        assert run is not None
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
    def shutdown(self) -> None:
        """Stop a running run as cancelled (it is still handed on to be stored)."""
        if self._run is not None:
            self.stop("entry unloaded")
        self._clear()

    def _handle(self, run: _Run, events: list[CheckEvent]) -> None:
        for event in events:
            if event.cue is not None:
                self._listener.send_cue(event.cue)
            if event.kind is CheckEventKind.CHECK_FINISHED:
                self._finish(run)

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
        """During a test the pad sends at least one frame a second; silence means trouble."""
        if self._run is not None and (
            self._hass.loop.time() - self._last_frame_at > SIGNAL_LOST_AFTER_S
        ):
            self._listener.signal_lost()
