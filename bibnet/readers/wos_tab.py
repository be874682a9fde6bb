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

Damage is handled off that path, in Python, for the few lines concerned: a header line
further down (two exports in one file) starts a part read by its own columns; a row with
the tab count of the header but not of its neighbours is rescued only if it cannot be a
row with a tab lost inside; a kept row with neither a UT nor a year is reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from bibnet.errors import InputError
from bibnet.readers.text import ReadResult, Skip, Text

_TAG = re.compile(r"[A-Z][A-Z0-9]")
_EXTRA = "#extra"  # name of the empty field after the last tag
_BLOCK = 1 << 20  # pyarrow block size; raised for files with longer lines
_BOM = b"\xef\xbb\xbf"
EXPECTED = "WoS tab-delimited (first line 'PT<TAB>AU<TAB>...')"


class WosTab:
    """Reader of WoS tab-delimited files."""

    name = "wos-tab"
    source = "Web of Science"
    expected = EXPECTED

    def sniff(self, head: str) -> bool:
        """True if the first line starts with the ``PT`` tag and a tab."""
        return head.startswith("PT\t")

    def read(self, text: Text, *, columns: Sequence[str]) -> ReadResult:
        """Read the records of ``text``, keeping the tags in ``columns`` that the file has."""
        lines = _LineTable(text.data)
        headers = _header_lines(lines)
        if headers.size == 1:
            result, fatal = _read_part(text, lines, columns, at=0)
            if fatal:
                raise InputError(fatal)
        else:
            result = _read_parts(text, lines, headers, columns)
        suspects = _suspects(result.table, result.lines)
        return replace(result, warnings=result.warnings + suspects) if suspects else result


def at_lines(lines: Sequence[int] | np.ndarray, *, most: int = 5) -> str:
    """Where something was found, for a message: ``"line 5"``, ``"lines 5 and 9"``,
    ``"lines 5, 9, 12, 20, 31 and 4 more"`` (1-based line numbers, at most ``most`` shown)."""
    shown = [str(int(n)) for n in lines[:most]]
    if len(lines) == 1:
        return f"line {shown[0]}"
    rest = len(lines) - len(shown)
    if rest:
        return f"lines {', '.join(shown)} and {rest} more"
    return f"lines {', '.join(shown[:-1])} and {shown[-1]}"


def _read_part(text: Text, lines: _LineTable, columns: Sequence[str], *, at: int) -> tuple[ReadResult, str | None]:
    """Read the rows under the header line ``at`` (0-based), which is ``text``'s first line.

    Returns the result, and the error to raise if this part were the whole file (no
    well-formed record): the rows of a part of a longer file are skipped, not fatal.
    """
    tags = _header(text, line=at + 1)
    body = np.flatnonzero(lines.length[1:] > 0) + 1  # non-empty lines after the header
    if body.size == 0:
        return _nothing(tags), f"{text.path}: header line but no records (expected {EXPECTED})"
    n_fields = lines.n_fields[body]
    # Rows have as many fields as the header has tags, or one more (an empty trailing one).
    fits = (n_fields == len(tags)) | (n_fields == len(tags) + 1)
    if not fits.any():
        why = f"fields where the header has {len(tags)} tags"
        rows = zip(body.tolist(), n_fields.tolist(), strict=True)
        skips = tuple(Skip(text.path, i + 1, f"malformed record: {n} {why}") for i, n in rows)
        return _nothing(tags, skips), f"{text.path}: line {body[0] + 1}: {n_fields[0]} {why}; no well-formed record"
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
    fatal = None
    if table.num_rows == 0:
        fatal = f"{text.path}: no well-formed record (line {skipped[0].line}: {skipped[0].reason})"
    where = "the header" if at == 0 else f"the header at line {at + 1}"
    table, warnings = _merge_repeated(table, tags, columns, where=where)
    result = ReadResult(table, row_lines.astype(np.int64), tuple(dict.fromkeys(tags)), tuple(skipped), tuple(warnings))
    return result, fatal


def _nothing(tags: list[str], skipped: tuple[Skip, ...] = ()) -> ReadResult:
    """The result of a part without a well-formed row."""
    return ReadResult(pa.table({}), np.zeros(0, dtype=np.int64), tuple(dict.fromkeys(tags)), skipped)


def _header(text: Text, *, line: int = 1) -> list[str]:
    end = text.data.find(b"\n")
    first = text.data[: end if end >= 0 else len(text.data)].rstrip(b"\r").decode("utf-8", errors="replace")
    tags = first.split("\t")
    while tags and not tags[-1]:  # "All Databases" headers end with a tab
        tags.pop()
    for tag in tags:
        if not _TAG.fullmatch(tag):
            raise InputError(f"{text.path}: line {line}: header field {tag[:20]!r} is not a Web of Science field tag")
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
        self.bytes = raw
        self._data = data

    def raw(self, i: int) -> bytes:
        """The bytes of line ``i`` (0-based), without its line end."""
        return self._data[self.start[i] : self.end[i]]

    def starts_with(self, prefix: bytes) -> np.ndarray:
        """Whether each line starts with ``prefix``."""
        found = self.length >= len(prefix)
        for k, byte in enumerate(prefix):
            found &= self.bytes[np.minimum(self.start + k, max(self.bytes.size - 1, 0))] == byte
        return found


def _header_lines(lines: _LineTable) -> np.ndarray:
    """Line 0 and every later line that is a header too (0-based).

    A data row starts with a publication type (``J``, ``B``, ...), never with ``PT`` and a
    tab: such a line is the header of a second export appended to the first (with its BOM
    if the files were joined byte for byte).
    """
    header = lines.starts_with(b"PT\t") | lines.starts_with(_BOM + b"PT\t")
    header[0] = True
    return np.flatnonzero(header)


def _read_parts(text: Text, lines: _LineTable, headers: np.ndarray, columns: Sequence[str]) -> ReadResult:
    """Read a file holding several exports: each header line starts a part read by its columns."""
    results, warnings = [], []
    bounds = [*headers.tolist(), lines.start.size]
    for at, end in zip(bounds[:-1], bounds[1:], strict=True):
        part = _part(text, lines, at, end)
        result, fatal = _read_part(part, _LineTable(part.data), columns, at=at)
        if at:
            warnings.append(
                f"line {at + 1}: a second header line (two exports in one file?): the rows after it are read by its columns"
            )
        if fatal and not result.skipped:
            warnings.append(f"line {at + 1}: header line with no records after it")
        warnings.extend(result.warnings)
        results.append(result)
    skipped = tuple(s for r in results for s in r.skipped)
    read = [r for r in results if r.table.num_rows]
    if not read:
        first = f"line {skipped[0].line}: {skipped[0].reason}" if skipped else "header lines but no records"
        raise InputError(f"{text.path}: no well-formed record ({first})")
    names = [c for c in columns if any(c in r.table.column_names for r in read)]
    tables = [pa.table({c: r.table[c] if c in r.table.column_names else pa.nulls(r.table.num_rows, pa.string()) for c in names})
              for r in read]
    return ReadResult(
        table=pa.concat_tables(tables),
        lines=np.concatenate([r.lines for r in read]),
        tags=tuple(dict.fromkeys(t for r in results for t in r.tags)),
        skipped=skipped,
        warnings=tuple(warnings),
    )


def _part(text: Text, lines: _LineTable, at: int, end: int) -> Text:
    """The header line ``at`` and the lines up to ``end`` (0-based, excluded), as a file of their own.

    Blank lines stand in for the lines before the part, so that line numbers (of rows,
    skips and errors) stay those of the whole file; blank lines are no records.
    """
    header = lines.raw(at).removeprefix(_BOM)
    body_from = lines.start[at + 1] if at + 1 < lines.start.size else len(text.data)
    body_to = lines.start[end] if end < lines.start.size else len(text.data)
    data = header + b"\n" * (at + 1) + text.data[body_from:body_to]
    return replace(text, data=data)


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
        # One field short but still ending with the trailing tab of its neighbours: not a row
        # without that tab (rescued below) but one with a tab lost inside, its columns shifted.
        lost_tab = n == n_tags < width and raw.endswith(b"\t")
        if n not in (n_tags, n_tags + 1) or lost_tab:
            why = "truncated record (file cut short?)" if i == last and n < width else "malformed record"
            inside = " (a tab missing inside it: it ends with the trailing tab)" if lost_tab and i != last else ""
            skipped.append(Skip(text.path, i + 1, f"{why}: {n} fields where the other records have {width}{inside}"))
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


def _merge_repeated(table: pa.Table, tags: list[str], columns: Sequence[str], *, where: str) -> tuple[pa.Table, list[str]]:
    """Merge the columns of a repeated tag into one (first non-empty value); ``where``: the header, for the warning."""
    warnings = []
    for tag in dict.fromkeys(tags):
        repeats = [n for n in table.column_names if n.startswith(tag + "#")]
        if not repeats:
            continue
        merged = pc.coalesce(*(table[n] for n in [tag, *repeats]))
        table = table.drop_columns(repeats).set_column(table.column_names.index(tag), tag, merged)
        warnings.append(f"tag {tag} appears {len(repeats) + 1} times in {where}; the first non-empty value is used")
    order = [c for c in columns if c in table.column_names]
    return table.select(order), warnings


def _suspects(table: pa.Table, lines: np.ndarray) -> tuple[str, ...]:
    """A warning naming the kept rows with neither a UT nor a year in PY: every Web of Science
    record has a UT, so their columns are likely shifted (a tab lost and another added)."""
    if "UT" not in table.column_names or "PY" not in table.column_names or table["UT"].null_count == 0:
        return ()
    year = pc.fill_null(pc.match_substring_regex(pc.utf8_trim_whitespace(table["PY"]), r"^[0-9]{1,18}$"), False)
    rows = np.flatnonzero(pc.and_(pc.is_null(table["UT"]), pc.invert(year)).to_numpy(zero_copy_only=False))
    if rows.size == 0:
        return ()
    first = table["PY"][int(rows[0])].as_py()
    shown = "empty" if first is None else repr(first[:30])
    return (f"{at_lines(lines[rows])}: no UT and no year (PY {shown}): columns shifted by a missing or extra tab? kept as read",)
