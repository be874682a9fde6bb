"""The structure of a BibTeX file in one compiled pass (numba): entries, fields, stray text.

:func:`parse` walks the UTF-8 bytes once, as BibTeX reads them: ``@type{key, name = value, ...}``
(or ``@type(...)``) where a value is a ``{...}`` group (braces nest; ``\\{`` and ``\\}`` are
literal, as Web of Science writes them), a ``"..."`` string (braces inside nest too), a bare
word or number, or several of these joined by ``#``. It records where every entry, field
name and value is, so that the reader can take the few fields it wants with pyarrow, without
a Python loop per field. (numpy over the bytes first needed a pass per special character and
a 12-million-element index of them for a 146 MB Web of Science file, 0.6 s before any field
was found; this pass finds everything in 0.3 s.)

An entry starts with ``@`` as the first character of a line (after blanks) followed by a
type and ``{`` or ``(``; ``@comment``, ``@string`` and ``@preamble`` are passed over
(their braces balanced; ``@string`` macros are not expanded). Such a line inside an open value
or entry means that value or entry was never closed: the entry is marked malformed (its
braces unbalanced) and reading resumes there, so one bad entry costs only itself. Other
problems (text that is no ``name = value``, a missing ``,`` between fields) mark the entry
too and reading resumes at the next entry. Text outside entries is kept as "stray" lines
(their line, and whether they hold ``{``, ``}`` or ``=``, as fields of an entry whose ``@``
line was lost would): the reader decides what they mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bibnet._numba import helper, jit
from bibnet.readers._bibtex_words import skip_plain, words

# Entry columns: position of "@", 1-based line, type span, first field and field count,
# status (a code below), where the problem was seen (line, position), the field being read
# then (name span, line), line and position of the closing brace, kind (0 record, 1 other).
AT, LINE, TYPE0, TYPE1, FIRST, COUNT, STATUS, ERR_LINE, ERR_POS, NAME0, NAME1, NAME_LINE, CLOSE_LINE, KIND = range(14)
N_ENTRY = 14
# Field columns: entry, name span, value span, value kind, line of the name, :func:`name_hash`.
F_ENTRY, F_NAME0, F_NAME1, F_VAL0, F_VAL1, F_KIND, F_LINE, F_HASH = range(8)
N_FIELD = 8
# Value kinds: the span is the inside of a {group} or a "string", a bare word, or (joined
# by '#') the whole text of the parts.
BRACED, QUOTED, BARE, JOINED = 1, 2, 3, 4
# Stray line columns: position of the first non-blank character, line, holds { } or =,
# index of the entry before it (-1: before the first), on the line where that entry closed.
S_POS, S_LINE, S_STRUCT, S_PREV, S_CLOSE_LINE = range(5)
N_STRAY = 5

# Status codes (0: well-formed).
VALUE_OPEN_AT_ENTRY, VALUE_OPEN_AT_EOF = 1, 2
QUOTE_OPEN_AT_ENTRY, QUOTE_OPEN_AT_EOF = 3, 4
ENTRY_OPEN_AT_ENTRY, ENTRY_OPEN_AT_EOF = 5, 6
NOT_A_FIELD, NO_EQUALS, NO_VALUE, NO_SEPARATOR, NO_FIELDS = 7, 8, 9, 10, 11

_LBRACE, _RBRACE, _LPAREN, _RPAREN, _QUOTE, _HASH = 123, 125, 40, 41, 34, 35
_AT, _NL, _COMMA, _EQUALS, _BACKSLASH, _PERCENT = 64, 10, 44, 61, 92, 37
#: The bytes a value scan stops at (and those of a ``@comment(...)``).
_STOPS = np.zeros(256, dtype=np.uint8)
_STOPS[[_BACKSLASH, _LBRACE, _RBRACE, _QUOTE, _NL]] = 1
_STOPS_PAREN = _STOPS.copy()
_STOPS_PAREN[[_LPAREN, _RPAREN]] = 1


@dataclass(frozen=True)
class Parsed:
    """Where things are in a BibTeX file (int64 arrays, positions are byte offsets).

    Attributes
    ----------
    entries
        One row per ``@`` entry (records and ``@comment``-like ones), columns ``AT`` ... ``KIND``.
    fields
        One row per field read, in file order, columns ``F_ENTRY`` ... ``F_HASH``.
    stray
        One row per non-blank line outside entries (``%`` comment lines left out).
    """

    entries: np.ndarray
    fields: np.ndarray
    stray: np.ndarray


def parse(data: bytes) -> Parsed:
    """Find the entries, fields and stray lines of ``data`` (UTF-8 BibTeX, ``"\\n"`` line ends)."""
    raw = np.frombuffer(data, dtype=np.uint8)
    ent, fld = np.empty((max(16, raw.size // 1024), N_ENTRY), np.int64), np.empty((max(64, raw.size // 64), N_FIELD), np.int64)
    return Parsed(*_scan(raw, words(raw), ent, fld))  # tables made here: numpy asks for huge pages, cheaper to fill


def name_hash(name: str) -> int:
    """What :func:`parse` records for a field name: a 63-bit FNV-1a hash of it in lower case
    (ASCII letters), so that the reader finds the fields it wants without cutting out every name."""
    h = _FNV_OFFSET
    for c in name.encode("utf-8"):
        h = ((h ^ (c | 32 if 65 <= c <= 90 else c)) * _FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return h & 0x7FFFFFFFFFFFFFFF


_FNV_OFFSET, _FNV_PRIME = 0xCBF29CE484222325, 0x100000001B3
_COMMENT, _STRING, _PREAMBLE = (name_hash(word) for word in ("comment", "string", "preamble"))


@helper
def _hash(raw, a, b):
    h = np.uint64(_FNV_OFFSET)
    for k in range(a, b):
        c = raw[k]
        h = (h ^ np.uint64(c | 32 if 65 <= c <= 90 else c)) * np.uint64(_FNV_PRIME)
    return np.int64(h & np.uint64(0x7FFFFFFFFFFFFFFF))


@helper
def _blank(c):
    return c == 32 or c == 9 or c == 13 or c == 11 or c == 12


@helper
def _name_char(c):
    # BibTeX: any printing character but  " # % ' ( ) , = { }  (bytes >= 128: UTF-8 letters)
    return c > 32 and c != 127 and c != 34 and c != 35 and c != 37 and c != 39 and c != 40 \
        and c != 41 and c != 44 and c != 61 and c != 123 and c != 125


@helper
def _header(raw, i, n):
    """At a line start ``i``: the type span and the position of ``{``/``(`` of an ``@type{``
    line (blanks allowed before ``@`` and around the type), else (-1, -1, -1)."""
    while i < n and _blank(raw[i]):
        i += 1
    if i >= n or raw[i] != _AT:
        return -1, -1, -1
    i += 1
    while i < n and _blank(raw[i]):
        i += 1
    t0 = i
    while i < n and (65 <= raw[i] <= 90 or 97 <= raw[i] <= 122):  # the type: letters
        i += 1
    t1 = i
    while i < n and _blank(raw[i]):
        i += 1
    if t1 == t0 or i >= n or (raw[i] != _LBRACE and raw[i] != _LPAREN):
        return -1, -1, -1
    return t0, t1, i


@helper
def _group(raw, w, i, n, line, opener, closer, quoted):
    """Scan a value from ``i`` (just inside its opening delimiter) to its end.

    A group ends at the ``closer`` that balances it; a quoted string (``quoted``) at the
    first ``"`` outside braces. Returns (position of the end or -1, line there, why it
    stopped: 0 the end, 1 an entry header line (position: that line's start), 2 end of
    file, and where the first group inside closed (-1: none), to see ``{{...}}``).
    """
    depth = 0 if quoted else 1
    inner = -1
    stops = _STOPS_PAREN if opener == _LPAREN else _STOPS
    while i < n:
        c = raw[i]
        if not stops[c]:  # most bytes: one look-up instead of five comparisons
            i += 1
            if i & 7 == 0 and opener == _LBRACE:  # then whole words ``w`` (8 bytes) without a stop at once
                i = max(i, skip_plain(w, i))
            continue
        if c == _BACKSLASH:
            i += 2
            continue
        if c == opener:
            depth += 1
        elif c == closer:
            depth -= 1
            if depth == 0 and not quoted:
                return i, line, 0, inner
            if depth == 1 and inner < 0:
                inner = i
        elif quoted and c == _QUOTE and depth == 0:
            return i, line, 0, inner
        elif c == _NL:
            line += 1
            if i + 1 < n and _header(raw, i + 1, n)[2] >= 0:
                return i + 1, line, 1, inner
        i += 1
    return -1, line, 2, inner


@helper
def _skip_blanks(raw, i, n, line):
    """Past blanks and line ends; stops at a line that starts an entry (returns its start)."""
    while i < n:
        c = raw[i]
        if c == _NL:
            line += 1
            if i + 1 < n and _header(raw, i + 1, n)[2] >= 0:
                return i + 1, line, True
        elif not _blank(c):
            break
        i += 1
    return i, line, False


@helper
def _next_entry(raw, i, n, line):
    """The start of the next line that starts an entry (or ``n``), and its line."""
    while i < n:
        if raw[i] == _NL:
            line += 1
            if i + 1 < n and _header(raw, i + 1, n)[2] >= 0:
                return i + 1, line
        i += 1
    return n, line


@helper
def _grow(rows, used):
    if used < rows.shape[0]:
        return rows
    bigger = np.empty((2 * rows.shape[0], rows.shape[1]), np.int64)
    bigger[:used] = rows[:used]
    return bigger


@jit(nogil=True)
def _scan(raw, w, ent, fld):  # one state machine, kept in one piece for the compiler
    n = raw.size
    stray = np.empty((16, N_STRAY), np.int64)
    ne = nf = ns = 0
    i, line = 0, 1
    prev, close_line = -1, -1
    while i < n:
        # Outside entries, at a line start or just after an entry's closing brace.
        t0, t1, d = _header(raw, i, n)
        if d < 0:
            j = i
            while j < n and _blank(raw[j]):
                j += 1
            e = j
            struct = False
            while e < n and raw[e] != _NL:
                c = raw[e]
                struct |= c == _LBRACE or c == _RBRACE or c == _EQUALS
                e += 1
            if e > j and raw[j] != _PERCENT:
                stray = _grow(stray, ns)
                stray[ns, S_POS], stray[ns, S_LINE], stray[ns, S_STRUCT] = j, line, struct
                stray[ns, S_PREV], stray[ns, S_CLOSE_LINE] = prev, prev >= 0 and line == close_line
                ns += 1
            i = e + 1
            line += 1
            continue

        ent = _grow(ent, ne)
        e = ne
        ne += 1
        ent[e] = 0
        ent[e, AT], ent[e, LINE], ent[e, TYPE0], ent[e, TYPE1], ent[e, FIRST] = i, line, t0, t1, nf
        ent[e, CLOSE_LINE] = -1
        while raw[i] != _AT:
            i += 1
        ent[e, AT] = i
        opener = raw[d]
        closer = _RBRACE if opener == _LBRACE else _RPAREN
        status, where, at = 0, -1, line
        if _hash(raw, t0, t1) in (_COMMENT, _STRING, _PREAMBLE):  # not records: passed over whole
            ent[e, KIND] = 1
            end, line, why, _ = _group(raw, w, d + 1, n, line, opener, closer, False)
            if why == 0:
                i = end + 1
                prev, close_line = e, line
            else:
                i = end if why == 1 else n
            continue

        # The key: up to the first ',' (or '=' when there is no key).
        i, line, hit = _skip_blanks(raw, d + 1, n, line)
        k = i
        while k < n and raw[k] != _NL and raw[k] != _COMMA and raw[k] != _EQUALS and raw[k] != closer \
                and raw[k] != _LBRACE and raw[k] != _RBRACE and raw[k] != _QUOTE:
            k += 1
        if hit:
            status, at = ENTRY_OPEN_AT_ENTRY, line
        elif k < n and raw[k] == _COMMA:
            i = k + 1
        elif k < n and raw[k] == closer:
            i = k
        elif k < n and raw[k] == _NL:
            k, line2, hit = _skip_blanks(raw, k, n, line)
            if not hit and k < n and raw[k] == _COMMA:
                i, line = k + 1, line2
            elif not hit and k < n and raw[k] == _EQUALS:
                pass  # no key: the word before '=' is a field name
            else:
                status, where, at = NO_SEPARATOR, k, line2
        elif k >= n:
            status = ENTRY_OPEN_AT_EOF
        elif raw[k] != _EQUALS:
            status, where, at = NOT_A_FIELD, k, line

        while status == 0:
            i, line, hit = _skip_blanks(raw, i, n, line)
            if hit:
                status, at = ENTRY_OPEN_AT_ENTRY, line
                break
            if i >= n:
                status = ENTRY_OPEN_AT_EOF
                break
            c = raw[i]
            if c == closer:
                ent[e, CLOSE_LINE] = line
                prev, close_line = e, line
                i += 1
                break
            if c == _COMMA:
                i += 1
                continue
            name0 = i
            while i < n and _name_char(raw[i]):
                i += 1
                # Words joined by blanks make one name: Web of Science writes "Early Access Date".
                s = i
                while s < n and (raw[s] == 32 or raw[s] == 9):
                    s += 1
                if s > i and s < n and _name_char(raw[s]):
                    i = s
            ent[e, NAME0], ent[e, NAME1], ent[e, NAME_LINE] = name0, i, line
            if i == name0:
                status, where, at = NOT_A_FIELD, i, line
                break
            i, line, hit = _skip_blanks(raw, i, n, line)
            if hit or i >= n or raw[i] != _EQUALS:
                status, where, at = NO_EQUALS, name0, ent[e, NAME_LINE]
                break
            i, line, hit = _skip_blanks(raw, i + 1, n, line)
            parts = 0
            p0 = v0 = v1 = kind = -1
            dangling = False  # a '#' with no part after it
            while not hit and i < n:
                c = raw[i]
                if c == _LBRACE or c == _QUOTE:
                    quoted = c == _QUOTE
                    end, line, why, inner = _group(raw, w, i + 1, n, line, _LBRACE, _RBRACE, quoted)
                    if why != 0:
                        base = QUOTE_OPEN_AT_ENTRY if quoted else VALUE_OPEN_AT_ENTRY
                        status, at, i = base + why - 1, line, end if why == 1 else n
                        break
                    if not quoted and raw[i + 1] == _LBRACE and inner == end - 1:
                        v0, v1, kind = i + 2, end - 1, BRACED  # {{...}} (Web of Science): the inside
                    else:
                        v0, v1, kind = i + 1, end, QUOTED if quoted else BRACED
                    s, i = i, end + 1
                elif _name_char(c):
                    s = i
                    while i < n and _name_char(raw[i]):
                        i += 1
                    v0, v1, kind = s, i, BARE
                else:
                    break
                if parts == 0:
                    p0 = s
                else:
                    v0, v1, kind = p0, i, JOINED  # the whole text of the parts
                parts += 1
                dangling = False
                i, line, hit = _skip_blanks(raw, i, n, line)
                if hit or i >= n or raw[i] != _HASH:
                    break
                dangling = True
                i, line, hit = _skip_blanks(raw, i + 1, n, line)
            if status != 0:
                break
            if hit:
                status, at = ENTRY_OPEN_AT_ENTRY, line
                break
            if parts == 0 or dangling:
                status, where, at = NO_VALUE, name0, ent[e, NAME_LINE]
                break
            while v0 < v1 and (_blank(raw[v0]) or raw[v0] == _NL):  # trimmed here: no pass over the text later
                v0 += 1
            while v1 > v0 and (_blank(raw[v1 - 1]) or raw[v1 - 1] == _NL):
                v1 -= 1
            fld = _grow(fld, nf)
            fld[nf, F_ENTRY], fld[nf, F_NAME0], fld[nf, F_NAME1] = e, name0, ent[e, NAME1]
            fld[nf, F_VAL0], fld[nf, F_VAL1], fld[nf, F_KIND], fld[nf, F_LINE] = v0, v1, kind, ent[e, NAME_LINE]
            fld[nf, F_HASH] = _hash(raw, name0, ent[e, NAME1])
            nf += 1
            if i >= n:
                status = ENTRY_OPEN_AT_EOF
            elif raw[i] == _COMMA:
                i += 1
            elif raw[i] != closer:
                status, where, at = NO_SEPARATOR, i, line

        ent[e, COUNT] = nf - ent[e, FIRST]
        if status == 0 and ent[e, COUNT] == 0:
            status = NO_FIELDS
        ent[e, STATUS], ent[e, ERR_POS], ent[e, ERR_LINE] = status, where, at
        if status in (NOT_A_FIELD, NO_EQUALS, NO_VALUE, NO_SEPARATOR):
            i, line = _next_entry(raw, where, n, at)  # lines counted from where the problem is
        elif status in (ENTRY_OPEN_AT_EOF, VALUE_OPEN_AT_EOF, QUOTE_OPEN_AT_EOF):
            i = n
    return ent[:ne], fld[:nf], stray[:ns]  # views: copying a million fields cost more than the unused rows
