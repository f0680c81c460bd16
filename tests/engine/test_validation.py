"""The field checks shared by the engine's readers of stored records."""

from __future__ import annotations

import re
from enum import StrEnum

import pytest

from custom_components.retro_balance.engine.validation import finite_number, member, text


class Colour(StrEnum):
    RED = "red"
    GREEN = "green"


def test_member_takes_a_member_or_its_value() -> None:
    assert member(Colour, Colour.RED, "colour") is Colour.RED
    assert member(Colour, "green", "colour") is Colour.GREEN


@pytest.mark.parametrize("value", ["blue", "RED", 1, None, ["red"]])
def test_member_names_the_field_and_the_choices(value: object) -> None:
    with pytest.raises(
        ValueError, match=rf"^colour {re.escape(repr(value))} is not one of: red, green$"
    ):
        member(Colour, value, "colour")


def test_finite_number_and_text() -> None:
    assert finite_number(3, "x") == 3.0
    for bad in (True, "3", float("inf"), None):
        with pytest.raises(ValueError, match="^x must be a finite number"):
            finite_number(bad, "x")
    assert text("a", "name") == "a"
    with pytest.raises(ValueError, match="^name must be a string, got 5"):
        text(5, "name")
