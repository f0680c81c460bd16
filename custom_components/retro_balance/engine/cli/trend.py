"""Command line: ``python -m custom_components.retro_balance.engine trend FILE``.

Reads a CSV with the header ``date,test,value`` (ISO dates, ``test`` one of the trend measures,
several rows per date allowed, any order, dates may be missing) and prints one JSON object per
date found in the file, in date order: ``{"date": ..., <test>: {...}}`` with, for every test
measured on or before that date, its baseline, current level, change, slope and ``declining``
flag (``--explain`` adds the reason codes). Holds at or above ``--cap-s`` count as held to the
cap (censored). ``--baseline-from DATE`` starts every test's baseline again on that day (after an
operation, a new pad), as the integration's ``restart_baseline`` action does.

Bad rows get one line each on stderr, ``FILE:LINE: problem``, nothing is printed on stdout, and
the exit status is 1 (2 for bad command-line arguments, as argparse does).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any, TextIO

from ..detection.stance_config import MAX_CAP_S, MIN_CAP_S
from ..trends.assess import MeasureHistory, measure_history
from ..trends.measure import DEFAULT_HOLD_CAP_S, HOLD_MEASURES, TrendMeasure
from ..trends.series import Observation, checked_observation
from .command import PROG as ENGINE_PROG
from .command import Command

NAME = "trend"
PROG = f"{ENGINE_PROG} {NAME}"
HEADER = ("date", "test", "value")
MAX_REPORTED_ERRORS = 20
SHOWN = ("baseline", "current", "change", "change_pct", "slope_per_30d", "status", "declining")
"""The fields of each test in the output (``--explain`` adds ``reasons``)."""
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HELP = "print balance trends, one JSON line per date, from a CSV of dated results"
_DESCRIPTION = (
    "Read a CSV with the header date,test,value (test: "
    + ", ".join(TrendMeasure)
    + ") and print one JSON object per date with each test's baseline, current level, change "
    "and declining flag (docs/trends.md)."
)


class InputError(ValueError):
    """Problems with the input file, one ``FILE:LINE: problem`` line each."""

    def __init__(self, lines: Sequence[str]) -> None:
        """Keep the problem lines."""
        super().__init__("\n".join(lines))
        self.lines = tuple(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of the ``trend`` command on ``parser``."""
    parser.add_argument("file", metavar="FILE", help="CSV file with the header date,test,value")
    parser.add_argument(
        "--cap-s", type=float, default=DEFAULT_HOLD_CAP_S,
        help=f"hold cap in s: holds at or above it are censored (default {DEFAULT_HOLD_CAP_S:g})",
    )  # fmt: skip
    parser.add_argument("--explain", action="store_true", help="add each test's reason codes")
    parser.add_argument(
        "--baseline-from", type=_iso_day, default=None, metavar="YYYY-MM-DD",
        help="start every test's baseline again on this day (earlier sessions are history)",
    )  # fmt: skip


def _iso_day(text: str) -> date:
    """Read an ISO date for argparse (its error becomes a usage error, status 2)."""
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad date {text!r}; expected YYYY-MM-DD") from None


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the command; return the exit status (0 ok, 1 bad input, 2 bad arguments)."""
    if not MIN_CAP_S <= args.cap_s <= MAX_CAP_S:
        err.write(f"{PROG}: error: --cap-s must be from {MIN_CAP_S:g} to {MAX_CAP_S:g} s\n")
        return 2
    try:
        with open(args.file, encoding="utf-8-sig", newline="") as handle:  # noqa: PTH123
            observations = read_results(handle, args.file, cap_s=args.cap_s)
    except InputError as error:
        err.writelines(f"{line}\n" for line in error.lines)
        return 1
    except (OSError, UnicodeDecodeError) as error:
        err.write(f"{args.file}: cannot read: {error}\n")
        return 1
    try:
        rows = list(
            trend_rows(observations, explain=args.explain, baseline_from=args.baseline_from)
        )
    except Exception as error:  # a bad file must never end in a traceback
        err.write(f"{args.file}: unexpected {type(error).__name__}: {error}\n")
        return 1
    out.writelines(json.dumps(row) + "\n" for row in rows)
    return 0


def read_results(
    lines: TextIO, name: str, *, cap_s: float = DEFAULT_HOLD_CAP_S
) -> dict[TrendMeasure, list[Observation]]:
    """Observations per test from CSV text; :class:`InputError` lists every bad line."""
    reader = csv.reader(lines)
    header = next((row for row in reader if row), None)
    if header is None:
        raise InputError([f"{name}: empty file; expected the header {','.join(HEADER)}"])
    columns = [cell.strip().lower() for cell in header]
    if sorted(columns) != sorted(HEADER):
        found = ",".join(header)
        raise InputError([f"{name}:{reader.line_num}: header must be date,test,value, got {found}"])
    where = {column: columns.index(column) for column in HEADER}
    observations: dict[TrendMeasure, list[Observation]] = {}
    problems: list[str] = []
    for row in reader:
        if not row or not any(cell.strip() for cell in row):
            continue
        try:
            measure, observation = _parse_row(row, where, cap_s)
        except ValueError as error:
            problems.append(f"{name}:{reader.line_num}: {error}")
            continue
        observations.setdefault(measure, []).append(observation)
    if problems:
        hidden = len(problems) - MAX_REPORTED_ERRORS
        shown = problems[:MAX_REPORTED_ERRORS]
        raise InputError(shown + ([f"{name}: … and {hidden} more bad lines"] if hidden > 0 else []))
    return observations


def _parse_row(
    row: list[str], where: Mapping[str, int], cap_s: float
) -> tuple[TrendMeasure, Observation]:
    """One CSV row as a validated observation; ``ValueError`` says what is wrong."""
    if len(row) != len(HEADER):
        raise ValueError(f"expected {len(HEADER)} fields (date,test,value), got {len(row)}")
    text = {column: row[index].strip() for column, index in where.items()}
    try:
        if not _ISO_DATE.fullmatch(text["date"]):
            raise ValueError
        day = date.fromisoformat(text["date"])
    except ValueError:
        raise ValueError(f"bad date {text['date']!r}; expected YYYY-MM-DD") from None
    try:
        measure = TrendMeasure(text["test"])
    except ValueError:
        allowed = ", ".join(TrendMeasure)
        raise ValueError(f"unknown test {text['test']!r}; expected one of: {allowed}") from None
    try:
        value = float(text["value"])
    except ValueError:
        raise ValueError(f"value {text['value']!r} is not a number") from None
    observation = Observation(day=day, value=value, cap=cap_s if measure in HOLD_MEASURES else None)
    checked_observation(measure, observation)
    return measure, observation


def trend_rows(
    observations: Mapping[TrendMeasure, list[Observation]],
    *,
    explain: bool = False,
    baseline_from: date | None = None,
) -> Iterator[dict[str, Any]]:
    """One JSON-ready object per date of ``observations``, in date order."""
    histories: dict[TrendMeasure, MeasureHistory] = {
        measure: measure_history(measure, observations[measure], baseline_from=baseline_from)
        for measure in TrendMeasure
        if measure in observations
    }
    first_day = {measure: min(o.day for o in observations[measure]) for measure in histories}
    days = sorted({o.day for rows in observations.values() for o in rows})
    fields = (*SHOWN, "reasons") if explain else SHOWN
    for day in days:
        row: dict[str, Any] = {"date": day.isoformat()}
        for measure, history in histories.items():
            if first_day[measure] <= day:
                trend = history.at(day).as_dict()
                row[measure.value] = {field: trend[field] for field in fields}
        yield row


COMMAND = Command(
    name=NAME, help=_HELP, description=_DESCRIPTION, add_arguments=add_arguments, run=run
)
