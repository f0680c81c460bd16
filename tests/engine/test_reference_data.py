"""The engine against numbers nobody in this project computed (public data in ../shared/data).

Santos & Duarte 2016 (PeerJ 4:e2648) published COParea, COPvelo and COPmfreq for every trial;
the Wii Balance Board file carries the COP its own tool computed from the four corners.
"""

import io
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from custom_components.retro_balance.engine.cli.main import main
from custom_components.retro_balance.engine.cli.tabular import read_table
from custom_components.retro_balance.engine.signal.cop import WII_BALANCE_BOARD, centre_of_pressure
from custom_components.retro_balance.engine.signal.measures import sway_measures
from custom_components.retro_balance.engine.signal.resample import (
    longest_complete_stretch,
    resample_uniform,
)
from tests.paths import REPO

pytestmark = pytest.mark.shared_data

TRIALS = [f"BDS{number:05d}" for number in range(1, 61)]
FS_HZ = 100.0
NEWTONS_PER_KG = 9.80665
CORNERS = ["TopLeft", "TopRight", "BottomLeft", "BottomRight"]


@cache
def _published(info_path: Path) -> dict[str, dict[str, float]]:
    lines = info_path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    wanted = {name: header.index(name) for name in ("COParea", "COPvelo", "COPmfreq")}
    rows = (line.split("\t") for line in lines[1:])
    return {row[0]: {name: float(row[i]) for name, i in wanted.items()} for row in rows}


def _trial_path(shared_data: Path, trial: str) -> Path:
    return shared_data / "santos-duarte-2016" / "trials" / f"{trial}.txt.gz"


@pytest.mark.parametrize("trial", TRIALS)
def test_published_area_velocity_and_mean_frequency(shared_data: Path, trial: str) -> None:
    published = _published(shared_data / "santos-duarte-2016" / "BDSinfoCOP.txt")[trial]
    table = read_table(_trial_path(shared_data, trial), ["COPx[cm]", "COPy[cm]"])
    assert len(table) == 6000
    m = sway_measures(table.columns["COPx[cm]"], table.columns["COPy[cm]"], FS_HZ)
    assert m.ellipse_area95_cm2 == pytest.approx(published["COParea"], rel=1e-9)
    assert m.mean_velocity_cm_s == pytest.approx(published["COPvelo"], rel=1e-9)
    assert m.mean_frequency_hz == pytest.approx(published["COPmfreq"], rel=1e-9)


def _wii(shared_data: Path) -> Path:
    return shared_data / "wii-balance-board" / "center-of-pressure-file.txt"


def test_wii_corners_give_the_tools_own_cop(shared_data: Path) -> None:
    table = read_table(_wii(shared_data), [*CORNERS, "CpX", "CpY"])
    loads_kg = np.column_stack([table.columns[c] for c in CORNERS]) / NEWTONS_PER_KG
    cop = centre_of_pressure(loads_kg, WII_BALANCE_BOARD)
    standing = cop.total_kg >= 20
    assert standing.sum() > 5000  # most of the file; the rest is the empty board
    assert np.isnan(cop.ap_cm[~standing]).all()
    assert np.abs(cop.ml_cm[standing] - table.columns["CpX"][standing]).max() < 0.01
    assert np.abs(cop.ap_cm[standing] - table.columns["CpY"][standing]).max() < 0.01


def _run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def test_cli_on_a_real_trial(shared_data: Path) -> None:
    trial = "BDS00007"
    path = _trial_path(shared_data, trial)
    status, out, err = _run_cli(
        "analyze", str(path), "--fs", "100", "--ap", "COPx[cm]", "--ml", "COPy[cm]"
    )
    assert (status, err) == (0, "")
    result = json.loads(out)
    published = _published(shared_data / "santos-duarte-2016" / "BDSinfoCOP.txt")[trial]
    assert result["file"] == str(path)
    assert result["samples"] == 6000
    assert result["duration_s"] == 60.0
    assert result["ellipse_area95_cm2"] == pytest.approx(published["COParea"], rel=1e-9)
    assert result["mean_velocity_cm_s"] == pytest.approx(published["COPvelo"], rel=1e-9)
    assert result["mean_frequency_hz"] == pytest.approx(published["COPmfreq"], rel=1e-9)


def test_cli_on_the_wii_corners_matches_the_tools_cop(shared_data: Path) -> None:
    path = _wii(shared_data)
    status, out, err = _run_cli(
        "analyze", str(path), "--fs", "40", "--time", "Time", "--load-units", "N",
        "--cells", ",".join(CORNERS), "--width-mm", "433", "--depth-mm", "238",
    )  # fmt: skip
    assert (status, err) == (0, "")
    result = json.loads(out)

    # The same pipeline fed with the tool's own CpY (AP) / CpX (ML) where someone stands.
    table = read_table(path, ["Time", "CpX", "CpY", *CORNERS])
    total_kg = sum(table.columns[c] for c in CORNERS) / NEWTONS_PER_KG
    cop = np.column_stack((table.columns["CpY"], table.columns["CpX"]))
    cop[total_kg < 20] = np.nan
    series = resample_uniform(table.columns["Time"], cop, 40.0)
    stretch = longest_complete_stretch(series.values)
    kept = series.values[stretch]
    expected = sway_measures(kept[:, 0], kept[:, 1], 40.0)

    assert result["samples"] == expected.samples
    assert result["samples"] > 40 * 150  # the standing part lasts about 170 s
    assert result["start_s"] == pytest.approx(series.time_s[stretch.start], abs=0.1)
    for name in ("path_length_cm", "rms_ap_cm", "rms_ml_cm", "ellipse_area95_cm2"):
        assert result[name] == pytest.approx(getattr(expected, name), rel=1e-3), name
    assert result["mean_frequency_hz"] == pytest.approx(expected.mean_frequency_hz, rel=1e-3)


def test_module_entry_point_runs_as_a_program(shared_data: Path) -> None:
    path = _trial_path(shared_data, "BDS00001")
    completed = subprocess.run(
        [sys.executable, "-m", "custom_components.retro_balance.engine", "analyze", str(path),
         "--fs", "100", "--ap", "COPx[cm]", "--ml", "COPy[cm]"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["samples"] == 6000
