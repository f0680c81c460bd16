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
    """``value`` as a member of ``kind`` (a member or its string value).

    Otherwise a ``ValueError`` that starts with the field's ``name`` and lists the allowed values.
    """
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        try:
            return kind(value)
        except ValueError:
            pass
    allowed = ", ".join(option.value for option in kind)
    raise ValueError(f"{name} {value!r} is not one of: {allowed}")
