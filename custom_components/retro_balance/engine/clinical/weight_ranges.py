"""Weight ranges that tell people apart: with two or more people, everyone has one and none overlap.

`identify_person` (people.py) files a session under someone by weight only when exactly one range
holds the weight and nobody lacks a range. With two or more people on a pad, one missing range
makes every weight ambiguous and two overlapping ranges make their shared weights ambiguous: the
sessions are kept, but unassigned. These checks let the setup refuse such ranges before a single
session goes unassigned.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations
from typing import Final

from .people import MAX_PERSON_WEIGHT_KG, MIN_PERSON_WEIGHT_KG, PersonProfile

SUGGESTED_RANGE_HALF_WIDTH_KG: Final = 4.0
"""Half the width of the range suggested around a weight measured on the pad.

Our choice, not a clinical figure: a person's weight on the pad varies with clothes, the time of
day and the weeks between checks, and 8 kg holds that while leaving room for a second person
10 kg away. The caregiver sees the suggestion and can change it.
"""
RANGE_STEP_KG: Final = 0.5
"""Suggested bounds are rounded to this (the person form's step)."""


class RangeProblemKind(StrEnum):
    """Why a person's weight range cannot tell them apart from the others."""

    MISSING = "missing"
    """The person has no range, beside others: every weight could be theirs."""
    OVERLAP = "overlap"
    """The person's range shares weights with another person's."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RangeProblem:
    """One problem: the person concerned and, for an overlap, the other person."""

    kind: RangeProblemKind
    person_id: str
    other_id: str | None = None


def ranges_overlap(first: PersonProfile, second: PersonProfile) -> bool:
    """Whether two configured ranges share a weight (bounds are inclusive in `weight_fits`)."""
    if (
        first.weight_min_kg is None
        or first.weight_max_kg is None
        or second.weight_min_kg is None
        or second.weight_max_kg is None
    ):
        return False
    return (
        first.weight_min_kg <= second.weight_max_kg and second.weight_min_kg <= first.weight_max_kg
    )


def weight_range_problems(people: Sequence[PersonProfile]) -> tuple[RangeProblem, ...]:
    """Every reason the pad could not tell these people apart by weight (none for one person).

    Missing ranges come first, in the people's order, then each overlapping pair once.
    """
    if len(people) < 2:
        return ()
    problems = [
        RangeProblem(kind=RangeProblemKind.MISSING, person_id=person.person_id)
        for person in people
        if not person.has_weight_range
    ]
    problems += [
        RangeProblem(
            kind=RangeProblemKind.OVERLAP, person_id=first.person_id, other_id=second.person_id
        )
        for first, second in combinations(people, 2)
        if ranges_overlap(first, second)
    ]
    return tuple(problems)


def suggested_range(weight_kg: float) -> tuple[float, float]:
    """Return a range around a weight measured on the pad, within the person limits.

    `ValueError` for a weight that is not finite or outside the limits (nobody real on the pad).
    """
    if not math.isfinite(weight_kg) or not (
        MIN_PERSON_WEIGHT_KG <= weight_kg <= MAX_PERSON_WEIGHT_KG
    ):
        raise ValueError(
            f"weight_kg must be from {MIN_PERSON_WEIGHT_KG:g} to {MAX_PERSON_WEIGHT_KG:g} kg, "
            f"got {weight_kg!r}"
        )
    low = math.floor((weight_kg - SUGGESTED_RANGE_HALF_WIDTH_KG) / RANGE_STEP_KG) * RANGE_STEP_KG
    high = math.ceil((weight_kg + SUGGESTED_RANGE_HALF_WIDTH_KG) / RANGE_STEP_KG) * RANGE_STEP_KG
    return max(low, MIN_PERSON_WEIGHT_KG), min(high, MAX_PERSON_WEIGHT_KG)
