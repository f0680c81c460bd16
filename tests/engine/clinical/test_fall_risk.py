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
    level_for,
)
from custom_components.retro_balance.engine.clinical.outcomes import (
    Outcome,
    StanceOutcome,
    Trial,
)
from custom_components.retro_balance.engine.clinical.sources import Source
from custom_components.retro_balance.engine.clinical.sway_reference import sway_reference
from custom_components.retro_balance.engine.detection.stance_result import StanceTest

T = StanceTest
Outcomes = dict[StanceTest, StanceOutcome]


def held(test: StanceTest, *holds: float, v: float | None = None, ap: float = 1.5,
         ml: float = 2.0) -> StanceOutcome:  # fmt: skip
    """A test held in trials of ``holds`` seconds (30-s cap), each with the given sway."""
    trials = tuple(
        Trial(hold_s=h, velocity_cm_s=v, velocity_ap_cm_s=ap, velocity_ml_cm_s=ml) for h in holds
    )
    broken = test.is_quiet and max(holds) < 10
    outcome = Outcome.STANCE_NOT_KEPT if broken else Outcome.HELD
    return StanceOutcome(test=test, outcome=outcome, cap_s=30.0, trials=trials)


def not_taken(test: StanceTest) -> StanceOutcome:
    return StanceOutcome(test=test, outcome=Outcome.POSITION_NOT_TAKEN, cap_s=30.0)


def check(**changes: StanceOutcome) -> Outcomes:
    """A full check of a steady person, with some tests replaced (by test value)."""
    outcomes = {
        T.TANDEM: held(T.TANDEM, 30.0),
        T.SINGLE_LEG_LEFT: held(T.SINGLE_LEG_LEFT, 30.0),
        T.SINGLE_LEG_RIGHT: held(T.SINGLE_LEG_RIGHT, 30.0),
        T.QUIET_EYES_OPEN: held(T.QUIET_EYES_OPEN, 30.0, v=0.9),
        T.QUIET_EYES_CLOSED: held(T.QUIET_EYES_CLOSED, 30.0, v=1.0),
    }
    return outcomes | {T(name): outcome for name, outcome in changes.items()}


def signs(risk: FallRiskAssessment) -> list[str]:
    return [r.code for r in risk.reasons if r.severity is not Severity.UNMEASURED]


def test_a_good_full_check_is_low_with_no_reasons() -> None:
    risk = assess_fall_risk(check(), 70)
    assert (risk.level, risk.reasons, risk.points) == (RiskLevel.LOW, (), 0)


@pytest.mark.parametrize(("hold_s", "fires"), [(9.9, True), (10.0, False), (0.0, True)])
def test_steadi_tandem_under_10_s_is_major(hold_s: float, fires: bool) -> None:
    risk = assess_fall_risk(check(tandem=held(T.TANDEM, hold_s)), 70)
    assert signs(risk) == (["tandem_under_10s"] if fires else [])
    assert risk.level is (RiskLevel.MODERATE if fires else RiskLevel.LOW)
    if fires:
        assert risk.reasons[0] == RiskReason(
            code="tandem_under_10s", test="tandem", severity=Severity.MAJOR,
            source=Source.CDC_STEADI_2017, figure=hold_s, limit=10.0, unit="s",
        )  # fmt: skip


def test_tandem_not_taken_is_its_own_major_reason_not_two() -> None:
    """Before (2025): a tandem trial that timed out was 'not measured' and counted for nothing."""
    risk = assess_fall_risk(check(tandem=not_taken(T.TANDEM)), 80)
    assert signs(risk) == ["tandem_position_not_taken"]
    assert risk.reasons[0].figure == 0.0
    assert risk.level is RiskLevel.MODERATE


@pytest.mark.parametrize(
    ("left", "right", "code", "severity"),
    [
        (2.0, 4.9, "single_leg_under_5s", Severity.MAJOR),  # the better leg counts
        (2.0, 5.0, "single_leg_under_10s", Severity.MINOR),
        (9.99, 3.0, "single_leg_under_10s", Severity.MINOR),
        (10.0, 3.0, None, None),
    ],
)
def test_single_leg_rules_use_the_better_leg(
    left: float, right: float, code: str | None, severity: Severity | None
) -> None:
    outcomes = check(
        single_leg_left=held(T.SINGLE_LEG_LEFT, left),
        single_leg_right=held(T.SINGLE_LEG_RIGHT, right),
    )
    risk = assess_fall_risk(outcomes, 78)
    assert signs(risk) == ([code] if code else [])
    if code:
        assert risk.reasons[0].severity is severity
        assert risk.reasons[0].test == "single_leg"
        assert risk.reasons[0].figure == max(left, right)


def test_no_foot_lifted_on_either_leg_is_major_and_one_leg_is_not_enough() -> None:
    both = check(
        single_leg_left=not_taken(T.SINGLE_LEG_LEFT),
        single_leg_right=not_taken(T.SINGLE_LEG_RIGHT),
    )
    risk = assess_fall_risk(both, 85)
    assert signs(risk) == ["single_leg_position_not_taken"]
    assert risk.reasons[0].source is Source.CDC_STEADI_2017
    assert risk.level is RiskLevel.MODERATE
    one = check(single_leg_left=not_taken(T.SINGLE_LEG_LEFT))
    assert signs(assess_fall_risk(one, 85)) == []  # the right leg held 30 s
    short = check(
        single_leg_left=not_taken(T.SINGLE_LEG_LEFT),
        single_leg_right=held(T.SINGLE_LEG_RIGHT, 3.0),
    )
    assert signs(assess_fall_risk(short, 85)) == ["single_leg_under_5s"]


def test_oliveira_cut_offs_only_on_holds_of_10_s_never_stacked() -> None:
    """Before (2025): one 4-s trial whose wobble exceeded the cut-offs made two reasons (the 5-s
    rule and the sway rule) and so HIGH on its own. The cut-offs come from 30-s trials."""
    wobble = {"ap": 3.5, "ml": 4.0}
    short = {T.SINGLE_LEG_LEFT: held(T.SINGLE_LEG_LEFT, 4.0, **wobble)}
    risk = assess_fall_risk(short, 75)
    assert signs(risk) == ["single_leg_under_5s"]
    assert risk.level is RiskLevel.MODERATE
    longer = {T.SINGLE_LEG_LEFT: held(T.SINGLE_LEG_LEFT, 9.0, **wobble)}
    assert signs(assess_fall_risk(longer, 75)) == ["single_leg_under_10s"]  # minor, not sway


def test_oliveira_sway_is_the_mean_of_the_trials_held_10_s_when_every_one_exceeds() -> None:
    legs = {
        "single_leg_left": held(T.SINGLE_LEG_LEFT, 12.0, 30.0, ap=2.0, ml=3.6),
        "single_leg_right": held(T.SINGLE_LEG_RIGHT, 20.0, 4.0, ap=2.0, ml=4.2),
    }
    risk = assess_fall_risk(check(**legs), 70)
    (reason,) = risk.reasons
    assert reason.code == "single_leg_sway_high"
    assert reason.severity is Severity.MINOR
    assert (reason.axis, reason.limit, reason.trials) == ("ml", 3.4, 3)  # the 4-s trial is out
    assert reason.figure == pytest.approx((3.6 + 3.6 + 4.2) / 3, abs=1e-3)
    assert risk.level is RiskLevel.LOW  # one minor sign alone stays low, but is shown
    # One comparable trial below the cut-off: no sign (one wobbly trial never makes one).
    legs["single_leg_right"] = held(T.SINGLE_LEG_RIGHT, 20.0, ap=2.0, ml=3.0)
    assert signs(assess_fall_risk(check(**legs), 70)) == []
    at_cut_off = check(single_leg_left=held(T.SINGLE_LEG_LEFT, 30.0, ap=2.9, ml=3.4))
    assert signs(assess_fall_risk(at_cut_off, 70)) == []  # at the cut-offs, not above


def test_a_trial_reaching_10_s_never_adds_the_sway_sign() -> None:
    """A plain mean over the comparable trials would: (3.0 + 4.5) / 2 > 3.4 once the right leg's
    wobbly trial reaches 10 s. Requiring every comparable trial to exceed keeps risk monotone."""
    for right_s in (9.9, 10.0, 30.0):
        legs = check(
            single_leg_left=held(T.SINGLE_LEG_LEFT, 30.0, ap=2.0, ml=3.0),
            single_leg_right=held(T.SINGLE_LEG_RIGHT, right_s, ap=2.0, ml=4.5),
        )
        assert signs(assess_fall_risk(legs, 70)) == []


def test_quiet_sway_above_the_95th_percentile_for_age_is_minor() -> None:
    p95_open = sway_reference(65, eyes_closed=False).p95_velocity_cm_s  # type: ignore[union-attr]
    p95_closed = sway_reference(65, eyes_closed=True).p95_velocity_cm_s  # type: ignore[union-attr]
    outcomes = check(
        quiet_eyes_open=held(T.QUIET_EYES_OPEN, 30.0, v=p95_open + 0.01),
        quiet_eyes_closed=held(T.QUIET_EYES_CLOSED, 30.0, v=p95_closed + 0.01),
    )
    risk = assess_fall_risk(outcomes, 65)
    assert signs(risk) == ["quiet_eyes_open_sway_high", "quiet_eyes_closed_sway_high"]
    assert risk.reasons[0].limit == p95_open
    assert risk.level is RiskLevel.MODERATE
    at_p95 = check(quiet_eyes_open=held(T.QUIET_EYES_OPEN, 30.0, v=p95_open))
    assert signs(assess_fall_risk(at_p95, 65)) == []


@pytest.mark.parametrize("test", [T.QUIET_EYES_OPEN, T.QUIET_EYES_CLOSED])
def test_quiet_stance_not_kept_or_not_taken_is_major(test: StanceTest) -> None:
    """Before (2025): eyes-closed stance broken at 6 s was left out, and the check scored 100
    with LOW risk."""
    broken = assess_fall_risk(check(**{test.value: held(test, 6.0, v=1.5)}), 70)
    assert signs(broken) == [f"{test.value}_stance_not_kept"]
    assert broken.reasons[0].figure == 6.0
    expected_source = Source.ROMBERG if test is T.QUIET_EYES_CLOSED else Source.CDC_STEADI_2017
    assert broken.reasons[0].source is expected_source
    assert broken.level is RiskLevel.MODERATE
    never = assess_fall_risk(check(**{test.value: not_taken(test)}), 70)
    assert signs(never) == [f"{test.value}_position_not_taken"]
    kept = assess_fall_risk(check(**{test.value: held(test, 10.0, v=1.0)}), 70)
    assert signs(kept) == []


def test_combinations() -> None:
    two_major = check(
        tandem=held(T.TANDEM, 6.0),
        single_leg_left=held(T.SINGLE_LEG_LEFT, 3.0),
        single_leg_right=held(T.SINGLE_LEG_RIGHT, 4.0),
    )
    risk = assess_fall_risk(two_major, 80)
    assert signs(risk) == ["tandem_under_10s", "single_leg_under_5s"]
    assert (risk.level, risk.points) == (RiskLevel.HIGH, 4)
    major_minor = check(tandem=held(T.TANDEM, 8.0), single_leg_left=held(T.SINGLE_LEG_LEFT, 7.0),
                        single_leg_right=held(T.SINGLE_LEG_RIGHT, 6.0))  # fmt: skip
    assert assess_fall_risk(major_minor, 75).level is RiskLevel.HIGH


def test_a_frail_person_who_cannot_take_any_position_is_high() -> None:
    """Before (2025): every trial timed out, all were dropped as not measured, and with
    eyes-closed sway of 2.0 cm/s an 85-year-old got LOW (score 57)."""
    outcomes = {
        T.SINGLE_LEG_LEFT: not_taken(T.SINGLE_LEG_LEFT),
        T.SINGLE_LEG_RIGHT: not_taken(T.SINGLE_LEG_RIGHT),
        T.TANDEM: not_taken(T.TANDEM),
        T.QUIET_EYES_CLOSED: held(T.QUIET_EYES_CLOSED, 30.0, v=2.0),
    }
    risk = assess_fall_risk(outcomes, 85)
    assert signs(risk) == ["tandem_position_not_taken", "single_leg_position_not_taken"]
    assert risk.level is RiskLevel.HIGH


def test_missing_tests_are_named_not_silently_low() -> None:
    risk = assess_fall_risk({T.TANDEM: held(T.TANDEM, 30.0)}, 70)
    assert risk.level is RiskLevel.LOW
    assert [r.code for r in risk.reasons] == [
        "single_leg_not_measured",
        "quiet_eyes_open_not_measured",
        "quiet_eyes_closed_not_measured",
    ]
    assert all(r.severity is Severity.UNMEASURED for r in risk.reasons)


def test_nothing_measured_is_unknown() -> None:
    risk = assess_fall_risk({}, 70)
    assert risk.level is RiskLevel.UNKNOWN
    assert "tandem_not_measured" in [r.code for r in risk.reasons]
    # Quiet stance of a child: measured, but there are no norms to compare it with.
    child = assess_fall_risk({T.QUIET_EYES_OPEN: held(T.QUIET_EYES_OPEN, 30.0, v=1.0)}, 12)
    assert child.level is RiskLevel.UNKNOWN
    assert "quiet_eyes_open_no_norm" in [r.code for r in child.reasons]
    # Quiet stance kept without a sway measure: nothing to judge either.
    no_sway = assess_fall_risk({T.QUIET_EYES_OPEN: held(T.QUIET_EYES_OPEN, 30.0)}, 70)
    assert no_sway.level is RiskLevel.UNKNOWN
    assert "quiet_eyes_open_sway_not_measured" in [r.code for r in no_sway.reasons]


def test_level_for_thresholds_and_one_reason_never_high() -> None:
    def reason(severity: Severity) -> RiskReason:
        return RiskReason(code="x", test="tandem", severity=severity, source=Source.VELLAS_1997)

    major, minor = reason(Severity.MAJOR), reason(Severity.MINOR)
    assert level_for([], anything_measured=False) is RiskLevel.UNKNOWN
    assert level_for([], anything_measured=True) is RiskLevel.LOW
    assert level_for([minor], anything_measured=True) is RiskLevel.LOW
    assert level_for([minor, minor], anything_measured=True) is RiskLevel.MODERATE
    assert level_for([major], anything_measured=True) is RiskLevel.MODERATE
    assert level_for([major, minor], anything_measured=True) is RiskLevel.HIGH
    assert level_for([minor] * 3, anything_measured=True) is RiskLevel.HIGH
    # Unmeasured reasons weigh nothing, and are no second sign.
    unmeasured = reason(Severity.UNMEASURED)
    assert level_for([major, unmeasured, unmeasured], anything_measured=True) is (
        RiskLevel.MODERATE
    )


def test_reasons_are_codes_with_figures_and_round_trip() -> None:
    risk = assess_fall_risk(check(tandem=held(T.TANDEM, 6.0)), 70)
    data = json.loads(json.dumps(risk.as_dict()))
    assert data["reasons"][0] == {
        "code": "tandem_under_10s", "test": "tandem", "severity": "major",
        "source": "cdc_steadi_2017", "figure": 6.0, "limit": 10.0, "unit": "s",
    }  # fmt: skip
    assert FallRiskAssessment.from_dict(data) == risk
    assert risk.reasons[0].message == "tandem_under_10s: 6 s (limit 10 s)"
    assert RiskReason.from_dict({"code": "c", "test": "single_leg", "severity": "unmeasured",
                                 "source": "vellas_1997"}).message == "c"  # fmt: skip
    reason = data["reasons"][0]
    bad_cases = [
        ("x", "risk reason must be a mapping"),
        (reason | {"severity": "grave"}, "severity 'grave' is not one of"),
        (reason | {"source": "hearsay"}, "source 'hearsay' is not one of"),
        (reason | {"test": "hopping"}, "unknown risk reason test"),
        (reason | {"figure": "six"}, "figure must be a finite number"),
        (reason | {"trials": 1.5}, "trials must be an integer"),
        (reason | {"code": 3}, "code must be a string"),
    ]
    for bad, message in bad_cases:
        with pytest.raises(ValueError, match=message):
            RiskReason.from_dict(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must be a mapping"):
        FallRiskAssessment.from_dict([])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="fall-risk level 'dire' is not one of"):
        FallRiskAssessment.from_dict(data | {"level": "dire"})
    with pytest.raises(ValueError, match="reasons must be a list"):
        FallRiskAssessment.from_dict(data | {"reasons": "none"})
