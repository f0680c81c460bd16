"""The content of a reminder, as translation keys and figures (the HA side words it).

A reminder carries the phase's session length, support, focus and safety advice (SEED_PROTOCOL:
clear flat path, never near stairs, support at first, slow toe-first steps), the complementary
exercises of the phase, the single-leg practice goal, and in phase 3 one dual-task prompt. The
prompt is chosen from the local day alone (its ordinal modulo the number of prompts), so every
reminder, repeat or snooze of one day names the same task and consecutive days differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .programme import (
    HOLD_LADDER,
    ActivityKind,
    DualTask,
    Focus,
    HoldGoal,
    Phase,
    PhasePlan,
    SafetyAdvice,
    Support,
    plan_for,
)

REMINDER_MESSAGE_KEY = "retro_walk_reminder"
"""Translation key of the reminder itself (and the event type the HA side fires)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReminderMessage:
    """Everything a reminder says, as keys and figures."""

    phase: Phase
    day: date
    walk_minutes_min: int
    walk_minutes_max: int
    support: Support
    focus: Focus
    safety: tuple[SafetyAdvice, ...]
    dual_task: DualTask | None
    exercises: tuple[ActivityKind, ...]
    hold_goal: HoldGoal

    def as_dict(self) -> dict[str, object]:
        """Return a small JSON-friendly payload for the reminder event."""
        return {
            "message": REMINDER_MESSAGE_KEY,
            "phase": int(self.phase),
            "day": self.day.isoformat(),
            "walk_minutes_min": self.walk_minutes_min,
            "walk_minutes_max": self.walk_minutes_max,
            "support": self.support.value,
            "focus": self.focus.value,
            "safety": [advice.value for advice in self.safety],
            "dual_task": None if self.dual_task is None else self.dual_task.value,
            "exercises": [kind.value for kind in self.exercises],
            "hold_goal_s": self.hold_goal.hold_s,
            "hold_goal_eyes_closed": self.hold_goal.eyes_closed,
        }


def dual_task_for(plan: PhasePlan, day: date) -> DualTask | None:
    """Return the dual-task prompt of `day` in `plan`'s phase (None when the phase has none)."""
    if not plan.dual_tasks:
        return None
    return plan.dual_tasks[day.toordinal() % len(plan.dual_tasks)]


def reminder_message(
    phase: Phase, day: date, *, hold_goal: HoldGoal | None = None
) -> ReminderMessage:
    """Return the reminder of local `day` in `phase`.

    `hold_goal` is the person's current single-leg goal (`practice.practice_progress(...).goal`);
    without it, the first goal of the ladder (30 s, eyes open) is named.
    """
    plan = plan_for(phase)
    return ReminderMessage(
        phase=plan.phase,
        day=day,
        walk_minutes_min=plan.walk_minutes_min,
        walk_minutes_max=plan.walk_minutes_max,
        support=plan.support,
        focus=plan.focus,
        safety=plan.safety,
        dual_task=dual_task_for(plan, day),
        exercises=tuple(target.kind for target in plan.exercises),
        hold_goal=HOLD_LADDER[0] if hold_goal is None else hold_goal,
    )
