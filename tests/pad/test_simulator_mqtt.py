"""The simulator against a real mosquitto broker on a loopback port.

Each test starts its own broker (`mosquitto -c conf`, foreground) on a free port and skips with a
clear reason when mosquitto is not installed (`scripts/ensure-services` installs it).
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from custom_components.retro_balance.engine.wire import protocol, topics
from devtools.mosquitto import mosquitto_binary
from devtools.processes import HarnessError, free_port
from pad_simulator.cli import main
from pad_simulator.scenarios import generate
from tests.needs import missing
from tests.paths import REPO

pytestmark = pytest.mark.mosquitto


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


@pytest.fixture
def broker_port(socket_enabled: None, tmp_path: Path) -> Iterator[int]:
    broker, port = start_broker(tmp_path)
    yield port
    broker.terminate()
    broker.wait(timeout=10)


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


@pytest.fixture
def listener(broker_port: int) -> Iterator[Listener]:
    subscriber = Listener(broker_port)
    yield subscriber
    subscriber.close()


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


def test_published_messages_are_exactly_the_generated_ones(
    broker_port: int, listener: Listener, tmp_path: Path
) -> None:
    out = tmp_path / "out.txt"
    process = simulator(
        broker_port,
        "--scenario",
        "step",
        "--duration",
        "3",
        "--seed",
        "4",
        "--speed",
        "0",
        out=out,
    )
    assert process.wait(timeout=60) == 0, out.read_text(encoding="utf-8")
    listener.wait_for(lambda item: item.payload == b"offline")
    received = listener.snapshot()
    frames = [item.payload for item in received if item.topic == "retro_balance/pad1/frames"]
    expected = [
        payload for _, kind, payload in generate("step", seed=4, duration_s=3.0) if kind == "frames"
    ]
    assert frames == expected
    statuses = [item.payload for item in received if item.topic.endswith("/status")]
    assert statuses == [b"online", b"offline"]
    info = protocol.parse_info(
        next(item.payload for item in received if item.topic == "retro_balance/pad1/info")
    )
    assert info.rate_hz == 80.0
    kept = retained(broker_port)
    assert kept["retro_balance/pad1/status"] == b"offline"
    assert protocol.parse_info(kept["retro_balance/pad1/info"]) == info
    assert "retro_balance/pad1/frames" not in kept
    assert "scenario finished" in out.read_text(encoding="utf-8")


def test_last_will_says_offline_when_the_pad_dies(
    broker_port: int, listener: Listener, tmp_path: Path
) -> None:
    process = simulator(broker_port, "--scenario", "idle", "--loop", out=tmp_path / "out.txt")
    listener.wait_for(lambda item: item.payload == b"online")
    listener.wait_for(lambda item: item.topic.endswith("/frames"))
    process.kill()  # SIGKILL: no chance to say goodbye
    process.wait(timeout=10)
    listener.wait_for(lambda item: item.payload == b"offline", timeout_s=10)
    assert retained(broker_port)["retro_balance/pad1/status"] == b"offline"


def test_ctrl_c_publishes_offline_and_exits_cleanly(
    broker_port: int, listener: Listener, tmp_path: Path
) -> None:
    out = tmp_path / "out.txt"
    process = simulator(broker_port, "--scenario", "step", "--loop", out=out)
    listener.wait_for(lambda item: item.topic.endswith("/frames"))
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0
    listener.wait_for(lambda item: item.payload == b"offline")
    text = out.read_text(encoding="utf-8")
    assert "interrupted" in text
    assert "published offline" in text
    assert "Traceback" not in text


def test_reconnect_publishes_status_and_info_again(socket_enabled: None, tmp_path: Path) -> None:
    broker, port = start_broker(tmp_path)
    out = tmp_path / "out.txt"
    process = simulator(port, "--scenario", "idle", "--loop", out=out)
    try:
        wait_for_text(out, "connected; published online and info")
        broker.terminate()
        broker.wait(timeout=10)
        wait_for_text(out, "connection lost")
        broker, _ = start_broker(tmp_path, port=port)  # a fresh broker: nothing retained
        listener = Listener(port)
        try:
            listener.wait_for(lambda item: item.payload == b"online", timeout_s=20)
            listener.wait_for(lambda item: item.topic == "retro_balance/pad1/info")
            frames = listener.wait_for(lambda item: item.topic.endswith("/frames"))
            assert protocol.parse_frame(frames.payload).seq > 0  # seq goes on, no reset
        finally:
            listener.close()
        assert retained(port)["retro_balance/pad1/status"] == b"online"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
        broker.terminate()
        broker.wait(timeout=10)


def test_sigterm_behaves_like_ctrl_c(broker_port: int, listener: Listener, tmp_path: Path) -> None:
    process = simulator(broker_port, "--scenario", "idle", "--loop", out=tmp_path / "out.txt")
    listener.wait_for(lambda item: item.topic.endswith("/frames"))
    process.terminate()
    assert process.wait(timeout=10) == 0
    assert retained(broker_port)["retro_balance/pad1/status"] == b"offline"


def test_commands_are_applied_and_cues_printed(
    broker_port: int, listener: Listener, tmp_path: Path
) -> None:
    out = tmp_path / "out.txt"
    process = simulator(broker_port, "--scenario", "idle", "--loop", "--pad-id", "hall", out=out)
    try:
        listener.wait_for(lambda item: item.payload == b"online")
        cmd = topics.topic("retro_balance", "hall", "cmd")
        listener.publish(cmd, protocol.encode_cue_command("start"))
        wait_for_text(out, "[hall] cue: start")
        listener.publish(cmd, protocol.encode_tare_command())
        wait_for_text(out, "[hall] tare requested")
        wait_for_text(out, "[hall] tared")
        listener.publish(cmd, b'{"cmd":"reboot"}')
        wait_for_text(out, "ignored a malformed command (unknown_command)")
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_several_pads_each_with_their_own_topics(broker_port: int, listener: Listener) -> None:
    output = io.StringIO()
    status = main(
        [
            "--port",
            str(broker_port),
            "--pads",
            "3",
            "--pad-id",
            "kitchen",
            "--scenario",
            "idle",
            "--duration",
            "2",
            "--speed",
            "0",
            "--seed",
            "1",
        ],
        out=output,
    )
    assert status == 0
    listener.wait_for(
        lambda item: item.topic == "retro_balance/pad2/status" and item.payload == b"offline"
    )
    pads = {item.topic.split("/")[1] for item in listener.snapshot()}
    assert pads == {"kitchen", "pad1", "pad2"}
    for pad in pads:
        frames = [
            protocol.parse_frame(item.payload)
            for item in listener.snapshot()
            if item.topic == f"retro_balance/{pad}/frames"
        ]
        assert [frame.seq for frame in frames] == list(range(len(frames)))
    assert "simulating 3 pad(s) (kitchen, pad1, pad2)" in output.getvalue()


def test_unreachable_broker_is_reported_after_retries(
    socket_enabled: None, capsys: pytest.CaptureFixture[str]
) -> None:
    output = io.StringIO()
    port = free_port()  # nothing listens here
    status = main(["--port", str(port), "--max-retries", "1", "--scenario", "idle"], out=output)
    assert status == 2
    assert "retrying in 1 s" in output.getvalue()
    error = capsys.readouterr().err
    assert f"cannot reach the MQTT broker at localhost:{port}" in error
    assert "Is the broker running" in error


def test_refused_login_is_reported(
    socket_enabled: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broker, port = start_broker(tmp_path, anonymous=False)
    try:
        status = main(
            ["--port", str(port), "--scenario", "idle", "--username", "pad", "--password", "nope"],
            out=io.StringIO(),
        )
    finally:
        broker.terminate()
        broker.wait(timeout=10)
    assert status == 2
    assert "refused the connection" in capsys.readouterr().err


def test_help_tells_everything(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    for option in (
        "--host",
        "--port",
        "--username",
        "--password",
        "--tls",
        "--prefix",
        "--pad-id",
        "--pads",
        "--rate",
        "--samples-per-frame",
        "--scenario",
        "--speed",
        "--seed",
        "--replay",
        "--weight-kg",
        "--loop",
        "--cap",
        "--lose-balance-at",
        "--drop-rate",
        "--dup-rate",
        "--dry-run",
        "--max-retries",
        "--no-lift",
        "daily-check",
        "household",
        "MQTT_PASSWORD",
        "Ctrl-C",
    ):
        assert option in text, option


def test_dry_run_prints_protocol_messages() -> None:
    output = io.StringIO()
    assert (
        main(
            ["--dry-run", "--scenario", "step", "--duration", "1", "--prefix", "home/bal"],
            out=output,
        )
        == 0
    )
    lines = output.getvalue().splitlines()
    assert lines[0].split()[1:] == ["home/bal/pad1/status", "online"]
    for line in lines[2:]:
        _, topic_name, payload = line.split(None, 2)
        assert topics.parse_topic(topic_name, "home/bal") == ("pad1", topics.TopicKind.FRAMES)
        protocol.parse_frame(payload)


def test_dry_run_names_each_pad_on_its_own_messages() -> None:
    output = io.StringIO()
    argv = ["--dry-run", "--pads", "2", "--scenario", "idle", "--duration", "2"]
    assert main(argv, out=output) == 0
    pads_and_kinds = [
        topics.parse_topic(line.split()[1]) for line in output.getvalue().splitlines()
    ]
    for pad_id in ("pad1", "pad2"):
        assert (pad_id, topics.TopicKind.INFO) in pads_and_kinds
        assert pads_and_kinds.count((pad_id, topics.TopicKind.FRAMES)) >= 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--pads", "0"], "--pads"),
        (["--speed", "-1"], "--speed"),
        (["--weight-kg", "5"], "weight"),
        (["--samples-per-frame", "60"], "samples per frame"),
    ],
)
def test_bad_values_are_explained(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--dry-run"], out=io.StringIO()) == 1
    assert message in capsys.readouterr().err


def test_bad_pad_id_is_refused_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--pad-id", "Hall Pad", "--dry-run"])
    assert "must match" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--household-weights", "80,heavy", "--dry-run"])
    assert "comma-separated" in capsys.readouterr().err


def test_script_wrapper_runs_the_simulator(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            str(REPO / "scripts" / "simulate-pad"),
            "--dry-run",
            "--scenario",
            "idle",
            "--duration",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "retro_balance/pad1/info" in result.stdout
