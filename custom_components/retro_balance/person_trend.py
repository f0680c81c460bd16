"""A person's balance trends from their stored sessions (`engine.trends`), for the snapshot.

One value per session and measure, as `docs/trends.md` asks: each timed hold's best completed
trial with the cap it was held against, the quiet-stance sway speed of the daily check's
condition (eyes closed), and the session's balance score. Trends are derived data, recomputed
when the person's sessions change or the day changes; bad input yields no trend, never a partial
one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from homeassistant.util import dt as dt_util

from .const import LOGGER
from .engine.clinical.session import SessionRecord, best_result
from .engine.detection.stance_result import StanceTest
from .engine.trends.assess import assess_person
from .engine.trends.measure import TrendMeasure
from .engine.trends.results import PersonTrend
from .engine.trends.series import Observation

HOLD_TESTS = {
    TrendMeasure.SINGLE_LEG_LEFT: StanceTest.SINGLE_LEG_LEFT,
    TrendMeasure.SINGLE_LEG_RIGHT: StanceTest.SINGLE_LEG_RIGHT,
    TrendMeasure.TANDEM: StanceTest.TANDEM,
}
SWAY_TEST = StanceTest.QUIET_EYES_CLOSED
"""The quiet-stance condition of the default daily check; always the same one (docs/trends.md)."""


def trend_observations(
    sessions: Sequence[SessionRecord],
) -> dict[TrendMeasure, list[Observation]]:
    """Every measure's observations in the person's sessions, dated by local day."""
    observations: dict[TrendMeasure, list[Observation]] = {}

    def add(measure: TrendMeasure, observation: Observation) -> None:
        observations.setdefault(measure, []).append(observation)

    for record in sessions:
        day = dt_util.as_local(record.started_at).date()
        for measure, test in HOLD_TESTS.items():
            if (hold := best_result(record, test)) is not None:
                add(measure, Observation(day=day, value=hold.hold_time_s, cap=hold.cap_s))
        sway = best_result(record, SWAY_TEST)
        if sway is not None and sway.sway is not None:
            add(
                TrendMeasure.QUIET_SWAY_VELOCITY,
                Observation(day=day, value=float(sway.sway.mean_velocity_cm_s)),
            )
        if record.assessment is not None and record.assessment.score is not None:
            add(TrendMeasure.BALANCE_SCORE, Observation(day=day, value=record.assessment.score))
    return observations


def person_trend(sessions: Sequence[SessionRecord], as_of: date) -> PersonTrend | None:
    """Return the person's trends on `as_of`; None (logged) when the sessions cannot be read."""
    try:
        return assess_person(trend_observations(sessions), as_of)
    except ValueError as err:
        LOGGER.warning("No balance trend for these sessions: %s", err)
        return None
