"""Norm tables, lookups and sway percentiles; the sway table regenerates from the shared data."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from custom_components.retro_balance.engine.clinical import norms, sway_norms
from custom_components.retro_balance.engine.clinical.norms import (
    SWAY_NORMS,
    Sex,
    TimedNorm,
    percentile_of,
    ratio_to_norm,
    single_leg_norm,
    sway_norm,
    tandem_norm,
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


@pytest.mark.parametrize(
    ("age", "mean_s"),
    [(18, 44.7), (39, 44.7), (40, 41.9), (59, 41.2), (60, 32.1), (75, 21.5), (80, 9.4), (104, 9.4)],
)
def test_springer_eyes_open_by_age_band(age: int, mean_s: float) -> None:
    norm = single_leg_norm(age)
    assert norm is not None
    assert norm.mean_s == mean_s
    assert norm.source == norms.SPRINGER_2007


@pytest.mark.parametrize(
    ("age", "sex", "mean_s"),
    [
        (30, Sex.FEMALE, 13.1),
        (30, Sex.MALE, 16.9),
        (30, Sex.UNSPECIFIED, 15.0),
        (30, None, 15.0),
        (65, Sex.FEMALE, 3.6),
        (65, Sex.MALE, 5.1),
        (85, Sex.MALE, 1.8),
    ],
)
def test_springer_eyes_closed_depends_on_sex(age: int, sex: Sex | None, mean_s: float) -> None:
    norm = single_leg_norm(age, eyes_closed=True, sex=sex)
    assert norm is not None
    assert norm.mean_s == pytest.approx(mean_s)
    if sex in (None, Sex.UNSPECIFIED):
        assert "mean of the women's and men's values" in norm.source


def test_bohannon_gives_lower_means_for_older_adults_only() -> None:
    assert [single_leg_norm(a, source="bohannon") for a in (65, 75, 90)] == [
        TimedNorm(age_min=60, age_max=69, mean_s=27.0, source=norms.BOHANNON_2006),
        TimedNorm(age_min=70, age_max=79, mean_s=17.2, source=norms.BOHANNON_2006),
        TimedNorm(age_min=80, age_max=120, mean_s=8.5, source=norms.BOHANNON_2006),
    ]
    assert single_leg_norm(50, source="bohannon") is None
    with pytest.raises(ValueError, match="eyes-open norms only"):
        single_leg_norm(70, eyes_closed=True, source="bohannon")
    capped = single_leg_norm(70, source="pmc11566129")
    assert capped is not None
    assert capped.mean_s == 14.8
    assert single_leg_norm(92, source="pmc11566129") is None
    with pytest.raises(ValueError, match="unknown norm source"):
        single_leg_norm(70, source="guesswork")


def test_no_norms_for_children_and_bad_ages_are_rejected() -> None:
    assert single_leg_norm(12) is None
    assert single_leg_norm(12, eyes_closed=True) is None
    assert tandem_norm(12) is None
    assert sway_norm(12, eyes_closed=False) is None
    for bad in (-1, 121, 40.5, True, "60"):
        with pytest.raises(ValueError, match="age_years"):
            single_leg_norm(bad)  # type: ignore[arg-type]


def test_tandem_norm_covers_60_to_89() -> None:
    assert tandem_norm(59) is None
    norm = tandem_norm(60)
    assert norm is not None
    assert norm.mean_s == 22.2
    assert tandem_norm(89) == norm
    assert tandem_norm(90) is None
    assert norm.as_dict() == {
        "age_min": 60,
        "age_max": 89,
        "mean_s": 22.2,
        "source": norms.TANDEM_30S_STUDY,
    }
    assert norms.STEADI_TANDEM_THRESHOLD_S == 10.0


def test_ratio_to_norm_caps_the_norm_at_the_test_cap() -> None:
    young = single_leg_norm(25)
    assert young is not None
    assert ratio_to_norm(30.0, young, cap_s=30.0) == 1.0  # 44.7 s cannot be beaten in 30 s
    assert ratio_to_norm(15.0, young, cap_s=30.0) == 0.5
    assert ratio_to_norm(15.0, young, cap_s=60.0) == pytest.approx(15.0 / 44.7)
    with pytest.raises(ValueError, match="hold_s"):
        ratio_to_norm(-1.0, young, cap_s=30.0)
    with pytest.raises(ValueError, match="cap_s"):
        ratio_to_norm(1.0, young, cap_s=0.0)


def test_sway_norm_cells_and_their_percentiles() -> None:
    assert len(SWAY_NORMS) == 12
    young_open = sway_norm(30, eyes_closed=False)
    old_closed_foam = sway_norm(72, eyes_closed=True, foam=True)
    assert young_open is not None
    assert old_closed_foam is not None
    assert (young_open.age_min, young_open.age_max, young_open.label) == (18, 59, "18–59")
    assert old_closed_foam.label == "70+"
    assert sway_norm(65, eyes_closed=False).label == "60–69"  # type: ignore[union-attr]
    # The published summary (posturography.md): young, eyes open, firm ~0.87 cm/s mean.
    assert 0.7 < young_open.median_velocity_cm_s < 0.95
    # Older people on foam with eyes closed sway far more (~4.4 cm/s mean).
    assert old_closed_foam.median_velocity_cm_s > 3 * young_open.median_velocity_cm_s
    for cell in SWAY_NORMS:
        assert list(cell.velocity_cm_s) == sorted(cell.velocity_cm_s)
        assert list(cell.area_cm2) == sorted(cell.area_cm2)
        assert cell.trials >= 90
        assert cell.subjects >= 30
        assert cell.p95_velocity_cm_s == cell.velocity_cm_s[-1]
        assert cell.p95_area_cm2 == cell.area_cm2[-1]
    assert young_open.as_dict()["percentiles"] == [5, 10, 25, 50, 75, 90, 95]


def test_percentiles_interpolate_between_points_and_clamp_outside() -> None:
    cell = sway_norm(30, eyes_closed=False)
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
    table = script.derive(source)
    assert script.render(table) == Path(sway_norms.__file__).read_text(encoding="utf-8")
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
