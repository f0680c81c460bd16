"""The research command line against the NumPy/SciPy script a researcher would write instead.

Run from the repository root: ``.venv/bin/python benchmarks/analyze.py``.

Both sides read the same 60-s, 100 Hz recordings (the Santos & Duarte 2016 trials in
``../shared/data`` when present, else 60 synthetic files of the same format) and compute the same
sway measures, in this process, after start-up:

- engine: ``main(["analyze", FILE..., "--fs", "100", "--ap", "COPx[cm]", "--ml", "COPy[cm]"])``,
  in its own process (``--jobs 1``) and in one worker process per CPU (``--jobs 0``, the workers
  started inside the time measured);
- script: ``np.loadtxt`` of the two columns, then the SciPy reference of ``benchmarks/engine.py``
  (``scipy.signal.welch`` per axis, ``scipy.stats.f.ppf``, ``np.cov`` eigenvalues).

Prints milliseconds per file (median of several passes over all files) and the ratios
engine / script (goal <= 0.5): the script is one process, as a researcher would write it. With
``--jobs 0`` the same files are also given four times over, so that the workers' start is spread
over more files. The start-up of ``python -m …engine`` is printed apart.
"""

from __future__ import annotations

import gzip
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.engine import quiet_stance_trial, reference_sway  # noqa: E402
from custom_components.retro_balance.engine.cli.main import main  # noqa: E402

TRIALS = ROOT.parent / "shared" / "data" / "santos-duarte-2016" / "trials"
COLUMNS = ("COPx[cm]", "COPy[cm]")
FS_HZ = 100.0
PASSES = 9
MANY_TIMES = 4
"""The files are also given this many times over: the workers' start then counts less."""


def recordings(folder: Path) -> list[Path]:
    """The reference trials, or synthetic files in the same format written into ``folder``."""
    found = sorted(TRIALS.glob("BDS*.txt.gz"))
    if found:
        return found
    header = "Time[s]\tFx[N]\tFy[N]\tFz[N]\tMx[Nm]\tMy[Nm]\tMz[Nm]\tCOPx[cm]\tCOPy[cm]\n"
    paths = []
    for seed in range(60):
        ap, ml = quiet_stance_trial(seed)
        rows = np.column_stack((np.arange(1, ap.size + 1) / FS_HZ, np.zeros((ap.size, 6)), ap, ml))
        text = io.StringIO()
        np.savetxt(text, rows, fmt="%.6f", delimiter="\t")
        path = folder / f"synthetic{seed:02d}.txt.gz"
        path.write_bytes(gzip.compress((header + text.getvalue()).encode()))
        paths.append(path)
    return paths


def engine_pass(files: list[Path], jobs: int = 1) -> float:
    """Seconds for the engine's command to analyse every file (output discarded).

    With ``jobs`` other than 1 the worker processes are started within the time measured.
    """
    argv = ["analyze", *map(str, files), "--fs", str(FS_HZ), "--ap", COLUMNS[0], "--ml", COLUMNS[1]]
    argv += ["--jobs", str(jobs)]
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    status = main(argv, stdout=out, stderr=err)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"analyze failed: {err.getvalue()}")
    return elapsed


def script_pass(files: list[Path]) -> float:
    """Seconds for the NumPy/SciPy script to do the same."""
    start = time.perf_counter()
    for path in files:
        with gzip.open(path, "rt") as handle:
            names = handle.readline().rstrip("\n").split("\t")
        columns = [names.index(name) for name in COLUMNS]
        ap, ml = np.loadtxt(path, skiprows=1, usecols=columns, unpack=True)
        reference_sway(ap, ml, FS_HZ)
    return time.perf_counter() - start


def start_up_seconds() -> float:
    """Wall time of ``python -m …engine analyze --help`` (interpreter and imports)."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "custom_components.retro_balance.engine", "analyze", "--help"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - start


def main_benchmark() -> None:
    """Print the per-file figures and their ratio."""
    with tempfile.TemporaryDirectory() as folder:
        files = recordings(Path(folder))
        source = "Santos & Duarte 2016 trials" if files[0].name.startswith("BDS") else "synthetic"
        engine_pass(files), script_pass(files)  # warm the caches and imports
        # Interleaved, so that a change in the machine's load touches both sides alike.
        many = files * MANY_TIMES
        passes = [
            (
                engine_pass(files),
                engine_pass(files, jobs=0),
                engine_pass(many, jobs=0) / MANY_TIMES,
                script_pass(files),
            )
            for _ in range(PASSES)
        ]
        engine_s, parallel_s, parallel_many_s, script_s = (
            statistics.median(run[side] for run in passes) / len(files) for side in range(4)
        )
    cpus = os.process_cpu_count() or 1
    print(f"analyze over {len(files)} files ({source}, 60 s at 100 Hz, gzip), per file:")
    rows = (
        ("engine analyze", engine_s),
        (f"engine analyze --jobs 0 ({cpus} CPUs)", parallel_s),
        (f"  the same over {len(many)} files", parallel_many_s),
        ("np.loadtxt + SciPy script", script_s),
    )
    for label, seconds in rows:
        print(f"  {label + ':':42s}{seconds * 1e3:7.2f} ms")
    ratios = (
        ("ratio engine/script (goal <= 0.5)", engine_s),
        ("ratio with --jobs 0", parallel_s),
        (f"  over {len(many)} files (the workers' start spread)", parallel_many_s),
    )
    for label, seconds in ratios:
        print(f"  {label + ':':42s}{seconds / script_s:7.2f}")
    print(f"  start-up of the command (once per run, not per file): {start_up_seconds():.2f} s")


if __name__ == "__main__":
    main_benchmark()
