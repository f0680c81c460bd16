"""Norm tables interpolated by age, sway references and percentiles; the table regenerates."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from custom_components.retro_balance.engine.clinical import sway_norms
from custom_components.retro_balance.engine.clinical.norms import (
    SINGLE_LEG_YOUNG_S,
    SLS_EYES_OPEN_SPRINGER,
    STEADI_TANDEM_THRESHOLD_S,
    TANDEM_30S,
    Sex,
    TimedNorm,
    ratio_to_norm,
    single_leg_norm,
    tandem_norm,
    validated_age,
)
from custom_components.retro_balance.engine.clinical.sources import CITATIONS, Source
from custom_components.retro_balance.engine.clinical.sway_reference import (
    SWAY_NORMS,
    percentile_of,
    sway_reference,
    young_adult_median_cm_s,
)
from tests.paths import REPO

SCRIPT = REPO / "scripts" / "derive-sway-norms"


def _script() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("derive_sway_norms", str(SCRIPT))
    spec = importlib.util.spec_from_loader("derive_sway_norms", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def _mean(age: int, **kwargs: object) -> float:
    norm = single_leg_norm(age, **kwargs)  # type: ignore[arg-type]
    assert norm is not None
    return norm.mean_s


@pytest.mark.parametrize(
    ("age", "mean_s"),
    [
        (18, 44.7),  # before the first midpoint (28.5): the first band's value
        (28, 44.7),
        (44, 41.99),  # 40–49's midpoint is 44.5: 44.7 at 28.5 to 41.9, 15.5/16 of the way
        (64, 32.55),  # 41.2 at 54.5 to 32.1 at 64.5
        (75, 21.1),  # just past 70–79's midpoint 74.5, towards 80–99's 9.4
        (80, 17.06),
        (89, 9.81),
        (90, 9.4),  # past 80–99's midpoint 89.5: the oldest band's value, held
        (104, 9.4),
        (120, 9.4),
    ],
)
def test_springer_eyes_open_is_interpolated_between_band_midpoints(age: int, mean_s: float) -> None:
    assert _mean(age) == pytest.approx(mean_s, abs=0.01)


def test_band_values_are_reached_at_their_midpoints() -> None:
    for band in SLS_EYES_OPEN_SPRINGER.bands:
        if band.midpoint == int(band.midpoint):
            assert _mean(int(band.midpoint)) == band.mean_s
    # 44.5 is no whole age: 44 and 45 lie either side of 40–49's 41.9.
    assert _mean(44) > 41.9 > _mean(45)


def test_norms_never_jump_from_one_year_to_the_next() -> None:
    """The 2025 tables were steps: single-leg 21.5 s at 79 and 9.4 s at 80, tandem 22.2 s at
    89 and the under-60 assumption (30 s) at 90. Now the largest yearly change is the slope of
    the steepest stretch (Springer eyes open, 60–69 to 70–79: 10.6 s over 10 years)."""
    for norm_of in (
        lambda a: single_leg_norm(a),
        lambda a: single_leg_norm(a, eyes_closed=True, sex=Sex.FEMALE),
        lambda a: tandem_norm(a),
    ):
        means = [norm_of(a).mean_s for a in range(18, 121)]  # type: ignore[union-attr]
        steps = np.abs(np.diff(means))
        assert steps.max() <= 10.6 / 10 + 0.01
    assert _mean(80) - _mean(79) == pytest.approx(-12.1 / 15, abs=0.01)


@pytest.mark.parametrize(
    ("age", "sex", "mean_s"),
    [
        (28, Sex.FEMALE, 13.1),
        (28, Sex.MALE, 16.9),
        (28, Sex.UNSPECIFIED, 15.0),
        (28, None, 15.0),
        (64, Sex.FEMALE, 3.82),  # 7.9 at 54.5 to 3.6 at 64.5: 7.9 − 0.95 · 4.3
        (64, Sex.MALE, 5.28),  # 8.6 to 5.1: 8.6 − 0.95 · 3.5
        (95, Sex.MALE, 1.8),
        (95, Sex.FEMALE, 2.1),
    ],
)
def test_springer_eyes_closed_depends_on_sex(age: int, sex: Sex | None, mean_s: float) -> None:
    assert _mean(age, eyes_closed=True, sex=sex) == pytest.approx(mean_s, abs=0.01)


def test_alternative_sources_and_their_limits() -> None:
    bohannon = single_leg_norm(64, source=Source.BOHANNON_2006)
    assert bohannon == TimedNorm(age_years=64, mean_s=27.0, sources=(Source.BOHANNON_2006,))
    assert _mean(90, source=Source.BOHANNON_2006) == 8.5  # held past 80–99
    assert single_leg_norm(50, source=Source.BOHANNON_2006) is None  # the table starts at 60
    assert _mean(70, source=Source.PMC11566129) == 14.8
    assert _mean(95, source=Source.PMC11566129) == 14.8
    with pytest.raises(ValueError, match="eyes-open norms only"):
        single_leg_norm(70, eyes_closed=True, source=Source.BOHANNON_2006)
    with pytest.raises(ValueError, match="no single-leg norms"):
        single_leg_norm(70, source=Source.VELLAS_1997)


def test_tandem_norm_holds_22_2_s_past_the_oldest_band() -> None:
    at_75 = tandem_norm(75)
    assert at_75 is not None
    assert at_75.mean_s == 22.2
    assert at_75.sources == (Source.PMC11566129,)
    assert tandem_norm(95) == TimedNorm(age_years=95, mean_s=22.2, sources=at_75.sources)
    # Below 74.5 it leans towards the stated assumption for 18–59 (30 s at 38.5).
    at_50 = tandem_norm(50)
    assert at_50 is not None
    assert at_50.sources == (Source.ASSUMPTION_TANDEM_YOUNG, Source.PMC11566129)
    assert 22.2 < at_50.mean_s < 30.0
    assert tandem_norm(30).mean_s == 30.0  # type: ignore[union-attr]
    assert TANDEM_30S.bands[1].mean_s == 22.2
    assert STEADI_TANDEM_THRESHOLD_S == 10.0
    assert at_75.as_dict() == {"age_years": 75, "mean_s": 22.2, "sources": ["pmc11566129"]}


def test_no_norms_for_children_and_bad_ages_are_rejected() -> None:
    assert single_leg_norm(12) is None
    assert single_leg_norm(17, eyes_closed=True) is None
    assert tandem_norm(12) is None
    assert sway_reference(12, eyes_closed=False) is None
    for bad in (-1, 121, 40.5, True, "60"):
        with pytest.raises(ValueError, match="age_years"):
            validated_age(bad)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="age_years"):
            sway_reference(bad, eyes_closed=True)  # type: ignore[arg-type]


def test_ratio_to_norm_caps_the_norm_at_the_test_cap() -> None:
    assert SINGLE_LEG_YOUNG_S == 44.7
    assert ratio_to_norm(30.0, 44.7, cap_s=30.0) == 1.0  # 44.7 s cannot be beaten in 30 s
    assert ratio_to_norm(15.0, 44.7, cap_s=30.0) == 0.5
    assert ratio_to_norm(15.0, 44.7, cap_s=60.0) == pytest.approx(15.0 / 44.7)
    with pytest.raises(ValueError, match="hold_s"):
        ratio_to_norm(-1.0, 10.0, cap_s=30.0)
    with pytest.raises(ValueError, match="cap_s"):
        ratio_to_norm(1.0, 10.0, cap_s=0.0)
    with pytest.raises(ValueError, match="norm_s"):
        ratio_to_norm(1.0, float("nan"), cap_s=30.0)


def test_every_source_has_a_citation() -> None:
    assert set(CITATIONS) == set(Source)
    assert all(len(text) > 20 for text in CITATIONS.values())


def test_sway_cells_are_anchored_at_their_subjects_median_age() -> None:
    assert len(SWAY_NORMS) == 12
    young = [cell for cell in SWAY_NORMS if cell.age_min == 18]
    assert {cell.anchor_age for cell in young} == {25.5}  # 80 of 87 are under 40
    assert [cell.label for cell in SWAY_NORMS[::4]] == ["18–59", "60–69", "70+"]
    for cell in SWAY_NORMS:
        assert list(cell.velocity_cm_s) == sorted(cell.velocity_cm_s)
        assert list(cell.area_cm2) == sorted(cell.area_cm2)
        assert cell.trials >= 90
        assert cell.subjects >= 30
        assert cell.age_min <= cell.anchor_age <= min(cell.age_max, 86)
    assert sum(sway_norms.SUBJECTS_BY_DECADE.values()) == 163
    assert young_adult_median_cm_s(eyes_closed=False) == 0.795
    assert young_adult_median_cm_s(eyes_closed=True) == 0.832


def test_sway_reference_interpolates_between_anchors_and_holds_outside() -> None:
    young, old = SWAY_NORMS[1], SWAY_NORMS[9]  # eyes closed, firm: 18–59 and 70+
    at_25 = sway_reference(25, eyes_closed=True)
    at_95 = sway_reference(95, eyes_closed=True)
    assert at_25 is not None
    assert at_95 is not None
    assert at_25.velocity_cm_s == young.velocity_cm_s
    assert at_95.velocity_cm_s == old.velocity_cm_s  # held at 70+ (none older than 86)
    assert at_95.bands == ("70+",)
    at_70 = sway_reference(70, eyes_closed=True)
    assert at_70 is not None
    assert at_70.bands == ("60–69", "70+")
    sixties = SWAY_NORMS[5]
    assert sixties.velocity_cm_s[3] < at_70.median_velocity_cm_s < old.velocity_cm_s[3]
    references = [sway_reference(a, eyes_closed=True) for a in range(18, 121)]
    medians = [r.median_velocity_cm_s for r in references if r is not None]
    assert np.abs(np.diff(medians)).max() < 0.02  # cm/s per year: no step between bands
    assert at_95.p95_velocity_cm_s == 2.458
    assert at_95.as_dict()["bands"] == ["70+"]


@pytest.mark.parametrize(
    ("age", "thin"), [(18, True), (25, False), (35, False), (45, True), (55, True), (65, False),
                      (75, False), (84, True), (95, True)],
)  # fmt: skip
def test_the_reference_is_thin_where_the_data_set_has_few_people(age: int, thin: bool) -> None:
    reference = sway_reference(age, eyes_closed=True)
    assert reference is not None
    assert reference.thin is thin


def test_steadiness_percentile_is_approximate_in_thin_places_and_tails() -> None:
    at_65 = sway_reference(65, eyes_closed=True)
    assert at_65 is not None
    median = at_65.median_velocity_cm_s
    assert at_65.steadiness_percentile(median).percentile == 50.0
    assert at_65.steadiness_percentile(median).approximate is False
    assert at_65.steadiness_percentile(0.1).percentile == 95.0  # clamped: steadier than P5
    assert at_65.steadiness_percentile(0.1).approximate is True
    assert at_65.steadiness_percentile(5.0).approximate is True
    at_85 = sway_reference(85, eyes_closed=True)
    assert at_85 is not None
    assert at_85.steadiness_percentile(at_85.median_velocity_cm_s).approximate is True


def test_percentiles_interpolate_between_points_and_clamp_outside() -> None:
    cell = sway_reference(25, eyes_closed=False)
    assert cell is not None
    v = cell.velocity_cm_s
    assert cell.velocity_percentile(v[3]) == 50.0
    assert cell.velocity_percentile((v[3] + v[4]) / 2) == pytest.approx(62.5)
    assert cell.velocity_percentile(0.0) == 5.0
    assert cell.velocity_percentile(99.0) == 95.0
    assert cell.area_percentile(cell.area_cm2[1]) == 10.0
    assert percentile_of(2.0, (1.0, 3.0), (10, 20)) == 15.0
    with pytest.raises(ValueError, match="non-negative number"):
        percentile_of(float("nan"), (1.0, 3.0), (10, 20))


@pytest.mark.shared_data
def test_sway_table_regenerates_from_the_shared_data(shared_data: Path) -> None:
    script = _script()
    source = shared_data / "santos-duarte-2016" / "BDSinfoCOP.txt"
    table, decades = script.derive(source)
    assert script.render(table, decades) == Path(sway_norms.__file__).read_text(encoding="utf-8")
    # An independent check of one cell: young, eyes open, firm.
    rows = [line.split("\t") for line in source.read_text(encoding="utf-8").splitlines()]
    header, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    velocity = [
        float(r[col["COPvelo"]])
        for r in body
        if float(r[col["Age"]]) < 60 and r[col["Vision"]] == "Open" and r[col["Surface"]] == "Firm"
    ]
    assert len(velocity) == sway_norms.CELLS[0][4]
    assert np.median(velocity) == pytest.approx(sway_norms.VELOCITY_CM_S[0][3], abs=5e-4)
    ages = {r[col["Subject"]]: float(r[col["Age"]]) for r in body}
    assert sum(80 <= a < 90 for a in ages.values()) == sway_norms.SUBJECTS_BY_DECADE[80] == 8
    assert max(ages.values()) < 87  # nobody older: the 70+ values are held beyond


@pytest.mark.shared_data
def test_derive_script_check_mode(shared_data: Path, tmp_path: Path) -> None:
    source = shared_data / "santos-duarte-2016" / "BDSinfoCOP.txt"
    ok = subprocess.run(
        [sys.executable, str(SCRIPT), str(source), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    missing = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "absent.txt")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2
    assert "data file not found" in missing.stderr
