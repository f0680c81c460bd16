"""The coach's words: every key the engine gives has an English text that takes its figures."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from types import MappingProxyType

import pytest

from custom_components.retro_balance.coach_text import (
    CALENDAR,
    DUAL_TASK,
    FOCUS,
    REASON,
    REMINDER,
    SAFETY,
    CoachTexts,
    option_key,
)
from custom_components.retro_balance.engine.coach.history import PhaseAction
from custom_components.retro_balance.engine.coach.messages import (
    REMINDER_MESSAGE_KEY,
    reminder_message,
)
from custom_components.retro_balance.engine.coach.planning import (
    BEFORE_PROGRAMME_KEY,
    CalendarKey,
    phase_description_key,
)
from custom_components.retro_balance.engine.coach.programme import (
    HOLD_LADDER,
    DualTask,
    Focus,
    Phase,
    SafetyAdvice,
)
from custom_components.retro_balance.engine.coach.reasons import Reason, ReasonCode, reason

PACKAGE = Path(__file__).parents[2] / "custom_components" / "retro_balance"
FIGURES: dict[ReasonCode, dict[str, int | float | str]] = {
    ReasonCode.PROGRAMME_STARTED: {},
    ReasonCode.MANUAL_OVERRIDE: {"phase": 3},
    ReasonCode.OVERRIDE_DIFFERS_FROM_RULES: {"phase": 3, "automatic_phase": 1},
    ReasonCode.FALL_RISK_HIGH: {"level": "high"},
    ReasonCode.BALANCE_DECLINING: {},
    ReasonCode.FALL_RISK_UNKNOWN: {"level": "unknown"},
    ReasonCode.FALL_RISK_MODERATE: {"level": "moderate", "max_phase": 2},
    ReasonCode.BALANCE_ALLOWS: {"level": "low"},
    ReasonCode.ADHERENCE_SUSTAINED: {"weeks_met": 2, "weeks_needed": 2},
    ReasonCode.ADHERENCE_NOT_SUSTAINED: {"weeks_met": 1, "weeks_needed": 2},
    ReasonCode.PRACTICE_HOLD_GOAL_REACHED: {"best_hold_s": 31.5, "goal_s": 30.0},
    ReasonCode.PRACTICE_HOLD_GOAL_NOT_REACHED: {"best_hold_s": 0, "goal_s": 30.0},
    ReasonCode.TOP_PHASE: {"phase": 3},
}
"""The figures each code carries (engine/coach/reasons.py, docs/coach.md)."""


def selectors() -> dict[str, dict[str, str]]:
    strings = json.loads((PACKAGE / "strings.json").read_text())["selector"]
    return {name: value["options"] for name, value in strings.items()}


def english() -> CoachTexts:
    """The texts as Home Assistant caches them from strings.json."""
    return CoachTexts(
        {
            option_key(name, key): text
            for name, options in selectors().items()
            for key, text in options.items()
        }
    )


def test_every_reason_code_reads_with_its_figures(caplog: pytest.LogCaptureFixture) -> None:
    assert set(FIGURES) == set(ReasonCode)
    assert set(selectors()[REASON]) == {code.value for code in ReasonCode}
    texts = english()
    for code, figures in FIGURES.items():
        text = texts.reason(reason(code, **figures))
        assert text.endswith("."), code
        assert not re.search(r"[{}]", text), (code, text)
    assert caplog.text == ""
    reached = reason(ReasonCode.PRACTICE_HOLD_GOAL_REACHED, best_hold_s=31.5, goal_s=30.0)
    assert texts.reason(reached) == (
        "Single-leg practice: 31.5 s held, reaching the 30 s the next phase needs."
    )


@pytest.mark.parametrize(
    ("selector", "keys"),
    [
        (SAFETY, {advice.value for advice in SafetyAdvice}),
        (FOCUS, {focus.value for focus in Focus}),
        (DUAL_TASK, {task.value for task in DualTask}),
        (
            REMINDER,
            {REMINDER_MESSAGE_KEY, "walk_minutes", "hold_goal_eyes_open", "hold_goal_eyes_closed"},
        ),
        (
            CALENDAR,
            {
                *(key.value for key in CalendarKey),
                *(phase_description_key(phase) for phase in Phase),
                BEFORE_PROGRAMME_KEY,
            },
        ),
    ],
)
def test_every_key_of_a_reminder_and_the_calendar_has_its_text(
    selector: str, keys: set[str]
) -> None:
    assert set(selectors()[selector]) == keys


def test_every_phase_and_decision_has_its_name() -> None:
    strings = json.loads((PACKAGE / "strings.json").read_text())["entity"]
    phase = strings["sensor"]["retro_walk_phase"]
    assert set(phase["state"]) == {f"phase_{int(p)}" for p in Phase}
    assert set(phase["state_attributes"]["decision"]["state"]) == {a.value for a in PhaseAction}


@pytest.mark.parametrize("phase", list(Phase))
def test_a_reminder_reads_as_sentences_in_every_phase(phase: Phase) -> None:
    message = reminder_message(phase, date(2026, 3, 4), hold_goal=HOLD_LADDER[-1])
    text = english().reminder(message)
    assert not re.search(r"[{}]", text)
    assert text.count(".") >= 5
    assert ("Today's mental task" in text) == (phase is Phase.COGNITIVE_INTEGRATION)
    assert text.endswith("10 seconds on each leg with your eyes closed.")
    assert english().reminder_title() == "Time to walk backwards"
    description = english().calendar_description(phase_description_key(phase), phase)
    assert description.startswith(f"Phase {int(phase)}")
    assert not re.search(r"[{}]", description)


def test_a_missing_text_or_figure_shows_the_key_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    texts = CoachTexts({option_key(REASON, "top_phase"): "Phase {number}"})
    assert texts.reason(reason(ReasonCode.TOP_PHASE, phase=3)) == "Phase {number}"
    assert texts.reason(Reason(ReasonCode.MANUAL_OVERRIDE, MappingProxyType({}))) == (
        "manual_override"
    )
    assert "does not fit its figures" in caplog.text
    assert "No text for coach_reason manual_override" in caplog.text
