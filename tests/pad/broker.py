"""A real mosquitto on a loopback port, a paho listener that records what arrives, and the simulator
as a subprocess: the pieces of the tests against a broker.

mosquitto runs in the foreground (`mosquitto -c conf`); without it the test skips with a clear
reason (`scripts/ensure-services` installs it).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from devtools.mosquitto import mosquitto_binary
from devtools.processes import HarnessError, free_port
from tests.needs import missing
from tests.paths import REPO


def start_broker(
    tmp_path: Path, *, anonymous: bool = True, port: int | None = None, settings: str = ""
) -> tuple[subprocess.Popen[bytes], int]:
    """Start mosquitto on a loopback port; `settings` are extra lines for its listener."""
    try:
        binary = mosquitto_binary()
    except HarnessError as err:
        missing(str(err), remedy="CI must install it: scripts/ensure-services")
    port = port or free_port()
    conf = tmp_path / f"mosquitto-{port}.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\n"
        f"allow_anonymous {'true' if anonymous else 'false'}\n"
        "persistence false\n"
        "log_dest stdout\n"
        f"{settings}",
        encoding="utf-8",
    )
    log = (tmp_path / f"mosquitto-{port}.log").open("wb")
    broker = subprocess.Popen([binary, "-c", str(conf)], stdout=log, stderr=subprocess.STDOUT)
    log.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return broker, port
        except OSError:
            time.sleep(0.05)
    broker.kill()
    broker.wait()
    pytest.fail(f"mosquitto did not start on port {port}")


@dataclass
class Received:
    topic: str
    payload: bytes
    retain: bool


@dataclass
class Listener:
    """A paho subscriber on `retro_balance/#` that records everything it receives."""

    port: int
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    ca_file: Path | None = None
    """Connect with TLS, trusting this CA."""
    login: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        subscribed = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"listener-{id(self)}")
        if self.ca_file is not None:
            self.client.tls_set(ca_certs=str(self.ca_file))
        if self.login is not None:
            self.client.username_pw_set(*self.login)
        self.client.on_connect = lambda client, *_: client.subscribe("retro_balance/#", qos=1)
        self.client.on_subscribe = lambda *_: subscribed.set()
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", self.port)
        self.client.loop_start()
        assert subscribed.wait(5), "listener could not subscribe"

    def _on_message(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        with self.lock:
            self.messages.append(Received(message.topic, bytes(message.payload), message.retain))

    def snapshot(self) -> list[Received]:
        with self.lock:
            return list(self.messages)

    def wait_for(self, predicate: Callable[[Received], bool], timeout_s: float = 15.0) -> Received:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = next((item for item in self.snapshot() if predicate(item)), None)
            if found is not None:
                return found
            time.sleep(0.02)
        raise AssertionError(f"nothing matching arrived in {timeout_s} s")

    def publish(self, topic: str, payload: bytes) -> None:
        self.client.publish(topic, payload, qos=1).wait_for_publish(5)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def retained(port: int) -> dict[str, bytes]:
    """What a newcomer receives: the retained messages."""
    late = Listener(port)
    time.sleep(0.3)
    late.close()
    return {item.topic: item.payload for item in late.snapshot() if item.retain}


def simulator(port: int, *args: str, out: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "pad_simulator", "--port", str(port), *args]
    handle = out.open("wb")
    process = subprocess.Popen(command, cwd=REPO, stdout=handle, stderr=subprocess.STDOUT)
    handle.close()
    return process


def wait_for_text(path: Path, text: str, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if text in path.read_text(encoding="utf-8", errors="replace"):
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} not printed; output:\n{path.read_text(encoding='utf-8')}")
