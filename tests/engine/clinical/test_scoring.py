"""Balance score on hand-checked cases: components, weights, norms, percentile, missing inputs."""

from __future__ import annotations

import json

import pytest

from custom_components.retro_balance.engine.clinical import norms, scoring
from custom_components.retro_balance.engine.clinical.fall_risk import RiskLevel
from custom_components.retro_balance.engine.clinical.norms import Sex
from custom_components.retro_balance.engine.clinical.scoring import (
    BalanceAssessment,
    ScoreComponent,
    assess_balance,
)
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    QualityFlag,
    StanceTest,
)
from tests.engine.detection.synthetic_stance import sway, trial

T = StanceTest


def by_test(assessment: BalanceAssessment) -> dict[StanceTest, ScoreComponent]:
    return {c.test: c for c in assessment.components}


def test_worked_example_from_the_docs() -> None:
    """A 72-year-old woman: the example in docs/scoring.md, checked by hand.

    single-leg left 16.05 s vs 21.5 s (70–79)      → 74.7 points, weight 0.5
    single-leg right 10.75 s vs 21.5 s             → 50.0 points, weight 0.5
    tandem 30 s (cap) vs 22.2 s (60–89)            → 100 points,  weight 1
    quiet, eyes open 1.30 cm/s vs median 1.058     → 81.4 points, weight 0.5
    quiet, eyes closed 1.00 cm/s vs median 1.143   → 100 points,  weight 0.5
    score = (0.5·74.7 + 0.5·50 + 100 + 0.5·81.4 + 0.5·100) / 3 = 84.4
    """
    results = [
        trial(T.SINGLE_LEG_LEFT, 16.05),
        trial(T.SINGLE_LEG_LEFT, 3.0),
        trial(T.SINGLE_LEG_RIGHT, 10.75),
        trial(T.TANDEM, 30.0),
        trial(T.QUIET_EYES_OPEN, sway=sway(1.30)),
        trial(T.QUIET_EYES_CLOSED, sway=sway(1.00)),
    ]
    result = assess_balance(results, 72, Sex.FEMALE)
    parts = by_test(result)
    assert parts[T.SINGLE_LEG_LEFT].points == 74.7
    assert parts[T.SINGLE_LEG_LEFT].trials == 2
    assert parts[T.SINGLE_LEG_LEFT].norm == 21.5
    assert parts[T.SINGLE_LEG_LEFT].norm_source == norms.SPRINGER_2007
    assert parts[T.SINGLE_LEG_RIGHT].points == 50.0
    assert parts[T.TANDEM].points == 100.0
    assert parts[T.TANDEM].norm == 22.2
    open_norm = norms.sway_norm(72, eyes_closed=False)
    closed_norm = norms.sway_norm(72, eyes_closed=True)
    assert open_norm is not None
    assert closed_norm is not None
    assert parts[T.QUIET_EYES_OPEN].norm == open_norm.median_velocity_cm_s
    expected_open = round(100 * open_norm.median_velocity_cm_s / 1.30, 1)
    assert parts[T.QUIET_EYES_OPEN].points == expected_open
    assert parts[T.QUIET_EYES_CLOSED].points == 100.0  # below the median: full points
    expected = (0.5 * 74.7 + 0.5 * 50.0 + 100.0 + 0.5 * expected_open + 0.5 * 100.0) / 3.0
    assert result.score == pytest.approx(expected, abs=0.05)
    assert 100 - open_norm.velocity_percentile(1.30) == pytest.approx(result.percentile, abs=0.05)
    # The figures printed in docs/scoring.md.
    assert (open_norm.median_velocity_cm_s, closed_norm.median_velocity_cm_s) == (1.058, 1.143)
    assert expected_open == 81.4
    assert (result.score, result.percentile) == (84.4, 30.7)
    assert result.fall_risk.level is RiskLevel.LOW
    assert result.notes == ()


def test_young_person_reaching_every_cap_scores_100() -> None:
    results = [
        trial(T.SINGLE_LEG_LEFT, 30.0),
        trial(T.TANDEM, 30.0),
        trial(T.QUIET_EYES_OPEN, sway=sway(0.6)),
    ]
    result = assess_balance(results, 30, Sex.MALE)
    assert result.score == 100.0
    tandem = by_test(result)[T.TANDEM]
    assert tandem.norm == 30.0
    assert tandem.norm_source == scoring.TANDEM_UNDER_60_SOURCE
    # 0.6 cm/s is between the 10th (0.559) and 25th (0.661) percentile of sway.
    assert result.percentile is not None
    assert 75 < result.percentile < 90


def test_a_poor_single_leg_hold_scores_its_share_of_the_norm() -> None:
    result = assess_balance([trial(T.SINGLE_LEG_RIGHT, 4.7)], 85, None)
    component = by_test(result)[T.SINGLE_LEG_RIGHT]
    assert component.norm == 9.4
    assert component.points == 50.0
    assert result.score == 50.0
    assert result.percentile is None  # no quiet stance, no defensible percentile
    assert "single_leg_under_5s" in [r.code for r in result.fall_risk.reasons]


def test_aborted_trials_are_ignored_with_a_note() -> None:
    results = [
        trial(
            T.TANDEM, 12.0, end_reason=EndReason.CANCELLED, quality=frozenset({QualityFlag.ABORTED})
        ),
        trial(T.SINGLE_LEG_LEFT, 20.0),
    ]
    result = assess_balance(results, 65, Sex.UNSPECIFIED)
    assert [c.test for c in result.components] == [T.SINGLE_LEG_LEFT]
    assert result.notes == ("tandem: a trial was left out (cancelled; aborted)",)
    assert result.fall_risk.reasons[0].code == "tandem_not_measured"


def test_nothing_to_score() -> None:
    timed_out = trial(T.SINGLE_LEG_LEFT, 0.0, end_reason=EndReason.TIMED_OUT)
    result = assess_balance([timed_out], 50, Sex.FEMALE)
    assert result.score is None
    assert result.components == ()
    assert result.percentile is None
    assert result.fall_risk.level is RiskLevel.UNKNOWN
    assert result.notes[-1] == "no completed test: nothing to score"


def test_children_get_components_without_points() -> None:
    results = [trial(T.SINGLE_LEG_LEFT, 20.0), trial(T.QUIET_EYES_OPEN), trial(T.TANDEM, 30.0)]
    result = assess_balance(results, 12, None)
    assert result.score is None
    assert all(c.points is None and c.note == "no norm for age 12" for c in result.components)
    assert result.percentile is None


def test_round_trip_and_bad_input() -> None:
    result = assess_balance(
        [trial(T.SINGLE_LEG_LEFT, 16.0), trial(T.QUIET_EYES_OPEN), trial(T.TANDEM, 7.0)],
        70,
        Sex.MALE,
    )
    data = json.loads(json.dumps(result.as_dict()))
    assert BalanceAssessment.from_dict(data) == result
    with pytest.raises(ValueError, match="sex must be a Sex"):
        assess_balance([], 70, "male")  # type: ignore[arg-type]
    bad_cases = [
        ([], "must be a mapping"),
        (data | {"components": "x"}, "components must be a list"),
        (data | {"notes": [1]}, "notes must be a list of strings"),
        (data | {"fall_risk": None}, "fall_risk must be a mapping"),
        (data | {"score": "high"}, "score must be a finite number"),
        (data | {"components": [1]}, "score component must be a mapping"),
        (data | {"components": [data["components"][0] | {"test": "x"}]}, "unknown stance test"),
        (data | {"components": [data["components"][0] | {"trials": 1.5}]}, "trials"),
        (data | {"components": [data["components"][0] | {"measure": None}]}, "measure"),
    ]
    for bad, message in bad_cases:
        with pytest.raises(ValueError, match=message):
            BalanceAssessment.from_dict(bad)  # type: ignore[arg-type]


def test_a_short_quiet_stance_is_left_out_with_a_note() -> None:
    short = trial(T.QUIET_EYES_OPEN, 6.5, end_reason=EndReason.STEPPED_OFF)
    result = assess_balance([short, trial(T.TANDEM, 30.0)], 40, Sex.MALE)
    assert [c.test for c in result.components] == [T.TANDEM]
    assert result.notes == ("quiet_eyes_open: a trial held 6.5 s was left out (sway needs 10 s)",)
    assert result.percentile is None
