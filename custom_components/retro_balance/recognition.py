"""Who the pad recognises by weight right now: the pad's "Person on the pad" sensor.

The same rule files a check under a person when it is stored (`identify_person`, without anyone
chosen in the *Next check for* select), so the sensor shows whether the weight ranges work before
a check depends on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .engine.clinical.people import IdentifiedBy
from .snapshot import PadSnapshot

NOBODY: Final = "nobody"
"""Nobody stands on the pad (or it is offline)."""
UNCLEAR: Final = "unclear"
"""Several people could be on the pad (their ranges hold the weight, or someone has none)."""
NOT_RECOGNISED: Final = "not_recognised"
"""The weight fits nobody's range."""
ATTR_CANDIDATES: Final = "candidates"
ATTR_IDENTIFIED_BY: Final = "identified_by"


def recognised_person(snapshot: PadSnapshot) -> str:
    """Return the name of the person recognised on the pad, or why there is none."""
    found = snapshot.pad.recognised
    if found is None:
        return NOBODY
    person = None if found.person_id is None else snapshot.people.get(found.person_id)
    if person is not None:
        return person.profile.name
    return UNCLEAR if found.method is IdentifiedBy.AMBIGUOUS else NOT_RECOGNISED


def recognition_details(snapshot: PadSnapshot) -> Mapping[str, Any] | None:
    """Return how the person was recognised, and who it could be when that is unclear."""
    found = snapshot.pad.recognised
    if found is None:
        return None
    details: dict[str, Any] = {ATTR_IDENTIFIED_BY: found.method.value}
    if found.candidates:
        details[ATTR_CANDIDATES] = sorted(
            snapshot.people[person_id].profile.name
            for person_id in found.candidates
            if person_id in snapshot.people
        )
    return details
