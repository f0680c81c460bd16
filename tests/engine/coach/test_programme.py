"""The programme as data: the three phases of the source, the exercises, spreading days."""

from __future__ import annotations

import pytest

from custom_components.retro_balance.engine.coach.programme import (
    COMPLEMENTARY_KINDS,
    HOLD_LADDER,
    PROGRAMME,
    Phase,
    SafetyAdvice,
    Support,
    plan_for,
    spread_days,
)


@pytest.mark.parametrize(
    ("phase", "minutes", "days", "support"),
    [
        (Phase.STABILISATION, (3, 5), 3, Support.WALL_OR_RAIL),
        (Phase.PROPRIOCEPTIVE_BUILD, (5, 10), 4, Support.LIGHT_TOUCH),
        (Phase.COGNITIVE_INTEGRATION, (10, 15), 5, Support.NONE),
    ],
)
def test_phases_follow_the_source_table(
    phase: Phase, minutes: tuple[int, int], days: int, support: Support
) -> None:
    plan = plan_for(phase)
    assert (plan.walk_minutes_min, plan.walk_minutes_max) == minutes
    assert plan.walk_days_per_week == days
    assert plan.support is support
    assert plan.walk_minutes_per_week == days * minutes[0]


def test_every_phase_keeps_the_path_rules_and_includes_every_exercise() -> None:
    for plan in PROGRAMME.values():
        assert {SafetyAdvice.CLEAR_FLAT_PATH, SafetyAdvice.NEVER_NEAR_STAIRS} <= set(plan.safety)
        assert SafetyAdvice.SLOW_TOE_FIRST_STEPS in plan.safety
        assert {t.kind for t in plan.exercises} == set(COMPLEMENTARY_KINDS)
        assert all(0 < t.days_per_week <= plan.walk_days_per_week for t in plan.exercises)


def test_support_advice_fades_with_the_phases() -> None:
    assert SafetyAdvice.HAND_ON_WALL_OR_RAIL in plan_for(Phase.STABILISATION).safety
    assert SafetyAdvice.LIGHT_TOUCH_SUPPORT in plan_for(Phase.PROPRIOCEPTIVE_BUILD).safety
    assert SafetyAdvice.SUPPORT_WITHIN_REACH in plan_for(Phase.COGNITIVE_INTEGRATION).safety


def test_only_phase_three_has_a_mental_task() -> None:
    assert not plan_for(Phase.STABILISATION).dual_tasks
    assert not plan_for(Phase.PROPRIOCEPTIVE_BUILD).dual_tasks
    assert "count_back_by_sevens" in plan_for(Phase.COGNITIVE_INTEGRATION).dual_tasks


def test_hold_ladder_is_30_then_60_seconds_then_eyes_closed() -> None:
    assert [(g.hold_s, g.eyes_closed) for g in HOLD_LADDER] == [
        (30.0, False),
        (60.0, False),
        (10.0, True),
    ]
    assert [plan_for(p).top_hold_goal for p in Phase] == list(HOLD_LADDER)


@pytest.mark.parametrize("bad", [0, 4, True, "1", 1.0, None])
def test_plan_for_refuses_what_is_not_a_phase(bad: object) -> None:
    with pytest.raises(ValueError, match="phase must be one of"):
        plan_for(bad)


def test_plan_for_accepts_a_plain_integer() -> None:
    assert plan_for(2).phase is Phase.PROPRIOCEPTIVE_BUILD


@pytest.mark.parametrize(
    ("days", "weekdays"),
    [(3, {1, 3, 5}), (4, {1, 2, 4, 6}), (5, {1, 2, 3, 5, 6}), (7, set(range(1, 8))), (1, {1})],
)
def test_spread_days(days: int, weekdays: set[int]) -> None:
    assert spread_days(days) == weekdays


@pytest.mark.parametrize("days", [3, 4, 5, 6])
def test_spread_days_never_rest_more_than_two_days(days: int) -> None:
    chosen = sorted(spread_days(days))
    gaps = [(b - a) % 7 or 7 for a, b in zip(chosen, chosen[1:] + chosen[:1], strict=True)]
    assert max(gaps) <= 3


@pytest.mark.parametrize("bad", [0, 8, True, 2.5])
def test_spread_days_refuses_impossible_counts(bad: object) -> None:
    with pytest.raises(ValueError, match="days_per_week"):
        spread_days(bad)  # type: ignore[arg-type]
