"""Simulated pad streams (pad_simulator's scenarios) and what goes wrong with them on the way."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from custom_components.retro_balance.engine.detection.stance_result import StanceTest
from pad_simulator.scenarios import generate

from .payloads import payloads, to_json

SCENARIOS = ("sls-left", "tandem", "quiet-ec", "daily-check")
SCENARIO_TESTS = {
    "sls-left": StanceTest.SINGLE_LEG_LEFT,
    "tandem": StanceTest.TANDEM,
    "quiet-ec": StanceTest.QUIET_EYES_CLOSED,
}
MUTATIONS = (
    "drop", "duplicate", "swap", "delay", "late", "freeze", "single", "reboot", "wrap",
    "jump", "garbage", "nulls", "rate", "cancel", "lose_signal", "press_short", "info",
)  # fmt: skip


@functools.cache
def stream(scenario: str, seed: int) -> tuple[tuple[str, bytes], ...]:
    """A simulated pad's messages (topic kind, payload), with a 10 s hold cap."""
    return tuple((kind, payload) for _, kind, payload in generate(scenario, seed=seed, cap_s=10.0))


@dataclass(frozen=True)
class Mutation:
    """Something done to the stream at message `at` (`size` is its extent or parameter)."""

    kind: str
    at: int
    size: int


@dataclass(frozen=True)
class Recording:
    """A slice of a simulated stream and what happens to it on the way."""

    scenario: str
    seed: int
    start: int
    length: int
    mutations: tuple[Mutation, ...]
    garbage: tuple[bytes | str, ...]


recordings = st.builds(
    Recording,
    scenario=st.sampled_from(SCENARIOS),
    seed=st.integers(1, 2),
    start=st.integers(0, 400),
    length=st.integers(10, 250),
    mutations=st.lists(
        st.builds(
            Mutation,
            kind=st.sampled_from(MUTATIONS),
            at=st.integers(0, 250),
            size=st.integers(1, 60),
        ),
        max_size=8,
    ).map(tuple),
    garbage=st.lists(payloads("frames"), max_size=3).map(tuple),
)


def _frame_fields(payload: bytes | str) -> dict[str, Any] | None:
    """The fields of a well-formed frame payload (for mutations), else None."""
    if not isinstance(payload, bytes):
        return None
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return None
    fields_ok = all(type(data.get(name)) is int for name in ("seq", "t_ms"))
    samples_ok = all(isinstance(sample, list) and sample for sample in data["cells"])
    return data if fields_ok and samples_ok and data["cells"] else None


def _shift_frames(
    messages: list[tuple[str, bytes | str]], at: int, *, seq_minus: int = 0, t_ms_plus: int = 0
) -> None:
    """Move `seq` and `t_ms` of every well-formed frame from `at` on (t_ms modulo 2**32)."""
    for index in range(at, len(messages)):
        kind, payload = messages[index]
        data = _frame_fields(payload) if kind == "frames" else None
        if data is not None:
            data["seq"] -= seq_minus
            data["t_ms"] = (data["t_ms"] + t_ms_plus) % 2**32
            messages[index] = (kind, to_json(data).encode())


def mutate(recording: Recording) -> list[tuple[str, bytes | str]]:
    """The recording's messages after its mutations (control steps stay as pseudo-messages)."""
    source = stream(recording.scenario, recording.seed)
    start = recording.start % len(source)
    messages: list[tuple[str, bytes | str]] = list(source[start : start + recording.length])
    garbage = list(recording.garbage)
    for mutation in recording.mutations:
        if not messages:
            break
        at = mutation.at % len(messages)
        kind, payload = messages[at]
        data = _frame_fields(payload) if kind == "frames" else None
        if mutation.kind == "drop":
            del messages[at : at + mutation.size]
        elif mutation.kind == "duplicate":
            messages.insert(min(at + mutation.size, len(messages)), messages[at])
        elif mutation.kind == "swap" and at + 1 < len(messages):
            messages[at], messages[at + 1] = messages[at + 1], messages[at]
        elif mutation.kind in ("delay", "late"):
            moved = messages.pop(at)
            later = mutation.size * (40 if mutation.kind == "late" else 1)
            messages.insert(min(at + later, len(messages)), moved)
        elif mutation.kind in ("freeze", "single") and data is not None:
            t_ms = data["t_ms"]
            for index in range(at, min(at + mutation.size, len(messages))):
                fields = (
                    _frame_fields(messages[index][1]) if messages[index][0] == "frames" else None
                )
                if fields is not None:
                    fields["cells"] = fields["cells"][:1]
                    if mutation.kind == "freeze":
                        fields["t_ms"] = t_ms
                    messages[index] = ("frames", to_json(fields).encode())
        elif mutation.kind == "reboot" and data is not None:
            _shift_frames(messages, at, seq_minus=data["seq"], t_ms_plus=700 - data["t_ms"])
        elif mutation.kind == "wrap" and data is not None:
            _shift_frames(messages, at, t_ms_plus=2**32 - data["t_ms"] - 40 * mutation.size)
        elif mutation.kind == "jump":
            _shift_frames(messages, at, t_ms_plus=10**6)
        elif mutation.kind == "garbage" and garbage:
            messages[at] = ("frames", garbage.pop())
        elif mutation.kind == "nulls" and data is not None:
            data["cells"] = [[None, *sample[1:]] for sample in data["cells"]]
            messages[at] = (kind, to_json(data).encode())
        elif mutation.kind == "rate" and data is not None:
            data["rate_hz"] = (1, 1000, 80.5)[mutation.size % 3]
            messages[at] = (kind, to_json(data).encode())
        elif mutation.kind in ("cancel", "lose_signal", "press_short", "info"):
            messages.insert(at, (mutation.kind, b""))
    return messages
