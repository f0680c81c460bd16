"""Faults of a real pad and network, injected into a simulated pad's messages.

`inject(messages, plan, rng)` takes the messages a `Simulation` publishes, in send order, and
changes them as the fault would (docs/simulator.md, "Faults"):

- a **reboot** at `reboot_at_s`: the pad is silent for `REBOOT_SILENCE_S` while it boots, says
  `online` and sends its info again, then counts `seq` from 0 and its clock from `BOOT_T_MS`
  (the person on it goes on standing);
- a **clock jump** of `clock_jump_s` (either sign) at `clock_jump_at_s`: every later frame's
  `t_ms` is that much off, `seq` goes on;
- **reordering**: with probability `reorder_rate` a frame swaps places with the next one;
- **late frames**: with probability `late_rate` a frame is held back `LATE_BY_S` (longer than
  the receiver's late window) and sent after the frames that followed it.

`FaultCounts` says what was injected (and how many frames went out twice, from the device's
`dup_rate`), so that a test can compare the receiver's counters with it exactly.
"""

from __future__ import annotations

import dataclasses
import heapq
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

import numpy as np

from custom_components.retro_balance.engine.wire import protocol, topics
from custom_components.retro_balance.engine.wire.messages import T_MS_MODULUS

from .device import Message

REBOOT_SILENCE_S: Final = 1.5
"""How long a rebooting pad is silent (boot, Wi-Fi, MQTT connect)."""
BOOT_T_MS: Final = 2150
"""The pad's clock at its first frame after a boot (as the firmware measured it)."""
LATE_BY_S: Final = 2.0
"""How long a late frame is held back: twice the receiver's late window (`protocol.md`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FaultPlan:
    """Which faults to inject (none by default)."""

    reboot_at_s: float | None = None
    clock_jump_at_s: float | None = None
    clock_jump_s: float = 0.0
    reorder_rate: float = 0.0
    late_rate: float = 0.0

    def __post_init__(self) -> None:
        """Refuse what no pad could do, naming the option."""
        for name in ("reorder_rate", "late_rate"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise ValueError(f"{name.replace('_', '-')} must be in [0, 1)")
        if self.reorder_rate + self.late_rate >= 1.0:
            raise ValueError("reorder-rate and late-rate together must stay below 1")
        for name in ("reboot_at_s", "clock_jump_at_s"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name.replace('_s', '').replace('_', '-')} must be positive")
        if (self.clock_jump_at_s is None) != (self.clock_jump_s == 0.0):
            raise ValueError("a clock jump needs both its time and a non-zero size")

    @property
    def any(self) -> bool:
        """Whether anything is injected at all."""
        return self != FaultPlan()


@dataclass(slots=True)
class FaultCounts:
    """What was injected so far."""

    reboots: int = 0
    clock_jumps: int = 0
    reordered: int = 0
    late: int = 0
    duplicated: int = 0

    def summary(self) -> str:
        """One line for the simulator's output."""
        parts = (f"{name.replace('_', ' ')} {value}" for name, value in self.as_dict().items())
        return "faults injected: " + ", ".join(parts)

    def as_dict(self) -> dict[str, int]:
        """Return the counts by name."""
        return dataclasses.asdict(self)


def inject(
    messages: Iterable[Message],
    plan: FaultPlan,
    rng: np.random.Generator,
    counts: FaultCounts | None = None,
) -> Iterator[Message]:
    """Yield `messages` with the faults of `plan` (counted in `counts` if given)."""
    counts = counts if counts is not None else FaultCounts()
    stream = _count_duplicates(messages, counts)
    stream = _reboot(stream, plan.reboot_at_s, counts)
    stream = _clock_jump(stream, plan.clock_jump_at_s, plan.clock_jump_s, counts)
    return _reorder_and_delay(stream, plan, rng, counts)


def _is_frame(message: Message) -> bool:
    return message.kind == topics.TopicKind.FRAMES


def _count_duplicates(messages: Iterable[Message], counts: FaultCounts) -> Iterator[Message]:
    previous: bytes | None = None
    for message in messages:
        if _is_frame(message):
            if message.payload == previous:
                counts.duplicated += 1
            previous = message.payload
        yield message


def _rewrite(message: Message, *, seq: int, t_ms: int) -> Message:
    frame = protocol.parse_frame(message.payload)
    changed = dataclasses.replace(frame, seq=seq, t_ms=t_ms)
    # The shortest exact floats repeat the loads as they were sent, at any precision.
    return message._replace(payload=protocol.encode_frame(changed, decimals=None))


def _reboot(
    messages: Iterable[Message], at_s: float | None, counts: FaultCounts
) -> Iterator[Message]:
    info: Message | None = None
    booted_s: float | None = None
    first: tuple[int, int] | None = None  # seq and t_ms of the first frame after the boot
    for message in messages:
        if info is None and message.kind == topics.TopicKind.INFO:
            info = message
        if at_s is None or message.time_s < at_s:
            yield message
            continue
        if booted_s is None:
            booted_s = message.time_s + REBOOT_SILENCE_S
            counts.reboots += 1
            yield Message(booted_s, topics.TopicKind.STATUS, protocol.encode_status(True))
            if info is not None:
                yield info._replace(time_s=booted_s)
        if message.time_s < booted_s:
            continue  # booting: nothing is sent
        if not _is_frame(message):
            yield message
            continue
        frame = protocol.parse_frame(message.payload)
        if first is None:
            first = (frame.seq, frame.t_ms)
        yield _rewrite(
            message,
            seq=frame.seq - first[0],
            t_ms=(BOOT_T_MS + frame.t_ms - first[1]) % T_MS_MODULUS,
        )


def _clock_jump(
    messages: Iterable[Message], at_s: float | None, jump_s: float, counts: FaultCounts
) -> Iterator[Message]:
    jump_ms = round(jump_s * 1000.0)
    jumped = False
    for message in messages:
        if at_s is None or message.time_s < at_s or not _is_frame(message):
            yield message
            continue
        if not jumped:
            jumped = True
            counts.clock_jumps += 1
        frame = protocol.parse_frame(message.payload)
        t_ms = frame.t_ms + jump_ms
        if t_ms < 0:
            raise ValueError(
                f"the clock cannot jump {jump_s:g} s back: it has run only {frame.t_ms / 1000:g} s "
                "(start it later with --t0-ms)"
            )
        yield _rewrite(message, seq=frame.seq, t_ms=t_ms % T_MS_MODULUS)


def _reorder_and_delay(
    messages: Iterable[Message], plan: FaultPlan, rng: np.random.Generator, counts: FaultCounts
) -> Iterator[Message]:
    """Swap frames with the next one, or hold them back, each frame at most one fault.

    A frame sent twice (the device's `dup_rate`) is left alone with its copy, so that every
    injected fault shows as exactly one verdict of the receiver.
    """
    held: list[tuple[float, int, Message]] = []
    stream = iter(messages)
    current = next(stream, None)
    previous: bytes | None = None
    while current is not None:
        following = next(stream, None)
        while held and held[0][0] <= current.time_s:
            release_s, _, late = heapq.heappop(held)
            yield late._replace(time_s=release_s)
        if not _is_frame(current):
            yield current
            current = following
            continue
        after_copy = current.payload == previous
        following_frame = following is not None and _is_frame(following)
        has_copy = (
            following_frame and following is not None and following.payload == current.payload
        )
        draw = 1.0 if after_copy or has_copy else rng.random()
        previous = current.payload
        if draw < plan.reorder_rate and following_frame and following is not None:
            # The two frames leave in each other's place (send times stay in order).
            counts.reordered += 1
            yield current._replace(payload=following.payload)
            yield following._replace(payload=current.payload)
            previous = following.payload
            current = next(stream, None)
            continue
        if draw < plan.reorder_rate + plan.late_rate:
            counts.late += 1
            heapq.heappush(held, (current.time_s + LATE_BY_S, counts.late, current))
        else:
            yield current
        current = following
    for release_s, _, late in sorted(held):
        yield late._replace(time_s=release_s)
