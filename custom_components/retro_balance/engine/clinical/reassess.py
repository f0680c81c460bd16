"""Assess again the stored sessions whose assessment was made by older rules.

A session keeps every trial's result, so its assessment can always be made again. One stored in
an older format is read as ``None`` (``assessment.stored_assessment``); after loading, the
integration passes its sessions and people here and stores what comes back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .people import PersonProfile
from .session import SessionRecord, assess_session


def needing_assessment(
    records: Iterable[SessionRecord], people: Mapping[str, PersonProfile]
) -> list[SessionRecord]:
    """Assess the assigned sessions that have no assessment and whose person is known.

    Sessions of people no longer configured and unassigned sessions are left as they are.
    """
    return [
        assess_session(record, people[record.person_id])
        for record in records
        if record.assessment is None and record.person_id is not None and record.person_id in people
    ]
