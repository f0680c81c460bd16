"""read_table: NumPy's fast reader for regular files, the line-by-line reader for the rest."""

from pathlib import Path

import numpy as np
import pytest

from custom_components.retro_balance.engine.cli import tabular
from custom_components.retro_balance.engine.cli.tabular import TableError, read_table

ROWS = [[f"{i / 10:.1f}", f"{i * 1.5:.3f}", f"{-i:.2f}"] for i in range(12)]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("sep", ["\t", ",", " "])
def test_regular_file_takes_the_fast_path(
    tmp_path: Path, sep: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "t.txt", [sep.join(["t", "a", "b"])] + [sep.join(r) for r in ROWS])

    def no_loop(*_: object) -> None:
        raise AssertionError("a regular file must not need the line-by-line reader")

    monkeypatch.setattr(tabular, "_rows_line_by_line", no_loop)
    table = read_table(path, ["b", "t"])
    np.testing.assert_array_equal(table.columns["b"], [-i for i in range(12)])
    np.testing.assert_array_equal(table.columns["t"], [i / 10 for i in range(12)])
    np.testing.assert_array_equal(table.line_numbers, np.arange(2, 14))


def test_irregular_file_reads_the_same_values_with_its_own_line_numbers(tmp_path: Path) -> None:
    lines = ["\t".join(["t", "a", "b"])] + ["\t".join(r) for r in ROWS]
    regular = read_table(_write(tmp_path / "r.txt", lines), ["a", "b"])
    lines.insert(5, "# a note in the middle")
    lines.insert(8, "")
    irregular = read_table(_write(tmp_path / "i.txt", lines), ["a", "b"])
    for name in ("a", "b"):
        np.testing.assert_array_equal(irregular.columns[name], regular.columns[name])
    assert list(irregular.line_numbers[:5]) == [2, 3, 4, 5, 7]
    assert irregular.line_numbers[-1] == 15


def test_empty_field_is_missing_and_padded_fields_are_numbers(tmp_path: Path) -> None:
    rows = ["t\ta\tb", "0.0\t 1.5 \t2", "0.1\t\t3"]
    table = read_table(_write(tmp_path / "e.txt", rows), ["a", "b"])
    assert table.columns["a"][0] == 1.5
    assert np.isnan(table.columns["a"][1])
    np.testing.assert_array_equal(table.columns["b"], [2.0, 3.0])


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["t\ta", "1\t2", "3\t4\t5", "6"], "line 3 has 3 fields but the header has 2"),
        (["t\ta", "1\t2", "3\t4", "5\tx"], "line 4, column 'a': 'x' is not a number"),
        (["t\ta", "1\t2", "3", "5\t6\t7"], "line 3 has 1 fields but the header has 2"),
    ],
)
def test_errors_name_the_line(tmp_path: Path, rows: list[str], message: str) -> None:
    with pytest.raises(TableError, match=message):
        read_table(_write(tmp_path / "bad.txt", rows), ["t", "a"])


@pytest.mark.parametrize("line_end", ["\r\n", "\r"])
def test_windows_and_old_mac_line_ends(tmp_path: Path, line_end: str) -> None:
    lines = ["t\ta", "0\t1.5", "", "1\t2.5", "2\tx"]
    path = tmp_path / "crlf.txt"
    path.write_bytes(line_end.join(lines[:4]).encode() + line_end.encode())
    table = read_table(path, ["t", "a"])
    np.testing.assert_array_equal(table.columns["a"], [1.5, 2.5])
    assert list(table.line_numbers) == [2, 4]
    path.write_bytes(line_end.join(lines).encode())
    with pytest.raises(TableError, match="line 5, column 'a': 'x' is not a number"):
        read_table(path, ["t", "a"])


def test_comment_and_blank_lines_before_the_header(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.txt", ["# recorded 2016", "", "t,a", "0,1", "1,2"])
    table = read_table(path, ["a"])
    np.testing.assert_array_equal(table.columns["a"], [1.0, 2.0])
    assert list(table.line_numbers) == [4, 5]
