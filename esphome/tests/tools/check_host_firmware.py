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

The parts: host_listener.py (what the broker sees), host_process.py (the firmware process,
its log) and host_checks.py (the checks of frames, status, chips and the hold).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from host_checks import (
    CheckFailedError,
    check_chips,
    check_empty,
    check_rate,
    check_sequence,
    check_status,
    is_empty,
    is_occupied,
    standing_mass_kg,
    stepped_off,
    time_the_hold,
    timed_frames,
    wait_for_frames,
    wait_for_settled_empty,
)
from host_listener import Listener, retained
from host_process import running

from custom_components.retro_balance.engine.wire.protocol import (
    encode_cue_command,
    encode_tare_command,
    parse_info,
)
from devtools.firmware import Bench, load_bench, pad_topic_base
from devtools.mosquitto import Mosquitto
from devtools.processes import stop_all


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
            drift = sum(bench.zero_drift_kg)
            check_empty(
                [f for t, f in timed_frames(listener) if t < tare_s and is_empty(f)],
                drift,
                "before the tare",
            )
            # Zeros after the tare: before the person came if the tare left time, else after.
            tared = wait_for_settled_empty(
                listener, tared_s + 0.3, timeout_s=person.start_s("step_on") + 2, details=fw.tail
            )
            check_empty(tared, 0.0, "after the tare")
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
