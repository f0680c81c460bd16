"""Timing of the engine's hot paths; prints figures, never asserts them.

Run from the repository root: ``.venv/bin/python benchmarks/engine.py``.

1. ``sway_measures`` on a 60 s, 100 Hz trial (6,000 samples), against a straightforward
   SciPy-based reference (scipy.signal.welch per axis, scipy.stats.f.ppf, np.cov and
   eigenvalues) run in the same process on the same data. Target: ratio <= 1.0.
2. Preprocessing: the zero-phase low-pass (block state-space recursion) against
   scipy.signal.filtfilt, 1-D and two columns (target < 0.5 ms for 6,000 samples), and, for
   information, resampling 60 s of jittered 45 Hz pad data to 100 Hz.
3. The live stance detector: time per 10-sample frame, and the one frame that ends a test.
4. The pad protocol: parsing and encoding one 10-sample v1 frame (the integration parses every
   frame inside Home Assistant's event loop).
5. What every frame of every pad costs the integration's engine side in the event loop, test or
   no test: parse, put in order (``FrameSequencer``) and the pad monitor (occupancy, live
   weight, rate, cell checks), with the live weight asked for once a second as the coordinator
   does; ``benchmarks/load.py`` measures the whole of it inside Home Assistant.
"""

from __future__ import annotations

import math
import statistics
import sys
import timeit
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
from scipy import signal, stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from custom_components.retro_balance.engine.arrays import FloatArray
from custom_components.retro_balance.engine.signal.filtering import lowpass_zero_phase
from custom_components.retro_balance.engine.signal.measures import sway_measures
from custom_components.retro_balance.engine.signal.resample import resample_uniform

REPEATS = 15
FS_HZ = 100.0
DURATION_S = 60.0


def quiet_stance_trial(seed: int = 2016) -> tuple[FloatArray, FloatArray]:
    """A 60 s, 100 Hz random-walk COP trace of quiet-stance size (cm)."""
    rng = np.random.default_rng(seed)
    n = int(DURATION_S * FS_HZ)
    ap, ml = np.cumsum(rng.normal(0.0, 0.01, size=(2, n)), axis=1)
    return ap, ml


def reference_sway(ap: FloatArray, ml: FloatArray, fs_hz: float) -> dict[str, float]:
    """The same measures written the obvious way with SciPy."""
    n = ap.size
    duration_s = n / fs_hz
    steps = np.diff(np.column_stack((ap, ml)), axis=0)
    path_cm = float(np.sum(np.linalg.norm(steps, axis=1)))
    eigenvalues = np.linalg.eigvals(np.cov(ap, ml, ddof=1))
    k = stats.f.ppf(0.95, 2, n - 2) * 2 * (n - 1) * (n + 1) / (n * (n - 2))
    mean_hz, weights = [], []
    for axis in (ap, ml):
        f, p = signal.welch(axis - axis.mean(), fs_hz, nperseg=n // 2, noverlap=n // 4, nfft=n // 2)
        mean_hz.append(np.trapezoid(f * p, f) / np.trapezoid(p, f))
        weights.append(p.sum())
    return {
        "path_length_cm": path_cm,
        "mean_velocity_cm_s": path_cm / duration_s,
        "mean_velocity_ap_cm_s": float(np.sum(np.abs(np.diff(ap)))) / duration_s,
        "mean_velocity_ml_cm_s": float(np.sum(np.abs(np.diff(ml)))) / duration_s,
        "rms_ap_cm": float(np.std(ap)),
        "rms_ml_cm": float(np.std(ml)),
        "range_ap_cm": float(np.ptp(ap)),
        "range_ml_cm": float(np.ptp(ml)),
        "ellipse_area95_cm2": float(math.pi * k * np.sqrt(np.prod(eigenvalues.real))),
        "mean_frequency_hz": float(np.dot(mean_hz, weights) / np.sum(weights)),
    }


def median_seconds(call: Callable[[], object], number: int) -> float:
    """Median over REPEATS runs of the time per call, each run timing ``number`` calls."""
    runs = timeit.repeat(call, number=number, repeat=REPEATS)
    return statistics.median(runs) / number


def bench_sway_measures() -> None:
    """Section 1: sway_measures against the SciPy reference."""
    ap, ml = quiet_stance_trial()
    ours = sway_measures(ap, ml, FS_HZ).as_dict()
    reference = reference_sway(ap, ml, FS_HZ)
    worst = max(abs(ours[key] / value - 1) for key, value in reference.items())
    number = 50
    ours_s = median_seconds(lambda: sway_measures(ap, ml, FS_HZ), number)
    reference_s = median_seconds(lambda: reference_sway(ap, ml, FS_HZ), number)
    print(f"sway_measures, {ap.size} samples ({DURATION_S:g} s at {FS_HZ:g} Hz)")
    print(f"  engine (NumPy only):     {ours_s * 1e3:8.3f} ms  (median of {REPEATS} x {number})")
    print(f"  SciPy-based reference:   {reference_s * 1e3:8.3f} ms")
    print(f"  ratio engine/reference:  {ours_s / reference_s:8.3f}  (target <= 1.0)")
    print(f"  largest relative difference between the two: {worst:.1e}")


def bench_preprocessing() -> None:
    """Section 2: low-pass filter and resampling of one trial."""
    ap, _ = quiet_stance_trial()
    number = 5
    b, a = signal.butter(4, 10.0, fs=FS_HZ)
    both = np.column_stack((ap, ap[::-1]))
    print(f"lowpass_zero_phase, 10 Hz 4th order, {ap.size} samples (target < 0.5 ms)")
    for label, x in (("1-D     ", ap), ("2 columns", both)):
        ours_s = median_seconds(partial(lowpass_zero_phase, x, FS_HZ), 50)
        scipy_s = median_seconds(partial(signal.filtfilt, b, a, x, axis=0), 50)
        worst = np.abs(lowpass_zero_phase(x, FS_HZ) - signal.filtfilt(b, a, x, axis=0)).max()
        print(
            f"  {label} engine: {ours_s * 1e3:8.3f} ms   scipy filtfilt: {scipy_s * 1e3:8.3f} ms"
            f"   max difference / max |x|: {worst / np.abs(x).max():.0e}"
        )

    rng = np.random.default_rng(1)
    time_s = np.arange(int(DURATION_S * 45)) / 45 + rng.uniform(-0.005, 0.005, int(DURATION_S * 45))
    values = rng.normal(size=(time_s.size, 2))
    resample_s = median_seconds(lambda: resample_uniform(time_s, values, FS_HZ), number)
    print(f"resample_uniform, {time_s.size} jittered samples -> 100 Hz: {resample_s * 1e3:8.3f} ms")


# ---------------------------------------------------------------------------------------------
# Section 3: live stance detector (`engine/detection/stance.py`).
# ---------------------------------------------------------------------------------------------


def bench_stance_detector() -> None:
    """Section 3: cost of one 10-sample frame fed to the live detector (target well < 0.1 ms).

    A synthetic single-leg test (80 Hz, 10-sample frames, 20 g cell noise): every frame is timed
    on its own. The frame that ends the test also computes the sway measures once (filter and
    measures over the held part), so it is reported separately.
    """
    from custom_components.retro_balance.engine.detection.stance import StanceDetector
    from custom_components.retro_balance.engine.detection.stance_result import StanceTest
    from tests.engine.detection.synthetic_stance import single_leg

    stream = single_leg(1.0, seed=1, hold_s=40.0)
    per_frame, finishing = [], []
    for _ in range(REPEATS):
        detector = StanceDetector(StanceTest.SINGLE_LEG_RIGHT)
        for frame in stream.frames:
            start = timeit.default_timer()
            detector.feed(frame.cells_kg, frame.t_first_s, stream.rate_hz)
            elapsed = timeit.default_timer() - start
            if detector.result is not None:
                finishing.append(elapsed)
                break
            per_frame.append(elapsed)
    per_frame.sort()
    median_us = statistics.median(per_frame) * 1e6
    p99_us = per_frame[int(0.99 * (len(per_frame) - 1))] * 1e6
    print(
        f"StanceDetector.feed, 10-sample frame: median {median_us:6.1f} us, p99 {p99_us:6.1f} us "
        f"({len(per_frame)} frames); finishing frame with sway of 30 s: "
        f"{statistics.median(finishing) * 1e3:6.2f} ms"
    )


def bench_protocol() -> None:
    """Section 4: parse and encode one 10-sample frame (engine/wire/protocol.py)."""
    from custom_components.retro_balance.engine.wire.protocol import encode_frame, parse_frame

    cells_kg = np.random.default_rng(1).normal(17.5, 0.5, (10, 4))
    cells_kg[3, 2] = np.nan  # a missed reading, sent as null
    payload = (
        b'{"v":1,"seq":7,"t_ms":12000,"rate_hz":80,"cells":['
        + b",".join(
            b"[" + b",".join(b"null" if math.isnan(v) else b"%.3f" % v for v in row) + b"]"
            for row in cells_kg
        )
        + b"]}"
    )
    frame = parse_frame(payload)
    number = 2000
    parse_s = median_seconds(lambda: parse_frame(payload), number)
    encode_s = median_seconds(lambda: encode_frame(frame), number)
    print(
        f"protocol, 10-sample frame ({len(payload)} bytes): parse {parse_s * 1e6:6.1f} us, "
        f"encode {encode_s * 1e6:6.1f} us"
    )


def bench_frame_path() -> None:
    """Section 5: parse + sequencer + pad monitor per 10-sample frame of someone standing.

    Frame by frame (as while a test runs) and a second at a time (eight frames fed to the monitor
    as one run, as while no test runs: `PadMqtt` and `PadCoordinator`); and parse + sequencer
    alone, what `load.py`'s reader run adds to the baseline in the live process.
    """
    from custom_components.retro_balance.engine.detection.pad_state import PadMonitor
    from custom_components.retro_balance.engine.wire.messages import Frame
    from custom_components.retro_balance.engine.wire.protocol import encode_frame, parse_frame
    from custom_components.retro_balance.engine.wire.sequencing import FrameSequencer

    rng = np.random.default_rng(15)
    payloads = [
        encode_frame(
            Frame(
                seq=seq,
                t_ms=1000 + 125 * seq,
                rate_hz=80.0,
                cells_kg=rng.normal(17.5, 0.02, (10, 4)),
            )
        )
        for seq in range(800)
    ]

    def frame_by_frame() -> None:
        sequencer, monitor = FrameSequencer(), PadMonitor()
        for seq, payload in enumerate(payloads):
            frame = parse_frame(payload)
            if sequencer.check(frame).accepted:
                monitor.feed(frame)
                if monitor.occupied and seq % 8 == 0:
                    _ = monitor.shown_weight_kg

    def second_at_a_time() -> None:
        sequencer, monitor = FrameSequencer(), PadMonitor()
        for start in range(0, len(payloads), 8):
            frames = [parse_frame(payload) for payload in payloads[start : start + 8]]
            monitor.feed_all([frame for frame in frames if sequencer.check(frame).accepted])
            if monitor.occupied:
                _ = monitor.shown_weight_kg

    def read_only() -> None:
        sequencer = FrameSequencer()
        for payload in payloads:
            sequencer.check(parse_frame(payload))

    read_s = median_seconds(read_only, 1) / len(payloads)
    one_s = median_seconds(frame_by_frame, 1) / len(payloads)
    batch_s = median_seconds(second_at_a_time, 1) / len(payloads)
    print(
        f"every frame, parse + sequencer + pad monitor, per 10-sample frame ({len(payloads)} "
        f"frames, 100 s of one pad): one by one {one_s * 1e6:6.1f} us, a second at a time "
        f"{batch_s * 1e6:6.1f} us; read only (parse + sequencer) {read_s * 1e6:6.1f} us"
    )


def main() -> None:
    """Run every benchmark section."""
    bench_sway_measures()
    bench_preprocessing()
    bench_stance_detector()
    bench_protocol()
    bench_frame_path()


if __name__ == "__main__":
    main()
