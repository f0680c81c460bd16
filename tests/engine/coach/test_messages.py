"""Reminder content: safety advice per phase and a deterministic dual-task prompt per day."""

from __future__ import annotations

import json
from datetime import timedelta
from itertools import pairwise

from custom_components.retro_balance.engine.coach.messages import dual_task_for, reminder_message
from custom_components.retro_balance.engine.coach.practice import practice_progress
from custom_components.retro_balance.engine.coach.programme import (
    HOLD_LADDER,
    DualTask,
    Phase,
    SafetyAdvice,
    plan_for,
)
from tests.engine.coach.builders import AMSTERDAM, MONDAY, hold


def test_phase_one_message_carries_support_and_path_rules_and_no_mental_task() -> None:
    message = reminder_message(Phase(1), MONDAY)
    assert message.dual_task is None
    assert SafetyAdvice.HAND_ON_WALL_OR_RAIL in message.safety
    assert (message.walk_minutes_min, message.walk_minutes_max) == (3, 5)
    assert message.hold_goal == HOLD_LADDER[0]


def test_phase_three_names_one_task_per_day_the_same_all_day_and_different_next_day() -> None:
    days = [MONDAY + timedelta(days=n) for n in range(6)]
    tasks = [reminder_message(Phase(3), day).dual_task for day in days]
    assert all(task is not None for task in tasks)
    assert all(a != b for a, b in pairwise(tasks))
    assert tasks == [reminder_message(Phase(3), day).dual_task for day in days]
    assert set(tasks) == set(DualTask)


def test_the_prompt_depends_on_the_day_alone() -> None:
    plan = plan_for(Phase(3))
    assert dual_task_for(plan, MONDAY) == plan.dual_tasks[MONDAY.toordinal() % 3]
    assert dual_task_for(plan_for(Phase(2)), MONDAY) is None


def test_payload_is_small_json_of_keys_and_figures() -> None:
    payload = json.loads(json.dumps(reminder_message(Phase(3), MONDAY).as_dict()))
    assert payload["message"] == "retro_walk_reminder"
    assert payload["phase"] == 3
    assert payload["day"] == "2026-01-05"
    assert payload["support"] == "none"
    assert payload["dual_task"] in {task.value for task in DualTask}
    assert "never_near_stairs" in payload["safety"]
    assert payload["exercises"] == ["single_leg_hold", "tandem_walk", "marching"]


def test_practice_goal_climbs_the_ladder_up_to_the_phase_top() -> None:
    plan_one, plan_three = plan_for(Phase(1)), plan_for(Phase(3))
    nothing = practice_progress([], plan_three, today=MONDAY, tz=AMSTERDAM)
    assert (nothing.goal, nothing.goal_reached) == (HOLD_LADDER[0], False)
    holds = [hold(MONDAY, 34)]
    assert practice_progress(holds, plan_three, today=MONDAY, tz=AMSTERDAM).goal == HOLD_LADDER[1]
    phase_one = practice_progress(holds, plan_one, today=MONDAY, tz=AMSTERDAM)
    assert (phase_one.goal, phase_one.goal_reached) == (HOLD_LADDER[0], True)
    holds.append(hold(MONDAY, 61))
    assert practice_progress(holds, plan_three, today=MONDAY, tz=AMSTERDAM).goal == HOLD_LADDER[2]
    holds.append(hold(MONDAY, 12, eyes_closed=True))
    top = practice_progress(holds, plan_three, today=MONDAY, tz=AMSTERDAM)
    assert (top.goal, top.goal_reached) == (HOLD_LADDER[2], True)
    assert (top.best_eyes_open_s, top.best_eyes_closed_s) == (61, 12)
    message = reminder_message(Phase(3), MONDAY, hold_goal=top.goal)
    assert message.as_dict()["hold_goal_eyes_closed"] is True


def test_holds_older_than_two_weeks_are_forgotten() -> None:
    old = [hold(MONDAY - timedelta(days=14), 40)]
    progress = practice_progress(old, plan_for(Phase(2)), today=MONDAY, tz=AMSTERDAM)
    assert progress.best_eyes_open_s is None
    recent = [hold(MONDAY - timedelta(days=13), 40)]
    assert (
        practice_progress(recent, plan_for(Phase(2)), today=MONDAY, tz=AMSTERDAM).best_eyes_open_s
        == 40
    )
