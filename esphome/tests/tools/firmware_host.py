"""Build the pad's firmware for this machine (ESPHome's host platform) and run it against a broker.

Run through `scripts/firmware-host`, which first makes sure of .venv-esphome and libmosquitto-dev;
`scripts/firmware-host --help` lists the options. The build is esphome/tests/host/ (the real pad
configuration and component, an MQTT stand-in, simulated HX711 with a scripted person); it is
cached and rebuilt only when a source, the pad id or the ESPHome version changes. The program
runs in the foreground until Ctrl-C or SIGTERM (it then publishes `offline`, as the pad does on
a clean shutdown), with its preferences (the pad's stored zeros) in a temporary folder unless
--prefs names one. Standard library only: it runs on .venv-esphome's Python.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from types import FrameType

REPO = Path(__file__).resolve().parents[3]
ESPHOME_DIR = REPO / "esphome"
HOST_DIR = ESPHOME_DIR / "tests" / "host"
VARIANTS = {
    "shared": ("balance-pad-host.yaml", "balance-pad-host"),
    "four-clocks": ("balance-pad-host-four-clocks.yaml", "balance-pad-host-four-clocks"),
}
"""Wiring → (configuration in esphome/tests/host/, ESPHome node name = build folder)."""
ESPHOME = REPO / ".venv-esphome" / "bin" / "esphome"
STAMP = ".firmware-host-stamp"


def program_path(variant: str) -> Path:
    """Where ESPHome's host build leaves the program of a variant."""
    name = VARIANTS[variant][1]
    return HOST_DIR / ".esphome" / "build" / name / ".pioenvs" / name / "program"


def _sources() -> list[Path]:
    """Every file whose change can change the program (secrets never reach it: host.yaml)."""
    found = [p for p in ESPHOME_DIR.glob("*.yaml") if p.name != "secrets.yaml"]
    found.append(Path(__file__))
    for folder in (ESPHOME_DIR / "components", HOST_DIR):
        found += [
            path
            for path in folder.rglob("*")
            if path.is_file() and ".esphome" not in path.parts and "__pycache__" not in path.parts
        ]
    return sorted(found)


def fingerprint(variant: str, pad_id: str | None) -> str:
    """Hash the sources, the ESPHome version, the variant and the pad id."""
    digest = hashlib.sha256()
    digest.update(f"{metadata.version('esphome')}\0{variant}\0{pad_id}\0".encode())
    for path in _sources():
        digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _placeholder_secrets() -> None:
    """Give the host build its placeholder secrets (from the tracked example; never real ones)."""
    secrets = HOST_DIR / "secrets.yaml"
    if not secrets.exists():
        shutil.copyfile(HOST_DIR / "secrets.yaml.example", secrets)


def build(variant: str, pad_id: str | None) -> Path:
    """Build the program unless the cached one matches the sources; return its path."""
    _placeholder_secrets()
    program = program_path(variant)
    stamp = program.parent / STAMP
    wanted = fingerprint(variant, pad_id)
    if program.exists() and stamp.exists() and stamp.read_text() == wanted:
        print(f"firmware-host: up to date: {program.relative_to(REPO)}", flush=True)
        return program
    config, _ = VARIANTS[variant]
    log = HOST_DIR / ".esphome" / f"{VARIANTS[variant][1]}.build.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    argv = [str(ESPHOME)]
    if pad_id is not None:
        argv += ["-s", "pad_id", pad_id]
    argv += ["compile", str(HOST_DIR / config)]
    print(f"firmware-host: building {config} (log: {log.relative_to(REPO)})", flush=True)
    started = time.monotonic()
    with log.open("w") as out:
        result = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0 or not program.exists():
        lines = log.read_text(errors="replace").splitlines()
        sys.stderr.write("\n".join(lines[-40:]) + "\n")
        raise SystemExit(f"firmware-host: building {config} FAILED (log: {log})")
    stamp.write_text(wanted)
    elapsed_s = time.monotonic() - started
    print(f"firmware-host: built in {elapsed_s:.0f} s: {program.relative_to(REPO)}", flush=True)
    return program


def run(program: Path, args: argparse.Namespace) -> int:
    """Run the program in the foreground; forward Ctrl-C and SIGTERM; return its exit code."""
    env = dict(os.environ)
    env |= {"ESPHOME_HOST_MQTT_BROKER": args.host, "ESPHOME_HOST_MQTT_PORT": str(args.port)}
    if args.username is not None:
        env["ESPHOME_HOST_MQTT_USERNAME"] = args.username
        env["ESPHOME_HOST_MQTT_PASSWORD"] = args.password or ""
    prefs = Path(args.prefs) if args.prefs else Path(tempfile.mkdtemp(prefix="firmware-host-"))
    env["ESPHOME_PREFDIR"] = str(prefs)
    child = subprocess.Popen([str(program)], env=env)

    def forward(signum: int, _frame: FrameType | None) -> None:
        child.send_signal(signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    try:
        return child.wait()
    finally:
        if not args.prefs:
            shutil.rmtree(prefs, ignore_errors=True)


def main() -> int:
    """Parse the options, build, run."""
    parser = argparse.ArgumentParser(
        prog="scripts/firmware-host",
        description="Build the pad's real firmware for this machine (simulated load cells, a "
        "person stepping on, standing on one leg, stepping off, in a loop) and run it against an "
        "MQTT broker until Ctrl-C.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="MQTT broker (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=1883, help="MQTT port (default 1883)")
    parser.add_argument(
        "--pad-id", help="pad id (default: balance-pad.yaml's); another id is another build"
    )
    parser.add_argument("--username", help="MQTT user name")
    parser.add_argument("--password", help="MQTT password (with --username)")
    parser.add_argument(
        "--four-clocks",
        action="store_true",
        help="the wiring of balance-pad-four-clocks.yaml (one clock pin per HX711)",
    )
    parser.add_argument(
        "--prefs", help="folder for the pad's stored zeros (default: a temporary one)"
    )
    parser.add_argument("--build-only", action="store_true", help="build (if needed) and exit")
    args = parser.parse_args()
    if args.password is not None and args.username is None:
        parser.error("--password needs --username")
    program = build("four-clocks" if args.four_clocks else "shared", args.pad_id)
    if args.build_only:
        return 0
    return run(program, args)


if __name__ == "__main__":
    sys.exit(main())
