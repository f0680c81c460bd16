"""The checks of what the host firmware sent: frames, rate, mass, status, chips and the hold.

Each raises `CheckFailedError` with the reason, against the bench's own numbers (bench.yaml) and
the integration's engine (protocol parser, sequencer, stance detector). Part of
check_host_firmware.py (scripts/check-firmware), run with the project's .venv.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable

import numpy as np
from host_listener import Listener, retained

from custom_components.retro_balance.engine.arrays import FloatArray
from custom_components.retro_balance.engine.detection.stance import StanceDetector
from custom_components.retro_balance.engine.detection.stance_result import StanceTest
from custom_components.retro_balance.engine.signal.cop import PadGeometry
from custom_components.retro_balance.engine.wire.messages import Frame, PadInfo
from custom_components.retro_balance.engine.wire.protocol import parse_frame, parse_status
from custom_components.retro_balance.engine.wire.sequencing import FrameSequencer
from devtools.firmware import Bench
from devtools.processes import wait_until

HOLD_TOLERANCE_S = 0.2
"""The stance detector's accuracy on simulated single-leg holds (docs/detection.md)."""
DRIFT_TOLERANCE_KG = 0.15
"""Empty-pad totals: the median of 4 corners × 20 g noise (bench.yaml) stays well within it."""
MASS_TOLERANCE_KG = 1.0
"""The person's 1 % vertical-force wobble (scripted_person.cpp) on top of the noise."""
STEP_ON_FRAMES = 8
"""Frames of stepping on left out of the person's mass: one second at 8 frames/s."""
RATE_TOLERANCE = 0.02
"""The bench's chips run up to 0.4 % apart and the slowest sets the pace (bench.yaml)."""
SETTLED_MS = 500
"""An empty frame this far (pad clock) from any loaded one holds no sample of stepping on or off."""
EMPTY_FRAMES_NEEDED = 3
"""Settled empty frames for a zero check: the empty pad sends one single-sample frame a second."""
OTHER_PULSE_COUNTS_ALLOWED = 0.01
"""Shared clock only: reads of a chip ending beyond 25 pulses after a host stall (check_chips)."""


class CheckFailedError(Exception):
    """What the firmware did wrong."""


def timed_frames(listener: Listener, since_s: float = 0.0) -> list[tuple[float, Frame]]:
    """Every frame since a time with its arrival time (a frame that does not parse fails)."""
    frames = []
    for message in listener.of("frames", since_s):
        try:
            frames.append((message.time_s, parse_frame(message.payload)))
        except ValueError as err:
            text = message.payload[:120]
            raise CheckFailedError(f"frame {text!r} does not parse: {err}") from err
    return frames


def parsed_frames(listener: Listener, since_s: float = 0.0) -> list[Frame]:
    """Every frame since a time, parsed."""
    return [frame for _, frame in timed_frames(listener, since_s)]


def totals_kg(frame: Frame) -> FloatArray:
    """Return the total load of each sample of a frame (NaN when a corner is missing)."""
    return np.asarray(frame.cells_kg.sum(axis=1))


def wait_for_frames(
    listener: Listener,
    accept: Callable[[list[Frame]], bool],
    *,
    what: str,
    timeout_s: float,
    since_s: float = 0.0,
    details: Callable[[], str] | None = None,
) -> list[Frame]:
    """Wait until the frames since a time satisfy `accept`; return them."""

    def accepted() -> list[Frame] | None:
        frames = parsed_frames(listener, since_s)
        if frames and not accept(frames):
            return None
        return frames  # empty (falsy, "last seen: []" on timeout) until the first frame

    return wait_until(accepted, what=what, timeout_s=timeout_s, details=details)


def check_sequence(frames: list[Frame]) -> None:
    """Every frame accepted by the integration's sequencer, none lost."""
    sequencer = FrameSequencer()
    for frame in frames:
        if not sequencer.check(frame).accepted:
            raise CheckFailedError(f"frame {frame.seq} not accepted by the sequencer")
    if sequencer.counters.lost:
        raise CheckFailedError(f"{sequencer.counters.lost} frames lost in sequence")


def measured_rate_hz(frames: list[Frame]) -> float:
    """Return the samples per second of consecutive full frames, by the pad's own clock."""
    steps = [
        (b.t_ms - a.t_ms) / a.cells_kg.shape[0]
        for a, b in itertools.pairwise(frames)
        if b.seq == a.seq + 1 and a.cells_kg.shape[0] == b.cells_kg.shape[0] > 1
    ]
    if len(steps) < 10:
        raise CheckFailedError(f"only {len(steps)} pairs of consecutive full frames")
    return 1000.0 / statistics.median(steps)


def check_rate(frames: list[Frame], info: PadInfo) -> float:
    """Full frames at the announced rate; returns the measured rate."""
    if any(f.rate_hz != info.rate_hz for f in frames):
        raise CheckFailedError(f"a frame's rate_hz differs from info's {info.rate_hz}")
    rate = measured_rate_hz([f for f in frames if f.cells_kg.shape[0] > 1])
    if abs(rate / info.rate_hz - 1) > RATE_TOLERANCE:
        raise CheckFailedError(f"samples arrive at {rate:.1f} Hz, info says {info.rate_hz}")
    return rate


def standing_mass_kg(frames: list[Frame], expected_kg: float) -> float:
    """Return the median total of the occupied frames after the first second of stepping on."""
    occupied = [f for f in frames if is_occupied(f)][STEP_ON_FRAMES:]
    if len(occupied) < STEP_ON_FRAMES:
        raise CheckFailedError(f"only {len(occupied)} frames carry the person after stepping on")
    mass = float(np.nanmedian(np.concatenate([totals_kg(f) for f in occupied])))
    if abs(mass - expected_kg) > MASS_TOLERANCE_KG:
        raise CheckFailedError(f"the pad reads {mass:.2f} kg of the person, {expected_kg} expected")
    return mass


def check_status(listener: Listener, port: int, base: str, expected: bool, since_s: float) -> None:
    """Check that the status went live to `expected` and is retained so."""
    wait_until(
        lambda: any(parse_status(m.payload) == expected for m in listener.of("status", since_s)),
        what=f"status {'online' if expected else 'offline'}",
        timeout_s=10,
    )
    kept = retained(port, base)
    if "status" not in kept or parse_status(kept["status"]) != expected:
        raise CheckFailedError(f"retained status is {kept.get('status')!r}, expected {expected}")


def check_chips(reports: dict[str, dict[str, int]], *, four_clocks: bool) -> str:
    """Check that the chips were read with 25 pulses; with four clocks, only when ready.

    With the shared clock, a read forced by the pad's 1.5-period timeout clocks a late chip too;
    if its own read had ended, a real HX711 counts those pulses as the 26th and later (another
    channel or gain next). On the ESP32 only a chip slower than 53 SPS or a dead one is ever late;
    on the host a stall of the process does it, so a few such reads are allowed there, while a
    firmware that sent the wrong pulse count would show it in every read.
    """
    if len(reports) != 4:
        raise CheckFailedError(f"the bench reported {len(reports)} chips, not 4")
    for cell, report in reports.items():
        allowed = 0 if four_clocks else OTHER_PULSE_COUNTS_ALLOWED * report["reads"]
        if report["other"] > allowed:
            raise CheckFailedError(f"HX711 {cell} was read with other than 25 pulses: {report}")
        if report["reads"] < 0.9 * report["conversions"]:
            raise CheckFailedError(f"HX711 {cell}: most conversions were not read: {report}")
        if four_clocks and report["busy"]:
            raise CheckFailedError(f"HX711 {cell} was clocked while converting: {report}")
    busy = sum(r["busy"] for r in reports.values())
    other = sum(r["other"] for r in reports.values())
    worst = max(reports.values(), key=lambda r: r["long"])
    return (
        f"busy clocks {busy}, reads ending with more than 25 pulses {other}, clock highs > 60 µs "
        f"up to {worst['long']} of {25 * worst['reads']} pulses per chip (host scheduling)"
    )


def time_the_hold(frames: list[Frame], info: PadInfo, bench: Bench) -> float:
    """Time the hold with the integration's stance detector; return its error (s)."""
    detector = StanceDetector(
        StanceTest(bench.person.test),
        geometry=PadGeometry(width_mm=info.width_mm, depth_mm=info.depth_mm),
    )
    for frame in frames:
        detector.feed(frame.cells_kg, frame.t_ms / 1000.0, frame.rate_hz)
        if detector.result is not None:
            break
    result = detector.result
    if result is None:
        raise CheckFailedError(f"the stance detector did not finish (phase {detector.phase})")
    error_s = result.hold_time_s - bench.person.hold_s
    if abs(error_s) > HOLD_TOLERANCE_S or result.end_reason.value != "touched_down":
        raise CheckFailedError(
            f"single-leg hold {result.hold_time_s:.3f} s ({result.end_reason.value}), "
            f"scripted {bench.person.hold_s} s"
        )
    return error_s


def stepped_off(frames: list[Frame], bench: Bench) -> bool:
    """Whether the person has stood on the pad and left it again."""
    totals = np.concatenate([totals_kg(f) for f in frames])
    on = np.flatnonzero(totals > 0.9 * bench.person.mass_kg)
    return on.size > 0 and bool(np.any(totals[on[-1] :] < 10))


def is_occupied(frame: Frame) -> bool:
    """Whether every complete sample of a frame carries someone (at least the idle threshold)."""
    totals = totals_kg(frame)
    finite = totals[np.isfinite(totals)]
    return bool(finite.size and finite.min() >= 10)


def is_empty(frame: Frame) -> bool:
    """Whether every sample of a frame is below the pad's idle threshold (nobody on it)."""
    totals = totals_kg(frame)
    finite = totals[np.isfinite(totals)]
    return bool(finite.size and finite.max() < 10)


def settled_empty(arrived: list[tuple[float, Frame]], after_s: float) -> list[Frame]:
    """Return the empty frames that arrived after a time, away from any stepping on or off.

    The first sample of stepping on can be below the idle threshold and so in an "empty" frame;
    with one sample a second on the empty pad, it would weigh in any median taken near it.
    """
    loaded_ms = np.array([f.t_ms for _, f in arrived if not is_empty(f)], dtype=np.float64)
    return [
        frame
        for time_s, frame in arrived
        if time_s > after_s
        and is_empty(frame)
        and (loaded_ms.size == 0 or np.abs(loaded_ms - frame.t_ms).min() >= SETTLED_MS)
    ]


def wait_for_settled_empty(
    listener: Listener, after_s: float, *, timeout_s: float, details: Callable[[], str]
) -> list[Frame]:
    """Wait for enough settled empty frames arriving after a time; return them."""

    def enough() -> list[Frame] | None:
        frames = settled_empty(timed_frames(listener), after_s)
        return frames if len(frames) >= EMPTY_FRAMES_NEEDED else None

    return wait_until(
        enough,
        what=f"{EMPTY_FRAMES_NEEDED} empty-pad frames away from stepping on or off",
        timeout_s=timeout_s,
        details=details,
    )


def check_empty(frames: list[Frame], expected_kg: float, when: str) -> None:
    """Check that the empty pad's total reads `expected_kg`."""
    if not frames:
        raise CheckFailedError(f"no empty-pad frames {when}")
    total = float(np.nanmedian(np.concatenate([totals_kg(f) for f in frames])))
    if abs(total - expected_kg) > DRIFT_TOLERANCE_KG:
        raise CheckFailedError(
            f"the empty pad reads {total:.3f} kg {when}, expected {expected_kg:.2f}"
        )
