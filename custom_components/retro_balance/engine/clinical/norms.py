"""Age and sex norms for single-leg, tandem and quiet stance, each table citing its source.

Timed tests (``docs/scoring.md``):

- single-leg stance, best of 3, by age band: Springer et al. 2007 (J Geriatr Phys Ther 30:8–15,
  n = 549), eyes open, and eyes closed by sex; secondary transcription of their Table 1, so the
  figures should be confirmed against the paper before they are presented as exact;
- single-leg stance, eyes open, 60+: the lower meta-analytic means of Bohannon 2006 (22 studies,
  n = 3,484), offered as an alternative source;
- tandem stance: the CDC STEADI 4-Stage Balance Test threshold (10 s; not holding it means an
  increased risk of falling) and, with a 30-s cap, the mean of adults aged 60–89 (22.2 s,
  PMC11566129).

None of these sources gives a standard deviation we could confirm, so the timed norms offer a
ratio to the age-group mean, not a z-score or percentile. Quiet-stance sway does have a
defensible distribution: percentiles derived from Santos & Duarte 2016 (``sway_norms.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from ..clinical import sway_norms


class Sex(StrEnum):
    """Sex as recorded for a person; norms that differ by sex use it."""

    FEMALE = "female"
    MALE = "male"
    UNSPECIFIED = "unspecified"


SPRINGER_2007 = (
    "Springer BA et al. 2007, Normative values for the unipedal stance test with eyes open and "
    "closed, J Geriatr Phys Ther 30:8–15 (Table 1, best of 3; secondary transcription)"
)
BOHANNON_2006 = (
    "Bohannon RW 2006, Single limb stance times: a descriptive meta-analysis of data from "
    "individuals at least 60 years of age, Topics Geriatr Rehabil 22:70–77"
)
STEADI_2017 = "CDC STEADI 4-Stage Balance Test (2017)"
TANDEM_30S_STUDY = "PMC11566129: 30-s capped 4-stage balance test, adults aged 60–89"
SANTOS_DUARTE_2016 = (
    "Santos DA, Duarte M 2016, A public data set of human balance evaluations, PeerJ 4:e2648 "
    "(CC-BY-4.0); percentiles derived by scripts/derive-sway-norms"
)

OLDEST_AGE = 120

STEADI_TANDEM_THRESHOLD_S = 10.0
"""CDC STEADI: an older adult who cannot hold tandem stance for 10 s is at increased risk."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TimedNorm:
    """Typical hold time of an age group in one timed stance test, and where it comes from."""

    age_min: int
    age_max: int
    mean_s: float
    source: str

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly mapping."""
        return {
            "age_min": self.age_min,
            "age_max": self.age_max,
            "mean_s": self.mean_s,
            "source": self.source,
        }


def _bands(rows: tuple[tuple[int, int, float], ...], source: str) -> tuple[TimedNorm, ...]:
    return tuple(TimedNorm(age_min=lo, age_max=hi, mean_s=m, source=source) for lo, hi, m in rows)


# Springer 2007 Table 1 (best of 3): the oldest band is 80–99; we use it above 99 too.
SLS_EYES_OPEN_SPRINGER = _bands(
    (
        (18, 39, 44.7),
        (40, 49, 41.9),
        (50, 59, 41.2),
        (60, 69, 32.1),
        (70, 79, 21.5),
        (80, OLDEST_AGE, 9.4),
    ),
    SPRINGER_2007,
)
SLS_EYES_CLOSED_FEMALE_SPRINGER = _bands(
    ((18, 39, 13.1), (40, 49, 13.5), (50, 59, 7.9), (60, 69, 3.6), (70, 79, 3.7), (80, 120, 2.1)),
    SPRINGER_2007,
)
SLS_EYES_CLOSED_MALE_SPRINGER = _bands(
    ((18, 39, 16.9), (40, 49, 12.0), (50, 59, 8.6), (60, 69, 5.1), (70, 79, 2.6), (80, 120, 1.8)),
    SPRINGER_2007,
)
SLS_EYES_OPEN_BOHANNON = _bands(
    ((60, 69, 27.0), (70, 79, 17.2), (80, OLDEST_AGE, 8.5)), BOHANNON_2006
)
TANDEM_30S = _bands(((60, 89, 22.2),), TANDEM_30S_STUDY)
SLS_30S = _bands(((60, 89, 14.8),), TANDEM_30S_STUDY)
"""The same study's one-leg stage (30-s cap, eyes open): 14.8 s on average."""


def _validated_age(age_years: int) -> int:
    if isinstance(age_years, bool) or not isinstance(age_years, int):
        raise ValueError(f"age_years must be a whole number of years, got {age_years!r}")
    if not 0 <= age_years <= OLDEST_AGE:
        raise ValueError(f"age_years must be between 0 and {OLDEST_AGE}, got {age_years}")
    return age_years


def _in_band(table: tuple[TimedNorm, ...], age_years: int) -> TimedNorm | None:
    age = _validated_age(age_years)
    return next((n for n in table if n.age_min <= age <= n.age_max), None)


def single_leg_norm(
    age_years: int,
    *,
    eyes_closed: bool = False,
    sex: Sex | None = None,
    source: str = "springer",
) -> TimedNorm | None:
    """Mean best-of-3 single-leg stance time for the person's age band (``None`` under 18).

    Eyes closed, the norm depends on sex; with ``sex`` unknown or unspecified it is the mean of
    the women's and men's values. ``source="bohannon"`` gives Bohannon 2006 (eyes open, 60+),
    ``source="pmc11566129"`` the 30-s-capped one-leg stage of that study (eyes open, 60–89).
    """
    alternatives = {"bohannon": SLS_EYES_OPEN_BOHANNON, "pmc11566129": SLS_30S}
    if source in alternatives:
        if eyes_closed:
            raise ValueError(f"the {source} source gives eyes-open norms only")
        return _in_band(alternatives[source], age_years)
    if source != "springer":
        raise ValueError(
            f"unknown norm source {source!r}; expected 'springer', 'bohannon' or 'pmc11566129'"
        )
    if not eyes_closed:
        return _in_band(SLS_EYES_OPEN_SPRINGER, age_years)
    female = _in_band(SLS_EYES_CLOSED_FEMALE_SPRINGER, age_years)
    male = _in_band(SLS_EYES_CLOSED_MALE_SPRINGER, age_years)
    if female is None or male is None:
        return None
    if sex is Sex.FEMALE:
        return female
    if sex is Sex.MALE:
        return male
    return TimedNorm(
        age_min=female.age_min,
        age_max=female.age_max,
        mean_s=round((female.mean_s + male.mean_s) / 2, 2),
        source=f"{SPRINGER_2007}; mean of the women's and men's values (sex not given)",
    )


def tandem_norm(age_years: int) -> TimedNorm | None:
    """Mean 30-s-capped tandem stance time for ages 60–89 (PMC11566129), else ``None``."""
    return _in_band(TANDEM_30S, age_years)


def ratio_to_norm(hold_s: float, norm: TimedNorm, cap_s: float) -> float:
    """Hold time as a fraction of the norm, with the norm capped at the test's cap.

    A norm above the cap (say 44.7 s with a 30-s cap) cannot be beaten, so reaching the cap
    counts as reaching the norm.
    """
    if not math.isfinite(hold_s) or hold_s < 0:
        raise ValueError(f"hold_s must be a non-negative number, got {hold_s!r}")
    if not math.isfinite(cap_s) or cap_s <= 0:
        raise ValueError(f"cap_s must be a positive number, got {cap_s!r}")
    return hold_s / min(norm.mean_s, cap_s)


# -- quiet-stance sway (Santos & Duarte 2016) ---------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SwayNorm:
    """Percentiles of quiet-stance sway in one age band and condition (``sway_norms.py``)."""

    age_min: int
    age_max: int
    eyes_closed: bool
    foam: bool
    trials: int
    subjects: int
    percentiles: tuple[int, ...]
    velocity_cm_s: tuple[float, ...]
    area_cm2: tuple[float, ...]
    source: str = SANTOS_DUARTE_2016

    @property
    def label(self) -> str:
        """The age band in words, e.g. ``60–69`` or ``70+``."""
        if self.age_max >= OLDEST_AGE:
            return f"{self.age_min}+"
        return f"{self.age_min}–{self.age_max}"

    @property
    def median_velocity_cm_s(self) -> float:
        """The 50th percentile of mean COP speed."""
        return self.velocity_cm_s[self.percentiles.index(50)]

    @property
    def p95_velocity_cm_s(self) -> float:
        """The 95th percentile of mean COP speed."""
        return self.velocity_cm_s[self.percentiles.index(95)]

    @property
    def p95_area_cm2(self) -> float:
        """The 95th percentile of the 95 % ellipse area."""
        return self.area_cm2[self.percentiles.index(95)]

    def velocity_percentile(self, velocity_cm_s: float) -> float:
        """Where a mean COP speed falls in this group (see :func:`percentile_of`)."""
        return percentile_of(velocity_cm_s, self.velocity_cm_s, self.percentiles)

    def area_percentile(self, area_cm2: float) -> float:
        """Where a 95 % ellipse area falls in this group (see :func:`percentile_of`)."""
        return percentile_of(area_cm2, self.area_cm2, self.percentiles)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly mapping."""
        return {
            "age_min": self.age_min,
            "age_max": self.age_max,
            "eyes_closed": self.eyes_closed,
            "foam": self.foam,
            "trials": self.trials,
            "subjects": self.subjects,
            "percentiles": list(self.percentiles),
            "velocity_cm_s": list(self.velocity_cm_s),
            "area_cm2": list(self.area_cm2),
            "source": self.source,
        }


SWAY_NORMS = tuple(
    SwayNorm(
        age_min=lo,
        age_max=hi,
        eyes_closed=eyes == "closed",
        foam=surface == "foam",
        trials=trials,
        subjects=subjects,
        percentiles=sway_norms.PERCENTILES,
        velocity_cm_s=velocity,
        area_cm2=area,
    )
    for (lo, hi, eyes, surface, trials, subjects), velocity, area in zip(
        sway_norms.CELLS, sway_norms.VELOCITY_CM_S, sway_norms.AREA_CM2, strict=True
    )
)


def sway_norm(age_years: int, *, eyes_closed: bool, foam: bool = False) -> SwayNorm | None:
    """Sway percentiles for the person's age band and condition (``None`` under 18)."""
    age = _validated_age(age_years)
    return next(
        (
            n
            for n in SWAY_NORMS
            if n.age_min <= age <= n.age_max and n.eyes_closed == eyes_closed and n.foam == foam
        ),
        None,
    )


def percentile_of(value: float, points: tuple[float, ...], percentiles: tuple[int, ...]) -> float:
    """Percentile of ``value`` by linear interpolation between tabulated percentile points.

    Outside the table the answer is clamped to its ends (5 and 95 for ``sway_norms``): the data
    cannot say how far beyond them a value lies.
    """
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"value must be a non-negative number, got {value!r}")
    return float(np.interp(value, points, percentiles))
