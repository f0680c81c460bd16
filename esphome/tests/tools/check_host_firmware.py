"""The pad's real firmware, built for this machine, on a loopback mosquitto: what the broker sees.

Usage: check_host_firmware.py [--four-clocks]   (from the repository root with the project's
.venv and PYTHONPATH=., after `scripts/firmware-host --build-only [--four-clocks]`).

The host build (esphome/tests/host/) runs the unchanged `balance_pad` component on four simulated
HX711 that carry a scripted person (bench.yaml). With the shared clock this checks, on the wire:
`online` as a live and a retained status and a retained `info`; frames that `engine.protocol`
parses and `engine.sequencing` finds in sequence, at the configured rate, with the drift of the
empty pad until a tare command removes it, then the person's mass; a cue and an invalid command
obeyed and refused; the single-leg hold timed by `engine.stance` within ±0.2 s of the script;
`offline` on a clean stop; the tare's zeros restored at the next start from the same preferences;
`offline` as the last will when that process is killed. Every chip must have been read with
exactly 25 pulses. With --four-clocks a shorter run checks the frames and that no chip was ever
clocked while converting. Prints one line of figures or fails with the reason.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from custom_components.retro_balance.engine.detection.stance import StanceDetector
from custom_components.retro_balance.engine.detection.stance_result import StanceTest
from custom_components.retro_balance.engine.signal.cop import PadGeometry
from custom_components.retro_balance.engine.wire.messages import Frame, PadInfo
from custom_components.retro_balance.engine.wire.protocol import (
    encode_cue_command,
    encode_tare_command,
    parse_frame,
    parse_info,
    parse_status,
)
from custom_components.retro_balance.engine.wire.sequencing import FrameSequencer
from devtools.firmware import Bench, firmware, load_bench, pad_topic_base
from devtools.mosquitto import Mosquitto
from devtools.processes import LOCALHOST, ManagedProcess, stop_all, wait_until

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
OTHER_PULSE_COUNTS_ALLOWED = 0.01
"""Shared clock only: reads of a chip ending beyond 25 pulses after a host stall (check_chips)."""
ANSI = re.compile(r"\x1b\[[0-9;]*m")
CHIP_REPORT = re.compile(
    r"HX711 (?P<cell>\w+): (?P<conversions>\d+) conversions, (?P<reads>\d+) read, \d+ lost, "
    r"(?P<dropped>\d+) dropped during a read, (?P<other>\d+) other pulse counts, "
    r"(?P<busy>\d+) busy clocks, (?P<long>\d+) clock highs > 60 us"
)


class CheckFailedError(Exception):
    """What the firmware did wrong."""


@dataclass(frozen=True)
class Message:
    """One MQTT message as received, with the check's clock."""

    time_s: float
    kind: str
    payload: bytes
    retained: bool


class Listener:
    """An MQTT client that records every message under the pad's topics."""

    def __init__(self, port: int, base: str) -> None:
        """Connect to the broker and subscribe to `base/#`."""
        self.base = base
        self.messages: list[Message] = []
        self._lock = threading.Lock()
        self._client = mqtt.Client(CallbackAPIVersion.VERSION2)
        self._client.on_message = self._on_message
        self._client.connect(LOCALHOST, port)
        self._client.subscribe(f"{base}/#", qos=1)
        self._client.loop_start()

    def _on_message(self, _client: mqtt.Client, _userdata: object, msg: mqtt.MQTTMessage) -> None:
        kind = msg.topic.removeprefix(f"{self.base}/")
        with self._lock:
            self.messages.append(Message(time.monotonic(), kind, msg.payload, bool(msg.retain)))

    def of(self, kind: str, since_s: float = 0.0) -> list[Message]:
        """Messages of one kind received since a time."""
        with self._lock:
            return [m for m in self.messages if m.kind == kind and m.time_s >= since_s]

    def send(self, payload: bytes) -> float:
        """Publish a command to the pad; return when."""
        self._client.publish(f"{self.base}/cmd", payload, qos=1).wait_for_publish(5)
        return time.monotonic()

    def close(self) -> None:
        """Disconnect."""
        self._client.loop_stop()
        self._client.disconnect()


def retained(port: int, base: str) -> dict[str, bytes]:
    """Return what a client connecting now gets as retained messages under the pad's topics."""
    listener = Listener(port, base)
    time.sleep(1.0)
    listener.close()
    return {m.kind: m.payload for m in listener.messages if m.retained}


class Firmware:
    """The firmware process and its log."""

    def __init__(self, process: ManagedProcess) -> None:
        """Wrap a started process."""
        self.process = process

    def log(self) -> str:
        """Return the log so far, without colour codes."""
        return ANSI.sub("", self.process.log_path.read_text(errors="replace"))

    def wait_for_log(self, text: str, timeout_s: float, after: int = 0) -> int:
        """Wait for `text` in the log after offset `after`; return the offset past it."""

        def found() -> int | None:
            index = self.log().find(text, after)
            return index + len(text) if index >= 0 else None

        return wait_until(
            found, what=f"{text!r} in the firmware's log", timeout_s=timeout_s, details=self.tail
        )

    def tail(self) -> str:
        """Return the end of the log, for failures."""
        return self.process.log_tail(30)

    def chip_reports(self) -> dict[str, dict[str, int]]:
        """Return the bench's last report per chip."""
        reports: dict[str, dict[str, int]] = {}
        for match in CHIP_REPORT.finditer(self.log()):
            values = match.groupdict()
            cell = values.pop("cell")
            reports[cell] = {key: int(value) for key, value in values.items()}
        return reports


@contextlib.contextmanager
def running(
    port: int, log: Path, *, four_clocks: bool = False, prefs: Path | None = None
) -> Iterator[Firmware]:
    """Start the firmware; make sure it is gone afterwards."""
    process = firmware(port, log, four_clocks=four_clocks, prefs=prefs)
    process.start()
    try:
        yield Firmware(process)
    finally:
        process.stop(timeout_s=10)


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


def totals_kg(frame: Frame) -> np.ndarray:
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
    return wait_until(
        lambda: (frames := parsed_frames(listener, since_s)) and accept(frames) and frames,
        what=what,
        timeout_s=timeout_s,
        details=details,
    )


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


def check_shared_clock(port: int, run_dir: Path, bench: Bench, base: str) -> str:
    """Check the default wiring in full; return the summary."""
    prefs = run_dir / "prefs"
    person = bench.person
    listener = Listener(port, base)
    try:
        with running(port, run_dir / "firmware.log", prefs=prefs) as fw:
            started_s = time.monotonic()
            check_status(listener, port, base, True, started_s)
            kept = retained(port, base)
            if "info" not in kept:
                raise CheckFailedError("no retained info")
            info = parse_info(kept["info"])
            # The empty pad reads its drift; the tare command removes it before the person comes.
            wait_for_frames(listener, bool, what="a frame", timeout_s=5, details=fw.tail)
            tare_s = listener.send(encode_tare_command())
            fw.wait_for_log("Tared on command", timeout_s=4)
            tared_s = time.monotonic()
            time.sleep(0.5)  # the tare's own two blips
            listener.send(encode_cue_command("pass"))
            fw.wait_for_log("Buzzer:", timeout_s=2, after=len(fw.log()))
            listener.send(b'{"cmd":"dance"}')
            fw.wait_for_log("Ignoring command", timeout_s=2)
            # The whole first loop: on, stand, hold, down, off.
            frames = wait_for_frames(
                listener,
                lambda fs: stepped_off(fs, bench),
                what="the person to step on, hold and step off",
                timeout_s=person.loop_s + 10,
                details=fw.tail,
            )
            check_sequence(frames)
            arrived = timed_frames(listener)
            drift = sum(bench.zero_drift_kg)
            check_empty([f for t, f in arrived if t < tare_s], drift, "before the tare")
            stepped_on_s = next(t for t, f in arrived if is_occupied(f))
            check_empty(
                [f for t, f in arrived if tared_s + 0.3 < t < stepped_on_s and is_empty(f)],
                0.0,
                "after the tare",
            )
            rate = check_rate([f for f in frames if is_occupied(f)], info)
            mass = standing_mass_kg(frames, bench.person.mass_kg)
            hold_error_s = time_the_hold(frames, info, bench)
            nulls = int(sum(np.isnan(f.cells_kg).sum() for f in frames))
            # A clean stop: `offline` as the shutdown message, the preferences written.
            stopped_s = time.monotonic()
            if fw.process.stop(timeout_s=10) != 0:
                raise CheckFailedError(f"no clean exit on SIGTERM\n{fw.tail()}")
            check_status(listener, port, base, False, stopped_s)
            chips = check_chips(fw.chip_reports(), four_clocks=False)
        # Same preferences: the tare's zeros come back at boot.
        with running(port, run_dir / "firmware-restart.log", prefs=prefs) as fw:
            restarted_s = time.monotonic()
            check_status(listener, port, base, True, restarted_s)
            fw.wait_for_log("Zeros of the last tare restored", timeout_s=5)
            empty = wait_for_frames(
                listener,
                lambda fs: len(fs) >= 2,
                what="frames after the restart",
                timeout_s=5,
                since_s=restarted_s,
            )
            check_empty(empty, 0.0, "after a restart")
            # A crash: the broker publishes the last will.
            killed_s = time.monotonic()
            fw.process.kill()
            check_status(listener, port, base, False, killed_s)
    finally:
        listener.close()
    return (
        f"firmware: host build, shared clock: online/info retained, {len(frames)} frames in "
        f"sequence ({nulls} null readings) at {rate:.1f} Hz (info {info.rate_hz:g}), person "
        f"{mass:.2f} kg (scripted {person.mass_kg:g}), drift {drift:.2f} kg tared on command, "
        f"cue played, bad command refused, single-leg hold {person.hold_s + hold_error_s:.3f} s "
        f"for {person.hold_s:g} s scripted ({hold_error_s:+.3f} s), clean stop offline, zeros "
        f"restored at restart, last will offline when killed; {chips}"
    )


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


def check_empty(frames: list[Frame], expected_kg: float, when: str) -> None:
    """Check that the empty pad's total reads `expected_kg`."""
    if not frames:
        raise CheckFailedError(f"no empty-pad frames {when}")
    total = float(np.nanmedian(np.concatenate([totals_kg(f) for f in frames])))
    if abs(total - expected_kg) > DRIFT_TOLERANCE_KG:
        raise CheckFailedError(
            f"the empty pad reads {total:.3f} kg {when}, expected {expected_kg:.2f}"
        )


def check_four_clocks(port: int, run_dir: Path, bench: Bench, base: str) -> str:
    """Check a short run of the four-clock wiring: frames, the person's load, no busy clock."""
    listener = Listener(port, base)
    try:
        with running(port, run_dir / "firmware-four-clocks.log", four_clocks=True) as fw:
            started_s = time.monotonic()
            check_status(listener, port, base, True, started_s)
            info = parse_info(retained(port, base)["info"])
            frames = wait_for_frames(
                listener,
                lambda fs: sum(f.cells_kg.shape[0] for f in fs if is_occupied(f))
                >= 2 * info.rate_hz,
                what="two seconds of the person standing",
                timeout_s=bench.person.start_s("stand") + 12,
                since_s=started_s,
                details=fw.tail,
            )
            check_sequence(frames)
            rate = check_rate([f for f in frames if is_occupied(f)], info)
            # Never tared: the person plus the empty pad's drift.
            mass = standing_mass_kg(frames, bench.person.mass_kg + sum(bench.zero_drift_kg))
            if fw.process.stop(timeout_s=10) != 0:
                raise CheckFailedError(f"the firmware did not exit cleanly on SIGTERM\n{fw.tail()}")
            chips = check_chips(fw.chip_reports(), four_clocks=True)
    finally:
        listener.close()
    return (
        f"firmware: host build, four clocks: {len(frames)} frames in sequence at {rate:.1f} Hz, "
        f"person + drift {mass:.2f} kg (scripted {bench.person.mass_kg:g} + "
        f"{sum(bench.zero_drift_kg):g}); {chips}"
    )


def main() -> int:
    """Run the check of one wiring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--four-clocks", action="store_true")
    args = parser.parse_args()
    bench = load_bench()
    base = pad_topic_base()
    with tempfile.TemporaryDirectory(prefix="check-host-firmware-") as tmp:
        run_dir = Path(tmp)
        broker = Mosquitto(run_dir / "mosquitto")
        broker.start()
        try:
            check = check_four_clocks if args.four_clocks else check_shared_clock
            print(check(broker.port, run_dir, bench, base))
        except (CheckFailedError, TimeoutError) as err:
            print(f"firmware: host build check FAILED: {err}", file=sys.stderr)
            return 1
        finally:
            broker.stop()
            stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
