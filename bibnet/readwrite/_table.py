"""Reading VOSviewer's delimited text files (map and network files) into columns of text.

VOSviewer accepts a tab, comma or semicolon between fields, double-quoted fields, an
optional byte-order mark and any line ending; :func:`bibnet.readers.text.load` decodes the
file, Arrow's CSV reader parses it at C speed, and this module adds what they lack: guessing
the delimiter, physical line numbers for error messages, and values parsed the way VOSviewer
parses them.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from bibnet.errors import InputError
from bibnet.readers.text import load

#: Delimiters VOSviewer accepts, in the order preferred on a tie.
DELIMITERS = ("\t", ";", ",")
#: Text VOSviewer Online reads as a missing value (compared lower-cased).
MISSING = ("", "null", "nan")
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_LINE_END = re.compile(r"\r\n|\r|\n")
_SNIFF_BYTES = 1 << 16
_SNIFF_LINES = 20


@dataclass(frozen=True)
class Rows:
    """The rows of a delimited file: one column of trimmed text per field.

    Attributes
    ----------
    path
        The file, as the caller named it (used in messages).
    fields
        One ``string`` array per column; blank lines are left out.
    text
        The decoded file (``"\n"`` line ends), kept to find line numbers for messages.
    """

    path: str
    fields: list[pa.Array]
    text: str

    def __len__(self) -> int:
        return len(self.fields[0]) if self.fields else 0

    def line(self, row: int) -> int:
        """The 1-based line number of ``row`` (0-based, blank lines not counted)."""
        nonblank = [i for i, line in enumerate(_LINE_END.split(self.text)) if line]
        return nonblank[row] + 1 if row < len(nonblank) else len(nonblank)

    def error(self, row: int, message: str) -> InputError:
        """An :class:`InputError` naming the file and the line of ``row``."""
        return InputError(f"{self.path} line {self.line(row)}: {message}")


def read_rows(path: str | Path, *, what: str) -> Rows:
    """Read a VOSviewer text file into :class:`Rows` (``what`` names the file kind in messages).

    Raises
    ------
    InputError
        If the file cannot be read, is not UTF-8/UTF-16 text, or a line has more or fewer
        fields than the first one.
    """
    name = str(path)
    # empty files are the caller's to judge (an empty network file has no links)
    decoded = load(path, expected=f"a VOSviewer {what}", allow_empty=True)
    text = decoded.text()
    delimiter, width = sniff(text[:_SNIFF_BYTES])
    if width == 0:
        return Rows(name, [], text)
    bad: list[tuple[int, int]] = []

    def invalid(row: pacsv.InvalidRow) -> str:
        bad.append((row.number, row.actual_columns))
        return "skip"

    names = [f"f{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(decoded.data),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, invalid_row_handler=invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid as exc:
        raise InputError(f"{name}: cannot read {what} ({str(exc).splitlines()[0]})") from None
    rows = Rows(name, [pc.utf8_trim_whitespace(table.column(n).combine_chunks()) for n in names], text)
    if bad:
        number, found = bad[0]
        raise rows.error(number - 1, f"expected {width} fields, found {found}")
    return rows


def sniff(head: str) -> tuple[str, int]:
    """Guess the delimiter from the first lines; return it and the first line's field count.

    The delimiter that splits every sampled line into the same number (> 1) of fields wins,
    the one giving more fields on a tie (a tab-delimited file whose quoted labels contain
    commas splits consistently on commas too, but into fewer fields).
    """
    lines = [line for line in _LINE_END.split(head)[:-1] if line.strip()][:_SNIFF_LINES]
    if not lines:  # a file of one line without a line end, or an empty file
        lines = [line for line in _LINE_END.split(head) if line.strip()][:1]
    if not lines:
        return "\t", 0
    best = ("\t", 1, False)
    for d in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=d)]
        consistent = len(set(counts)) == 1
        if counts[0] > 1 and (consistent, counts[0]) > (best[2], best[1]):
            best = (d, counts[0], consistent)
    return best[0], best[1]


def floats(rows: Rows, field: pa.Array, *, first_row: int, column: str) -> np.ndarray:
    """Parse text to float64, NaN for VOSviewer's missing values (``""``, ``null``, ``nan``).

    Raises :class:`InputError` naming the line of the first value that is not a finite
    number. ``first_row`` is the row index of ``field[0]`` in ``rows``.
    """
    missing = pc.is_in(pc.utf8_lower(field), pa.array(MISSING))
    filled = pc.if_else(missing, "0", field)
    ok = pc.match_substring_regex(filled, _NUMBER).to_numpy(zero_copy_only=False)
    if not ok.all():
        i = int(np.argmin(ok))
        raise rows.error(first_row + i, f"{column} value {field[i].as_py()!r} is not a number")
    values = pc.cast(filled, pa.float64()).to_numpy(zero_copy_only=False).copy()
    values[missing.to_numpy(zero_copy_only=False)] = np.nan
    return values


def integers(rows: Rows, field: pa.Array, *, first_row: int, column: str, hint: str = "") -> np.ndarray:
    """Parse text to int64 ids; empty, non-numeric and non-integral values are errors."""
    try:
        values = floats(rows, field, first_row=first_row, column=column)
    except InputError as exc:
        raise InputError(f"{exc}{hint}") from None
    bad = ~np.isfinite(values) | (values != np.round(values)) | (np.abs(values) > 2**53)
    if bad.any():
        i = int(np.argmax(bad))
        raise rows.error(first_row + i, f"{column} value {field[i].as_py()!r} is not an integer{hint}")
    return values.astype(np.int64)
