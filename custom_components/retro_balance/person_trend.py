"""A person's trends from their stored sessions, computed when their part of the snapshot is built.

The coordinator rebuilds a person's part when their sessions change and when a new day begins
(the trends are "as of today": after three weeks without a session the current level is
dropped). What is measured per session is the engine's choice (`engine.trends.inputs`); a
stored value the detector refuses is left out and logged once, and if the trend cannot be
computed at all the person's `trend` is None (logged) — bad stored data never yields a wrong
trend.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo

from .const import LOGGER
from .engine.clinical.session import SessionRecord
from .engine.trends.assess import assess_person
from .engine.trends.inputs import trend_inputs
from .engine.trends.results import PersonTrend


class PersonTrends:
    """Computes the people's trends for one pad and remembers what it already reported."""

    def __init__(self, pad_id: str) -> None:
        """Bind to a pad (for the log lines)."""
        self._pad_id = pad_id
        self._reported: set[str] = set()

    def trend(
        self,
        name: str,
        sessions: Sequence[SessionRecord],
        *,
        as_of: date,
        zone: tzinfo,
        baseline_from: date | None = None,
    ) -> PersonTrend | None:
        """Every measure's trend on `as_of` (None, logged, when it cannot be computed).

        `baseline_from`: the day the person's baseline starts again (`restart_baseline`).
        """
        inputs = trend_inputs(sessions, zone)
        for problem in inputs.skipped:
            if problem not in self._reported:
                self._reported.add(problem)
                LOGGER.warning(
                    "Pad %s: a value of %s is left out of the trends: %s",
                    self._pad_id,
                    name,
                    problem,
                )
        try:
            return assess_person(inputs.observations, as_of, baseline_from=baseline_from)
        except ValueError as err:  # the inputs are checked, so this is a bug: say so once
            LOGGER.error("Pad %s: the trends of %s cannot be computed: %s", self._pad_id, name, err)
            return None
