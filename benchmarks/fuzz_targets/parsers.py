"""Parser targets: each topic kind's parser and the topic parser, against the documented reasons."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import strategies as st

from custom_components.retro_balance.engine.wire import messages, protocol, topics

from .harness import Stats, Target
from .payloads import payloads

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL_DOC = ROOT / "docs" / "protocol.md"


def documented_reasons() -> frozenset[str]:
    """The reason codes of the table in docs/protocol.md, "Receiver: malformed messages"."""
    text = PROTOCOL_DOC.read_text(encoding="utf-8")
    section = text.split("## Receiver: malformed messages", 1)[1].split("\n## ", 1)[0]
    return frozenset(re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE))


REASONS = documented_reasons()


def _rejected(err: messages.ProtocolError, stats: Stats) -> None:
    assert err.reason in REASONS, f"undocumented reason {err.reason!r}: {err}"
    assert err.message, "a ProtocolError without a message"
    stats.rejected[err.reason] += 1


def _frame_round_trip(frame: messages.Frame) -> None:
    cells = frame.cells_kg
    assert cells.ndim == 2
    assert cells.shape[1] == 4
    assert 1 <= cells.shape[0] <= messages.MAX_SAMPLES_PER_FRAME
    assert not cells.flags.writeable
    finite = cells[~np.isnan(cells)]
    assert np.all(np.abs(finite) <= messages.MAX_ABS_LOAD_KG)
    # Exact (shortest float) encoding: everything comes back but rate_hz, written with 2 decimals.
    exact = protocol.parse_frame(protocol.encode_frame(frame, decimals=None))
    rate_on_wire = float(protocol.format_number(frame.rate_hz, 2))
    assert exact == replace(frame, rate_hz=rate_on_wire), "frame changed in an exact round trip"
    # The firmware's encoding (1 g): within half a gram, and encoding again gives the same bytes.
    encoded = protocol.encode_frame(frame)
    again = protocol.parse_frame(encoded)
    assert np.array_equal(np.isnan(again.cells_kg), np.isnan(cells))
    assert np.nanmax(np.abs(again.cells_kg - cells), initial=0.0) <= 0.0005 + 1e-9
    assert protocol.encode_frame(again) == encoded, "the firmware encoding is not stable"


def _info_round_trip(info: messages.PadInfo) -> None:
    once = protocol.parse_info(protocol.encode_info(info))
    assert (once.model, once.firmware) == (info.model, info.firmware)
    assert abs(once.rate_hz - info.rate_hz) <= 0.005 + 1e-9
    assert abs(once.width_mm - info.width_mm) <= 0.05 + 1e-9
    assert abs(once.depth_mm - info.depth_mm) <= 0.05 + 1e-9
    assert protocol.parse_info(protocol.encode_info(once)) == once, "info encoding is not stable"


def _button_round_trip(press: messages.ButtonPress) -> None:
    assert protocol.parse_button(protocol.encode_button(press.press)) == press


def _command_round_trip(command: messages.Command) -> None:
    assert protocol.parse_command(protocol.encode_command(command)) == command


def _status_round_trip(online: bool) -> None:
    assert protocol.parse_status(protocol.encode_status(online)) is online


PARSERS: dict[str, Callable[[bytes | str], Any]] = {
    "frames": protocol.parse_frame,
    "info": protocol.parse_info,
    "button": protocol.parse_button,
    "cmd": protocol.parse_command,
    "status": protocol.parse_status,
}
ROUND_TRIPS: dict[str, Callable[[Any], None]] = {
    "frames": _frame_round_trip,
    "info": _info_round_trip,
    "button": _button_round_trip,
    "cmd": _command_round_trip,
    "status": _status_round_trip,
}


def parse_or_reason(kind: str, payload: bytes | str) -> str | None:
    """None if the `kind` parser accepts `payload`, else the ProtocolError's reason."""
    try:
        PARSERS[kind](payload)
    except messages.ProtocolError as err:
        return err.reason
    return None


def parser_target(kind: str) -> Target:
    """Fuzz the parser of one topic kind."""
    parse, round_trip = PARSERS[kind], ROUND_TRIPS[kind]

    def check(payload: bytes | str, stats: Stats) -> None:
        stats.tried += 1
        try:
            message = parse(payload)
        except messages.ProtocolError as err:
            _rejected(err, stats)
            return
        stats.accepted += 1
        round_trip(message)

    return Target(kind, payloads(kind), check)


# --- topics ---------------------------------------------------------------------------------

pad_ids = st.one_of(
    st.from_regex(topics.PAD_ID_PATTERN, fullmatch=True),
    st.sampled_from(["", "+", "#", "Hall", "a" * 33, "a/b", "a b", "pad\x00", "é"]),
)
prefixes = st.one_of(
    st.sampled_from([topics.DEFAULT_PREFIX, "home/balance", "a"]),
    st.text(alphabet="ab/+# \x00é", max_size=8),
)
kinds = st.one_of(st.sampled_from([kind.value for kind in topics.TopicKind]), st.text(max_size=8))


@st.composite
def topic_inputs(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """(prefix, a topic name to parse under it, a pad id and a kind to build a topic from)."""
    prefix, pad_id, kind = draw(prefixes), draw(pad_ids), draw(kinds)
    name = draw(
        st.one_of(
            st.tuples(st.just(prefix), pad_ids, kinds).map("/".join),
            st.tuples(st.just(prefix), pad_ids, kinds, st.text(max_size=5)).map("/".join),
            st.tuples(prefixes, pad_ids, kinds).map("/".join),
            st.text(st.characters(exclude_categories=()), max_size=60),
        )
    )
    return prefix, name, pad_id, kind


def _check_topics(value: tuple[str, str, str, str], stats: Stats) -> None:
    prefix, name, pad_id, kind = value
    stats.tried += 1
    parsed = topics.parse_topic(name, prefix)
    try:
        built = topics.topic(prefix, pad_id, kind)
    except ValueError:
        stats.outcomes["topic() refused its arguments"] += 1
    else:
        assert pad_id == "+" or topics.parse_topic(built, prefix) == (
            pad_id,
            topics.TopicKind(kind),
        )
    if parsed is None:
        stats.rejected["not_a_pad_topic"] += 1
        return
    stats.accepted += 1
    assert topics.is_valid_pad_id(parsed[0])
    assert f"{prefix}/{parsed[0]}/{parsed[1].value}" == name


TOPICS = Target("topics", topic_inputs(), _check_topics)


def costly_frames() -> dict[str, bytes]:
    """Frame payloads from the cheapest to the dearest to refuse or parse (for timing)."""
    ten = messages.Frame(seq=1, t_ms=1000, rate_hz=80.0, cells_kg=np.full((10, 4), 17.5))
    fifty = replace(ten, cells_kg=np.full((messages.MAX_SAMPLES_PER_FRAME, 4), -123.456789))
    numbers = b",".join([b"1.5e-300"] * 880)
    return {
        "10-sample frame (the baseline)": protocol.encode_frame(ten),
        "50 samples, full float precision": protocol.encode_frame(fifty, decimals=None),
        "8 KB of numbers": b'{"v":1,"x":[' + numbers + b"]}",
        "8 KB of nested arrays": b'{"v":1,"x":' + b"[" * 4000 + b"]" * 4000 + b"}",
        "9000 bytes (oversized)": b" " * 9000,
    }
