"""The daily-check runner when a check is cut short: cancel, lost signal, nobody on the pad, and
what it reports meanwhile (waiting for a person, provisional results), with scripted trials.
"""

from __future__ import annotations

import pytest

from custom_components.retro_balance.engine.detection.daily_check import (
    CheckEventKind,
    IncompleteReason,
)
from custom_components.retro_balance.engine.detection.stance_result import EndReason
from tests.engine.detection.scripted_check import QUIET, Harness, Script, cap


def test_signal_lost_ends_the_check() -> None:
    harness = Harness([Script(EndReason.SIGNAL_LOST, hold_s=3.0), cap()])
    harness.run()
    assert harness.runner.incomplete_reason is IncompleteReason.SIGNAL_LOST
    assert len(harness.runner.results) == 1
    assert len(harness.detectors) == 1


def test_cancel_during_a_hold_keeps_the_trial() -> None:
    harness = Harness([Script(EndReason.CAP, start_at=2, end_at=100)])
    harness.feed(3)
    assert harness.runner.holding
    assert harness.runner.elapsed_s == pytest.approx(0.125)
    assert harness.runner.current_test is QUIET
    assert harness.runner.trial == 1
    events = harness.runner.cancel(50.0)
    assert [e.kind for e in events] == [
        CheckEventKind.TRIAL_FINISHED,
        CheckEventKind.CHECK_FINISHED,
    ]
    assert events[0].result is not None
    assert events[0].result.end_reason is EndReason.CANCELLED
    assert events[0].cue is None
    assert events[1].cue == "stop"
    assert events[1].time_s == 50.0
    assert harness.runner.incomplete_reason is IncompleteReason.CANCELLED
    assert not harness.runner.holding


@pytest.mark.parametrize("feeds", [0, 1])
def test_cancel_before_anyone_stood_on_records_no_trial(feeds: int) -> None:
    harness = Harness([Script(EndReason.CAP, nobody=True, start_at=None, end_at=100)])
    harness.feed(feeds)
    events = harness.runner.cancel(1.0)
    assert [e.kind for e in events] == [CheckEventKind.CHECK_FINISHED]
    assert harness.runner.results == ()


def test_lose_signal_from_the_watchdog() -> None:
    harness = Harness([Script(EndReason.CAP, start_at=2, end_at=100)])
    harness.feed(3)
    events = harness.runner.lose_signal(9.0)
    assert events[0].result is not None
    assert events[0].result.end_reason is EndReason.SIGNAL_LOST
    assert harness.runner.incomplete_reason is IncompleteReason.SIGNAL_LOST


def test_lose_signal_while_nobody_is_on_records_no_trial() -> None:
    harness = Harness([Script(EndReason.CAP, nobody=True, start_at=None, end_at=100)])
    harness.feed(2)
    events = harness.runner.lose_signal(3.0)
    assert [e.kind for e in events] == [CheckEventKind.CHECK_FINISHED]
    assert harness.runner.results == ()
    assert harness.runner.incomplete_reason is IncompleteReason.SIGNAL_LOST


def test_waiting_for_person_until_someone_steps_on() -> None:
    """Nothing measured yet: the integration may start such a check over on a new clock."""
    harness = Harness([Script(EndReason.CAP, start_at=3, end_at=4), cap()])
    assert harness.runner.waiting_for_person
    harness.feed(1)  # the scripted person is on the pad from the first frame
    assert not harness.runner.waiting_for_person
    harness.feed(4)
    assert len(harness.runner.results) == 1
    assert not harness.runner.waiting_for_person  # the next trial waits, but results exist


def test_nobody_on_the_pad_keeps_waiting_then_finished_is_not_waiting() -> None:
    harness = Harness([Script(EndReason.CAP, nobody=True, start_at=None, end_at=100)])
    harness.feed(2)
    assert harness.runner.waiting_for_person
    harness.runner.cancel(1.0)
    assert not harness.runner.waiting_for_person


def test_provisional_results_add_the_hold_under_way() -> None:
    harness = Harness([cap(), Script(EndReason.CAP, start_at=2, end_at=100)])
    assert harness.runner.provisional_results(0.0, 70.0) == ()
    while not harness.runner.results:
        harness.feed()
    done = harness.runner.results
    assert harness.runner.provisional_results(9.0, 70.0) == done
    harness.feed(6)
    assert harness.runner.holding
    held_s = harness.runner.elapsed_s
    *before, partial = harness.runner.provisional_results(40.0, 71.5)
    assert tuple(before) == done
    assert partial.test is harness.runner.current_test
    assert partial.hold_time_s == held_s > 0
    assert partial.started_at_s == pytest.approx(40.0 - held_s)
    assert partial.end_reason is EndReason.SIGNAL_LOST
    assert partial.body_mass_kg == 71.5
    assert partial.sway is None
    assert not partial.completed
    assert len(harness.runner.results) == 1  # nothing changed
