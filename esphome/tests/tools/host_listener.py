"""What the broker sees of the host firmware: every message under the pad's topics; the retained.

Part of check_host_firmware.py (scripts/check-firmware), run with the project's .venv.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from devtools.processes import LOCALHOST


@dataclass(frozen=True)
class Message:
    """One MQTT message as received, with the check's clock."""

    time_s: float
    kind: str
    payload: bytes
    retained: bool


class Listener:
    """An MQTT client that records every message under the pad's topics."""

    def __init__(self, port: int, base: str) -> None:
        """Connect to the broker and subscribe to `base/#`."""
        self.base = base
        self.messages: list[Message] = []
        self._lock = threading.Lock()
        self._client = mqtt.Client(CallbackAPIVersion.VERSION2)
        self._client.on_message = self._on_message
        self._client.connect(LOCALHOST, port)
        self._client.subscribe(f"{base}/#", qos=1)
        self._client.loop_start()

    def _on_message(self, _client: mqtt.Client, _userdata: object, msg: mqtt.MQTTMessage) -> None:
        kind = msg.topic.removeprefix(f"{self.base}/")
        with self._lock:
            self.messages.append(Message(time.monotonic(), kind, msg.payload, bool(msg.retain)))

    def of(self, kind: str, since_s: float = 0.0) -> list[Message]:
        """Messages of one kind received since a time."""
        with self._lock:
            return [m for m in self.messages if m.kind == kind and m.time_s >= since_s]

    def send(self, payload: bytes) -> float:
        """Publish a command to the pad; return when."""
        self._client.publish(f"{self.base}/cmd", payload, qos=1).wait_for_publish(5)
        return time.monotonic()

    def close(self) -> None:
        """Disconnect."""
        self._client.loop_stop()
        self._client.disconnect()


def retained(port: int, base: str) -> dict[str, bytes]:
    """Return what a client connecting now gets as retained messages under the pad's topics."""
    listener = Listener(port, base)
    time.sleep(1.0)
    listener.close()
    return {m.kind: m.payload for m in listener.messages if m.retained}
