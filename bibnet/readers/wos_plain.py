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

Damage, found in the same pass and handled in Python for the few lines concerned: a ``PT``
field inside a record (its ``ER`` line lost), or a second ``UT`` in one (``ER`` and ``PT``
lost), starts a new record; an ``FN``/``VR`` header further down (two exports in one file)
ends the record it falls in, which is then cut short; a tag repeated in a record keeps its
first value. Each is reported with its line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bibnet.errors import InputError
from bibnet.readers.text import ReadResult, Skip, Text
from bibnet.readers.wos_tab import at_lines

#: Fields with one value per line; their lines are joined with "; " as in tab-delimited files.
ONE_PER_LINE = frozenset({"AU", "AF", "BA", "BF", "BE", "CA", "CR", "C1"})
_BOM = b"\xef\xbb\xbf"


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
        if lines.starts_with_bom():  # exports joined byte for byte: the second one's BOM starts a line
            lines = _Lines(re.sub(b"(?m)^(EF)?" + _BOM, rb"\1", data))
        if lines.n_records == 0:
            raise InputError(f"{text.path}: no records (expected {self.expected})")
        reasons, warnings = _problems(lines)
        table, repeated = _fields(text, lines, columns)
        warnings.extend(repeated)
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
        self.headers = self._later_headers()
        self.stray[self.headers] = False

        # Record of each line: the number of record starts before it (after an ER line, or
        # at a line that begins a record before the last one ended); a last record without
        # ER (a file cut short) counts as a record too.
        fields = np.flatnonzero(self.field_start)
        ef_ends = _ef_inside(self.code, end_rec, fields)
        end_rec[ef_ends] = True
        self.end_line = np.flatnonzero(end_rec)
        after_er = np.cumsum(end_rec) - end_rec
        self.length = length
        starts, self.notes, self.cut = _starts_inside(self, after_er, fields)
        if ef_ends:
            self.notes.insert(0, f"{at_lines([e + 1 for e in ef_ends])}: EF inside a record (its ER line missing?): "
                                 "the record ends there")
        self.record = _numbered(after_er, starts)
        more, notes = _second_uts(self.code, self.record, fields)
        if more:
            starts = sorted(starts + more)
            self.notes += notes
            self.record = _numbered(after_er, starts)
        n_started = self.end_line.size + len(starts)
        self.has_tail = bool(np.any(self.field_start & (self.record == n_started)))
        self.n_records = n_started + self.has_tail
        # Field of each line: continuations belong to the field above them.
        self.field = np.cumsum(self.field_start) - 1
        # Line where each record starts (its first field; -1 if it has none), and its ER line.
        self.first = np.full(self.n_records, -1, dtype=np.int64)
        recs, idx = np.unique(self.record[fields], return_index=True)
        self.first[recs] = fields[idx]
        self.ends = np.full(self.n_records, -1, dtype=np.int64)
        self.ends[self.record[self.end_line]] = self.end_line

    def _later_headers(self) -> np.ndarray:
        """First lines (0-based) of the FN/VR headers after line 1: another export in the same file.

        ``EFFN ...`` is one too: the first export did not end with a line end.
        """
        fn = self.code == _code("FN")
        for i in np.flatnonzero(self.stray).tolist():
            fn[i] = self.data.startswith(b"EFFN ", int(self.start[i]))
        header = fn | ((self.code == _code("VR")) & ~np.r_[False, fn[:-1]])  # VR without FN above
        header[0] = False
        return np.flatnonzero(header)

    def starts_with_bom(self) -> bool:
        """Whether a line starts with a BOM, or with EF and a BOM (the line is then no field)."""
        return any(self.data.startswith((_BOM, b"EF" + _BOM), int(self.start[i])) for i in np.flatnonzero(self.stray))

    def record_line(self, r: int) -> int:
        """1-based line of record ``r``: its first field, else its ER line."""
        return int(self.first[r] if self.first[r] >= 0 else self.ends[r]) + 1

    def tags(self) -> tuple[str, ...]:
        """Field tags in order of first appearance."""
        codes = self.code[self.field_start]
        unique, first = np.unique(codes, return_index=True)
        return tuple(chr(c >> 8) + chr(c & 0xFF) for c in unique[np.argsort(first)].tolist())


def _numbered(after_er: np.ndarray, starts: list[int]) -> np.ndarray:
    """Record of each line, from the ER lines above it and the other record starts."""
    if not starts:
        return after_er
    begins = np.zeros(after_er.size, dtype=np.int64)
    begins[starts] = 1
    return after_er + np.cumsum(begins)


def _ef_inside(code: np.ndarray, end_rec: np.ndarray, fields: np.ndarray) -> list[int]:
    """EF lines (0-based) that end a record, its ER line lost or turned into EF."""
    ers = np.flatnonzero(end_rec)
    found = []
    for e in np.flatnonzero(code == _code("EF")).tolist():  # one, in a clean file
        k = int(np.searchsorted(ers, e))
        since = int(ers[k - 1]) + 1 if k else 0
        if np.searchsorted(fields, e) > np.searchsorted(fields, since):
            found.append(e)
    return found


def _starts_inside(lines: _Lines, after_er: np.ndarray, fields: np.ndarray) -> tuple[list[int], list[str], list[int]]:
    """Record starts that no ER line announced (0-based lines), the warnings about them, and
    the later headers that cut a record short.

    A PT field that is not its record's first (the ER line above it lost or mangled) starts
    a record; so does a later export's header, which also ends the record it falls in.
    """
    later = fields[1:]
    # A PT with no value (an ER line turned into PT) starts nothing: the next PT J does.
    pt = later[(after_er[later] == after_er[fields[:-1]]) & (lines.code[later] == _code("PT")) & (lines.length[later] > 3)]
    if pt.size == 0 and lines.headers.size == 0:  # a clean file
        return [], [], []
    starts: list[int] = []
    pt_starts: list[int] = []
    cut: list[int] = []
    notes = [f"line {h + 1}: a second FN/VR header (two exports in one file?): the records after it are read too"
             for h in lines.headers.tolist()]
    candidates = sorted([(int(i), True) for i in pt] + [(int(h), False) for h in lines.headers])
    for line, is_pt in candidates:
        k = int(np.searchsorted(lines.end_line, line))
        since = max(starts[-1] if starts else 0, int(lines.end_line[k - 1]) + 1 if k else 0)
        if np.searchsorted(fields, line) == np.searchsorted(fields, since):
            continue  # no field since the record began: this line begins it anyway
        starts.append(line)
        (pt_starts if is_pt else cut).append(line)
    if pt_starts:
        news = "a new record starts there" if len(pt_starts) == 1 else "a new record starts at each"
        notes.append(f"{at_lines([p + 1 for p in pt_starts])}: PT inside a record (its ER line missing?): {news}")
    return starts, notes, cut


def _second_uts(code: np.ndarray, record: np.ndarray, fields: np.ndarray) -> tuple[list[int], list[str]]:
    """Record starts in records with two UT fields (their ER and PT lines lost), and warnings.

    The later record begins at the first field after the first UT whose tag the record
    already had (fields come in the same order in every record), else at the second UT.
    """
    uts = fields[code[fields] == _code("UT")]
    twice = np.unique(record[uts][1:][record[uts][1:] == record[uts][:-1]])
    starts, notes = [], []
    for r in twice.tolist():
        mine = fields[record[fields] == r].tolist()
        ut_at = [f for f in mine if code[f] == _code("UT")]
        begin, after_ut = mine[0], False
        seen: set[int] = set()  # tags of the record so far
        for f in mine:
            ut_ahead = next((u for u in ut_at if u >= f), None)
            if after_ut and ut_ahead is not None and int(code[f]) in seen:
                starts.append(f)
                notes.append(f"line {ut_ahead + 1}: a second UT in the record of line {begin + 1} "
                             f"(its ER and PT lines missing?): a new record starts at line {f + 1}")
                begin, seen, after_ut = f, set(), False
            after_ut |= bool(code[f] == _code("UT"))
            seen.add(int(code[f]))
    return starts, notes


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
    for h in lines.cut:
        reasons[int(lines.record[h]) - 1] = f"truncated record: no ER line before the header at line {h + 1} (file cut short?)"
    warnings = list(lines.notes)
    if not inside.all():
        outside = bad[~inside]
        warnings.append(f"{outside.size} line(s) outside any record ignored (first: line {outside[0] + 1})")
    if lines.has_tail:
        reasons.setdefault(lines.n_records - 1, "truncated record: no ER line (file cut short?)")
    for r in np.flatnonzero(lines.first < 0).tolist():
        reasons.setdefault(r, "empty record (ER without fields)")
    return reasons, warnings


def _fields(text: Text, lines: _Lines, columns: Sequence[str]) -> tuple[pa.Table, list[str]]:
    """One string column per wanted tag the file has, one row per record (null where absent);
    and a warning per wanted tag that a record has twice (its first value is kept)."""
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
    warnings = []
    for name in columns:
        mine = np.flatnonzero(tag == _code(name))
        if mine.size == 0:
            continue
        rows, first = np.unique(record[mine], return_index=True)  # a repeated tag: first one wins
        if rows.size < mine.size:
            warnings.append(_repeated(lines, name, record[mine], sel[starts_field][mine]))
        index = np.full(lines.n_records, -1, dtype=np.int64)
        index[rows] = mine[first]
        column = values.take(pa.array(index, mask=index < 0))
        try:
            column = column.cast(pa.large_string()).cast(pa.string())
        except pa.ArrowInvalid:
            raise text.utf8_error() from None
        out[name] = pc.if_else(pc.greater(pc.utf8_length(column), 0), column, pa.scalar(None, pa.string()))
    return pa.table(out), warnings  # no column at all: every record is empty, which read() rejects


def _repeated(lines: _Lines, name: str, records: np.ndarray, at: np.ndarray) -> str:
    """The warning about tag ``name`` repeated in records (``records``, ``at``: record and
    0-based line of each of its fields, in file order)."""
    rows, counts = np.unique(records, return_counts=True)
    twice = rows[counts > 1]
    if twice.size == 1:
        where = at[records == twice[0]] + 1
        return (f"tag {name} appears {where.size} times in the record at line {lines.record_line(int(twice[0]))} "
                f"({at_lines(where)}); the first value is used")
    starts = [lines.record_line(r) for r in twice.tolist()]
    return f"tag {name} appears more than once in {twice.size} records ({at_lines(starts)}); the first value of each is used"
