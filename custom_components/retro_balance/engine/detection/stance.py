"""Live stance-test detector: a small state machine fed one pad frame at a time.

A test runs ``waiting_for_person → settling → (ready →) holding → finished``. Quiet and tandem
stance start as soon as the person has stood still for a settling period; single-leg stance
starts when the centre of pressure (COP) moves sideways to under the stance foot and stays there
(the other foot left the floor). The hold ends at the cap, when the lifted foot touches down or
the stance breaks (a COP jump), when the person steps off or grabs support (the load drops), or
when the stream stops. Timing follows the single-leg protocol of Springer et al. 2007 (J Geriatr
Phys Ther 30:8); every rule and threshold is explained in ``docs/detection.md``.

This module is the machine: the stream's clock and the phase changes. Each phase keeps its state
in its own module: waiting and settling in `stance_settling`, the single-leg lift in
`stance_lift`, the hold in `stance_hold`; `stance_trace` keeps the samples and measures the held
part once, when the test ends. Per sample the detector does a handful of float operations on
incremental state.
"""

from __future__ import annotations

import math
from typing import cast

import numpy.typing as npt

from ..signal.cop import WII_BALANCE_BOARD, PadGeometry, half_size_cm
from ..signal.measures import SwayMeasures
from .stance_config import DetectorConfig
from .stance_hold import Ending, Hold
from .stance_lift import LiftWatch
from .stance_result import (
    ABORTING_REASONS,
    EndReason,
    QualityFlag,
    StanceEvent,
    StanceEventKind,
    StancePhase,
    StanceResult,
    StanceTest,
)
from .stance_settling import Settled, Settling
from .stance_trace import (
    SmoothedCop,
    StanceTrace,
    StreamClock,
    TraceFrame,
    corner_rows,
    frame_clock,
)

SIDES = {StanceTest.SINGLE_LEG_LEFT: -1.0, StanceTest.SINGLE_LEG_RIGHT: 1.0}
"""Direction (ML, cm) in which the COP moves when the other foot lifts; 0 for other tests."""


class StanceDetector:
    """Times one stance test from a stream of corner-load frames (see the module docstring)."""

    def __init__(
        self,
        test: StanceTest,
        config: DetectorConfig | None = None,
        geometry: PadGeometry = WII_BALANCE_BOARD,
        *,
        requires_repositioning: bool = False,
    ) -> None:
        """Prepare to time ``test`` with ``config`` (default rules if ``None``) on ``geometry``.

        ``requires_repositioning``: the person is already on the pad in another posture (a trial
        that follows another one in a check); the test may only settle after they have moved
        their feet (see :attr:`repositioned`). Stepping onto the pad counts as moving.
        """
        try:
            self._test = StanceTest(test)
        except ValueError:
            allowed = ", ".join(member.value for member in StanceTest)
            raise ValueError(f"unknown stance test {test!r}; expected one of: {allowed}") from None
        if config is None:
            config = DetectorConfig()
        if not isinstance(config, DetectorConfig):
            raise ValueError(f"config must be a DetectorConfig, got {type(config).__name__}")
        if not isinstance(geometry, PadGeometry):
            raise ValueError(f"geometry must be a PadGeometry, got {type(geometry).__name__}")
        if not isinstance(requires_repositioning, bool):
            raise ValueError(
                f"requires_repositioning must be True or False, got {requires_repositioning!r}"
            )
        self._config = config
        self._geometry = geometry
        self._side = SIDES.get(self._test, 0.0)
        self._requires_repositioning = requires_repositioning
        self._phase = StancePhase.WAITING_FOR_PERSON
        self._result: StanceResult | None = None
        self._events: list[StanceEvent] = []
        self._stream = StreamClock()
        self._cop = SmoothedCop()
        self._trace = StanceTrace(geometry, config.presence_kg)
        self._half_size_cm = half_size_cm(geometry)
        self._settling = Settling(self._test, config, requires_repositioning=requires_repositioning)
        self._settled: Settled | None = None
        self._lift: LiftWatch | None = None
        self._hold: Hold | None = None

    @property
    def test(self) -> StanceTest:
        """The test this detector times."""
        return self._test

    @property
    def config(self) -> DetectorConfig:
        """The rules in use."""
        return self._config

    @property
    def phase(self) -> StancePhase:
        """Where the test is now."""
        return self._phase

    @property
    def requires_repositioning(self) -> bool:
        """Whether this test waits for the person to move their feet before it can settle."""
        return self._requires_repositioning

    @property
    def repositioned(self) -> bool:
        """False while a required repositioning has not been seen yet (True if none is required)."""
        return self._settling.repositioning.done

    @property
    def body_mass_kg(self) -> float | None:
        """Body mass measured while settling, once known."""
        return None if self._settled is None else self._settled.body_mass_kg

    @property
    def elapsed_s(self) -> float:
        """Hold time so far (0 before the hold starts; the final hold time once finished)."""
        if self._result is not None:
            return self._result.hold_time_s
        last_s = self._stream.last_s
        if self._hold is None or last_s is None:
            return 0.0
        return min(max(last_s - self._hold.start_s, 0.0), self._config.cap_s)

    @property
    def result(self) -> StanceResult | None:
        """The result once the test has finished, else ``None``."""
        return self._result

    def feed(self, cells_kg: npt.ArrayLike, t_first_s: float, rate_hz: float) -> list[StanceEvent]:
        """Process one frame of corner loads ``(n, 4)`` (tl, tr, bl, br; NaN = missed reading).

        ``t_first_s`` is the pad-clock time of the first sample, ``rate_hz`` the sampling rate.
        Returns the events the frame caused, in time order. After the test has finished, frames
        are ignored.
        """
        loads = corner_rows(cells_kg)
        t0, rate = frame_clock(t_first_s, rate_hz)
        if self._phase is StancePhase.FINISHED or loads.shape[0] == 0:
            return []
        stream = self._stream
        period_s = 1.0 / rate
        if stream.last_s is not None and t0 <= stream.last_s - period_s:
            raise ValueError(
                f"frame starts at {t0:.4f} s, before the previous sample at "
                f"{stream.last_s:.4f} s; feed frames in time order"
            )
        if rate != stream.rate_hz:
            stream.rate_hz = rate
            self._cop.set_period(period_s, self._config)
        if stream.first_s is None:
            stream.first_s = t0
        self._events = []

        # Plain Python floats per sample: NumPy calls on ten samples would cost more than the
        # arithmetic. NaN compares False, so a usable sample is also a finite one.
        rows = cast(list[list[float]], loads.tolist())
        low_kg = self._config.negative_corner_kg
        usable = [
            tl >= low_kg and tr >= low_kg and bl >= low_kg and br >= low_kg
            for tl, tr, bl, br in rows
        ]
        self._trace.append(TraceFrame(loads, t0, period_s, usable))

        jump_kg = self._config.jump_kg
        presence_kg = self._config.presence_kg
        half_width_cm, half_depth_cm = self._half_size_cm
        for i, (tl, tr, bl, br) in enumerate(rows):
            time_s = t0 + i * period_s
            stream.last_s = time_s
            if not usable[i]:
                continue
            total = tl + tr + bl + br
            last_total = stream.last_total_kg
            if (
                last_total is not None
                and abs(total - last_total) > jump_kg
                and stream.spike_run < 2
            ):
                # A lone spike is ignored; a third jump in a row is taken as a real new level.
                stream.spike_run += 1
                usable[i] = False
                continue
            stream.spike_run = 0
            # The formulas of `centre_of_pressure`, in its order of operations.
            if total >= presence_kg and total > 0:
                ml_cm = half_width_cm * ((tr + br) - (tl + bl)) / total
                ap_cm = half_depth_cm * ((tl + tr) - (bl + br)) / total
            else:
                ap_cm = ml_cm = math.nan
            self._sample(time_s, total, ap_cm, ml_cm)
            if self._result is not None:
                break
        if self._result is None:
            self._after_frame(t0 + (len(rows) - 1) * period_s)
        if self._phase is StancePhase.WAITING_FOR_PERSON:
            self._trace.clear()
        return self._events

    def cancel(self, time_s: float) -> StanceResult:
        """End the test now (``cancelled``); returns the result (the existing one if finished)."""
        if self._result is not None:
            return self._result
        if isinstance(time_s, bool) or not isinstance(time_s, int | float):
            raise ValueError(f"time_s must be a number, got {time_s!r}")
        if not math.isfinite(time_s):
            raise ValueError(f"time_s must be finite, got {time_s!r}")
        self._events = []
        return self._finish(EndReason.CANCELLED, float(time_s))

    def lose_signal(self) -> StanceResult:
        """End the test because frames stopped arriving (``signal_lost``) at the last good sample.

        For the integration's watchdog when no frame comes at all; a gap inside the stream is
        detected by :meth:`feed` itself.
        """
        if self._result is not None:
            return self._result
        self._events = []
        stream = self._stream
        end_s = stream.last_valid_s if stream.last_valid_s is not None else (stream.last_s or 0.0)
        return self._finish(EndReason.SIGNAL_LOST, end_s)

    # -- per sample ------------------------------------------------------------------------

    def _sample(self, time_s: float, total_kg: float, ap_cm: float, ml_cm: float) -> None:
        """Advance the state machine by one usable sample."""
        cfg = self._config
        stream = self._stream
        last = stream.last_valid_s
        if last is not None and time_s - last > cfg.max_gap_s:
            self._on_long_gap(last)
            if self._phase is StancePhase.FINISHED:
                return
        stream.last_valid_s = time_s
        stream.last_total_kg = total_kg
        present = total_kg >= cfg.presence_kg
        self._cop.update(present, ap_cm, ml_cm)

        phase = self._phase
        settling = self._settling
        if phase is StancePhase.HOLDING:
            assert self._hold is not None
            if ending := self._hold.sample(time_s, total_kg, present, self._cop):
                self._finish(*ending)
        elif phase is StancePhase.WAITING_FOR_PERSON:
            if not present:
                settling.repositioning.seen_empty = True
            else:
                self._phase = StancePhase.SETTLING
                self._emit(StanceEventKind.STEPPED_ON, time_s)
                settling.step_on(time_s, total_kg, ap_cm, ml_cm, self._cop)
        elif not present:
            if settling.left(time_s):
                self._back_to_waiting()
        else:
            settling.absent_since_s = None
            if phase is StancePhase.SETTLING:
                if settled := settling.sample(time_s, total_kg, self._cop, self._trace):
                    self._on_settled(settled)
            else:
                assert self._lift is not None
                if lift := self._lift.sample(time_s, self._cop.ml_cm, self._trace):
                    self._start_hold(lift[0], lift[1], 0.0)

    # -- transitions -----------------------------------------------------------------------

    def _on_settled(self, settled: Settled) -> None:
        """Settled: single-leg stance waits for the lift, the others start their hold."""
        self._settled = settled
        self._emit(StanceEventKind.SETTLED, settled.at_s)
        if self._test.is_single_leg:
            self._phase = StancePhase.READY
            self._lift = LiftWatch(self._side, settled, self._config)
        else:
            self._start_hold(settled.at_s, settled.base_ml_cm, settled.base_ap_cm)

    def _start_hold(self, start_s: float, ref_a: float, ref_b: float) -> None:
        """Enter the hold; ``ref_a``/``ref_b`` are the stance position the loss rules compare to."""
        settled = self._settled
        assert settled is not None
        self._phase = StancePhase.HOLDING
        self._hold = Hold(
            start_s,
            ref_a,
            ref_b,
            side=self._side,
            quiet=self._test.is_quiet,
            body_mass_kg=settled.body_mass_kg,
            base_ml_cm=settled.base_ml_cm,
            rate_hz=self._stream.rate_hz,
            config=self._config,
        )
        self._emit(StanceEventKind.STARTED, start_s)

    def _back_to_waiting(self) -> None:
        """Wait for someone to step on again: the person left before the hold started."""
        self._phase = StancePhase.WAITING_FOR_PERSON
        self._settling.wait_again()
        self._lift = None
        self._settled = None

    def _on_long_gap(self, last_valid_s: float) -> None:
        """Handle a hole longer than ``max_gap_s``: end a hold, restart settling, else nothing."""
        if self._phase is StancePhase.HOLDING:
            self._finish(EndReason.SIGNAL_LOST, last_valid_s)
        elif self._phase in (StancePhase.SETTLING, StancePhase.READY):
            self._phase = StancePhase.SETTLING
            self._lift = None
            self._cop.valid = False
            self._settling.window.count = 0  # the next sample starts a new steady window

    def _after_frame(self, last_s: float) -> None:
        """Frame-level checks: a hold's cap or a long hole without samples; timeouts."""
        cfg = self._config
        stream = self._stream
        ending: Ending | None = None
        if self._phase is StancePhase.HOLDING:
            assert self._hold is not None
            if stream.last_valid_s is not None and last_s - stream.last_valid_s > cfg.max_gap_s:
                ending = EndReason.SIGNAL_LOST, stream.last_valid_s
            elif last_s - self._hold.start_s >= cfg.cap_s:
                ending = EndReason.CAP, self._hold.cap_end_s
        elif self._phase is StancePhase.WAITING_FOR_PERSON:
            assert stream.first_s is not None
            if last_s - stream.first_s >= cfg.wait_timeout_s:
                ending = EndReason.TIMED_OUT, last_s
        else:
            stepped_on_s = self._settling.stepped_on_s
            if stepped_on_s is not None and last_s - stepped_on_s >= cfg.start_timeout_s:
                ending = EndReason.TIMED_OUT, last_s
        if ending is not None:
            self._finish(*ending)

    def _finish(self, reason: EndReason, end_s: float) -> StanceResult:
        """Close the test: hold time, quality flags and the sway of the held part."""
        cfg = self._config
        quality: set[QualityFlag] = set()
        sway: SwayMeasures | None = None
        hold_s = 0.0
        start_s = None if self._hold is None else self._hold.start_s
        if start_s is not None:
            hold_s = (
                cfg.cap_s if reason is EndReason.CAP else min(max(end_s - start_s, 0.0), cfg.cap_s)
            )
            quality |= self._trace.signal_quality(start_s, start_s + hold_s, cfg)
            sway = self._trace.sway(start_s, start_s + hold_s, self._stream.rate_hz, cfg)
        if reason in ABORTING_REASONS:
            quality.add(QualityFlag.ABORTED)
        if reason is EndReason.SIGNAL_LOST:
            quality.add(QualityFlag.GAPS)
        too_light_kg = self._settling.too_light_kg
        if too_light_kg is not None:
            quality.add(QualityFlag.TOO_LIGHT)
        mass_kg = self.body_mass_kg or too_light_kg or 0.0
        if (
            reason is EndReason.TIMED_OUT
            and self._settling.stepped_on_s is not None
            and not mass_kg
        ):
            # Someone stood on the pad but never settled: record their load, so that the result
            # says "position not taken" rather than "nobody came" (clinical/outcomes.py).
            last_kg = self._stream.last_total_kg or 0.0
            mass_kg = last_kg if last_kg >= cfg.min_body_mass_kg else 0.0
        self._result = StanceResult(
            test=self._test,
            hold_time_s=hold_s,
            cap_s=cfg.cap_s,
            end_reason=reason,
            started_at_s=end_s if start_s is None else start_s,
            body_mass_kg=mass_kg,
            sway=sway,
            quality=frozenset(quality),
        )
        self._phase = StancePhase.FINISHED
        self._trace.clear()
        self._emit(StanceEventKind.FINISHED, end_s)
        return self._result

    def _emit(self, kind: StanceEventKind, time_s: float) -> None:
        """Report an event from the current feed."""
        self._events.append(StanceEvent(kind=kind, time_s=time_s))
