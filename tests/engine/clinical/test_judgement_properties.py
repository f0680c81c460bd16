"""Properties of the judgement over random checks (hypothesis).

- A longer hold — or getting into a position that was not taken — never lowers the score or
  the standing for age, and never raises the fall risk.
- One reason alone never makes ``high``, and no test gives more than one reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.retro_balance.engine.clinical.fall_risk import RiskLevel, Severity
from custom_components.retro_balance.engine.clinical.norms import Sex
from custom_components.retro_balance.engine.clinical.outcomes import (
    MIN_QUIET_HOLD_S,
    Outcome,
    StanceOutcome,
    Trial,
)
from custom_components.retro_balance.engine.clinical.scoring import assess_outcomes
from custom_components.retro_balance.engine.detection.stance_result import StanceTest

CAP_S = 30.0
SETTINGS = settings(max_examples=300, deadline=None, database=None)
ORDER = {RiskLevel.LOW: 0, RiskLevel.MODERATE: 1, RiskLevel.HIGH: 2}

holds = st.floats(min_value=0.0, max_value=CAP_S)
speeds = st.floats(min_value=0.2, max_value=6.0)


def _outcome(test: StanceTest, trials: tuple[Trial, ...]) -> StanceOutcome:
    """No trials: the position was not taken."""
    if not trials:
        return StanceOutcome(test=test, outcome=Outcome.POSITION_NOT_TAKEN, cap_s=CAP_S)
    kept = not test.is_quiet or max(t.hold_s for t in trials) >= MIN_QUIET_HOLD_S
    return StanceOutcome(
        test=test,
        outcome=Outcome.HELD if kept else Outcome.STANCE_NOT_KEPT,
        cap_s=CAP_S,
        trials=trials,
    )


trial_strategy = st.builds(
    Trial, hold_s=holds, velocity_cm_s=speeds, velocity_ap_cm_s=speeds, velocity_ml_cm_s=speeds
)


@st.composite
def checks(draw: st.DrawFn) -> dict[StanceTest, StanceOutcome]:
    """Some tests (at least one), each not taken or held in 1–3 trials with sway."""
    chosen = draw(st.sets(st.sampled_from(list(StanceTest)), min_size=1))
    return {
        test: _outcome(test, tuple(draw(st.lists(trial_strategy, max_size=3)))) for test in chosen
    }


ages = st.integers(min_value=18, max_value=120)
sexes = st.sampled_from([Sex.FEMALE, Sex.MALE, None])


@SETTINGS
@given(checks(), ages, sexes, st.data())
def test_a_longer_hold_never_lowers_the_score_or_raises_the_risk(
    outcomes: dict[StanceTest, StanceOutcome], age: int, sex: Sex | None, data: st.DataObject
) -> None:
    test = data.draw(st.sampled_from(sorted(outcomes)))
    trials = list(outcomes[test].trials)
    if trials:  # lengthen one trial
        index = data.draw(st.integers(min_value=0, max_value=len(trials) - 1))
        longer = data.draw(st.floats(min_value=trials[index].hold_s, max_value=CAP_S))
        trials[index] = replace(trials[index], hold_s=longer)
    else:  # the position is taken after all
        trials = [data.draw(trial_strategy)]
    after = _outcome(test, tuple(trials))
    was = assess_outcomes(outcomes, age, sex)
    now = assess_outcomes(outcomes | {test: after}, age, sex)
    assert now.partial == was.partial
    if was.score is not None:
        assert now.score is not None
        assert now.score >= was.score
        assert (now.for_age or 0.0) >= (was.for_age or 0.0)
    assert ORDER[now.fall_risk.level] <= ORDER[was.fall_risk.level]


@SETTINGS
@given(checks(), ages, sexes)
def test_one_reason_alone_never_makes_high(
    outcomes: dict[StanceTest, StanceOutcome], age: int, sex: Sex | None
) -> None:
    risk = assess_outcomes(outcomes, age, sex).fall_risk
    signs = [r for r in risk.reasons if r.severity is not Severity.UNMEASURED]
    per_test = Counter(r.test for r in risk.reasons)
    assert max(per_test.values(), default=0) <= 1  # one test never becomes two reasons
    if len(signs) <= 1:
        assert risk.level is not RiskLevel.HIGH
    if risk.level is RiskLevel.HIGH:
        assert len(signs) >= 2
    assert risk.level is not RiskLevel.UNKNOWN  # adults with something measured are judged


@SETTINGS
@given(checks(), ages, sexes)
def test_scores_stay_on_their_scale(
    outcomes: dict[StanceTest, StanceOutcome], age: int, sex: Sex | None
) -> None:
    result = assess_outcomes(outcomes, age, sex)
    for value in (result.score, result.for_age, result.percentile):
        assert value is None or 0.0 <= value <= 100.0
    assert (result.score is None) == result.partial
    assert all(t.points is None or 0 <= t.points <= 100 for t in result.tests)
