"""The phase history: every change of phase with its day, kind and reason codes.

The first entry is the programme's start (phase 1 on the start date); the phase on any later day is
the last change on or before it. Several changes may fall on the same day (an override and then
automatic rules); the last one wins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from itertools import pairwise
from typing import Any

from ..validation import text
from .programme import Phase, plan_for
from .reasons import ReasonCode


class PhaseAction(StrEnum):
    """What a decision or a change did."""

    START = "start"
    STEP_UP = "step_up"
    HOLD = "hold"
    STEP_BACK = "step_back"
    OVERRIDE = "override"


@dataclass(frozen=True, slots=True, kw_only=True)
class PhaseChange:
    """The phase from `on` (a local date) onwards, and why."""

    on: date
    phase: Phase
    action: PhaseAction
    reasons: tuple[ReasonCode, ...]

    def __post_init__(self) -> None:
        """Reject a change that would be read back differently."""
        if not isinstance(self.on, date) or isinstance(self.on, datetime):
            raise ValueError(f"on must be a date, got {self.on!r}")
        plan_for(self.phase)
        if not isinstance(self.action, PhaseAction):
            raise ValueError(f"action must be one of {sorted(PhaseAction)}, got {self.action!r}")
        if not isinstance(self.reasons, tuple) or not all(
            isinstance(code, ReasonCode) for code in self.reasons
        ):
            raise ValueError(f"reasons must be a tuple of reason codes, got {self.reasons!r}")

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly mapping."""
        return {
            "on": self.on.isoformat(),
            "phase": int(self.phase),
            "action": self.action.value,
            "reasons": [code.value for code in self.reasons],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PhaseChange:
        """Read a stored change back; ``ValueError`` naming the field when anything is wrong."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a phase change must be a mapping, got {type(data).__name__}")
        try:
            on = date.fromisoformat(text(data.get("on"), "on"))
        except ValueError as err:
            raise ValueError(f"on: {err}") from None
        reasons = data.get("reasons")
        if not isinstance(reasons, list):
            raise ValueError(f"reasons must be a list, got {reasons!r}")
        try:
            codes = tuple(ReasonCode(text(code, "reason")) for code in reasons)
            action = PhaseAction(text(data.get("action"), "action"))
        except ValueError as err:
            raise ValueError(f"phase change: {err}") from None
        return cls(on=on, phase=plan_for(data.get("phase")).phase, action=action, reasons=codes)


def check_history(history: Sequence[PhaseChange]) -> tuple[PhaseChange, ...]:
    """`history` as a tuple, or ``ValueError`` when it is empty, unordered or not changes."""
    changes = tuple(history)
    if not changes:
        raise ValueError("the phase history needs at least the start of the programme")
    if not all(isinstance(change, PhaseChange) for change in changes):
        raise ValueError("the phase history must hold PhaseChange records")
    if any(later.on < earlier.on for earlier, later in pairwise(changes)):
        raise ValueError("the phase history must be in date order")
    return changes


def phase_on(history: Sequence[PhaseChange], day: date) -> Phase | None:
    """Return the phase in force at the end of `day`; None before the programme started."""
    current = None
    for change in history:
        if change.on > day:
            break
        current = change.phase
    return current


def lowest_phase_between(history: Sequence[PhaseChange], first: date, last: date) -> Phase | None:
    """Return the lowest phase in force on any day from `first` to `last` (None if none was).

    A week is measured against this phase, so a change in the middle of a week never makes that
    week fail a target it was not planned for (a product choice, docs/coach.md).
    """
    phases = [change.phase for change in history if first < change.on <= last]
    at_start = phase_on(history, first)
    if at_start is not None:
        phases.append(at_start)
    return min(phases, default=None)


def phase_since(history: Sequence[PhaseChange]) -> date:
    """Return the day the current phase began (the last change to another phase)."""
    current = history[-1].phase
    since = history[-1].on
    for change in reversed(history):
        if change.phase != current:
            break
        since = change.on
    return since
