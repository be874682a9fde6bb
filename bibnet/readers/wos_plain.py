"""Web of Science plain-text ("field-tagged") exports, also ``.ciw`` files.

::

    FN Clarivate Analytics Web of Science
    VR 1.0
    PT J
    AU Smith, J
       Doe, A
    DE keyword one; keyword
       two; keyword three
    ER

    EF

Each field starts with its two-letter tag and a space; long or multi-valued fields continue
on lines that start with three spaces. Lines of one field are joined with one space
(a wrap can fall inside a keyword), except for the fields that hold one value per line
(authors, addresses, cited references), which are joined with ``"; "`` as in the
tab-delimited export. ``ER`` ends a record, ``EF`` the file.

The parse is vectorised: numpy classifies every line (field start, continuation, record
end) and pyarrow joins and pivots the wanted fields; Python runs per malformed record only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bibnet.errors import InputError
from bibnet.readers.text import ReadResult, Skip, Text

#: Fields with one value per line; their lines are joined with "; " as in tab-delimited files.
ONE_PER_LINE = frozenset({"AU", "AF", "BA", "BF", "BE", "CA", "CR", "C1"})


def _code(tag: str) -> int:
    """A two-letter tag as the number numpy compares (first byte * 256 + second)."""
    return ord(tag[0]) << 8 | ord(tag[1])


def _codes(tags) -> list[int]:
    return [_code(t) for t in tags]


class WosPlain:
    """Reader of WoS plain-text files."""

    name = "wos-plain"
    source = "Web of Science"
    expected = "WoS plain text (first line 'FN ...', records ending 'ER')"

    def sniff(self, head: str) -> bool:
        """True if the first line is the ``FN`` header, or (header-less) a ``PT`` field."""
        return head.startswith(("FN ", "PT ")) and "\t" not in head.split("\n", 1)[0]

    def read(self, text: Text, *, columns: Sequence[str]) -> ReadResult:
        """Read the records of ``text``, keeping the tags in ``columns`` that the file has."""
        data = text.lf()
        if not data.endswith(b"\n"):
            data += b"\n"
        lines = _Lines(data)
        if lines.n_records == 0:
            raise InputError(f"{text.path}: no records (expected {self.expected})")
        reasons, warnings = _problems(lines)
        table = _fields(text, lines, columns)
        empty = np.ones(lines.n_records, dtype=bool)
        for col in table.columns:
            empty &= col.is_null().to_numpy(zero_copy_only=False)
        for r in np.flatnonzero(empty).tolist():
            reasons.setdefault(r, "empty record (no value in any field read)")

        skipped = tuple(Skip(text.path, lines.record_line(r), why) for r, why in sorted(reasons.items()))
        keep = np.ones(lines.n_records, dtype=bool)
        keep[list(reasons)] = False
        if not keep.any():
            raise InputError(f"{text.path}: no well-formed record (line {skipped[0].line}: {skipped[0].reason})")
        if not np.any(lines.code == _code("EF")) and not lines.has_tail:
            warnings.append("no EF line at the end: the file may be cut short")
        kept = np.flatnonzero(keep)
        return ReadResult(
            table=table.take(kept),
            lines=lines.first[kept] + 1,
            tags=lines.tags(),
            skipped=skipped,
            warnings=tuple(warnings),
        )


class _Lines:
    """Every line classified, and the record and field each belongs to (numpy arrays)."""

    def __init__(self, data: bytes) -> None:
        raw = np.frombuffer(data, dtype=np.uint8)
        self.data = data
        self.end = np.flatnonzero(raw == 10)
        self.start = np.r_[0, self.end[:-1] + 1]
        length = self.end - self.start
        first, second, third = (raw[np.minimum(self.start + k, raw.size - 1)] for k in range(3))

        blank = (length == 0) | ((length <= 3) & (first == 32))
        self.cont = (first == 32) & ~blank
        is_tag = (
            (length >= 2)
            & (first >= 65) & (first <= 90)  # A-Z
            & (((second >= 65) & (second <= 90)) | ((second >= 48) & (second <= 57)))  # A-Z, 0-9
            & ((length == 2) | (third == 32))
        )
        self.code = np.where(is_tag, first.astype(np.int64) << 8 | second, 0)
        end_rec = self.code == _code("ER")
        self.field_start = is_tag & ~end_rec & ~np.isin(self.code, _codes(("FN", "VR", "EF")))
        # A continuation belongs to the field above it; one with no field above is an orphan.
        above = np.maximum.accumulate(np.where(self.cont, -1, np.arange(length.size)))
        self.attached = self.cont & (above >= 0) & self.field_start[np.maximum(above, 0)]
        self.orphan = self.cont & ~self.attached
        self.stray = ~(blank | self.cont | is_tag)  # neither a field nor a continuation

        # Record of each line: the number of ER lines before it; a last record without ER
        # (a file cut short) counts as a record too.
        self.record = np.cumsum(end_rec) - end_rec
        self.end_line = np.flatnonzero(end_rec)
        n_complete = self.end_line.size
        self.has_tail = bool(np.any(self.field_start & (self.record == n_complete)))
        self.n_records = n_complete + self.has_tail
        # Field of each line: continuations belong to the field above them.
        self.field = np.cumsum(self.field_start) - 1
        # Line where each record starts (its first field; -1 if it has none).
        self.first = np.full(self.n_records, -1, dtype=np.int64)
        starts_at = np.flatnonzero(self.field_start)
        recs, idx = np.unique(self.record[starts_at], return_index=True)
        self.first[recs] = starts_at[idx]

    def record_line(self, r: int) -> int:
        """1-based line of record ``r``: its first field, else its ER line."""
        return int(self.first[r] if self.first[r] >= 0 else self.end_line[r]) + 1

    def tags(self) -> tuple[str, ...]:
        """Field tags in order of first appearance."""
        codes = self.code[self.field_start]
        unique, first = np.unique(codes, return_index=True)
        return tuple(chr(c >> 8) + chr(c & 0xFF) for c in unique[np.argsort(first)].tolist())


def _problems(lines: _Lines) -> tuple[dict[int, str], list[str]]:
    """Why records are malformed (record -> reason), and warnings about the file.

    A line that is neither a field nor a continuation of one spoils its record; before a
    record's first field (between ER and PT) it is only noted.
    """
    bad = np.flatnonzero(lines.stray | lines.orphan)
    rec = lines.record[bad]
    first = lines.first[np.minimum(rec, lines.n_records - 1)]
    inside = (rec < lines.n_records) & (first >= 0) & (first < bad)
    reasons: dict[int, str] = {}
    spoiled, at = np.unique(rec[inside], return_index=True)
    for r, i in zip(spoiled.tolist(), bad[inside][at].tolist(), strict=True):
        what = "is not a field (no two-letter tag)" if lines.stray[i] else "continues no field"
        reasons[r] = f"line {i + 1} {what}"
    warnings = []
    if not inside.all():
        outside = bad[~inside]
        warnings.append(f"{outside.size} line(s) outside any record ignored (first: line {outside[0] + 1})")
    if lines.has_tail:
        reasons.setdefault(lines.n_records - 1, "truncated record: no ER line (file cut short?)")
    for r in np.flatnonzero(lines.first < 0).tolist():
        reasons.setdefault(r, "empty record (ER without fields)")
    return reasons, warnings


def _fields(text: Text, lines: _Lines, columns: Sequence[str]) -> pa.Table:
    """One string column per wanted tag the file has, one row per record (null where absent)."""
    field_code = lines.code[lines.field_start]
    wanted = np.isin(field_code, _codes(columns))
    sel = np.flatnonzero((lines.field_start | lines.attached) & (lines.field >= 0))
    sel = sel[wanted[lines.field[sel]]]

    # The selected lines, without their tag or indent (3 bytes) and line end: a zero-copy
    # view of the file as one binary value per line, then one take.
    offsets = pa.py_buffer(np.r_[lines.start, lines.end[-1] + 1].astype(np.int64))
    buffers = [None, offsets, pa.py_buffer(lines.data)]
    all_lines = pa.LargeBinaryArray.from_buffers(pa.large_binary(), lines.start.size, buffers)
    content = pc.binary_slice(all_lines.take(pa.array(sel)), 3, -1)
    field = lines.field[sel]
    tag = field_code[field]
    if np.any(tag == _code("C1")):  # addresses end with "." in plain text only
        trimmed = pc.replace_substring_regex(content, pattern=r"\.$", replacement="")
        content = pc.if_else(pa.array(tag == _code("C1")), trimmed, content)

    # Join the lines of each field, then place each field in its record's row.
    starts_field = np.r_[True, field[1:] != field[:-1]] if field.size else np.zeros(0, dtype=bool)
    bounds = np.r_[np.flatnonzero(starts_field), field.size].astype(np.int64)
    tag = tag[starts_field]
    separators = pa.array([b" ", b"; "], type=pa.large_binary())
    sep = separators.take(pa.array(np.isin(tag, _codes(ONE_PER_LINE)).astype(np.int8)))
    values = pc.binary_join(pa.LargeListArray.from_arrays(pa.array(bounds), content), sep)
    record = lines.record[sel][starts_field]

    out = {}
    for name in columns:
        mine = np.flatnonzero(tag == _code(name))
        if mine.size == 0:
            continue
        rows, first = np.unique(record[mine], return_index=True)  # a repeated tag: first one wins
        index = np.full(lines.n_records, -1, dtype=np.int64)
        index[rows] = mine[first]
        column = values.take(pa.array(index, mask=index < 0))
        try:
            column = column.cast(pa.large_string()).cast(pa.string())
        except pa.ArrowInvalid:
            raise text.utf8_error() from None
        out[name] = pc.if_else(pc.greater(pc.utf8_length(column), 0), column, pa.scalar(None, pa.string()))
    return pa.table(out)  # no column at all: every record is empty, which read() rejects
