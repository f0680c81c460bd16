"""The golden protocol fixtures against engine.protocol (parse, reason codes, canonical bytes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from custom_components.retro_balance.engine.wire import messages, protocol, topics
from tests import paths

FIXTURES = paths.FIXTURES / "protocol"
VALID = sorted((FIXTURES / "valid").glob("*.json"))
INVALID = sorted((FIXTURES / "invalid").glob("*.json"))


def load_case(path: Path) -> tuple[dict[str, Any], bytes]:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if "payload_text" in case:
        return case, case["payload_text"].encode("utf-8")
    if "payload_hex" in case:
        return case, bytes.fromhex(case["payload_hex"])
    return case, json.dumps(case["payload"], separators=(",", ":")).encode("utf-8")


def parse(kind: str, payload: bytes) -> Any:
    parsers = {
        "frames": protocol.parse_frame,
        "info": protocol.parse_info,
        "status": protocol.parse_status,
        "button": protocol.parse_button,
        "cmd": protocol.parse_command,
    }
    return parsers[kind](payload)


def test_every_kind_has_valid_and_invalid_cases() -> None:
    kinds = {kind.value for kind in topics.TopicKind}
    assert {load_case(path)[0]["topic_kind"] for path in VALID} == kinds
    assert {load_case(path)[0]["topic_kind"] for path in INVALID} == kinds
    assert len(VALID) >= 15
    assert len(INVALID) >= 40


@pytest.mark.parametrize("path", VALID, ids=lambda path: path.stem)
def test_valid_fixture_parses_to_expected(path: Path) -> None:
    case, payload = load_case(path)
    message = parse(case["topic_kind"], payload)
    expected = case["expected"]
    if case["topic_kind"] == "frames":
        assert message.seq == expected["seq"]
        assert message.t_ms == expected["t_ms"]
        assert message.rate_hz == expected["rate_hz"]
        cells = np.array(expected["cells_kg"], dtype=np.float64)
        np.testing.assert_array_equal(message.cells_kg, cells)
        assert message.cells_kg.dtype == np.float64
        assert message.cells_kg.shape == (len(expected["cells_kg"]), 4)
    elif case["topic_kind"] == "info":
        assert message == messages.PadInfo(**{**expected, "cells": tuple(expected["cells"])})
    elif case["topic_kind"] == "status":
        assert message is expected["online"]
    elif case["topic_kind"] == "button":
        assert message == messages.ButtonPress(press=expected["press"])
    else:
        assert message == messages.Command(cmd=expected["cmd"], cue=expected["cue"])


@pytest.mark.parametrize("path", VALID, ids=lambda path: path.stem)
def test_valid_fixture_payload_text_matches_payload(path: Path) -> None:
    case, payload = load_case(path)
    if "payload" in case:
        assert json.loads(payload) == case["payload"]


@pytest.mark.parametrize("path", VALID, ids=lambda path: path.stem)
def test_canonical_fixture_is_what_the_encoder_writes(path: Path) -> None:
    case, payload = load_case(path)
    message = parse(case["topic_kind"], payload)
    encoders = {
        "frames": protocol.encode_frame,
        "info": protocol.encode_info,
        "status": protocol.encode_status,
        "button": lambda press: protocol.encode_button(press.press),
        "cmd": protocol.encode_command,
    }
    encoded = encoders[case["topic_kind"]](message)
    if case["canonical"]:
        assert encoded == payload
    else:
        assert encoded != payload
        assert parse(case["topic_kind"], encoded) == message


@pytest.mark.parametrize("path", INVALID, ids=lambda path: path.stem)
def test_invalid_fixture_is_rejected_with_reason(path: Path) -> None:
    case, payload = load_case(path)
    with pytest.raises(messages.ProtocolError) as caught:
        parse(case["topic_kind"], payload)
    assert caught.value.reason == case["reason"]
    assert str(caught.value)
    # the same bytes given as text fail the same way (except bytes that are not text at all)
    if case["reason"] != "not_utf8":
        with pytest.raises(messages.ProtocolError) as again:
            parse(case["topic_kind"], payload.decode("utf-8"))
        assert again.value.reason == case["reason"]
