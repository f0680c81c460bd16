"""Weight ranges that tell people apart, and the range suggested from a weight on the pad."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.retro_balance.engine.clinical.norms import Sex
from custom_components.retro_balance.engine.clinical.people import (
    MAX_PERSON_WEIGHT_KG,
    MIN_PERSON_WEIGHT_KG,
    IdentifiedBy,
    PersonProfile,
    identify_person,
)
from custom_components.retro_balance.engine.clinical.weight_ranges import (
    SUGGESTED_RANGE_HALF_WIDTH_KG,
    RangeProblem,
    RangeProblemKind,
    ranges_overlap,
    suggested_range,
    weight_range_problems,
)


def person(person_id: str, low: float | None = None, high: float | None = None) -> PersonProfile:
    return PersonProfile(
        person_id=person_id,
        name=person_id.title(),
        birth_year=1950,
        sex=Sex.FEMALE,
        weight_min_kg=low,
        weight_max_kg=high,
    )


ANNA = person("anna", 55.0, 70.0)
BERT = person("bert", 75.0, 95.0)
CARL = person("carl")


def test_one_person_needs_no_range() -> None:
    assert weight_range_problems([CARL]) == ()
    assert weight_range_problems([]) == ()


def test_separate_ranges_are_fine() -> None:
    assert weight_range_problems([ANNA, BERT]) == ()
    assert not ranges_overlap(ANNA, BERT)


def test_a_missing_range_beside_others_is_a_problem() -> None:
    assert weight_range_problems([ANNA, BERT, CARL]) == (
        RangeProblem(kind=RangeProblemKind.MISSING, person_id="carl"),
    )


def test_overlaps_are_found_once_per_pair_after_the_missing() -> None:
    dora = person("dora", 68.0, 76.0)
    assert weight_range_problems([CARL, ANNA, BERT, dora]) == (
        RangeProblem(kind=RangeProblemKind.MISSING, person_id="carl"),
        RangeProblem(kind=RangeProblemKind.OVERLAP, person_id="anna", other_id="dora"),
        RangeProblem(kind=RangeProblemKind.OVERLAP, person_id="bert", other_id="dora"),
    )


def test_touching_bounds_overlap() -> None:
    """Bounds are inclusive: 70 kg fits 55–70 and 70–90, so the pad could not choose."""
    edge = person("edge", 70.0, 90.0)
    assert ranges_overlap(ANNA, edge)
    assert ranges_overlap(edge, ANNA)
    assert not ranges_overlap(ANNA, CARL)


@given(
    st.tuples(st.floats(10, 299), st.floats(0.5, 50)),
    st.tuples(st.floats(10, 299), st.floats(0.5, 50)),
    st.floats(10, 300),
)
def test_no_problem_means_every_weight_has_at_most_one_person(
    first: tuple[float, float], second: tuple[float, float], weight_kg: float
) -> None:
    """The check is what identify_person needs: without a problem, no weight is ambiguous."""
    people = [
        person("a", first[0], min(first[0] + first[1], MAX_PERSON_WEIGHT_KG)),
        person("b", second[0], min(second[0] + second[1], MAX_PERSON_WEIGHT_KG)),
    ]
    found = identify_person(weight_kg, people, selected_person_id=None, on_date=date(2026, 1, 1))
    if not weight_range_problems(people):
        assert found.method is not IdentifiedBy.AMBIGUOUS


@pytest.mark.parametrize(
    ("weight_kg", "expected"),
    [
        (72.4, (68.0, 76.5)),
        (64.0, (60.0, 68.0)),
        (12.0, (MIN_PERSON_WEIGHT_KG, 16.0)),
        (298.2, (294.0, MAX_PERSON_WEIGHT_KG)),
    ],
)
def test_suggested_range(weight_kg: float, expected: tuple[float, float]) -> None:
    low, high = suggested_range(weight_kg)
    assert (low, high) == expected
    assert low <= weight_kg - SUGGESTED_RANGE_HALF_WIDTH_KG or low == MIN_PERSON_WEIGHT_KG
    # The suggestion is a range the person form accepts.
    person("new", low, high)


@pytest.mark.parametrize("weight_kg", [float("nan"), float("inf"), 3.0, 400.0])
def test_no_suggestion_without_a_person_on_the_pad(weight_kg: float) -> None:
    with pytest.raises(ValueError, match="weight_kg"):
        suggested_range(weight_kg)
