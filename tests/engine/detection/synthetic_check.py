"""A simulated person doing the daily check on a simulated pad, reacting to the runner's events.

Unlike a fixed recording, the person here follows the check as a real one follows the cues: after
`trial_started` they take the test's stance (feet together, tandem, or both feet then lifting one),
after `hold_started` they hold for the planned time and then lose balance (touch down, step
sideways or step off), after `trial_finished` they return to both feet (or step off for a while),
and after `check_finished` they step off. The corner loads are a point load split bilinearly over
a Wii-sized pad with low-pass filtered sway, a 1 % vertical-force wobble, 20 g of noise per corner,
80 Hz samples in 10-sample frames with jittered start times.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.signal import lfilter  # type: ignore[import-untyped]

from custom_components.retro_balance.engine.detection.daily_check import (
    CheckEvent,
    CheckEventKind,
    CheckRunner,
)
from custom_components.retro_balance.engine.detection.stance_result import StanceTest
from custom_components.retro_balance.engine.signal.cop import WII_BALANCE_BOARD, PadGeometry

FloatArray = npt.NDArray[np.float64]

RATE_HZ = 80.0
FRAME_SAMPLES = 10
CORNER_NOISE_KG = 0.02
FRAME_JITTER_S = 0.003

# (AP slow, ML slow, AP tremor, ML tremor) sway amplitudes in cm RMS.
QUIET_SWAY = (0.35, 0.2, 0.03, 0.02)
TANDEM_SWAY = (0.45, 0.45, 0.05, 0.06)
SLS_SWAY = (0.6, 0.45, 0.08, 0.08)

HALF_STANCE_CM = 8.0
"""Distance of each foot's centre from the midline (feet hip-width apart)."""
TANDEM_POSITION = (0.5, 0.3)
STEP_SHIFT_CM = 6.0
"""Moving a foot (into or out of tandem stance) first puts the weight on the other foot."""


@dataclass
class Trial:
    """How the person does one trial: hold `hold_s` (None: until the runner ends it), then `end`."""

    hold_s: float | None = None
    end: str = "lose_balance"  # or "step_off"
    away_s: float | None = None
    """After the trial: step off for this long (None: stay on); math.inf: never come back."""


@dataclass
class _Ramp:
    """A value moving smoothly (half-cosine) from `start` to `target` over [t0, t0 + duration]."""

    start: FloatArray
    target: FloatArray
    t0: float = 0.0
    duration: float = 0.0

    def at(self, time_s: float) -> FloatArray:
        if self.duration <= 0 or time_s >= self.t0 + self.duration:
            return self.target
        if time_s <= self.t0:
            return self.start
        share = 0.5 - 0.5 * math.cos(math.pi * (time_s - self.t0) / self.duration)
        return self.start + (self.target - self.start) * share

    def go(self, time_s: float, target: tuple[float, ...], duration: float) -> None:
        self.start = self.at(time_s)
        self.target = np.asarray(target, dtype=float)
        self.t0 = time_s
        self.duration = duration


def _unit_noise(rng: np.random.Generator, n: int, tau_s: float) -> FloatArray:
    """Zero-mean, unit-RMS noise low-passed twice with time constant `tau_s`."""
    alpha = 1.0 - math.exp(-1.0 / (RATE_HZ * tau_s))
    warmup = int(5 * tau_s * RATE_HZ)
    x = rng.normal(size=n + warmup)
    for _ in range(2):
        x = lfilter([alpha], [1.0, alpha - 1.0], x)
    x = x[warmup:]
    x -= x.mean()
    return np.asarray(x / np.sqrt(np.mean(x**2)), dtype=np.float64)


@dataclass
class SimulatedPerson:
    """Drives a `CheckRunner` with the corner loads of a person following the check."""

    runner: CheckRunner
    plan: dict[StanceTest, list[Trial]]
    seed: int = 0
    mass_kg: float = 70.0
    geometry: PadGeometry = WII_BALANCE_BOARD
    max_duration_s: float = 400.0
    t0_s: float = 1000.0
    events: list[CheckEvent] = field(default_factory=list)
    loss_at_s: list[float] = field(default_factory=list)
    """When each planned loss of balance began (pad clock), in trial order."""
    on_frame: Callable[[SimulatedPerson], None] | None = None

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)
        n = int(self.max_duration_s * RATE_HZ) + FRAME_SAMPLES
        self._slow = np.column_stack([_unit_noise(self.rng, n, 0.35) for _ in range(2)])
        self._fast = np.column_stack([_unit_noise(self.rng, n, 0.06) for _ in range(2)])
        self._wobble = _unit_noise(self.rng, n, 0.2)
        self._pos = _Ramp(np.zeros(2), np.zeros(2))
        self._kg = _Ramp(np.zeros(1), np.zeros(1))
        self._amp = _Ramp(np.zeros(4), np.zeros(4))
        self._actions: list[tuple[float, Callable[[float], None]]] = []
        self._trials_done: dict[StanceTest, int] = {}
        self._sample = 0
        self._in_tandem = False
        self._back_at_s = -math.inf
        self.time_s = self.t0_s
        self.after(1.0, self._step_on)

    # -- scheduling ----------------------------------------------------------------------------

    def after(self, delay_s: float, action: Callable[[float], None]) -> None:
        self._actions.append((self.time_s + delay_s, action))

    def _run_due(self, time_s: float) -> None:
        due = sorted((a for a in self._actions if a[0] <= time_s), key=lambda a: a[0])
        self._actions = [a for a in self._actions if a[0] > time_s]
        for when, action in due:
            action(when)

    # -- postures ------------------------------------------------------------------------------

    def _step_on(self, time_s: float) -> None:
        self._pos.go(time_s, (0.0, 0.0), 0.0)
        self._kg.go(time_s, (self.mass_kg,), 0.6)
        self._amp.go(time_s, QUIET_SWAY, 0.6)

    def _step_off(self, time_s: float) -> None:
        self._kg.go(time_s, (0.0,), 0.4)

    def _step_feet(self, time_s: float, target: tuple[float, float], duration_s: float) -> None:
        """Move a foot: the weight goes onto the left foot for 0.4 s, then to `target`."""
        self._pos.go(time_s, (0.0, -STEP_SHIFT_CM), 0.4)
        self._actions.append((time_s + 0.4, lambda when: self._pos.go(when, target, duration_s)))

    def _both_feet(self, time_s: float) -> None:
        if self._in_tandem:
            self._in_tandem = False
            self._step_feet(time_s, (0.0, 0.0), 0.5)
        else:
            self._pos.go(time_s, (0.0, 0.0), 0.5)
        self._amp.go(time_s, QUIET_SWAY, 0.5)

    def _take_stance(self, test: StanceTest, time_s: float) -> None:
        if test is StanceTest.TANDEM:
            self._in_tandem = True
            self._step_feet(time_s, TANDEM_POSITION, 0.5)
            self._amp.go(time_s, TANDEM_SWAY, 0.9)
        elif test.is_single_leg:
            self._both_feet(time_s)
            side = -1.0 if test is StanceTest.SINGLE_LEG_LEFT else 1.0

            def lift(when: float) -> None:
                self._pos.go(when, (0.0, side * HALF_STANCE_CM), 0.5)
                self._amp.go(when, SLS_SWAY, 0.5)

            self._actions.append((time_s + 3.0, lift))
        else:
            self._both_feet(time_s)

    def _lose_balance(self, test: StanceTest, end: str, time_s: float) -> None:
        self.loss_at_s.append(time_s)
        if end == "step_off":
            self._step_off(time_s)
        elif test.is_single_leg:
            side = -1.0 if test is StanceTest.SINGLE_LEG_LEFT else 1.0
            foot = side * HALF_STANCE_CM
            self._pos.go(time_s, (0.0, foot - side * 2 * HALF_STANCE_CM * 0.35), 0.12)
            self._actions.append((time_s + 0.12, self._both_feet))
        else:  # a sideways step out of tandem or quiet stance
            here = self._pos.at(time_s)
            self._pos.go(time_s, (float(here[0]), float(here[1]) + 5.0), 0.15)

    # -- reacting to the runner ----------------------------------------------------------------

    def _current_trial(self, test: StanceTest) -> Trial:
        done = self._trials_done.get(test, 0)
        trials = self.plan.get(test, [])
        return trials[done] if done < len(trials) else Trial()

    def _react(self, event: CheckEvent) -> None:
        test = event.test
        if event.kind is CheckEventKind.TRIAL_STARTED and test is not None:
            # Take the stance 0.8 s after the cue, or 1 s after coming back onto the pad.
            delay_s = max(0.8, self._back_at_s + 1.0 - self.time_s)
            self.after(delay_s, lambda when: self._take_stance(test, when))
        elif event.kind is CheckEventKind.HOLD_STARTED and test is not None:
            trial = self._current_trial(test)
            if trial.hold_s is not None:
                loss_s = event.time_s + trial.hold_s
                end = trial.end
                self._actions.append((loss_s, lambda when: self._lose_balance(test, end, when)))
        elif event.kind is CheckEventKind.TRIAL_FINISHED and test is not None:
            trial = self._current_trial(test)
            self._trials_done[test] = self._trials_done.get(test, 0) + 1
            if trial.away_s is not None:
                self._step_off(self.time_s)
                self._back_at_s = self.time_s + trial.away_s
                if math.isfinite(trial.away_s):
                    self.after(trial.away_s, self._step_on)
            elif trial.end != "step_off":
                self.after(0.3, self._both_feet)
            else:
                self._back_at_s = self.time_s + 2.0
                self.after(2.0, self._step_on)
        elif event.kind is CheckEventKind.CHECK_FINISHED:
            self.after(0.5, self._step_off)

    # -- the pad -------------------------------------------------------------------------------

    def next_frame(self) -> FloatArray:
        """Corner loads of the next 10 samples (and advance the clock)."""
        cells = np.empty((FRAME_SAMPLES, 4))
        for i in range(FRAME_SAMPLES):
            now = self.t0_s + self._sample / RATE_HZ
            self._run_due(now)
            k = self._sample
            ap, ml = self._pos.at(now)
            amp = self._amp.at(now)
            ap += amp[0] * self._slow[k, 0] + amp[2] * self._fast[k, 0]
            ml += amp[1] * self._slow[k, 1] + amp[3] * self._fast[k, 1]
            load = float(self._kg.at(now)[0]) * (1.0 + 0.01 * self._wobble[k])
            right = 0.5 + ml / (self.geometry.width_mm / 10.0)
            front = 0.5 + ap / (self.geometry.depth_mm / 10.0)
            cells[i] = (
                load * (1 - right) * front,
                load * right * front,
                load * (1 - right) * (1 - front),
                load * right * (1 - front),
            )
            self._sample += 1
        self.time_s = self.t0_s + self._sample / RATE_HZ
        return cells + self.rng.normal(0.0, CORNER_NOISE_KG, cells.shape)

    def run(self, *, max_s: float = 300.0) -> list[CheckEvent]:
        """Feed frames until the check finishes (or `max_s` of pad time); returns all events."""
        while not self.runner.finished and self.time_s - self.t0_s < max_s:
            first_s = self.t0_s + self._sample / RATE_HZ
            cells = self.next_frame()
            jitter = float(self.rng.uniform(-FRAME_JITTER_S, FRAME_JITTER_S))
            new = self.runner.feed(cells, first_s + jitter, RATE_HZ)
            self.events.extend(new)
            for event in new:
                self._react(event)
            if self.on_frame is not None:
                self.on_frame(self)
        return self.events
