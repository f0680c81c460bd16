"""Read named numeric columns from a delimited text file with a header row.

The delimiter is chosen from the header line: a tab if it has one, else a comma if it has one,
else runs of whitespace. Fields are stripped of surrounding spaces (some tools pad tab-separated
columns). Blank lines and lines starting with ``#`` are skipped. Files are read gzip-compressed
when they start with the gzip magic bytes, whatever their name. An empty field is a missing
reading (NaN); any other field that is not a number is an error naming its line and column.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ..arrays import FloatArray

IntArray = npt.NDArray[np.int64]

GZIP_MAGIC = b"\x1f\x8b"


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
    lines = _numbered_lines(Path(path))
    try:
        header_number, header = next(lines)
    except StopIteration:
        raise TableError("the file is empty (no header row)") from None
    delimiter = "\t" if "\t" in header else "," if "," in header else None
    names = [name.strip() for name in header.split(delimiter)]
    missing = [name for name in columns if name not in names]
    if missing:
        raise TableError(
            f"no column {', '.join(repr(m) for m in missing)} in the header "
            f"(line {header_number} has: {', '.join(names)})"
        )
    indices = [names.index(name) for name in columns]

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
    return Table(
        columns={name: data[:, k] for k, name in enumerate(columns)},
        line_numbers=np.asarray(line_numbers, dtype=np.int64),
    )


def _numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Non-blank, non-comment lines of the (possibly gzip-compressed) file with their numbers."""
    try:
        raw = path.read_bytes()
        if raw.startswith(GZIP_MAGIC):
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8-sig")
    except FileNotFoundError:
        raise TableError("file not found") from None
    except IsADirectoryError:
        raise TableError("is a directory, not a file") from None
    except (OSError, EOFError, zlib.error) as err:
        raise TableError(f"cannot read the file: {err}") from None
    except UnicodeDecodeError:
        raise TableError("not a UTF-8 text file") from None
    return (
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
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
