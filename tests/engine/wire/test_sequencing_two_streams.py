"""FrameSequencer with two streams under one pad id: a second pad, the old boot's stray frames, a
forged frame far ahead, and twins that both go on; which stream is followed and what is counted.
"""

from __future__ import annotations

import pytest

from custom_components.retro_balance.engine.wire.sequencing import (
    OTHER_STREAM_KEPT_MS,
    FrameSequencer,
    FrameVerdict,
    TimeBase,
)
from tests.engine.wire.frame_streams import STEP_MS, feed, interleave, stream


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param((5000, 900_000), (200, 50_000), id="second-behind"),
        pytest.param((200, 50_000), (5000, 900_000), id="second-ahead"),
        pytest.param((5000, 900_000), (5003, 40_000), id="close-seq-other-clock"),
        pytest.param((5000, 900_000), (10, 3_000), id="second-just-booted"),
    ],
)
def test_two_pads_under_one_id_conflict_and_counters_stay_bounded(
    first: tuple[int, int], second: tuple[int, int]
) -> None:
    """One stream is followed; every frame of the other is counted once, as conflicting.

    At most the first switch between them can look like a gap (a pad 4800 frames on, after
    850 s); after that nothing grows but the count of conflicting frames.
    """
    sequencer = FrameSequencer()
    feed(sequencer, *interleave(first, second, 100))
    lost_early = sequencer.counters.lost
    feed(
        sequencer,
        *interleave(
            (first[0] + 100, first[1] + 100 * STEP_MS),
            (second[0] + 100, second[1] + 100 * STEP_MS),
            900,
        ),
    )
    counters = sequencer.counters
    assert counters.received == 2000
    assert counters.received == counters.accepted + counters.rejected
    assert counters.conflicting >= 995
    assert counters.lost == lost_early <= abs(first[0] - second[0])
    assert counters.reboots + counters.clock_jumps <= 2


def test_a_reboot_is_no_second_pad() -> None:
    """The old boot's stream never comes back, so the new one is followed without conflicts."""
    sequencer = FrameSequencer()
    feed(sequencer, *[(5000 + i, 900_000 + i * STEP_MS) for i in range(20)])
    verdicts = feed(sequencer, *[(i, 2150 + i * STEP_MS) for i in range(200)])
    assert set(verdicts) == {FrameVerdict.ACCEPTED}
    assert sequencer.counters.reboots == 1
    assert sequencer.counters.conflicting == 0


def test_a_stray_frame_of_the_old_boot_is_conflicting_once() -> None:
    sequencer = FrameSequencer()
    feed(sequencer, (5000, 900_000), (0, 2150), (1, 2275))
    assert feed(sequencer, (5001, 900_125), (2, 2400)) == [
        FrameVerdict.CONFLICTING,
        FrameVerdict.ACCEPTED,
    ]


def test_the_other_stream_is_forgotten_after_a_while() -> None:
    """Long after a clock jump, a gap that happens to fit the old clock is a gap again."""
    sequencer = FrameSequencer()
    sequencer.check_raw(500, 900_000)
    sequencer.check_raw(501, 300_000)  # the clock jumped back 600 s
    steps = OTHER_STREAM_KEPT_MS // STEP_MS + 10
    feed(sequencer, *[(501 + i, 300_000 + i * STEP_MS) for i in range(1, steps)])
    last_t = 300_000 + (steps - 1) * STEP_MS
    check = sequencer.check_raw(501 + steps + 3, last_t + 4 * STEP_MS)
    assert check.accepted
    assert check.lost == 3


def test_one_stray_frame_far_ahead_does_not_stall_the_pad() -> None:
    """A forged (or corrupt) frame 3 h ahead takes the stream; the pad's own frames, carrying
    on while nothing follows the stray, take it back within a few seconds (`security.md`)."""
    sequencer = FrameSequencer()
    for seq, t_ms, at_s in stream(100, 500_000, 10.0, 5):
        sequencer.check_raw(seq, t_ms, received_s=at_s)
    stray = sequencer.check_raw(105, 500_625 + 10_800_000, received_s=10.6)
    assert stray.new_time_base is TimeBase.CLOCK_JUMP
    checks = [
        sequencer.check_raw(seq, t_ms, received_s=at_s)
        for seq, t_ms, at_s in stream(106, 500_750, 10.75, 40)
    ]
    verdicts = [check.verdict for check in checks]
    back = verdicts.index(FrameVerdict.ACCEPTED)
    assert checks[back].new_time_base is TimeBase.CLOCK_JUMP
    assert back * STEP_MS <= 4000
    assert set(verdicts[:back]) == {FrameVerdict.CONFLICTING}
    assert set(verdicts[back:]) == {FrameVerdict.ACCEPTED}


def test_twins_both_going_on_never_take_each_others_place() -> None:
    """An idle pad (a frame a second) and its twin streaming under the same id: once the
    twin's first frame has taken the stream, the idle pad's frames, however spread out, never
    take it back while the twin goes on (a stray is only a stray when it falls silent)."""
    sequencer = FrameSequencer()
    idle = [(1000 + i, 50_000 + i * 1000, 100.0 + i) for i in range(20)]
    twin = stream(4000, 700_000, 100.05, 20 * 8)
    arrivals = sorted(idle + twin, key=lambda frame: frame[2])
    verdicts = {
        (seq, t_ms): sequencer.check_raw(seq, t_ms, received_s=at_s).verdict
        for seq, t_ms, at_s in arrivals
    }
    assert all(verdicts[seq, t_ms] is FrameVerdict.ACCEPTED for seq, t_ms, _ in twin)
    assert all(verdicts[seq, t_ms] is FrameVerdict.CONFLICTING for seq, t_ms, _ in idle[1:])
    assert (sequencer.counters.clock_jumps, sequencer.counters.reboots) == (1, 0)
