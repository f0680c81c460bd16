"""The development stack behind `scripts/develop`: the same parts as the end-to-end tests.

mosquitto (data in `.run/mosquitto`), Home Assistant with the committed `config/` (runtime state in
the ignored parts of `config/`, logs in `.run/hass`), the demo pad set up with two people and, on
the first start, eight simulated weeks of their history (Frank slowly declining) and four weeks of
Margaret's walking programme (`demo_coach.py`), the pad simulator playing a daily check every few
minutes, a second person now and then, and Margaret's walking reminder a few minutes after the
start. Ctrl-C stops it all.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from types import FrameType

from .client import Credentials
from .demo import (
    DEMO_PAD_ID,
    DEMO_PEOPLE,
    MARGARET,
    add_people,
    find_entities,
    seed_history,
    set_up_pad,
)
from .demo_coach import remind_soon, seed_walking_history
from .home_assistant import HomeAssistant, link_blueprints, link_integration
from .mosquitto import Mosquitto
from .processes import REPO, VENV_BIN, HarnessError, ManagedProcess, stop_all
from .stack import Stack

RUN_DIR = REPO / ".run"
CONFIG_DIR = REPO / "config"
DASHBOARD_PATH = "/retro-balance-care/care"
SIMULATOR = REPO / "scripts" / "simulate-pad"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Command-line options (ports default to the usual ones, overridable by environment)."""
    parser = argparse.ArgumentParser(prog="scripts/develop", description=__doc__)
    parser.add_argument(
        "--http-port", type=int, default=int(os.environ.get("RETRO_BALANCE_HTTP_PORT", "8123"))
    )
    parser.add_argument(
        "--mqtt-port", type=int, default=int(os.environ.get("RETRO_BALANCE_MQTT_PORT", "18830"))
    )
    parser.add_argument(
        "--every-min", type=float, default=3.0, help="minutes between simulated daily checks"
    )
    parser.add_argument("--no-simulator", action="store_true", help="start without the pad")
    return parser.parse_args(argv)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def banner(stack: Stack) -> str:
    """Return what the person who ran scripts/develop needs to know."""
    credentials = stack.credentials
    return "\n".join(
        [
            "",
            "Retro Balance demo is running (Ctrl-C stops everything).",
            f"  Home Assistant:  {stack.hass.base_url}/",
            f"  Caregiver view:  {stack.hass.base_url}{DASHBOARD_PATH}",
            f"  Log in as:       {credentials.username} / {credentials.password}",
            f"  MQTT broker:     127.0.0.1:{stack.broker.port}",
            f"  Logs:            {stack.run_dir.relative_to(REPO)}/",
            "",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the development stack until Ctrl-C."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # Ctrl-C and `kill` both stop the stack in order (even if a shell started us ignoring SIGINT).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    link_integration(CONFIG_DIR)
    link_blueprints(CONFIG_DIR)
    stack = Stack(
        run_dir=RUN_DIR,
        config_dir=CONFIG_DIR,
        broker=Mosquitto(RUN_DIR / "mosquitto", args.mqtt_port, persistent=True),
        hass=HomeAssistant(CONFIG_DIR, RUN_DIR / "hass", args.http_port),
        credentials=Credentials(),
    )
    try:
        print("scripts/develop: starting mosquitto and Home Assistant …", flush=True)
        stack.start()
        if args.no_simulator:
            print(banner(stack), flush=True)
            while True:
                time.sleep(3600)
        run_demo(stack, args.every_min)
    except KeyboardInterrupt:
        print("\nscripts/develop: stopping …", flush=True)
    except (HarnessError, TimeoutError) as err:
        print(f"scripts/develop: {err}", file=sys.stderr, flush=True)
        if "already in use" in str(err):
            print(
                "  Is scripts/develop (or another Home Assistant or broker) already running? "
                "Stop it, or pick other ports with --http-port / --mqtt-port.",
                file=sys.stderr,
                flush=True,
            )
        return 1
    finally:
        try:
            stack.stop()
        finally:
            stop_all()
        print("scripts/develop: stopped; data kept for the next start.", flush=True)
    return 0


def today_in_demo() -> date:
    """Today in the demo's time zone (UTC, `config/configuration.yaml`)."""
    return datetime.now(UTC).date()


def run_demo(stack: Stack, every_min: float) -> None:
    """Start the demo pad, set it up with the demo people, and keep going until interrupted."""
    pad = ManagedProcess(
        "demo-pad",
        [
            str(VENV_BIN / "python"),
            "-m",
            "devtools.demo_pad",
            "--port",
            str(stack.broker.port),
            "--pad-id",
            DEMO_PAD_ID,
            "--every-min",
            str(every_min),
        ],
        RUN_DIR / "demo-pad.log",
        cwd=REPO,
    )
    pad.start()
    try:
        entry_id = set_up_pad(stack.api, DEMO_PAD_ID)
        people = add_people(stack.api, entry_id, DEMO_PEOPLE)
        for name, count in seed_history(stack.api, entry_id, people, today_in_demo()).items():
            print(f"scripts/develop: {count} simulated past checks for {name}", flush=True)
        seed_walking_history(stack, entry_id, people[MARGARET.name])
        reminder = remind_soon(stack.api, find_entities(stack.api, entry_id, people), MARGARET.name)
        print(banner(stack), flush=True)
        print(
            f"The pad {DEMO_PAD_ID!r} plays Margaret's daily check every {every_min:g} min "
            "(Frank's every third time); the first starts within a minute. Margaret is in phase 2 "
            f"of her walking programme; her walking reminder comes at {reminder}.",
            flush=True,
        )
        while pad.running and stack.hass.process.running:
            time.sleep(2)
        failed = pad if not pad.running else stack.hass.process
        raise HarnessError(f"{failed.name} stopped unexpectedly\n{failed.log_tail(20)}")
    finally:
        pad.stop(timeout_s=10)  # first, so that it can still say `offline` on the broker


if __name__ == "__main__":
    sys.exit(main())
