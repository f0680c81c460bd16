"""Frame streams for the FrameSequencer tests: (seq, t_ms) pairs fed in, two pads interleaved, and a
streaming pad with the receiver's arrival times.
"""

from __future__ import annotations

from custom_components.retro_balance.engine.wire.sequencing import FrameSequencer, FrameVerdict

WRAP = 2**32
STEP_MS = 125  # 10 samples at 80 Hz


def feed(sequencer: FrameSequencer, *frames: tuple[int, int]) -> list[FrameVerdict]:
    """Check raw `(seq, t_ms)` frames in turn; their verdicts."""
    return [sequencer.check_raw(seq, t_ms).verdict for seq, t_ms in frames]


def interleave(
    first: tuple[int, int], second: tuple[int, int], frames: int
) -> list[tuple[int, int]]:
    """Two pads under one id, each sending its own seq and clock, frames alternating."""
    stream: list[tuple[int, int]] = []
    for index in range(frames):
        for seq, t_ms in (first, second):
            stream.append((seq + index, t_ms + index * STEP_MS))
    return stream


def stream(
    first_seq: int, first_t_ms: int, first_s: float, count: int
) -> list[tuple[int, int, float]]:
    """`count` frames of a streaming pad: seq, t_ms and when the receiver hears each."""
    return [
        (first_seq + i, first_t_ms + i * STEP_MS, first_s + i * STEP_MS / 1000)
        for i in range(count)
    ]
