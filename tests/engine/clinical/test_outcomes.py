"""From the detector's results to each test's outcome: a position not taken is a result.

The detector streams are synthetic (``synthetic_stance.py``): a person who steps on and never
lifts a foot, one who never settles into tandem (standing off the midline), nobody at all.
"""

from __future__ import annotations

import pytest

from custom_components.retro_balance.engine.clinical.fall_risk import RiskLevel
from custom_components.retro_balance.engine.clinical.norms import Sex
from custom_components.retro_balance.engine.clinical.outcomes import (
    MIN_QUIET_HOLD_S,
    Outcome,
    outcomes_from_results,
)
from custom_components.retro_balance.engine.clinical.scoring import assess_balance
from custom_components.retro_balance.engine.detection.daily_check import CheckPlan, CheckRunner
from custom_components.retro_balance.engine.detection.stance import (
    EndReason,
    QualityFlag,
    StanceDetector,
    StanceResult,
    StanceTest,
)
from tests.engine.detection.synthetic_stance import Script, sway, trial

T = StanceTest
ABORTED = frozenset({QualityFlag.ABORTED})


def run(test: StanceTest, script: Script) -> StanceResult:
    detector = StanceDetector(test)
    script.build().run(detector)
    assert detector.result is not None
    return detector.result


def test_standing_without_lifting_a_foot_is_a_position_not_taken() -> None:
    """Settled on both feet, never lifted one: timed out with the person's mass recorded."""
    result = run(T.SINGLE_LEG_LEFT, Script(seed=1).empty(1.0).step_on().stand(32.0))
    assert result.end_reason is EndReason.TIMED_OUT
    assert result.body_mass_kg == pytest.approx(70.0, rel=0.03)
    assert result.position_not_taken
    outcome = outcomes_from_results([result])[T.SINGLE_LEG_LEFT]
    assert (outcome.outcome, outcome.hold_s, outcome.left_out) == (
        Outcome.POSITION_NOT_TAKEN,
        0.0,
        (),
    )


def test_never_settling_into_tandem_records_the_load_on_the_pad() -> None:
    """Off the midline (7 cm): tandem never settles. Before this change the result had no body
    mass, so it could not be told from an empty pad; now it carries the load on the pad."""
    script = Script(seed=2).empty(1.0).step_on(at=(0.0, 7.0)).stand(32.0)
    result = run(T.TANDEM, script)
    assert result.end_reason is EndReason.TIMED_OUT
    assert result.body_mass_kg == pytest.approx(70.0, rel=0.05)
    assert outcomes_from_results([result])[T.TANDEM].outcome is Outcome.POSITION_NOT_TAKEN


def test_nobody_and_too_light_stay_not_measured() -> None:
    nobody = run(T.TANDEM, Script(seed=3).empty(61.0))
    assert (nobody.end_reason, nobody.body_mass_kg) == (EndReason.TIMED_OUT, 0.0)
    bag = run(T.TANDEM, Script(seed=4, mass_kg=15.0).empty(1.0).step_on().stand(32.0))
    assert bag.end_reason is EndReason.TIMED_OUT
    assert QualityFlag.TOO_LIGHT in bag.quality
    outcomes = outcomes_from_results([nobody])
    assert outcomes[T.TANDEM].outcome is Outcome.NOT_MEASURED
    assert outcomes[T.TANDEM].left_out == ("timed_out",)
    assert outcomes_from_results([bag])[T.TANDEM].left_out == ("too_light",)
    assert not nobody.position_not_taken
    assert not bag.position_not_taken


def test_cancelled_or_lost_trials_are_not_attempts() -> None:
    cancelled = trial(T.TANDEM, 0.0, end_reason=EndReason.CANCELLED, quality=ABORTED)
    lost = trial(T.TANDEM, 4.0, end_reason=EndReason.SIGNAL_LOST, quality=ABORTED)
    outcome = outcomes_from_results([cancelled, lost])[T.TANDEM]
    assert (outcome.outcome, outcome.left_out) == (
        Outcome.NOT_MEASURED,
        ("cancelled", "signal_lost"),
    )


def test_quiet_stance_broken_before_10_s_was_not_kept() -> None:
    broken = trial(T.QUIET_EYES_CLOSED, 6.0, end_reason=EndReason.STEPPED_OFF)
    outcome = outcomes_from_results([broken])[T.QUIET_EYES_CLOSED]
    assert (outcome.outcome, outcome.hold_s, outcome.least_sway_cm_s) == (
        Outcome.STANCE_NOT_KEPT,
        6.0,
        None,  # its sway is not compared with the 60-s reference trials
    )
    kept = trial(T.QUIET_EYES_CLOSED, MIN_QUIET_HOLD_S, end_reason=EndReason.STEPPED_OFF)
    both = outcomes_from_results([broken, kept])[T.QUIET_EYES_CLOSED]
    assert (both.outcome, both.hold_s, both.trials[0].hold_s) == (Outcome.HELD, 10.0, 6.0)


def test_best_trials_and_the_least_sway() -> None:
    results = [
        trial(T.SINGLE_LEG_LEFT, 4.0),
        trial(T.SINGLE_LEG_LEFT, 9.0),
        trial(T.SINGLE_LEG_LEFT, 0.0, end_reason=EndReason.TIMED_OUT, quality=ABORTED),
        trial(T.QUIET_EYES_OPEN, sway=sway(1.4)),
        trial(T.QUIET_EYES_OPEN, sway=sway(0.9)),
        trial(T.QUIET_EYES_OPEN, 5.0, end_reason=EndReason.STEPPED_OFF, sway=sway(0.5)),
    ]
    outcomes = outcomes_from_results(results)
    left = outcomes[T.SINGLE_LEG_LEFT]
    # A hold beats a later timeout; the timed-out trial is listed as left out.
    assert (left.outcome, left.hold_s, left.left_out) == (Outcome.HELD, 9.0, ("timed_out",))
    eyes_open = outcomes[T.QUIET_EYES_OPEN]
    assert eyes_open.least_sway_cm_s == pytest.approx((0.9**2 - 0.196**2) ** 0.5, abs=1e-3)
    assert [o.outcome for o in outcomes.values()].count(Outcome.NOT_MEASURED) == 3
    with pytest.raises(ValueError, match="StanceResult"):
        outcomes_from_results([{"test": "tandem"}])  # type: ignore[list-item]


def test_a_daily_check_of_someone_who_only_stands_still_ends_high() -> None:
    """The whole engine path: the default daily check (quiet stance eyes closed, tandem, each
    leg) with a person who steps on and stands still on both feet for 2.5 minutes. Quiet stance
    is held to the cap; tandem, left and right time out with the person on the pad."""
    runner = CheckRunner(CheckPlan())
    stream = Script(seed=5).empty(1.0).step_on().stand(150.0).build()
    for frame in stream.frames:
        runner.feed(frame.cells_kg, frame.t_first_s, stream.rate_hz)
    assert runner.finished
    by_test = {r.test: r for r in runner.results}
    assert by_test[T.QUIET_EYES_CLOSED].end_reason is EndReason.CAP
    for test in (T.TANDEM, T.SINGLE_LEG_LEFT, T.SINGLE_LEG_RIGHT):
        assert by_test[test].end_reason is EndReason.TIMED_OUT
        assert by_test[test].position_not_taken
    assessment = assess_balance(runner.results, 84, Sex.FEMALE)
    assert [t.outcome for t in assessment.tests if t.test is not T.QUIET_EYES_OPEN] == [
        Outcome.HELD,
        Outcome.POSITION_NOT_TAKEN,
        Outcome.POSITION_NOT_TAKEN,
        Outcome.POSITION_NOT_TAKEN,
    ]
    assert assessment.fall_risk.level is RiskLevel.HIGH
