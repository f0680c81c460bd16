"""The broker set-up of docs/deployment.md, run for real: its ACL file and its bridge topics.

The ACL is read from the document (between its `begin: mosquitto acl` and `end` markers) and
loaded into a mosquitto with TLS and a password per user; the bridge's `topic` lines are read the
same way and join two brokers on loopback ports. Skipped with a reason when mosquitto is missing.
"""

from __future__ import annotations

import getpass
import io
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from custom_components.retro_balance.engine.wire import protocol
from pad_simulator.cli import main

from .broker import Listener, start_broker
from .test_simulator_tls import TlsFiles, password_file, tls_files

pytestmark = pytest.mark.mosquitto

DEPLOYMENT = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"
PADS = {"oak-r101": "pw-101", "oak-r102": "pw-102"}
HA = ("homeassistant", "pw-ha")
QUIET_S = 0.5
"""How long a dropped message is waited for (mosquitto delivers in well under that)."""


def documented(block: str) -> str:
    """The fenced code between `<!-- begin: {block}` and `<!-- end: {block} -->`."""
    text = DEPLOYMENT.read_text(encoding="utf-8")
    found = re.search(
        rf"<!-- begin: {block}.*?-->\n```\n(.*?)```\n<!-- end: {block} -->", text, re.S
    )
    assert found is not None, f"no '{block}' block in {DEPLOYMENT}"
    return found.group(1)


class Client(Listener):
    """A paho client that logs in, subscribes to `retro_balance/#` and records what it may read."""

    def frames_of(self, pad_id: str) -> list[bytes]:
        return [m.payload for m in self.snapshot() if m.topic == f"retro_balance/{pad_id}/frames"]

    def topics(self) -> set[str]:
        return {message.topic for message in self.snapshot()}


def documented_conf(files: TlsFiles, passwords: Path, acl: Path) -> str:
    """The document's mosquitto configuration with this test's files, on start_broker's listener."""
    conf = documented("mosquitto conf")
    for path, here in (
        ("/etc/mosquitto/certs/ca.crt", files.ca_file),
        ("/etc/mosquitto/certs/broker.crt", files.cert_file),
        ("/etc/mosquitto/certs/broker.key", files.key_file),
        ("/etc/mosquitto/passwd", passwords),
        ("/etc/mosquitto/acl", acl),
    ):
        assert path in conf, path
        conf = conf.replace(path, str(here))
    assert "listener 8883\n" in conf
    # The TLS lines then apply to start_broker's loopback listener, not to port 8883.
    conf = conf.replace("listener 8883\n", "")
    # mosquitto started as root drops to the user 'mosquitto', who cannot read tmp_path.
    return conf + f"user {getpass.getuser()}\n"


@pytest.fixture
def acl_broker(socket_enabled: None, tmp_path: Path) -> Iterator[tuple[int, Path]]:
    files = tls_files(tmp_path)
    passwords = password_file(tmp_path, {**PADS, HA[0]: HA[1]})
    acl = tmp_path / "acl"
    acl.write_text(documented("mosquitto acl"), encoding="utf-8")
    settings = documented_conf(files, passwords, acl)
    broker, port = start_broker(tmp_path, anonymous=False, settings=settings)
    yield port, files.ca_file
    broker.terminate()
    broker.wait(timeout=10)


def frame(seq: int) -> bytes:
    cells = [[17.5, 17.5, 17.5, 17.5]]
    return f'{{"v":1,"seq":{seq},"t_ms":{1000 + seq},"rate_hz":80,"cells":{cells}}}'.encode()


def test_each_pad_is_kept_to_its_own_topics(acl_broker: tuple[int, Path]) -> None:
    port, ca_file = acl_broker
    home = Client(port, ca_file=ca_file, login=HA)
    pad_101 = Client(port, ca_file=ca_file, login=("oak-r101", PADS["oak-r101"]))
    pad_102 = Client(port, ca_file=ca_file, login=("oak-r102", PADS["oak-r102"]))
    try:
        # A real pad (the simulator) under its own user: status, info and frames arrive.
        status = main(
            [
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--tls",
                "--ca-file",
                str(ca_file),
                "--username",
                "oak-r101",
                "--password",
                PADS["oak-r101"],
                "--pad-id",
                "oak-r101",
                "--scenario",
                "idle",
                "--duration",
                "2",
                "--speed",
                "0",
                "--max-retries",
                "0",
            ],  # fmt: skip
            out=io.StringIO(),
        )
        assert status == 0
        home.wait_for(
            lambda m: m.topic == "retro_balance/oak-r101/status" and m.payload == b"offline"
        )
        assert {"retro_balance/oak-r101/info", "retro_balance/oak-r101/frames"} <= home.topics()

        # Pad 101 forges pad 102's frames and info, and sends pad 102 a tare.
        pad_101.publish("retro_balance/oak-r102/frames", frame(1))
        pad_101.publish("retro_balance/oak-r102/info", b'{"v":1}')
        pad_101.publish("retro_balance/oak-r102/cmd", protocol.encode_tare_command())
        # Its own frame, sent after them, arrives: so the forged ones were dropped, not late.
        pad_101.publish("retro_balance/oak-r101/frames", frame(99))
        home.wait_for(lambda m: m.payload == frame(99))
        # Home Assistant commands pad 102; pad 102 publishes a frame of its own.
        home.publish("retro_balance/oak-r102/cmd", protocol.encode_cue_command("start"))
        pad_102.publish("retro_balance/oak-r102/frames", frame(7))
        home.wait_for(lambda m: m.payload == frame(7))
        pad_102.wait_for(lambda m: m.topic == "retro_balance/oak-r102/cmd")
        time.sleep(QUIET_S)

        assert home.frames_of("oak-r102") == [frame(7)]  # the forged frame never arrived
        assert "retro_balance/oak-r102/info" not in home.topics()
        # Each pad reads its own commands only: no frames, no other pad's commands.
        assert [m.payload for m in pad_102.snapshot()] == [protocol.encode_cue_command("start")]
        assert pad_101.snapshot() == []
    finally:
        for client in (home, pad_101, pad_102):
            client.close()


def test_a_message_over_the_packet_limit_is_dropped(acl_broker: tuple[int, Path]) -> None:
    port, ca_file = acl_broker
    login = ("oak-r101", PADS["oak-r101"])
    home = Client(port, ca_file=ca_file, login=HA)
    pad = Client(port, ca_file=ca_file, login=login)
    try:
        pad.client.publish("retro_balance/oak-r101/frames", b" " * 12_000 + frame(1), qos=0)
        deadline = time.monotonic() + 5
        while pad.client.is_connected() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not pad.client.is_connected(), "the broker kept a client that sent 12 kB"
        again = Client(port, ca_file=ca_file, login=login)
        try:
            again.publish("retro_balance/oak-r101/frames", frame(2))
        finally:
            again.close()
        home.wait_for(lambda m: m.payload == frame(2))
        assert home.frames_of("oak-r101") == [frame(2)]
    finally:
        home.close()
        pad.close()


def test_a_bridge_carries_pad_messages_out_and_commands_in(
    socket_enabled: None, tmp_path: Path
) -> None:
    central, central_port = start_broker(tmp_path)
    topics = [
        line for line in documented("mosquitto bridge").splitlines() if line.startswith("topic ")
    ]
    assert len(topics) == 5
    bridge = f"connection oak-to-central\naddress 127.0.0.1:{central_port}\n" + "\n".join(topics)
    building, building_port = start_broker(tmp_path, settings=bridge + "\n")
    home = Client(central_port)
    pad = Client(building_port)
    try:
        deadline = time.monotonic() + 15
        while not home.frames_of("oak-r101") and time.monotonic() < deadline:
            pad.publish("retro_balance/oak-r101/frames", frame(1))  # until the bridge is up
            time.sleep(0.2)
        pad.client.publish("retro_balance/oak-r101/status", b"online", qos=1, retain=True)
        home.wait_for(lambda m: m.topic == "retro_balance/oak-r101/status" and m.retain is False)
        home.publish("retro_balance/oak-r101/cmd", protocol.encode_tare_command())
        pad.wait_for(lambda m: m.topic == "retro_balance/oak-r101/cmd")
        late = Client(central_port)  # a newcomer on the central broker gets the retained status
        try:
            late.wait_for(lambda m: m.topic == "retro_balance/oak-r101/status" and m.retain)
        finally:
            late.close()
    finally:
        for client in (home, pad):
            client.close()
        for broker in (building, central):
            broker.terminate()
            broker.wait(timeout=10)
