"""Pad protocol v1: the one place that turns MQTT payload bytes into typed messages and back.

The normative description (topics, fields, limits, QoS, idle mode, what a receiver does with
malformed messages) is `docs/protocol.md`. Parsers raise `ProtocolError` with a short stable
`reason` code; encoders validate their input the same way, so nothing malformed leaves the pad.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, Literal, cast, get_args

import numpy as np
import numpy.typing as npt

from .sequencing import FrameSequencer, FrameVerdict, SequenceCheck, SequenceCounters

__all__ = [
    "DEFAULT_PREFIX",
    "MAX_FRAME_BYTES",
    "MAX_SAMPLES_PER_FRAME",
    "PAD_ID_PATTERN",
    "PROTOCOL_VERSION",
    "ButtonPress",
    "Command",
    "Cue",
    "Frame",
    "FrameSequencer",
    "FrameVerdict",
    "PadInfo",
    "ProtocolError",
    "SequenceCheck",
    "SequenceCounters",
    "TopicKind",
    "encode_button",
    "encode_command",
    "encode_cue_command",
    "encode_frame",
    "encode_info",
    "encode_status",
    "encode_tare_command",
    "format_number",
    "is_valid_pad_id",
    "parse_button",
    "parse_command",
    "parse_frame",
    "parse_info",
    "parse_status",
    "parse_topic",
    "topic",
]

PROTOCOL_VERSION: Final = 1
DEFAULT_PREFIX: Final = "retro_balance"
PAD_ID_PATTERN: Final = re.compile(r"[a-z0-9_-]{1,32}")
MAX_FRAME_BYTES: Final = 8192
MAX_MESSAGE_BYTES: Final = MAX_FRAME_BYTES
MAX_SAMPLES_PER_FRAME: Final = 50
MIN_RATE_HZ: Final = 1.0
MAX_RATE_HZ: Final = 1000.0
MAX_ABS_LOAD_KG: Final = 500.0
MAX_TEXT_LENGTH: Final = 64
MAX_PAD_SIZE_MM: Final = 5000.0
SEQ_MODULUS: Final = 2**32
T_MS_MODULUS: Final = 2**32
CELL_ORDER: Final = ("tl", "tr", "bl", "br")
UNIT_KG: Final = "kg"
STATUS_ONLINE: Final = "online"
STATUS_OFFLINE: Final = "offline"

Press = Literal["short", "long"]
Cue = Literal["start", "stop", "pass", "fail"]
CommandName = Literal["tare", "cue"]
PRESSES: Final = frozenset(get_args(Press))
CUES: Final = frozenset(get_args(Cue))


class TopicKind(StrEnum):
    """The last level of a pad topic: `<prefix>/<pad_id>/<kind>`."""

    STATUS = "status"
    INFO = "info"
    FRAMES = "frames"
    BUTTON = "button"
    CMD = "cmd"


class ProtocolError(ValueError):
    """A message that does not follow protocol v1.

    `reason` is a short stable code for counters and logs (`oversized`, `empty`, `not_utf8`,
    `not_json`, `not_object`, `wrong_version`, `missing_field`, `bad_field`, `out_of_range`,
    `non_finite`, `no_samples`, `too_many_samples`, `unknown_command`); `version` carries the
    version a `wrong_version` message announced; `field` names the offending field if any.
    """

    def __init__(
        self, reason: str, message: str, *, field: str | None = None, version: Any = None
    ) -> None:
        """Keep the reason code beside the human-readable message."""
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.field = field
        self.version = version


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Frame:
    """A batch of evenly spaced samples from the pad.

    `cells_kg` has shape (n, 4) in corner order tl, tr, bl, br, NaN for a missed reading.
    `t_ms` is the device's monotonic clock (ms, wrapping at 2**32) at the first sample.
    """

    seq: int
    t_ms: int
    rate_hz: float
    cells_kg: npt.NDArray[np.float64]

    @property
    def t_first_s(self) -> float:
        """Device time of the first sample in seconds (not unwrapped; see `FrameSequencer`)."""
        return self.t_ms / 1000.0

    @property
    def sample_count(self) -> int:
        """Number of samples in the frame."""
        return int(self.cells_kg.shape[0])

    @property
    def duration_s(self) -> float:
        """Time the frame's samples cover: n / rate_hz."""
        return self.sample_count / self.rate_hz

    def __eq__(self, other: object) -> bool:
        """Equal when every field is equal (NaN equals NaN in `cells_kg`)."""
        if not isinstance(other, Frame):
            return NotImplemented
        return (
            self.seq == other.seq
            and self.t_ms == other.t_ms
            and self.rate_hz == other.rate_hz
            and np.array_equal(self.cells_kg, other.cells_kg, equal_nan=True)
        )

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True, kw_only=True)
class PadInfo:
    """The retained description a pad publishes at boot and on every reconnect."""

    version: int
    model: str
    firmware: str
    rate_hz: float
    width_mm: float
    depth_mm: float
    cells: tuple[str, ...] = CELL_ORDER
    unit: str = UNIT_KG


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonPress:
    """A press of the pad's button."""

    press: Press


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    """A command from Home Assistant to the pad: tare, or a cue (with `cue` set)."""

    cmd: CommandName
    cue: Cue | None = None

    def __post_init__(self) -> None:
        """Refuse a cue command without a cue and a tare command with one."""
        if self.cmd == "cue" and self.cue not in CUES:
            raise ProtocolError("bad_field", f"cue must be one of {sorted(CUES)}", field="cue")
        if self.cmd == "tare" and self.cue is not None:
            raise ProtocolError("bad_field", "a tare command carries no cue", field="cue")
        if self.cmd not in ("tare", "cue"):
            raise ProtocolError("unknown_command", f"unknown command {self.cmd!r}", field="cmd")


# --- topics -------------------------------------------------------------------------------


def is_valid_pad_id(pad_id: str) -> bool:
    """Whether `pad_id` matches `[a-z0-9_-]{1,32}`."""
    return PAD_ID_PATTERN.fullmatch(pad_id) is not None


def _check_prefix(prefix: str) -> None:
    if not prefix or prefix.startswith("/") or prefix.endswith("/"):
        raise ValueError(f"MQTT topic prefix {prefix!r} must be non-empty without outer slashes")
    if any(char in prefix for char in "+#\x00"):
        raise ValueError(f"MQTT topic prefix {prefix!r} must not contain '+', '#' or NUL")


def topic(prefix: str, pad_id: str, kind: TopicKind | str) -> str:
    """Build the topic `<prefix>/<pad_id>/<kind>`; `pad_id` may be `+` for a subscription."""
    _check_prefix(prefix)
    if pad_id != "+" and not is_valid_pad_id(pad_id):
        raise ValueError(f"pad id {pad_id!r} must match {PAD_ID_PATTERN.pattern}")
    return f"{prefix}/{pad_id}/{TopicKind(kind).value}"


def parse_topic(topic_name: str, prefix: str = DEFAULT_PREFIX) -> tuple[str, TopicKind] | None:
    """Split `<prefix>/<pad_id>/<kind>` into (pad_id, kind); None when it is not a pad topic."""
    head = prefix + "/"
    if not topic_name.startswith(head):
        return None
    parts = topic_name[len(head) :].split("/")
    if len(parts) != 2 or not is_valid_pad_id(parts[0]):
        return None
    try:
        return parts[0], TopicKind(parts[1])
    except ValueError:
        return None


# --- decoding helpers ---------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ProtocolError(
        "non_finite", f"JSON literal {name} is not allowed (numbers must be finite)"
    )


_decoder = json.JSONDecoder(parse_constant=_reject_constant)


def _check_size(payload: bytes | str) -> None:
    size = len(payload)
    if isinstance(payload, str) and size * 4 > MAX_MESSAGE_BYTES:
        size = len(payload.encode("utf-8", "surrogatepass"))  # a lone surrogate counts 3 bytes
    if size > MAX_MESSAGE_BYTES:
        raise ProtocolError(
            "oversized", f"payload of {size} bytes exceeds the {MAX_MESSAGE_BYTES}-byte limit"
        )
    if size == 0:
        raise ProtocolError("empty", "payload is empty")


def _as_text(payload: bytes | str) -> str:
    _check_size(payload)
    if isinstance(payload, str):
        return payload
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ProtocolError("not_utf8", f"payload is not UTF-8: {err}") from None


def _load_object(payload: bytes | str) -> dict[str, Any]:
    text = _as_text(payload)
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


def _require(data: dict[str, Any], field: str) -> Any:
    try:
        return data[field]
    except KeyError:
        raise ProtocolError("missing_field", f"field {field!r} is missing", field=field) from None


def _check_version(data: dict[str, Any], *, required: bool = True) -> int:
    if "v" not in data and not required:
        return PROTOCOL_VERSION
    version = _require(data, "v")
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


def _int_field(data: dict[str, Any], field: str, modulus: int) -> int:
    value = _require(data, field)
    if type(value) is not int:
        raise ProtocolError(
            "bad_field", f"{field!r} must be an integer, got {value!r}", field=field
        )
    if not 0 <= value < modulus:
        raise ProtocolError(
            "out_of_range", f"{field!r} = {value} is outside 0..{modulus - 1}", field=field
        )
    return value


def _number(value: Any, field: str) -> float:
    kind = type(value)
    if kind is not float and kind is not int:
        raise ProtocolError("bad_field", f"{field!r} must be a number, got {value!r}", field=field)
    if kind is float and not math.isfinite(value):
        raise ProtocolError("non_finite", f"{field!r} must be finite, got {value!r}", field=field)
    return float(value)


def _ranged_number(data: dict[str, Any], field: str, low: float, high: float) -> float:
    value = _number(_require(data, field), field)
    if not low <= value <= high:
        raise ProtocolError(
            "out_of_range", f"{field!r} = {value:g} is outside {low:g}..{high:g}", field=field
        )
    return value


def _text_field(data: dict[str, Any], field: str) -> str:
    value = _require(data, field)
    if type(value) is not str or not 1 <= len(value) <= MAX_TEXT_LENGTH:
        raise ProtocolError(
            "bad_field",
            f"{field!r} must be a string of 1 to {MAX_TEXT_LENGTH} characters, got {value!r}",
            field=field,
        )
    return value


def _check_sample_count(count: int) -> None:
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


def _parse_cells(value: Any) -> npt.NDArray[np.float64]:
    if type(value) is not list:
        raise ProtocolError("bad_field", "'cells' must be a list of samples", field="cells")
    samples: list[Any] = value
    _check_sample_count(len(samples))
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


# --- parsers ------------------------------------------------------------------------------


def parse_frame(payload: bytes | str) -> Frame:
    """Parse a `frames` payload into a `Frame` (raises `ProtocolError`)."""
    data = _load_object(payload)
    _check_version(data)
    seq = _int_field(data, "seq", SEQ_MODULUS)
    t_ms = _int_field(data, "t_ms", T_MS_MODULUS)
    rate_hz = _ranged_number(data, "rate_hz", MIN_RATE_HZ, MAX_RATE_HZ)
    cells = _parse_cells(_require(data, "cells"))
    return Frame(seq=seq, t_ms=t_ms, rate_hz=rate_hz, cells_kg=cells)


def parse_info(payload: bytes | str) -> PadInfo:
    """Parse an `info` payload into a `PadInfo` (raises `ProtocolError`)."""
    data = _load_object(payload)
    version = _check_version(data)
    model = _text_field(data, "model")
    firmware = _text_field(data, "fw")
    rate_hz = _ranged_number(data, "rate_hz", MIN_RATE_HZ, MAX_RATE_HZ)
    width_mm = _ranged_number(data, "width_mm", 1.0, MAX_PAD_SIZE_MM)
    depth_mm = _ranged_number(data, "depth_mm", 1.0, MAX_PAD_SIZE_MM)
    cells = _require(data, "cells")
    if cells != list(CELL_ORDER):
        raise ProtocolError(
            "bad_field", f"'cells' must be {list(CELL_ORDER)} in v1, got {cells!r}", field="cells"
        )
    unit = _require(data, "unit")
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
    text = _as_text(payload).strip()
    if text == STATUS_ONLINE:
        return True
    if text == STATUS_OFFLINE:
        return False
    raise ProtocolError("bad_field", f"status must be 'online' or 'offline', got {text[:40]!r}")


def parse_button(payload: bytes | str) -> ButtonPress:
    """Parse a `button` payload (raises `ProtocolError`)."""
    data = _load_object(payload)
    _check_version(data)
    press = _require(data, "press")
    if type(press) is not str or press not in PRESSES:
        raise ProtocolError(
            "bad_field", f"'press' must be 'short' or 'long', got {press!r}", field="press"
        )
    return ButtonPress(press=cast(Press, press))


def parse_command(payload: bytes | str) -> Command:
    """Parse a `cmd` payload (`v` is optional here; when present it must be 1)."""
    data = _load_object(payload)
    _check_version(data, required=False)
    name = _require(data, "cmd")
    if name == "tare":
        return Command(cmd="tare")
    if name == "cue":
        cue = _require(data, "cue")
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


def _round_half_away(values: npt.NDArray[np.float64], decimals: int) -> npt.NDArray[np.float64]:
    """Round halves away from zero, as C's llround in the firmware does (not to even)."""
    scale = 10.0**decimals
    rounded: npt.NDArray[np.float64] = np.copysign(np.floor(np.abs(values) * scale + 0.5), values)
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
    _check_sample_count(cells.shape[0])
    header = {"seq": frame.seq, "t_ms": frame.t_ms, "rate_hz": frame.rate_hz}
    _int_field(header, "seq", SEQ_MODULUS)
    _int_field(header, "t_ms", T_MS_MODULUS)
    _ranged_number(header, "rate_hz", MIN_RATE_HZ, MAX_RATE_HZ)
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
