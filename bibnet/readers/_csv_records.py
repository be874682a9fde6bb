"""Where the records of a CSV text are, and their fields: the parsing half of :mod:`bibnet.readers._csv`.

:func:`locate` finds the header line (after the lines about the export, if any).
:class:`Records` finds where each record starts and ends from one pass over the lines: a line
ends a record when the number of quotes up to its end is even. :class:`Body` parses the
records after the header with pyarrow's CSV reader (one thread: files already come two at a
time) on the wanted columns only, and takes the rows pyarrow rejects (a field count not the
header's) as (line, fields). Where the line pass may misread the file (a quote never closed,
or a rejected row that is not the record the line pass found there, as after a stray quote
inside an unquoted field, which pyarrow keeps as text), the body is read by Python's
:mod:`csv` module instead, which tracks lines itself: slower, never wrong.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import pyarrow as pa
import pyarrow.csv as pv

from bibnet.readers.text import Skip, Text
from bibnet.readers.wos_tab import at_lines

_TEXT = re.compile(rb"\S")
_BLOCK = 1 << 22  # pyarrow block size; raised for a file with a longer record


class Records:
    """Where each record of a CSV text starts and ends, from one pass over its lines.

    A line ends a record when the quotes up to its end are even in number (quotes inside a
    quoted field come in pairs). Blank records (empty lines) are left out, as pyarrow skips
    them. ``open_from``: the index of a last record whose quote is never closed, else None.
    """

    def __init__(self, data: bytes) -> None:
        lines = data.split(b"\n")
        n = len(lines)
        length = np.fromiter(map(len, lines), np.int64, n)
        quotes = np.fromiter(map(bytes.count, lines, repeat(b'"')), np.int64, n)
        first_byte = np.r_[0, np.cumsum(length + 1)[:-1]]
        closed = (np.cumsum(quotes) & 1) == 0
        ends = np.flatnonzero(closed)
        open_tail = not closed[-1]
        if open_tail:
            ends = np.r_[ends, n - 1]
        starts = np.r_[0, ends[:-1] + 1]
        one_line = starts == ends
        blank = one_line & (length[starts] == 0)
        for i in np.flatnonzero(one_line & (length[starts] == 1)).tolist():
            blank[i] = lines[int(starts[i])] == b"\r"
        keep = np.flatnonzero(~blank)
        self.n_lines = n - (length[-1] == 0)
        self.start = first_byte[starts[keep]]
        self.end = first_byte[ends[keep]] + length[ends[keep]]
        self.line = starts[keep] + 1
        self.open_from: int | None = int(keep.size - 1) if open_tail and not blank[-1] else None


@dataclass(frozen=True)
class Head:
    """Where a CSV file's header line is, and where its records start.

    Attributes
    ----------
    line, raw
        The header's line (1-based) and bytes (without the line feed).
    begin
        Byte offset of the line after it.
    recs
        The full line pass, when it was needed to find the header (a line break inside a quoted
        field before it, or blank lines); else None.
    problem
        Why there is no header to read (``line`` tells where), or None.
    """

    line: int
    raw: bytes
    begin: int
    recs: Records | None = None
    problem: str | None = None


def locate(data: bytes, preamble: int) -> Head:
    """The header line, after ``preamble`` lines (records) of text about the export."""
    pos = 0
    for i in range(preamble + 1):  # the usual case: each of these lines is one record
        end = data.find(b"\n", pos)
        end = len(data) if end < 0 else end
        line = data[pos:end]
        if not line.strip() or line.count(b'"') % 2:
            break
        if i == preamble:
            return Head(preamble + 1, line, min(end + 1, len(data)))
        pos = end + 1
    recs = Records(data)
    if recs.line.size <= preamble:
        return Head(recs.n_lines, b"", len(data), recs, "no header line")
    line_no = int(recs.line[preamble])
    if recs.open_from is not None and recs.open_from <= preamble:
        return Head(line_no, b"", len(data), recs, "a '\"' in the header line is never closed")
    raw = data[recs.start[preamble]:recs.end[preamble]]
    return Head(line_no, raw, min(int(recs.end[preamble]) + 1, len(data)), recs)


class Body:
    """The records after the header line: parsed by pyarrow, or by :mod:`csv` where the file is
    damaged in a way the line pass may misread (a quote never closed, or a row pyarrow rejects
    that is not the record the line pass found there: a stray quote).

    Attributes
    ----------
    table, row_lines
        The rows with the header's field count (wanted columns, named by tag) and their lines.
    odd
        The other rows: (line, fields).
    last_line
        The line of the file's last record.
    skipped, warnings
        A record whose quote is never closed; header lines repeated further down.
    """

    def __init__(self, text: Text, head: Head, header: list[str], wanted: list[str], found: Mapping[str, int]) -> None:
        self.text, self.header, self.wanted, self.found = text, header, wanted, found
        self.skipped: list[Skip] = []
        self.warnings: list[str] = []
        self.table: pa.Table
        self.row_lines: np.ndarray
        self.odd: list[tuple[int, list[str]]]
        self.begin = head.begin
        data, recs = text.data, head.recs
        invalid: list[tuple[int, str]] = []
        table = None
        if recs is None or recs.open_from is None:
            table = self._arrow(invalid) if _TEXT.search(data, self.begin) else _empty(wanted)
        recs = recs if recs is not None else Records(data)
        first = int(np.searchsorted(recs.line, head.line)) + 1
        lines = recs.line[first:]
        self.last_line = int(recs.line[-1])
        if recs.open_from is None and table is not None and table.num_rows + len(invalid) == lines.size and all(
            data[recs.start[first + k - 1]:recs.end[first + k - 1]].removesuffix(b"\r") == row.encode()
            for k, row in invalid
        ):
            self._take(table, lines, invalid)
            # A line equal to the header further down: two exports joined into one file.
            size = recs.end[first:] - recs.start[first:]
            same = np.flatnonzero((size == len(head.raw)) | (size == len(head.raw) + 3)) + first
            repeats = [int(recs.line[i]) for i in same.tolist()
                       if data[recs.start[i]:recs.end[i]].removeprefix(b"\xef\xbb\xbf") == head.raw]
        else:
            repeats = self._python(recs.n_lines)
        if repeats:
            keep = ~np.isin(self.row_lines, repeats)
            self.table, self.row_lines = self.table.filter(pa.array(keep)), self.row_lines[keep]
            self.warnings.append(f"{at_lines(repeats)}: the header line again (two exports joined into one file?); "
                                 "not read as a record")

    def _take(self, table: pa.Table, lines: np.ndarray, invalid: list[tuple[int, str]]) -> None:
        """Keep pyarrow's rows; ``lines``: the line of each of its rows, valid or not."""
        bad = np.zeros(lines.size, dtype=bool)
        bad[[number - 1 for number, _ in invalid]] = True
        self.table, self.row_lines = table, lines[~bad]
        self.odd = [(int(lines[number - 1]), split(row)) for number, row in invalid if row.strip()]

    def _arrow(self, invalid: list[tuple[int, str]]) -> pa.Table | None:
        """The rows with the header's field count; the others go to ``invalid`` as (row number,
        text). None: pyarrow could not parse the file."""
        names = [f"c{i}" for i in range(len(self.header))]
        include = [names[self.found[t]] for t in self.wanted]

        def handler(row: pv.InvalidRow) -> str:
            invalid.append((row.number, row.text))
            return "skip"

        buffer = pa.py_buffer(self.text.data).slice(self.begin)
        block = _BLOCK
        while True:
            try:
                table = pv.read_csv(
                    buffer,
                    read_options=pv.ReadOptions(column_names=names, block_size=block, use_threads=False),
                    parse_options=pv.ParseOptions(newlines_in_values=True, invalid_row_handler=handler),
                    convert_options=pv.ConvertOptions(include_columns=include, column_types=dict.fromkeys(include, pa.string()),
                                                      null_values=[""], strings_can_be_null=True),
                )
            except pa.ArrowInvalid as exc:
                message = str(exc)
                if "UTF8" in message or "UTF-8" in message:
                    raise self.text.utf8_error() from None
                if "straddl" in message and block < buffer.size:
                    block, invalid[:] = buffer.size + 1, []  # a record longer than a block
                    continue
                return None  # anything else: the csv module reads it
            return table.rename_columns(self.wanted)

    def _python(self, n_lines: int) -> list[int]:
        """Read the body with :mod:`csv`, which tracks lines; return the lines that repeat the header."""
        data = self.text.data
        first_line = data.count(b"\n", 0, self.begin) + 1
        reader = csv.reader(io.StringIO(decode(self.text, data[self.begin:]), newline=""))
        rows: list[list[str]] = []
        lines: list[int] = []
        self.odd = []
        repeats: list[int] = []
        before = 0
        for row in reader:
            line, before = first_line + before, reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if row == self.header:
                repeats.append(line)
            if len(row) == len(self.header):
                rows.append(row)
                lines.append(line)
            else:
                self.odd.append((line, row))
        last = max([*lines, *(line for line, _ in self.odd)], default=0)
        if last and _unterminated(decode(self.text, data[_line_offset(data, last):])):
            self.skipped.append(Skip(self.text.path, last, "unterminated quoted field: a '\"' in this record is "
                                     f"never closed, so it runs to the end of the file (line {n_lines})"))
            if lines and lines[-1] == last:
                rows.pop()
                lines.pop()
            else:
                self.odd.pop()
        self.table = pa.table({t: pa.array([r[self.found[t]] or None for r in rows], pa.string()) for t in self.wanted})
        self.row_lines = np.asarray(lines, dtype=np.int64)
        return repeats


def _unterminated(record: str) -> bool:
    """Whether the text of a file's last record ends inside a quoted field."""
    try:
        for _ in csv.reader(io.StringIO(record, newline=""), strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _empty(wanted: Sequence[str]) -> pa.Table:
    return pa.table({t: pa.array([], pa.string()) for t in wanted})


def _line_offset(data: bytes, line: int) -> int:
    """Byte offset of the start of 1-based ``line``."""
    return 0 if line <= 1 else int(np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)[line - 2]) + 1


def split(record: str) -> list[str]:
    """The fields of one record's text."""
    return next(csv.reader(io.StringIO(record, newline="")), [])


def decode(text: Text, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise text.utf8_error() from None
