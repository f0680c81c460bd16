"""FrameSequencer: accepted / duplicate / out-of-order / late / conflicting frames, losses, wraps,
reboots, clock jumps and a second pad under the same id."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.retro_balance.engine.wire.messages import Frame
from custom_components.retro_balance.engine.wire.sequencing import (
    CLOCK_SLACK_MS,
    OTHER_STREAM_KEPT_MS,
    FrameSequencer,
    FrameVerdict,
    SequenceCounters,
    TimeBase,
)

WRAP = 2**32
STEP_MS = 125  # 10 samples at 80 Hz


def feed(sequencer: FrameSequencer, *frames: tuple[int, int]) -> list[FrameVerdict]:
    return [sequencer.check_raw(seq, t_ms).verdict for seq, t_ms in frames]


def test_in_order_frames_are_accepted_with_unwrapped_time() -> None:
    sequencer = FrameSequencer()
    checks = [sequencer.check_raw(seq, 1000 + seq * STEP_MS) for seq in range(5)]
    assert all(check.accepted and check.lost == 0 and not check.reboot for check in checks)
    assert [check.t_first_s for check in checks] == pytest.approx([1.0, 1.125, 1.25, 1.375, 1.5])
    assert sequencer.last_seq == 4
    assert sequencer.counters == SequenceCounters(received=5, accepted=5)


def test_check_takes_a_frame() -> None:
    sequencer = FrameSequencer()
    frame = Frame(seq=3, t_ms=500, rate_hz=80.0, cells_kg=np.zeros((1, 4)))
    assert sequencer.check(frame).accepted
    assert sequencer.check(frame).verdict is FrameVerdict.DUPLICATE


def test_gap_reports_lost_frames() -> None:
    sequencer = FrameSequencer()
    sequencer.check_raw(10, 1000)
    check = sequencer.check_raw(14, 1000 + 4 * STEP_MS)
    assert check.accepted
    assert check.lost == 3
    assert sequencer.counters.lost == 3


def test_duplicates_of_the_last_and_of_older_frames() -> None:
    sequencer = FrameSequencer()
    verdicts = feed(sequencer, (1, 100), (2, 225), (2, 225), (3, 350), (1, 100))
    assert verdicts == [
        FrameVerdict.ACCEPTED,
        FrameVerdict.ACCEPTED,
        FrameVerdict.DUPLICATE,
        FrameVerdict.ACCEPTED,
        FrameVerdict.DUPLICATE,
    ]
    assert sequencer.counters.duplicate == 2


def test_out_of_order_frame_is_dropped_and_counted_once() -> None:
    """Frame 2 was counted lost when 3 came; when it turns up it is out of order, not lost."""
    sequencer = FrameSequencer()
    verdicts = feed(sequencer, (1, 100), (3, 350), (2, 225), (4, 475))
    assert verdicts == [
        FrameVerdict.ACCEPTED,
        FrameVerdict.ACCEPTED,
        FrameVerdict.OUT_OF_ORDER,
        FrameVerdict.ACCEPTED,
    ]
    counters = sequencer.counters
    assert (counters.lost, counters.out_of_order, counters.accepted) == (0, 1, 3)
    assert counters.dropped == 1


def test_same_seq_with_another_time_is_another_pads_frame() -> None:
    sequencer = FrameSequencer()
    assert feed(sequencer, (100, 5000), (100, 5200)) == [
        FrameVerdict.ACCEPTED,
        FrameVerdict.CONFLICTING,
    ]


def test_same_seq_and_time_with_other_samples_is_another_pads_frame() -> None:
    sequencer = FrameSequencer()
    mine = Frame(seq=7, t_ms=900, rate_hz=80.0, cells_kg=np.full((10, 4), 17.5))
    theirs = Frame(seq=7, t_ms=900, rate_hz=80.0, cells_kg=np.full((10, 4), 20.0))
    assert sequencer.check(mine).accepted
    assert sequencer.check(mine).verdict is FrameVerdict.DUPLICATE
    assert sequencer.check(theirs).verdict is FrameVerdict.CONFLICTING
    assert sequencer.counters.conflicting == 1


def test_late_frame_beyond_the_window() -> None:
    sequencer = FrameSequencer(late_window_ms=1000)
    sequencer.check_raw(500, 100_000)
    late = sequencer.check_raw(480, 97_500)
    assert late.verdict is FrameVerdict.LATE
    assert late.t_first_s == pytest.approx(97.5)
    within = sequencer.check_raw(499, 99_875)
    assert within.verdict is FrameVerdict.OUT_OF_ORDER
    assert sequencer.counters.late == 1


def test_forward_seq_with_time_going_back_a_little_is_out_of_order() -> None:
    sequencer = FrameSequencer(late_window_ms=1000)
    sequencer.check_raw(500, 100_000)
    assert sequencer.check_raw(501, 99_990).verdict is FrameVerdict.OUT_OF_ORDER
    assert sequencer.counters.clock_jumps == 0


def test_clock_jumping_back_starts_a_new_time_base() -> None:
    """seq goes on, the clock goes 600 s back: accepted as a new time base, nothing lost."""
    sequencer = FrameSequencer(late_window_ms=1000)
    sequencer.check_raw(500, 900_000)
    check = sequencer.check_raw(501, 300_125)
    assert check.accepted
    assert check.new_time_base is TimeBase.CLOCK_JUMP
    assert not check.reboot
    assert check.t_first_s == pytest.approx(300.125)
    assert sequencer.check_raw(502, 300_250).accepted
    counters = sequencer.counters
    assert (counters.clock_jumps, counters.reboots, counters.lost) == (1, 0, 0)


def test_clock_jumping_forward_starts_a_new_time_base() -> None:
    """One frame later the clock is 600 s on: more than the idle interval explains."""
    sequencer = FrameSequencer()
    sequencer.check_raw(500, 900_000)
    check = sequencer.check_raw(501, 1_500_000)
    assert check.accepted
    assert check.new_time_base is TimeBase.CLOCK_JUMP
    assert sequencer.check_raw(502, 1_500_125).new_time_base is None
    assert sequencer.counters.lost == 0


def test_idle_frames_and_a_short_stall_are_no_jump() -> None:
    sequencer = FrameSequencer()
    sequencer.check_raw(500, 900_000)
    assert sequencer.check_raw(501, 901_000).new_time_base is None  # idle: one a second
    check = sequencer.check_raw(502, 902_000 + CLOCK_SLACK_MS)
    assert check.accepted
    assert check.new_time_base is None


def test_long_outage_counts_what_the_clock_leaves_room_for() -> None:
    """60 s without frames at 8 frames/s: 479 lost. A seq leap the clock cannot hold is a jump."""
    sequencer = FrameSequencer()
    sequencer.check_raw(500, 900_000)
    assert sequencer.check_raw(980, 960_000, rate_hz=80.0).lost == 479
    leap = sequencer.check_raw(3_000_000, 960_125, rate_hz=80.0)
    assert leap.accepted
    assert leap.new_time_base is TimeBase.CLOCK_JUMP
    assert leap.lost == 0
    assert sequencer.counters.lost == 479


def test_a_stuck_clock_is_out_of_order() -> None:
    # Found by the soak in benchmarks/fuzz.py: single-sample frames with seq going on and t_ms
    # standing still were accepted, and the pad monitor's one-second window grew without end.
    # One frame at the same instant is taken: the firmware starts its first full frame at the
    # instant of the idle frame before it (scripts/check-firmware's stream).
    sequencer = FrameSequencer()
    assert feed(sequencer, (1, 5000), (2, 5000), (3, 5000), (4, 5000), (5, 5001), (6, 5001)) == [
        FrameVerdict.ACCEPTED,
        FrameVerdict.ACCEPTED,
        FrameVerdict.OUT_OF_ORDER,
        FrameVerdict.OUT_OF_ORDER,
        FrameVerdict.ACCEPTED,
        FrameVerdict.ACCEPTED,
    ]
    assert sequencer.counters.out_of_order == 2


def test_seq_wraps_at_two_to_the_32() -> None:
    sequencer = FrameSequencer()
    checks = [
        sequencer.check_raw(WRAP - 2, 1000),
        sequencer.check_raw(WRAP - 1, 1125),
        sequencer.check_raw(0, 1250),
        sequencer.check_raw(2, 1500),
    ]
    assert all(check.accepted and not check.reboot for check in checks)
    assert [check.lost for check in checks] == [0, 0, 0, 1]
    assert sequencer.check_raw(WRAP - 1, 1125).verdict is FrameVerdict.DUPLICATE


def test_device_clock_wrap_is_unwrapped() -> None:
    sequencer = FrameSequencer()
    first = sequencer.check_raw(1000, WRAP - 100)
    after = sequencer.check_raw(1001, 25)
    assert first.accepted
    assert after.accepted
    assert not after.reboot
    assert after.t_first_s - first.t_first_s == pytest.approx(0.125)
    # a frame from before the wrap, arriving late, keeps its place on the unwrapped clock
    old = sequencer.check_raw(990, WRAP - 1350)
    assert old.verdict is FrameVerdict.LATE
    assert old.t_first_s == pytest.approx((WRAP - 1350) / 1000)


def test_reboot_restarts_seq_and_clock() -> None:
    sequencer = FrameSequencer()
    sequencer.check_raw(5000, 9_000_000)
    check = sequencer.check_raw(0, 1500)
    assert check.accepted
    assert check.reboot
    assert check.lost == 0
    assert check.t_first_s == pytest.approx(1.5)
    assert sequencer.check_raw(1, 1625).accepted
    assert sequencer.counters.reboots == 1


def test_reboot_after_a_lost_first_frame_counts_the_missing_ones() -> None:
    sequencer = FrameSequencer()
    sequencer.check_raw(5000, 9_000_000)
    check = sequencer.check_raw(3, 1875)
    assert check.reboot
    assert check.lost == 3


def test_reboot_right_after_boot_is_recognised_by_the_clock_moving_on() -> None:
    sequencer = FrameSequencer(late_window_ms=1000)
    feed(sequencer, *[(seq, 1000 + seq * STEP_MS) for seq in range(8)])  # up to t=1875
    # the pad reboots after 2 s and is quicker the second time: seq 0 at t=1800, which cannot
    # be told from another pad's frame 0 yet
    assert sequencer.check_raw(0, 1800).verdict is FrameVerdict.CONFLICTING
    check = sequencer.check_raw(1, 1925)
    assert check.accepted
    assert check.reboot


def test_large_seq_going_back_is_never_a_reboot() -> None:
    sequencer = FrameSequencer()
    sequencer.check_raw(5000, 9_000_000)
    assert sequencer.check_raw(100, 1500).verdict is FrameVerdict.LATE
    assert sequencer.counters.reboots == 0


def test_reset_forgets_the_last_frame_but_keeps_counters() -> None:
    sequencer = FrameSequencer()
    feed(sequencer, (10, 1000), (11, 1125))
    sequencer.reset()
    assert sequencer.last_seq is None
    check = sequencer.check_raw(3, 50)
    assert check.accepted
    assert check.lost == 0
    assert sequencer.counters.as_dict() == {
        "received": 3,
        "accepted": 3,
        "duplicate": 0,
        "out_of_order": 0,
        "late": 0,
        "conflicting": 0,
        "lost": 0,
        "reboots": 0,
        "clock_jumps": 0,
    }


def test_recent_memory_is_bounded() -> None:
    sequencer = FrameSequencer()
    feed(sequencer, *[(seq, seq * STEP_MS) for seq in range(200)])
    # frame 100 is forgotten (only the last 64 are kept): judged by time, not as a duplicate
    assert sequencer.check_raw(100, 100 * STEP_MS).verdict is FrameVerdict.LATE
    assert sequencer.check_raw(199, 199 * STEP_MS).verdict is FrameVerdict.DUPLICATE


def test_negative_window_is_refused() -> None:
    with pytest.raises(ValueError, match="late_window_ms"):
        FrameSequencer(late_window_ms=-1)


def test_dropped_frames_are_the_refused_and_the_lost_ones() -> None:
    """One set of counters serves the diagnostics and the dropped-frames sensor."""
    sequencer = FrameSequencer(late_window_ms=1000)
    # 101 and 104 accepted (102, 103 lost), 104 again a duplicate, 103 out of order, 105 accepted,
    # then 102 from 2.8 s back: late (seq 64 and up is never taken for a reboot), 106 never comes.
    feed(
        sequencer,
        (101, 100),
        (104, 475),
        (104, 475),
        (103, 350),
        (105, 3000),
        (102, 225),
        (107, 3250),
    )
    counters = sequencer.counters
    assert (counters.duplicate, counters.out_of_order, counters.late, counters.lost) == (1, 1, 1, 1)
    assert counters.rejected == 3
    assert counters.dropped == 4
    assert counters.received == counters.accepted + counters.rejected


def interleave(
    first: tuple[int, int], second: tuple[int, int], frames: int
) -> list[tuple[int, int]]:
    """Two pads under one id, each sending its own seq and clock, frames alternating."""
    stream: list[tuple[int, int]] = []
    for index in range(frames):
        for seq, t_ms in (first, second):
            stream.append((seq + index, t_ms + index * STEP_MS))
    return stream


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


def test_a_late_frame_in_the_first_seconds_is_no_reboot() -> None:
    """seq 3 was counted lost when 5 came; arriving 2 s late it is late, not a new boot."""
    sequencer = FrameSequencer()
    feed(
        sequencer, (1, 1000), (2, 1125), (4, 1375), *[(s, 1000 + s * STEP_MS) for s in range(5, 30)]
    )
    check = sequencer.check_raw(3, 1250)
    assert check.verdict is FrameVerdict.LATE
    counters = sequencer.counters
    assert (counters.reboots, counters.lost, counters.late) == (0, 0, 1)


def test_a_clock_jumping_back_soon_after_boot_is_a_jump() -> None:
    """seq goes on (it does not restart) while the clock goes back: a jump, even below seq 64."""
    sequencer = FrameSequencer()
    sequencer.check_raw(8, 905_000)
    check = sequencer.check_raw(9, 306_000)
    assert check.new_time_base is TimeBase.CLOCK_JUMP


def test_a_clock_running_ahead_of_the_receivers_is_a_jump() -> None:
    """Frames 0.1 s apart at the receiver, the pad's clock 2136 s on: not an outage."""
    sequencer = FrameSequencer()
    sequencer.check_raw(90, 14_000, received_s=100.0)
    check = sequencer.check_raw(15_000, 2_150_000, rate_hz=80.0, received_s=100.1)
    assert check.new_time_base is TimeBase.CLOCK_JUMP
    assert sequencer.counters.lost == 0


def test_an_outage_the_receiver_waited_through_is_a_gap() -> None:
    sequencer = FrameSequencer()
    sequencer.check_raw(90, 14_000, received_s=100.0)
    check = sequencer.check_raw(570, 74_000, rate_hz=80.0, received_s=160.2)
    assert check.new_time_base is None
    assert check.lost == 479


def stream(
    first_seq: int, first_t_ms: int, first_s: float, count: int
) -> list[tuple[int, int, float]]:
    """`count` frames of a streaming pad: seq, t_ms and when the receiver hears each."""
    return [
        (first_seq + i, first_t_ms + i * STEP_MS, first_s + i * STEP_MS / 1000)
        for i in range(count)
    ]


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
