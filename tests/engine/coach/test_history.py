"""The phase history record: validation and reading back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from custom_components.retro_balance.engine.coach.history import (
    PhaseAction,
    PhaseChange,
    check_history,
    lowest_phase_between,
    phase_on,
    phase_since,
)
from custom_components.retro_balance.engine.coach.programme import Phase
from custom_components.retro_balance.engine.coach.reasons import ReasonCode
from tests.engine.coach.builders import AMSTERDAM, MONDAY

START = PhaseChange(
    on=MONDAY, phase=Phase(1), action=PhaseAction.START, reasons=(ReasonCode.PROGRAMME_STARTED,)
)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"on": datetime(2026, 1, 5, tzinfo=AMSTERDAM)}, "on must be a date"),
        ({"on": "2026-01-05"}, "on must be a date"),
        ({"action": "start"}, "action must be one of"),
        ({"reasons": ["programme_started"]}, "reasons must be a tuple of reason codes"),
        ({"phase": 0}, "phase must be one of"),
    ],
)
def test_invalid_changes_are_refused(changes: dict[str, Any], message: str) -> None:
    fields: dict[str, Any] = {
        "on": MONDAY,
        "phase": Phase(1),
        "action": PhaseAction.START,
        "reasons": (),
    }
    with pytest.raises(ValueError, match=message):
        PhaseChange(**(fields | changes))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("start", "must be a mapping"),
        ({"on": "5 Jan", "phase": 1, "action": "start", "reasons": []}, "on: "),
        ({"on": None, "phase": 1, "action": "start", "reasons": []}, "on must be a string"),
    ],
)
def test_bad_stored_changes_are_refused(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PhaseChange.from_dict(data)  # type: ignore[arg-type]


def test_round_trip() -> None:
    assert PhaseChange.from_dict(START.as_dict()) == START


def test_history_must_hold_changes() -> None:
    with pytest.raises(ValueError, match="PhaseChange records"):
        check_history([START, "step_up"])  # type: ignore[list-item]


def test_phase_on_since_and_lowest() -> None:
    later = PhaseChange(
        on=MONDAY.replace(day=8), phase=Phase(2), action=PhaseAction.STEP_UP, reasons=()
    )
    again = PhaseChange(
        on=MONDAY.replace(day=9), phase=Phase(2), action=PhaseAction.OVERRIDE, reasons=()
    )
    history = (START, later, again)
    assert phase_on(history, MONDAY.replace(day=4)) is None
    assert phase_on(history, MONDAY.replace(day=8)) is Phase(2)
    assert phase_since(history) == MONDAY.replace(day=8)
    assert lowest_phase_between(history, MONDAY.replace(day=7), MONDAY.replace(day=13)) is Phase(1)
    assert lowest_phase_between(history, MONDAY.replace(day=8), MONDAY.replace(day=13)) is Phase(2)
    assert lowest_phase_between(history, MONDAY.replace(day=1), MONDAY.replace(day=4)) is None
