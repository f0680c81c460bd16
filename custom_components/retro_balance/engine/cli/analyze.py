"""Command line: ``python -m custom_components.retro_balance.engine analyze FILE... --fs HZ ...``.

Prints one JSON object per analysed file on stdout. A file that cannot be analysed gets exactly
one line on stderr naming it and the problem; the other files are still analysed, and the exit
status is 1 if any file failed (2 for bad command-line arguments, as argparse does).

Two kinds of recording:

- COP columns (``--ap``/``--ml``, lengths in ``--units``) sampled uniformly at ``--fs``; with
  ``--time`` they are resampled onto a uniform ``--fs`` grid first.
- four corner loads (``--cells TL,TR,BL,BR`` with ``--time``): COP comes from the pad geometry,
  samples below ``--min-load-kg`` are dropped (stepping on or off), and the irregular timestamps
  are resampled to ``--fs``.

After resampling, the longest stretch without a gap longer than ``--max-gap-s`` is analysed and
its ``start_s``/``end_s`` and the number of ``gaps`` are reported. ``--lowpass-hz`` applies the
zero-phase 4th-order Butterworth low-pass before the measures.

``--jobs N`` analyses the files in N worker processes (0: one per CPU); the output is the same,
in the order the files were given. Reading a file (decompressing, parsing) is most of the time
and holds the interpreter, so threads would not help.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from typing import Any, TextIO

import numpy as np

from ..arrays import FloatArray
from ..signal.cop import DEFAULT_MIN_TOTAL_KG, WII_BALANCE_BOARD, PadGeometry, centre_of_pressure
from ..signal.filtering import lowpass_zero_phase
from ..signal.measures import MIN_SAMPLES, sway_measures
from ..signal.resample import DEFAULT_MAX_GAP_S, longest_complete_stretch, resample_uniform
from .command import PROG, Command
from .tabular import Table, read_table

CM_PER_UNIT = {"cm": 1.0, "mm": 0.1, "m": 100.0}
KG_PER_LOAD_UNIT = {"kg": 1.0, "N": 1.0 / 9.80665, "lb": 0.45359237}


class AnalysisError(ValueError):
    """A recording that cannot be analysed, with a message for the user."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _Trace:
    """A uniformly sampled COP trace ready for the measures."""

    ap_cm: FloatArray
    ml_cm: FloatArray
    extra: dict[str, Any]


HELP = "print the sway measures of each file as one JSON line"
DESCRIPTION = (
    "Read delimited text files with a header row (tab, comma or whitespace separated; "
    "gzip-compressed too) and print one JSON object per file with the sway measures. "
    "Give either --ap and --ml (COP columns) or --cells with --time (corner loads)."
)
EPILOG = f"example: {PROG} analyze BDS00001.txt.gz --fs 100 --ap 'COPx[cm]' --ml 'COPy[cm]'"


def add_arguments(analyze: argparse.ArgumentParser) -> None:
    """Declare the options of the ``analyze`` command on ``analyze``."""
    analyze.add_argument("files", nargs="+", metavar="FILE", help="recordings to analyse")
    analyze.add_argument(
        "--fs", type=float, required=True, metavar="HZ",
        help="sampling rate of the file, or the target rate when --time is given",
    )  # fmt: skip
    cop = analyze.add_argument_group("COP columns")
    cop.add_argument("--ap", metavar="COLUMN", help="anterior-posterior COP column")
    cop.add_argument("--ml", metavar="COLUMN", help="medio-lateral COP column")
    cop.add_argument(
        "--units", choices=tuple(CM_PER_UNIT), default="cm", help="unit of --ap/--ml (default cm)"
    )
    cells = analyze.add_argument_group("four-corner loads")
    cells.add_argument(
        "--cells", metavar="TL,TR,BL,BR",
        help="corner load columns: top-left, top-right, bottom-left, bottom-right (top = toes)",
    )  # fmt: skip
    cells.add_argument(
        "--width-mm", type=float, default=WII_BALANCE_BOARD.width_mm,
        help="left-right distance between cell centres (default: Wii Balance Board, 433)",
    )  # fmt: skip
    cells.add_argument(
        "--depth-mm", type=float, default=WII_BALANCE_BOARD.depth_mm,
        help="front-back distance between cell centres (default: Wii Balance Board, 238)",
    )  # fmt: skip
    cells.add_argument(
        "--load-units", choices=tuple(KG_PER_LOAD_UNIT), default="kg",
        help="unit of the corner loads, for --min-load-kg only (COP is a ratio; default kg)",
    )  # fmt: skip
    cells.add_argument(
        "--min-load-kg", type=float, default=DEFAULT_MIN_TOTAL_KG,
        help="ignore samples with less total load (default 20 kg)",
    )  # fmt: skip
    timing = analyze.add_argument_group("timing and filtering")
    timing.add_argument(
        "--time", metavar="COLUMN", help="timestamp column (s): resample to --fs (irregular data)"
    )
    timing.add_argument(
        "--max-gap-s", type=float, default=DEFAULT_MAX_GAP_S,
        help="longest gap bridged by interpolation when resampling (default 0.25 s)",
    )  # fmt: skip
    timing.add_argument(
        "--lowpass-hz", type=float, metavar="HZ",
        help="zero-phase 4th-order Butterworth low-pass before the measures",
    )  # fmt: skip
    analyze.add_argument(
        "--jobs", type=int, default=1, metavar="N",
        help="analyse files in N worker processes, 0 for one per CPU (default 1)",
    )  # fmt: skip


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Analyse each file; return the exit status (0 ok, 1 a file failed, 2 bad arguments)."""
    problem = _argument_problem(args)
    if problem:
        err.write(f"{PROG} analyze: error: {problem}\n")
        return 2
    failed = False
    for path, outcome in _outcomes(args):
        if isinstance(outcome, str):
            failed = True
            err.write(f"{path}: {outcome}\n")
        else:
            out.write(json.dumps(outcome) + "\n")
    return 1 if failed else 0


type Outcome = dict[str, Any] | str
"""A file's measures, or the one line that says why it could not be analysed."""


def _outcome(path: str, args: argparse.Namespace) -> Outcome:
    try:
        return analyze_file(path, args)
    except ValueError as error:
        return str(error)
    except Exception as error:  # a file must never end the run with a traceback
        return f"unexpected {type(error).__name__}: {error}"


def _outcomes(args: argparse.Namespace) -> Iterator[tuple[str, Outcome]]:
    """Every file's outcome, in the order given: here, or in ``--jobs`` worker processes."""
    files: list[str] = args.files
    jobs = min(args.jobs or os.process_cpu_count() or 1, len(files))
    done = 0
    if jobs > 1:
        # Forked workers start at once with everything imported; spawned ones would import
        # NumPy and the engine again. A worker that dies leaves its files to this process.
        context = (
            multiprocessing.get_context("fork")
            if "fork" in multiprocessing.get_all_start_methods()
            else None
        )
        try:
            with ProcessPoolExecutor(jobs, mp_context=context) as pool:
                chunk = max(1, len(files) // (4 * jobs))
                for path, outcome in zip(
                    files,
                    pool.map(partial(_outcome, args=args), files, chunksize=chunk),
                    strict=True,
                ):
                    yield path, outcome
                    done += 1
        except BrokenProcessPool:
            pass
    for path in files[done:]:
        yield path, _outcome(path, args)


def analyze_file(path: str, args: argparse.Namespace) -> dict[str, Any]:
    """Sway measures of one file as a JSON-ready dict (``ValueError`` with a user message)."""
    trace = _corner_trace(path, args) if args.cells else _cop_trace(path, args)
    ap_cm, ml_cm = trace.ap_cm, trace.ml_cm
    if ap_cm.size < MIN_SAMPLES:
        raise AnalysisError(f"only {ap_cm.size} usable samples; at least {MIN_SAMPLES} are needed")
    if args.lowpass_hz is not None:
        ap_cm = lowpass_zero_phase(ap_cm, args.fs, cutoff_hz=args.lowpass_hz)
        ml_cm = lowpass_zero_phase(ml_cm, args.fs, cutoff_hz=args.lowpass_hz)
    measures = sway_measures(ap_cm, ml_cm, args.fs)
    return {"file": path, **measures.as_dict(), **trace.extra}


def _argument_problem(args: argparse.Namespace) -> str | None:
    """Describe what is wrong with the combination of arguments, if anything."""
    if not np.isfinite(args.fs) or args.fs <= 0:
        return f"--fs must be a positive rate in Hz, got {args.fs:g}"
    if args.jobs < 0:
        return f"--jobs must be 0 (one per CPU) or more, got {args.jobs}"
    if args.cells:
        if args.ap or args.ml:
            return "give either --cells or --ap/--ml, not both"
        if len(args.cells.split(",")) != 4:
            return "--cells needs four comma-separated column names: TL,TR,BL,BR"
        if not args.time:
            return "--cells needs --time (corner recordings are resampled from their timestamps)"
    elif not (args.ap and args.ml):
        return "give --ap and --ml (COP columns) or --cells (corner loads)"
    if not args.max_gap_s > 0:
        return f"--max-gap-s must be positive, got {args.max_gap_s:g}"
    if not (args.width_mm > 0 and args.depth_mm > 0):
        return "--width-mm and --depth-mm must be positive distances in mm"
    if not args.min_load_kg >= 0:
        return f"--min-load-kg must not be negative, got {args.min_load_kg:g}"
    if args.lowpass_hz is not None and not 0 < args.lowpass_hz < args.fs / 2:
        return f"--lowpass-hz must lie between 0 and half of --fs ({args.fs / 2:g} Hz)"
    return None


def _cop_trace(path: str, args: argparse.Namespace) -> _Trace:
    """AP/ML columns in cm, resampled when a time column is given."""
    columns = [args.ap, args.ml] + ([args.time] if args.time else [])
    table = read_table(path, columns)
    scale = CM_PER_UNIT[args.units]
    ap_cm, ml_cm = table.columns[args.ap] * scale, table.columns[args.ml] * scale
    if args.time:
        return _resampled(table.columns[args.time], np.column_stack((ap_cm, ml_cm)), args)
    for name, values in ((args.ap, ap_cm), (args.ml, ml_cm)):
        _reject_missing(table, name, values)
    return _Trace(ap_cm=ap_cm, ml_cm=ml_cm, extra={})


def _corner_trace(path: str, args: argparse.Namespace) -> _Trace:
    """COP from four corner columns, below-threshold samples dropped, resampled to ``--fs``."""
    names = [name.strip() for name in args.cells.split(",")]
    table = read_table(path, [*names, args.time])
    loads_kg = np.column_stack([table.columns[name] for name in names])
    loads_kg *= KG_PER_LOAD_UNIT[args.load_units]
    geometry = PadGeometry(width_mm=args.width_mm, depth_mm=args.depth_mm)
    cop = centre_of_pressure(loads_kg, geometry, min_total_kg=args.min_load_kg)
    if not np.isfinite(cop.ap_cm).any():
        raise AnalysisError(
            f"no sample has at least {args.min_load_kg:g} kg total load "
            f"(are --load-units {args.load_units} right?)"
        )
    return _resampled(table.columns[args.time], np.column_stack((cop.ap_cm, cop.ml_cm)), args)


def _resampled(time_s: FloatArray, cop_cm: FloatArray, args: argparse.Namespace) -> _Trace:
    """Resample (AP, ML) to ``--fs`` and keep the longest stretch without a long gap."""
    series = resample_uniform(time_s, cop_cm, args.fs, max_gap_s=args.max_gap_s)
    stretch = longest_complete_stretch(series.values)
    kept = series.values[stretch]
    return _Trace(
        ap_cm=kept[:, 0],
        ml_cm=kept[:, 1],
        extra={
            "start_s": float(series.time_s[stretch.start]),
            "end_s": float(series.time_s[stretch.stop - 1]),
            "gaps": len(series.gaps),
        },
    )


def _reject_missing(table: Table, column: str, values: FloatArray) -> None:
    """``AnalysisError`` naming the first line where ``column`` is NaN, empty or infinite."""
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise AnalysisError(
            f"column {column!r} has {bad.size} missing or non-finite value(s), first on line "
            f"{table.line_numbers[bad[0]]}; give --time to resample over them"
        )


COMMAND = Command(
    name="analyze",
    help=HELP,
    description=DESCRIPTION,
    epilog=EPILOG,
    add_arguments=add_arguments,
    run=run,
)
