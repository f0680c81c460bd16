"""Bad input on the wire: dropped with a counter and a rate-limited log line, never raised."""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import timedelta
from unittest.mock import patch

import numpy as np
import pytest
from homeassistant.components.mqtt import ReceiveMessage
from homeassistant.core import Event, EventStateChangedData, HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from benchmarks.fuzz_targets import harness, parsers
from custom_components.retro_balance.const import CONF_PAD_ID, CONF_PREFIX, DOMAIN
from custom_components.retro_balance.engine.wire.messages import Frame
from custom_components.retro_balance.engine.wire.protocol import encode_frame, encode_info

from .helpers import ENTRY_ID, INFO, PREFIX, counters, fire, flush_live_updates, live

# The counters are diagnostic entities, the malformed one disabled by default: enable them.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

DROPPED = "sensor.balance_pad_hall_dropped_frames"
MALFORMED = "sensor.balance_pad_hall_malformed_messages"
WEIGHT = "sensor.balance_pad_hall_weight_on_pad"


def frame(seq: int, t_ms: int, total_kg: float = 70.0, samples: int = 10) -> bytes:
    """A valid frame with the load spread evenly over the corners."""
    cells = np.full((samples, 4), total_kg / 4)
    return encode_frame(Frame(seq=seq, t_ms=t_ms, rate_hz=80.0, cells_kg=cells))


def count(hass: HomeAssistant, entity_id: str) -> int:
    return int(hass.states.get(entity_id).state)


def good_frame_dict() -> dict[str, object]:
    return json.loads(frame(1, 1000))


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        pytest.param(*case, id=case[1])
        for case in [
            (b"\xff\xfe", "not_utf8"),
            (b"not json", "not_json"),
            (b"[1, 2]", "not_object"),
            (b"", "empty"),
            (b"{" + b" " * 9000 + b"}", "oversized"),
            (json.dumps({**good_frame_dict(), "v": 2}).encode(), "wrong_version"),
            (json.dumps(good_frame_dict()).replace("17.5", "NaN", 1).encode(), "non_finite"),
            (
                json.dumps({**good_frame_dict(), "cells": [[1, 2, 3, 4]] * 51}).encode(),
                "too_many_samples",
            ),
            (
                json.dumps({k: v for k, v in good_frame_dict().items() if k != "seq"}).encode(),
                "missing_field",
            ),
        ]
    ],
)
async def test_malformed_frames_are_counted(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    payload: bytes,
    reason: str,
) -> None:
    fire(hass, "frames", payload)
    fire(hass, "frames", payload)
    await hass.async_block_till_done()
    await flush_live_updates(hass)
    assert count(hass, MALFORMED) == 2
    assert count(hass, DROPPED) == 0
    assert live(init_integration).malformed == {reason: 2}
    # One log line for the two messages (at most one a minute per pad and reason).
    lines = [r for r in caplog.records if "Dropped a malformed frames message" in r.message]
    assert len(lines) == 1
    assert lines[0].levelno == logging.WARNING


async def test_log_limit_is_per_minute(
    hass: HomeAssistant, init_integration: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    for now in (100.0, 130.0, 161.0):
        with patch("custom_components.retro_balance.pad_mqtt.monotonic", return_value=now):
            fire(hass, "frames", b"nope")
            await flush_live_updates(hass)
    assert live(init_integration).malformed["not_json"] == 3
    lines = [r for r in caplog.records if "Dropped a malformed frames message" in r.message]
    assert len(lines) == 2


async def test_log_line_names_the_reason_and_cuts_the_payload(
    hass: HomeAssistant, init_integration: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    """`protocol.md`: the reason, the topic and the payload's first 100 bytes, never 8 KB."""
    frame = {**good_frame_dict(), "seq": "x" * 6000}
    fire(hass, "frames", json.dumps(frame))
    await flush_live_updates(hass)
    [line] = [r for r in caplog.records if "Dropped a malformed frames message" in r.message]
    reason = next(iter(live(init_integration).malformed))
    assert f"({reason}: " in line.message
    assert "payload starts b'{" in line.message
    assert len(line.message) < 500


async def test_wrong_version_raises_repair_until_fixed(
    hass: HomeAssistant, init_integration: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> None:
    fire(hass, "frames", json.dumps({**good_frame_dict(), "v": 3}))
    await flush_live_updates(hass)
    issue = issue_registry.async_get_issue(DOMAIN, f"unsupported_version_{ENTRY_ID}")
    assert issue is not None
    assert issue.translation_placeholders == {"pad_id": "hall", "version": "3"}
    # A good info message (after a firmware update) clears it.
    fire(hass, "info", encode_info(INFO))
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, f"unsupported_version_{ENTRY_ID}") is None


async def test_sequence_problems_are_dropped(
    hass: HomeAssistant, init_integration: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    fire(hass, "frames", frame(1010, 10_000))
    fire(hass, "frames", frame(1011, 10_125))
    fire(hass, "frames", frame(1011, 10_125))  # duplicate
    fire(hass, "frames", frame(1013, 10_375))  # seq 1012 missing ...
    fire(hass, "frames", frame(1012, 10_250))  # ... out of order (arrived after 1013), not lost
    fire(hass, "frames", frame(1009, 8_000))  # late: older than the window
    fire(hass, "frames", frame(1015, 10_625))  # seq 1014 lost on the way
    await hass.async_block_till_done()
    await flush_live_updates(hass)
    frames = counters(init_integration)
    assert (frames.duplicate, frames.out_of_order, frames.late, frames.lost) == (1, 1, 1, 1)
    assert count(hass, DROPPED) == 4
    assert count(hass, MALFORMED) == 0
    assert float(hass.states.get(WEIGHT).state) == pytest.approx(70.0)
    for verdict in ("duplicate", "out_of_order", "late"):
        assert any(f"Dropped a {verdict} frame" in r.message for r in caplog.records)


async def test_unknown_kinds_are_ignored(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    fire(hass, "cmd", b'{"cmd":"tare"}')  # our own command echoed back
    fire(hass, "button", b'{"v":1,"press":"sideways"}')
    fire(hass, "status", b"maybe")
    fire(hass, "info", b"{}")
    await hass.async_block_till_done()
    await flush_live_updates(hass)
    pad = live(init_integration)
    assert pad.malformed == {"bad_field": 2, "missing_field": 1}
    assert pad.online
    assert not pad.testing


async def test_other_pad_on_the_broker_is_left_alone(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Frames and garbage from a second configured pad reach it, and only it."""
    stranger = MockConfigEntry(
        domain=DOMAIN,
        title="stranger",
        data={CONF_PREFIX: PREFIX, CONF_PAD_ID: "stranger"},
        unique_id=f"{PREFIX}/stranger",
    )
    stranger.add_to_hass(hass)
    assert await hass.config_entries.async_setup(stranger.entry_id)
    await hass.async_block_till_done()
    fire(hass, "frames", frame(1, 1000), pad_id="stranger")
    fire(hass, "frames", b"garbage", pad_id="stranger")
    await hass.async_block_till_done()
    await flush_live_updates(hass)
    assert live(stranger).weight_kg == pytest.approx(70.0)
    assert live(stranger).malformed == {"not_json": 1}
    hall = live(init_integration)
    assert hall.weight_kg is None
    assert counters(init_integration).received == 0
    assert hall.malformed == {}
    assert not any(
        "pad hall" in r.message for r in caplog.records if r.name.startswith("custom_components")
    )


async def test_weight_updates_are_throttled(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Frames arrive ~8 times a second; the weight entity changes at most once a second.

    Without a test the frames wait until the second is over and are then taken together.
    """
    changes: list[str] = []

    def record(event: Event[EventStateChangedData]) -> None:
        if event.data["entity_id"] == WEIGHT and event.data["new_state"] is not None:
            changes.append(event.data["new_state"].state)

    hass.bus.async_listen("state_changed", record)
    for index in range(16):
        fire(hass, "frames", frame(index + 1, 1000 + index * 125, total_kg=60.0 + index))
        await hass.async_block_till_done()
    assert changes == []
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=2))
    await hass.async_block_till_done()
    assert len(changes) == 1
    # The last second's value.
    weight = live(init_integration).weight_kg
    assert weight is not None
    assert weight > 70
    assert float(hass.states.get(WEIGHT).state) == pytest.approx(weight)


async def test_foreign_topic_is_ignored_by_the_message_handler(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Even if a broker bridge delivers another pad's topic to us, it is ignored."""
    coordinator = init_integration.runtime_data.coordinator

    def deliver(topic: str) -> None:
        coordinator.mqtt.async_handle_message(
            ReceiveMessage(
                topic=topic,
                payload=frame(1, 1000),
                qos=0,
                retain=False,
                subscribed_topic="retro_balance/hall/+",
                timestamp=0.0,
            )
        )

    for topic in ("retro_balance/stranger/frames", "other/hall/frames", "retro_balance/hall/x/y"):
        deliver(topic)
    await flush_live_updates(hass)
    assert live(init_integration).weight_kg is None
    assert live(init_integration).malformed == {}
    assert counters(init_integration).received == 0
    # The same frame on the pad's own topic is taken.
    deliver("retro_balance/hall/frames")
    await flush_live_updates(hass)
    assert counters(init_integration).received == 1
    assert live(init_integration).weight_kg == pytest.approx(70.0)


async def test_fuzzed_messages_are_counted_by_reason(
    hass: HomeAssistant, init_integration: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    """Generated payloads (benchmarks/fuzz_targets/) on every topic the link reads.

    Each payload the parser refuses is counted once under its reason, each frame it accepts goes
    to the sequencer (which counts what it drops), and no exception reaches the MQTT client.
    """
    messages: list[tuple[str, bytes]] = []
    for kind, examples in (("frames", 300), ("info", 60), ("button", 60), ("status", 60)):

        def collect(payload: bytes | str, stats: harness.Stats, kind: str = kind) -> None:
            raw = (
                payload if isinstance(payload, bytes) else payload.encode("utf-8", "surrogatepass")
            )
            messages.append((kind, raw))

        harness.run(
            parsers.parser_target(kind), harness.Stats(), examples=examples, seed=15,
            check=collect,
        )  # fmt: skip
    # Two the fuzzer found escaping the parser (a TypeError and a ValueError in the callback).
    messages += [
        ("button", b'{"v":1,"press":["short"]}'),
        ("frames", b'{"v":1,"seq":' + b"9" * 4301 + b"}"),
    ]
    reasons = [(kind, parsers.parse_or_reason(kind, payload)) for kind, payload in messages]
    expected = Counter(reason for _, reason in reasons if reason is not None)
    parsed_frames = sum(kind == "frames" and reason is None for kind, reason in reasons)
    assert expected.total() > 200  # the generation covers both sides
    assert parsed_frames >= 10

    for kind, payload in messages:
        fire(hass, kind, payload)
    await hass.async_block_till_done()
    await flush_live_updates(hass)

    pad = live(init_integration)
    assert dict(pad.malformed) == dict(expected)
    assert count(hass, MALFORMED) == expected.total()
    assert counters(init_integration).received == parsed_frames
    frames = counters(init_integration)
    assert frames.accepted + frames.rejected == parsed_frames
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
