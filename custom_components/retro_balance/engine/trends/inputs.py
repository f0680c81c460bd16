"""A person's stored sessions → the dated observations the trend detector follows.

Per session (``docs/trends.md``, "What the integration feeds"):

- single-leg stance left and right, tandem stance: the best completed trial (the longest hold,
  ``clinical.session.best_result``) with the cap in force; a hold ended by the cap is censored; a
  test where the person could not take the position (``StanceResult.position_not_taken``) is a
  0-s hold, as in the assessment (``clinical/outcomes.py``), never a missing day;
- quiet-stance sway speed: the mean COP speed of quiet stance with eyes closed — the daily
  check's condition — only when the stance was kept to the cap, so that every value covers the
  same duration;
- balance score: from complete daily checks only. A single test or a check cut short scores
  fewer tests (``scoring.md``: the score of one test is that test's points), which is not the
  same quantity.

The day is the session's local date (``started_at`` in the given time zone). A value the
detector would refuse (negative, not finite, a bad cap) is skipped and reported in
:attr:`TrendInputs.skipped`, so one bad stored session never breaks a whole trend.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import tzinfo
from types import MappingProxyType

from ..clinical.session import SessionKind, SessionRecord, best_result
from ..detection.stance_result import EndReason, StanceResult, StanceTest
from .measure import TrendMeasure
from .series import Observation, checked_observation

HOLD_TESTS: Mapping[TrendMeasure, StanceTest] = MappingProxyType(
    {
        TrendMeasure.SINGLE_LEG_LEFT: StanceTest.SINGLE_LEG_LEFT,
        TrendMeasure.SINGLE_LEG_RIGHT: StanceTest.SINGLE_LEG_RIGHT,
        TrendMeasure.TANDEM: StanceTest.TANDEM,
    }
)
"""The timed holds and the stance test each is read from."""
SWAY_TEST = StanceTest.QUIET_EYES_CLOSED
"""The quiet-stance condition whose sway speed is followed (the daily check's)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TrendInputs:
    """The observations of each measure, oldest first, and what was skipped and why."""

    observations: Mapping[TrendMeasure, tuple[Observation, ...]]
    skipped: tuple[str, ...]
    """One line per value that could not be used: the session, the measure and the problem."""


def _hold(result: StanceResult) -> tuple[float, float]:
    """``(value, cap)`` of a hold; one ended by the cap counts as the cap (censored)."""
    if result.end_reason is EndReason.CAP:
        return max(result.hold_time_s, result.cap_s), result.cap_s
    return result.hold_time_s, result.cap_s


def session_values(record: SessionRecord) -> dict[TrendMeasure, tuple[float, float | None]]:
    """Return the session's ``(value, cap)`` of each measure it measured (module docstring)."""
    values: dict[TrendMeasure, tuple[float, float | None]] = {}
    for measure, test in HOLD_TESTS.items():
        if (result := best_result(record, test)) is not None:
            values[measure] = _hold(result)
        elif not_taken := [r for r in record.results if r.test is test and r.position_not_taken]:
            values[measure] = 0.0, not_taken[0].cap_s
    quiet = best_result(record, SWAY_TEST)
    if quiet is not None and quiet.end_reason is EndReason.CAP and quiet.sway is not None:
        values[TrendMeasure.QUIET_SWAY_VELOCITY] = (quiet.sway.mean_velocity_cm_s, None)
    assessment = record.assessment
    if (
        record.kind is SessionKind.DAILY_CHECK
        and record.complete
        and assessment is not None
        and assessment.score is not None
    ):
        values[TrendMeasure.BALANCE_SCORE] = (assessment.score, None)
    return values


def trend_inputs(records: Iterable[SessionRecord], zone: tzinfo) -> TrendInputs:
    """Collect the observations of ``records`` (one person's sessions), skipping bad values."""
    observations: dict[TrendMeasure, list[Observation]] = {measure: [] for measure in TrendMeasure}
    skipped: list[str] = []
    for record in records:
        day = record.started_at.astimezone(zone).date()
        for measure, (value, cap) in session_values(record).items():
            observation = Observation(day=day, value=value, cap=cap)
            try:
                checked_observation(measure, observation)
            except ValueError as err:
                skipped.append(f"session {record.session_id}: {err}")
                continue
            observations[measure].append(observation)
    return TrendInputs(
        observations=MappingProxyType({m: tuple(obs) for m, obs in observations.items()}),
        skipped=tuple(skipped),
    )
