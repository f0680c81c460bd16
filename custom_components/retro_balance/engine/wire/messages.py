"""Pad protocol v1's messages: their typed form, the limits they obey, and `ProtocolError`.

The normative description is `docs/protocol.md`. `protocol.py` turns payload bytes into these
types and back, `topics.py` addresses them, `sequencing.py` orders frames; all three import the
types from here, so none of them needs another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal, get_args

import numpy as np

from ..arrays import FloatArray

PROTOCOL_VERSION: Final = 1
MAX_FRAME_BYTES: Final = 8192
MAX_MESSAGE_BYTES: Final = MAX_FRAME_BYTES
MAX_SAMPLES_PER_FRAME: Final = 50
MIN_RATE_HZ: Final = 1.0
MAX_RATE_HZ: Final = 1000.0
MAX_ABS_LOAD_KG: Final = 500.0
MAX_TEXT_LENGTH: Final = 64
MAX_PAD_SIZE_MM: Final = 5000.0
SEQ_MODULUS: Final = 2**32
"""`seq` counts frames modulo 2**32."""
T_MS_MODULUS: Final = 2**32
"""`t_ms`, the device clock in ms, wraps at 2**32."""
CELL_ORDER: Final = ("tl", "tr", "bl", "br")
"""Corner order of every sample: top (toes side) left, top right, bottom left, bottom right."""
UNIT_KG: Final = "kg"
IDLE_BELOW_KG: Final = 10.0
"""The pad is idle once its total load has stayed below this for `IDLE_AFTER_S` (protocol.md)."""
IDLE_AFTER_S: Final = 3.0
IDLE_FRAME_INTERVAL_S: Final = 1.0
"""While idle the pad sends one single-sample frame this often."""
STATUS_ONLINE: Final = "online"
STATUS_OFFLINE: Final = "offline"

Press = Literal["short", "long"]
Cue = Literal["start", "stop", "pass", "fail"]
CommandName = Literal["tare", "cue"]
PRESSES: Final = frozenset(get_args(Press))
CUES: Final = frozenset(get_args(Cue))


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
    cells_kg: FloatArray

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
