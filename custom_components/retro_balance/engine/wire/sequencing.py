"""Per-pad frame ordering: duplicates, out-of-order and late frames, lost frames, reboots.

MQTT frames travel with QoS 0, so a receiver can see gaps, and (through bridges or a broker
restart) duplicates or reordering. `FrameSequencer` decides for each parsed frame whether it is
fed to the engine, counts what happened, and unwraps the device clock across its 2**32 ms wrap.
The rules are the table in `docs/protocol.md` ("Receiver: ordering").
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Final

from .messages import SEQ_MODULUS, T_MS_MODULUS, Frame

REBOOT_SEQ_MAX: Final = 64
DEFAULT_LATE_WINDOW_MS: Final = 1000
_RECENT_FRAMES: Final = 64


class FrameVerdict(StrEnum):
    """What the sequencer decided about one frame."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    OUT_OF_ORDER = "out_of_order"
    LATE = "late"


@dataclass(frozen=True, slots=True, kw_only=True)
class SequenceCheck:
    """The verdict on one frame.

    `lost` is the number of frames missing just before an accepted one (seq gap);
    `reboot` is True when the frame starts a new boot of the pad (state was reset);
    `t_first_s` is the device time of the first sample, unwrapped across the t_ms wrap.
    """

    verdict: FrameVerdict
    lost: int
    reboot: bool
    t_first_s: float

    @property
    def accepted(self) -> bool:
        """Whether the frame should be fed to the engine."""
        return self.verdict is FrameVerdict.ACCEPTED


@dataclass(frozen=True, slots=True, kw_only=True)
class SequenceCounters:
    """Running totals since the sequencer was created (a reboot does not clear them)."""

    received: int = 0
    accepted: int = 0
    duplicate: int = 0
    out_of_order: int = 0
    late: int = 0
    lost: int = 0
    reboots: int = 0

    @property
    def rejected(self) -> int:
        """Frames refused as duplicate, out of order or late."""
        return self.duplicate + self.out_of_order + self.late

    @property
    def dropped(self) -> int:
        """Frames that never reached the engine: refused, or lost on the way (seq gaps)."""
        return self.rejected + self.lost

    def as_dict(self) -> dict[str, int]:
        """Return the counters as a plain dict (for diagnostics)."""
        return asdict(self)


def _signed(delta: int, modulus: int) -> int:
    """Shortest signed distance on a circle of `modulus` values."""
    delta %= modulus
    return delta - modulus if delta >= modulus // 2 else delta


class FrameSequencer:
    """Classify each parsed frame of one pad as accepted / duplicate / out_of_order / late."""

    def __init__(self, *, late_window_ms: int = DEFAULT_LATE_WINDOW_MS) -> None:
        """Start with no frame seen; `late_window_ms` is how far back in time a frame may be."""
        if late_window_ms < 0:
            raise ValueError(f"late_window_ms must be >= 0, got {late_window_ms}")
        self.late_window_ms = late_window_ms
        self._counts: dict[str, int] = dict.fromkeys(SequenceCounters().as_dict(), 0)
        self.reset()

    def reset(self) -> None:
        """Forget the last frame (e.g. when the pad announces itself again); keep the counters."""
        self._last_seq: int | None = None
        self._last_t_ms = 0
        self._wraps_ms = 0
        self._recent: OrderedDict[int, int] = OrderedDict()
        self._same_instant = False
        """Whether the last accepted frame started at the same `t_ms` as the one before it."""

    @property
    def counters(self) -> SequenceCounters:
        """A snapshot of the running totals."""
        return SequenceCounters(**self._counts)

    @property
    def last_seq(self) -> int | None:
        """Sequence number of the last accepted frame, None before the first."""
        return self._last_seq

    def check(self, frame: Frame) -> SequenceCheck:
        """Classify `frame` and update the state and counters."""
        return self.check_raw(frame.seq, frame.t_ms)

    def check_raw(self, seq: int, t_ms: int) -> SequenceCheck:
        """Classify a frame given only its `seq` and `t_ms`."""
        self._counts["received"] += 1
        last_seq = self._last_seq
        if last_seq is None:
            return self._accept(seq, t_ms, lost=0, reboot=False)
        if self._recent.get(seq) == t_ms:
            return self._reject(FrameVerdict.DUPLICATE, t_ms)
        seq_step = _signed(seq - last_seq, SEQ_MODULUS)
        t_step = _signed(t_ms - self._last_t_ms, T_MS_MODULUS)
        # A later frame starts later. The firmware may start its first full frame at the instant
        # of the idle frame before it, so one frame at the same t_ms is taken; more are a stuck
        # clock, which would pile samples into one instant (unbounded windows downstream).
        same_instant = t_step == 0 and not self._same_instant
        if seq_step > 0 and (t_step > 0 or same_instant):
            if t_ms < self._last_t_ms:  # the device clock wrapped at 2**32 ms
                self._wraps_ms += T_MS_MODULUS
            self._same_instant = same_instant
            return self._accept(seq, t_ms, lost=seq_step - 1, reboot=False)
        restarted_clock = t_step < -self.late_window_ms or (seq_step < 0 and t_step > 0)
        if seq < REBOOT_SEQ_MAX and restarted_clock:
            self._counts["reboots"] += 1
            self.reset()
            return self._accept(seq, t_ms, lost=seq, reboot=True)
        if t_step < -self.late_window_ms:
            return self._reject(FrameVerdict.LATE, t_ms)
        return self._reject(FrameVerdict.OUT_OF_ORDER, t_ms)

    def _unwrapped_s(self, t_ms: int) -> float:
        return (self._wraps_ms + t_ms) / 1000.0

    def _accept(self, seq: int, t_ms: int, *, lost: int, reboot: bool) -> SequenceCheck:
        self._counts["accepted"] += 1
        self._counts["lost"] += lost
        self._last_seq = seq
        self._last_t_ms = t_ms
        self._recent[seq] = t_ms
        if len(self._recent) > _RECENT_FRAMES:
            self._recent.popitem(last=False)
        return SequenceCheck(
            verdict=FrameVerdict.ACCEPTED,
            lost=lost,
            reboot=reboot,
            t_first_s=self._unwrapped_s(t_ms),
        )

    def _reject(self, verdict: FrameVerdict, t_ms: int) -> SequenceCheck:
        self._counts[verdict.value] += 1
        wraps = self._wraps_ms
        if t_ms > self._last_t_ms and _signed(t_ms - self._last_t_ms, T_MS_MODULUS) < 0:
            wraps -= T_MS_MODULUS  # an old frame from before the last wrap
        return SequenceCheck(
            verdict=verdict, lost=0, reboot=False, t_first_s=max(wraps + t_ms, 0) / 1000.0
        )
