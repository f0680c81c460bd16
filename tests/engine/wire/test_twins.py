"""TwinWatch: conflicting frames and reconnections point at two pads under one id."""

from __future__ import annotations

from custom_components.retro_balance.engine.wire.twins import (
    CONFLICT_WINDOW_S,
    CONFLICTS_FOR_TWINS,
    QUICK_RECONNECT_S,
    QUIET_BEFORE_CLEAR_S,
    RECONNECTS_FOR_TWINS,
    TwinEvidence,
    TwinWatch,
)

CONFLICT = TwinEvidence.CONFLICTING_FRAME
RECONNECT = TwinEvidence.RECONNECT


def test_a_few_conflicting_frames_within_the_window_are_two_pads() -> None:
    watch = TwinWatch()
    results = [watch.note(CONFLICT, 100.0 + i) for i in range(CONFLICTS_FOR_TWINS)]
    assert results == [False] * (CONFLICTS_FOR_TWINS - 1) + [True]
    assert watch.suspected(110.0)


def test_spread_out_evidence_is_no_twin() -> None:
    """A stray late frame now and then, a reconnection an hour: one pad."""
    watch = TwinWatch()
    for i in range(10):
        assert not watch.note(CONFLICT, i * (CONFLICT_WINDOW_S + 1))
        assert not watch.note(RECONNECT, i * (CONFLICT_WINDOW_S + 1))
    assert not watch.suspected(1000.0)


def test_kinds_are_counted_apart() -> None:
    watch = TwinWatch()
    assert not watch.note(CONFLICT, 1.0)
    for i in range(RECONNECTS_FOR_TWINS - 1):
        assert not watch.note(RECONNECT, 2.0 + i)
    assert not watch.note(CONFLICT, 10.0)
    assert watch.note(RECONNECT, 11.0)
    assert watch.last_evidence_s == 11.0


def test_suspicion_ends_after_a_quiet_while_or_when_cleared() -> None:
    watch = TwinWatch()
    for i in range(CONFLICTS_FOR_TWINS):
        watch.note(CONFLICT, float(i))
    assert watch.suspected(QUIET_BEFORE_CLEAR_S - 10)
    assert not watch.suspected(QUIET_BEFORE_CLEAR_S + 10)
    assert watch.last_evidence_s is None
    for i in range(CONFLICTS_FOR_TWINS):
        watch.note(CONFLICT, 2000.0 + i)
    watch.clear()
    assert not watch.suspected(2010.0)
    assert not watch.note(CONFLICT, 2011.0)


def test_only_quick_reconnections_count() -> None:
    """The broker swapping two clients: offline and online again within a second or two."""
    watch = TwinWatch()
    for i in range(RECONNECTS_FOR_TWINS):
        assert not watch.status(False, i * 10.0)
        assert not watch.status(True, i * 10.0 + QUICK_RECONNECT_S + 1)  # a real restart
    assert not watch.status(True, 100.0)  # online without having been offline
    # A new run of the pad every 8 s, each coming up within a second: still one pad.
    for i in range(RECONNECTS_FOR_TWINS):
        watch.status(False, 150.0 + 8 * i)
        assert not watch.status(True, 150.5 + 8 * i)
    results = []
    for i in range(RECONNECTS_FOR_TWINS):
        watch.status(False, 200.0 + i)
        results.append(watch.status(True, 200.5 + i))
    assert results == [False] * (RECONNECTS_FOR_TWINS - 1) + [True]
    assert watch.status(False, 210.0)  # still suspected
