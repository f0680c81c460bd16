"""Publish simulated pads to an MQTT broker, paced in (scaled) real time.

Each pad gets its own paho-mqtt client (so each has its own last will), behaving as the firmware
does: last will `offline`, birth `online` and `info` (retained, QoS 1) after every (re)connect,
frames and button presses with QoS 0, `cmd` subscribed with QoS 1. Commands are applied to the
pad's simulated device between two messages; cues are printed to stdout.
"""

from __future__ import annotations

import contextlib
import heapq
import queue
import ssl
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode

from custom_components.retro_balance.engine.wire import messages, protocol, topics

from .device import Message
from .simulation import Simulation

MAX_BACKOFF_S = 30.0
CONNACK_TIMEOUT_S = 10.0


class BrokerUnreachableError(RuntimeError):
    """The broker could not be reached (after the allowed retries) or refused the login."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BrokerSettings:
    """Where and how to connect."""

    host: str = "localhost"
    port: int = 1883
    username: str | None = None
    password: str | None = None
    tls: bool = False
    ca_file: str | None = None
    tls_insecure: bool = False
    keepalive_s: int = 30
    max_retries: int | None = None
    """None: retry forever (with exponential backoff up to 30 s)."""
    client_id: str | None = None
    """None: a client id of its own for each pad (a given one serves a single pad)."""


class PadClient:
    """One simulated pad on the broker."""

    def __init__(
        self,
        pad_id: str,
        prefix: str,
        simulation: Simulation,
        broker: BrokerSettings,
        out: TextIO,
    ) -> None:
        """Create the paho client with the pad's last will; nothing is sent yet."""
        self.pad_id = pad_id
        self.prefix = prefix
        self.simulation = simulation
        self.broker = broker
        self.out = out
        self.commands: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        self._connected = threading.Event()
        self._refused: str | None = None
        self._announced = False
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=broker.client_id or f"retro_balance-sim-{pad_id}-{id(self):x}",
            protocol=mqtt.MQTTv311,
        )
        self.client.will_set(
            self.topic(topics.TopicKind.STATUS),
            protocol.encode_status(False),
            qos=1,
            retain=True,
        )
        if broker.username is not None:
            self.client.username_pw_set(broker.username, broker.password)
        if broker.tls:
            self.client.tls_set(ca_certs=broker.ca_file)
            self.client.tls_insecure_set(broker.tls_insecure)
        self.client.reconnect_delay_set(min_delay=1, max_delay=int(MAX_BACKOFF_S))
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message

    def topic(self, kind: topics.TopicKind | str) -> str:
        """Return the pad's topic of the given kind."""
        return topics.topic(self.prefix, self.pad_id, kind)

    def _on_connect(
        self,
        client: mqtt.Client,
        userdata: Any,
        flags: mqtt.ConnectFlags,
        reason_code: ReasonCode,
        properties: Any,
    ) -> None:
        if reason_code.is_failure:
            self._refused = str(reason_code)
            self._connected.set()
            return
        client.subscribe(self.topic(topics.TopicKind.CMD), qos=1)
        for message in self.simulation.device.announce(0.0):
            client.publish(self.topic(message.kind), message.payload, qos=1, retain=True)
        self._print("connected; published online and info (retained)")
        self._connected.set()

    def _on_disconnect(
        self,
        client: mqtt.Client,
        userdata: Any,
        flags: mqtt.DisconnectFlags,
        reason_code: ReasonCode,
        properties: Any,
    ) -> None:
        if reason_code.is_failure:
            self._print(f"connection lost ({reason_code}); paho reconnects (1–30 s backoff)")

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        self.commands.put(bytes(message.payload))

    def _print(self, text: str) -> None:
        print(f"[{self.pad_id}] {text}", file=self.out, flush=True)

    def connect(self, sleep: Callable[[float], None] = time.sleep) -> None:
        """Connect, retrying with exponential backoff; `BrokerUnreachableError` if hopeless."""
        broker = self.broker
        delay_s = 1.0
        attempt = 0
        while True:
            where = f"MQTT broker at {broker.host}:{broker.port}"
            try:
                self.client.connect(broker.host, broker.port, keepalive=broker.keepalive_s)
                break
            except ssl.SSLCertVerificationError as err:  # retrying cannot help
                raise BrokerUnreachableError(
                    f"the {where} sent a TLS certificate that is not trusted: "
                    f"{err.verify_message.rstrip('.')}. Give the CA that signed it with "
                    "--ca-file, and a --host that the certificate names"
                ) from None
            except OSError as err:
                attempt += 1
                if broker.max_retries is not None and attempt > broker.max_retries:
                    raise BrokerUnreachableError(
                        f"cannot reach the {where}: {err}. Is the broker running, and are "
                        "--host/--port (and --tls) right?"
                    ) from None
                self._print(
                    f"cannot reach the {where} ({err}); retrying in {delay_s:.0f} s "
                    "(Ctrl-C to stop)"
                )
                sleep(delay_s)
                delay_s = min(delay_s * 2, MAX_BACKOFF_S)
        self.client.loop_start()
        if not self._connected.wait(CONNACK_TIMEOUT_S):
            self.client.loop_stop()
            raise BrokerUnreachableError(
                f"no answer from the MQTT broker at {broker.host}:{broker.port} "
                f"within {CONNACK_TIMEOUT_S:.0f} s"
            )
        if self._refused is not None:
            self.client.loop_stop()
            raise BrokerUnreachableError(
                f"the MQTT broker at {broker.host}:{broker.port} refused the connection: "
                f"{self._refused} (check --username/--password)"
            )

    def handle_commands(self) -> None:
        """Apply every command received since the last call (tare, cues)."""
        device = self.simulation.device
        while True:
            try:
                payload = self.commands.get_nowait()
            except queue.Empty:
                break
            try:
                command = device.handle_command(payload)
            except messages.ProtocolError as err:
                self._print(f"ignored a malformed command ({err.reason}): {err}")
                continue
            if command.cmd == "tare":
                self._print("tare requested")
            else:
                self._print(f"cue: {command.cue}")
        for event in device.tare_events:
            self._print(event.replace("_", " "))
        device.tare_events.clear()

    def publish(self, message: Message) -> None:
        """Publish one simulated message.

        The first status and info are sent by the connect callback (on every connection); a
        later announcement in the stream (a simulated reboot) is published, retained.
        """
        if message.kind in (topics.TopicKind.STATUS, topics.TopicKind.INFO):
            if self._announced:
                self.client.publish(self.topic(message.kind), message.payload, qos=1, retain=True)
            elif message.kind == topics.TopicKind.INFO:
                self._announced = True
            return
        self.client.publish(self.topic(message.kind), message.payload, qos=0, retain=False)

    def close(self) -> None:
        """Publish `offline` (retained) and disconnect cleanly."""
        info = self.client.publish(
            self.topic(topics.TopicKind.STATUS),
            protocol.encode_status(False),
            qos=1,
            retain=True,
        )
        with contextlib.suppress(RuntimeError):  # not connected: the broker sends the will
            info.wait_for_publish(timeout=3.0)
        self.client.disconnect()
        self.client.loop_stop()
        self._print("published offline; disconnected")


def in_send_order[T](sources: Iterable[tuple[T, Simulation]]) -> Iterable[tuple[T, Message]]:
    """Every simulation's messages, each with its source, merged by send time (ties: list order)."""

    def tagged(source: T, simulation: Simulation) -> Iterator[tuple[T, Message]]:
        for message in simulation.messages():
            yield source, message

    return heapq.merge(*(tagged(*pair) for pair in sources), key=lambda item: item[1].time_s)


def play(
    pads: list[PadClient],
    *,
    speed: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Publish every pad's messages in time order, `speed` times faster than real time.

    `speed` 0 publishes as fast as possible. Returns the number of messages published.
    """
    start = clock()
    published = 0
    for pad, message in in_send_order((pad, pad.simulation) for pad in pads):
        if speed > 0:
            while (wait_s := start + message.time_s / speed - clock()) > 0:
                pad.handle_commands()
                sleep(min(wait_s, 0.05))
        pad.handle_commands()
        pad.publish(message)
        published += 1
    for pad in pads:
        pad.handle_commands()
    return published


def print_messages(
    pads: list[tuple[str, Simulation]], prefix: str, out: TextIO = sys.stdout
) -> int:
    """Dry run: write every message as `time topic payload` lines instead of publishing."""
    count = 0
    for pad_id, message in in_send_order(pads):
        name = topics.topic(prefix, pad_id, message.kind)
        print(f"{message.time_s:9.3f} {name} {message.payload.decode()}", file=out)
        count += 1
    return count
