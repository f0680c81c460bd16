"""Replaying a recorded trial: loading and refusing files, and the authors' metrics recovered from
the simulated pad's stream (the last two skip without `../shared/data`).
"""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import numpy as np
import pytest

from custom_components.retro_balance.engine.signal.filtering import lowpass_zero_phase
from custom_components.retro_balance.engine.signal.measures import sway_measures
from pad_simulator.replay import load_replay
from pad_simulator.scenarios import generate

from .helpers import cop_between, frames_of, samples_of, span


def write_trial(path: Path, rows: list[list[float]], header: str | None = None) -> Path:
    header = header or "Time[s]\tFx[N]\tFy[N]\tFz[N]\tMx[Nm]\tMy[Nm]\tMz[Nm]\tCOPx[cm]\tCOPy[cm]"
    lines = [header] + ["\t".join(f"{value:g}" for value in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def synthetic_rows(count: int = 50) -> list[list[float]]:
    return [
        [(i + 1) / 100, 0, 0, 700 + i % 3, 0, 0, 0, 1 + 0.1 * math.sin(i / 5), -2 + 0.05 * i]
        for i in range(count)
    ]


def test_load_replay_centres_the_trace(tmp_path: Path) -> None:
    trace = load_replay(write_trial(tmp_path / "trial.txt", synthetic_rows()))
    assert trace.rate_hz == pytest.approx(100.0)
    assert trace.ap_cm.mean() == pytest.approx(0.0, abs=1e-12)
    assert trace.ml_cm.mean() == pytest.approx(0.0, abs=1e-12)
    assert trace.load_ratio.mean() == pytest.approx(1.0)
    compressed = tmp_path / "trial.txt.gz"
    compressed.write_bytes(gzip.compress((tmp_path / "trial.txt").read_bytes()))
    assert load_replay(compressed).ap_cm == pytest.approx(trace.ap_cm)


@pytest.mark.parametrize(
    ("rows", "header", "match"),
    [
        (synthetic_rows(), "Time[s]\tFz[N]", "missing"),
        (synthetic_rows(5), None, "at least 10 rows"),
        ([[0.01, 0, 0, 700, 0, 0, 0, 1, 2]] * 20, None, "times must increase"),
        ([[(i + 1) / 100, 0, 0, -1, 0, 0, 0, 1, 2] for i in range(20)], None, "Fz"),
    ],
)
def test_load_replay_rejects_other_files(
    tmp_path: Path, rows: list[list[float]], header: str | None, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        load_replay(write_trial(tmp_path / "trial.txt", rows, header))


def test_load_replay_reports_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read"):
        load_replay(tmp_path / "missing.txt")
    bad = tmp_path / "bad.txt"
    bad.write_text("Time[s]\tFz[N]\tCOPx[cm]\tCOPy[cm]\n0.01\tx\t1\t2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="malformed"):
        load_replay(bad)


def reference_metrics(shared_data: Path, trial: str) -> dict[str, float]:
    table = shared_data / "santos-duarte-2016" / "BDSinfoCOP.txt"
    with table.open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        for line in handle:
            row = dict(zip(header, line.rstrip("\n").split("\t"), strict=True))
            if row["Trial"] == trial:
                return {name: float(row[name]) for name in ("COParea", "COPvelo", "COPmfreq")}
    raise AssertionError(f"{trial} not in the table")


def replayed_measures(path: Path, **options: object) -> object:
    messages = generate("replay", seed=0, rate_hz=100.0, replay=path, weight_kg=60.0, **options)
    times, loads = samples_of(frames_of(messages))
    start, end = span("replay", "replay", replay=load_replay(path))
    ap, ml, _ = cop_between(times, loads, start, end)
    assert len(ap) == 6000
    return sway_measures(ap, ml, 100.0)


@pytest.mark.shared_data
@pytest.mark.parametrize("trial", ["BDS00001", "BDS00030", "BDS00051"])
def test_replayed_trial_gives_the_authors_metrics(shared_data: Path, trial: str) -> None:
    path = shared_data / "santos-duarte-2016" / "trials" / f"{trial}.txt.gz"
    reference = reference_metrics(shared_data, trial)
    # exact loads: COP -> four corners -> COP loses nothing but rounding error
    exact = replayed_measures(path, noise=False, decimals=None)
    assert exact.ellipse_area95_cm2 == pytest.approx(reference["COParea"], rel=1e-9)
    assert exact.mean_velocity_cm_s == pytest.approx(reference["COPvelo"], rel=1e-9)
    assert exact.mean_frequency_hz == pytest.approx(reference["COPmfreq"], rel=1e-9)
    # loads on the wire (1 g steps): measured +0.04 to +0.17 % velocity, area and frequency 5e-5
    wire = replayed_measures(path, noise=False)
    assert wire.ellipse_area95_cm2 == pytest.approx(reference["COParea"], rel=2e-4)
    assert wire.mean_velocity_cm_s == pytest.approx(reference["COPvelo"], rel=5e-3)
    assert wire.mean_frequency_hz == pytest.approx(reference["COPmfreq"], rel=5e-4)


@pytest.mark.shared_data
def test_replay_with_cell_noise_needs_the_low_pass_filter(shared_data: Path) -> None:
    path = shared_data / "santos-duarte-2016" / "trials" / "BDS00030.txt.gz"
    reference = reference_metrics(shared_data, "BDS00030")
    times, loads = samples_of(frames_of(generate("replay", seed=0, rate_hz=100.0, replay=path)))
    start, end = span("replay", "replay", replay=load_replay(path))
    ap, ml, _ = cop_between(times, loads, start, end)
    present = np.flatnonzero(~np.isnan(ap))  # a few missed readings (0.05 % per corner)
    assert len(present) > 5950
    ap, ml = (np.interp(np.arange(len(ap)), present, axis[present]) for axis in (ap, ml))
    raw = sway_measures(ap, ml, 100.0)
    filtered = sway_measures(lowpass_zero_phase(ap, 100.0), lowpass_zero_phase(ml, 100.0), 100.0)
    # 20 g of noise per corner more than doubles the raw path; a 10 Hz low-pass removes most of it
    assert raw.mean_velocity_cm_s > 1.5 * reference["COPvelo"]
    assert filtered.mean_velocity_cm_s == pytest.approx(reference["COPvelo"], rel=0.1)
    assert filtered.ellipse_area95_cm2 == pytest.approx(reference["COParea"], rel=0.02)
