"""Web of Science tab-delimited exports ("Tab delimited file", "Tab-delimited (Win/Mac)").

Line 1 names the fields by two-letter tag; every other line is one record, its fields
separated by tabs, with no quoting at all (a ``"`` is literal text). The column set and
order vary with export date and database, so columns are found by tag. Most exports end
every data line with one more (empty) field than the header has tags; "All Databases"
exports may repeat a tag (the first non-empty value is used).

Parsing is pyarrow's CSV reader on the wanted columns only, one thread per file
(:func:`bibnet.read` reads two files at once). Line numbers
come from one numpy pass over the bytes, which also finds the malformed lines (a field
count the file's other lines do not have): those are skipped and reported, not fatal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from bibnet.errors import InputError
from bibnet.readers.text import ReadResult, Skip, Text

_TAG = re.compile(r"[A-Z][A-Z0-9]")
_EXTRA = "#extra"  # name of the empty field after the last tag
_BLOCK = 1 << 20  # pyarrow block size; raised for files with longer lines


class WosTab:
    """Reader of WoS tab-delimited files."""

    name = "wos-tab"
    source = "Web of Science"
    expected = "WoS tab-delimited (first line 'PT<TAB>AU<TAB>...')"

    def sniff(self, head: str) -> bool:
        """True if the first line starts with the ``PT`` tag and a tab."""
        return head.startswith("PT\t")

    def read(self, text: Text, *, columns: Sequence[str]) -> ReadResult:
        """Read the records of ``text``, keeping the tags in ``columns`` that the file has."""
        tags = _header(text)
        lines = _LineTable(text.data)
        body = np.flatnonzero(lines.length[1:] > 0) + 1  # non-empty lines after the header
        if body.size == 0:
            raise InputError(f"{text.path}: header line but no records (expected {self.expected})")
        n_fields = lines.n_fields[body]
        # Rows have as many fields as the header has tags, or one more (an empty trailing one).
        fits = (n_fields == len(tags)) | (n_fields == len(tags) + 1)
        if not fits.any():
            first = int(body[0])
            raise InputError(
                f"{text.path}: line {first + 1}: {int(n_fields[0])} fields where the header "
                f"has {len(tags)} tags; no well-formed record"
            )
        width = int(np.bincount(n_fields[fits]).argmax())
        names = _column_names(tags, width)
        wanted = [n for n in names if n.split("#")[0] in columns or n == _EXTRA]

        odd = body[n_fields != width]
        table = _parse(text, _without_lines(text.data, lines, odd), names, wanted)
        good = body[n_fields == width]
        if table.num_rows != good.size:  # pragma: no cover - would be a line-counting bug
            raise InputError(f"{text.path}: cannot parse as tab-delimited ({table.num_rows} rows, {good.size} lines)")
        row_lines = good + 1

        skipped: list[Skip] = []
        if odd.size:
            rescued, rescued_lines, skipped = _odd_lines(text, lines, odd, names, wanted, len(tags))
            if rescued_lines.size:
                table = pa.concat_tables([table, rescued.cast(table.schema)])
                row_lines = np.concatenate([row_lines, rescued_lines])
                order = np.argsort(row_lines, kind="stable")
                table, row_lines = table.take(order), row_lines[order]

        table, row_lines, more = _drop_bad_rows(text.path, table, row_lines)
        skipped = sorted(skipped + more, key=lambda s: s.line)
        if table.num_rows == 0:
            raise InputError(f"{text.path}: no well-formed record (line {skipped[0].line}: {skipped[0].reason})")
        table, warnings = _merge_repeated(table, tags, columns)
        return ReadResult(
            table=table,
            lines=row_lines.astype(np.int64),
            tags=tuple(dict.fromkeys(tags)),
            skipped=tuple(skipped),
            warnings=tuple(warnings),
        )


def _header(text: Text) -> list[str]:
    end = text.data.find(b"\n")
    first = text.data[: end if end >= 0 else len(text.data)].rstrip(b"\r").decode("utf-8", errors="replace")
    tags = first.split("\t")
    while tags and not tags[-1]:  # "All Databases" headers end with a tab
        tags.pop()
    for tag in tags:
        if not _TAG.fullmatch(tag):
            raise InputError(f"{text.path}: line 1: header field {tag[:20]!r} is not a Web of Science field tag")
    return tags


class _LineTable:
    """Start, length and field count of every line, from one pass over the bytes."""

    def __init__(self, data: bytes) -> None:
        raw = np.frombuffer(data, dtype=np.uint8)
        newlines = np.flatnonzero(raw == 10)
        self.start = np.r_[0, newlines + 1]
        end = np.r_[newlines, raw.size]
        has_cr = (end > self.start) & (raw[np.maximum(end - 1, 0)] == 13)
        self.end = end - has_cr
        self.length = self.end - self.start
        tabs = np.flatnonzero(raw == 9)
        self.n_fields = np.searchsorted(tabs, self.end) - np.searchsorted(tabs, self.start) + 1
        self._data = data

    def raw(self, i: int) -> bytes:
        """The bytes of line ``i`` (0-based), without its line end."""
        return self._data[self.start[i] : self.end[i]]


def _column_names(tags: list[str], width: int) -> list[str]:
    """Unique pyarrow column names: ``AU``, ``AU#2`` for a repeat, ``#extra`` past the tags."""
    seen: dict[str, int] = {}
    names = []
    for tag in tags:
        seen[tag] = seen.get(tag, 0) + 1
        names.append(tag if seen[tag] == 1 else f"{tag}#{seen[tag]}")
    return names + [_EXTRA] * (width - len(tags))


def _without_lines(data: bytes, lines: _LineTable, drop: np.ndarray) -> bytes:
    """``data`` without the given lines (the few odd ones), so that pyarrow meets one field count."""
    if drop.size == 0:
        return data
    next_start = np.r_[lines.start[1:], len(data)]
    keep_from = np.r_[0, next_start[drop]].tolist()
    keep_to = np.r_[lines.start[drop], len(data)].tolist()
    return b"".join(data[a:b] for a, b in zip(keep_from, keep_to, strict=True))


def _parse(text: Text, data: bytes, names: list[str], wanted: list[str]) -> pa.Table:
    """Parse the well-formed lines with pyarrow (``data``: the odd lines cut out)."""
    types = {n: pa.binary() if n == _EXTRA else pa.string() for n in wanted}
    block = _BLOCK
    while True:
        try:
            return pv.read_csv(
                pa.py_buffer(data),
                # pyarrow's own threads made reading slower (files already come two at a
                # time) and kept ~20 MB in their allocator heaps for the rest of the run.
                read_options=pv.ReadOptions(column_names=names, skip_rows=1, block_size=block, use_threads=False),
                parse_options=pv.ParseOptions(
                    delimiter="\t",
                    quote_char=False,
                    escape_char=False,
                    ignore_empty_lines=True,
                ),
                convert_options=pv.ConvertOptions(
                    include_columns=wanted,
                    column_types=types,
                    null_values=[""],
                    strings_can_be_null=True,
                ),
            )
        except pa.ArrowInvalid as exc:
            message = str(exc)
            if "UTF8" in message or "UTF-8" in message:
                raise text.utf8_error() from None
            if "straddl" in message and block < len(data):
                block = len(data) + 1  # a line longer than a block
                continue
            raise InputError(f"{text.path}: cannot parse as tab-delimited: {message.splitlines()[0]}") from None


def _odd_lines(
    text: Text, lines: _LineTable, odd: np.ndarray, names: list[str], wanted: list[str], n_tags: int
) -> tuple[pa.Table, np.ndarray, list[Skip]]:
    """Rescue the lines with the other acceptable field count; skip the rest with a reason.

    Few lines are odd in real files (none, or a damaged one), so this runs in Python.
    """
    width = len(names)
    position = {name: k for k, name in enumerate(names)}
    rows: dict[str, list] = {n: [] for n in wanted}
    kept: list[int] = []
    skipped: list[Skip] = []
    last = int(np.flatnonzero(lines.length > 0)[-1])
    for i in odd.tolist():
        raw = lines.raw(i)
        if not raw.strip():
            continue  # a line of blanks
        n = int(lines.n_fields[i])
        if n not in (n_tags, n_tags + 1):
            why = "truncated record (file cut short?)" if i == last and n < width else "malformed record"
            skipped.append(Skip(text.path, i + 1, f"{why}: {n} fields where the other records have {width}"))
            continue
        try:
            fields = raw.decode("utf-8").split("\t") + [""] * (width - n)
        except UnicodeDecodeError:
            raise text.utf8_error() from None
        if n > width and fields[-1]:
            skipped.append(Skip(text.path, i + 1, "one field more than the header has tags (a tab inside a field?)"))
            continue
        for name in wanted:
            rows[name].append(None if name == _EXTRA else fields[position[name]] or None)
        kept.append(i + 1)
    types = {n: pa.binary() if n == _EXTRA else pa.string() for n in wanted}
    table = pa.table({n: pa.array(rows[n], type=types[n]) for n in wanted})
    return table, np.asarray(kept, dtype=np.int64), skipped


def _drop_bad_rows(path: str, table: pa.Table, lines: np.ndarray) -> tuple[pa.Table, np.ndarray, list[Skip]]:
    """Drop rows with text past the last tag, and rows with no value at all."""
    bad = np.zeros(table.num_rows, dtype=bool)
    reasons = np.full(table.num_rows, "", dtype=object)
    if _EXTRA in table.column_names:
        extra = pc.fill_null(pc.greater(pc.binary_length(table[_EXTRA]), 0), False).to_numpy(zero_copy_only=False)
        bad |= extra
        reasons[extra] = "one field more than the header has tags (a tab inside a field?)"
        table = table.drop_columns([_EXTRA])
    if table.num_columns:
        empty = np.ones(table.num_rows, dtype=bool)
        for col in table.columns:
            empty &= col.is_null().to_numpy(zero_copy_only=False)
        reasons[empty & ~bad] = "empty record (no value in any field read)"
        bad |= empty
    if not bad.any():
        return table, lines, []
    skips = [Skip(path, int(lines[i]), reasons[i]) for i in np.flatnonzero(bad)]
    keep = np.flatnonzero(~bad)
    return table.take(keep), lines[keep], skips


def _merge_repeated(table: pa.Table, tags: list[str], columns: Sequence[str]) -> tuple[pa.Table, list[str]]:
    """Merge the columns of a repeated tag into one (first non-empty value)."""
    warnings = []
    for tag in dict.fromkeys(tags):
        repeats = [n for n in table.column_names if n.startswith(tag + "#")]
        if not repeats:
            continue
        merged = pc.coalesce(*(table[n] for n in [tag, *repeats]))
        table = table.drop_columns(repeats).set_column(table.column_names.index(tag), tag, merged)
        warnings.append(f"tag {tag} appears {len(repeats) + 1} times in the header; the first non-empty value is used")
    order = [c for c in columns if c in table.column_names]
    return table.select(order), warnings
