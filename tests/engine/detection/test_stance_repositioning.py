"""A trial that follows another one: the detector waits for the person to move their feet.

The streams begin with the person already standing (the previous trial's posture), as when a
`CheckRunner` starts the next trial; `requires_repositioning=True` is what the runner passes.
"""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.retro_balance.engine.detection.stance import StanceDetector
from custom_components.retro_balance.engine.detection.stance_config import DetectorConfig
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    StanceEventKind,
    StancePhase,
    StanceTest,
)
from tests.engine.detection import synthetic_stance as syn

SETTLE_S = DetectorConfig().settle_s
STILL = (0.02, 0.02, 0.0, 0.0)


def already_standing(script: syn.Script, from_s: float = 3.0) -> syn.Stream:
    """The stream from `from_s` on: the detector first sees a person standing still."""
    stream = script.build(t0_s=0.0)
    return syn.drop_frames(stream, -1.0, from_s)


def into_tandem(seed: int, *, wait_s: float = 4.0, hold_s: float = 10.0) -> syn.Stream:
    """Standing after the last cue for `wait_s`, then a step into tandem, held, a step out.

    ``truth``: ``move`` (the weight goes onto the left foot), ``in_tandem`` (the feet are in place),
    ``loss`` (the step out begins).
    """
    script = syn.Script(seed=seed).empty(1.0).step_on().stand(2.0 + wait_s).mark("move")
    script.move(0.4, to=(0.0, -6.0), amp=STILL).move(0.5, to=(0.5, 0.3), amp=syn.TANDEM)
    script.mark("in_tandem").stand(SETTLE_S + hold_s).mark("loss")
    script.move(0.15, to=(0.5, 5.3)).stand(2.0, amp=syn.QUIET)
    return already_standing(script)


def run(
    stream: syn.Stream, test: StanceTest, *, requires_repositioning: bool = False
) -> StanceDetector:
    detector = StanceDetector(test, requires_repositioning=requires_repositioning)
    stream.run(detector)
    return detector


def started_at(stream: syn.Stream, detector: StanceDetector) -> float:
    """Feed the stream; the time of the one ``started`` event."""
    (started,) = [e.time_s for e in stream.run(detector) if e.kind is StanceEventKind.STARTED]
    return started


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_tandem_starts_after_the_step_into_it(seed: int) -> None:
    stream = into_tandem(seed, hold_s=10.0)
    truth = stream.truth
    detector = run(stream, StanceTest.TANDEM, requires_repositioning=True)
    result = detector.result
    assert result is not None
    assert detector.repositioned
    assert result.end_reason is EndReason.TOUCHED_DOWN
    # Dated from the end of the move (plus settling), not from where the window happened to begin.
    assert result.started_at_s == pytest.approx(truth["in_tandem"] + SETTLE_S, abs=0.1)
    assert result.hold_time_s == pytest.approx(10.0, abs=0.2)


def test_without_the_rule_the_standing_posture_starts_tandem_too_early() -> None:
    """The bug: tandem 'settles' in the pause, then the step into tandem ends it."""
    stream = into_tandem(1)
    detector = run(stream, StanceTest.TANDEM)
    result = detector.result
    assert result is not None
    assert result.started_at_s < stream.truth["move"]
    assert not detector.requires_repositioning


def test_standing_still_never_starts_and_times_out() -> None:
    script = syn.Script(seed=3).empty(1.0).step_on().stand(40.0)
    detector = run(
        already_standing(script), StanceTest.QUIET_EYES_OPEN, requires_repositioning=True
    )
    assert detector.requires_repositioning
    assert not detector.repositioned
    result = detector.result
    assert result is not None
    assert result.end_reason is EndReason.TIMED_OUT


def test_a_weight_shift_within_sway_is_not_a_repositioning() -> None:
    script = syn.Script(seed=4).empty(1.0).step_on().stand(4.0)
    script.move(0.5, to=(0.0, 2.5)).stand(1.0).move(0.5, to=(0.0, 0.0)).stand(3.0)
    detector = run(already_standing(script), StanceTest.TANDEM, requires_repositioning=True)
    assert not detector.repositioned
    assert detector.phase is StancePhase.SETTLING


def test_a_load_transient_counts_as_a_repositioning() -> None:
    """A quick step shows in the vertical force even when the COP ends where it was."""
    script = syn.Script(seed=5).empty(1.0).step_on().stand(4.0).mark("step")
    script.move(0.1, to=(0.0, 0.0), kg=58.0).move(0.1, to=(0.0, 0.0), kg=70.0).mark("down")
    script.stand(5.0)
    stream = already_standing(script)
    events = stream.run(detector := StanceDetector(StanceTest.TANDEM, requires_repositioning=True))
    started = [e.time_s for e in events if e.kind is StanceEventKind.STARTED]
    assert detector.repositioned
    # Not dated back (the COP did not move): the window begins with the transient.
    assert started == [pytest.approx(stream.truth["step"] + SETTLE_S, abs=0.3)]
    assert started[0] > stream.truth["step"] + SETTLE_S - 0.1


def test_stepping_off_and_on_again_counts_as_a_repositioning() -> None:
    script = syn.Script(seed=6).empty(1.0).step_on().stand(4.0).step_off().empty(1.0)
    script.mark("on").step_on(at=(0.5, 0.3)).stand(5.0, amp=syn.TANDEM)
    stream = already_standing(script)
    detector = run(stream, StanceTest.TANDEM, requires_repositioning=True)
    assert detector.repositioned
    assert detector.phase is StancePhase.HOLDING


def test_single_leg_after_tandem_ignores_the_step_out_and_times_the_lift() -> None:
    """Stepping out of tandem puts the weight on one foot, like a lift: it must not start."""
    script = syn.Script(seed=7).empty(1.0).step_on(at=(0.5, 0.3)).stand(5.0, amp=syn.TANDEM)
    script.mark("step_out").move(0.4, to=(0.0, -7.0), amp=STILL).stand(0.8)
    script.move(0.5, to=(0.0, 0.0), amp=syn.QUIET).stand(3.0)
    script.move(0.5, to=(0.0, -8.0), amp=syn.SLS).mark("lift").stand(6.0).mark("loss")
    script.move(0.12, to=(0.0, -2.4)).move(0.5, to=(0.0, 0.0), amp=syn.QUIET).stand(2.0)
    stream = already_standing(script)
    detector = run(stream, StanceTest.SINGLE_LEG_LEFT, requires_repositioning=True)
    result = detector.result
    assert result is not None
    assert result.started_at_s == pytest.approx(stream.truth["lift"], abs=0.2)
    assert result.hold_time_s == pytest.approx(6.0, abs=0.2)
    # Without the rule the weight on the left foot during the step out reads as the lift.
    early = run(stream, StanceTest.SINGLE_LEG_LEFT).result
    assert early is not None
    assert early.started_at_s < stream.truth["lift"] - 2.0


def test_a_move_that_ends_off_the_pad_centre_is_dated_from_its_end() -> None:
    """A single smooth move (a foot put down after a capped single-leg trial), then quiet stance."""
    script = syn.Script(seed=8).empty(1.0).step_on().move(0.5, to=(0.0, 8.0), amp=syn.SLS)
    script.stand(4.0).mark("down").move(0.6, to=(0.0, 0.0), amp=syn.QUIET).mark("rest")
    script.stand(5.0)
    stream = already_standing(script)
    detector = StanceDetector(StanceTest.QUIET_EYES_OPEN, requires_repositioning=True)
    started = started_at(stream, detector)
    assert detector.phase is StancePhase.HOLDING
    assert started == pytest.approx(stream.truth["rest"] + SETTLE_S, abs=0.1)


def test_the_flag_must_be_a_bool() -> None:
    with pytest.raises(ValueError, match="requires_repositioning must be True or False"):
        StanceDetector(StanceTest.TANDEM, requires_repositioning=1)  # type: ignore[arg-type]
    detector = StanceDetector(StanceTest.TANDEM)
    assert not detector.requires_repositioning
    assert detector.repositioned


def test_config_rejects_a_load_fraction_of_one() -> None:
    with pytest.raises(ValueError, match="reposition_load_fraction must be below 1"):
        DetectorConfig(reposition_load_fraction=1.0)
    with pytest.raises(ValueError, match="reposition_shift_cm must be positive"):
        DetectorConfig(reposition_shift_cm=0.0)


def test_missing_readings_around_the_move_still_start_the_test() -> None:
    stream = syn.blank_samples(into_tandem(9), 0.05, seed=9)
    detector = run(stream, StanceTest.TANDEM, requires_repositioning=True)
    result = detector.result
    assert result is not None
    assert result.started_at_s == pytest.approx(stream.truth["in_tandem"] + SETTLE_S, abs=0.15)
    assert np.isfinite(result.hold_time_s)


def test_a_wobble_after_the_move_keeps_the_later_steady_window() -> None:
    """The move ended, but the person wobbled after it: settling counts from after the wobble."""
    script = syn.Script(seed=10).empty(1.0).step_on().stand(4.0)
    script.move(0.4, to=(0.0, -6.0), amp=STILL).move(0.5, to=(0.5, 0.3), amp=syn.TANDEM)
    script.mark("in_tandem").stand(0.5).move(0.15, to=(0.5, 3.8)).move(0.15, to=(0.5, 0.3))
    script.mark("steady").stand(6.0)
    stream = already_standing(script)
    detector = StanceDetector(StanceTest.TANDEM, requires_repositioning=True)
    started = started_at(stream, detector)
    assert detector.phase is StancePhase.HOLDING
    assert started > stream.truth["in_tandem"] + SETTLE_S + 0.5
    assert started == pytest.approx(stream.truth["steady"] + SETTLE_S, abs=0.3)
