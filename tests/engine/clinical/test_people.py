"""Tests for person profiles and choosing who is on the pad."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.retro_balance.engine.clinical.norms import Sex
from custom_components.retro_balance.engine.clinical.people import (
    DEFAULT_SEX,
    MAX_PERSON_WEIGHT_KG,
    MIN_BIRTH_YEAR,
    MIN_PERSON_WEIGHT_KG,
    SEX_OPTIONS,
    IdentifiedBy,
    PersonProfile,
    identify_person,
)

TODAY = date(2026, 11, 23)


def person(
    person_id: str, low: float | None = None, high: float | None = None, **kw: Any
) -> PersonProfile:
    values: dict[str, Any] = {
        "person_id": person_id,
        "name": person_id.title(),
        "birth_year": 1950,
        "sex": Sex.FEMALE,
        "weight_min_kg": low,
        "weight_max_kg": high,
    }
    values.update(kw)
    return PersonProfile(**values)


ANNA = person("anna", 55.0, 70.0)
BERT = person("bert", 75.0, 95.0)
CARL = person("carl")


def test_valid_profile_and_age() -> None:
    profile = person("dora", 60, 80.5, birth_year=1948, sex=Sex.MALE)
    assert profile.age_on(date(2026, 1, 1)) == 78
    assert profile.age_on(date(1948, 6, 1)) == 0
    assert profile.has_weight_range
    assert profile.weight_fits(60.0)
    assert profile.weight_fits(80.5)
    assert not profile.weight_fits(80.6)
    assert not CARL.weight_fits(70.0)
    with pytest.raises(ValueError, match="before birth year"):
        profile.age_on(date(1947, 12, 31))


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"person_id": ""}, "person_id"),
        ({"person_id": 7}, "person_id"),
        ({"name": "   "}, "name"),
        ({"name": None}, "name"),
        ({"birth_year": 1899}, "birth_year"),
        ({"birth_year": date.today().year + 1}, "birth_year"),
        ({"birth_year": 1950.0}, "birth_year"),
        ({"birth_year": True}, "birth_year"),
        ({"sex": "female"}, "sex"),
        ({"weight_min_kg": 50.0}, "together"),
        ({"weight_max_kg": 50.0}, "together"),
        ({"weight_min_kg": 80.0, "weight_max_kg": 60.0}, "below"),
        ({"weight_min_kg": 60.0, "weight_max_kg": 60.0}, "below"),
        ({"weight_min_kg": 5.0, "weight_max_kg": 60.0}, "weight_min_kg"),
        ({"weight_min_kg": 60.0, "weight_max_kg": 400.0}, "weight_max_kg"),
        ({"weight_min_kg": float("nan"), "weight_max_kg": 60.0}, "weight_min_kg"),
        ({"weight_min_kg": "60", "weight_max_kg": 70.0}, "weight_min_kg"),
        ({"weight_min_kg": False, "weight_max_kg": 70.0}, "weight_min_kg"),
    ],
)
def test_invalid_profiles_are_rejected(changes: dict[str, Any], match: str) -> None:
    values: dict[str, Any] = {
        "person_id": "x",
        "name": "X",
        "birth_year": 1960,
        "sex": Sex.MALE,
        "weight_min_kg": None,
        "weight_max_kg": None,
    }
    values.update(changes)
    with pytest.raises(ValueError, match=match):
        PersonProfile(**values)


def identify(weight: float | None, people: list[PersonProfile], selected: str | None = None) -> Any:
    return identify_person(weight, people, selected_person_id=selected, on_date=TODAY)


def test_explicit_selection_wins_over_weight() -> None:
    result = identify(85.0, [ANNA, BERT], selected="anna")
    assert (result.person_id, result.method) == ("anna", IdentifiedBy.SELECTED)


def test_unknown_selection_is_no_match_not_a_weight_guess() -> None:
    result = identify(85.0, [ANNA, BERT], selected="zoe")
    assert (result.person_id, result.method) == (None, IdentifiedBy.NO_MATCH)
    assert "zoe" in result.detail


@pytest.mark.parametrize(("weight", "expected"), [(55.0, "anna"), (70.0, "anna"), (95.0, "bert")])
def test_weight_picks_the_single_matching_range(weight: float, expected: str) -> None:
    result = identify(weight, [ANNA, BERT])
    assert (result.person_id, result.method) == (expected, IdentifiedBy.WEIGHT)


def test_weight_outside_every_range_is_no_match() -> None:
    result = identify(72.0, [ANNA, BERT])
    assert (result.person_id, result.method) == (None, IdentifiedBy.NO_MATCH)
    assert result.candidates == ()


def test_overlapping_ranges_are_ambiguous() -> None:
    wide = person("wide", 60.0, 90.0)
    result = identify(65.0, [ANNA, BERT, wide])
    assert (result.person_id, result.method) == (None, IdentifiedBy.AMBIGUOUS)
    assert result.candidates == ("anna", "wide")


def test_only_person_without_range_is_chosen_whatever_the_weight() -> None:
    for weight in (None, 12.0, 140.0):
        result = identify(weight, [CARL])
        assert (result.person_id, result.method) == ("carl", IdentifiedBy.ONLY_PERSON)


def test_only_person_with_a_range_must_fit_it() -> None:
    assert identify(60.0, [ANNA]).method is IdentifiedBy.WEIGHT
    assert identify(90.0, [ANNA]).person_id is None
    assert identify(90.0, [ANNA]).method is IdentifiedBy.NO_MATCH
    assert identify(None, [ANNA]).method is IdentifiedBy.AMBIGUOUS


def test_a_person_without_range_beside_others_makes_weight_ambiguous() -> None:
    result = identify(60.0, [ANNA, CARL])
    assert result.method is IdentifiedBy.AMBIGUOUS
    assert result.candidates == ("anna", "carl")
    guest = identify(72.0, [ANNA, CARL])
    assert (guest.person_id, guest.method) == (None, IdentifiedBy.AMBIGUOUS)
    assert guest.candidates == ("carl",)
    assert "guest" in guest.detail


def test_no_weight_with_several_people_is_ambiguous() -> None:
    result = identify(None, [ANNA, BERT])
    assert result.method is IdentifiedBy.AMBIGUOUS
    assert identify(float("nan"), [ANNA, BERT]).method is IdentifiedBy.AMBIGUOUS


def test_nobody_configured_is_no_match() -> None:
    assert identify(70.0, []).method is IdentifiedBy.NO_MATCH


def test_people_born_after_the_session_are_not_candidates() -> None:
    this_year = date.today().year
    newborn = person("newborn", birth_year=this_year)
    result = identify_person(
        70.0, [newborn, ANNA], selected_person_id=None, on_date=date(this_year - 1, 5, 1)
    )
    assert (result.person_id, result.method) == ("anna", IdentifiedBy.WEIGHT)


people_strategy = st.lists(
    st.tuples(
        st.booleans(),
        st.floats(min_value=10.0, max_value=200.0),
        st.floats(min_value=1.0, max_value=100.0),
    ),
    max_size=4,
).map(
    lambda specs: [
        person(f"p{index}", low, min(low + width, 300.0)) if ranged else person(f"p{index}")
        for index, (ranged, low, width) in enumerate(specs)
    ]
)


@settings(max_examples=300, deadline=None)
@given(people=people_strategy, weight=st.none() | st.floats(min_value=0.0, max_value=320.0))
def test_weight_never_picks_someone_who_might_not_be_on_the_pad(
    people: list[PersonProfile], weight: float | None
) -> None:
    result = identify(weight, people)
    fitting = [p for p in people if weight is not None and p.weight_fits(weight)]
    if result.method is IdentifiedBy.WEIGHT:
        assert weight is not None
        assert all(p.has_weight_range for p in people)
        assert [p.person_id for p in fitting] == [result.person_id]
    elif result.method is IdentifiedBy.ONLY_PERSON:
        assert len(people) == 1
        assert not people[0].has_weight_range
    else:
        assert result.person_id is None
        assert result.method in (IdentifiedBy.AMBIGUOUS, IdentifiedBy.NO_MATCH)
        if len(fitting) == 1 and all(p.has_weight_range for p in people):
            raise AssertionError("a unique fit was not chosen")


def test_the_person_limits_are_the_profiles_own() -> None:
    """The form offers what a profile accepts: these constants are the one definition."""
    assert SEX_OPTIONS == ("female", "male", "unspecified")
    assert DEFAULT_SEX.value in SEX_OPTIONS
    for sex in SEX_OPTIONS:
        assert person("p", sex=Sex(sex)).sex.value == sex
    assert person("p", birth_year=MIN_BIRTH_YEAR).birth_year == MIN_BIRTH_YEAR
    with pytest.raises(ValueError, match="birth_year"):
        person("p", birth_year=MIN_BIRTH_YEAR - 1)
    assert person("p", MIN_PERSON_WEIGHT_KG, MAX_PERSON_WEIGHT_KG).weight_fits(MAX_PERSON_WEIGHT_KG)
    with pytest.raises(ValueError, match="weight_max_kg"):
        person("p", MIN_PERSON_WEIGHT_KG, MAX_PERSON_WEIGHT_KG + 0.5)
