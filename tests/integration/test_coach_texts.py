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
    PHASE_SENSOR,
    PREFIX,
    REMINDER_EVENT,
    CoachTexts,
)
from custom_components.retro_balance.engine.coach.history import PhaseAction
from custom_components.retro_balance.engine.coach.messages import reminder_message
from custom_components.retro_balance.engine.coach.planning import (
    BEFORE_PROGRAMME_KEY,
    CalendarKey,
    phase_description_key,
)
from custom_components.retro_balance.engine.coach.programme import (
    HOLD_LADDER,
    ActivityKind,
    DualTask,
    Focus,
    Phase,
    SafetyAdvice,
    Support,
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


def english() -> CoachTexts:
    """The texts as Home Assistant flattens them from strings.json."""
    flat: dict[str, str] = {}

    def walk(prefix: str, node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(f"{prefix}{key}.", value)
        else:
            flat[prefix[:-1]] = str(node)

    walk(PREFIX, json.loads((PACKAGE / "strings.json").read_text())["entity"])
    return CoachTexts(flat)


def test_every_reason_code_reads_with_its_figures(caplog: pytest.LogCaptureFixture) -> None:
    assert set(FIGURES) == set(ReasonCode)
    texts = english()
    for code, figures in FIGURES.items():
        text = texts.reason(reason(code, **figures))
        assert text.endswith("."), code
        assert not re.search(r"[{}]", text), (code, text)
    assert caplog.text == ""
    assert texts.reason(
        reason(ReasonCode.PRACTICE_HOLD_GOAL_REACHED, best_hold_s=31.5, goal_s=30.0)
    ) == ("Single-leg practice: 31.5 s held, reaching the 30 s the next phase needs.")


@pytest.mark.parametrize(
    ("part", "keys"),
    [
        ("safety", [advice.value for advice in SafetyAdvice]),
        ("focus", [focus.value for focus in Focus]),
        ("support", [support.value for support in Support]),
        ("dual_task", [task.value for task in DualTask]),
        ("exercises", [kind.value for kind in ActivityKind if kind is not ActivityKind.RETRO_WALK]),
    ],
)
def test_every_part_of_a_reminder_has_its_text(part: str, keys: list[str]) -> None:
    strings = json.loads((PACKAGE / "strings.json").read_text())["entity"]
    platform, key = REMINDER_EVENT.split(".")
    shown = strings[platform][key]["state_attributes"][part]["state"]
    assert set(shown) == set(keys)


def test_every_phase_action_and_calendar_key_has_its_text() -> None:
    strings = json.loads((PACKAGE / "strings.json").read_text())["entity"]
    platform, key = PHASE_SENSOR.split(".")
    phase = strings[platform][key]
    assert set(phase["state"]) == {f"phase_{int(p)}" for p in Phase}
    assert set(phase["state_attributes"]["decision"]["state"]) == {a.value for a in PhaseAction}
    assert set(phase["state_attributes"]["reasons"]["state"]) == {c.value for c in ReasonCode}
    platform, key = CALENDAR.split(".")
    calendar = strings[platform][key]["state_attributes"]
    assert set(calendar["message"]["state"]) == {k.value for k in CalendarKey}
    assert set(calendar["description"]["state"]) == {
        *(phase_description_key(p) for p in Phase),
        BEFORE_PROGRAMME_KEY,
    }


@pytest.mark.parametrize("phase", list(Phase))
def test_a_reminder_reads_as_sentences_in_every_phase(phase: Phase) -> None:
    message = reminder_message(phase, date(2026, 3, 4), hold_goal=HOLD_LADDER[-1])
    text = english().reminder(message)
    assert not re.search(r"[{}]", text)
    assert text.count(".") >= 5
    assert ("Today's mental task" in text) == (phase is Phase.COGNITIVE_INTEGRATION)
    assert text.endswith("10 seconds on each leg with your eyes closed.")
    assert (
        english()
        .calendar_description(phase_description_key(phase), phase)
        .startswith(f"Phase {int(phase)}")
    )


def test_a_missing_text_or_figure_shows_the_key_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    texts = CoachTexts({f"{PREFIX}{PHASE_SENSOR}.state.phase_1": "Phase {number}"}, "xx")
    assert texts.phase(Phase(1)) == "Phase {number}"
    assert texts.phase(Phase(2)) == "phase_2"
    assert texts.reason(Reason(ReasonCode.TOP_PHASE, MappingProxyType({}))) == "top_phase"
    assert "does not fit its figures" in caplog.text
    assert "No text for sensor.retro_walk_phase.state.phase_2 in language xx" in caplog.text
