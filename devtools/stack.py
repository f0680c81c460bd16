"""The whole stack: mosquitto + Home Assistant (onboarded, MQTT set up) in one run folder."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .client import Credentials, HomeAssistantClient
from .home_assistant import HomeAssistant
from .mosquitto import Mosquitto
from .processes import HarnessError, stop_all


@dataclass
class Stack:
    """mosquitto + Home Assistant (onboarded, MQTT configured) in one run folder."""

    run_dir: Path
    config_dir: Path
    broker: Mosquitto
    hass: HomeAssistant
    credentials: Credentials = field(default_factory=Credentials)
    client: HomeAssistantClient | None = None

    @property
    def api(self) -> HomeAssistantClient:
        """The logged-in client (an error before start)."""
        if self.client is None:
            raise HarnessError("the stack is not started")
        return self.client

    def start(self) -> None:
        """Start the broker and Home Assistant; onboard or log in; make sure MQTT is set up."""
        self.broker.start()
        self.hass.start()
        if self.hass.onboarded():
            self.client = HomeAssistantClient.login(self.hass.base_url, self.credentials)
        else:
            self.client = HomeAssistantClient.onboard(self.hass.base_url, self.credentials)
        self.client.wait_running(details=self.hass.log_tail)
        self.client.ensure_mqtt_entry(self.broker.port)

    def restart_hass(
        self, while_stopped: Callable[[], object] | None = None, *, kill: bool = False
    ) -> None:
        """Restart Home Assistant (SIGTERM, or SIGKILL with `kill`), log in again.

        `while_stopped` runs between the stop and the start.
        """
        if kill:
            self.hass.kill()
        else:
            self.hass.stop()
        if while_stopped is not None:
            while_stopped()
        self.start_hass()

    def start_hass(self) -> None:
        """Start a stopped Home Assistant and log in again."""
        self.hass.start()
        self.client = HomeAssistantClient.login(self.hass.base_url, self.credentials)
        self.client.wait_running(details=self.hass.log_tail)

    def stop(self) -> None:
        """Stop Home Assistant, then the broker."""
        try:
            self.hass.stop()
        finally:
            self.broker.stop()

    def diagnostics(self) -> str:
        """Log tails of every part, for a failing test's report."""
        return "\n".join([self.hass.log_tail(), self.broker.process.log_tail(30)])


@contextlib.contextmanager
def running_stack(
    run_dir: Path,
    config_dir: Path,
    *,
    http_port: int | None = None,
    mqtt_port: int | None = None,
    persistent_broker: bool = False,
) -> Iterator[Stack]:
    """Start a Stack and stop it again (processes killed if need be) whatever happens."""
    stack = Stack(
        run_dir=run_dir,
        config_dir=config_dir,
        broker=Mosquitto(run_dir / "mosquitto", mqtt_port, persistent=persistent_broker),
        hass=HomeAssistant(config_dir, run_dir / "hass", http_port),
    )
    try:
        stack.start()
        yield stack
    finally:
        try:
            stack.stop()
        finally:
            stop_all()
