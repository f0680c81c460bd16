"""Per-pad frame ordering: duplicates, out-of-order and late frames, losses, new time bases, twins.

MQTT frames travel with QoS 0, so a receiver can see gaps, and (through bridges or a broker
restart) duplicates or reordering. `FrameSequencer` decides for each parsed frame whether it is
fed to the engine, counts what happened, and unwraps the device clock across its 2**32 ms wrap.
A pad that reboots or whose clock jumps starts a new *time base*: the frame is accepted and says
so, so that the integration can end what was measured on the old clock before the engine sees
the new one. Frames that follow another stream than the accepted one (a second pad publishing
under the same id) are refused as `conflicting`. Each frame is counted once, and a gap counts as
lost only the frames that the pad's clock leaves room for, so no counter can run away. Given the
receiver's own clock (`received_s`), a pad clock that ran much further than the receiver's
between two frames is a jump, not a gap.
The rules are the table in `docs/protocol.md` ("Receiver: ordering").
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Final, NamedTuple

from .messages import IDLE_FRAME_INTERVAL_S, MAX_RATE_HZ, SEQ_MODULUS, T_MS_MODULUS, Frame

REBOOT_SEQ_MAX: Final = 64
DEFAULT_LATE_WINDOW_MS: Final = 1000
MAX_FRAME_INTERVAL_MS: Final = round(IDLE_FRAME_INTERVAL_S * 1000)
"""The longest a pad waits between two frames (idle mode, `protocol.md`)."""
CLOCK_SLACK_MS: Final = 5000
"""How much further a frame's clock may run than the frames since the last one explain."""
OTHER_STREAM_KEPT_MS: Final = 10_000
"""How long (accepted pad time) a stream that is not the accepted one is remembered."""
ADOPT_OTHER_AFTER_FRAMES: Final = 8
ADOPT_OTHER_AFTER_SILENCE_MS: Final = 3 * MAX_FRAME_INTERVAL_MS
"""A second stream carries on while the accepted one fell silent this long: the accepted one
was a stray (one forged or corrupt frame far ahead), and the stream that carries on is the pad."""
_RECENT_FRAMES: Final = 64


class FrameVerdict(StrEnum):
    """What the sequencer decided about one frame."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    OUT_OF_ORDER = "out_of_order"
    LATE = "late"
    CONFLICTING = "conflicting"
    """Another pad's frame: another payload under a recent seq, or a second stream of frames."""


class TimeBase(StrEnum):
    """Why an accepted frame starts a new time base (the clock before it means nothing now)."""

    REBOOT = "reboot"
    """`seq` restarted near 0 with the clock."""
    CLOCK_JUMP = "clock_jump"
    """The clock went back, or leapt further than the frames in between explain."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SequenceCheck:
    """The verdict on one frame.

    `lost` is the number of frames missing just before an accepted one (seq gap);
    `new_time_base` is set when the frame starts a new time base (state was reset);
    `t_first_s` is the device time of the first sample, unwrapped across the t_ms wrap.
    """

    verdict: FrameVerdict
    lost: int
    new_time_base: TimeBase | None
    t_first_s: float

    @property
    def accepted(self) -> bool:
        """Whether the frame should be fed to the engine."""
        return self.verdict is FrameVerdict.ACCEPTED

    @property
    def reboot(self) -> bool:
        """Whether the frame is the first one heard after a reboot."""
        return self.new_time_base is TimeBase.REBOOT


@dataclass(frozen=True, slots=True, kw_only=True)
class SequenceCounters:
    """Running totals since the sequencer was created (a new time base does not clear them).

    Every received frame is counted once, under its verdict; `lost` counts frames that never
    arrived (a frame counted lost that turns up later moves to out_of_order or late).
    """

    received: int = 0
    accepted: int = 0
    duplicate: int = 0
    out_of_order: int = 0
    late: int = 0
    conflicting: int = 0
    lost: int = 0
    reboots: int = 0
    clock_jumps: int = 0

    @property
    def rejected(self) -> int:
        """Frames refused as duplicate, out of order, late or conflicting."""
        return self.duplicate + self.out_of_order + self.late + self.conflicting

    @property
    def dropped(self) -> int:
        """Frames that never reached the engine: refused, or lost on the way (seq gaps)."""
        return self.rejected + self.lost

    def as_dict(self) -> dict[str, int]:
        """Return the counters as a plain dict (for diagnostics)."""
        return asdict(self)


class _Point(NamedTuple):
    """The last frame of a stream: its seq, raw clock, and when it was received (if known)."""

    seq: int
    t_ms: int
    received_s: float | None


def _signed(delta: int, modulus: int) -> int:
    """Shortest signed distance on a circle of `modulus` values."""
    delta %= modulus
    return delta - modulus if delta >= modulus // 2 else delta


class FrameSequencer:
    """Classify each parsed frame of one pad (see the module docstring and `protocol.md`)."""

    def __init__(self, *, late_window_ms: int = DEFAULT_LATE_WINDOW_MS) -> None:
        """Start with no frame seen; `late_window_ms` is how far back in time a frame may be."""
        if late_window_ms < 0:
            raise ValueError(f"late_window_ms must be >= 0, got {late_window_ms}")
        self.late_window_ms = late_window_ms
        self._counts: dict[str, int] = dict.fromkeys(SequenceCounters().as_dict(), 0)
        self._digest: int | None = None
        self._received_s: float | None = None
        self.reset()

    def reset(self) -> None:
        """Forget the last frame (e.g. when the pad announces itself again); keep the counters."""
        self._last: _Point | None = None
        self._wraps_ms = 0
        self._same_instant = False
        """Whether the last accepted frame started at the instant of the one before it."""
        self._recent: OrderedDict[int, tuple[int, int | None]] = OrderedDict()
        self._missing: OrderedDict[int, None] = OrderedDict()
        self._other: _Point | None = None
        self._other_seen_ms = 0
        self._other_run = 0
        """Frames of the other stream since the last accepted one."""

    @property
    def counters(self) -> SequenceCounters:
        """A snapshot of the running totals."""
        return SequenceCounters(**self._counts)

    @property
    def last_seq(self) -> int | None:
        """Sequence number of the last accepted frame, None before the first."""
        return None if self._last is None else self._last.seq

    def check(self, frame: Frame, *, received_s: float | None = None) -> SequenceCheck:
        """Classify `frame` (its samples tell a duplicate from another pad's frame).

        `received_s` (a monotonic clock of the receiver, s) lets the sequencer also judge
        whether the pad's clock moved on by about as much as the receiver's did.
        """
        return self.check_raw(
            frame.seq,
            frame.t_ms,
            rate_hz=frame.rate_hz,
            digest=hash(frame.cells_kg.tobytes()),
            received_s=received_s,
        )

    def check_raw(
        self,
        seq: int,
        t_ms: int,
        *,
        rate_hz: float = MAX_RATE_HZ,
        digest: int | None = None,
        received_s: float | None = None,
    ) -> SequenceCheck:
        """Classify a frame given its `seq`, `t_ms`, sample rate, samples' digest, arrival."""
        self._counts["received"] += 1
        self._digest = digest
        self._received_s = received_s
        last = self._last
        if last is None:
            return self._accept(seq, t_ms, lost=0)
        seq_step = _signed(seq - last.seq, SEQ_MODULUS)
        t_step = _signed(t_ms - last.t_ms, T_MS_MODULUS)
        window = self.late_window_ms
        seen = self._recent.get(seq)
        # A reboot starts seq again near 0 while the clock restarts (or, right after a short
        # uptime, goes on); a frame this boot has counted lost is only late.
        restarted = seq_step < 0 and (t_step < -window or t_step > 0)
        if (
            seq < REBOOT_SEQ_MAX
            and restarted
            and (seen is None or seen[0] != t_ms)
            and seq not in self._missing
        ):
            return self._new_time_base(seq, t_ms, TimeBase.REBOOT, lost=seq)
        if seen is not None:
            if seen[0] == t_ms and (seen[1] is None or digest is None or seen[1] == digest):
                return self._reject(FrameVerdict.DUPLICATE, t_ms)
            return self._conflict(seq, t_ms)
        follows = self._follows(seq_step, t_step, rate_hz, last.received_s)
        # The firmware may start its first full frame at the instant of the idle frame before
        # it: one frame at the same t_ms is taken. More are a stuck clock, which would pile
        # samples into one instant (unbounded windows downstream; found by fuzzing).
        if follows and t_step == 0 and self._same_instant:
            return self._reject(FrameVerdict.OUT_OF_ORDER, t_ms)
        if follows and seq_step == 1:
            return self._accept_following(seq, t_ms, t_step, lost=0)
        if self._continues_other(seq, t_ms, rate_hz):
            return self._other_carries_on(seq, t_ms)
        if follows:
            return self._accept_following(seq, t_ms, t_step, lost=seq_step - 1)
        if seq_step < 0 and t_step <= window:
            return self._old_frame(seq, t_ms, seq_step, late=t_step < -window)
        if seq_step > 0 and -window <= t_step < 0:
            return self._reject(FrameVerdict.OUT_OF_ORDER, t_ms)
        return self._new_time_base(seq, t_ms, TimeBase.CLOCK_JUMP, lost=0)

    def _follows(
        self, seq_step: int, t_step: int, rate_hz: float, last_received_s: float | None
    ) -> bool:
        """Whether a frame `seq_step` ahead fits `t_step` ms later on a stream.

        Each frame in between took at least one sample period and at most the idle interval,
        and the pad's clock cannot have run much further than the receiver's.
        """
        if seq_step <= 0 or t_step < 0:
            return False
        sample_ms = 1000.0 / rate_hz
        limit_ms = float(seq_step * MAX_FRAME_INTERVAL_MS)
        if self._received_s is not None and last_received_s is not None:
            limit_ms = min(limit_ms, (self._received_s - last_received_s) * 1000.0)
        return (
            t_step <= limit_ms + CLOCK_SLACK_MS
            and seq_step * sample_ms <= t_step + self.late_window_ms
        )

    def _continues_other(self, seq: int, t_ms: int, rate_hz: float) -> bool:
        """Whether the frame follows the last one of another stream seen lately."""
        other = self._other
        if other is None:
            return False
        if self._unwrapped_ms(self._last_t_ms()) - self._other_seen_ms > OTHER_STREAM_KEPT_MS:
            self._other = None
            return False
        seq_step = _signed(seq - other.seq, SEQ_MODULUS)
        t_step = _signed(t_ms - other.t_ms, T_MS_MODULUS)
        return 0 < seq_step <= REBOOT_SEQ_MAX and self._follows(
            seq_step, t_step, rate_hz, other.received_s
        )

    def _remember_other(self, seq: int, t_ms: int, received_s: float | None = None) -> None:
        self._other = _Point(seq, t_ms, self._received_s if received_s is None else received_s)
        self._other_seen_ms = self._unwrapped_ms(self._last_t_ms())

    def _last_t_ms(self) -> int:
        assert self._last is not None
        return self._last.t_ms

    def _old_frame(self, seq: int, t_ms: int, seq_step: int, *, late: bool) -> SequenceCheck:
        """Judge a frame from before the last accepted one: counted lost, or a stranger."""
        if seq in self._missing:
            del self._missing[seq]
            self._counts["lost"] -= 1
        elif seq_step < -_RECENT_FRAMES:
            self._remember_other(seq, t_ms)
        return self._reject(FrameVerdict.LATE if late else FrameVerdict.OUT_OF_ORDER, t_ms)

    def _other_carries_on(self, seq: int, t_ms: int) -> SequenceCheck:
        """Twins while both streams go on; the only one left going on is the pad's own."""
        self._other_run += 1
        assert self._last is not None
        silent_ms = (
            None
            if self._received_s is None or self._last.received_s is None
            else (self._received_s - self._last.received_s) * 1000.0
        )
        if self._other_run >= ADOPT_OTHER_AFTER_FRAMES and (
            silent_ms is None or silent_ms >= ADOPT_OTHER_AFTER_SILENCE_MS
        ):
            return self._new_time_base(seq, t_ms, TimeBase.CLOCK_JUMP, lost=0)
        return self._conflict(seq, t_ms)

    def _conflict(self, seq: int, t_ms: int) -> SequenceCheck:
        self._remember_other(seq, t_ms)
        return self._reject(FrameVerdict.CONFLICTING, t_ms)

    def _new_time_base(self, seq: int, t_ms: int, why: TimeBase, *, lost: int) -> SequenceCheck:
        old = self._last
        self._counts["reboots" if why is TimeBase.REBOOT else "clock_jumps"] += 1
        self.reset()
        check = self._accept(seq, t_ms, lost=lost, new_time_base=why)
        if old is not None:
            self._remember_other(old.seq, old.t_ms, old.received_s)
        return check

    def _unwrapped_ms(self, t_ms: int) -> int:
        return self._wraps_ms + t_ms

    def _accept_following(self, seq: int, t_ms: int, t_step: int, *, lost: int) -> SequenceCheck:
        accepted = self._accept(seq, t_ms, lost=lost)
        self._same_instant = t_step == 0
        return accepted

    def _accept(
        self, seq: int, t_ms: int, *, lost: int, new_time_base: TimeBase | None = None
    ) -> SequenceCheck:
        if self._last is not None and t_ms < self._last.t_ms:  # the device clock wrapped
            self._wraps_ms += T_MS_MODULUS
        self._counts["accepted"] += 1
        self._counts["lost"] += lost
        self._other_run = 0
        for missing in range(max(lost - _RECENT_FRAMES, 0), lost):
            self._missing[(seq - lost + missing) % SEQ_MODULUS] = None
        while len(self._missing) > _RECENT_FRAMES:
            self._missing.popitem(last=False)
        self._last = _Point(seq, t_ms, self._received_s)
        self._recent[seq] = (t_ms, self._digest)
        if len(self._recent) > _RECENT_FRAMES:
            self._recent.popitem(last=False)
        return SequenceCheck(
            verdict=FrameVerdict.ACCEPTED,
            lost=lost,
            new_time_base=new_time_base,
            t_first_s=self._unwrapped_ms(t_ms) / 1000.0,
        )

    def _reject(self, verdict: FrameVerdict, t_ms: int) -> SequenceCheck:
        self._counts[verdict.value] += 1
        wraps = self._wraps_ms
        last_t_ms = self._last_t_ms()
        if t_ms > last_t_ms and _signed(t_ms - last_t_ms, T_MS_MODULUS) < 0:
            wraps -= T_MS_MODULUS  # an old frame from before the last wrap
        return SequenceCheck(
            verdict=verdict, lost=0, new_time_base=None, t_first_s=max(wraps + t_ms, 0) / 1000.0
        )
