"""The *Retro walking* view of the *Balance care* dashboard: each person's walking coach.

Per person, for the older person on a phone as much as for the caregiver (two columns at most):

- **{name} — retro walking**: the phase in words (the phase sensor's state), its weekly target and
  focus, this week's minutes and walking days against the target (the weekly sensors' values and
  their `target_minutes` / `target_walk_days`), whether it is met, a snooze in force;
- big **Log a walk** and **Snooze** buttons that press the person's button entities;
- weeks in a row meeting the target, the next reminder, the reminder switch and time, the best
  single-leg practice hold;
- **Walk safely**: the phase's safety advice, its complementary exercises and single-leg goal, and
  why the person is in this phase (the phase sensor's `explanation`);
- a calendar card of the planned and done walks (the person's `calendar` entity): the next seven
  days as a list, readable in half a screen or on a phone (a month's grid only has room for dots
  there; the card's buttons switch to it and to past weeks).

The target, focus, advice and exercises of each phase are the programme's (`plan_for`, the same
plan the phase sensor's attributes list), rendered here in Home Assistant's language; the card
shows the block of the phase the sensor is in. Each part shows only when its entity exists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from .coach_text import phase_key
from .const import DEFAULT_SNOOZE_MIN
from .dashboard_cards import WALKING_PATH, Card, Member, PadPage, Texts, entity_rows, press
from .engine.coach.planning import DONE_KEYS
from .engine.coach.programme import Phase, PhasePlan, plan_for

PHASE: Final = "retro_walk_phase"
MINUTES: Final = "retro_walk_minutes_week"
WALKS: Final = "retro_walk_sessions_week"
NEXT_REMINDER: Final = "next_retro_walk_reminder"
PRACTICE: Final = "practice_hold"
CALENDAR: Final = "retro_walk_calendar"
BUTTONS: Final = (
    ("log_retro_walk", "log_walk", "mdi:walk"),
    ("snooze_retro_walk", "snooze", "mdi:alarm-snooze"),
)
"""The big buttons: the button entity's key, the dashboard's text for it, its icon."""
SETTING_ROWS: Final = (
    "retro_walk_weeks_in_a_row",
    NEXT_REMINDER,
    "retro_walk_reminders",
    "retro_walk_reminder_time",
    PRACTICE,
)


def walking_view(pads: Sequence[PadPage], texts: Texts) -> Card | None:
    """Return the view with every person's coach (None when nobody has a coach entity)."""
    stacks = [
        stack
        for pad in pads
        for person in pad.people
        if (stack := _person_coach(person, texts)) is not None
    ]
    if not stacks:
        return None
    return {
        "title": texts("walking_view"),
        "path": WALKING_PATH,
        "icon": "mdi:walk",
        "max_columns": 2,
        "cards": stacks,
    }


def _person_coach(person: Member, texts: Texts) -> Card | None:
    found = person.entities
    cards: list[Card] = []
    if {PHASE, MINUTES, WALKS} & set(found):
        cards.append(
            {
                "type": "markdown",
                "title": texts("walking_title", name=person.name),
                "content": _status(found, texts),
            }
        )
    buttons = [
        press(found[key], texts(text, minutes=DEFAULT_SNOOZE_MIN), icon, "80px")
        for key, text, icon in BUTTONS
        if key in found
    ]
    if buttons:
        cards.append({"type": "horizontal-stack", "cards": buttons})
    settings = entity_rows(found, SETTING_ROWS, texts)
    for row in settings:
        if row["entity"] == found.get(NEXT_REMINDER):
            row["format"] = "datetime"
    if settings:
        cards.append({"type": "entities", "show_header_toggle": False, "entities": settings})
    if PHASE in found:
        cards.append(
            {"type": "markdown", "title": texts("advice"), "content": _advice(found, texts)}
        )
    if CALENDAR in found:
        cards.append(
            {
                "type": "calendar",
                "title": texts("walks_calendar", name=person.name),
                "initial_view": "listWeek",
                "entities": [found[CALENDAR]],
            }
        )
    return {"type": "vertical-stack", "cards": cards} if cards else None


def _by_phase(entity: str, block: Mapping[Phase, str]) -> str:
    """Return a template that shows the block of the phase `entity` is in."""
    branches = [
        f"{{% {'if' if i == 0 else 'elif'} is_state('{entity}', '{phase_key(phase)}') %}}\n{text}"
        for i, (phase, text) in enumerate(block.items())
    ]
    return "\n".join([*branches, "{% endif %}"])


def _value(template: str) -> str:
    return f"{{{{ {template} }}}}"


def _status(found: Mapping[str, str], texts: Texts) -> str:
    """Return the phase, its target and focus, and this week against the target (markdown)."""
    lines: list[str] = []
    if (phase := found.get(PHASE)) is not None:
        named = _value(f"state_translated('{phase}')")
        lines += [
            f"## {{% if has_value('{phase}') %}}{named}"
            f"{{% else %}}{texts.entity(phase, PHASE)}: {texts('none_yet')}{{% endif %}}",
            _by_phase(phase, {p: _target(plan_for(p), texts) for p in Phase}),
        ]
    lines.append(f"### {texts('this_week')}")
    shown: list[str] = []
    if (minutes := found.get(MINUTES)) is not None:
        said = texts(
            "week_minutes",
            minutes=_value(f"states('{minutes}', rounded=True)"),
            target=_value(f"state_attr('{minutes}', 'target_minutes')"),
        )
        lines.append(f"{{% if has_value('{minutes}') %}}- {said}{{% endif %}}")
        shown.append(minutes)
    if (walks := found.get(WALKS)) is not None:
        said = texts(
            "week_days",
            days=_value(f"state_attr('{walks}', 'walk_days')"),
            target=_value(f"state_attr('{walks}', 'target_walk_days')"),
            walks=_value(f"states('{walks}')"),
        )
        lines += [
            f"{{% if has_value('{walks}') %}}- {said}{{% endif %}}",
            f"{{% if state_attr('{walks}', 'target_met') %}}\n**{texts('target_met')}**\n"
            "{% endif %}",
        ]
        shown.append(walks)
    if shown:
        anything = " or ".join(f"has_value('{entity}')" for entity in shown)
        lines.append(f"{{% if not ({anything}) %}}{texts('none_yet')}{{% endif %}}")
    if (reminder := found.get(NEXT_REMINDER)) is not None:
        until = f"state_attr('{reminder}', 'snoozed_until')"
        said = texts("snoozed", time=_value(f"as_timestamp({until}) | timestamp_custom('%H:%M')"))
        lines.append(
            f"{{% if {until} and as_datetime({until}) > now() %}}\n_{said}_\n{{% endif %}}"
        )
    return "\n".join(lines)


def _target(plan: PhasePlan, texts: Texts) -> str:
    walk = texts(
        "walk_target",
        minutes_min=plan.walk_minutes_min,
        minutes_max=plan.walk_minutes_max,
        days=plan.walk_days_per_week,
    )
    return f"{walk} {texts.option('coach_focus', plan.focus.value)}"


def _advice(found: Mapping[str, str], texts: Texts) -> str:
    """Return the phase's advice, exercises and practice goal, and why this phase (markdown)."""
    phase = found[PHASE]
    lines = [_by_phase(phase, {p: _plan_advice(plan_for(p), texts) for p in Phase})]
    if (practice := found.get(PRACTICE)) is not None:
        goal = {"hold_s": _value(f"state_attr('{practice}', 'goal_s') | int")}
        closed = texts.option("coach_reminder", "hold_goal_eyes_closed", **goal)
        open_ = texts.option("coach_reminder", "hold_goal_eyes_open", **goal)
        lines.append(
            f"{{% if state_attr('{practice}', 'goal_s') %}}\n"
            f"{{% if state_attr('{practice}', 'goal_eyes_closed') %}}{closed}"
            f"{{% else %}}{open_}{{% endif %}}\n{{% endif %}}"
        )
    explanation = f"state_attr('{phase}', 'explanation')"
    lines += [
        f"{{% if {explanation} %}}\n**{texts('phase_why')}**",
        f"{{% for line in {explanation} %}}\n- {{{{ line }}}}\n{{%- endfor %}}",
        "{% endif %}",
    ]
    return "\n".join(lines)


def _plan_advice(plan: PhasePlan, texts: Texts) -> str:
    safety = [f"- {texts.option('coach_safety', advice.value)}" for advice in plan.safety]
    exercises = [
        "- "
        + texts(
            "exercise_days",
            exercise=texts.option("coach_calendar", DONE_KEYS[target.kind].value),
            days=target.days_per_week,
        )
        for target in plan.exercises
    ]
    return "\n".join([*safety, "", f"**{texts('exercises')}**", *exercises, ""])
