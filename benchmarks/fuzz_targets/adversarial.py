"""Soak streams: long adversarial frame sequences for one pipeline, and the worst-case hold."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from custom_components.retro_balance.engine.arrays import FloatArray
from custom_components.retro_balance.engine.detection.check_plan import CheckPlan
from custom_components.retro_balance.engine.detection.stance_result import StanceTest
from custom_components.retro_balance.engine.wire import messages, protocol

from .pipeline import PadLinkModel
from .session import corner_loads


def worst_case_hold(cap_s: float = 60.0) -> tuple[int, Callable[[], Iterator[bytes]]]:
    """The densest stream the protocol allows (one sample per frame at 1000 Hz) through a
    quiet-stance test held to `cap_s`: (frames, stream), for the model of `soak_model(cap_s)`."""
    frames = round((cap_s + 2.0) * 1000)
    return frames, soak_streams(frames)["densest"]


def soak_model(cap_s: float = 10.0) -> PadLinkModel:
    """A pipeline running quiet-stance checks (the soak starts a new one when one ends)."""
    return PadLinkModel(CheckPlan(tests=(StanceTest.QUIET_EYES_OPEN,), cap_s=cap_s))


def raw_trace_chunks(samples: int) -> list[FloatArray]:
    """What `PadLink` keeps of a test for export (`MAX_RAW_SAMPLES`) if every frame had 1 sample."""
    return [np.zeros((1, 4)) for _ in range(samples)]


def _person(rng: np.random.Generator, n: int) -> FloatArray:
    sway = np.cumsum(rng.normal(0.0, 0.02, (2, n)), axis=1)
    return corner_loads(70.0 + rng.normal(0.0, 0.05, n), sway[0], sway[1])


def _payload(seq: int, t_ms: int, rate_hz: float, cells: FloatArray) -> bytes:
    frame = messages.Frame(seq=seq, t_ms=t_ms % 2**32, rate_hz=rate_hz, cells_kg=cells)
    return protocol.encode_frame(frame)


def soak_streams(frames: int) -> dict[str, Callable[[], Iterator[bytes]]]:
    """Adversarial frame streams of `frames` messages each (a person stands on the pad)."""
    rng = np.random.default_rng(15)

    def frozen_clock() -> Iterator[bytes]:  # single samples, seq going on, t_ms stuck
        for seq in range(frames):
            yield _payload(seq, 5_000_000, 80.0, _person(rng, 1))

    def densest() -> Iterator[bytes]:  # one sample per frame at 1000 Hz: 1000 frames a second
        for seq in range(frames):
            yield _payload(seq, 6_000_000 + seq, 1000.0, _person(rng, 1))

    def largest() -> Iterator[bytes]:  # 50 samples at 1000 Hz, back to back
        for seq in range(frames):
            yield _payload(seq, 7_000_000 + 50 * seq, 1000.0, _person(rng, 50))

    def reboot_storm() -> Iterator[bytes]:  # the pad restarts every 20 frames
        for index in range(frames):
            boot, seq = divmod(index, 20)
            yield _payload(seq, 2000 + 125 * seq + (boot % 2), 80.0, _person(rng, 10))

    def duplicate_flood() -> Iterator[bytes]:  # one frame over and over
        payload = _payload(1, 9_000_000, 80.0, _person(rng, 10))
        for _ in range(frames):
            yield payload

    return {
        "frozen_clock": frozen_clock,
        "densest": densest,
        "largest": largest,
        "reboot_storm": reboot_storm,
        "duplicate_flood": duplicate_flood,
    }
