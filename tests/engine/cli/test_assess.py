"""The assess command: good lines, every kind of bad line, and no traceback ever."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from custom_components.retro_balance.engine.cli import main as cli
from custom_components.retro_balance.engine.cli.assess import assess_line

ROOT = Path(__file__).resolve().parents[3]
FRAIL = {
    "age": 84,
    "sex": "female",
    "cap_s": 30,
    "tests": {
        "single_leg_left": {"could_not_start": True},
        "single_leg_right": {"could_not_start": True},
        "tandem": {"could_not_start": True},
        "quiet_eyes_closed": {"hold_s": 30, "velocity_cm_s": 2.0},
    },
}
FIT = {
    "age": 25,
    "sex": "male",
    "tests": {
        "single_leg_left": {"hold_s": 30},
        "single_leg_right": {"hold_s": 30},
        "tandem": {"hold_s": 30},
        "quiet_eyes_open": {"hold_s": 30, "velocity_cm_s": 0.7},
        "quiet_eyes_closed": {"hold_s": 30, "velocity_cm_s": 0.8},
    },
}


def _run(tmp_path: Path, *lines: str) -> tuple[int, list[dict[str, Any]], list[str]]:
    path = tmp_path / "checks.jsonl"
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(["assess", str(path)], stdout=out, stderr=err)
    return status, [json.loads(x) for x in out.getvalue().splitlines()], err.getvalue().splitlines()


def test_good_lines_print_one_object_each(tmp_path: Path) -> None:
    status, results, errors = _run(tmp_path, json.dumps(FRAIL), "", json.dumps(FIT))
    assert (status, errors) == (0, [])
    frail, fit = results
    assert frail["line"] == 1
    assert fit["line"] == 3  # the blank line 2 is skipped
    assert frail["fall_risk"] == "high"
    assert [r["code"] for r in frail["reasons"] if r["severity"] != "unmeasured"] == [
        "tandem_position_not_taken",
        "single_leg_position_not_taken",
    ]
    assert frail["score"] is not None
    assert frail["score"] < 20
    assert frail["partial"] is False
    assert frail["percentile_approximate"] is True  # the reference has 8 people in their 80s
    assert (fit["score"], fit["for_age"], fit["fall_risk"], fit["reasons"]) == (
        100.0,
        100.0,
        "low",
        [],
    )
    for result in results:
        assert {"score", "partial", "percentile", "fall_risk", "reasons", "covers", "tests"} <= set(
            result
        )
        assert "format" not in result
    tandem = next(t for t in frail["tests"] if t["test"] == "tandem")
    assert (tandem["outcome"], tandem["hold_s"], tandem["points"]) == (
        "position_not_taken",
        0.0,
        0.0,
    )


def test_a_single_short_trial_is_partial(tmp_path: Path) -> None:
    line = {"age": 75, "tests": {"single_leg_left": {"hold_s": 4, "velocity_ap_cm_s": 3.5,
                                                     "velocity_ml_cm_s": 4.0}}}  # fmt: skip
    _, (result,), _ = _run(tmp_path, json.dumps(line))
    assert (result["score"], result["partial"], result["covers"]) == (
        None,
        True,
        ["single_leg_left"],
    )
    assert result["fall_risk"] == "moderate"
    romberg = {
        "age": 70,
        "sex": None,
        "tests": {"quiet_eyes_closed": {"hold_s": 6}, "tandem": {"hold_s": 30}},
    }
    _, (broken,), _ = _run(tmp_path, json.dumps(romberg))
    assert broken["fall_risk"] == "moderate"
    assert broken["tests"][1]["outcome"] == "stance_not_kept"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{", "not JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"age": 70, "weight": 60, "tests": {}}', "unknown key(s) weight"),
        ('{"tests": {}}', "age must be a whole number"),
        ('{"age": 70.5, "tests": {}}', "age must be a whole number"),
        ('{"age": true, "tests": {}}', "age must be a whole number"),
        ('{"age": 130, "tests": {}}', "from 0 to 120"),
        ('{"age": 70, "sex": "f", "tests": {}}', "sex must be"),
        ('{"age": 70, "cap_s": 5, "tests": {}}', "cap_s must be between 10 and 60"),
        ('{"age": 70, "cap_s": NaN, "tests": {}}', "cap_s must be a finite number"),
        ('{"age": 70}', "tests must be an object"),
        ('{"age": 70, "tests": {"hopping": {"hold_s": 3}}}', "unknown test 'hopping'"),
        ('{"age": 70, "tests": {"tandem": 12}}', "tests.tandem must be an object"),
        ('{"age": 70, "tests": {"tandem": {}}}', "tests.tandem must be"),
        ('{"age": 70, "tests": {"tandem": {"hold_s": 3, "sway": 1}}}', "got keys hold_s, sway"),
        ('{"age": 70, "tests": {"tandem": {"hold_s": "3"}}}', "tests.tandem.hold_s must be a"),
        ('{"age": 70, "tests": {"tandem": {"hold_s": 31}}}', "between 0 and cap_s"),
        ('{"age": 70, "tests": {"tandem": {"hold_s": -1}}}', "between 0 and cap_s"),
        ('{"age": 70, "tests": {"tandem": {"could_not_start": false}}}', "must be true"),
        ('{"age": 70, "tests": {"tandem": {"could_not_start": true, "hold_s": 0}}}', "alone"),
        ('{"age": 70, "tests": {"quiet_eyes_open": {"hold_s": 30, "velocity_cm_s": -1}}}',
         "must not be negative"),
    ],
)  # fmt: skip
def test_bad_lines_name_the_line_and_the_rest_is_still_assessed(
    tmp_path: Path, line: str, message: str
) -> None:
    status, results, errors = _run(tmp_path, json.dumps(FIT), line, json.dumps(FRAIL))
    assert status == 1
    assert [r["line"] for r in results] == [1, 3]
    (error,) = errors
    assert error.startswith(f"{tmp_path / 'checks.jsonl'}:2: ")
    assert message in error


def test_unreadable_file_and_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["assess", str(tmp_path / "absent.jsonl")], stdout=out, stderr=err) == 1
    assert "cannot read" in err.getvalue()
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(FIT) + "\n"))
    out = io.StringIO()
    assert cli.main(["assess", "-"], stdout=out, stderr=err) == 0
    assert json.loads(out.getvalue())["score"] == 100.0


def test_assess_line_is_the_same_as_the_command() -> None:
    assert assess_line(json.dumps(FIT))["score"] == 100.0


def test_the_module_runs_and_a_bad_line_gives_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "checks.jsonl"
    path.write_text(json.dumps(FRAIL) + '\n{"age": "old"}\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "custom_components.retro_balance.engine", "assess", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 1
    assert json.loads(done.stdout)["fall_risk"] == "high"
    assert (
        done.stderr == f"{path}:2: age must be a whole number of years from 0 to 120, got 'old'\n"
    )
    assert "Traceback" not in done.stderr
