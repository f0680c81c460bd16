"""Age (and sex) norms of the timed stance tests, interpolated between age-band midpoints.

Tables (``docs/scoring.md``; ids in ``sources.py``):

- single-leg stance, best of 3: Springer et al. 2007, eyes open, and eyes closed by sex
  (secondary transcription of their Table 1: confirm before presenting the figures as exact);
- single-leg stance, eyes open, 60+: the lower meta-analytic means of Bohannon 2006 and the 30-s
  capped one-leg stage of PMC11566129, offered as alternatives;
- tandem stance: the mean of adults aged 60–89 with a 30-s cap (PMC11566129) and, for 18–59,
  our stated assumption that healthy adults hold it to 30 s.

Published bands are steps; people are not. A norm at an age is the linear interpolation between
the midpoints of the bands around it, and outside the first and last midpoints the nearest band's
value is kept — so a 95-year-old gets the oldest band's value, never a younger group's. None of
these sources gives a standard deviation we could confirm, so a timed norm is a mean to compare
with (a ratio), not a percentile. Quiet-stance sway has a distribution: ``sway_reference.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from .sources import Source


class Sex(StrEnum):
    """Sex as recorded for a person; norms that differ by sex use it."""

    FEMALE = "female"
    MALE = "male"
    UNSPECIFIED = "unspecified"


OLDEST_AGE = 120
ADULT_AGE = 18
"""The youngest age any of our norms (and so any score) covers."""

STEADI_TANDEM_THRESHOLD_S = 10.0
"""CDC STEADI: an older adult who cannot hold tandem stance for 10 s is at increased risk."""


@dataclass(frozen=True, slots=True)
class AgeBand:
    """One row of a published table: an inclusive age band and its mean, in seconds."""

    age_min: int
    age_max: int
    mean_s: float

    @property
    def midpoint(self) -> float:
        """Where the band's mean is anchored when interpolating by age."""
        return (self.age_min + self.age_max) / 2


@dataclass(frozen=True, slots=True)
class NormTable:
    """A published table of age bands with one source (or several, one per row)."""

    bands: tuple[AgeBand, ...]
    sources: tuple[Source, ...]
    """One source per band, in the same order."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TimedNorm:
    """The typical hold time at one age, interpolated, and the sources it rests on."""

    age_years: int
    mean_s: float
    sources: tuple[Source, ...]

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly mapping."""
        return {
            "age_years": self.age_years,
            "mean_s": self.mean_s,
            "sources": [str(s) for s in self.sources],
        }


def _table(rows: tuple[tuple[int, int, float], ...], *sources: Source) -> NormTable:
    bands = tuple(AgeBand(lo, hi, mean_s) for lo, hi, mean_s in rows)
    return NormTable(bands, sources if len(sources) == len(bands) else sources * len(bands))


SLS_EYES_OPEN_SPRINGER = _table(
    ((18, 39, 44.7), (40, 49, 41.9), (50, 59, 41.2), (60, 69, 32.1), (70, 79, 21.5), (80, 99, 9.4)),
    Source.SPRINGER_2007,
)
SLS_EYES_CLOSED_FEMALE_SPRINGER = _table(
    ((18, 39, 13.1), (40, 49, 13.5), (50, 59, 7.9), (60, 69, 3.6), (70, 79, 3.7), (80, 99, 2.1)),
    Source.SPRINGER_2007,
)
SLS_EYES_CLOSED_MALE_SPRINGER = _table(
    ((18, 39, 16.9), (40, 49, 12.0), (50, 59, 8.6), (60, 69, 5.1), (70, 79, 2.6), (80, 99, 1.8)),
    Source.SPRINGER_2007,
)
SLS_EYES_OPEN_BOHANNON = _table(
    ((60, 69, 27.0), (70, 79, 17.2), (80, 99, 8.5)), Source.BOHANNON_2006
)
SLS_30S = _table(((60, 89, 14.8),), Source.PMC11566129)
"""The one-leg stage of the 30-s-capped 4-stage test (eyes open): 14.8 s on average."""
TANDEM_YOUNG_ASSUMED_S = 30.0
TANDEM_30S = _table(
    ((18, 59, TANDEM_YOUNG_ASSUMED_S), (60, 89, 22.2)),
    Source.ASSUMPTION_TANDEM_YOUNG,
    Source.PMC11566129,
)

SINGLE_LEG_YOUNG_S = SLS_EYES_OPEN_SPRINGER.bands[0].mean_s
"""Springer 2007, ages 18–39, eyes open: the hold of a fit young adult (the score's target)."""


def validated_age(age_years: int) -> int:
    """Return ``age_years`` if it is whole years from 0 to ``OLDEST_AGE``, else raise."""
    if isinstance(age_years, bool) or not isinstance(age_years, int):
        raise ValueError(f"age_years must be a whole number of years, got {age_years!r}")
    if not 0 <= age_years <= OLDEST_AGE:
        raise ValueError(f"age_years must be between 0 and {OLDEST_AGE}, got {age_years}")
    return age_years


def interpolate(table: NormTable, age_years: int) -> TimedNorm | None:
    """Return the table's mean at ``age_years``: linear between band midpoints, held outside.

    ``None`` under ``ADULT_AGE`` and under the table's first band (Bohannon starts at 60).
    """
    age = validated_age(age_years)
    if age < max(ADULT_AGE, table.bands[0].age_min):
        return None
    midpoints = [band.midpoint for band in table.bands]
    means = [band.mean_s for band in table.bands]
    mean_s = float(np.interp(age, midpoints, means))
    return TimedNorm(
        age_years=age, mean_s=round(mean_s, 2), sources=bracket(table.sources, midpoints, age)
    )


def bracket[T](labels: tuple[T, ...], anchors: list[float], age: float) -> tuple[T, ...]:
    """Return the labels of the one or two anchors an interpolation at ``age`` uses."""
    upper = int(np.searchsorted(anchors, age))  # the first anchor at or above the age
    if upper == 0 or upper == len(anchors) or anchors[upper] == age:
        used = [min(upper, len(anchors) - 1)]
    else:
        used = [upper - 1, upper]
    return tuple(dict.fromkeys(labels[i] for i in used))


def single_leg_norm(
    age_years: int,
    *,
    eyes_closed: bool = False,
    sex: Sex | None = None,
    source: Source = Source.SPRINGER_2007,
) -> TimedNorm | None:
    """Mean best-of-3 single-leg stance time at ``age_years`` (``None`` under 18).

    Eyes closed, Springer's norm depends on sex; with ``sex`` unknown or unspecified it is the
    mean of the women's and men's values. ``Source.BOHANNON_2006`` gives Bohannon's eyes-open
    means (60+), ``Source.PMC11566129`` the 30-s-capped one-leg stage of that study (eyes open).
    """
    alternatives = {Source.BOHANNON_2006: SLS_EYES_OPEN_BOHANNON, Source.PMC11566129: SLS_30S}
    if source in alternatives:
        if eyes_closed:
            raise ValueError(f"the {source} source gives eyes-open norms only")
        return interpolate(alternatives[source], age_years)
    if source is not Source.SPRINGER_2007:
        raise ValueError(
            f"no single-leg norms from {source!r}; expected one of springer_2007, "
            "bohannon_2006, pmc11566129"
        )
    if not eyes_closed:
        return interpolate(SLS_EYES_OPEN_SPRINGER, age_years)
    female = interpolate(SLS_EYES_CLOSED_FEMALE_SPRINGER, age_years)
    male = interpolate(SLS_EYES_CLOSED_MALE_SPRINGER, age_years)
    if female is None or male is None:
        return None
    if sex is Sex.FEMALE:
        return female
    if sex is Sex.MALE:
        return male
    return TimedNorm(
        age_years=female.age_years,
        mean_s=round((female.mean_s + male.mean_s) / 2, 2),
        sources=female.sources,
    )


def tandem_norm(age_years: int) -> TimedNorm | None:
    """Mean 30-s-capped tandem stance time at ``age_years`` (``None`` under 18).

    22.2 s from age 74.5 (the midpoint of PMC11566129's 60–89) on; towards our 30-s assumption
    for 18–59 (midpoint 38.5) below it.
    """
    return interpolate(TANDEM_30S, age_years)


def ratio_to_norm(hold_s: float, norm_s: float, cap_s: float) -> float:
    """Hold time as a fraction of ``norm_s``, the norm capped at the test's cap.

    A norm above the cap (44.7 s with a 30-s cap) cannot be beaten, so reaching the cap counts
    as reaching the norm.
    """
    if not math.isfinite(hold_s) or hold_s < 0:
        raise ValueError(f"hold_s must be a non-negative number, got {hold_s!r}")
    if not math.isfinite(cap_s) or cap_s <= 0:
        raise ValueError(f"cap_s must be a positive number, got {cap_s!r}")
    if not math.isfinite(norm_s) or norm_s <= 0:
        raise ValueError(f"norm_s must be a positive number, got {norm_s!r}")
    return hold_s / min(norm_s, cap_s)
