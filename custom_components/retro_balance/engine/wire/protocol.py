"""Pad protocol v1: the one place that turns MQTT payload bytes into typed messages and back.

The normative description (topics, fields, limits, QoS, idle mode, what a receiver does with
malformed messages) is `docs/protocol.md`. Parsers raise `ProtocolError` with a short stable
`reason` code; encoders validate their input the same way, so nothing malformed leaves the pad.
The message types and limits are in `messages.py`, the topics in `topics.py`.
"""

from __future__ import annotations

import json
import math
from typing import Any, cast

import numpy as np

from ..arrays import FloatArray
from .fields import (
    as_text,
    check_sample_count,
    check_version,
    fast_object,
    int_field,
    load_object,
    parse_cells,
    ranged_number,
    require,
    text_field,
)
from .messages import (
    CELL_ORDER,
    CUES,
    MAX_ABS_LOAD_KG,
    MAX_FRAME_BYTES,
    MAX_PAD_SIZE_MM,
    MAX_RATE_HZ,
    MIN_RATE_HZ,
    PRESSES,
    PROTOCOL_VERSION,
    SEQ_MODULUS,
    STATUS_OFFLINE,
    STATUS_ONLINE,
    T_MS_MODULUS,
    UNIT_KG,
    ButtonPress,
    Command,
    Cue,
    Frame,
    PadInfo,
    Press,
    ProtocolError,
)

__all__ = [
    "encode_button",
    "encode_command",
    "encode_cue_command",
    "encode_frame",
    "encode_info",
    "encode_status",
    "encode_tare_command",
    "format_number",
    "parse_button",
    "parse_command",
    "parse_frame",
    "parse_info",
    "parse_status",
]


# --- parsers ------------------------------------------------------------------------------


def parse_frame(payload: bytes | str) -> Frame:
    """Parse a `frames` payload into a `Frame` (raises `ProtocolError`).

    Frames come eight times a second from every pad: they are decoded by the fast decoder, and
    one it cannot take, or that fails a check, again by the standard one for the exact error.
    """
    if (data := fast_object(payload)) is not None:
        try:
            return _frame(data)
        except ProtocolError:
            pass
    return _frame(load_object(payload))


def _frame(data: dict[str, Any]) -> Frame:
    check_version(data)
    seq = int_field(data, "seq", SEQ_MODULUS)
    t_ms = int_field(data, "t_ms", T_MS_MODULUS)
    rate_hz = ranged_number(data, "rate_hz", MIN_RATE_HZ, MAX_RATE_HZ)
    cells = parse_cells(require(data, "cells"))
    return Frame(seq=seq, t_ms=t_ms, rate_hz=rate_hz, cells_kg=cells)


def parse_info(payload: bytes | str) -> PadInfo:
    """Parse an `info` payload into a `PadInfo` (raises `ProtocolError`)."""
    data = load_object(payload)
    version = check_version(data)
    model = text_field(data, "model")
    firmware = text_field(data, "fw")
    rate_hz = ranged_number(data, "rate_hz", MIN_RATE_HZ, MAX_RATE_HZ)
    width_mm = ranged_number(data, "width_mm", 1.0, MAX_PAD_SIZE_MM)
    depth_mm = ranged_number(data, "depth_mm", 1.0, MAX_PAD_SIZE_MM)
    cells = require(data, "cells")
    if cells != list(CELL_ORDER):
        raise ProtocolError(
            "bad_field", f"'cells' must be {list(CELL_ORDER)} in v1, got {cells!r}", field="cells"
        )
    unit = require(data, "unit")
    if unit != UNIT_KG:
        raise ProtocolError("bad_field", f"'unit' must be 'kg' in v1, got {unit!r}", field="unit")
    return PadInfo(
        version=version,
        model=model,
        firmware=firmware,
        rate_hz=rate_hz,
        width_mm=width_mm,
        depth_mm=depth_mm,
    )


def parse_status(payload: bytes | str) -> bool:
    """Parse a `status` payload: True for `online`, False for `offline`."""
    text = as_text(payload).strip()
    if text == STATUS_ONLINE:
        return True
    if text == STATUS_OFFLINE:
        return False
    raise ProtocolError("bad_field", f"status must be 'online' or 'offline', got {text[:40]!r}")


def parse_button(payload: bytes | str) -> ButtonPress:
    """Parse a `button` payload (raises `ProtocolError`)."""
    data = load_object(payload)
    check_version(data)
    press = require(data, "press")
    if type(press) is not str or press not in PRESSES:
        raise ProtocolError(
            "bad_field", f"'press' must be 'short' or 'long', got {press!r}", field="press"
        )
    return ButtonPress(press=cast(Press, press))


def parse_command(payload: bytes | str) -> Command:
    """Parse a `cmd` payload (`v` is optional here; when present it must be 1)."""
    data = load_object(payload)
    check_version(data, required=False)
    name = require(data, "cmd")
    if name == "tare":
        return Command(cmd="tare")
    if name == "cue":
        cue = require(data, "cue")
        if type(cue) is not str or cue not in CUES:
            raise ProtocolError(
                "bad_field", f"'cue' must be one of {sorted(CUES)}, got {cue!r}", field="cue"
            )
        return Command(cmd="cue", cue=cast(Cue, cue))
    raise ProtocolError("unknown_command", f"unknown command {name!r}", field="cmd")


# --- encoders -----------------------------------------------------------------------------


def _dump(data: dict[str, Any]) -> bytes:
    return json.dumps(data, separators=(",", ":"), allow_nan=False).encode("utf-8")


def format_number(value: float, max_decimals: int) -> str:
    """Write a number as the firmware does: rounded to `max_decimals`, trailing zeros dropped."""
    scale = 10.0**max_decimals
    rounded = math.copysign(math.floor(abs(value) * scale + 0.5), value) / scale + 0.0
    text = f"{rounded:.{max_decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _round_half_away(values: FloatArray, decimals: int) -> FloatArray:
    """Round halves away from zero, as C's llround in the firmware does (not to even)."""
    scale = 10.0**decimals
    rounded: FloatArray = np.copysign(np.floor(np.abs(values) * scale + 0.5), values)
    return rounded / scale + 0.0  # + 0.0 turns -0.0 into 0.0


def encode_frame(frame: Frame, *, decimals: int | None = 3) -> bytes:
    """Encode a `Frame` byte for byte as the firmware does; validates every limit.

    Loads are written with exactly `decimals` decimals (3: 1 g, far below the cells' noise;
    a 10-sample frame is about 350 bytes), NaN as null; `decimals=None` writes the shortest
    exact float (for lossless round trips in tests). `rate_hz` gets at most 2 decimals.
    """
    cells = np.asarray(frame.cells_kg, dtype=np.float64)
    if cells.ndim != 2 or cells.shape[1] != 4:
        raise ProtocolError("bad_field", f"cells_kg must have shape (n, 4), got {cells.shape}")
    check_sample_count(cells.shape[0])
    header = {"seq": frame.seq, "t_ms": frame.t_ms, "rate_hz": frame.rate_hz}
    int_field(header, "seq", SEQ_MODULUS)
    int_field(header, "t_ms", T_MS_MODULUS)
    ranged_number(header, "rate_hz", MIN_RATE_HZ, MAX_RATE_HZ)
    if np.isinf(cells).any():
        raise ProtocolError("non_finite", "cells_kg holds an infinite load", field="cells")
    if (np.abs(cells) > MAX_ABS_LOAD_KG).any():
        raise ProtocolError(
            "out_of_range", f"cells_kg holds a load beyond ±{MAX_ABS_LOAD_KG:g} kg", field="cells"
        )
    if decimals is None:
        loads = [repr(load) for load in (cells + 0.0).ravel().tolist()]
    else:
        pattern = f"{{:.{decimals}f}}"
        loads = [
            pattern.format(load) for load in _round_half_away(cells, decimals).ravel().tolist()
        ]
    loads = ["null" if load == "nan" else load for load in loads]
    samples = ",".join(
        f"[{loads[i]},{loads[i + 1]},{loads[i + 2]},{loads[i + 3]}]"
        for i in range(0, len(loads), 4)
    )
    encoded = (
        f'{{"v":{PROTOCOL_VERSION},"seq":{frame.seq},"t_ms":{frame.t_ms},'
        f'"rate_hz":{format_number(frame.rate_hz, 2)},"cells":[{samples}]}}'
    ).encode("ascii")
    if len(encoded) > MAX_FRAME_BYTES:
        raise ProtocolError(
            "oversized", f"encoded frame of {len(encoded)} bytes exceeds {MAX_FRAME_BYTES}"
        )
    return encoded


def encode_info(info: PadInfo) -> bytes:
    """Encode a `PadInfo` as the firmware does; validates it by parsing it back."""
    encoded = (
        f'{{"v":{PROTOCOL_VERSION},"model":{json.dumps(info.model)},'
        f'"fw":{json.dumps(info.firmware)},"rate_hz":{format_number(info.rate_hz, 2)},'
        f'"width_mm":{format_number(info.width_mm, 1)},'
        f'"depth_mm":{format_number(info.depth_mm, 1)},'
        f'"cells":{json.dumps(list(info.cells), separators=(",", ":"))},'
        f'"unit":{json.dumps(info.unit)}}}'
    ).encode()
    parse_info(encoded)
    return encoded


def encode_status(online: bool) -> bytes:
    """Encode the retained `status` payload."""
    return (STATUS_ONLINE if online else STATUS_OFFLINE).encode("ascii")


def encode_button(press: Press) -> bytes:
    """Encode a `button` payload."""
    if press not in PRESSES:
        raise ProtocolError("bad_field", f"press must be 'short' or 'long', got {press!r}")
    return _dump({"v": PROTOCOL_VERSION, "press": press})


def encode_tare_command() -> bytes:
    """Encode the `tare` command."""
    return _dump({"cmd": "tare"})


def encode_cue_command(cue: Cue) -> bytes:
    """Encode a `cue` command."""
    if cue not in CUES:
        raise ProtocolError("bad_field", f"cue must be one of {sorted(CUES)}, got {cue!r}")
    return _dump({"cmd": "cue", "cue": cue})


def encode_command(command: Command) -> bytes:
    """Encode a `Command`."""
    if command.cmd == "tare":
        return encode_tare_command()
    return encode_cue_command(cast(Cue, command.cue))
