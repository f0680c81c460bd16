"""The development stack behind `scripts/develop`: the same harness as the end-to-end tests.

mosquitto (data in `.run/mosquitto`), Home Assistant with the committed `config/` (runtime state in
the ignored parts of `config/`, logs in `.run/hass`), the demo pad set up with two people, and the
pad simulator playing a daily check every few minutes, a second person now and then. Ctrl-C stops
it all.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from .harness import (
    REPO,
    Credentials,
    HarnessError,
    HomeAssistant,
    HomeAssistantClient,
    ManagedProcess,
    Mosquitto,
    Stack,
    link_integration,
    stop_all,
    wait_until,
)

RUN_DIR = REPO / ".run"
CONFIG_DIR = REPO / "config"
DASHBOARD_PATH = "/retro-balance-care/care"
DOMAIN = "retro_balance"
DEMO_PAD_ID = "hallway"
SIMULATOR = REPO / "scripts" / "simulate-pad"


@dataclass(frozen=True, kw_only=True)
class DemoPerson:
    """A person of the demo household, as the person subentry flow asks for them."""

    name: str
    birth_year: int
    sex: str
    weight_kg: float

    def subentry_data(self) -> dict[str, Any]:
        """The person form's fields, with a weight range around their weight."""
        return {
            "name": self.name,
            "birth_year": self.birth_year,
            "sex": self.sex,
            "weight_min_kg": self.weight_kg - 6.0,
            "weight_max_kg": self.weight_kg + 6.0,
        }


DEMO_PEOPLE = (
    DemoPerson(name="Margaret", birth_year=1948, sex="female", weight_kg=64.0),
    DemoPerson(name="Frank", birth_year=1945, sex="male", weight_kg=82.0),
)


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


def set_up_pad(client: HomeAssistantClient, pad_id: str, timeout_s: float = 60.0) -> str:
    """Confirm the discovered pad (unless it is set up already); return its config entry id."""

    def entry_or_confirm() -> str | None:
        for entry in client.config_entries(DOMAIN):
            if entry["title"] == pad_id and entry["state"] == "loaded":
                return str(entry["entry_id"])
        for flow in client.flows_in_progress(DOMAIN):
            if flow.get("context", {}).get("unique_id", "").endswith(f"/{pad_id}"):
                client.configure_flow(flow["flow_id"], {})
        return None

    return wait_until(
        entry_or_confirm, what=f"pad {pad_id!r} to be discovered and set up", timeout_s=timeout_s
    )


def add_people(client: HomeAssistantClient, entry_id: str, people: Sequence[DemoPerson]) -> None:
    """Add the people who are not subentries of the pad yet."""
    present = {subentry["title"] for subentry in client.subentries(entry_id)}
    for person in people:
        if person.name not in present:
            client.add_subentry(entry_id, "person", [person.subentry_data()])


def simulator(argv: Sequence[str], log_path: Path) -> ManagedProcess:
    """The pad simulator as a managed process (its output in log_path)."""
    return ManagedProcess(
        "simulator", [str(REPO / ".venv" / "bin" / "python"), str(SIMULATOR), *argv], log_path
    )


def banner(stack: Stack) -> str:
    """What the person who ran scripts/develop needs to know."""
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
        if args.no_simulator or not SIMULATOR.exists():
            if not args.no_simulator:
                print(f"scripts/develop: no pad simulator at {SIMULATOR}; running without a pad.")
            print(banner(stack), flush=True)
            while True:
                time.sleep(3600)
        run_demo(stack, args.every_min)
    except KeyboardInterrupt:
        print("\nscripts/develop: stopping …", flush=True)
    except (HarnessError, TimeoutError) as err:
        print(f"scripts/develop: {err}", file=sys.stderr, flush=True)
        return 1
    finally:
        try:
            stack.stop()
        finally:
            stop_all()
        print("scripts/develop: stopped; data kept for the next start.", flush=True)
    return 0


def run_demo(stack: Stack, every_min: float) -> None:
    """Set the demo pad up and play daily checks until interrupted."""
    raise NotImplementedError  # filled in once the simulator's command line has landed


if __name__ == "__main__":
    sys.exit(main())
