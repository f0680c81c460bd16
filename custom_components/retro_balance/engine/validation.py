"""Field checks shared by the ``from_dict`` readers of stored engine records."""

from __future__ import annotations

import math
from enum import StrEnum


def finite_number(value: object, name: str) -> float:
    """``value`` as a finite float, or a ``ValueError`` naming the field.

    ``bool`` is refused even though it is an ``int``: a stored true/false is never a number.
    """
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def text(value: object, name: str) -> str:
    """``value`` if it is a string, or a ``ValueError`` naming the field."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {value!r}")
    return value


def member[E: StrEnum](kind: type[E], value: object, name: str) -> E:
    """``kind(value)``, or a ``ValueError`` naming the field and the value."""
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return kind(value)
    except ValueError:
        raise ValueError(f"unknown {name} {value!r}") from None
