"""The fault suite: one real mosquitto and one real Home Assistant, a pad, and a fault per test.

Each test injects one fault of `docs/reliability.md` while a test runs on the pad (the pad
simulator with its fault options, docs/simulator.md; or the broker and Home Assistant stopped,
killed, restarted; or storage files written while Home Assistant is down) and ends by reading the
stored history back (`export_history`) and checking it is complete and right.

Every test has a short profile, run by `scripts/test` (and CI), and some a long one (real time,
longer and repeated outages), run only with `RETRO_BALANCE_FAULTS=long`. Tests leave the pad
offline and idle for the next.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_socket  # type: ignore[import-untyped]

from devtools.demo import DEMO_PEOPLE, PadEntities, add_people, find_entities, set_up_pad, simulator
from devtools.home_assistant import prepare_config_copy
from devtools.mosquitto import mosquitto_binary
from devtools.processes import VENV_BIN, HarnessError, ManagedProcess, wait_until
from devtools.stack import Stack, running_stack
from tests.needs import missing

DOMAIN = "retro_balance"
PAD_ID = "fault-pad"
LONG = os.environ.get("RETRO_BALANCE_FAULTS", "").strip().lower() == "long"
INTEGRATION_ERROR = f"[custom_components.{DOMAIN}"


@dataclass(frozen=True, kw_only=True)
class Profile:
    """How hard a scenario is played."""

    name: str
    speed: float
    """The simulator's time factor (pad time runs this much faster than real time)."""
    outages_s: tuple[float, ...]
    """How long the broker (or the pad) stays away, one run each."""


SHORT = Profile(name="short", speed=2.0, outages_s=(2.0,))
LONG_PROFILE = Profile(name="long", speed=1.0, outages_s=(1.0, 5.0, 15.0))
PROFILES = [
    pytest.param(SHORT, id="short"),
    pytest.param(
        LONG_PROFILE,
        id="long",
        marks=pytest.mark.skipif(not LONG, reason="long profile: RETRO_BALANCE_FAULTS=long"),
    ),
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark everything here as e2e and faults (deselect with `-m "not faults"`)."""
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.faults)


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A broker and Home Assistant for the fault suite alone (it restarts and kills them)."""
    try:
        mosquitto_binary()
    except HarnessError as err:
        missing(str(err), remedy="CI must install it: scripts/ensure-services")
    if not (VENV_BIN / "hass").exists():
        missing(f"no Home Assistant in {VENV_BIN}", remedy="run scripts/setup")
    root = tmp_path_factory.mktemp("faults")
    pytest_socket.enable_socket()
    with running_stack(root / "run", prepare_config_copy(root / "config")) as started:
        _STACKS.append(started)
        yield started
        _STACKS.remove(started)
        pytest_socket.enable_socket()


@pytest.fixture(scope="package")
def pad(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> PadEntities:
    """The fault pad, discovered and set up, with the demo household (Margaret, Frank)."""
    pytest_socket.enable_socket()
    announce = simulator(
        PAD_ID,
        stack.broker.port,
        ["--scenario", "idle", "--duration", "2"],
        tmp_path_factory.mktemp("announce") / "simulator.log",
    )
    announce.start()
    try:
        entry_id = set_up_pad(stack.api, PAD_ID)
        wait_until(lambda: not announce.running, what="the announce run to end", timeout_s=30)
    finally:
        announce.stop()
    return find_entities(stack.api, entry_id, add_people(stack.api, entry_id, DEMO_PEOPLE))


@pytest.fixture(autouse=True)
def _sockets(socket_enabled: None) -> None:
    """Every test here talks to real processes on loopback."""


@dataclass
class Faults:
    """What a test needs to inject faults and read the outcome."""

    stack: Stack
    pad: PadEntities
    run_dir: Path
    log_offset: int = 0
    log_inode: int = 0

    def simulate(self, *args: str, name: str = "simulator") -> ManagedProcess:
        """Start the pad simulator for the fault pad with these options."""
        process = simulator(
            PAD_ID, self.stack.broker.port, list(args), self.run_dir / f"{name}.log"
        )
        process.start()
        return process

    def sessions(self, person: str | None) -> list[dict[str, Any]]:
        """A person's stored sessions (None: the unassigned ones), oldest first."""
        data: dict[str, Any] = {"config_entry_id": self.pad.entry_id, "scope": "unassigned"}
        if person is not None:
            data |= {"scope": "person", "person": person}
        response = self.stack.api.call_service_for_response(DOMAIN, "export_history", data)
        sessions: list[dict[str, Any]] = response["sessions"]
        return sessions

    def new_sessions(
        self, person: str | None, before: int, *, count: int = 1, timeout_s: float = 60.0
    ) -> list[dict[str, Any]]:
        """Wait until `count` sessions more than `before` are stored; return the new ones."""
        return wait_until(
            lambda: (found := self.sessions(person)[before:]) and len(found) >= count and found,
            what=f"{count} new session(s) of {person or 'nobody'}",
            timeout_s=timeout_s,
            details=self.stack.diagnostics,
        )

    def start_test(self, test: str, *, timeout_s: float = 30.0) -> None:
        """Start a test on the pad as soon as it is online."""
        self.stack.api.wait_for_state(
            self.pad.pad("connectivity"),
            lambda s: s["state"] == "on",
            what="the pad online",
            timeout_s=timeout_s,
        )
        self.stack.api.call_service(
            DOMAIN, "start_test", {"config_entry_id": self.pad.entry_id, "test": test}
        )

    def wait_held(self, seconds: float, details: Callable[[], str] | None = None) -> float:
        """Wait until the running hold has lasted `seconds` (the pad's clock); return it."""
        state = self.stack.api.wait_for_state(
            self.pad.pad("test_elapsed"),
            lambda s: s["state"] not in ("unknown", "unavailable") and float(s["state"]) >= seconds,
            what=f"the hold to be {seconds:g} s under way",
            details=details,
        )
        return float(state["state"])

    def counters(self) -> dict[str, int]:
        """The pad's frame counters (diagnostics)."""
        pad: dict[str, Any] = self.stack.api.diagnostics(self.pad.entry_id)["pad"]
        counters: dict[str, int] = pad["sequencer"]
        return counters | {"malformed": sum(pad["malformed"].values())}

    def log_since_start(self) -> str:
        """Home Assistant's log since the test began.

        Home Assistant rolls its log over when it starts: after a restart the log the test
        began with is `….log.1`.
        """
        log = self.stack.hass.log_path
        rolled = log.with_name(log.name + ".1")
        if log.stat().st_ino != self.log_inode and rolled.exists():
            text = rolled.read_bytes()[self.log_offset :].decode(errors="replace")
            return text + log.read_text(errors="replace")
        return log.read_bytes()[self.log_offset :].decode(errors="replace")

    def integration_errors(self) -> list[str]:
        """ERROR lines of the integration in Home Assistant's log since the test began."""
        lines = self.log_since_start().splitlines()
        return [line for line in lines if " ERROR " in line and INTEGRATION_ERROR in line]

    def wait_offline(self) -> None:
        """Wait for the pad to be offline (each simulator run ends with `offline`)."""
        self.stack.api.wait_for_state(
            self.pad.pad("connectivity"),
            lambda s: s["state"] in ("off", "unavailable"),
            what="the pad offline",
            timeout_s=30,
        )


_STACKS: list[Stack] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the log tails of the stack to a failing test's report."""
    report = yield
    if report.failed:
        for started in _STACKS:
            report.sections.append(("real-parts logs", started.diagnostics()))
    return report


@pytest.fixture
def faults(stack: Stack, pad: PadEntities, tmp_path: Path) -> Iterator[Faults]:
    """The stack and pad of the suite, this test's log folder, the log read from here on."""
    status = stack.hass.log_path.stat()
    found = Faults(
        stack=stack, pad=pad, run_dir=tmp_path, log_offset=status.st_size, log_inode=status.st_ino
    )
    yield found
    # The next test starts from a pad that is offline and idle.
    if stack.hass.process.running:
        found.wait_offline()
