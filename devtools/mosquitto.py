"""A mosquitto broker on 127.0.0.1 in the foreground, its config and log in a run folder."""

from __future__ import annotations

import os
import pwd
import shutil
from pathlib import Path

from .processes import LOCALHOST, HarnessError, ManagedProcess, free_port, port_open, wait_until


def mosquitto_binary() -> str:
    """Find the mosquitto broker executable (a clear error naming the fix when missing)."""
    found = shutil.which("mosquitto") or next(
        (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if Path(p).exists()), None
    )
    if found is None:
        raise HarnessError(
            "mosquitto is not installed: run scripts/ensure-services as root, "
            "or 'sudo apt-get install mosquitto'"
        )
    return found


class Mosquitto:
    """A mosquitto broker on 127.0.0.1 in the foreground, logging to stdout (a file in run_dir)."""

    def __init__(self, run_dir: Path, port: int | None = None, *, persistent: bool = False) -> None:
        """Prepare a broker whose config, log and (optionally) retained data live in run_dir."""
        self.run_dir = run_dir
        self.port = port or free_port()
        self.persistent = persistent
        run_dir.mkdir(parents=True, exist_ok=True)
        conf = run_dir / "mosquitto.conf"
        lines = [
            f"listener {self.port} {LOCALHOST}",
            "allow_anonymous true",
            "log_dest stdout",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "connection_messages true",
            # Started as root, mosquitto would drop to user 'mosquitto' and lose its data folder.
            f"user {pwd.getpwuid(os.getuid()).pw_name}",
        ]
        if persistent:
            lines += [
                "persistence true",
                f"persistence_location {run_dir}/",
                "autosave_interval 30",
            ]
        conf.write_text("\n".join(lines) + "\n")
        argv = [mosquitto_binary(), "-c", str(conf)]
        if stdbuf := shutil.which("stdbuf"):  # mosquitto block-buffers stdout into a file
            argv = [stdbuf, "-oL", *argv]
        self.process = ManagedProcess("mosquitto", argv, run_dir / "mosquitto.log")

    def start(self, timeout_s: float = 10.0) -> None:
        """Start the broker and wait until it accepts connections."""
        if port_open(self.port):
            raise HarnessError(f"port {self.port} on {LOCALHOST} is already in use")
        self.process.start()
        wait_until(
            lambda: port_open(self.port) or self._exited(),
            what=f"mosquitto to listen on {LOCALHOST}:{self.port}",
            timeout_s=timeout_s,
            details=self.process.log_tail,
        )

    def _exited(self) -> bool:
        if not self.process.running:
            raise HarnessError(f"mosquitto exited at start\n{self.process.log_tail()}")
        return False

    def stop(self) -> None:
        """Stop the broker (SIGTERM: persistent data is saved)."""
        self.process.stop(timeout_s=10)

    def restart(self) -> None:
        """Stop and start again on the same port."""
        self.stop()
        wait_until(
            lambda: not port_open(self.port), what="the old broker's port to close", timeout_s=10
        )
        self.start()
