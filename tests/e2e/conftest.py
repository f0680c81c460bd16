"""End-to-end fixtures: one mosquitto + Home Assistant stack per test session, on loopback ports.

The stack runs from a copy of the committed `config/` in a temporary folder, with the integration
linked in. When a test fails, the tails of Home Assistant's and mosquitto's logs go into its
report.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import pytest_socket

from .harness import (
    VENV_BIN,
    HarnessError,
    Stack,
    mosquitto_binary,
    prepare_config_copy,
    running_stack,
)

CHROMIUM = Path("/usr/bin/chromium")
_STACKS: list[Stack] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark everything here as e2e (deselect with `-m "not e2e"`)."""
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


def missing(what: str) -> None:
    """Skip when a system part is missing on a developer's machine; fail in CI, where it must be."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} (CI must install it: scripts/ensure-services, scripts/ensure-browser)")
    pytest.skip(what)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A running broker and Home Assistant (onboarded, MQTT set up), shared by the session."""
    try:
        mosquitto_binary()
    except HarnessError as err:
        missing(str(err))
    if not (VENV_BIN / "hass").exists():
        missing(f"no Home Assistant in {VENV_BIN} (run scripts/setup)")
    root = tmp_path_factory.mktemp("e2e")
    config_dir = prepare_config_copy(root / "config")
    # The plugin blocks sockets before each test; this fixture outlives one test's socket_enabled.
    pytest_socket.enable_socket()
    with running_stack(root / "run", config_dir) as started:
        _STACKS.append(started)
        yield started
        _STACKS.remove(started)
        pytest_socket.enable_socket()


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium (Playwright must not download a browser of its own)."""
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        missing("chromium is not installed (scripts/ensure-browser)")
    return CHROMIUM if CHROMIUM.exists() else Path(str(shutil.which("chromium")))


@pytest.fixture(scope="session")
def artifacts_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where tests leave screenshots (RETRO_BALANCE_ARTIFACTS overrides, e.g. for docs/images)."""
    chosen = os.environ.get("RETRO_BALANCE_ARTIFACTS")
    path = Path(chosen) if chosen else tmp_path_factory.mktemp("artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """Attach the log tails of the running stack to a failing test's report."""
    report = yield
    if getattr(report, "failed", False) and _STACKS:
        for started in _STACKS:
            report.sections.append(("real-parts logs", started.diagnostics()))
            report.sections.append(("run folder", str(started.run_dir)))
    return report
