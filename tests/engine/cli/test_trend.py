"""The trend command: one JSON line per date, and one clear line per bad row."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from custom_components.retro_balance.engine.cli import main as cli
from custom_components.retro_balance.engine.cli import trend as command
from tests.engine.trends.series_builders import day

REQUIRED = {"baseline", "current", "change", "declining"}


def _run(*argv: str) -> tuple[int, list[dict], list[str]]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(["trend", *argv], stdout=out, stderr=err)
    return (
        status,
        [json.loads(line) for line in out.getvalue().splitlines()],
        err.getvalue().splitlines(),
    )


def _csv(tmp_path: Path, lines: list[str], name: str = "results.csv") -> str:
    path = tmp_path / name
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return str(path)


def _declining_rows() -> list[str]:
    values = [20.0] * 25 + [3.0] * 10
    return [f"{day(k).isoformat()},single_leg_left,{v}" for k, v in enumerate(values)]


def test_one_object_per_date_in_date_order(tmp_path):
    rows = _declining_rows()
    rows += [f"{day(k).isoformat()},balance_score,{80 + k % 3}" for k in range(10, 35, 2)]
    rows.append(f"{day(3).isoformat()},single_leg_left,12")  # a second value that day: 20 wins
    status, results, errors = _run(_csv(tmp_path, ["date,test,value", *reversed(rows)]))
    assert (status, errors) == (0, [])
    assert [r["date"] for r in results] == [day(k).isoformat() for k in range(35)]
    assert "balance_score" not in results[9]
    assert "balance_score" in results[10]
    assert set(results[10]["single_leg_left"]) >= REQUIRED
    assert results[10]["single_leg_left"]["baseline"] == 20.0
    assert results[-1]["single_leg_left"]["declining"] is True
    assert results[-1]["single_leg_left"]["change"] == -17.0
    assert results[-1]["balance_score"]["declining"] is False
    assert results[0]["single_leg_left"] == {
        "baseline": None, "current": None, "change": None, "change_pct": None,
        "slope_per_30d": None, "status": "building_baseline", "declining": False,
    }  # fmt: skip


def test_missing_dates_and_a_test_not_measured_that_day(tmp_path):
    lines = ["date,test,value", "2025-01-01,tandem,30", "2025-03-01,single_leg_right,12"]
    status, results, _ = _run(_csv(tmp_path, lines))
    assert status == 0
    assert [r["date"] for r in results] == ["2025-01-01", "2025-03-01"]
    assert set(results[0]) == {"date", "tandem"}
    assert set(results[1]) == {"date", "tandem", "single_leg_right"}


def test_explain_adds_reason_codes(tmp_path):
    status, results, _ = _run(_csv(tmp_path, ["date,test,value", *_declining_rows()]), "--explain")
    assert status == 0
    codes = [r["code"] for r in results[-1]["single_leg_left"]["reasons"]]
    assert codes == ["measurement_error", "change_beyond_error", "decline_persisted"]


def test_baseline_from_starts_the_baseline_again(tmp_path):
    """After an operation: the drop is history, and a new baseline is built from that day."""
    csv_file = _csv(tmp_path, ["date,test,value", *_declining_rows()])
    restart = day(25).isoformat()
    status, results, errors = _run(csv_file, "--baseline-from", restart, "--explain")
    assert (status, errors) == (0, [])
    before, building = results[24]["single_leg_left"], results[32]["single_leg_left"]
    assert before["baseline"] == 20.0
    assert building["status"] == "building_baseline"  # 8 sessions since: 3 practice + 5
    assert "baseline_restarted" in [r["code"] for r in building["reasons"]]
    after = results[-1]["single_leg_left"]  # the 10th session since: a new baseline
    assert (after["baseline"], after["declining"]) == (3.0, False)
    _, unrestarted, _ = _run(csv_file)
    assert unrestarted[-1]["single_leg_left"]["declining"] is True


@pytest.mark.parametrize("bad", ["2025-13-01", "yesterday", "2025-1-5"])
def test_a_bad_baseline_date_is_a_usage_error(tmp_path, capsys, bad):
    csv_file = _csv(tmp_path, ["date,test,value", "2025-01-01,tandem,30"])
    with pytest.raises(SystemExit) as exit_:
        cli.main(["trend", csv_file, "--baseline-from", bad])
    assert exit_.value.code == 2
    assert f"bad date {bad!r}" in capsys.readouterr().err


def test_cap_option_censors_holds(tmp_path):
    rows = [f"{day(k).isoformat()},tandem,25" for k in range(12)]
    _, results, _ = _run(_csv(tmp_path, ["date,test,value", *rows]), "--cap-s", "20", "--explain")
    tandem = results[-1]["tandem"]
    assert tandem["baseline"] == 20.0
    assert "baseline_at_cap" in [r["code"] for r in tandem["reasons"]]


def test_bad_rows_are_named_by_line_and_nothing_is_printed(tmp_path):
    lines = [
        "date,test,value",
        "2025-01-01,tandem,30",
        "2025-13-01,tandem,30",
        "01/02/2025,tandem,30",
        "2025-01-03,walking,30",
        "2025-01-04,tandem,abc",
        "2025-01-05,tandem",
        "",
        "2025-01-06,balance_score,120",
        "2025-01-07,single_leg_left,-2",
        "2025-01-08,quiet_sway_velocity,inf",
    ]
    path = _csv(tmp_path, lines)
    status, results, errors = _run(path)
    assert status == 1
    assert results == []
    assert [e.split(": ", 1)[0] for e in errors] == [
        f"{path}:{n}" for n in (3, 4, 5, 6, 7, 9, 10, 11)
    ]
    assert "bad date '2025-13-01'" in errors[0]
    assert "YYYY-MM-DD" in errors[1]
    assert "unknown test 'walking'" in errors[2]
    assert "single_leg_left" in errors[2]
    assert "'abc' is not a number" in errors[3]
    assert "expected 3 fields" in errors[4]
    assert "from 0 to 100" in errors[5]
    assert "0 or more" in errors[6]
    assert "finite" in errors[7]


def test_many_bad_rows_are_summarised(tmp_path):
    lines = ["date,test,value"] + ["2025-01-01,nope,1"] * 30
    status, _, errors = _run(_csv(tmp_path, lines))
    assert status == 1
    assert len(errors) == 21
    assert errors[-1].endswith("and 10 more bad lines")


def test_empty_file_is_an_error(tmp_path):
    path = _csv(tmp_path, [])
    status, results, errors = _run(path)
    assert (status, results) == (1, [])
    assert errors == [f"{path}: empty file; expected the header date,test,value"]


def test_header_only_prints_nothing(tmp_path):
    assert _run(_csv(tmp_path, ["date,test,value"])) == (0, [], [])


def test_columns_may_come_in_any_order_with_a_bom(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text("\ufeffTest, Value ,DATE\ntandem,22,2025-02-02\n", encoding="utf-8")
    status, results, _ = _run(str(path))
    assert status == 0
    assert results[0]["date"] == "2025-02-02"


def test_a_wrong_header_names_its_line(tmp_path):
    path = _csv(tmp_path, ["", "day,test,value", "2025-01-01,tandem,30"])
    status, _, errors = _run(path)
    assert status == 1
    assert errors == [f"{path}:2: header must be date,test,value, got day,test,value"]


def test_unreadable_file(tmp_path):
    status, _, errors = _run(str(tmp_path / "missing.csv"))
    assert status == 1
    assert "cannot read" in errors[0]
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00bad")
    status, _, errors = _run(str(binary))
    assert status == 1
    assert "cannot read" in errors[0]


def test_bad_cap_is_a_usage_error(tmp_path):
    status, _, errors = _run(_csv(tmp_path, ["date,test,value"]), "--cap-s", "0")
    assert status == 2
    assert "--cap-s" in errors[0]


def test_help_lists_the_trend_command(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "trend" in capsys.readouterr().out


def test_python_dash_m_runs_it_without_a_traceback(tmp_path):
    path = _csv(tmp_path, ["date,test,value", "2025-01-01,tandem,30", "2025-01-02,tandem,x"])
    done = subprocess.run(
        [sys.executable, "-m", "custom_components.retro_balance.engine", "trend", path],
        capture_output=True, text=True, check=False, cwd=Path(__file__).resolve().parents[3],
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == f"{path}:3: value 'x' is not a number\n"


def test_cap_outside_the_pads_range_is_a_usage_error(tmp_path):
    status, _, errors = _run(_csv(tmp_path, ["date,test,value"]), "--cap-s", "61")
    assert status == 2
    assert "from 10 to 60 s" in errors[0]


def test_an_unexpected_failure_is_one_line_not_a_traceback(tmp_path, monkeypatch):
    def broken(*_args, **_kwargs):
        raise ArithmeticError("boom")

    monkeypatch.setattr(command, "trend_rows", broken)
    path = _csv(tmp_path, ["date,test,value", "2025-01-01,tandem,30"])
    status, results, errors = _run(path)
    assert (status, results) == (1, [])
    assert errors == [f"{path}: unexpected ArithmeticError: boom"]
