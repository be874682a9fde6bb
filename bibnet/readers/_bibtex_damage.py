"""Why a BibTeX entry is left out, and what text outside entries means (for :mod:`bibnet.readers.bibtex`)."""

from __future__ import annotations

import numpy as np

from bibnet.readers.wos_tab import at_lines


def reason(data: bytes, entry: np.ndarray) -> str:
    """Why a malformed entry (a row of the parse's entries) is left out."""
    from bibnet.readers import _bibtex_parse as bp

    status, line = int(entry[bp.STATUS]), int(entry[bp.ERR_LINE])
    name = data[entry[bp.NAME0]:entry[bp.NAME1]].decode("utf-8", "replace")
    snippet = ""
    if entry[bp.ERR_POS] >= 0:
        snippet = data[entry[bp.ERR_POS]:entry[bp.ERR_POS] + 200].split(b"\n", 1)[0].decode("utf-8", "replace")
        snippet = snippet.strip()[:40]
    at_end = status in (bp.VALUE_OPEN_AT_EOF, bp.QUOTE_OPEN_AT_EOF, bp.ENTRY_OPEN_AT_EOF)
    ending = "at the end of the file (file cut short?)" if at_end else f"when the next entry starts (line {line})"
    value = f"the value of '{name}' (line {int(entry[bp.NAME_LINE])}) is still open {ending}"
    if status in (bp.VALUE_OPEN_AT_ENTRY, bp.VALUE_OPEN_AT_EOF):
        return f"unbalanced braces: {value}"
    if status in (bp.QUOTE_OPEN_AT_ENTRY, bp.QUOTE_OPEN_AT_EOF):
        return f"unterminated quote: {value}"
    if status == bp.ENTRY_OPEN_AT_ENTRY:
        return f"unbalanced braces: the entry is still open {ending}"
    if status == bp.ENTRY_OPEN_AT_EOF:
        return f"entry not closed: no '}}' {ending}"
    if status == bp.NO_VALUE:
        return f"field '{name}' at line {line} has no value"
    if status == bp.NO_SEPARATOR:
        return f"expected ',' or '}}' at line {line} after the value of '{name}', found {snippet!r}"
    if status == bp.NO_FIELDS:
        return "empty entry (no fields)"
    return f"{snippet!r} at line {line} is not a field (expected name = {{value}})"


def stray(stray: np.ndarray, entries: np.ndarray) -> tuple[list[tuple[int, str]], dict[int, str], list[str]]:
    """What the lines outside entries mean: records whose ``@`` line was lost (line, reason),
    entries closed early by a ``}`` too many (entry -> reason), and a warning about the rest.

    Text before the first entry (the Scopus lines ``Scopus`` / ``EXPORT DATE: ...``) is a
    preamble. Lines after an entry that hold ``{``, ``}`` or ``=`` are the rest of that entry
    if they start on its closing line (``title = {A}},``), else a record whose ``@type{key,``
    line is missing; lines without them are ignored, with a warning.
    """
    from bibnet.readers import _bibtex_parse as bp

    lost: list[tuple[int, str]] = []
    early: dict[int, str] = {}
    prev = stray[:, bp.S_PREV]  # in file order, so the lines after one entry are together
    first = np.flatnonzero(np.r_[True, prev[1:] != prev[:-1]]) if prev.size else np.zeros(0, np.int64)
    after = np.r_[first[1:], prev.size]
    struct = np.flatnonzero(stray[:, bp.S_STRUCT] == 1)
    k = np.searchsorted(struct, first)
    has = k < struct.size
    has[has] = struct[k[has]] < after[has]
    for g in np.flatnonzero(has).tolist():  # a stretch with "{", "}" or "=" in it
        e, at = int(prev[first[g]]), int(stray[struct[k[g]], bp.S_LINE])
        if e >= 0 and entries[e, bp.KIND] == 0 and stray[first[g], bp.S_CLOSE_LINE] == 1:
            early[e] = (f"unbalanced braces: a '}}' too many closes the entry at line {entries[e, bp.CLOSE_LINE]} "
                        f"(more of it follows, line {at})")
        else:
            lost.append((at, "fields outside any entry (its '@type{key,' line missing, or a '}' too many above?)"))
    ignored = stray[first[~has & (prev[first] >= 0)], bp.S_LINE]
    notes = [f"text outside entries ignored ({at_lines(ignored)})"] if ignored.size else []
    return lost, early, notes
