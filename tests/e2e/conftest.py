"""End-to-end fixtures: one mosquitto + Home Assistant stack for these tests, on loopback ports.

(Package-scoped: the stack stops before the fault suite, which starts its own, begins.)

The stack runs from a copy of the committed `config/` in a temporary folder, with the integration
linked in. When a test fails, the tails of Home Assistant's and mosquitto's logs go into its
report.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_socket  # type: ignore[import-untyped]

from devtools.demo import (
    DEMO_PAD_ID,
    DEMO_PEOPLE,
    FRANK,
    PadEntities,
    add_people,
    find_entities,
    set_up_pad,
    simulator,
    start_test_when_online,
)
from devtools.home_assistant import prepare_config_copy
from devtools.mosquitto import mosquitto_binary
from devtools.processes import VENV_BIN, HarnessError, wait_until
from devtools.stack import Stack, running_stack
from tests.needs import missing

CHROMIUM = Path("/usr/bin/chromium")
_STACKS: list[Stack] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark everything here as e2e (deselect with `-m "not e2e"`)."""
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


def missing_part(what: str) -> None:
    """Skip when a system part is missing on a developer's machine; fail in CI, where it must be."""
    missing(what, remedy="CI must install it: scripts/ensure-services, scripts/ensure-browser")


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A running broker and Home Assistant (onboarded, MQTT set up), shared by the session."""
    try:
        mosquitto_binary()
    except HarnessError as err:
        missing_part(str(err))
    if not (VENV_BIN / "hass").exists():
        missing_part(f"no Home Assistant in {VENV_BIN} (run scripts/setup)")
    root = tmp_path_factory.mktemp("e2e")
    config_dir = prepare_config_copy(root / "config")
    # The plugin blocks sockets before each test; this fixture outlives one test's socket_enabled.
    pytest_socket.enable_socket()
    with running_stack(root / "run", config_dir) as started:
        _STACKS.append(started)
        yield started
        _STACKS.remove(started)
        pytest_socket.enable_socket()


@pytest.fixture(scope="package")
def demo_pad(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> PadEntities:
    """The demo pad discovered from the simulator's retained info and set up, with two people."""
    pytest_socket.enable_socket()  # session fixtures start before a test's socket_enabled
    logs = tmp_path_factory.mktemp("simulator")
    announce = simulator(
        DEMO_PAD_ID,
        stack.broker.port,
        ["--scenario", "idle", "--duration", "2"],
        logs / "announce.log",
    )
    announce.start()
    try:
        entry_id = set_up_pad(stack.api, DEMO_PAD_ID)
        wait_until(lambda: not announce.running, what="the announce run to end", timeout_s=30)
    finally:
        announce.stop()
    people = add_people(stack.api, entry_id, DEMO_PEOPLE)
    return find_entities(stack.api, entry_id, people)


@pytest.fixture(scope="package")
def frank_single_leg_left(
    stack: Stack, demo_pad: PadEntities, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """Frank (by his weight) stands on his left leg and puts the foot down after 12 s.

    Returns the state object of his single-leg-left entity once it shows the result.
    """
    pytest_socket.enable_socket()
    pad = simulator(
        DEMO_PAD_ID,
        stack.broker.port,
        [
            "--scenario",
            "sls-left",
            "--lose-balance-at",
            "12",
            "--weight-kg",
            str(FRANK.weight_kg),
            "--seed",
            "12",
        ],
        tmp_path_factory.mktemp("simulator") / "sls-left.log",
    )
    pad.start()
    try:
        # The scenario leaves the pad empty for 3 s, then Frank steps on: start the test meanwhile.
        start_test_when_online(stack.api, demo_pad, "single_leg_left", timeout_s=20)
        wait_until(lambda: not pad.running, what="the sls-left scenario to end", timeout_s=90)
    finally:
        pad.stop()
    return stack.api.wait_for_state(
        demo_pad.person(FRANK.name, "single_leg_left_time"),
        lambda s: s["state"] not in ("unknown", "unavailable"),
        what="Frank's single-leg stance result",
        timeout_s=30,
        details=lambda: pad.log_tail(20),
    )


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium (Playwright must not download a browser of its own)."""
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        missing_part("chromium is not installed (scripts/ensure-browser)")
    return CHROMIUM if CHROMIUM.exists() else Path(str(shutil.which("chromium")))


@pytest.fixture(scope="session")
def artifacts_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where tests leave screenshots (RETRO_BALANCE_ARTIFACTS overrides, e.g. for docs/images)."""
    chosen = os.environ.get("RETRO_BALANCE_ARTIFACTS")
    path = Path(chosen) if chosen else tmp_path_factory.mktemp("artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the log tails of the running stack to a failing test's report."""
    report = yield
    if report.failed and _STACKS:
        for started in _STACKS:
            report.sections.append(("real-parts logs", started.diagnostics()))
            report.sections.append(("run folder", str(started.run_dir)))
    return report
