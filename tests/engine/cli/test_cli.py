"""The analyze command: formats it reads, what it prints, and one clear line per failed file."""

import gzip
import io
import json
import os
from pathlib import Path

import numpy as np
import pytest

from custom_components.retro_balance.engine.cli import analyze
from custom_components.retro_balance.engine.cli import main as cli
from custom_components.retro_balance.engine.signal.measures import sway_measures
from custom_components.retro_balance.engine.signal.resample import resample_uniform

REQUIRED_KEYS = {
    "file", "samples", "duration_s", "path_length_cm", "mean_velocity_cm_s",
    "mean_velocity_ap_cm_s", "mean_velocity_ml_cm_s", "rms_ap_cm", "rms_ml_cm", "range_ap_cm",
    "range_ml_cm", "ellipse_area95_cm2", "mean_frequency_hz",
}  # fmt: skip


def _trace(n: int = 200, seed: int = 4) -> tuple[np.ndarray, np.ndarray]:
    ap, ml = np.cumsum(np.random.default_rng(seed).normal(0, 0.05, size=(2, n)), axis=1)
    return ap, ml


def _write(path: Path, header: list[str], rows: list[list[object]], sep: str = "\t") -> Path:
    text = sep.join(header) + "\n" + "".join(sep.join(map(str, r)) + "\n" for r in rows)
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _cop_file(path: Path, sep: str = "\t", n: int = 200) -> Path:
    ap, ml = _trace(n)
    rows = [
        [f"{i / 50:.2f}", repr(float(a)), repr(float(m))]
        for i, (a, m) in enumerate(zip(ap, ml, strict=True))
    ]
    return _write(path, ["t", "AP", "ML"], rows, sep)


def _run(*argv: str) -> tuple[int, list[dict[str, object]], list[str]]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(list(argv), stdout=out, stderr=err)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    return status, results, err.getvalue().splitlines()


def _analyze(
    *files: Path, extra: tuple[str, ...] = ()
) -> tuple[int, list[dict[str, object]], list[str]]:
    return _run("analyze", *map(str, files), "--fs", "50", "--ap", "AP", "--ml", "ML", *extra)


@pytest.mark.parametrize(
    ("name", "sep"), [("a.tsv", "\t"), ("a.csv", ","), ("a.txt", "   "), ("a.tsv.gz", "\t")]
)
def test_reads_tab_comma_whitespace_and_gzip(tmp_path: Path, name: str, sep: str) -> None:
    path = _cop_file(tmp_path / name, sep)
    status, results, errors = _analyze(path)
    assert (status, errors) == (0, [])
    (result,) = results
    assert set(result) >= REQUIRED_KEYS
    assert result["file"] == str(path)
    ap, ml = _trace()
    expected = sway_measures(ap, ml, 50.0).as_dict()
    for key, value in expected.items():
        assert result[key] == pytest.approx(value, rel=1e-12), key


def test_units_are_converted_to_cm(tmp_path: Path) -> None:
    ap, ml = _trace()
    rows = [[a * 10, m * 10] for a, m in zip(ap, ml, strict=True)]
    path = _write(tmp_path / "mm.csv", ["AP", "ML"], rows, ",")
    _, (result,), _ = _analyze(path, extra=("--units", "mm"))
    assert result["path_length_cm"] == pytest.approx(sway_measures(ap, ml, 50.0).path_length_cm)


def test_lowpass_is_applied_before_the_measures(tmp_path: Path) -> None:
    path = _cop_file(tmp_path / "a.tsv")
    _, (raw,), _ = _analyze(path)
    _, (smooth,), _ = _analyze(path, extra=("--lowpass-hz", "2"))
    assert smooth["samples"] == raw["samples"]
    assert smooth["path_length_cm"] < 0.8 * raw["path_length_cm"]  # type: ignore[operator]


def test_time_column_resamples_and_reports_the_stretch(tmp_path: Path) -> None:
    ap, ml = _trace(300)
    time_s = np.arange(300) / 40 + np.random.default_rng(1).uniform(-0.004, 0.004, 300)
    keep = np.ones(300, bool)
    keep[100:120] = False  # half a second without data: a gap
    rows = [[t, a, m] for t, a, m, k in zip(time_s, ap, ml, keep, strict=True) if k]
    path = _write(tmp_path / "jitter.tsv", ["t", "AP", "ML"], rows)
    status, (result,), _ = _analyze(path, extra=("--time", "t"))
    assert status == 0
    series = resample_uniform(time_s[keep], np.column_stack((ap, ml))[keep], 50.0)
    after_gap = series.values[series.time_s > time_s[120] - 1e-9]
    assert result["gaps"] == 1
    assert result["samples"] == after_gap.shape[0]  # the later stretch is the longer one
    assert time_s[120] <= result["start_s"] < time_s[120] + 1 / 50  # first grid time after it
    expected = sway_measures(after_gap[:, 0], after_gap[:, 1], 50.0)
    assert result["mean_velocity_cm_s"] == pytest.approx(expected.mean_velocity_cm_s)


def _corner_file(path: Path, total_kg: float = 70.0, n: int = 300) -> Path:
    ap, ml = _trace(n)
    # Split total_kg between the corners so that COP is (ap, ml) on a 400 × 200 mm pad.
    right = total_kg * (0.5 + ml / 40)
    front = total_kg * (0.5 + ap / 20)
    tl = front * (total_kg - right) / total_kg
    tr = front * right / total_kg
    bl = (total_kg - front) * (total_kg - right) / total_kg
    br = (total_kg - front) * right / total_kg
    rows = [[i / 50, *c] for i, c in enumerate(zip(tl, tr, bl, br, strict=True))]
    return _write(path, ["time", "tl", "tr", "bl", "br"], rows)


def test_four_corner_recording(tmp_path: Path) -> None:
    path = _corner_file(tmp_path / "corners.tsv")
    status, (result,), errors = _run(
        "analyze", str(path), "--fs", "50", "--time", "time", "--cells", "tl,tr,bl,br",
        "--width-mm", "400", "--depth-mm", "200",
    )  # fmt: skip
    assert (status, errors) == (0, [])
    ap, ml = _trace(300)
    expected = sway_measures(ap, ml, 50.0)
    assert result["samples"] == 300
    assert result["gaps"] == 0
    assert result["ellipse_area95_cm2"] == pytest.approx(expected.ellipse_area95_cm2, rel=1e-9)
    assert result["mean_frequency_hz"] == pytest.approx(expected.mean_frequency_hz, rel=1e-9)


def test_four_corner_recording_below_the_minimum_load(tmp_path: Path) -> None:
    path = _corner_file(tmp_path / "light.tsv", total_kg=15.0)
    argv = ["analyze", str(path), "--fs", "50", "--time", "time", "--cells", "tl,tr,bl,br"]
    status, results, errors = _run(*argv)
    assert (status, results) == (1, [])
    assert errors == [
        f"{path}: no sample has at least 20 kg total load (are --load-units kg right?)"
    ]
    status, results, _ = _run(*argv, "--min-load-kg", "10")
    assert status == 0
    status, results, _ = _run(*argv, "--load-units", "lb", "--min-load-kg", "5")
    assert status == 0


def _one_error(tmp_path: Path, path: Path, *extra: str) -> str:
    status, results, errors = _analyze(path, extra=extra)
    assert (status, results) == (1, [])
    assert len(errors) == 1
    assert errors[0].startswith(f"{path}: ")
    return errors[0]


def test_missing_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.tsv", ["AP", "X"], [[1, 2]] * 20)
    assert "no column 'ML'" in _one_error(tmp_path, path)


def test_non_numeric_value(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.tsv", ["AP", "ML"], [[1, 2]] * 5 + [[1, "abc"]] + [[1, 2]] * 20)
    assert "line 7, column 'ML': 'abc' is not a number" in _one_error(tmp_path, path)


def test_too_few_samples(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.tsv", ["AP", "ML"], [[i, i] for i in range(9)])
    assert "only 9 usable samples; at least 10 are needed" in _one_error(tmp_path, path)


@pytest.mark.parametrize("missing", ["nan", ""])
def test_nan_or_empty_value_without_time(tmp_path: Path, missing: str) -> None:
    rows: list[list[object]] = [[i, i % 3] for i in range(20)]
    rows[4][0] = missing
    path = _write(tmp_path / "a.tsv", ["AP", "ML"], rows)
    assert "column 'AP' has 1 missing or non-finite value(s), first on line 6" in _one_error(
        tmp_path, path
    )


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert _one_error(tmp_path, tmp_path / "nope.tsv").endswith("file not found")
    assert _one_error(tmp_path, tmp_path).endswith("is a directory, not a file")


def test_broken_gzip_binary_and_empty_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gz"
    whole = gzip.compress(b"AP\tML\n" + b"".join(b"%d\t%d\n" % (i, i * i) for i in range(500)))
    broken.write_bytes(whole[: len(whole) // 2])
    assert "cannot read the file" in _one_error(tmp_path, broken)
    binary = tmp_path / "binary.tsv"
    binary.write_bytes(b"\xff\xfe\x00AP")
    assert _one_error(tmp_path, binary).endswith("not a UTF-8 text file")
    empty = tmp_path / "empty.tsv"
    empty.write_text("\n# only a comment\n", encoding="utf-8")
    assert _one_error(tmp_path, empty).endswith("the file is empty (no header row)")


def test_ragged_row(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", ["AP", "ML"], [[1, 2]] * 3 + [[1, 2, 3]] + [[1, 2]] * 20, ",")
    assert "line 5 has 3 fields but the header has 2" in _one_error(tmp_path, path)


def test_a_still_trace_is_reported_not_crashed(tmp_path: Path) -> None:
    path = _write(tmp_path / "still.tsv", ["AP", "ML"], [[1, 2]] * 30)
    assert "does not move" in _one_error(tmp_path, path)


def test_other_files_are_still_processed(tmp_path: Path) -> None:
    good = _cop_file(tmp_path / "good.tsv")
    bad = _write(tmp_path / "bad.tsv", ["AP"], [[1]] * 20)
    status, results, errors = _analyze(bad, good, tmp_path / "missing.tsv")
    assert status == 1
    assert [r["file"] for r in results] == [str(good)]
    assert len(errors) == 2


def test_unexpected_errors_are_one_line_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(analyze, "sway_measures", explode)
    path = _cop_file(tmp_path / "a.tsv")
    assert _one_error(tmp_path, path) == f"{path}: unexpected RuntimeError: boom"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--fs", "0", "--ap", "a", "--ml", "b"], "--fs must be a positive"),
        (["--fs", "50"], "give --ap and --ml"),
        (["--fs", "50", "--ap", "a"], "give --ap and --ml"),
        (["--fs", "50", "--cells", "a,b,c,d", "--ap", "a", "--time", "t"], "not both"),
        (["--fs", "50", "--cells", "a,b,c", "--time", "t"], "four comma-separated"),
        (["--fs", "50", "--cells", "a,b,c,d"], "needs --time"),
        (["--fs", "50", "--ap", "a", "--ml", "b", "--lowpass-hz", "25"], "--lowpass-hz"),
        (["--fs", "50", "--ap", "a", "--ml", "b", "--max-gap-s", "0"], "--max-gap-s"),
        (["--fs", "50", "--ap", "a", "--ml", "b", "--width-mm", "-4"], "--width-mm"),
        (["--fs", "50", "--ap", "a", "--ml", "b", "--depth-mm", "nan"], "--depth-mm"),
        (["--fs", "50", "--ap", "a", "--ml", "b", "--min-load-kg", "-1"], "--min-load-kg"),
    ],
)
def test_bad_argument_combinations(argv: list[str], message: str) -> None:
    status, results, errors = _run("analyze", "f.tsv", *argv)
    assert (status, results) == (2, [])
    assert len(errors) == 1
    assert message in errors[0]


def test_files_and_options_may_be_intermixed(tmp_path: Path) -> None:
    first, second = _cop_file(tmp_path / "1.tsv"), _cop_file(tmp_path / "2.tsv", ",")
    status, results, _ = _run(
        "analyze", str(first), "--fs", "50", "--ap", "AP", str(second), "--ml", "ML"
    )
    assert status == 0
    assert len(results) == 2


def test_help_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["analyze", "--help"])
    assert exit_info.value.code == 0
    assert "--cells TL,TR,BL,BR" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        cli.main([])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    assert "analyze" in capsys.readouterr().out


def test_default_streams_are_stdout_and_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _cop_file(tmp_path / "a.tsv")
    status = cli.main(
        ["analyze", str(path), str(tmp_path / "x"), "--fs", "50", "--ap", "AP", "--ml", "ML"]
    )
    captured = capsys.readouterr()
    assert status == 1
    assert json.loads(captured.out)["samples"] == 200
    assert captured.err == f"{tmp_path / 'x'}: file not found\n"


def _mixed_files(tmp_path: Path) -> list[Path]:
    """Good files with a bad one and a missing one between them."""
    files = [_cop_file(tmp_path / f"{index}.tsv", n=200 + 10 * index) for index in range(7)]
    files.insert(2, _write(tmp_path / "bad.tsv", ["AP"], [[1]] * 20))
    files.insert(5, tmp_path / "missing.tsv")
    return files


FORK_IN_PYTEST = pytest.mark.filterwarnings(
    # pytest's process has threads of its own; the command line's has none when it forks.
    "ignore:This process .* is multi-threaded:DeprecationWarning"
)


@FORK_IN_PYTEST
@pytest.mark.parametrize("jobs", ["2", "0"])
def test_worker_processes_give_the_same_output_in_the_same_order(tmp_path: Path, jobs: str) -> None:
    files = _mixed_files(tmp_path)
    alone = _analyze(*files)
    assert alone[0] == 1
    assert len(alone[1]) == 7
    assert len(alone[2]) == 2
    assert _analyze(*files, extra=("--jobs", jobs)) == alone


@FORK_IN_PYTEST
def test_files_of_a_worker_that_died_are_analysed_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _mixed_files(tmp_path)
    alone = _analyze(*files)
    parent = os.getpid()
    real = analyze.analyze_file

    def dies_in_a_worker(path: str, args: object) -> object:
        if os.getpid() != parent and path.endswith("3.tsv"):
            os._exit(1)  # as if the worker were killed (out of memory, a signal)
        return real(path, args)  # type: ignore[arg-type]

    monkeypatch.setattr(analyze, "analyze_file", dies_in_a_worker)
    assert _analyze(*files, extra=("--jobs", "2")) == alone


def test_jobs_must_not_be_negative() -> None:
    status, results, errors = _run("analyze", "f.tsv", "--fs", "50", "--ap", "a", "--ml", "b",
                                   "--jobs", "-1")  # fmt: skip
    assert (status, results) == (2, [])
    assert errors[0].endswith("analyze: error: --jobs must be 0 (one per CPU) or more, got -1")
