"""The simulator's command line without a broker: help, dry runs, bad values and pad ids, an
unreachable broker, and the scripts/simulate-pad wrapper.
"""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest

from custom_components.retro_balance.engine.wire import protocol, topics
from devtools.processes import free_port
from pad_simulator.cli import main
from tests.paths import REPO

# Marked like the broker tests they were split from (test_simulator_mqtt.py); none starts one.
pytestmark = pytest.mark.mosquitto


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
