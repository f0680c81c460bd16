"""Command line: ``python -m custom_components.retro_balance.engine assess FILE``.

Reads JSON lines, one person's check per line (``-`` reads standard input)::

    {"age": 84, "sex": "female", "cap_s": 30,
     "tests": {"tandem": {"could_not_start": true},
               "single_leg_left": {"hold_s": 3.2},
               "quiet_eyes_closed": {"hold_s": 30, "velocity_cm_s": 1.4}}}

``sex`` is ``female``, ``male`` or null (or left out); ``cap_s`` is the hold cap of the check
(10–60 s, 30 if left out). A test is one of ``single_leg_left``, ``single_leg_right``,
``tandem``, ``quiet_eyes_open``, ``quiet_eyes_closed``; its result is either a hold
``{"hold_s": S}`` — optionally with ``velocity_cm_s``, ``velocity_ap_cm_s`` and
``velocity_ml_cm_s``, the mean sway speeds of the hold, taken as measured on a laboratory plate
(no pad-noise correction) — or ``{"could_not_start": true}``: the person was on the pad but did
not get into the position. A test left out was not attempted. Quiet stance held less than 10 s
was not kept (a Romberg-type failure with eyes closed).

Prints one JSON object per check: its input ``line``, ``score``, ``partial``, ``covers``,
``for_age``, ``percentile``, ``percentile_approximate``, ``fall_risk`` (the level),
``reasons`` (codes with figures and sources) and ``tests`` (each test's outcome and points);
``docs/scoring.md`` explains them. A bad line gets one message on stderr naming the file and
line number, the other lines are still assessed, and the exit status is 1 (2 for bad arguments).
Blank lines are skipped.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TextIO

from ..clinical.norms import OLDEST_AGE, Sex
from ..clinical.outcomes import MIN_QUIET_HOLD_S, Outcome, StanceOutcome, Trial
from ..clinical.scoring import assess_outcomes
from ..detection.stance_config import MAX_CAP_S, MIN_CAP_S, DetectorConfig
from ..detection.stance_result import StanceTest
from ..validation import finite_number
from .command import PROG, Command

HELP = "judge balance checks given as JSON lines: score, standing for age, fall risk"
DESCRIPTION = (
    "Read one person's balance check per line (JSON: age, sex, cap_s and the result of each "
    "test) and print one JSON object per check with the score, the standing for age, the sway "
    "percentile, the fall-risk level and its reasons as codes."
)
EPILOG = (
    f'example: echo \'{{"age": 84, "sex": "female", "tests": {{"tandem": '
    f'{{"could_not_start": true}}, "single_leg_left": {{"hold_s": 3.2}}}}}}\' | '
    f"{PROG} assess -"
)
CHECK_KEYS = frozenset({"age", "sex", "cap_s", "tests"})
VELOCITY_KEYS = ("velocity_cm_s", "velocity_ap_cm_s", "velocity_ml_cm_s")
HOLD_KEYS = frozenset({"hold_s", *VELOCITY_KEYS})


class CheckError(ValueError):
    """A line that is not a valid check, with a message for the user."""


def add_arguments(assess: argparse.ArgumentParser) -> None:
    """Add the command's arguments."""
    assess.add_argument("file", metavar="FILE", help="JSON lines, one check per line; - for stdin")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Assess every line of the file; return the exit status (0 ok, 1 a bad line or file)."""
    path: str = args.file
    try:
        if path == "-":
            failed = _assess_lines("<stdin>", sys.stdin, out, err)
        else:
            with Path(path).open(encoding="utf-8") as handle:
                failed = _assess_lines(path, handle, out, err)
    except (OSError, UnicodeDecodeError) as error:
        err.write(f"{path}: cannot read: {error}\n")
        return 1
    return 1 if failed else 0


def _assess_lines(name: str, lines: Iterable[str], out: TextIO, err: TextIO) -> bool:
    failed = False
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            result = assess_line(line)
        except CheckError as error:
            failed = True
            err.write(f"{name}:{number}: {error}\n")
            continue
        out.write(json.dumps({"line": number, **result}) + "\n")
    return failed


def assess_line(line: str) -> dict[str, Any]:
    """Assess one JSON line into a JSON-ready dict (``CheckError`` with a message if bad)."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise CheckError(f"not JSON: {error.msg} (column {error.colno})") from None
    if not isinstance(data, dict):
        raise CheckError(f"a check must be a JSON object, got {type(data).__name__}")
    unknown = set(data) - CHECK_KEYS
    if unknown:
        raise CheckError(
            f"unknown key(s) {', '.join(sorted(unknown))}; expected {_names(CHECK_KEYS)}"
        )
    try:
        age = _age(data.get("age"))
        sex = _sex(data.get("sex"))
        cap_s = _cap(data.get("cap_s", DetectorConfig().cap_s))
        outcomes = _outcomes(data.get("tests"), cap_s)
    except ValueError as error:
        raise CheckError(str(error)) from None
    assessment = assess_outcomes(outcomes, age, sex).as_dict()
    fall_risk = assessment.pop("fall_risk")
    assessment.pop("format")
    return {
        **assessment,
        "fall_risk": fall_risk["level"],
        "reasons": fall_risk["reasons"],
    }


def _age(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= OLDEST_AGE:
        raise ValueError(
            f"age must be a whole number of years from 0 to {OLDEST_AGE}, got {value!r}"
        )
    return value


def _sex(value: object) -> Sex | None:
    if value is None:
        return None
    if value in (Sex.FEMALE, Sex.MALE):
        return Sex(str(value))
    raise ValueError(f'sex must be "female", "male" or null, got {value!r}')


def _cap(value: object) -> float:
    cap_s = finite_number(value, "cap_s")
    if not MIN_CAP_S <= cap_s <= MAX_CAP_S:
        raise ValueError(f"cap_s must be between {MIN_CAP_S:g} and {MAX_CAP_S:g} s, got {cap_s:g}")
    return cap_s


def _outcomes(value: object, cap_s: float) -> dict[StanceTest, StanceOutcome]:
    if not isinstance(value, Mapping):
        raise ValueError(f"tests must be an object of test: result, got {value!r}")
    outcomes = {}
    for name, result in value.items():
        try:
            test = StanceTest(name)
        except ValueError:
            raise ValueError(
                f"unknown test {name!r}; expected {_names(t.value for t in StanceTest)}"
            ) from None
        outcomes[test] = _outcome(test, result, cap_s)
    return outcomes


def _outcome(test: StanceTest, result: object, cap_s: float) -> StanceOutcome:
    where = f"tests.{test.value}"
    if not isinstance(result, Mapping):
        raise ValueError(f"{where} must be an object, got {result!r}")
    if "could_not_start" in result:
        if set(result) != {"could_not_start"} or result["could_not_start"] is not True:
            raise ValueError(
                f"{where}: could_not_start must be true and alone (leave a test out when it "
                "was not attempted)"
            )
        return StanceOutcome(test=test, outcome=Outcome.POSITION_NOT_TAKEN, cap_s=cap_s)
    unknown = set(result) - HOLD_KEYS
    if "hold_s" not in result or unknown:
        raise ValueError(
            f'{where} must be {{"hold_s": S}} (optionally with {_names(VELOCITY_KEYS)}) or '
            f'{{"could_not_start": true}}, got keys {_names(result)}'
        )
    hold_s = finite_number(result["hold_s"], f"{where}.hold_s")
    if not 0 <= hold_s <= cap_s:
        raise ValueError(
            f"{where}.hold_s must be between 0 and cap_s ({cap_s:g} s), got {hold_s:g}"
        )
    speeds = {}
    for key in VELOCITY_KEYS:
        if result.get(key) is not None:
            speeds[key] = finite_number(result[key], f"{where}.{key}")
            if speeds[key] < 0:
                raise ValueError(f"{where}.{key} must not be negative, got {speeds[key]:g}")
    kept = not test.is_quiet or hold_s >= MIN_QUIET_HOLD_S
    return StanceOutcome(
        test=test,
        outcome=Outcome.HELD if kept else Outcome.STANCE_NOT_KEPT,
        cap_s=cap_s,
        trials=(Trial(hold_s=hold_s, **speeds),),
    )


def _names(names: Iterable[object]) -> str:
    return ", ".join(sorted(str(name) for name in names)) or "none"


COMMAND = Command(
    name="assess",
    help=HELP,
    description=DESCRIPTION,
    epilog=EPILOG,
    add_arguments=add_arguments,
    run=run,
)
