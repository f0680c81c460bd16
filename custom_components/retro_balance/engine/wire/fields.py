"""Reading the fields of a protocol v1 payload, each check raising `ProtocolError` with its reason.

`protocol.py` parses messages with these and checks what its encoders are given with the same
functions, so a limit is enforced the same way in both directions.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any, cast

import numpy as np

from ..arrays import FloatArray
from .messages import (
    MAX_ABS_LOAD_KG,
    MAX_MESSAGE_BYTES,
    MAX_SAMPLES_PER_FRAME,
    MAX_TEXT_LENGTH,
    PROTOCOL_VERSION,
    ProtocolError,
)

_fast_loads: Callable[[bytes | str], Any] | None
try:
    from orjson import loads as _fast_loads
except ImportError:  # pragma: no cover - Home Assistant always has orjson; the engine alone may not
    _fast_loads = None


def _reject_constant(name: str) -> Any:
    raise ProtocolError(
        "non_finite", f"JSON literal {name} is not allowed (numbers must be finite)"
    )


_decoder = json.JSONDecoder(parse_constant=_reject_constant)


def check_size(payload: bytes | str) -> None:
    """Refuse an empty payload and one over `MAX_MESSAGE_BYTES`."""
    size = len(payload)
    if isinstance(payload, str) and size * 4 > MAX_MESSAGE_BYTES:
        size = len(payload.encode("utf-8", "surrogatepass"))  # a lone surrogate counts 3 bytes
    if size > MAX_MESSAGE_BYTES:
        raise ProtocolError(
            "oversized", f"payload of {size} bytes exceeds the {MAX_MESSAGE_BYTES}-byte limit"
        )
    if size == 0:
        raise ProtocolError("empty", "payload is empty")


def as_text(payload: bytes | str) -> str:
    """Return the payload as text, after the size check (`not_utf8` if it is not UTF-8)."""
    check_size(payload)
    if isinstance(payload, str):
        return payload
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ProtocolError("not_utf8", f"payload is not UTF-8: {err}") from None


def load_object(payload: bytes | str) -> dict[str, Any]:
    """Return the payload as a JSON object (`not_json`, `not_object`, `non_finite`)."""
    text = as_text(payload)
    try:
        data = _decoder.decode(text)
    except json.JSONDecodeError as err:
        raise ProtocolError("not_json", f"payload is not JSON: {err}") from None
    except ProtocolError:  # NaN or Infinity, from _reject_constant
        raise
    except ValueError as err:  # an integer of more than 4300 digits (sys.int_info)
        raise ProtocolError("out_of_range", f"payload holds a number too long: {err}") from None
    if type(data) is not dict:
        raise ProtocolError(
            "not_object", f"payload must be a JSON object, got {type(data).__name__}"
        )
    return cast(dict[str, Any], data)


def fast_object(payload: bytes | str) -> dict[str, Any] | None:
    """Return the payload as a JSON object through orjson, or None where `load_object` must judge.

    orjson (Home Assistant's JSON library) decodes a frame about four times faster than the
    standard library. It accepts less (NaN, lone surrogates, integers beyond 64 bits) and reads
    an integer beyond 64 bits as a float, so its object is only good for a message that passes
    every check: whoever refuses it parses it again with `load_object`, whose errors are the
    protocol's (the size check comes first either way).
    """
    check_size(payload)
    if _fast_loads is None:  # pragma: no cover - see the import
        return None
    try:
        data = _fast_loads(payload)
    except ValueError:  # orjson.JSONDecodeError
        return None
    return cast(dict[str, Any], data) if type(data) is dict else None


def require(data: dict[str, Any], field: str) -> Any:
    """Return the value of `field` (`missing_field` when absent)."""
    try:
        return data[field]
    except KeyError:
        raise ProtocolError("missing_field", f"field {field!r} is missing", field=field) from None


def check_version(data: dict[str, Any], *, required: bool = True) -> int:
    """Return the message's `v`, which must be `PROTOCOL_VERSION` (`wrong_version`)."""
    if "v" not in data and not required:
        return PROTOCOL_VERSION
    version = require(data, "v")
    if type(version) is not int:
        raise ProtocolError("bad_field", f"'v' must be an integer, got {version!r}", field="v")
    if version != PROTOCOL_VERSION:
        raise ProtocolError(
            "wrong_version",
            f"protocol version {version} is not supported (this side speaks {PROTOCOL_VERSION})",
            field="v",
            version=version,
        )
    return version


def int_field(data: dict[str, Any], field: str, modulus: int) -> int:
    """Return a JSON integer in 0..modulus-1 (`bad_field`, `out_of_range`)."""
    value = require(data, field)
    if type(value) is not int:
        raise ProtocolError(
            "bad_field", f"{field!r} must be an integer, got {value!r}", field=field
        )
    if not 0 <= value < modulus:
        raise ProtocolError(
            "out_of_range", f"{field!r} = {value} is outside 0..{modulus - 1}", field=field
        )
    return value


def number(value: Any, field: str) -> float:
    """Return a finite JSON number as a float (`bad_field`, `non_finite`)."""
    kind = type(value)
    if kind is not float and kind is not int:
        raise ProtocolError("bad_field", f"{field!r} must be a number, got {value!r}", field=field)
    if kind is float and not math.isfinite(value):
        raise ProtocolError("non_finite", f"{field!r} must be finite, got {value!r}", field=field)
    return float(value)


def ranged_number(data: dict[str, Any], field: str, low: float, high: float) -> float:
    """Return a finite number in low..high (`out_of_range` outside)."""
    value = number(require(data, field), field)
    if not low <= value <= high:
        raise ProtocolError(
            "out_of_range", f"{field!r} = {value:g} is outside {low:g}..{high:g}", field=field
        )
    return value


def text_field(data: dict[str, Any], field: str) -> str:
    """Return a string of 1 to `MAX_TEXT_LENGTH` characters (`bad_field` otherwise)."""
    value = require(data, field)
    if type(value) is not str or not 1 <= len(value) <= MAX_TEXT_LENGTH:
        raise ProtocolError(
            "bad_field",
            f"{field!r} must be a string of 1 to {MAX_TEXT_LENGTH} characters, got {value!r}",
            field=field,
        )
    return value


def check_sample_count(count: int) -> None:
    """Refuse a frame without samples or with more than `MAX_SAMPLES_PER_FRAME`."""
    if count == 0:
        raise ProtocolError("no_samples", "a frame needs at least one sample", field="cells")
    if count > MAX_SAMPLES_PER_FRAME:
        raise ProtocolError(
            "too_many_samples",
            f"{count} samples exceed the limit of {MAX_SAMPLES_PER_FRAME} per frame",
            field="cells",
        )


def _cells_error(samples: list[Any]) -> ProtocolError:
    """Explain what is wrong with a sample list that failed the fast check."""
    for index, sample in enumerate(samples):
        if type(sample) is not list or len(sample) != 4:
            return ProtocolError(
                "bad_field",
                f"cells[{index}] must be a list of 4 loads (tl, tr, bl, br), got {sample!r}",
                field="cells",
            )
        for value in sample:
            if value is None:
                continue
            if type(value) is not float and type(value) is not int:
                return ProtocolError(
                    "bad_field",
                    f"cells[{index}] holds {value!r}; loads must be numbers or null",
                    field="cells",
                )
            if not math.isfinite(value):
                return ProtocolError(
                    "non_finite", f"cells[{index}] holds a non-finite load", field="cells"
                )
            if not -MAX_ABS_LOAD_KG <= value <= MAX_ABS_LOAD_KG:
                return ProtocolError(
                    "out_of_range",
                    f"cells[{index}] holds {value:g} kg, beyond ±{MAX_ABS_LOAD_KG:g} kg",
                    field="cells",
                )
    raise AssertionError("unreachable: the samples passed every check")  # pragma: no cover


def parse_cells(value: Any) -> FloatArray:
    """Return `cells` as a read-only (n, 4) array, null as NaN; say what is wrong if bad."""
    if type(value) is not list:
        raise ProtocolError("bad_field", "'cells' must be a list of samples", field="cells")
    samples: list[Any] = value
    check_sample_count(len(samples))
    low, high = -MAX_ABS_LOAD_KG, MAX_ABS_LOAD_KG
    for sample in samples:
        if type(sample) is not list or len(sample) != 4:
            raise _cells_error(samples)
        for load in sample:
            if load is None:
                continue
            kind = type(load)
            if (kind is not float and kind is not int) or not low <= load <= high:
                raise _cells_error(samples)
    cells = np.array(samples, dtype=np.float64)  # null becomes NaN
    cells.flags.writeable = False
    return cells
