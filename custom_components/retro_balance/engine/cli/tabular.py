"""Read named numeric columns from a delimited text file with a header row.

The delimiter is chosen from the header line: a tab if it has one, else a comma if it has one,
else runs of whitespace. Fields are stripped of surrounding spaces (some tools pad tab-separated
columns). Blank lines and lines starting with ``#`` are skipped. Files are read gzip-compressed
when they start with the gzip magic bytes, whatever their name. An empty field is a missing
reading (NaN); any other field that is not a number is an error naming its line and column.
"""

from __future__ import annotations

import io
import itertools
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ..arrays import FloatArray

type IntArray = npt.NDArray[np.int64]

GZIP_MAGIC = b"\x1f\x8b"
GZIP_WBITS = 16 + zlib.MAX_WBITS
"""zlib reads a gzip member (header and CRC checked) without the gzip module's Python loop."""


class TableError(ValueError):
    """A file that cannot be read as a table with the requested numeric columns."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """Requested columns by name, and the 1-based file line number of every row."""

    columns: dict[str, FloatArray]
    line_numbers: IntArray

    def __len__(self) -> int:
        """Return the number of data rows."""
        return int(self.line_numbers.size)


def read_table(path: str | Path, columns: Sequence[str]) -> Table:
    """Read ``columns`` (header names) of the delimited text file at ``path`` as float arrays.

    Raises :class:`TableError` if the file cannot be read, has no header, lacks a column, has a
    row with the wrong number of fields, or holds a non-numeric value in a requested column.
    """
    text = _text(Path(path))
    header_number, header, body = _header(text)
    delimiter = "\t" if "\t" in header else "," if "," in header else None
    names = [name.strip() for name in header.split(delimiter)]
    missing = [name for name in columns if name not in names]
    if missing:
        raise TableError(
            f"no column {', '.join(repr(m) for m in missing)} in the header "
            f"(line {header_number} has: {', '.join(names)})"
        )
    indices = [names.index(name) for name in columns]
    regular = _regular_rows(body, delimiter, len(names), indices)
    if regular is not None:
        data = regular
        first_row = header_number + 1
        line_numbers: IntArray = np.arange(first_row, first_row + data.shape[0], dtype=np.int64)
    else:
        rows = _numbered_lines(body, first_number=header_number + 1)
        data, line_numbers = _rows_line_by_line(rows, delimiter, names, indices)
    return Table(
        columns={name: data[:, k] for k, name in enumerate(columns)}, line_numbers=line_numbers
    )


def _header(text: str) -> tuple[int, str, str]:
    """Return the header's line number, the header, and the text after it."""
    start = 0
    for number in itertools.count(1):
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        if line.strip() and not line.lstrip().startswith("#"):
            return number, line, "" if end < 0 else text[end + 1 :]
        if end < 0:
            break
        start = end + 1
    raise TableError("the file is empty (no header row)")


def _regular_rows(
    body: str, delimiter: str | None, field_count: int, indices: list[int]
) -> FloatArray | None:
    """Read the requested columns when every line of ``body`` is a full row of plain numbers.

    NumPy's C reader does this several times faster than a Python loop over the lines. It is
    asked for the last column too, so that a short row fails; with that, the total number of
    fields matching rows x columns means that no row is long either. Anything irregular (a blank,
    comment, short or long line, an empty or non-numeric field) gives ``None``, and the
    line-by-line reader then reads the file and words the error.
    """
    row_count = body.count("\n") + (not body.endswith("\n"))
    if delimiter is None:
        regular = len(body.split()) == row_count * field_count
    else:
        regular = body.count(delimiter) == row_count * (field_count - 1)
    if not body or not regular:
        return None
    try:
        data: FloatArray = np.loadtxt(
            io.StringIO(body),
            delimiter=delimiter,
            usecols=[*indices, field_count - 1],
            comments=None,
            ndmin=2,
            dtype=np.float64,
        )
    except ValueError:
        return None
    return data[:, : len(indices)] if data.shape[0] == row_count else None


def _rows_line_by_line(
    lines: Iterator[tuple[int, str]], delimiter: str | None, names: list[str], indices: list[int]
) -> tuple[FloatArray, IntArray]:
    """Every remaining line checked and converted on its own, errors naming line and column."""
    values: list[list[float]] = []
    line_numbers: list[int] = []
    for number, line in lines:
        fields = line.split(delimiter)
        if len(fields) != len(names):
            raise TableError(
                f"line {number} has {len(fields)} fields but the header has {len(names)}"
            )
        values.append([_number(fields[i], number, names[i]) for i in indices])
        line_numbers.append(number)
    data = np.asarray(values, dtype=np.float64).reshape(len(values), len(indices))
    return data, np.asarray(line_numbers, dtype=np.int64)


def _text(path: Path) -> str:
    """Return the (possibly gzip-compressed) file as UTF-8 text with newline line ends."""
    try:
        raw = path.read_bytes()
        if raw.startswith(GZIP_MAGIC):
            raw = zlib.decompress(raw, wbits=GZIP_WBITS)
        text = raw.decode("utf-8-sig")
    except FileNotFoundError:
        raise TableError("file not found") from None
    except IsADirectoryError:
        raise TableError("is a directory, not a file") from None
    except (OSError, EOFError, zlib.error) as err:
        raise TableError(f"cannot read the file: {err}") from None
    except UnicodeDecodeError:
        raise TableError("not a UTF-8 text file") from None
    # Lines end at "\n" everywhere below (a "\r" before it is stripped with the last field);
    # only old-Mac files that end lines with a bare "\r" need rewriting.
    if text.count("\r") != text.count("\r\n"):
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _numbered_lines(text: str, *, first_number: int) -> Iterator[tuple[int, str]]:
    """Return the non-blank, non-comment lines of ``text`` with their 1-based file numbers."""
    return (
        (number, line)
        for number, line in enumerate(text.split("\n"), start=first_number)
        if line.strip() and not line.lstrip().startswith("#")
    )


def _number(field: str, line_number: int, column: str) -> float:
    """``field`` as a float (empty = NaN), or a :class:`TableError` naming where it is."""
    text = field.strip()
    if not text:
        return float("nan")
    try:
        return float(text)
    except ValueError:
        raise TableError(
            f"line {line_number}, column {column!r}: {text!r} is not a number"
        ) from None
