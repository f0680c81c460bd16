"""FrameSequencer across a new time base: clock jumps back and forward, long outages, seq and clock
wraps, reboots, and what is none of these (idle frames, a late frame just after boot).
"""

from __future__ import annotations

import pytest

from custom_components.retro_balance.engine.wire.sequencing import (
    CLOCK_SLACK_MS,
    FrameSequencer,
    FrameVerdict,
    TimeBase,
)
from tests.engine.wire.frame_streams import STEP_MS, WRAP, feed


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
