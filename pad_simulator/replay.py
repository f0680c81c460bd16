"""Read a Santos & Duarte 2016 force-plate trial for replay through the simulated pad.

Santos DA, Duarte M. "A public data set of human balance evaluations." PeerJ 4:e2648 (2016).
A trial file is tab-separated (optionally gzip-compressed) with the header
``Time[s] Fx[N] Fy[N] Fz[N] Mx[Nm] My[Nm] Mz[Nm] COPx[cm] COPy[cm]`` at 100 Hz; ``COPx`` is
anterior-posterior (AP) and ``COPy`` medio-lateral (ML).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from .body import ReplayTrace

REQUIRED_COLUMNS = ("Time[s]", "Fz[N]", "COPx[cm]", "COPy[cm]")


def load_replay(path: Path | str) -> ReplayTrace:
    """Load a trial as a COP trace centred on the pad, with Fz relative to its mean.

    Centring (subtracting the mean COP) moves the plate's coordinates onto the pad's centre;
    every sway measure is unchanged by it. Raises `ValueError` naming the file when it is not
    such a trial.
    """
    file = Path(path)
    opener = gzip.open if file.suffix == ".gz" else open
    try:
        with opener(file, "rt", encoding="utf-8") as handle:
            header = handle.readline().rstrip("\r\n").split("\t")
            missing = [name for name in REQUIRED_COLUMNS if name not in header]
            if missing:
                raise ValueError(f"{file}: not a Santos & Duarte trial (missing {missing})")
            rows = np.loadtxt(handle, delimiter="\t", ndmin=2, dtype=np.float64)
    except (OSError, EOFError, UnicodeDecodeError) as err:
        raise ValueError(f"{file}: cannot read the trial: {err}") from None
    except ValueError as err:
        if str(file) in str(err):
            raise
        raise ValueError(f"{file}: malformed trial data: {err}") from None
    if rows.shape[0] < 10 or rows.shape[1] != len(header):
        raise ValueError(f"{file}: expected at least 10 rows of {len(header)} columns")
    column = {name: rows[:, index] for index, name in enumerate(header)}
    time_s = column["Time[s]"]
    steps = np.diff(time_s)
    if not np.isfinite(rows).all() or (steps <= 0).any():
        raise ValueError(f"{file}: times must increase and every value must be finite")
    rate_hz = float(1.0 / np.median(steps))
    force_n = column["Fz[N]"]
    if (force_n <= 0).any():
        raise ValueError(f"{file}: vertical force Fz must be positive throughout")
    ap_cm = column["COPx[cm]"]
    ml_cm = column["COPy[cm]"]
    return ReplayTrace(
        rate_hz=round(rate_hz, 6),
        ap_cm=ap_cm - ap_cm.mean(),
        ml_cm=ml_cm - ml_cm.mean(),
        load_ratio=force_n / force_n.mean(),
    )
