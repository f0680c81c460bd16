"""engine.protocol: topics, parsers, encoders, limits and speed."""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import numpy as np
import pytest

from custom_components.retro_balance.engine.wire import protocol, topics
from custom_components.retro_balance.engine.wire.messages import (
    MAX_FRAME_BYTES,
    MAX_SAMPLES_PER_FRAME,
    ButtonPress,
    Command,
    Frame,
    PadInfo,
    ProtocolError,
)


def frame_payload(**overrides: object) -> bytes:
    data: dict[str, object] = {
        "v": 1,
        "seq": 5,
        "t_ms": 1000,
        "rate_hz": 80,
        "cells": [[18.0, 17.5, 16.0, 16.5]] * 10,
    }
    data.update(overrides)
    return json.dumps(data).encode()


def make_frame(cells: object = None, **overrides: object) -> Frame:
    values: dict[str, object] = {"seq": 1, "t_ms": 2000, "rate_hz": 80.0}
    values.update(overrides)
    array = np.array(cells if cells is not None else [[1.0, 2.0, 3.0, 4.0]], dtype=np.float64)
    return Frame(cells_kg=array, **values)  # type: ignore[arg-type]


# --- topics -----------------------------------------------------------------------------


def test_topic_builds_and_parses_back() -> None:
    for kind in topics.TopicKind:
        name = topics.topic("retro_balance", "hall-pad_2", kind)
        assert name == f"retro_balance/hall-pad_2/{kind.value}"
        assert topics.parse_topic(name, "retro_balance") == ("hall-pad_2", kind)


def test_topic_accepts_plain_strings_nested_prefix_and_wildcard() -> None:
    assert topics.topic("home/balance", "pad1", "frames") == "home/balance/pad1/frames"
    assert topics.topic(topics.DEFAULT_PREFIX, "+", "info") == "retro_balance/+/info"
    assert topics.parse_topic("home/balance/pad1/cmd", "home/balance") == (
        "pad1",
        topics.TopicKind.CMD,
    )


@pytest.mark.parametrize(
    ("prefix", "pad_id", "kind"),
    [
        ("retro_balance", "Pad1", "frames"),
        ("retro_balance", "a" * 33, "frames"),
        ("retro_balance", "", "frames"),
        ("retro_balance", "pad/1", "frames"),
        ("", "pad1", "frames"),
        ("/retro_balance", "pad1", "frames"),
        ("retro_balance/", "pad1", "frames"),
        ("retro+balance", "pad1", "frames"),
        ("retro#", "pad1", "frames"),
        ("retro_balance", "pad1", "debug"),
    ],
)
def test_topic_rejects_bad_parts(prefix: str, pad_id: str, kind: str) -> None:
    with pytest.raises(ValueError, match=r"prefix|pad id|TopicKind|debug"):
        topics.topic(prefix, pad_id, kind)


@pytest.mark.parametrize(
    "name",
    [
        "other/pad1/frames",
        "retro_balance/pad1",
        "retro_balance/pad1/frames/extra",
        "retro_balance/PAD/frames",
        "retro_balance/pad1/debug",
        "retro_balance_x/pad1/frames",
        "retro_balance//frames",
    ],
)
def test_parse_topic_returns_none_for_foreign_topics(name: str) -> None:
    assert topics.parse_topic(name) is None


def test_pad_id_pattern() -> None:
    assert topics.is_valid_pad_id("a")
    assert topics.is_valid_pad_id("pad_1-x" + "0" * 25)
    assert not topics.is_valid_pad_id("pad 1")
    assert not topics.is_valid_pad_id("päd")
    assert topics.PAD_ID_PATTERN.pattern == "[a-z0-9_-]{1,32}"


# --- parsing ------------------------------------------------------------------------------


def test_parse_frame_builds_read_only_float_array_with_nan_for_null() -> None:
    frame = protocol.parse_frame(
        b'{"v":1,"seq":9,"t_ms":12345,"rate_hz":80,"cells":[[1,null,3,4.5],[5,6,7,8]]}'
    )
    assert (frame.seq, frame.t_ms, frame.rate_hz) == (9, 12345, 80.0)
    assert isinstance(frame.rate_hz, float)
    assert frame.cells_kg.dtype == np.float64
    assert frame.cells_kg.shape == (2, 4)
    assert math.isnan(frame.cells_kg[0, 1])
    assert frame.cells_kg[0, 3] == 4.5
    assert frame.t_first_s == pytest.approx(12.345)
    assert frame.sample_count == 2
    assert frame.duration_s == pytest.approx(2 / 80)
    with pytest.raises(ValueError, match="read-only"):
        frame.cells_kg[0, 0] = 2.0


def test_parse_accepts_str_and_surrounding_whitespace() -> None:
    text = frame_payload().decode()
    assert protocol.parse_frame(" \n" + text + "\n") == protocol.parse_frame(text)
    assert protocol.parse_status(" online\n") is True


def test_frame_equality_and_hash() -> None:
    first = make_frame([[1.0, np.nan, 3.0, 4.0]])
    assert first == make_frame([[1.0, np.nan, 3.0, 4.0]])
    assert first != make_frame([[1.0, 2.0, 3.0, 4.0]])
    assert first != make_frame([[1.0, np.nan, 3.0, 4.0]], seq=2)
    assert first != "frame"
    with pytest.raises(TypeError):
        hash(first)


def test_wrong_version_carries_the_version() -> None:
    with pytest.raises(ProtocolError) as caught:
        protocol.parse_frame(frame_payload(v=7))
    assert caught.value.reason == "wrong_version"
    assert caught.value.version == 7
    assert caught.value.field == "v"
    assert "7" in str(caught.value)


def test_error_message_names_the_field() -> None:
    with pytest.raises(ProtocolError, match="'seq'") as caught:
        protocol.parse_frame(frame_payload(seq="5"))
    assert caught.value.field == "seq"
    assert caught.value.message == str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_bool_is_not_an_integer_or_number() -> None:
    for field in ("v", "seq", "t_ms", "rate_hz"):
        with pytest.raises(ProtocolError) as caught:
            protocol.parse_frame(frame_payload(**{field: True}))
        assert caught.value.reason == "bad_field", field


def test_error_points_at_the_bad_sample() -> None:
    cells = [[1, 2, 3, 4]] * 3 + [[1, 2, 3, None, 5]]
    with pytest.raises(ProtocolError, match=r"cells\[3\]"):
        protocol.parse_frame(frame_payload(cells=cells))
    with pytest.raises(ProtocolError, match=r"cells\[0\] holds 'x'"):
        protocol.parse_frame(frame_payload(cells=[[None, "x", 3, 4]]))
    with pytest.raises(ProtocolError, match=r"cells\[1\].*-501"):
        protocol.parse_frame(frame_payload(cells=[[1, 2, 3, 4], [1, -501, 3, 4]]))


def test_limits_are_inclusive() -> None:
    frame = protocol.parse_frame(
        frame_payload(rate_hz=1, seq=2**32 - 1, t_ms=0, cells=[[500, -500, 0, None]] * 50)
    )
    assert frame.sample_count == MAX_SAMPLES_PER_FRAME
    protocol.parse_frame(frame_payload(rate_hz=1000))


def test_oversized_check_counts_utf8_bytes_of_text() -> None:
    # 2100 three-byte characters: 6300 bytes, under the limit; 2800 of them: 8400 bytes, over
    small = '{"v":1,"model":"%s"}' % ("€" * 2100)
    large = '{"v":1,"model":"%s"}' % ("€" * 2800)
    with pytest.raises(ProtocolError) as caught:
        protocol.parse_info(small)
    assert caught.value.reason == "bad_field"  # model too long, but not oversized
    with pytest.raises(ProtocolError) as caught:
        protocol.parse_info(large)
    assert caught.value.reason == "oversized"


def test_parse_info_fields() -> None:
    info = protocol.parse_info(
        b'{"v":1,"model":"m","fw":"1.2","rate_hz":80,"width_mm":433,"depth_mm":238.5,'
        b'"cells":["tl","tr","bl","br"],"unit":"kg","extra":[1]}'
    )
    assert info == PadInfo(
        version=1, model="m", firmware="1.2", rate_hz=80.0, width_mm=433.0, depth_mm=238.5
    )
    assert info.cells == ("tl", "tr", "bl", "br")
    assert info.unit == "kg"


def test_parse_button_and_commands() -> None:
    assert protocol.parse_button(b'{"v":1,"press":"long"}') == ButtonPress(press="long")
    assert protocol.parse_command(b'{"cmd":"tare"}') == Command(cmd="tare")
    assert protocol.parse_command('{"cmd":"cue","cue":"pass"}').cue == "pass"


# Found by benchmarks/fuzz.py: each of these escaped as a TypeError, ValueError or
# UnicodeEncodeError into the MQTT callback instead of being counted as a ProtocolError.
@pytest.mark.parametrize(
    ("parse", "payload", "reason"),
    [
        (protocol.parse_button, b'{"v":1,"press":["short"]}', "bad_field"),
        (protocol.parse_button, b'{"v":1,"press":{"a":1}}', "bad_field"),
        (protocol.parse_command, b'{"cmd":"cue","cue":["start"]}', "bad_field"),
        (protocol.parse_frame, b'{"v":1,"seq":' + b"9" * 4301 + b"}", "out_of_range"),
        (protocol.parse_command, b'{"cmd":"tare","x":-' + b"1" * 5000 + b"}", "out_of_range"),
        (protocol.parse_info, '{"v":1,"model":"' + "\ud800" * 2731 + '"}', "oversized"),
    ],
    ids=["press-list", "press-object", "cue-list", "long-int", "long-int-extra", "surrogates"],
)
def test_odd_values_are_protocol_errors(
    parse: Callable[[bytes | str], object], payload: bytes | str, reason: str
) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse(payload)
    assert caught.value.reason == reason
    assert caught.value.message


def test_command_dataclass_validates() -> None:
    with pytest.raises(ProtocolError, match="cue"):
        Command(cmd="cue")
    with pytest.raises(ProtocolError, match="no cue"):
        Command(cmd="tare", cue="start")
    with pytest.raises(ProtocolError) as caught:
        Command(cmd="reboot")  # type: ignore[arg-type]
    assert caught.value.reason == "unknown_command"


# --- encoding -----------------------------------------------------------------------------


def test_encode_frame_writes_firmware_format() -> None:
    frame = make_frame(
        [[18.1, -0.0001, np.nan, 500.0], [1.0, 2.0, -3.0005, 0.0015]], seq=7, t_ms=99
    )
    assert protocol.encode_frame(frame) == (
        b'{"v":1,"seq":7,"t_ms":99,"rate_hz":80,'
        b'"cells":[[18.100,0.000,null,500.000],[1.000,2.000,-3.001,0.002]]}'
    )


def test_encode_frame_round_trips() -> None:
    cells = np.random.default_rng(2).normal(0.0, 100.0, (50, 4))
    cells[3, 2] = np.nan
    frame = make_frame(cells, rate_hz=12.5, seq=2**32 - 1, t_ms=2**32 - 1)
    exact = protocol.parse_frame(protocol.encode_frame(frame, decimals=None))
    assert exact == frame
    rounded = protocol.parse_frame(protocol.encode_frame(frame))
    np.testing.assert_allclose(rounded.cells_kg, cells, atol=0.0005 + 1e-12)
    assert len(protocol.encode_frame(frame)) <= MAX_FRAME_BYTES


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        (make_frame(np.zeros((0, 4))), "no_samples"),
        (make_frame(np.zeros((51, 4))), "too_many_samples"),
        (make_frame(np.zeros((2, 3))), "bad_field"),
        (make_frame(np.zeros(4)), "bad_field"),
        (make_frame([[np.inf, 0, 0, 0]]), "non_finite"),
        (make_frame([[0, 0, 0, 500.5]]), "out_of_range"),
        (make_frame(seq=-1), "out_of_range"),
        (make_frame(seq=2**32), "out_of_range"),
        (make_frame(t_ms=2**32), "out_of_range"),
        (make_frame(rate_hz=0.5), "out_of_range"),
        (make_frame(rate_hz=math.nan), "non_finite"),
        (make_frame(seq=1.0), "bad_field"),
    ],
)
def test_encode_frame_refuses_what_a_receiver_would_drop(frame: Frame, reason: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        protocol.encode_frame(frame)
    assert caught.value.reason == reason


def test_encode_frame_refuses_oversized_output() -> None:
    frame = make_frame(np.full((50, 4), 1.0))
    with pytest.raises(ProtocolError) as caught:
        protocol.encode_frame(frame, decimals=40)
    assert caught.value.reason == "oversized"


def test_encode_info_and_validation() -> None:
    info = PadInfo(
        version=1,
        model='pad "one"',
        firmware="1.0",
        rate_hz=80.0,
        width_mm=433.0,
        depth_mm=238.25,
    )
    encoded = protocol.encode_info(info)
    assert encoded == (
        b'{"v":1,"model":"pad \\"one\\"","fw":"1.0","rate_hz":80,"width_mm":433,'
        b'"depth_mm":238.3,"cells":["tl","tr","bl","br"],"unit":"kg"}'
    )
    assert protocol.parse_info(encoded).model == 'pad "one"'
    bad = PadInfo(version=1, model="", firmware="1", rate_hz=80.0, width_mm=1.0, depth_mm=1.0)
    with pytest.raises(ProtocolError, match="model"):
        protocol.encode_info(bad)


def test_encode_small_messages() -> None:
    assert protocol.encode_status(True) == b"online"
    assert protocol.encode_status(False) == b"offline"
    assert protocol.encode_button("short") == b'{"v":1,"press":"short"}'
    assert protocol.encode_tare_command() == b'{"cmd":"tare"}'
    assert protocol.encode_cue_command("fail") == b'{"cmd":"cue","cue":"fail"}'
    cue = Command(cmd="cue", cue="stop")
    assert protocol.parse_command(protocol.encode_command(cue)) == cue
    tare = Command(cmd="tare")
    assert protocol.parse_command(protocol.encode_command(tare)) == tare
    with pytest.raises(ProtocolError):
        protocol.encode_button("double")  # type: ignore[arg-type]
    with pytest.raises(ProtocolError):
        protocol.encode_cue_command("dance")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (80.0, 2, "80"),
        (80.5, 2, "80.5"),
        (79.999, 2, "80"),
        (0.125, 2, "0.13"),
        (-0.125, 2, "-0.13"),
        (-0.001, 2, "0"),
        (238.25, 1, "238.3"),
        (12.0, 0, "12"),
    ],
)
def test_format_number_rounds_half_away_from_zero(value: float, decimals: int, text: str) -> None:
    assert protocol.format_number(value, decimals) == text
