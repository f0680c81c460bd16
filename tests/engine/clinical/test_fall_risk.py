"""Fall-risk rules on hand-checked cases: each rule, its boundary, combinations, missing tests."""

from __future__ import annotations

import json

import pytest

from custom_components.retro_balance.engine.clinical.fall_risk import (
    FallRiskAssessment,
    RiskLevel,
    RiskReason,
    Severity,
    assess_fall_risk,
    best_trials,
    level_for,
)
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    QualityFlag,
    StanceResult,
    StanceTest,
)
from tests.engine.detection.synthetic_stance import sway, trial

T = StanceTest


def full_check(**holds: float) -> list[StanceResult]:
    return [
        trial(T.TANDEM, holds.get("tandem", 30.0)),
        trial(T.SINGLE_LEG_LEFT, holds.get("left", 30.0)),
        trial(T.SINGLE_LEG_RIGHT, holds.get("right", 30.0)),
        trial(T.QUIET_EYES_OPEN),
        trial(T.QUIET_EYES_CLOSED),
    ]


def codes(assessment: FallRiskAssessment) -> list[str]:
    return [r.code for r in assessment.reasons]


def test_a_good_full_check_is_low_with_no_reasons() -> None:
    risk = assess_fall_risk(full_check(), 70)
    assert risk.level is RiskLevel.LOW
    assert risk.reasons == ()
    assert risk.points == 0


@pytest.mark.parametrize(("hold_s", "fires"), [(9.9, True), (10.0, False), (0.0, True)])
def test_steadi_tandem_under_10_s_is_major(hold_s: float, fires: bool) -> None:
    risk = assess_fall_risk(full_check(tandem=hold_s), 70)
    assert ("tandem_under_10s" in codes(risk)) is fires
    assert risk.level is (RiskLevel.MODERATE if fires else RiskLevel.LOW)
    if fires:
        assert risk.reasons[0].severity is Severity.MAJOR
        assert "STEADI" in risk.reasons[0].source


@pytest.mark.parametrize(("best_s", "fires"), [(4.9, True), (5.0, False)])
def test_single_leg_under_5_s_uses_the_best_leg(best_s: float, fires: bool) -> None:
    risk = assess_fall_risk(full_check(left=2.0, right=best_s), 78)
    assert ("single_leg_under_5s" in codes(risk)) is fires
    if fires:
        reason = next(r for r in risk.reasons if r.code == "single_leg_under_5s")
        assert "2.13" in reason.message
        assert "Vellas" in reason.source


def test_two_major_reasons_make_high() -> None:
    risk = assess_fall_risk(full_check(tandem=6.0, left=3.0, right=4.0), 80)
    assert codes(risk) == ["tandem_under_10s", "single_leg_under_5s"]
    assert risk.level is RiskLevel.HIGH
    assert risk.points == 4


def test_fast_single_leg_sway_is_a_minor_reason() -> None:
    results = full_check()
    results[1] = trial(T.SINGLE_LEG_LEFT, 12.0, sway=sway(5.0, ap=2.0, ml=3.5))
    risk = assess_fall_risk(results, 70)
    assert codes(risk) == ["single_leg_sway_high"]
    assert risk.level is RiskLevel.LOW  # one minor sign alone stays low, but is shown
    results[1] = trial(T.SINGLE_LEG_LEFT, 12.0, sway=sway(5.0, ap=2.9, ml=3.4))
    assert codes(assess_fall_risk(results, 70)) == []  # at the cut-offs, not above


def test_quiet_sway_above_the_age_groups_95th_percentile() -> None:
    results = full_check()
    results[3] = trial(T.QUIET_EYES_OPEN, sway=sway(2.2))  # 60–69 eyes open P95 is 2.087
    results[4] = trial(T.QUIET_EYES_CLOSED, sway=sway(2.1))  # eyes closed P95 is 2.051
    risk = assess_fall_risk(results, 65)
    assert codes(risk) == ["quiet_eyes_open_sway_high", "quiet_eyes_closed_sway_high"]
    assert risk.level is RiskLevel.MODERATE
    assert "60–69" in risk.reasons[0].message
    # The same sway is ordinary for nobody younger: the young P95 is lower still.
    assert len(assess_fall_risk(results, 30).reasons) == 2
    results[3] = trial(T.QUIET_EYES_OPEN, sway=sway(2.0))
    assert "quiet_eyes_open_sway_high" not in codes(assess_fall_risk(results, 65))


def test_major_plus_minor_is_high() -> None:
    results = full_check(tandem=8.0)
    results[3] = trial(T.QUIET_EYES_OPEN, sway=sway(3.0))
    assert assess_fall_risk(results, 75).level is RiskLevel.HIGH


def test_missing_tests_are_named_not_silently_low() -> None:
    risk = assess_fall_risk([trial(T.TANDEM, 30.0)], 70)
    assert risk.level is RiskLevel.LOW
    assert codes(risk) == [
        "single_leg_not_measured",
        "quiet_eyes_open_not_measured",
        "quiet_eyes_closed_not_measured",
    ]
    assert all(r.severity is Severity.UNMEASURED for r in risk.reasons)


def test_nothing_measured_is_unknown() -> None:
    aborted = trial(T.TANDEM, 3.0, end_reason=EndReason.CANCELLED)
    for results in ([], [aborted]):
        risk = assess_fall_risk(results, 70)
        assert risk.level is RiskLevel.UNKNOWN
        assert "tandem_not_measured" in codes(risk)
    # Quiet stance of a child: measured, but there are no norms to compare it with.
    child = assess_fall_risk([trial(T.QUIET_EYES_OPEN)], 12)
    assert child.level is RiskLevel.UNKNOWN
    assert "quiet_eyes_open_no_norm" in codes(child)


def test_best_trials_picks_longest_holds_and_least_sway_and_skips_aborted() -> None:
    results = [
        trial(T.SINGLE_LEG_LEFT, 4.0),
        trial(T.SINGLE_LEG_LEFT, 9.0),
        trial(T.SINGLE_LEG_LEFT, 6.0),
        trial(T.SINGLE_LEG_LEFT, 25.0, end_reason=EndReason.SIGNAL_LOST),
        trial(T.SINGLE_LEG_LEFT, 28.0, quality=frozenset({QualityFlag.TOO_LIGHT})),
        trial(T.QUIET_EYES_OPEN, sway=sway(1.4)),
        trial(T.QUIET_EYES_OPEN, sway=sway(0.9)),
        trial(T.QUIET_EYES_OPEN, sway=sway(1.1)),
        trial(T.QUIET_EYES_CLOSED, 5.0, sway=None),
    ]
    best = best_trials(results)
    assert best[T.SINGLE_LEG_LEFT].hold_time_s == 9.0
    assert best[T.QUIET_EYES_OPEN].sway == sway(0.9)
    assert T.QUIET_EYES_CLOSED not in best
    with pytest.raises(ValueError, match="StanceResult"):
        best_trials([{"test": "tandem"}])  # type: ignore[list-item]


def test_level_for_thresholds() -> None:
    major = RiskReason(code="m", message="", source="", severity=Severity.MAJOR)
    minor = RiskReason(code="n", message="", source="", severity=Severity.MINOR)
    assert level_for([], anything_measured=False) is RiskLevel.UNKNOWN
    assert level_for([], anything_measured=True) is RiskLevel.LOW
    assert level_for([minor], anything_measured=True) is RiskLevel.LOW
    assert level_for([minor, minor], anything_measured=True) is RiskLevel.MODERATE
    assert level_for([major], anything_measured=True) is RiskLevel.MODERATE
    assert level_for([major, minor], anything_measured=True) is RiskLevel.HIGH
    assert level_for([minor] * 3, anything_measured=True) is RiskLevel.HIGH


def test_assessment_round_trips_and_rejects_bad_data() -> None:
    risk = assess_fall_risk(full_check(tandem=6.0), 70)
    data = json.loads(json.dumps(risk.as_dict()))
    assert FallRiskAssessment.from_dict(data) == risk
    with pytest.raises(ValueError, match="must be a mapping"):
        FallRiskAssessment.from_dict([])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown fall-risk level"):
        FallRiskAssessment.from_dict(data | {"level": "dire"})
    with pytest.raises(ValueError, match="reasons must be a list"):
        FallRiskAssessment.from_dict(data | {"reasons": "none"})
    reason = data["reasons"][0]
    with pytest.raises(ValueError, match="risk reason must be a mapping"):
        RiskReason.from_dict("x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="message must be a string"):
        RiskReason.from_dict(reason | {"message": 3})
    with pytest.raises(ValueError, match="unknown risk reason severity"):
        RiskReason.from_dict(reason | {"severity": "grave"})
