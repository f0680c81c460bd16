"""Reason codes and sources that explain every trend decision, without prose.

A :class:`TrendReason` is ``(code, measure, figure, source)``: the user interface turns it into
words (translations), automations match on the code. Codes and sources are stable strings;
``docs/trends.md`` lists what each means and the unit of its figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from .measure import TrendMeasure
from .sources import TrendSource

FIGURE_DECIMALS = 3


class TrendCode(StrEnum):
    """What a reason says; its ``figure`` is described in ``docs/trends.md``."""

    NO_SESSIONS = "no_sessions"
    """The measure was never taken (figure: 0)."""
    BUILDING_BASELINE = "building_baseline"
    """Too few sessions for a baseline yet (figure: sessions still needed)."""
    PRACTICE_SESSIONS_SET_ASIDE = "practice_sessions_set_aside"
    """The first sessions are left out of the baseline (figure: how many)."""
    BASELINE_RESTARTED = "baseline_restarted"
    """The baseline was started again on the reason's ``day``: earlier sessions are history only
    (figure: sessions since that day)."""
    TOO_FEW_RECENT_SESSIONS = "too_few_recent_sessions"
    """Not enough recent sessions for a current level (figure: recent sessions)."""
    NO_RECENT_SESSIONS = "no_recent_sessions"
    """Nothing measured lately; the last decision is kept (figure: days since the last session)."""
    BASELINE_AT_CAP = "baseline_at_cap"
    """The baseline is held to the cap: only a lower bound (figure: the cap)."""
    CURRENT_AT_CAP = "current_at_cap"
    """The current level is held to the cap, so it cannot be a decline (figure: the cap)."""
    MEASUREMENT_ERROR = "measurement_error"
    """The day-to-day error used (figure: SEM in % for log-scale measures, else in units)."""
    CHANGE_WITHIN_ERROR = "change_within_error"
    """The change is within what noise explains (figure: change, % or units as above)."""
    CHANGE_BEYOND_ERROR = "change_beyond_error"
    """The current level is worse than the baseline beyond noise (figure: change)."""
    DECLINE_NOT_YET_PERSISTENT = "decline_not_yet_persistent"
    """Beyond noise, but not on enough sessions in a row yet (figure: sessions so far)."""
    DECLINE_PERSISTED = "decline_persisted"
    """Beyond noise on enough sessions in a row: a confirmed decline (figure: sessions since it
    was confirmed, 1 on that session)."""
    TANDEM_UNDER_THRESHOLD = "tandem_under_10s"
    """Tandem under 10 s on enough of the last sessions for the rule (figure: how many)."""
    TANDEM_HELD = "tandem_10s_held"
    """Tandem under 10 s on fewer of the last sessions than the rule needs (figure: how many)."""
    TANDEM_BASELINE_UNDER_THRESHOLD = "tandem_baseline_under_10s"
    """The baseline itself is under 10 s: a level for the fall-risk rules, not a change (figure:
    the baseline in s)."""
    RECOVERY_NOT_YET_PERSISTENT = "recovery_not_yet_persistent"
    """While declining: back within the recovery bound, not yet long enough (figure: sessions)."""
    RECOVERED = "recovered"
    """A decline is no longer present (figure: sessions back within the recovery bound)."""
    DECLINE_RAISES_LEVEL = "decline_raises_level"
    """A confirmed decline raised the fall-risk level one step (figure: the change)."""
    DECLINE_AT_HIGHEST_LEVEL = "decline_at_highest_level"
    """A confirmed decline while the level is already high (figure: the change)."""
    DECLINE_LEVEL_UNKNOWN = "decline_level_unknown"
    """A confirmed decline while the level is unknown: it stays unknown (figure: the change)."""
    TOO_FEW_SESSIONS_BEFORE = "too_few_sessions_before"
    """Programme effect: too few sessions in the weeks before the start (figure: how many)."""
    TOO_FEW_SESSIONS_SINCE = "too_few_sessions_since"
    """Programme effect: too few sessions since the start (figure: how many)."""
    IMPROVED_BEYOND_ERROR = "improved_beyond_error"
    """Programme effect: better since the start, beyond measurement error (figure: change)."""
    WORSENED_BEYOND_ERROR = "worsened_beyond_error"
    """Programme effect: worse since the start, beyond measurement error (figure: change)."""
    EFFECT_WITHIN_ERROR = "effect_within_error"
    """Programme effect: a change measurement error explains (figure: change)."""
    HELD_TO_CAP = "held_to_cap"
    """Programme effect: a side's level is held to the cap, so the change is a bound (figure:
    the cap)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TrendReason:
    """One step of a decision: a stable code, the measure, a figure and the source behind it."""

    code: TrendCode
    measure: TrendMeasure
    figure: float | None
    source: TrendSource
    day: date | None = None
    """The date a reason is about (``baseline_restarted``: the day the baseline starts from)."""

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly mapping (``day`` only for a reason about a date)."""
        shown: dict[str, Any] = {
            "code": self.code.value,
            "measure": self.measure.value,
            "figure": None if self.figure is None else round(self.figure, FIGURE_DECIMALS),
            "source": self.source.value,
        }
        if self.day is not None:
            shown["day"] = self.day.isoformat()
        return shown
