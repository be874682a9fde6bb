"""Line-tagged formats, parsed with numpy and pyarrow: the engine of the PubMed and RIS readers.

Both formats write one field per line: a tag left-justified in four characters, ``"- "``, then
the value (MEDLINE ``PMID- 30898391``, ``AU  - Smith J``; RIS ``TY  - JOUR``, ``ER  -``). A
value goes on over the following lines, which have no tag: MEDLINE indents them by six spaces,
RIS exports do not indent them. A tag may repeat in a record (one author per ``AU`` line).

:class:`Lines` classifies every line (a tag and its code, other text, blank) in a few numpy
passes over the bytes; the reader then says which record each line belongs to, and
:class:`Fields` joins the lines of each wanted field with one space and gathers the fields of
each record into columns (:class:`Values`) with pyarrow kernels. No Python runs per line or
per record; only per malformed record, in the readers.
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
        self.data = data = text.data
        raw = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(raw == 10)  # the one pass over every byte
        if raw.size and (ends.size == 0 or ends[-1] != raw.size - 1):
            ends = np.r_[ends, raw.size]  # a last line without a line end
        self.n = n = int(ends.size)
        start = np.empty(n, dtype=np.int64)
        start[:1] = 0
        np.add(ends[:-1], 1, out=start[1:])
        end = ends - _carriage_returns(raw, ends, text.newline)
        head = _heads(data, start)
        # Files joined byte for byte: the second one's BOM starts a line; it is no part of it.
        bom = np.flatnonzero(head >> np.uint64(40) == 0xEFBBBF)
        if bom.size:
            start = start.copy()
            start[bom] += 3
            head[bom] = _heads(data, start[bom])
        length = end - start
        b = head.view(np.uint8).reshape(n, 8)  # big-endian: column k is byte k of the line
        self.blank = _blank(data, b, head, start, length)

        # A tag: "X" + letter or digit (+ two more, space-padded) + "- " (or "-" at the line's end).
        maybe = np.flatnonzero((b[:, 4] == 45) & (length >= 5))
        c = head[maybe].view(np.uint8).reshape(maybe.size, 8)
        ok = _in(c[:, 0], 65, 26) & _alnum(c[:, 1]) & ((length[maybe] == 5) | (c[:, 5] == 32))
        if two_letter:
            ok &= (c[:, 2] == 32) & (c[:, 3] == 32)
        else:  # letters or digits, then padding: "PMID", "OTO ", "AU  "
            pad2, pad3 = c[:, 2] == 32, c[:, 3] == 32
            ok &= (pad2 | _alnum(c[:, 2])) & (pad3 | _alnum(c[:, 3])) & (pad3 | ~pad2)
        tag = np.zeros(n, dtype=bool)
        tag[maybe[ok]] = True
        # Whole-array arithmetic rather than writes at the tag lines: faster where most lines are tags.
        self.code = (head >> np.uint64(32)).astype(np.int64) * tag
        self.text = ~self.blank & ~tag
        self.indented = self.text & ((b[:, 0] == 32) | (b[:, 0] == 9))
        self.begin = start + np.minimum(length, VALUE_AT) * tag
        self.end = end


def _in(x: np.ndarray, low: int, size: int) -> np.ndarray:
    """Which bytes are in ``low`` .. ``low + size - 1`` (one subtraction that wraps, one compare)."""
    return np.subtract(x, np.uint8(low), dtype=np.uint8) < size


def _alnum(x: np.ndarray) -> np.ndarray:
    """Which bytes are ASCII capital letters or digits."""
    return _in(x, 65, 26) | _in(x, 48, 10)


def _carriage_returns(raw: np.ndarray, ends: np.ndarray, newline: str) -> np.ndarray:
    """1 for each line that ends with CRLF, else 0 (the line's length without its CR)."""
    if newline in ("LF", ""):
        return np.zeros(ends.size, dtype=np.int64)
    if newline == "CRLF":  # every LF has a CR before it; a last line without a line end has none
        cr = np.ones(ends.size, dtype=np.int64)
        cr[-1:] = ends[-1:] < raw.size
        return cr
    # "mixed": look (a last line without a line end has no CRLF)
    return ((raw[np.maximum(ends - 1, 0)] == 13) & (ends > 0) & (ends < raw.size)).astype(np.int64)


def _heads(data: bytes, start: np.ndarray) -> np.ndarray:
    """The 8 bytes from each of ``start`` as one big-endian number (zeros past the file's end)."""
    if len(data) < 8:
        data = data + bytes(8 - len(data))
    # Every byte offset viewed as the start of an (unaligned) 8-byte number: one gather.
    words = np.ndarray(shape=(len(data) - 7,), dtype=">u8", buffer=data, strides=(1,))
    last = len(data) - 8
    head = words[np.minimum(start, last)]
    late = np.flatnonzero(start > last)  # within 8 bytes of the end: shift the last word
    head[late] = head[late] << (np.uint64(8) * (start[late] - last).astype(np.uint64))
    return head


def _blank(data: bytes, b: np.ndarray, head: np.ndarray, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Which lines hold only white space (bytes up to the space: tabs, CRs, form feeds)."""
    # Only a line that starts with white space and has none of it at byte 6 (where a
    # MEDLINE continuation goes on) is looked at closely.
    maybe = np.flatnonzero((b[:, 0] <= 32) & ((b[:, 6] <= 32) | (length <= 6)))
    size = length[maybe]
    # Keep the line's own bytes of its first 8 (big-endian: the high ones) ...
    shift = np.uint64(8) * (8 - np.minimum(size, 8)).astype(np.uint64)
    word = np.where(size > 0, (head[maybe] >> shift) << shift, 0)
    # ... and look for a byte above 32, all eight at once: 7 low bits + 0x5F carry into the
    # top bit from 0x21 up (and never into the next byte); bytes from 0x80 have it already.
    low = np.uint64(0x7F7F7F7F7F7F7F7F)
    printable = ((word & low) + np.uint64(0x5F5F5F5F5F5F5F5F) | word) & np.uint64(0x8080808080808080)
    blank = np.zeros(length.size, dtype=bool)
    blank[maybe[printable == 0]] = True
    for i in np.flatnonzero(blank & (length > 8)).tolist():  # rare: long runs of white space
        blank[i] = not data[start[i]:start[i] + length[i]].strip()
    return blank


@dataclass(frozen=True)
class Values:
    """Some fields of a file's records, in file order. The value of each is ``base[rows]``:
    selecting fields copies no text, the columns made take from ``base`` at once.

    Attributes
    ----------
    base
        Values (``large_string``: a field's lines joined with one space) of these fields and maybe others.
    base_record
        Record of each value of ``base`` (non-decreasing).
    rows
        Where each field's value is in ``base`` (rising).
    filled
        Which values of ``base`` are neither null nor empty.
    n_records
        Number of records, the length of the columns made.
    groups
        Tag code -> ``rows`` of its fields, for :meth:`of` (only in the values :meth:`Fields.values` makes).
    """

    base: pa.Array
    base_record: np.ndarray
    rows: np.ndarray
    filled: np.ndarray
    n_records: int
    groups: Mapping[int, np.ndarray]

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
        return self.base if self.rows.size == len(self.base) else self.base.take(pa.array(self.rows))

    def of(self, *tags: str) -> Values:
        """The fields with one of ``tags``."""
        empty = np.zeros(0, np.int64)
        parts = [self.groups.get(code(t), empty) for t in tags]
        rows = np.sort(np.concatenate(parts)) if len(parts) > 1 else parts[0]
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
        return self.base.take(pa.array(index, mask=index < 0)).cast(pa.string())

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
        starts = (lines.code != 0) & (record >= 0)
        self.at = np.flatnonzero(starts)  # line of each field
        self.field = np.cumsum(starts) - 1  # field of each line: the last one started
        attached = continues & (record >= 0) & (self.field >= 0)
        attached[attached] = record[self.at[self.field[attached]]] == record[attached]
        self.attached = attached
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
        chosen = np.zeros(self.lines.n, dtype=bool)
        chosen[self.at[field]] = True
        chosen[self.attached] = wanted[self.field[self.attached]]
        lines = np.flatnonzero(chosen)
        content = _slices(self.lines, lines)
        if text.encoding == "utf-8-sig":  # the only UTF-8 that load() does not check
            try:
                content.cast(pa.large_string())
            except pa.ArrowInvalid:
                raise text.utf8_error() from None
        # Lines cut at line ends of valid UTF-8 are valid UTF-8.
        content = pc.utf8_trim_whitespace(content.view(pa.large_string()))
        owner = self.field[lines]
        bounds = np.r_[np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]), owner.size].astype(np.int64)
        joined = pc.binary_join(pa.LargeListArray.from_arrays(pa.array(bounds), content), pa.scalar(" ", pa.large_string()))
        # The fields of each tag, in file order (a stable sort of small numbers is a radix sort).
        kind = key[field].astype(np.uint8 if codes.size < 256 else np.int64, copy=False)
        order = np.argsort(kind, kind="stable")
        bounds = np.r_[0, np.cumsum(np.bincount(kind, minlength=codes.size))]
        groups = {int(c): order[bounds[i]:bounds[i + 1]] for i, c in enumerate(codes.tolist())}
        return Values.of_array(joined, self.record[field], self.n_records, groups)

    def count(self, *, but: Sequence[str] = ()) -> np.ndarray:
        """The number of fields of each record, those with the tags ``but`` left out."""
        mine = self.record[~np.isin(self.code, [code(t) for t in but])]
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


def _slices(lines: Lines, rows: np.ndarray) -> pa.Array:
    """The content of lines ``rows`` (sorted), as binary values copied out of the file.

    The file's bytes are viewed as one array whose values alternate between a line's content
    and the gap up to the next one (offsets ``begin0, end0, begin1, end1, ...``: rising, as the
    lines are in file order), so one ``take`` of the even values copies just the contents.
    """
    offsets = np.empty(2 * rows.size, dtype=np.int64)
    offsets[0::2] = lines.begin[rows]
    offsets[1::2] = lines.end[rows]
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(lines.data)]
    view = pa.LargeBinaryArray.from_buffers(pa.large_binary(), offsets.size - 1, buffers)
    return view.take(pa.array(np.arange(0, offsets.size - 1, 2)))


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
