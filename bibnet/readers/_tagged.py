"""Line-tagged formats, parsed with compiled passes, numpy and pyarrow: the engine of the PubMed and RIS readers.

Both formats write one field per line: a tag left-justified in four characters, ``"- "``, then
the value (MEDLINE ``PMID- 30898391``, ``AU  - Smith J``; RIS ``TY  - JOUR``, ``ER  -``). A
value goes on over the following lines, which have no tag: MEDLINE indents them by six spaces,
RIS exports do not indent them. A tag may repeat in a record (one author per ``AU`` line).

:class:`Lines` classifies every line (a tag and its code, other text, blank) in compiled
passes over the bytes (:mod:`bibnet.readers._tagged_scan`, numba); the reader then says which
record each line belongs to, and :class:`Fields` joins the lines of each wanted field with one
space (one copy out of the file, a tag's values together) and gathers the fields of each record
into columns (:class:`Values`) with pyarrow kernels. No Python runs per line or per record; only
per malformed record, in the readers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bibnet.readers.text import Text

#: Bytes before a value: the tag padded to four characters, "-" and a space.
VALUE_AT = 6
_NULL = pa.scalar(None, pa.string())


def code(tag: str) -> int:
    """A tag as the number :attr:`Lines.code` holds: its four bytes (space-padded), big-endian."""
    return int.from_bytes(tag.ljust(4).encode("ascii"), "big")


class Lines:
    """Every line of a file classified; each attribute is a numpy array with one entry per line.

    Parameters
    ----------
    text
        The file (its :attr:`~bibnet.readers.text.Text.newline` says whether lines end with CRLF;
        the CR is no part of a line).
    two_letter
        RIS: a tag is two characters and two spaces (``"TY  - "``); else (MEDLINE) up to
        four letters or digits, space-padded (``"PMID- "``, ``"AU  - "``, ``"OTO - "``).

    Attributes
    ----------
    code
        The tag of a tag line (see :func:`code`), 0 for any other line.
    blank
        Lines with nothing but white space.
    text
        Lines that are neither blank nor a tag line: continuations (or garbage).
    indented
        Text lines that start with white space (MEDLINE's continuation lines).
    begin, end
        Where each line's content starts (after the tag) and ends, in :attr:`data`.
    """

    def __init__(self, text: Text, *, two_letter: bool) -> None:
        from bibnet.readers import _tagged_scan as scan  # it imports numba: only when such a file comes

        self.data = data = text.data
        raw = np.frombuffer(data, dtype=np.uint8)
        words = raw[:raw.size - raw.size % 8].view("<u8")
        self.n = scan.count_lines(raw, words)
        crlf = {"LF": 0, "": 0, "CRLF": 1}.get(text.newline, 2)
        ends = scan.line_ends(raw, words, self.n)
        self.end, self.code, self.begin, flags = scan.line_table(raw, ends, crlf, two_letter)
        self.blank = (flags & scan.BLANK).view(bool)
        self.text = (flags & scan.TEXT).astype(bool)
        self.indented = (flags & scan.INDENTED).astype(bool)


@dataclass(frozen=True)
class Values:
    """Some fields of a file's records, in file order. The value of each is ``base[rows]``:
    selecting fields copies no text, the columns made take from ``base`` at once.

    Attributes
    ----------
    base
        Values (``large_string``: a field's lines joined with one space) of these fields and maybe others.
    base_record
        Record of each value of ``base``.
    rows
        Where each field's value is in ``base`` (in file order: their records non-decreasing).
    filled
        Which values of ``base`` are neither null nor empty.
    n_records
        Number of records, the length of the columns made.
    groups
        Tag code -> ``rows`` of its fields, for :meth:`of` (only in the values :meth:`Fields.values` makes).
    position
        The place in file order of each value of ``base``, if ``base`` is in another order (a
        tag's values together: :meth:`Fields.values`).
    """

    base: pa.Array
    base_record: np.ndarray
    rows: np.ndarray
    filled: np.ndarray
    n_records: int
    groups: Mapping[int, np.ndarray]
    position: np.ndarray | None = None

    @classmethod
    def of_array(cls, text: pa.Array, record: np.ndarray, n_records: int,
                 groups: Mapping[int, np.ndarray] | None = None) -> Values:
        """Fields with the values ``text`` (one each), of records ``record``."""
        return cls(text, record, np.arange(len(text)), _filled(text), n_records, groups or {})

    @property
    def record(self) -> np.ndarray:
        """The record of each field."""
        return self.base_record[self.rows]

    @property
    def text(self) -> pa.Array:
        """The value of each field."""
        return _take(self.base, self.rows)

    def of(self, *tags: str) -> Values:
        """The fields with one of ``tags``."""
        empty = np.zeros(0, np.int64)
        parts = [self.groups.get(code(t), empty) for t in tags]
        rows = np.concatenate(parts) if len(parts) > 1 else parts[0]
        if len(parts) > 1:
            rows = rows[np.argsort(self.position[rows], kind="stable")] if self.position is not None else np.sort(rows)
        return replace(self, rows=rows, groups={})

    def where(self, mask: np.ndarray) -> Values:
        """The fields where ``mask`` (one bool per field) is true."""
        return replace(self, rows=self.rows[mask], groups={})

    def with_text(self, text: pa.Array) -> Values:
        """The same fields with other values (``text``, one per field: e.g. :attr:`text` transformed)."""
        return Values.of_array(text, self.record, self.n_records)

    def first(self) -> pa.Array:
        """One string per record: its first non-empty value, or null."""
        mine = self.rows[self.filled[self.rows]]
        record = self.base_record[mine]
        first = np.r_[True, record[1:] != record[:-1]] if record.size else np.zeros(0, dtype=bool)
        index = np.full(self.n_records, -1, dtype=np.int64)
        index[record[first]] = mine[first]
        return _take(self.base, index).cast(pa.string())

    def joined(self, *, unique: bool = False, semicolons: str = ",") -> pa.Array:
        """One string per record: its non-empty values joined with ``"; "``, or null.

        Parameters
        ----------
        unique
            Keep a value repeated in a record once (its first place).
        semicolons
            What a ``";"`` inside a value becomes (``","``), or ``";"``: kept, so that the value
            is read as several (a keyword line holding a list).
        """
        text = self.text if semicolons == ";" else pc.replace_substring(self.text, ";", semicolons)
        mine = np.flatnonzero(_filled(text))
        record = self.record[mine]
        if unique and mine.size:
            ids = pc.dictionary_encode(text.take(pa.array(mine))).indices.to_numpy().astype(np.int64)
            first = ~pd.Series(record * (int(ids.max()) + 1) + ids).duplicated().to_numpy()  # hashing: no sort
            mine, record = mine[first], record[first]
        offsets = np.r_[0, np.cumsum(np.bincount(record, minlength=self.n_records))].astype(np.int64)
        lists = pa.LargeListArray.from_arrays(pa.array(offsets), text.take(pa.array(mine)))
        out = pc.binary_join(lists, pa.scalar("; ", pa.large_string()))
        return pc.if_else(pc.greater(pc.binary_length(out), 0), out, _NULL.cast(out.type)).cast(pa.string())


class Fields:
    """The fields of a file's records: each tag line inside a record, with the text lines that
    continue it.

    Parameters
    ----------
    lines
        The classified lines.
    record
        Record of each line, -1 for lines outside every record.
    continues
        Text lines that may continue a field (the format's rule); one continues the field above
        it only if that field is in the same record.
    n_records
        Number of records.
    """

    def __init__(self, lines: Lines, record: np.ndarray, continues: np.ndarray, n_records: int) -> None:
        self.lines = lines
        self.n_records = n_records
        from bibnet.readers import _tagged_scan as scan

        # The line of each field, the field of each line (the last one started), the lines that continue one.
        self.at, self.field, self.attached = scan.fields(lines.code, record, continues)
        self.code = lines.code[self.at]
        self.record = record[self.at]

    def values(self, tags: Iterable[str], text: Text) -> Values:
        """The fields with one of ``tags``, their lines joined with one space.

        Raises
        ------
        InputError
            If a value is not valid UTF-8 (a file with a BOM is not checked when loaded).
        """
        codes = np.unique([code(t) for t in tags])
        key = _places(codes, self.code)
        wanted = codes[key] == self.code
        field = np.flatnonzero(wanted)
        if field.size == 0:
            return Values.of_array(pa.array([], pa.large_string()), np.zeros(0, np.int64), self.n_records)
        from bibnet.readers import _tagged_scan as scan

        lines, owner = scan.chosen(self.at, self.field, self.attached, wanted)
        # The fields of each tag together, in file order (a stable sort of small numbers is a
        # radix sort): a tag's values are a slice of them, taken without a copy.
        kind = key[field].astype(np.uint8 if codes.size < 256 else np.int64, copy=False)
        order = np.argsort(kind, kind="stable")
        joined = _joined(self.lines, lines, owner, order, text)
        bounds = np.r_[0, np.cumsum(np.bincount(kind, minlength=codes.size))]
        groups = {int(c): np.arange(bounds[i], bounds[i + 1]) for i, c in enumerate(codes.tolist())}
        return replace(Values.of_array(joined, self.record[field[order]], self.n_records, groups), position=order)

    def count(self, *, but: Sequence[str] = ()) -> np.ndarray:
        """The number of fields of each record, those with the tags ``but`` left out."""
        out = np.ones(self.code.size, dtype=bool)
        for c in but:
            out &= self.code != code(c)
        mine = self.record[out]
        return np.bincount(mine, minlength=self.n_records)

    def codes(self) -> set[int]:
        """Codes of the tags of the fields (two-letter tags only: RIS)."""
        prefixes = np.flatnonzero(np.bincount(self.code >> 16)) if self.code.size else np.zeros(0, np.int64)
        return {int(p) << 16 | 0x2020 for p in prefixes.tolist()}


def _places(codes: np.ndarray, field_codes: np.ndarray) -> np.ndarray:
    """Each field's place among the sorted wanted ``codes`` if it is one of them (else any place).

    A table indexed by the tag's first two bytes, when the wanted tags differ in them (always
    in RIS; MEDLINE's wanted tags do); else a binary search.
    """
    prefixes = codes >> 16
    if np.unique(prefixes).size < codes.size:
        return np.minimum(np.searchsorted(codes, field_codes), codes.size - 1)
    table = np.zeros(1 << 16, dtype=np.uint8 if codes.size < 256 else np.int64)
    table[prefixes] = np.arange(codes.size)
    return table[field_codes >> 16]


def _joined(lines: Lines, rows: np.ndarray, owner: np.ndarray, order: np.ndarray, text: Text) -> pa.Array:
    """The values made of lines ``rows`` (sorted; ``owner``: the field of each), each line without
    the white space at its ends, a field's lines joined with one space (``large_string``); the
    ``order[v]``-th field is value ``v``.

    Raises
    ------
    InputError
        If a line is not valid UTF-8 (a file with a BOM is not checked when loaded).
    """
    from bibnet.readers import _tagged_scan as scan

    raw = np.frombuffer(lines.data, dtype=np.uint8)
    # Lines cut at line ends of valid UTF-8 are valid UTF-8: only the file not checked is looked at.
    words = raw[:raw.size - raw.size % 8].view("<u8")
    check = text.encoding == "utf-8-sig"
    begin, end, unsure, valid = scan.trimmed(raw, words, lines.begin, lines.end, rows, scan.SPACE, check)
    if not valid:
        raise text.utf8_error()
    odd = np.flatnonzero(unsure)
    if odd.size:  # a byte beyond ASCII at an end: white space as pyarrow knows it (Unicode) trimmed
        content = pa.array([lines.data[b:e] for b, e in zip(begin[odd].tolist(), end[odd].tolist(), strict=True)],
                           pa.large_string())
        left = pc.binary_length(pc.utf8_ltrim_whitespace(content)).to_numpy(zero_copy_only=False)
        right = pc.binary_length(pc.utf8_rtrim_whitespace(content)).to_numpy(zero_copy_only=False)
        size = end[odd] - begin[odd]
        first = begin[odd] + size - left
        begin[odd] = first
        end[odd] = np.maximum(end[odd] - (size - right), first)
    bounds = np.r_[np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]), owner.size].astype(np.int64)
    offsets, data = scan.joined(raw, begin, end, bounds, order)
    return pa.LargeStringArray.from_buffers(bounds.size - 1, pa.py_buffer(offsets), pa.py_buffer(data))


def _take(base: pa.Array, index: np.ndarray) -> pa.Array:
    """``base[index]`` (null where ``index`` is -1): a slice, no copy, where ``index`` is a run."""
    if index.size and index[0] >= 0 and index[-1] - index[0] == index.size - 1 and bool((np.diff(index) == 1).all()):
        return base.slice(int(index[0]), index.size)
    return base.take(pa.array(index, mask=index < 0))


def _filled(text: pa.Array) -> np.ndarray:
    """Which values are neither null nor empty."""
    return pc.fill_null(pc.greater(pc.binary_length(text), 0), False).to_numpy(zero_copy_only=False)


def first_of(*columns: pa.Array) -> pa.Array:
    """Per record, the first of ``columns`` that has a value."""
    return pc.coalesce(*columns) if len(columns) > 1 else columns[0]


def year(values: Values) -> pa.Array:
    """The four-digit year at the start of each record's first value that has one, or null."""
    found = pc.struct_field(pc.extract_regex(values.text, pattern=r"^\s*(?P<y>\d{4})"), "y")
    return values.with_text(found).first()


def matched(values: Values, pattern: str) -> Values:
    """The part of each value that group ``v`` of ``pattern`` (RE2) matches; null where none."""
    return values.with_text(pc.struct_field(pc.extract_regex(values.text, pattern=pattern), "v"))
