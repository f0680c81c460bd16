"""The simulator against a real mosquitto broker on a loopback port: what it publishes and retains,
its last will, Ctrl-C and SIGTERM, reconnecting, commands, several pads and a refused login.

Each test starts its own broker (`broker.py`) and skips with a clear reason when mosquitto is not
installed (`scripts/ensure-services` installs it).
"""

from __future__ import annotations

import io
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from custom_components.retro_balance.engine.wire import protocol, topics
from pad_simulator.cli import main
from pad_simulator.scenarios import generate

from .broker import Listener, retained, simulator, start_broker, wait_for_text

pytestmark = pytest.mark.mosquitto


@pytest.fixture
def broker_port(socket_enabled: None, tmp_path: Path) -> Iterator[int]:
    broker, port = start_broker(tmp_path)
    yield port
    broker.terminate()
    broker.wait(timeout=10)


@pytest.fixture
def listener(broker_port: int) -> Iterator[Listener]:
    subscriber = Listener(broker_port)
    yield subscriber
    subscriber.close()


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
