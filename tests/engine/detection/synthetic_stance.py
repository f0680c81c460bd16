"""Synthetic pad streams with known answers, for the stance-detector tests.

A stream is built from segments (empty pad, stepping on, standing, a weight shift, a hold on one
leg, a touch-down, stepping off) that each set the body's load and the base position of the
centre of pressure (COP). Sway is added as low-pass filtered noise at plausible amplitudes
(quiet stance: about 1 cm/s mean speed; single-leg stance: ML speed 2–6 cm/s), the load turns into
four corner loads on a Wii-sized pad, each corner gets 20 g of noise, and samples at 80 Hz are cut
into 10-sample frames with jittered start times. ``truth`` records when each segment began.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from custom_components.retro_balance.engine.detection.stance import StanceDetector
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    StanceEvent,
    StanceResult,
    StanceTest,
)
from custom_components.retro_balance.engine.signal.cop import WII_BALANCE_BOARD, PadGeometry
from custom_components.retro_balance.engine.signal.measures import SwayMeasures

FloatArray = npt.NDArray[np.float64]

RATE_HZ = 80.0
FRAME_SAMPLES = 10
CORNER_NOISE_KG = 0.02
FRAME_JITTER_S = 0.003

QUIET_SWAY_CM = (0.35, 0.2)  # (AP, ML) RMS amplitudes of the slow sway component
QUIET_TREMOR_CM = (0.03, 0.02)
SLS_SWAY_CM = (0.55, 0.55)  # with the tremor: ML speed about 3.5 cm/s, RMS 0.6 cm
SLS_TREMOR_CM = (0.22, 0.3)
TANDEM_SWAY_CM = (0.35, 0.4)  # ML speed about 2 cm/s
TANDEM_TREMOR_CM = (0.1, 0.15)


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame as the pad sends it."""

    cells_kg: FloatArray
    t_first_s: float


@dataclass(slots=True)
class Stream:
    """A synthetic recording: its frames and when each scripted segment began."""

    frames: list[Frame]
    rate_hz: float
    truth: dict[str, float] = field(default_factory=dict)

    def run(self, detector: StanceDetector) -> list[StanceEvent]:
        """Feed every frame to ``detector``; returns all events."""
        events: list[StanceEvent] = []
        for frame in self.frames:
            events.extend(detector.feed(frame.cells_kg, frame.t_first_s, self.rate_hz))
        return events


class Script:
    """Builds a stream segment by segment; the COP base position and load carry over."""

    def __init__(self, *, seed: int, mass_kg: float = 70.0, rate_hz: float = RATE_HZ) -> None:
        self.rng = np.random.default_rng(seed)
        self.mass_kg = mass_kg
        self.rate_hz = rate_hz
        self.truth: dict[str, float] = {}
        self._ap: list[FloatArray] = []
        self._ml: list[FloatArray] = []
        self._load: list[FloatArray] = []
        self._sway: list[FloatArray] = []  # per sample: AP/ML sway and tremor amplitudes
        self._pos = (0.0, 0.0)
        self._kg = 0.0
        self._amp = np.zeros(4)

    @property
    def now_s(self) -> float:
        """Time at which the next segment begins."""
        return sum(a.size for a in self._ap) / self.rate_hz

    def mark(self, name: str) -> Script:
        """Record the current time as ``truth[name]``."""
        self.truth[name] = self.now_s
        return self

    def _segment(
        self,
        duration_s: float,
        *,
        to_pos: tuple[float, float] | None = None,
        to_kg: float | None = None,
        to_amp: tuple[float, float, float, float] | None = None,
    ) -> Script:
        n = round(duration_s * self.rate_hz)
        ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(1, n + 1) / n)  # smooth 0 → 1
        new_pos = self._pos if to_pos is None else to_pos
        new_kg = self._kg if to_kg is None else to_kg
        new_amp = self._amp if to_amp is None else np.asarray(to_amp, dtype=float)
        self._ap.append(self._pos[0] + (new_pos[0] - self._pos[0]) * ramp)
        self._ml.append(self._pos[1] + (new_pos[1] - self._pos[1]) * ramp)
        self._load.append(self._kg + (new_kg - self._kg) * ramp)
        self._sway.append(self._amp + np.outer(ramp, new_amp - self._amp))
        self._pos, self._kg, self._amp = new_pos, new_kg, new_amp
        return self

    def empty(self, duration_s: float) -> Script:
        """Nobody on the pad."""
        return self._segment(duration_s, to_kg=0.0, to_amp=(0, 0, 0, 0))

    def step_on(self, duration_s: float = 0.6, at: tuple[float, float] = (0.0, 0.0)) -> Script:
        """Load rises to body mass, COP arrives at ``at`` with quiet sway."""
        self._pos = at
        return self._segment(
            duration_s, to_kg=self.mass_kg, to_amp=(*QUIET_SWAY_CM, *QUIET_TREMOR_CM)
        )

    def stand(
        self, duration_s: float, amp: tuple[float, float, float, float] | None = None
    ) -> Script:
        """Stay where the COP is (optionally with a new sway amplitude from the start)."""
        if amp is not None:
            self._amp = np.asarray(amp, dtype=float)
        return self._segment(duration_s)

    def move(
        self,
        duration_s: float,
        to: tuple[float, float],
        amp: tuple[float, float, float, float] | None = None,
        kg: float | None = None,
    ) -> Script:
        """Move the COP base position smoothly to ``to`` (a weight shift, a touch-down, a step)."""
        return self._segment(duration_s, to_pos=to, to_amp=amp, to_kg=kg)

    def step_off(self, duration_s: float = 0.4) -> Script:
        """Load falls to zero."""
        return self._segment(duration_s, to_kg=0.0)

    def build(
        self,
        *,
        geometry: PadGeometry = WII_BALANCE_BOARD,
        noise_kg: float = CORNER_NOISE_KG,
        jitter_s: float = FRAME_JITTER_S,
        t0_s: float = 100.0,
    ) -> Stream:
        """Turn the script into frames of corner loads."""
        ap = np.concatenate(self._ap)
        ml = np.concatenate(self._ml)
        load = np.concatenate(self._load)
        amp = np.concatenate(self._sway)
        n = ap.size
        slow = np.column_stack([_sway_unit(self.rng, n, self.rate_hz, 0.35) for _ in range(2)])
        fast = np.column_stack([_sway_unit(self.rng, n, self.rate_hz, 0.06) for _ in range(2)])
        ap = ap + amp[:, 0] * slow[:, 0] + amp[:, 2] * fast[:, 0]
        ml = ml + amp[:, 1] * slow[:, 1] + amp[:, 3] * fast[:, 1]
        # Vertical force wobbles by about 1 % of body weight with the sway.
        load = load * (1.0 + 0.01 * _sway_unit(self.rng, n, self.rate_hz, 0.2))
        cells = corner_loads(ap, ml, load, geometry)
        cells += self.rng.normal(0.0, noise_kg, cells.shape)
        frames = []
        for first in range(0, n - FRAME_SAMPLES + 1, FRAME_SAMPLES):
            jitter = self.rng.uniform(-jitter_s, jitter_s)
            frames.append(
                Frame(
                    cells[first : first + FRAME_SAMPLES].copy(),
                    t0_s + first / self.rate_hz + jitter,
                )
            )
        truth = {name: t0_s + t for name, t in self.truth.items()}
        return Stream(frames, self.rate_hz, truth)


def corner_loads(
    ap_cm: FloatArray, ml_cm: FloatArray, load_kg: FloatArray, geometry: PadGeometry
) -> FloatArray:
    """Corner loads (tl, tr, bl, br) of a point load at (AP, ML), split bilinearly."""
    right = 0.5 + ml_cm / (geometry.width_mm / 10.0)
    front = 0.5 + ap_cm / (geometry.depth_mm / 10.0)
    return np.column_stack(
        (
            load_kg * (1 - right) * front,
            load_kg * right * front,
            load_kg * (1 - right) * (1 - front),
            load_kg * right * (1 - front),
        )
    )


def _sway_unit(rng: np.random.Generator, n: int, rate_hz: float, tau_s: float) -> FloatArray:
    """Zero-mean, unit-RMS noise low-passed twice with time constant ``tau_s``."""
    alpha = 1.0 - np.exp(-1.0 / (rate_hz * tau_s))
    x = rng.normal(size=n + int(5 * tau_s * rate_hz))
    for _ in range(2):
        y = np.empty_like(x)
        acc = 0.0
        for i, value in enumerate(x.tolist()):
            acc += alpha * (value - acc)
            y[i] = acc
        x = y
    x = x[-n:]
    x = x - x.mean()
    return x / np.sqrt(np.mean(x**2))


def drop_frames(stream: Stream, from_s: float, to_s: float) -> Stream:
    """The stream without frames starting in ``[from_s, to_s)`` (a hole in the MQTT stream)."""
    kept = [f for f in stream.frames if not from_s <= f.t_first_s < to_s]
    return Stream(kept, stream.rate_hz, dict(stream.truth))


def blank_samples(stream: Stream, fraction: float, seed: int) -> Stream:
    """The stream with a random ``fraction`` of samples missing (NaN in every corner)."""
    rng = np.random.default_rng(seed)
    frames = []
    for f in stream.frames:
        cells = f.cells_kg.copy()
        cells[rng.random(cells.shape[0]) < fraction] = np.nan
        frames.append(Frame(cells, f.t_first_s))
    return Stream(frames, stream.rate_hz, dict(stream.truth))


QUIET = (*QUIET_SWAY_CM, *QUIET_TREMOR_CM)
SLS = (*SLS_SWAY_CM, *SLS_TREMOR_CM)
WOBBLY_SLS = (0.75, 0.75, 0.35, 0.5)  # ML speed about 6 cm/s: unsteady but successful
TANDEM = (*TANDEM_SWAY_CM, *TANDEM_TREMOR_CM)


def single_leg(
    side: float,
    *,
    seed: int,
    hold_s: float,
    half_stance_cm: float = 8.0,
    shift_s: float = 0.5,
    touchdown_share: float = 0.35,
    touchdown_s: float = 0.12,
    mass_kg: float = 70.0,
    end: str = "touchdown",
    sway: tuple[float, float, float, float] = SLS,
) -> Stream:
    """Single-leg stance on the ``side`` foot (-1 left, +1 right) for ``hold_s``.

    ``truth``: ``lift`` (the weight shift completes: the other foot is in the air) and ``loss``
    (the lifted foot starts to touch down, taking ``touchdown_share`` of the weight, or with
    ``end="step_off"`` the person starts to step off the pad).
    """
    foot = side * half_stance_cm
    script = Script(seed=seed, mass_kg=mass_kg).empty(1.0).step_on().stand(3.0)
    script.move(shift_s, to=(0.0, foot), amp=sway).mark("lift").stand(hold_s).mark("loss")
    if end == "touchdown":
        back = foot - side * 2 * half_stance_cm * touchdown_share
        script.move(touchdown_s, to=(0.0, back)).move(0.5, to=(0.0, 0.0), amp=QUIET).stand(2.0)
    script.step_off().empty(1.0)
    return script.build()


def quiet(*, seed: int, stand_s: float, mass_kg: float = 70.0, eyes_closed: bool = False) -> Stream:
    """Quiet stance for ``stand_s`` after stepping on (``truth``: ``on``, ``off``)."""
    amp = tuple(1.6 * a for a in QUIET) if eyes_closed else QUIET
    script = Script(seed=seed, mass_kg=mass_kg).empty(1.0).mark("on").step_on()
    script.stand(stand_s, amp=amp).mark("off").step_off().empty(1.0)  # type: ignore[arg-type]
    return script.build()


def tandem(*, seed: int, hold_s: float, step_cm: float = 5.0, mass_kg: float = 70.0) -> Stream:
    """Tandem stance, then a sideways step of ``step_cm`` (``truth``: ``on``, ``loss``)."""
    script = Script(seed=seed, mass_kg=mass_kg).empty(1.0).mark("on").step_on(at=(0.5, 0.3))
    script.stand(0.5, amp=TANDEM).stand(hold_s).mark("loss").move(0.15, to=(0.5, 0.3 + step_cm))
    script.stand(2.0, amp=QUIET).step_off().empty(1.0)
    return script.build()


def sway(velocity: float = 1.0, ap: float = 0.7, ml: float = 0.5) -> SwayMeasures:
    """Sway measures of a 30-s trial with the given mean speeds (cm/s), for scoring tests."""
    return SwayMeasures(
        samples=2400,
        duration_s=30.0,
        path_length_cm=velocity * 30,
        mean_velocity_cm_s=velocity,
        mean_velocity_ap_cm_s=ap,
        mean_velocity_ml_cm_s=ml,
        rms_ap_cm=0.3,
        rms_ml_cm=0.2,
        range_ap_cm=1.5,
        range_ml_cm=1.0,
        ellipse_area95_cm2=2.0,
        mean_frequency_hz=0.3,
    )


def trial(test: StanceTest, hold_s: float = 30.0, **changes: object) -> StanceResult:
    """A finished trial (30-s cap): ``cap`` at 30 s, else ``touched_down``; quiet ones with sway."""
    quiet = test in (StanceTest.QUIET_EYES_OPEN, StanceTest.QUIET_EYES_CLOSED)
    base = StanceResult(
        test=test,
        hold_time_s=hold_s,
        cap_s=30.0,
        end_reason=EndReason.CAP if hold_s >= 30.0 else EndReason.TOUCHED_DOWN,
        started_at_s=0.0,
        body_mass_kg=70.0,
        sway=sway() if quiet else None,
        quality=frozenset(),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]
