"""Frames decoded by orjson give exactly what the standard library's decoder gives.

`parse_frame` decodes with orjson first and falls back on the standard decoder (`load_object`)
for anything orjson refuses or whose object fails a check; these tests hold the two paths to the
same frames and the same errors, reason and message, on the fuzzer's payloads and on the cases
where the two decoders differ.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from benchmarks.fuzz_targets.payloads import payloads
from custom_components.retro_balance.engine.wire import protocol
from custom_components.retro_balance.engine.wire.fields import fast_object, load_object
from custom_components.retro_balance.engine.wire.messages import Frame, ProtocolError

CELLS = "[[17.5,17.4,17.6,17.5],[17.5,null,17.6,17.5]]"


def _reference(payload: bytes | str) -> Frame | tuple[str, str]:
    """The frame (or the error's reason and message) by the standard decoder alone."""
    try:
        return protocol._frame(load_object(payload))
    except ProtocolError as err:
        return err.reason, err.message


def _parsed(payload: bytes | str) -> Frame | tuple[str, str]:
    try:
        return protocol.parse_frame(payload)
    except ProtocolError as err:
        return err.reason, err.message


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        # orjson reads an integer beyond 64 bits as a float; the protocol calls it out of range.
        (f'{{"v":1,"seq":{2**70},"t_ms":0,"rate_hz":80,"cells":{CELLS}}}', "out_of_range"),
        (f'{{"v":{2**70},"seq":1,"t_ms":0,"rate_hz":80,"cells":{CELLS}}}', "wrong_version"),
        (f'{{"v":1,"seq":1,"t_ms":0,"rate_hz":80,"cells":[[{-(2**70)},1,1,1]]}}', "out_of_range"),
        # orjson refuses these; the standard decoder says what is wrong.
        (f'{{"v":1,"seq":1,"t_ms":0,"rate_hz":NaN,"cells":{CELLS}}}', "non_finite"),
        (f'{{"v":1,"seq":1,"t_ms":0,"rate_hz":1e400,"cells":{CELLS}}}', "non_finite"),
        ('{"v":1,"seq":1,"t_ms":0,"rate_hz":80,"cells":[[1,1,1,1]],"x":"\\ud800"}', None),
        (b'{"v":1,"seq":1,"t_ms":0,"rate_hz":80,"cells":[[1,1,1,\xff]]}', "not_utf8"),
    ],
)
def test_where_the_decoders_differ_the_standard_one_decides(
    payload: str | bytes, reason: str | None
) -> None:
    result = _parsed(payload)
    assert result == _reference(payload)
    if reason is None:
        assert isinstance(result, Frame)
    else:
        assert result[0] == reason


def test_a_valid_frame_is_decoded_fast() -> None:
    payload = f'{{"v":1,"seq":7,"t_ms":875,"rate_hz":80,"cells":{CELLS}}}'.encode()
    assert fast_object(payload) is not None
    frame = protocol.parse_frame(payload)
    assert (frame.seq, frame.t_ms, frame.rate_hz, frame.sample_count) == (7, 875, 80.0, 2)
    assert frame == _reference(payload)


def test_the_size_limit_comes_before_either_decoder() -> None:
    with pytest.raises(ProtocolError) as caught:
        fast_object(b" " * 100_000)
    assert caught.value.reason == "oversized"
    assert fast_object(b"[1, 2]") is None  # JSON, but not an object


@settings(
    max_examples=1500,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(payloads("frames"))
def test_the_fuzzers_frames_give_the_same_result_either_way(payload: bytes | str) -> None:
    assert _parsed(payload) == _reference(payload)
