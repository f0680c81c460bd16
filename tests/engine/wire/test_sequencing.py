"""FrameSequencer: accepted / duplicate / out-of-order / late frames, losses, wraps, reboots."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.retro_balance.engine.wire.messages import Frame
from custom_components.retro_balance.engine.wire.sequencing import (
    FrameSequencer,
    FrameVerdict,
    SequenceCounters,
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


def test_out_of_order_frame_is_dropped_and_was_counted_lost() -> None:
    sequencer = FrameSequencer()
    verdicts = feed(sequencer, (1, 100), (3, 350), (2, 225), (4, 475))
    assert verdicts == [
        FrameVerdict.ACCEPTED,
        FrameVerdict.ACCEPTED,
        FrameVerdict.OUT_OF_ORDER,
        FrameVerdict.ACCEPTED,
    ]
    counters = sequencer.counters
    assert (counters.lost, counters.out_of_order, counters.accepted) == (1, 1, 3)


def test_same_seq_with_another_time_is_out_of_order() -> None:
    sequencer = FrameSequencer()
    assert feed(sequencer, (100, 5000), (100, 5200)) == [
        FrameVerdict.ACCEPTED,
        FrameVerdict.OUT_OF_ORDER,
    ]


def test_late_frame_beyond_the_window() -> None:
    sequencer = FrameSequencer(late_window_ms=1000)
    sequencer.check_raw(500, 100_000)
    late = sequencer.check_raw(480, 97_500)
    assert late.verdict is FrameVerdict.LATE
    assert late.t_first_s == pytest.approx(97.5)
    within = sequencer.check_raw(499, 99_875)
    assert within.verdict is FrameVerdict.OUT_OF_ORDER
    assert sequencer.counters.late == 1


def test_forward_seq_with_time_going_back_is_not_accepted() -> None:
    sequencer = FrameSequencer(late_window_ms=1000)
    sequencer.check_raw(500, 100_000)
    assert sequencer.check_raw(501, 99_990).verdict is FrameVerdict.OUT_OF_ORDER
    assert sequencer.check_raw(502, 90_000).verdict is FrameVerdict.LATE


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
    # the pad reboots after 2 s and is quicker the second time: seq 0 at t=1800
    assert sequencer.check_raw(0, 1800).verdict is FrameVerdict.OUT_OF_ORDER
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
        "lost": 0,
        "reboots": 0,
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
    # then 102 from 2.8 s back: late (seq 64 and up is never taken for a reboot).
    feed(sequencer, (101, 100), (104, 475), (104, 475), (103, 350), (105, 3000), (102, 225))
    counters = sequencer.counters
    assert (counters.duplicate, counters.out_of_order, counters.late, counters.lost) == (1, 1, 1, 2)
    assert counters.rejected == 3
    assert counters.dropped == 5
    assert counters.received == counters.accepted + counters.rejected
