"""What the CSV readers share: comma-separated exports read by column name onto the schema.

Scopus, Lens.org, Dimensions and the OpenAlex web interface all export RFC 4180 CSV: fields
separated by commas, a field holding a comma, a quote or a line break is double-quoted (a
quote inside doubled), and line breaks inside quoted fields are common (abstracts). The
first line names the columns (Dimensions writes one line of text about the export before
it); the set and order of columns vary with the export's date and options, so every reader
finds its columns by name (case and surrounding spaces ignored).

Parsing (:mod:`bibnet.readers._csv_records`) gives the rows with the header's field count,
with the line each starts on, and the others; those few are looked at here, in Python: a
reader may realign rows with known extra fields (:class:`Shift`, Scopus), the others are
skipped with their line and reason. Values (but abstracts) are trimmed; empty ones are null.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bibnet.errors import InputError
from bibnet.readers._csv_records import Body, decode, locate, split
from bibnet.readers.text import ReadResult, Skip, Text, is_utf8
from bibnet.readers.wos_tab import at_lines

#: The schema tags, in schema order (see :mod:`bibnet.readers`).
SCHEMA = ("UT", "DI", "TI", "AU", "SO", "PY", "TC", "DT", "PT", "DE", "ID", "AB", "DA", "Z9")


@dataclass(frozen=True)
class Shift:
    """Where the columns of a row with more fields than the header names are.

    Attributes
    ----------
    positions
        For each header column, its index among the row's fields.
    note
        What was assumed, for the warning (``"the extra field(s) after 'Funding Text 1'"``).
    """

    positions: tuple[int, ...]
    note: str


#: ``realign(header, width)``: where the columns of a ``width``-field row are, or None.
Realign = Callable[[Sequence[str], int], "Shift | None"]
#: ``check(values)``: why a realigned row (schema tag -> value) is still wrong, or None.
Check = Callable[[Mapping[str, "str | None"]], "str | None"]


def header_cells(head: str) -> list[str]:
    """The cells of the first line of ``head``, unquoted and stripped (for sniffing)."""
    first = head.split("\n", 1)[0].rstrip("\r")
    try:
        return [cell.strip() for cell in next(csv.reader([first]))]
    except (csv.Error, StopIteration):
        return []


def read_csv(
    text: Text,
    *,
    columns: Sequence[str],
    names: Mapping[str, Sequence[str]],
    expected: str,
    preamble: int = 0,
    realign: Realign | None = None,
    check: Check | None = None,
) -> ReadResult:
    """Read a CSV export whose columns ``names`` maps onto schema tags.

    Parameters
    ----------
    text
        The file.
    columns
        The schema tags wanted.
    names
        Schema tag -> the header names that hold it, the first found being read.
    expected
        What the file should be, for error messages.
    preamble
        Records (lines) before the header line.
    realign, check
        For rows with more fields than the header names: where their columns are (or None:
        skip them), and why a realigned row is still wrong (or None: keep it).

    Returns
    -------
    ReadResult
        Columns named by schema tag, raw text (empty cells null); ``tags``: the tags the
        header has, in schema order.

    Raises
    ------
    InputError
        No header line, no known column in it, or no well-formed record.
    """
    text = replace(text, expected=expected)  # for the message of a UTF-8 error
    # load() trusts a UTF-8 BOM; a bad byte met by pyarrow in a rejected row would only be printed.
    if text.encoding == "utf-8-sig" and not is_utf8(text.data):
        raise text.utf8_error()
    head = locate(text.data, preamble)
    if head.problem:
        raise InputError(f"{text.path}: line {head.line}: {head.problem} (expected {expected})")
    header_line, header_bytes = head.line, head.raw
    header = split(decode(text, header_bytes))
    found = _find(header, names)
    if not found:
        shown = ", ".join(repr(h[:30]) for h in header[:3])
        raise InputError(f"{text.path}: line {header_line}: no known column in the header ({shown}, ...) "
                         f"(expected {expected})")
    tags = tuple(t for t in SCHEMA if t in found)
    wanted = [t for t in tags if t in columns]
    parsed = wanted or [tags[0]]  # one column at least, which carries the number of rows
    body = Body(text, head, header, parsed, found)
    table, lines, odd = body.table, body.row_lines, body.odd
    skipped, warnings = list(body.skipped), list(body.warnings)
    if odd:
        extra, extra_lines, more, notes = _odd_rows(text, odd, body.last_line, header, parsed, found, realign, check)
        skipped += more
        warnings += notes
        if extra_lines.size:
            table = pa.concat_tables([table, extra])
            lines = np.concatenate([lines, extra_lines])
            order = np.argsort(lines, kind="stable")
            table, lines = table.take(order), lines[order]
    skipped.sort(key=lambda s: s.line)
    if lines.size == 0:
        why = f"{skipped[0].reason}; no well-formed record" if skipped else "header line but no records"
        line = skipped[0].line if skipped else header_line
        raise InputError(f"{text.path}: line {line}: {why} (expected {expected})")
    # Abstracts, the bulk of the bytes, are not trimmed: only their presence is used.
    table = pa.table({t: table[t] if t == "AB" else blank_to_null(table[t]) for t in parsed}).select(wanted)
    return ReadResult(table, lines.astype(np.int64), tags, tuple(skipped), tuple(warnings))


def blank_to_null(col: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """``col`` trimmed of surrounding white space, empty values null."""
    col = pc.utf8_trim_whitespace(col)
    return pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)


def null_if(col: pa.ChunkedArray | pa.Array, values: Sequence[str]) -> pa.ChunkedArray | pa.Array:
    """``col`` with the given placeholder values (``"[No abstract available]"``) made null."""
    placeholder = pc.or_(*(pc.equal(col, value) for value in values)) if len(values) > 1 else pc.equal(col, values[0])
    return pc.if_else(pc.fill_null(placeholder, False), pa.scalar(None, pa.string()), col)


def without_prefix(col: pa.ChunkedArray | pa.Array, prefix: str) -> pa.ChunkedArray | pa.Array:
    """``col`` with ``prefix`` removed where a value starts with it."""
    starts = pc.fill_null(pc.starts_with(col, prefix), False)
    return pc.if_else(starts, pc.utf8_slice_codeunits(col, len(prefix)), col)


def relist(col: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """A ``|``-separated list as the schema's ``"; "`` list (a ``;`` in an item becomes ``,``)."""
    return pc.replace_substring_regex(pc.replace_substring(col, ";", ","), r"\s*\|\s*", "; ")


def _odd_rows(text: Text, odd: list[tuple[int, list[str]]], last: int, header: list[str], wanted: list[str],
              found: Mapping[str, int], realign: Realign | None, check: Check | None
              ) -> tuple[pa.Table, np.ndarray, list[Skip], list[str]]:
    """The rows whose field count is not the header's (``last``: the line of the file's last
    record): realigned and kept, or skipped."""
    n = len(header)
    shifts: dict[int, Shift | None] = {}
    kept: list[dict[str, str | None]] = []
    kept_lines: list[int] = []
    by_shift: dict[str, list[int]] = {}
    skipped: list[Skip] = []
    for line, fields in odd:
        width = len(fields)
        shift = None
        if width > n and realign is not None:
            shift = shifts[width] if width in shifts else shifts.setdefault(width, realign(header, width))
        if shift is None:
            why = "truncated record (file cut short?)" if line == last and width < n else "malformed record"
            skipped.append(Skip(text.path, line, f"{why}: {_fields_count(width)} where the header has {n}"))
            continue
        values = {t: fields[shift.positions[found[t]]] or None for t in found}
        wrong = check(values) if check is not None else None
        if wrong:
            skipped.append(Skip(text.path, line, f"malformed record: {width} fields where the header has {n} "
                                f"({wrong} even with {shift.note})"))
            continue
        kept.append({t: values[t] for t in wanted})
        kept_lines.append(line)
        by_shift.setdefault(f"{width - n} more field(s) than the header names: read assuming {shift.note}", []).append(line)
    notes = [f"{at_lines(lines)}: {len(lines)} record(s) with {what}" for what, lines in by_shift.items()]
    table = pa.table({t: pa.array([row[t] for row in kept], pa.string()) for t in wanted})
    return table, np.asarray(kept_lines, dtype=np.int64), skipped, notes


def _fields_count(n: int) -> str:
    return "1 field" if n == 1 else f"{n} fields"


def _find(header: Sequence[str], names: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Schema tag -> index of its column in ``header`` (names compared without case and spaces)."""
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        index.setdefault(" ".join(name.split()).casefold(), i)
    found = {}
    for tag, candidates in names.items():
        hit = next((index[c.casefold()] for c in candidates if c.casefold() in index), None)
        if hit is not None:
            found[tag] = hit
    return found
