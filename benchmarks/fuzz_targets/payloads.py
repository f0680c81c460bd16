"""Strategies of topic payloads: valid messages, mutated, damaged on the wire, arbitrary bytes."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from custom_components.retro_balance.engine.wire import messages

JSON_KINDS = ("frames", "info", "button", "cmd")
"""The topic kinds whose payloads are JSON objects (the status is plain text)."""


@dataclass(frozen=True)
class Raw:
    """A JSON token written verbatim (NaN, 1e400, a 5000-digit integer, ...)."""

    token: str


RAW_TOKENS = (
    "NaN",
    "Infinity",
    "-Infinity",
    "1e400",
    "-1e400",
    "1e-400",
    "-0",
    "1.0",
    "1E2",
    "1" * 4301,
    "-" + "9" * 5000,
    '"\\ud800"',
    '"\\u0000"',
    "[" * 3000 + "]" * 3000,
)


def to_json(value: Any) -> str:
    """Write `value` as JSON text, `Raw` tokens verbatim and non-finite floats as NaN/Infinity."""
    if isinstance(value, Raw):
        return value.token
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(to_json(item) for item in value) + "]"
    return json.dumps(value)


odd_values: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(),
    st.text(st.characters(exclude_categories=()), max_size=80),
    st.lists(st.integers(min_value=-3, max_value=3), max_size=5),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from(RAW_TOKENS).map(Raw),
)

loads_kg = st.one_of(
    st.floats(-messages.MAX_ABS_LOAD_KG, messages.MAX_ABS_LOAD_KG),
    st.integers(-500, 500),
    st.none(),
)
rates_hz = st.one_of(st.floats(1.0, 1000.0), st.integers(1, 1000), st.sampled_from([80, 1, 1000]))
u32 = st.integers(0, 2**32 - 1)

valid_frames = st.fixed_dictionaries(
    {
        "v": st.just(1),
        "seq": u32,
        "t_ms": u32,
        "rate_hz": rates_hz,
        "cells": st.lists(st.lists(loads_kg, min_size=4, max_size=4), min_size=1, max_size=50),
    }
)
texts = st.text(st.characters(exclude_categories=()), min_size=1, max_size=64)
valid_infos = st.fixed_dictionaries(
    {
        "v": st.just(1),
        "model": texts,
        "fw": texts,
        "rate_hz": rates_hz,
        "width_mm": st.floats(1.0, messages.MAX_PAD_SIZE_MM),
        "depth_mm": st.one_of(st.floats(1.0, messages.MAX_PAD_SIZE_MM), st.integers(1, 5000)),
        "cells": st.just(["tl", "tr", "bl", "br"]),
        "unit": st.just("kg"),
    }
)
valid_buttons = st.fixed_dictionaries(
    {"v": st.just(1), "press": st.sampled_from(["short", "long"])}
)
valid_commands = st.one_of(
    st.fixed_dictionaries({"cmd": st.just("tare")}, optional={"v": st.just(1)}),
    st.fixed_dictionaries(
        {"cmd": st.just("cue"), "cue": st.sampled_from(["start", "stop", "pass", "fail"])},
        optional={"v": st.just(1)},
    ),
)
VALID_MESSAGES: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "frames": valid_frames,
    "info": valid_infos,
    "button": valid_buttons,
    "cmd": valid_commands,
}


@st.composite
def mutated(draw: st.DrawFn, message: dict[str, Any]) -> dict[str, Any]:
    """Up to three changes to a valid message: a field dropped, made odd, added, or bad cells."""
    data = dict(message)
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["drop", "odd", "extra", "version", "cells", "cells"]))
        keys = sorted(data)
        if action == "drop" and keys:
            del data[draw(st.sampled_from(keys))]
        elif action == "odd" and keys:
            data[draw(st.sampled_from(keys))] = draw(odd_values)
        elif action == "extra":
            data[draw(st.text(max_size=8))] = draw(odd_values)
        elif action == "version":
            data["v"] = draw(st.one_of(st.integers(), odd_values))
        elif action == "cells" and isinstance(data.get("cells"), list) and data["cells"]:
            cells = [
                list(sample) if isinstance(sample, list) else sample for sample in data["cells"]
            ]
            index = draw(st.integers(0, len(cells) - 1))
            change = draw(st.sampled_from(["load", "sample", "many", "none"]))
            if change == "load" and isinstance(cells[index], list) and cells[index]:
                cells[index][draw(st.integers(0, len(cells[index]) - 1))] = draw(odd_values)
            elif change == "sample":
                cells[index] = draw(st.one_of(odd_values, st.lists(loads_kg, max_size=6)))
            elif change == "many":
                cells = cells[:1] * (messages.MAX_SAMPLES_PER_FRAME + 1)
            else:
                cells = []
            data["cells"] = cells
    return data


@st.composite
def on_the_wire(draw: st.DrawFn, text: str) -> bytes | str:
    """The message text as a receiver may get it: maybe damaged, as bytes or as str."""
    data = bytearray(text.encode("utf-8", "surrogatepass"))
    action = draw(st.sampled_from(["keep", "keep", "truncate", "flip", "insert", "pad", "bom"]))
    if action == "truncate" and data:
        del data[draw(st.integers(0, len(data) - 1)) :]
    elif action == "flip" and data:
        data[draw(st.integers(0, len(data) - 1))] ^= draw(st.integers(1, 255))
    elif action == "insert":
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.binary(min_size=1, max_size=8))
    elif action == "pad":  # whitespace is valid JSON: only the size is wrong
        data += b" " * (messages.MAX_FRAME_BYTES + 1 - len(data) + draw(st.integers(-2, 2)))
    elif action == "bom":
        data[:0] = b"\xef\xbb\xbf"
    if draw(st.booleans()):
        return bytes(data)
    return bytes(data).decode("utf-8", "surrogateescape")  # lone surrogates for bad bytes


def _with_samples(count: int, frame: dict[str, Any]) -> str:
    """A frame message whose first sample is repeated `count` times."""
    return to_json({**frame, "cells": frame["cells"][:1] * count})


def payloads(kind: str) -> st.SearchStrategy[bytes | str]:
    """Payloads for a topic kind: valid, mutated, damaged, arbitrary bytes and text."""
    arbitrary: st.SearchStrategy[bytes | str] = st.one_of(
        st.binary(max_size=200),
        st.text(st.characters(exclude_categories=()), max_size=100),
        st.tuples(st.binary(min_size=1, max_size=4), st.integers(-2, 2)).map(
            lambda pair: pair[0] * ((messages.MAX_FRAME_BYTES + pair[1]) // len(pair[0]) + 1)
        ),
    )
    if kind == "status":
        statuses = st.sampled_from(["online", "offline", " online\n", "ONLINE", "", "on"])
        return st.one_of(arbitrary, statuses.flatmap(on_the_wire))
    valid = VALID_MESSAGES[kind]
    any_json = st.recursive(
        st.one_of(odd_values, st.floats()), lambda inner: st.lists(inner, max_size=4), max_leaves=8
    )
    texts_of = st.one_of(
        valid.map(to_json),
        valid.flatmap(mutated).map(to_json),
        any_json.map(to_json),
    )
    if kind == "frames":  # the sample count limits, which random mutation seldom reaches
        for count in (0, messages.MAX_SAMPLES_PER_FRAME + 1):
            texts_of |= valid.map(functools.partial(_with_samples, count))
    return st.one_of(arbitrary, texts_of.flatmap(on_the_wire))
