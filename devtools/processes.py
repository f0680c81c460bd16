"""Processes on loopback: start them in their own session, wait for them, stop them as a group.

Every process is started in its own session so that it can be stopped with its children, and
`stop_all()` ends whatever is still running. Everything binds to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = REPO / ".venv" / "bin"
LOCALHOST = "127.0.0.1"


class HarnessError(RuntimeError):
    """A real part did not do what the harness expected (with what it saw)."""


def wait_until[T](
    check: Callable[[], T | None],
    *,
    what: str,
    timeout_s: float,
    interval_s: float = 0.25,
    details: Callable[[], str] | None = None,
) -> T:
    """Call `check` until it returns something truthy and return that (or a clear TimeoutError).

    Exceptions from `check` count as "not yet" (a server still starting refuses connections); the
    last one, or the last falsy value, is named in the error with `details()` (e.g. a log tail).
    """
    deadline = time.monotonic() + timeout_s
    last: object = None
    while True:
        try:
            value = check()
        except Exception as err:  # reported below when time runs out
            last = err
        else:
            if value:
                return value
            last = value
        if time.monotonic() >= deadline:
            message = f"timed out after {timeout_s:.0f} s waiting for {what} (last seen: {last!r})"
            if details is not None:
                message += "\n" + details()
            raise TimeoutError(message)
        time.sleep(interval_s)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCALHOST, 0))
        port: int = sock.getsockname()[1]
        return port


def port_open(port: int, host: str = LOCALHOST) -> bool:
    """Whether something accepts TCP connections on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def tail(path: Path, lines: int = 60) -> str:
    """Return the last lines of a log file, headed by its name (or a note if there is none)."""
    if not path.exists():
        return f"--- {path}: no such file"
    text = path.read_text(errors="replace").splitlines()[-lines:]
    return f"--- last {len(text)} lines of {path}\n" + "\n".join(text)


_RUNNING: list[ManagedProcess] = []


@dataclass
class ManagedProcess:
    """A subprocess in its own session, its output in a log file; stop() ends its whole group."""

    name: str
    argv: Sequence[str]
    log_path: Path
    env: dict[str, str] | None = None
    cwd: Path | None = None
    popen: subprocess.Popen[bytes] | None = field(default=None, init=False)
    _log: IO[bytes] | None = field(default=None, init=False)

    def start(self) -> None:
        """Start the process (appending to its log)."""
        if self.running:
            raise HarnessError(f"{self.name} is already running")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self._log.write(
            f"\n=== {time.strftime('%H:%M:%S')} start: {' '.join(self.argv)}\n".encode()
        )
        self._log.flush()
        self.popen = subprocess.Popen(
            list(self.argv),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=self.env,
            cwd=self.cwd,
            start_new_session=True,
        )
        _RUNNING.append(self)

    @property
    def running(self) -> bool:
        """Whether the process was started and has not exited."""
        return self.popen is not None and self.popen.poll() is None

    @property
    def pid(self) -> int:
        """The process id (an error before start)."""
        if self.popen is None:
            raise HarnessError(f"{self.name} was never started")
        return self.popen.pid

    def signal(self, signum: int) -> None:
        """Send a signal to the process group."""
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signum)

    def stop(self, timeout_s: float = 30.0) -> int | None:
        """SIGTERM the group, wait, SIGKILL if it does not go; returns the exit code."""
        code = None
        if self.popen is not None:
            if self.popen.poll() is None:
                self.signal(signal.SIGTERM)
                try:
                    self.popen.wait(timeout_s)
                except subprocess.TimeoutExpired:
                    self.signal(signal.SIGKILL)
                    self.popen.wait(10)
            # Children that ignored SIGTERM (or outlived the leader) go too.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            code = self.popen.returncode
        self._close()
        return code

    def kill(self) -> None:
        """SIGKILL the group at once (a crash, as far as its peers can tell)."""
        if self.popen is not None:
            self.signal(signal.SIGKILL)
            self.popen.wait(10)
        self._close()

    def _close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
        if self in _RUNNING:
            _RUNNING.remove(self)

    def log_tail(self, lines: int = 60) -> str:
        """Return the end of this process's log."""
        return tail(self.log_path, lines)


def stop_all() -> None:
    """Stop every process the harness started that still runs, newest first."""
    for process in reversed(list(_RUNNING)):
        process.stop(timeout_s=15)
