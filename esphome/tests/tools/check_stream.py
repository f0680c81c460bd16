"""End to end: the firmware's C++ pipeline, fed a synthetic pad, read by the integration's engine.

Usage: check_stream.py STREAM_TOOL (run from the repository root with the project's .venv).
A 32 s scenario at 80 SPS: an empty pad whose tl cell has drifted by 0.6 kg, a 70 kg person who
steps on, sways (known ML/AP sinusoids) and steps off, with one spike, one saturated reading, one
late chip and a 60 ms gap. Every frame must parse with `engine.wire.protocol`, arrive in sequence,
and give back the person's weight and centre of pressure through `engine.signal.cop`.
"""

from __future__ import annotations

import math
import random
import subprocess
import sys

import numpy as np

from custom_components.retro_balance.engine.signal.cop import PadGeometry, centre_of_pressure
from custom_components.retro_balance.engine.wire.messages import Frame
from custom_components.retro_balance.engine.wire.protocol import parse_frame
from custom_components.retro_balance.engine.wire.sequencing import FrameSequencer

COUNTS_PER_KG = 20000
ZERO_COUNTS = 100000
PERIOD_S = 1 / 80
WIDTH_MM, DEPTH_MM = 433.0, 238.0
MASS_KG = 70.0
ON_S, OFF_S = 14.0, 24.0  # fully on the pad between these (0.5 s ramps before and after)
SPIKE_S, SATURATED_S, LATE_S, GAP_S = 16.0, 17.0, 18.0, 20.0


def true_cop_mm(t_s: float) -> tuple[float, float]:
    """Return the scenario's sway (ML, AP) in mm at time t_s."""
    return 10.0 * math.sin(2 * math.pi * 0.3 * t_s), 15.0 * math.sin(2 * math.pi * 0.2 * t_s)


def total_kg(t_s: float) -> float:
    """Return the scenario's load on the pad at time t_s."""
    if t_s < ON_S - 0.5 or t_s > OFF_S + 0.5:
        return 0.0
    if t_s < ON_S:
        return MASS_KG * (t_s - (ON_S - 0.5)) / 0.5
    if t_s > OFF_S:
        return MASS_KG * ((OFF_S + 0.5) - t_s) / 0.5
    return MASS_KG


def corner_loads_kg(t_s: float) -> list[float]:
    """Split the load so that its COP is the scenario's sway (tl, tr, bl, br)."""
    ml_mm, ap_mm = true_cop_mm(t_s)
    a, b = 2 * ml_mm / WIDTH_MM, 2 * ap_mm / DEPTH_MM
    quarter = total_kg(t_s) / 4
    return [
        quarter * (1 - a + b),
        quarter * (1 + a + b),
        quarter * (1 - a - b),
        quarter * (1 + a - b),
    ]


def scenario() -> list[str]:
    """Return the raw input lines of the stream tool."""
    rng = random.Random(4)
    lines = []
    n = 0
    while n * PERIOD_S < 32.0:
        t_s = n * PERIOD_S
        n += 1
        if GAP_S <= t_s < GAP_S + 0.06:
            continue
        counts: list[str] = []
        for cell, load in enumerate(corner_loads_kg(t_s)):
            drift_kg = 0.6 if cell == 0 else 0.0
            noisy = load + drift_kg + rng.gauss(0.0, 0.015)
            counts.append(str(ZERO_COUNTS + round(noisy * COUNTS_PER_KG)))
        if abs(t_s - SPIKE_S) < PERIOD_S / 2:
            counts[2] = str(int(counts[2]) + 100 * COUNTS_PER_KG)
        if abs(t_s - SATURATED_S) < PERIOD_S / 2:
            counts[1] = str(0x7FFFFF)
        if abs(t_s - LATE_S) < PERIOD_S / 2:
            counts[3] = "-"
        lines.append(f"{round(t_s * 1000)} {' '.join(counts)}")
    return lines


def main() -> int:
    """Run the scenario through the firmware pipeline and check what the engine makes of it."""
    output = subprocess.run(
        [sys.argv[1]],
        input="\n".join(scenario()) + "\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    tares = [line for line in output if line.startswith("# tare")]
    payloads = [line for line in output if not line.startswith("#")]
    frames: list[Frame] = []
    sequencer = FrameSequencer()
    for payload in payloads:
        if len(payload.encode()) >= 4096:
            return fail(f"frame of {len(payload)} bytes")
        frame = parse_frame(payload.encode())
        if not sequencer.check(frame).accepted:
            return fail(f"frame {frame.seq} not accepted by the sequencer")
        frames.append(frame)
    counters = sequencer.counters
    if counters.lost:
        return fail(f"{counters.lost} frames lost in sequence")

    def frames_between(start_s: float, end_s: float) -> list[Frame]:
        return [f for f in frames if start_s <= f.t_ms / 1000 < end_s]

    idle = frames_between(4.0, 13.0)
    if not 8 <= len(idle) <= 10 or any(f.cells_kg.shape[0] != 1 for f in idle):
        return fail(f"expected one single-sample frame a second while empty, got {len(idle)}")
    if not tares or not tares[0].startswith("# tare auto"):
        return fail(f"expected an automatic tare of the empty pad, got {tares}")
    tared_empty = np.concatenate([f.cells_kg for f in frames_between(11.0, 13.0)])
    if np.nanmax(np.abs(tared_empty)) > 0.1:
        return fail(f"empty pad after the tare reads up to {np.nanmax(np.abs(tared_empty)):.3f} kg")

    standing = frames_between(ON_S + 0.2, OFF_S - 0.2)
    short = [f for f in standing if f.cells_kg.shape[0] != 10]
    if len(short) != 1 or not GAP_S - 0.2 < short[0].t_ms / 1000 < GAP_S:
        return fail("full-rate frames carry 10 samples, except the one the gap closed early")
    for f in standing:
        last_s = f.t_ms / 1000 + (f.cells_kg.shape[0] - 1) / f.rate_hz
        if f.t_ms / 1000 < GAP_S <= last_s:
            return fail(f"frame {f.seq} spans the gap: its samples are not evenly spaced")
    cells = np.concatenate([f.cells_kg for f in standing])
    times_s = np.concatenate(
        [f.t_ms / 1000 + np.arange(f.cells_kg.shape[0]) / f.rate_hz for f in standing]
    )
    nulls = int(np.isnan(cells).sum())
    if nulls != 3:
        return fail(f"expected 3 nulls (spike, saturation, late chip) while standing, got {nulls}")
    trace = centre_of_pressure(cells, PadGeometry(width_mm=WIDTH_MM, depth_mm=DEPTH_MM))
    expected = np.array([true_cop_mm(t) for t in times_s]) / 10.0
    valid = ~np.isnan(trace.ml_cm)
    error_mm = 10.0 * np.max(
        np.abs(
            np.stack(
                [trace.ml_cm[valid] - expected[valid, 0], trace.ap_cm[valid] - expected[valid, 1]]
            )
        )
    )
    weight_kg = float(np.nanmedian(trace.total_kg))
    if error_mm > 0.5 or abs(weight_kg - MASS_KG) > 0.1:
        return fail(f"COP error up to {error_mm:.2f} mm, weight {weight_kg:.3f} kg")
    print(
        f"firmware: stream of {len(frames)} frames parsed by engine.wire.protocol, in sequence; "
        f"weight {weight_kg:.2f} kg, COP error <= {error_mm:.2f} mm, 3 nulls, "
        f"auto tare at {int(tares[0].split()[-1]) / 1000:.1f} s, "
        f"gap closed frame {short[0].seq} early"
    )
    return 0


def fail(message: str) -> int:
    """Report a failed check."""
    print(f"firmware: stream check FAILED: {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
