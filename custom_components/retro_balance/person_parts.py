"""Each person's part of the snapshot (sessions, trends, coach) and what the coach reads from it.

A part is rebuilt only when the person's profile (a baseline started again, too), sessions, their
coach view or the day of their trend changed; otherwise the old object is reused, so that the
person's entities skip the update by identity.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from homeassistant.util import dt as dt_util

from .coach_runtime import CoachInputs, PadCoach
from .engine.clinical.fall_risk import RiskLevel
from .person_results import fall_risk_record
from .person_trend import PersonTrends
from .sessions import PadSessions
from .snapshot import PersonSessions


def people_parts(
    previous: Mapping[str, PersonSessions],
    sessions: PadSessions,
    coach: PadCoach,
    trends: PersonTrends,
) -> Mapping[str, PersonSessions]:
    """Return every person's part; one whose sessions, coach and day did not change is reused."""
    people: dict[str, PersonSessions] = {}
    today = dt_util.now().date()
    for person_id, profile in sessions.people.items():
        records = sessions.for_person(person_id)
        view = coach.view(person_id)
        old = previous.get(person_id)
        trend = None
        if old is not None and old.profile == profile and _same_records(old.sessions, records):
            records = old.sessions  # the same tuple: its readers can tell by identity
            if old.trend is not None and old.trend.as_of == today:
                if old.coach is view:
                    people[person_id] = old
                    continue
                trend = old.trend
        if trend is None:
            trend = trends.trend(
                profile.name,
                records,
                as_of=today,
                zone=dt_util.get_default_time_zone(),
                baseline_from=profile.baseline_from,
            )
        people[person_id] = PersonSessions(
            profile=profile,
            sessions=records,
            trend=trend,
            programme_start=None if view is None else view.programme_start,
            coach=view,
        )
    return MappingProxyType(people)


def coach_inputs(person: PersonSessions | None) -> CoachInputs:
    """Return the person's headline fall-risk level (as the sensor shows it) and the decline flag.

    The level is the fall-risk sensor's before the trend raises it (`person_results`): the newest
    full check's, never an interrupted one's. A decline is passed on apart, as the coach's rules
    read it (`engine/coach`).
    """
    if person is None:
        return CoachInputs(risk_level=RiskLevel.UNKNOWN, declining=False)
    record = fall_risk_record(person)
    level = (
        None if record is None or record.assessment is None else record.assessment.fall_risk.level
    )
    return CoachInputs(
        risk_level=RiskLevel.UNKNOWN if level is None else level,
        declining=person.trend is not None and person.trend.declining,
    )


def _same_records(old: tuple[object, ...], new: tuple[object, ...]) -> bool:
    return len(old) == len(new) and all(a is b for a, b in zip(old, new, strict=True))
