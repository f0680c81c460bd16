"""Where every norm and rule of the clinical layer comes from: a stable id and its citation.

Results carry the id (``Source`` values are stable codes, safe to store and to translate); the
citation is for documentation (``docs/scoring.md``) and for anyone who wants to check.
Figures transcribed from secondary sources say so in their citation.
"""

from __future__ import annotations

from enum import StrEnum


class Source(StrEnum):
    """A published source (or one of our stated assumptions) behind a norm or a rule."""

    SPRINGER_2007 = "springer_2007"
    BOHANNON_2006 = "bohannon_2006"
    CDC_STEADI_2017 = "cdc_steadi_2017"
    PMC11566129 = "pmc11566129"
    SANTOS_DUARTE_2016 = "santos_duarte_2016"
    VELLAS_1997 = "vellas_1997"
    HURVITZ_2000 = "hurvitz_2000"
    OLIVEIRA_2018 = "oliveira_2018"
    PIIRTOLA_ERA_2006 = "piirtola_era_2006"
    HILE_2012 = "hile_2012"
    ROMBERG = "romberg"
    ASSUMPTION_TANDEM_YOUNG = "assumption_tandem_young"


CITATIONS: dict[Source, str] = {
    Source.SPRINGER_2007: (
        "Springer BA et al. 2007, Normative values for the unipedal stance test with eyes open "
        "and closed, J Geriatr Phys Ther 30:8–15 (Table 1, best of 3; secondary transcription)"
    ),
    Source.BOHANNON_2006: (
        "Bohannon RW 2006, Single limb stance times: a descriptive meta-analysis of data from "
        "individuals at least 60 years of age, Topics Geriatr Rehabil 22:70–77"
    ),
    Source.CDC_STEADI_2017: (
        "CDC STEADI 4-Stage Balance Test (2017): each position held 10 s; not holding tandem "
        "stance 10 s means an increased risk of falling; not getting into a position fails it"
    ),
    Source.PMC11566129: "PMC11566129: 30-s capped 4-stage balance test, adults aged 60–89",
    Source.SANTOS_DUARTE_2016: (
        "Santos DA, Duarte M 2016, A public data set of human balance evaluations, PeerJ "
        "4:e2648 (CC-BY-4.0); percentiles derived by scripts/derive-sway-norms"
    ),
    Source.VELLAS_1997: (
        "Vellas BJ et al. 1997, One-leg balance is an important predictor of injurious falls in "
        "older persons, J Am Geriatr Soc 45:735–738 (unable to hold 5 s: relative risk 2.13)"
    ),
    Source.HURVITZ_2000: (
        "Hurvitz EA et al. 2000, Unipedal stance testing as an indicator of fall risk among "
        "older outpatients, Arch Phys Med Rehabil 81:587 (fallers held 9.6 s, others 31.3 s)"
    ),
    Source.OLIVEIRA_2018: (
        "Oliveira et al. 2018, one-leg stance on a force plate, mean of three 30-s trials: "
        "faller cut-offs AP speed 2.9 cm/s, ML 3.4 cm/s (AUC 0.72, n = 170, mean age 67)"
    ),
    Source.PIIRTOLA_ERA_2006: (
        "Piirtola M, Era P 2006, Force platform measurements as predictors of falls among older "
        "people — a review, Gerontology 52:1–16; percentiles from Santos & Duarte 2016"
    ),
    Source.HILE_2012: (
        "Hile ES et al. 2012, Interpreting the need for initial support to perform tandem stance "
        "tests of balance, Phys Ther 92:1316 (PMID 22745198)"
    ),
    Source.ROMBERG: (
        "Romberg test: feet together, eyes closed; not keeping the stance points to sensory "
        "(proprioceptive or vestibular) loss (clinical.md); the 10-s line is CDC STEADI's stage"
    ),
    Source.ASSUMPTION_TANDEM_YOUNG: (
        "assumption: healthy adults aged 18–59 hold tandem stance to a 30-s cap (no published "
        "norm found)"
    ),
}
