"""Age and sex norms for single-leg and tandem stance (see ``docs/scoring.md``)."""

from __future__ import annotations

from enum import StrEnum


class Sex(StrEnum):
    """Sex as recorded for a person; norms that differ by sex use it."""

    FEMALE = "female"
    MALE = "male"
    UNSPECIFIED = "unspecified"
