"""Home Assistant as a subprocess (`hass -c CONFIG`) on 127.0.0.1, the integration linked in."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx

from .processes import (
    LOCALHOST,
    REPO,
    VENV_BIN,
    HarnessError,
    ManagedProcess,
    free_port,
    port_open,
    tail,
    wait_until,
)


def link_integration(config_dir: Path) -> None:
    """Make config_dir/custom_components/retro_balance point at the repository's integration."""
    package = Path("custom_components") / "retro_balance"
    _link(REPO / package, config_dir / package)


def _link(target: Path, link: Path) -> None:
    """Make `link` a relative symbolic link to the folder `target` (an existing one is kept)."""
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() and link.resolve() == target.resolve():
        return
    if link.is_symlink() and not link.exists():  # dangling: the repository moved
        link.unlink()
    elif link.is_symlink() or link.exists():
        raise HarnessError(f"{link} exists and is not a link to {target}; remove it and retry")
    # Relative, so that a moved or re-cloned repository keeps a working link.
    link.symlink_to(os.path.relpath(target, link.parent), target_is_directory=True)


def link_blueprints(config_dir: Path) -> None:
    """Make config_dir/blueprints/automation/retro_balance point at the repository's blueprints.

    Where a user imports them to; the demo's automations (`config/demo_automations.yaml`) use them.
    """
    _link(
        REPO / "blueprints" / "automation" / "retro_balance",
        config_dir / "blueprints" / "automation" / "retro_balance",
    )


def prepare_config_copy(dest: Path) -> Path:
    """Copy the committed config/ to dest, the integration and the blueprints linked."""
    source = REPO / "config"
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("configuration.yaml", "demo_automations.yaml"):
        shutil.copy2(source / name, dest / name)
    link_integration(dest)
    link_blueprints(dest)
    return dest


class HomeAssistant:
    """`hass -c CONFIG` as a subprocess on 127.0.0.1:port, with its console log in run_dir."""

    def __init__(self, config_dir: Path, run_dir: Path, port: int | None = None) -> None:
        """Prepare (not start) Home Assistant for config_dir."""
        self.config_dir = config_dir
        self.run_dir = run_dir
        self.port = port or free_port()
        self.base_url = f"http://{LOCALHOST}:{self.port}"
        run_dir.mkdir(parents=True, exist_ok=True)
        override = run_dir / "uv-override.txt"
        # Home Assistant's own installer would upgrade pycares to 5.x, which breaks its DNS client.
        override.write_text("pycares<5\n")
        env = dict(os.environ)
        env |= {"RETRO_BALANCE_HTTP_PORT": str(self.port), "UV_OVERRIDE": str(override)}
        env.pop("PYTEST_CURRENT_TEST", None)
        self.process = ManagedProcess(
            "home-assistant",
            [
                str(VENV_BIN / "hass"),
                "-c",
                str(config_dir),
                "--skip-pip",
                "--log-no-color",
                "--log-file",
                str(run_dir / "home-assistant.log"),
            ],
            run_dir / "home-assistant.console.log",
            env=env,
        )

    @property
    def log_path(self) -> Path:
        """Home Assistant's own log file."""
        return self.run_dir / "home-assistant.log"

    def log_tail(self, lines: int = 80) -> str:
        """Return the end of Home Assistant's log (and of its console when it died early)."""
        parts = [tail(self.log_path, lines)]
        if not self.process.running:
            parts.append(self.process.log_tail(30))
        return "\n".join(parts)

    def start(self, timeout_s: float = 90.0) -> None:
        """Start Home Assistant and wait until its HTTP server answers."""
        if port_open(self.port):
            raise HarnessError(f"port {self.port} on {LOCALHOST} is already in use")
        self.process.start()
        wait_until(
            self._http_answers,
            what=f"Home Assistant's HTTP server on {self.base_url}",
            timeout_s=timeout_s,
            interval_s=0.5,
            details=self.log_tail,
        )

    def _http_answers(self) -> bool:
        if not self.process.running:
            raise HarnessError(f"Home Assistant exited at start\n{self.log_tail()}")
        response = httpx.get(f"{self.base_url}/api/onboarding", timeout=2)
        return response.status_code in (200, 401, 404)

    def onboarded(self) -> bool:
        """Whether the user step of onboarding is done (anonymous probe)."""
        response = httpx.get(f"{self.base_url}/api/onboarding", timeout=5)
        if response.status_code == 404:  # onboarding finished and its views are gone
            return True
        steps = {step["step"]: step["done"] for step in response.json()}
        return bool(steps.get("user"))

    def stop(self, timeout_s: float = 60.0) -> None:
        """Stop gracefully (SIGTERM makes it write its storage); wait for the port to close."""
        if self.process.popen is None:  # never started (e.g. its port was taken)
            return
        self.process.stop(timeout_s=timeout_s)
        wait_until(
            lambda: not port_open(self.port), what="Home Assistant's port to close", timeout_s=10
        )

    def kill(self) -> None:
        """SIGKILL it (nothing is written on the way out); wait for the port to close."""
        self.process.kill()
        wait_until(
            lambda: not port_open(self.port), what="Home Assistant's port to close", timeout_s=10
        )

    def restart(self) -> None:
        """Stop and start again with the same config and port."""
        self.stop()
        self.start()
