"""Balance score and standing for age on hand-checked cases, and the scenarios of issue 9.

"Before" figures in the docstrings are what the 2025 rules (score = 100 at the age-group mean,
timed-out trials dropped) gave for the same input.
"""

from __future__ import annotations

import itertools
import json

import pytest

from custom_components.retro_balance.engine.clinical.assessment import (
    ASSESSMENT_FORMAT,
    BalanceAssessment,
    StanceJudgement,
    stored_assessment,
)
from custom_components.retro_balance.engine.clinical.fall_risk import RiskLevel, Severity
from custom_components.retro_balance.engine.clinical.norms import (
    Sex,
    single_leg_norm,
    tandem_norm,
)
from custom_components.retro_balance.engine.clinical.outcomes import (
    Outcome,
    StanceOutcome,
    Trial,
)
from custom_components.retro_balance.engine.clinical.scoring import assess_balance, assess_outcomes
from custom_components.retro_balance.engine.clinical.sources import Source
from custom_components.retro_balance.engine.clinical.sway_reference import sway_reference
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    QualityFlag,
    StanceTest,
)
from tests.engine.detection.synthetic_stance import sway, trial

T = StanceTest


def held(
    test: StanceTest, *holds: float, v: float | None = None, cap_s: float = 30.0
) -> StanceOutcome:
    trials = tuple(Trial(hold_s=h, velocity_cm_s=v) for h in holds)
    broken = test.is_quiet and max(holds) < 10
    outcome = Outcome.STANCE_NOT_KEPT if broken else Outcome.HELD
    return StanceOutcome(test=test, outcome=outcome, cap_s=cap_s, trials=trials)


def not_taken(test: StanceTest) -> StanceOutcome:
    return StanceOutcome(test=test, outcome=Outcome.POSITION_NOT_TAKEN, cap_s=30.0)


def judged(assessment: BalanceAssessment, test: StanceTest) -> StanceJudgement:
    found = assessment.test(test)
    assert found is not None
    return found


def typical_check(age: int) -> dict[StanceTest, StanceOutcome]:
    """What the norms say a typical person of ``age`` does (eyes-closed quiet stance only)."""
    sls, tandem = single_leg_norm(age), tandem_norm(age)
    reference = sway_reference(age, eyes_closed=True)
    assert sls is not None
    assert tandem is not None
    assert reference is not None
    return {
        T.SINGLE_LEG_LEFT: held(T.SINGLE_LEG_LEFT, min(sls.mean_s, 30.0)),
        T.SINGLE_LEG_RIGHT: held(T.SINGLE_LEG_RIGHT, min(sls.mean_s, 30.0)),
        T.TANDEM: held(T.TANDEM, min(tandem.mean_s, 30.0)),
        T.QUIET_EYES_CLOSED: held(T.QUIET_EYES_CLOSED, 30.0, v=reference.median_velocity_cm_s),
    }


def test_worked_example_from_the_docs() -> None:
    """A 72-year-old woman: the example in docs/scoring.md, checked by hand.

    points (fit young adult = 100)            for age (typical at 72 = 100)
    single-leg left 16.05 / 30 s   → 53.5     16.05 / 24.15 s (Springer, 32.1→21.5) → 66.5
    single-leg right 10.75 / 30 s  → 35.8     10.75 / 24.15 s                        → 44.5
    tandem 30 / 30 s               → 100      30 / 22.74 s (30 at 38.5 → 22.2)       → 100
    quiet open 0.795 / 1.30 cm/s   → 61.2     1.028 / 1.30                           → 79.1
    quiet closed 0.832 / 1.00      → 83.2     1.107 / 1.00                           → 100
    score = (44.65 + 100 + 72.2) / 3 = 72.3;  for age = (55.5 + 100 + 89.55) / 3 = 81.7
    """
    outcomes = {
        T.SINGLE_LEG_LEFT: held(T.SINGLE_LEG_LEFT, 16.05, 3.0),
        T.SINGLE_LEG_RIGHT: held(T.SINGLE_LEG_RIGHT, 10.75),
        T.TANDEM: held(T.TANDEM, 30.0),
        T.QUIET_EYES_OPEN: held(T.QUIET_EYES_OPEN, 30.0, v=1.30),
        T.QUIET_EYES_CLOSED: held(T.QUIET_EYES_CLOSED, 30.0, v=1.00),
    }
    result = assess_outcomes(outcomes, 72, Sex.FEMALE)
    left = judged(result, T.SINGLE_LEG_LEFT)
    assert (left.hold_s, left.trials, left.points, left.target) == (16.05, 2, 53.5, 30.0)
    assert (left.age_norm, left.for_age, left.target_sources) == (
        24.15,
        66.5,
        (Source.SPRINGER_2007,),
    )
    assert judged(result, T.SINGLE_LEG_RIGHT).points == 35.8
    tandem = judged(result, T.TANDEM)
    assert (tandem.points, tandem.age_norm, tandem.for_age) == (100.0, 22.74, 100.0)
    assert tandem.age_norm_sources == (Source.ASSUMPTION_TANDEM_YOUNG, Source.PMC11566129)
    eyes_open = judged(result, T.QUIET_EYES_OPEN)
    assert (eyes_open.target, eyes_open.points, eyes_open.age_norm, eyes_open.for_age) == (
        0.795, 61.2, 1.028, 79.1,
    )  # fmt: skip
    eyes_closed = judged(result, T.QUIET_EYES_CLOSED)
    assert (eyes_closed.points, eyes_closed.for_age) == (83.2, 100.0)
    assert (result.score, result.for_age, result.partial) == (72.3, 81.7, False)
    # 1.00 cm/s lies between the 25th (0.914) and 50th (1.107) percentile at 72: 36.1.
    assert (result.percentile, result.percentile_approximate) == (63.9, False)
    assert result.covers == tuple(StanceTest)
    assert result.fall_risk.level is RiskLevel.LOW


def test_a_fit_young_adult_tops_the_scale_and_a_typical_85_year_old_does_not() -> None:
    """Before (2025): the typical 85-year-old scored 100 (the score reached its maximum at the
    age-group mean); now the score says how good the balance is, for_age how typical it is."""
    young = assess_outcomes(typical_check(25), 25, Sex.MALE)
    old = assess_outcomes(typical_check(85), 85, Sex.FEMALE)
    assert young.score == 100.0
    thirty = assess_outcomes(typical_check(30), 30, Sex.MALE).score
    assert thirty is not None
    assert thirty > 99  # sway a little above the young median already (0.856 cm/s)
    assert old.score is not None
    assert 55 < old.score < 70  # single-leg 13.0 s → 43, tandem 22.2 s → 74, sway 1.143 → 73
    assert old.for_age == 100.0
    assert young.for_age == 100.0
    assert old.fall_risk.level is RiskLevel.LOW  # typical holds break no rule at 85


def test_the_frail_person_who_cannot_take_any_position() -> None:
    """Before (2025): score 57.1, fall risk LOW (every trial timed out and was dropped)."""
    results = [
        trial(T.SINGLE_LEG_LEFT, 0.0, end_reason=EndReason.TIMED_OUT, sway=None),
        trial(T.SINGLE_LEG_RIGHT, 0.0, end_reason=EndReason.TIMED_OUT, sway=None),
        trial(T.TANDEM, 0.0, end_reason=EndReason.TIMED_OUT, sway=None),
        trial(T.QUIET_EYES_CLOSED, sway=sway(2.0)),
    ]
    result = assess_balance(results, 85, None)
    assert [judged(result, t).outcome for t in (T.SINGLE_LEG_LEFT, T.TANDEM)] == [
        Outcome.POSITION_NOT_TAKEN, Outcome.POSITION_NOT_TAKEN,
    ]  # fmt: skip
    assert judged(result, T.TANDEM).hold_s == 0.0
    assert result.fall_risk.level is RiskLevel.HIGH
    assert result.score is not None
    assert result.score < 20  # 0 + 0 + sway points (0.832 / 1.99 → 41.8) over three kinds


def test_cannot_take_tandem_only_is_at_least_moderate() -> None:
    """Before (2025): score 100, LOW for an 80-year-old whose tandem trial timed out."""
    results = [
        trial(T.SINGLE_LEG_LEFT, 12.0),
        trial(T.SINGLE_LEG_RIGHT, 12.0),
        trial(T.TANDEM, 0.0, end_reason=EndReason.TIMED_OUT, sway=None),
        trial(T.QUIET_EYES_CLOSED, sway=sway(1.1)),
    ]
    result = assess_balance(results, 80, Sex.FEMALE)
    assert result.fall_risk.level is RiskLevel.MODERATE
    assert judged(result, T.TANDEM).points == 0.0
    assert result.score is not None
    assert result.score < 50


def test_a_romberg_break_at_6_s_is_at_least_moderate() -> None:
    """Before (2025): the 6-s eyes-closed trial was left out: score 100, LOW."""
    results = [
        trial(T.QUIET_EYES_CLOSED, 6.0, end_reason=EndReason.STEPPED_OFF),
        trial(T.TANDEM, 30.0),
        trial(T.SINGLE_LEG_LEFT, 30.0),
        trial(T.SINGLE_LEG_RIGHT, 30.0),
    ]
    result = assess_balance(results, 70, Sex.MALE)
    eyes_closed = judged(result, T.QUIET_EYES_CLOSED)
    assert (eyes_closed.outcome, eyes_closed.hold_s, eyes_closed.points) == (
        Outcome.STANCE_NOT_KEPT, 6.0, 0.0,
    )  # fmt: skip
    assert result.percentile is None
    assert result.fall_risk.level is RiskLevel.MODERATE
    assert result.score == pytest.approx(200 / 3, abs=0.1)


def test_a_single_short_single_leg_trial_is_partial_and_not_high() -> None:
    """Before (2025): score 18.6 and HIGH from one 4-s trial (two reasons from one test)."""
    result = assess_balance(
        [trial(T.SINGLE_LEG_LEFT, 4.0, sway=sway(5.0, ap=3.5, ml=4.0))], 75, None
    )
    assert (result.score, result.for_age, result.partial) == (None, None, True)
    assert result.covers == (T.SINGLE_LEG_LEFT,)
    assert judged(result, T.SINGLE_LEG_LEFT).points == pytest.approx(13.3)
    assert result.fall_risk.level is RiskLevel.MODERATE


@pytest.mark.parametrize(
    "outcomes",
    [
        {T.TANDEM: held(T.TANDEM, 30.0)},  # before: a "balance score" of 100
        {T.QUIET_EYES_CLOSED: held(T.QUIET_EYES_CLOSED, 30.0, v=1.0)},  # before: 100
        {T.SINGLE_LEG_LEFT: held(T.SINGLE_LEG_LEFT, 30.0),
         T.SINGLE_LEG_RIGHT: held(T.SINGLE_LEG_RIGHT, 30.0)},  # one kind, both legs
    ],
)  # fmt: skip
def test_fewer_than_two_kinds_of_test_give_no_score(
    outcomes: dict[StanceTest, StanceOutcome],
) -> None:
    result = assess_outcomes(outcomes, 80, None)
    assert (result.score, result.for_age, result.partial) == (None, None, True)
    assert result.covers == tuple(outcomes)
    more = {T.TANDEM: held(T.TANDEM, 15.0), T.QUIET_EYES_OPEN: held(T.QUIET_EYES_OPEN, 30.0, v=1)}
    two_kinds = assess_outcomes(outcomes | more, 80, None)
    assert two_kinds.partial is False
    assert two_kinds.score is not None


def test_no_jump_across_age_bands_or_past_the_oldest() -> None:
    """Before (2025): tandem 22 s scored 99 at 89 and 73 at 90; single-leg 9.4 s 44 at 79 and
    100 at 80. Now the score does not depend on age at all, and the standing for age and the
    percentile move by at most a few points from one year to the next."""
    outcomes = {
        T.SINGLE_LEG_LEFT: held(T.SINGLE_LEG_LEFT, 9.4),
        T.SINGLE_LEG_RIGHT: held(T.SINGLE_LEG_RIGHT, 5.0),
        T.TANDEM: held(T.TANDEM, 22.0),
        T.QUIET_EYES_CLOSED: held(T.QUIET_EYES_CLOSED, 30.0, v=1.3),
    }
    results = [assess_outcomes(outcomes, age, Sex.FEMALE) for age in range(18, 121)]
    assert len({r.score for r in results}) == 1
    assert all(r.for_age is not None and r.percentile is not None for r in results)
    for before, after in itertools.pairwise(results):
        assert abs((after.for_age or 0.0) - (before.for_age or 0.0)) <= 3.0
        assert abs((after.percentile or 0.0) - (before.percentile or 0.0)) <= 3.0
        single_before = judged(before, T.SINGLE_LEG_LEFT).for_age or 0.0
        single_after = judged(after, T.SINGLE_LEG_LEFT).for_age or 0.0
        # One test follows the published slopes: near 9.4 s (80–99) a year is 0.8 s of norm,
        # up to 100 · 9.4 · 0.8 / (9.4 · 10.2) ≈ 8 points of standing; 2025's steps: 25–56.
        assert abs(single_after - single_before) <= 8.0
    at = {r.fall_risk.level for r in results[-31:]}  # 90 and older: as at 90
    assert len(at) == 1


def test_noise_is_taken_out_of_the_pads_sway_before_comparing() -> None:
    """A 70-kg person at 80 Hz: 20-g cell noise reads as 0.196 cm/s (sway_noise.py)."""
    result = assess_balance([trial(T.QUIET_EYES_CLOSED, sway=sway(1.0)), trial(T.TANDEM)], 75, None)
    eyes_closed = judged(result, T.QUIET_EYES_CLOSED)
    assert eyes_closed.velocity_cm_s == pytest.approx((1.0 - 0.196**2) ** 0.5, abs=1e-3)
    reference = sway_reference(75, eyes_closed=True)
    assert reference is not None
    corrected = reference.steadiness_percentile(eyes_closed.velocity_cm_s or 0).percentile
    raw = reference.steadiness_percentile(1.0).percentile
    assert result.percentile == pytest.approx(corrected, abs=0.1)
    assert result.percentile is not None
    assert result.percentile - raw == pytest.approx(2.2, abs=0.2)  # the noise's bias, removed


def test_aborted_trials_are_left_out_with_their_codes() -> None:
    results = [
        trial(
            T.TANDEM, 12.0, end_reason=EndReason.CANCELLED, quality=frozenset({QualityFlag.ABORTED})
        ),
        trial(T.TANDEM, 0.0, end_reason=EndReason.TIMED_OUT, body_mass_kg=0.0),
        trial(T.SINGLE_LEG_LEFT, 20.0, quality=frozenset({QualityFlag.TOO_LIGHT})),
        trial(T.SINGLE_LEG_LEFT, 21.0),
    ]
    result = assess_balance(results, 65, Sex.UNSPECIFIED)
    tandem = judged(result, T.TANDEM)
    assert (tandem.outcome, tandem.left_out) == (Outcome.NOT_MEASURED, ("cancelled", "timed_out"))
    left = judged(result, T.SINGLE_LEG_LEFT)
    assert (left.outcome, left.trials, left.left_out) == (Outcome.HELD, 1, ("too_light",))
    assert "tandem_not_measured" in [r.code for r in result.fall_risk.reasons]


def test_nothing_measured_and_children() -> None:
    nothing = assess_balance(
        [trial(T.SINGLE_LEG_LEFT, 0.0, end_reason=EndReason.CANCELLED)], 50, Sex.FEMALE
    )
    assert (nothing.score, nothing.partial, nothing.covers, nothing.percentile) == (
        None,
        False,
        (),
        None,
    )
    assert nothing.fall_risk.level is RiskLevel.UNKNOWN
    child = assess_balance([trial(T.SINGLE_LEG_LEFT, 20.0), trial(T.QUIET_EYES_OPEN),
                            trial(T.TANDEM, 30.0)], 12, None)  # fmt: skip
    assert (child.score, child.for_age, child.partial, child.percentile) == (
        None,
        None,
        False,
        None,
    )
    assert all(t.points is None for t in child.tests)
    assert judged(child, T.TANDEM).outcome is Outcome.HELD  # the outcome is still shown


def test_a_quiet_stance_kept_without_sway_is_held_without_points() -> None:
    result = assess_outcomes(
        {T.QUIET_EYES_OPEN: held(T.QUIET_EYES_OPEN, 30.0), T.TANDEM: held(T.TANDEM, 30.0)}, 70, None
    )
    eyes_open = judged(result, T.QUIET_EYES_OPEN)
    assert (eyes_open.outcome, eyes_open.points, eyes_open.target) == (Outcome.HELD, None, None)
    assert result.partial is True  # tandem alone has points


def test_a_short_cap_lowers_the_targets() -> None:
    short = {test: held(test, 10.0, cap_s=10.0) for test in (T.TANDEM, T.SINGLE_LEG_LEFT)}
    result = assess_outcomes(short, 40, None)
    assert (judged(result, T.TANDEM).target, judged(result, T.TANDEM).points) == (10.0, 100.0)
    assert result.score == 100.0


def test_round_trip_and_bad_input() -> None:
    result = assess_balance(
        [trial(T.SINGLE_LEG_LEFT, 16.0), trial(T.QUIET_EYES_OPEN), trial(T.TANDEM, 7.0),
         trial(T.QUIET_EYES_CLOSED, 6.0, end_reason=EndReason.STEPPED_OFF)],
        70,
        Sex.MALE,
    )  # fmt: skip
    data = json.loads(json.dumps(result.as_dict()))
    assert data["format"] == ASSESSMENT_FORMAT
    assert BalanceAssessment.from_dict(data) == result
    assert stored_assessment(data) == result
    with pytest.raises(ValueError, match="sex must be a Sex"):
        assess_balance([], 70, "male")  # type: ignore[arg-type]
    one = data["tests"][0]
    bad_cases = [
        ([], "must be a mapping"),
        (data | {"format": 3}, "format 3 is not 2"),
        (data | {"tests": "x"}, "tests must be a list"),
        (data | {"fall_risk": None}, "fall_risk must be a mapping"),
        (data | {"score": "high"}, "score must be a finite number"),
        (data | {"partial": "no"}, "partial must be true or false"),
        (data | {"covers": ["hopping"]}, "covers 'hopping' is not one of"),
        (data | {"tests": [1]}, "test judgement must be a mapping"),
        (data | {"tests": [one | {"test": "x"}]}, "test 'x' is not one of"),
        (data | {"tests": [one | {"outcome": "fell"}]}, "outcome 'fell' is not one of"),
        (data | {"tests": [one | {"trials": 1.5}]}, "trials must be a whole number"),
        (data | {"tests": [one | {"left_out": "cancelled"}]}, "left_out must be a list"),
        (
            data | {"tests": [one | {"target_sources": ["rumour"]}]},
            "target_sources 'rumour' is not one of",
        ),
    ]
    for bad, message in bad_cases:
        with pytest.raises(ValueError, match=message):
            BalanceAssessment.from_dict(bad)  # type: ignore[arg-type]


def test_an_assessment_of_format_1_is_read_as_to_be_assessed_again() -> None:
    format_1 = {
        "score": 84.4,
        "components": [],
        "percentile": 30.7,
        "fall_risk": {"level": "low", "reasons": [{"code": "tandem_not_measured",
                      "message": "Tandem stance was not measured.", "source": "CDC",
                      "severity": "unmeasured"}]},
        "notes": ["tandem: a trial was left out (cancelled; aborted)"],
    }  # fmt: skip
    assert stored_assessment(format_1) is None
    assert stored_assessment({k: v for k, v in format_1.items() if k != "notes"}) is None
    with pytest.raises(ValueError, match="neither format 2 nor format 1"):
        stored_assessment({"score": "high"})
    with pytest.raises(ValueError, match="must be a mapping"):
        stored_assessment([])  # type: ignore[arg-type]
    assert Severity.UNMEASURED.value == "unmeasured"
