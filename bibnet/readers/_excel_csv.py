"""A CSV export opened and saved again by Excel with ``;`` as list separator, its Excel layer taken off.

Excel (in locales whose list separator is ``;``) splits each line of a comma-separated file at
its semicolons, not at its commas, and reads quotes its own way: a quote opens a quoted part
only at the start of a ``;``-field, and the next lone quote closes it; any other quote is
text. Saving writes these fields back with ``;`` between them, quoting (quotes doubled) those
that hold a quote, a ``;`` or a line break, and pads every line with ``;`` up to the widest
line. A Scopus line ``"Yu, X.","5948;5558;","Title ...",2025,...`` becomes
``"Yu, X.,""5948";5558;",Title ..."",2025,...";;;;``: Excel fields ``Yu, X.,"5948``,
``5558`` and ``,Title ...",2025,...``; the quotes that opened and closed each quoted part are
lost.

Undoing it: the text of each Excel field is the original text between two semicolons, but
for the lost quotes. Where a field started with a quote, the original had ``"``, the field's
text up to some point with its quotes doubled, ``"``, and the rest. :func:`restore` tries
every such point in every field and keeps the readings that are valid CSV (quotes only at the
start or end of a field, in pairs inside it) with the header's number of fields and plausible
values where the reader can check them (a year in ``Year``: CSV alone often allows two
readings, the authors split in two and the title joined to the author ids). Of those, the
reading with the fewest quotes as text wins; a line with no reading, or two such winners, is
left out with the reason. Characters other than those quotes are never changed, so line
breaks inside fields, and with them line numbers, stay where they were. This runs in Python
(about 1 MB/s): such files are small and rare.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from bibnet.readers.text import Skip, Text

# States of a CSV line being read: at a field's start, in an unquoted field, in a quoted
# field, just after a quote in a quoted field (its end, or the first of a doubled quote).
_START, _PLAIN, _QUOTED, _QUOTE = range(4)
_Step = tuple[int, int] | None  # (state, fields ended) after some text; None: not valid CSV
_PLAIN_END = re.compile('[,"\n]')
_BEAM = 8  # readings kept per (state, fields ended)
#: ``plausible(header, fields)``: whether a reading of a line has sensible values.
Plausible = Callable[[Sequence[str], Sequence[str]], bool]


def is_excel_layer(first_line: str) -> bool:
    """Whether a file's first line is a comma-separated header saved by Excel as one ``;``-field
    padded with semicolons (``Authors,Title,...,EID;;;;``)."""
    fields = excel_fields(first_line)
    return len(fields) >= 2 and "," in fields[0] and not any(fields[1:])


def unwrap(text: Text, plausible: Plausible) -> tuple[Text, list[Skip], int]:
    """``text`` with its Excel layer taken off, the lines that could not be restored (left
    blank, so that the other lines keep their numbers), and the number of lines restored.

    ``plausible(header, fields)``: whether a reading of a line has sensible values where they
    can be checked (a year in ``Year``); it settles lines that CSV alone reads more than one way.
    """
    lines: list[str] = []
    skipped: list[Skip] = []
    header: list[str] | None = None
    restored = 0
    reader = csv.reader(io.StringIO(text.text(), newline=""), delimiter=";")
    before = 0
    for row in reader:
        line, before = before + 1, reader.line_num
        span = before - line + 1
        while row and not row[-1]:
            row.pop()  # Excel's padding
        if not row:
            lines.append("\n" * span)
            continue
        fields = restore(row, header, plausible)
        if isinstance(fields, str) and header is None:
            return text, [], 0  # not even the header: left as it is, for the reader to report
        if isinstance(fields, str):
            lines.append("\n" * span)
            skipped.append(Skip(text.path, line, f"re-saved by Excel: {fields}"))
            continue
        if header is None:
            header = fields
        else:
            restored += 1
        lines.append(_write(fields) + "\n")
    return replace(text, data="".join(lines).encode("utf-8"), newline="LF"), skipped, restored


def restore(excel: list[str], header: list[str] | None, plausible: Plausible) -> list[str] | str:
    """The original fields of one line from its Excel fields, or why they cannot be found.

    ``header``: the original header's fields, whose number the line must have (None: this is
    the header, which takes the reading with the most fields).
    """
    # Readings so far by (CSV state, fields ended), each with its number of quotes read as
    # text (doubled) rather than as field delimiters; the fewest such are kept.
    paths: dict[tuple[int, int], list[tuple[int, str]]] = {(_START, 0): [(0, "")]}
    for k, field in enumerate(excel):
        nxt: dict[tuple[int, int], list[tuple[int, str]]] = {}
        memo: dict[tuple[int, int], _Run] = {}
        for (state, count), texts in paths.items():
            if k:
                step = _step(state, ";")  # the semicolon was text of the original line
                if step is None:
                    continue
                state, count = step[0], count + step[1]
            for piece, (end, ended), escaped in _readings(field, state, memo):
                nxt.setdefault((end, count + ended), []).extend(
                    (score + escaped, t + (";" if k else "") + piece) for score, t in texts)
        paths = {key: sorted(texts)[:_BEAM] for key, texts in nxt.items()}
    ends = {key: texts for key, texts in paths.items() if key[0] != _QUOTED}
    counts = sorted({count + 1 for _, count in ends}, reverse=True)
    width = len(header) if header is not None else counts[0] if counts else 0
    if width not in counts:
        return f"no reading of the line is CSV with {width} fields"
    readings: dict[tuple[str, ...], int] = {}
    for (_, count), texts in ends.items():
        for score, t in texts:
            fields = tuple(_fields(t))
            if count + 1 == width and (header is None or plausible(header, fields)):
                readings[fields] = min(score, readings.get(fields, score))
    if not readings:
        return f"no reading of the line with {width} fields has plausible values"
    best = min(readings.values())
    found = [fields for fields, score in readings.items() if score == best]
    if len(found) > 1:
        return "the line can be read in more than one way"
    return list(found[0])


def _readings(field: str, state: int, memo: dict[tuple[int, int], _Run]) -> list[tuple[str, tuple[int, int], int]]:
    """The original texts an Excel field may come from, read from ``state``: each with the
    state and number of fields ended after it, and the number of quotes it holds as text.
    ``memo``: the field's runs, shared by the states it is read from."""
    out = []
    if not field.startswith('"'):
        run = _run(field, 0, state, memo)
        if run is not None:  # the field did not start with a quote: as it was
            out.append((field, (run[0], run[1]), run[2]))
    # It started with one: '"', field[:p] with quotes doubled, '"', field[p:].
    at = _advance((state, 0, 0), '"')
    p = 0
    while at is not None and at[0] != _QUOTED and p <= len(field):
        if at[0] == _PLAIN:  # no quote can close here: on to the end of the unquoted text
            end = _PLAIN_END.search(field, p)
            p = end.start() if end else len(field)
        _close_at(field, p, at, memo, out)
        if p < len(field):
            at = _advance(at, field[p])
            if at is not None and field[p] == '"':
                at = _advance(at, '"')
        p += 1
    if at is not None and at[0] == _QUOTED:
        # Inside a quoted field the doubled quotes change nothing, and the closing quote can
        # only be followed by a comma or the end: only those points are tried.
        points = [i for i, char in enumerate(field) if char == "," and i >= p]
        for q in [*points, len(field)] if p <= len(field) else []:
            _close_at(field, q, (at[0], at[1], at[2] + field.count('"', p, q)), memo, out)
    return out


def _close_at(field: str, p: int, at: tuple[int, int, int], memo: dict[tuple[int, int], _Run],
              out: list[tuple[str, tuple[int, int], int]]) -> None:
    """Add the reading whose closing quote comes before ``field[p]`` (``at``: the state after
    the opening quote and the text before), if it is valid CSV."""
    if p < len(field) and field[p] == '"':
        return  # '""' is a doubled quote to Excel, not a closing one
    close = _advance(at, '"')
    run = _run(field, p, close[0], memo) if close is not None else None
    if close is not None and run is not None:
        original = '"' + field[:p].replace('"', '""') + '"' + field[p:]
        out.append((original, (run[0], close[1] + run[1]), close[2] + run[2]))


_Run = tuple[int, int, int] | None  # (state, fields ended, quotes as text) after some text; None: not CSV


def _run(field: str, p: int, state: int, memo: dict[tuple[int, int], _Run]) -> _Run:
    """Read ``field[p:]`` from ``state``. Runs from different points soon meet in the same
    (position, state), so each is walked once."""
    trail = []
    result: _Run
    while True:
        # Quoted or unquoted text goes on to the next quote or comma: a jump, no step per character.
        if state == _QUOTED:
            end = field.find('"', p)
            p = end if end >= 0 else len(field)
        elif state == _PLAIN:
            found = _PLAIN_END.search(field, p)
            p = found.start() if found else len(field)
        if (p, state) in memo:
            result = memo[p, state]
            break
        if p == len(field):
            result = (state, 0, 0)
            break
        nxt = _step(state, field[p])
        if nxt is None:
            result = None
            break
        trail.append((p, state, nxt[1], int(state == _QUOTE and field[p] == '"')))
        p, state = p + 1, nxt[0]
    for q, s, ended, escaped in reversed(trail):
        result = (result[0], result[1] + ended, result[2] + escaped) if result is not None else None
        memo[q, s] = result
    return result


def _advance(at: tuple[int, int, int], char: str) -> _Run:
    nxt = _step(at[0], char)
    if nxt is None:
        return None
    return nxt[0], at[1] + nxt[1], at[2] + int(at[0] == _QUOTE and char == '"')


def _step(state: int, char: str) -> _Step:
    """One character of a CSV line: the next state and whether a field ended."""
    if state == _QUOTED:
        return (_QUOTE, 0) if char == '"' else (_QUOTED, 0)
    if char == "\n":
        return None  # a line break outside quotes would have ended the line
    if state == _START:
        return (_START, 1) if char == "," else (_QUOTED, 0) if char == '"' else (_PLAIN, 0)
    if state == _PLAIN:
        return (_START, 1) if char == "," else None if char == '"' else (_PLAIN, 0)
    return (_QUOTED, 0) if char == '"' else (_START, 1) if char == "," else None  # after a quote


def _fields(line: str) -> list[str]:
    return next(csv.reader(io.StringIO(line, newline="")), [])


def _write(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


def excel_fields(line: str) -> list[str]:
    """The ``;``-fields of a line as Excel wrote them."""
    try:
        return next(csv.reader([line], delimiter=";"), [])
    except csv.Error:
        return []
