"""The three-phase retro-walking programme and its complementary exercises, as data.

Phases — minutes per session, days per week, focus, support — and the safety rules come from one
source, `SEED_PROTOCOL` (a health writer's home protocol, not a trial; the trial evidence behind
retro-walking is summarised in ``docs/coach.md``). The complementary exercises (tandem walking,
single-leg balance "start with 30 seconds, building up to 60 seconds, progress by closing your
eyes", cross-body marching) come from the same article, which gives no weekly dose for them: the
days per week below and the eyes-closed goal are product choices, documented in ``docs/coach.md``.

Everything a person reads (focus, support, safety advice, dual-task prompts) is a key that the
Home Assistant side translates; nothing here is English prose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from types import MappingProxyType

SEED_PROTOCOL = (
    "Walking Backwards Improves Balance and Brain Health: The Counter-Intuitive Key to Cognitive "
    "Fitness (health-advocate article; 'The Healthcare Advocate's Retro-Walking Protocol' and "
    "'Three Complementary Brain-Body Exercises'), ../shared/seeds/004"
)
DUAL_TASK_SOURCES = (
    "Montero-Odasso M, Muir SW, Speechley M 2012, Dual-task complexity affects gait in people "
    "with mild cognitive impairment, Arch Phys Med Rehabil 93:293–299 (naming animals, serial "
    "sevens); Hunter SW et al. 2018, A framework for secondary cognitive and motor tasks in "
    "dual-task gait testing, BMC Geriatr 18:202 (counting backwards by ones is the easier task)"
)


class Phase(IntEnum):
    """Programme phase, numbered as in the source."""

    STABILISATION = 1
    PROPRIOCEPTIVE_BUILD = 2
    COGNITIVE_INTEGRATION = 3


class ActivityKind(StrEnum):
    """What a logged activity was."""

    RETRO_WALK = "retro_walk"
    TANDEM_WALK = "tandem_walk"
    MARCHING = "marching"
    """Cross-body marching on the spot (elbow to the opposite knee)."""
    SINGLE_LEG_HOLD = "single_leg_hold"
    """One timed single-leg practice hold on the pad (never a daily check)."""


COMPLEMENTARY_KINDS = (
    ActivityKind.SINGLE_LEG_HOLD,
    ActivityKind.TANDEM_WALK,
    ActivityKind.MARCHING,
)


class Support(StrEnum):
    """Hand support during a walk."""

    WALL_OR_RAIL = "wall_or_rail"
    LIGHT_TOUCH = "light_touch"
    NONE = "none"


class Focus(StrEnum):
    """What a phase's walks concentrate on."""

    VERY_SLOW_TOE_FIRST = "very_slow_toe_first"
    FEEL_THE_GROUND = "feel_the_ground"
    ADD_MENTAL_TASK = "add_mental_task"


class SafetyAdvice(StrEnum):
    """One safety rule of the source, as a translation key."""

    CLEAR_FLAT_PATH = "clear_flat_path"
    NEVER_NEAR_STAIRS = "never_near_stairs"
    HAND_ON_WALL_OR_RAIL = "hand_on_wall_or_rail"
    LIGHT_TOUCH_SUPPORT = "light_touch_support"
    SUPPORT_WITHIN_REACH = "support_within_reach"
    SLOW_TOE_FIRST_STEPS = "slow_toe_first_steps"
    GLANCE_OVER_SHOULDER_OCCASIONALLY = "glance_over_shoulder_occasionally"
    STOP_IF_DIZZY = "stop_if_dizzy"


class DualTask(StrEnum):
    """A mental task to do while walking in phase 3 (see `DUAL_TASK_SOURCES`)."""

    COUNT_BACK_BY_ONES = "count_back_by_ones"
    NAME_ANIMALS = "name_animals"
    COUNT_BACK_BY_SEVENS = "count_back_by_sevens"


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldGoal:
    """A single-leg practice goal: hold this long, eyes open or closed."""

    hold_s: float
    eyes_closed: bool


HOLD_LADDER = (
    HoldGoal(hold_s=30.0, eyes_closed=False),
    HoldGoal(hold_s=60.0, eyes_closed=False),
    HoldGoal(hold_s=10.0, eyes_closed=True),
)
"""Single-leg practice goals in order: 30 s, then 60 s (SEED_PROTOCOL), then eyes closed.

The eyes-closed goal of 10 s is a product choice: the source names no time, and eyes-closed norms
are short (Springer 2007 means 13–17 s at 18–39, 2–5 s from 60 on; clinical.md).
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class ExerciseTarget:
    """Days per week on which a complementary exercise is done (any logged amount counts)."""

    kind: ActivityKind
    days_per_week: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PhasePlan:
    """One phase: its walks, support, focus, safety advice and weekly target."""

    phase: Phase
    walk_minutes_min: int
    walk_minutes_max: int
    walk_days_per_week: int
    support: Support
    focus: Focus
    safety: tuple[SafetyAdvice, ...]
    dual_tasks: tuple[DualTask, ...]
    exercises: tuple[ExerciseTarget, ...]
    top_hold_goal: HoldGoal
    """The highest rung of `HOLD_LADDER` practised in this phase."""

    @property
    def walk_minutes_per_week(self) -> int:
        """Weekly walking minutes that meet the target: days × the shortest session."""
        return self.walk_days_per_week * self.walk_minutes_min


_ALWAYS = (SafetyAdvice.CLEAR_FLAT_PATH, SafetyAdvice.NEVER_NEAR_STAIRS)


def _exercises(single_leg: int, tandem: int, marching: int) -> tuple[ExerciseTarget, ...]:
    return (
        ExerciseTarget(kind=ActivityKind.SINGLE_LEG_HOLD, days_per_week=single_leg),
        ExerciseTarget(kind=ActivityKind.TANDEM_WALK, days_per_week=tandem),
        ExerciseTarget(kind=ActivityKind.MARCHING, days_per_week=marching),
    )


PROGRAMME: Mapping[Phase, PhasePlan] = MappingProxyType(
    {
        Phase.STABILISATION: PhasePlan(
            phase=Phase.STABILISATION,
            walk_minutes_min=3,
            walk_minutes_max=5,
            walk_days_per_week=3,
            support=Support.WALL_OR_RAIL,
            focus=Focus.VERY_SLOW_TOE_FIRST,
            safety=(
                *_ALWAYS,
                SafetyAdvice.HAND_ON_WALL_OR_RAIL,
                SafetyAdvice.SLOW_TOE_FIRST_STEPS,
                SafetyAdvice.STOP_IF_DIZZY,
            ),
            dual_tasks=(),
            exercises=_exercises(single_leg=2, tandem=2, marching=2),
            top_hold_goal=HOLD_LADDER[0],
        ),
        Phase.PROPRIOCEPTIVE_BUILD: PhasePlan(
            phase=Phase.PROPRIOCEPTIVE_BUILD,
            walk_minutes_min=5,
            walk_minutes_max=10,
            walk_days_per_week=4,
            support=Support.LIGHT_TOUCH,
            focus=Focus.FEEL_THE_GROUND,
            safety=(
                *_ALWAYS,
                SafetyAdvice.LIGHT_TOUCH_SUPPORT,
                SafetyAdvice.SLOW_TOE_FIRST_STEPS,
                SafetyAdvice.GLANCE_OVER_SHOULDER_OCCASIONALLY,
                SafetyAdvice.STOP_IF_DIZZY,
            ),
            dual_tasks=(),
            exercises=_exercises(single_leg=3, tandem=2, marching=2),
            top_hold_goal=HOLD_LADDER[1],
        ),
        Phase.COGNITIVE_INTEGRATION: PhasePlan(
            phase=Phase.COGNITIVE_INTEGRATION,
            walk_minutes_min=10,
            walk_minutes_max=15,
            walk_days_per_week=5,
            support=Support.NONE,
            focus=Focus.ADD_MENTAL_TASK,
            safety=(
                *_ALWAYS,
                SafetyAdvice.SUPPORT_WITHIN_REACH,
                SafetyAdvice.SLOW_TOE_FIRST_STEPS,
                SafetyAdvice.GLANCE_OVER_SHOULDER_OCCASIONALLY,
                SafetyAdvice.STOP_IF_DIZZY,
            ),
            dual_tasks=(
                DualTask.COUNT_BACK_BY_ONES,
                DualTask.NAME_ANIMALS,
                DualTask.COUNT_BACK_BY_SEVENS,
            ),
            exercises=_exercises(single_leg=3, tandem=3, marching=3),
            top_hold_goal=HOLD_LADDER[2],
        ),
    }
)
"""The programme (SEED_PROTOCOL; exercise days per week are product choices, docs/coach.md)."""


def plan_for(phase: object) -> PhasePlan:
    """Return the plan of `phase`; ``ValueError`` for anything that is not a phase."""
    if isinstance(phase, bool) or not isinstance(phase, int) or phase not in set(Phase):
        raise ValueError(f"phase must be one of {[int(p) for p in Phase]}, got {phase!r}")
    return PROGRAMME[Phase(phase)]


def spread_days(days_per_week: int) -> frozenset[int]:
    """ISO weekdays (1 = Monday) for `days_per_week` sessions spread over the week.

    Day ``i`` of ``n`` falls on weekday ``1 + floor(7 i / n)``: 3 → Mon, Wed, Fri; 4 → Mon, Tue,
    Thu, Sat; 5 → Mon, Tue, Wed, Fri, Sat. From three days a week on, never more than two rest
    days in a row.
    """
    if isinstance(days_per_week, bool) or not isinstance(days_per_week, int):
        raise ValueError(f"days_per_week must be an integer, got {days_per_week!r}")
    if not 1 <= days_per_week <= 7:
        raise ValueError(f"days_per_week must be from 1 to 7, got {days_per_week}")
    return frozenset(1 + (7 * i) // days_per_week for i in range(days_per_week))
