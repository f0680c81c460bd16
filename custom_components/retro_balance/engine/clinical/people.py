"""Who is on the pad: person profiles and choosing one by explicit selection or by weight.

The rule that matters most: when the choice is unclear the answer is "nobody", never a guess. A
session without a person is kept unassigned (and can be assigned later), so one person's results
are never filed under another's name.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final

from ..detection.pad_state import OCCUPIED_MIN_KG
from .norms import Sex

SEX_OPTIONS: Final = tuple(sex.value for sex in Sex)
"""What the person form offers for sex, in this order (norms that differ by sex use it)."""
DEFAULT_SEX: Final = Sex.UNSPECIFIED
MIN_BIRTH_YEAR = 1900
"""Earliest birth year a person may have; the latest is the current year."""
MIN_PERSON_WEIGHT_KG = OCCUPIED_MIN_KG
"""Lowest weight a range may start at: below it the pad does not even count as occupied."""
MAX_PERSON_WEIGHT_KG = 300.0
"""Highest weight a range may end at (above a pad's practical load rating)."""


class IdentifiedBy(StrEnum):
    """How a session's person was chosen, or why none was."""

    SELECTED = "selected"
    """Chosen explicitly (select entity, service call)."""
    WEIGHT = "weight"
    """The only person whose configured weight range contains the measured weight."""
    ONLY_PERSON = "only_person"
    """The pad has exactly one person and no weight range is configured."""
    ASSIGNED = "assigned"
    """Assigned after the session (by the user, to an unassigned session)."""
    AMBIGUOUS = "ambiguous"
    """Several people could be on the pad: the session stays unassigned."""
    NO_MATCH = "no_match"
    """Nobody configured fits: the session stays unassigned."""


UNASSIGNED_METHODS = frozenset({IdentifiedBy.AMBIGUOUS, IdentifiedBy.NO_MATCH})
"""Methods that leave a session without a person."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonProfile:
    """One person who uses the pad. A weight range is optional but must be given as a pair."""

    person_id: str
    name: str
    birth_year: int
    sex: Sex
    weight_min_kg: float | None = None
    weight_max_kg: float | None = None
    baseline_from: date | None = None
    """The day the person's trend baseline starts again (a new pad, after an operation); None:
    from their first session (``engine/trends``, ``docs/trends.md``)."""

    def __post_init__(self) -> None:
        """Reject profiles that could not identify or score anyone."""
        if not isinstance(self.person_id, str) or not self.person_id.strip():
            raise ValueError(f"person_id must be a non-empty string, got {self.person_id!r}")
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"name must be a non-empty string, got {self.name!r}")
        this_year = date.today().year
        if (
            isinstance(self.birth_year, bool)
            or not isinstance(self.birth_year, int)
            or not MIN_BIRTH_YEAR <= self.birth_year <= this_year
        ):
            raise ValueError(
                f"birth_year must be a year from {MIN_BIRTH_YEAR} to {this_year}, "
                f"got {self.birth_year!r}"
            )
        if not isinstance(self.sex, Sex):
            raise ValueError(f"sex must be one of {[s.value for s in Sex]}, got {self.sex!r}")
        if self.baseline_from is not None and (
            isinstance(self.baseline_from, datetime) or not isinstance(self.baseline_from, date)
        ):
            raise ValueError(f"baseline_from must be a date, got {self.baseline_from!r}")
        self._check_weight_range()

    def _check_weight_range(self) -> None:
        low, high = self.weight_min_kg, self.weight_max_kg
        if low is None and high is None:
            return
        if low is None or high is None:
            raise ValueError(
                f"weight_min_kg and weight_max_kg must be given together, got {low!r} and {high!r}"
            )
        for name, value in (("weight_min_kg", low), ("weight_max_kg", high)):
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or not MIN_PERSON_WEIGHT_KG <= value <= MAX_PERSON_WEIGHT_KG
            ):
                raise ValueError(
                    f"{name} must be a weight from {MIN_PERSON_WEIGHT_KG:g} to "
                    f"{MAX_PERSON_WEIGHT_KG:g} kg, got {value!r}"
                )
        if not low < high:
            raise ValueError(f"weight_min_kg ({low}) must be below weight_max_kg ({high})")

    @property
    def has_weight_range(self) -> bool:
        """True when a weight range is configured."""
        return self.weight_min_kg is not None

    def weight_fits(self, weight_kg: float) -> bool:
        """Tell whether a range is configured and contains `weight_kg` (bounds included)."""
        if self.weight_min_kg is None or self.weight_max_kg is None:
            return False
        return self.weight_min_kg <= weight_kg <= self.weight_max_kg

    def age_on(self, on_date: date) -> int:
        """Age in whole years on `on_date`.

        Only the birth year is stored (less personal data), so this is the age reached during that
        calendar year: at most one year more than the exact age.
        """
        if on_date.year < self.birth_year:
            raise ValueError(f"{on_date.isoformat()} is before birth year {self.birth_year}")
        return on_date.year - self.birth_year


@dataclass(frozen=True, slots=True, kw_only=True)
class Identification:
    """The outcome of `identify_person`: a person id, or None with the reason."""

    person_id: str | None
    method: IdentifiedBy
    candidates: tuple[str, ...] = ()
    """For `ambiguous`: the people who could be on the pad."""
    detail: str = ""
    """One sentence saying why, for logs and the session record."""


def identify_person(
    weight_kg: float | None,
    people: Sequence[PersonProfile],
    *,
    selected_person_id: str | None,
    on_date: date,
) -> Identification:
    """Choose who is on the pad.

    In order: an explicit selection wins; with exactly one person and no weight range configured,
    that person; otherwise the single person whose range contains the weight. A person without a
    range could weigh anything, so beside others they make every weight ambiguous. People born
    after `on_date` are not candidates. An unknown selected id is `no_match` (never a fallback to
    weight: the user asked for someone specific).
    """
    candidates = [person for person in people if person.birth_year <= on_date.year]
    if selected_person_id is not None:
        for person in candidates:
            if person.person_id == selected_person_id:
                return Identification(
                    person_id=person.person_id,
                    method=IdentifiedBy.SELECTED,
                    detail=f"{person.name} was selected",
                )
        return Identification(
            person_id=None,
            method=IdentifiedBy.NO_MATCH,
            detail=f"the selected person {selected_person_id!r} is not configured",
        )
    if not candidates:
        return Identification(
            person_id=None, method=IdentifiedBy.NO_MATCH, detail="no person is configured"
        )
    if len(candidates) == 1 and not candidates[0].has_weight_range:
        person = candidates[0]
        return Identification(
            person_id=person.person_id,
            method=IdentifiedBy.ONLY_PERSON,
            detail=f"{person.name} is the only person on this pad",
        )
    without_range = [person for person in candidates if not person.has_weight_range]
    if weight_kg is None or not math.isfinite(weight_kg):
        return Identification(
            person_id=None,
            method=IdentifiedBy.AMBIGUOUS,
            candidates=tuple(person.person_id for person in candidates),
            detail="no weight was measured",
        )
    fitting = [person for person in candidates if person.weight_fits(weight_kg)]
    possible = fitting + without_range
    if len(possible) == 1 and fitting:
        person = fitting[0]
        return Identification(
            person_id=person.person_id,
            method=IdentifiedBy.WEIGHT,
            detail=f"{weight_kg:.1f} kg is within {person.name}'s weight range",
        )
    if not possible:
        return Identification(
            person_id=None,
            method=IdentifiedBy.NO_MATCH,
            detail=f"{weight_kg:.1f} kg is outside every configured weight range",
        )
    if len(possible) == 1:
        detail = (
            f"{weight_kg:.1f} kg fits no configured range and {possible[0].name} has none, "
            "so it may be a guest"
        )
    else:
        detail = f"{weight_kg:.1f} kg could be any of {len(possible)} people"
    return Identification(
        person_id=None,
        method=IdentifiedBy.AMBIGUOUS,
        candidates=tuple(person.person_id for person in possible),
        detail=detail,
    )
