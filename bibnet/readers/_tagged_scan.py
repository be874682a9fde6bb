"""The compiled passes (numba) of :mod:`bibnet.readers._tagged`: the line table, and the values of
fields copied out of the file, trimmed and joined, in one copy.

Imported only when a PubMed or RIS file is read (it imports numba).
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.core import cgutils
from numba.cpython.unsafe.numbers import trailing_zeros
from numba.extending import intrinsic

from bibnet._numba import helper, jit

#: What :class:`~bibnet.readers._tagged.Lines` learns of each line: bits of its ``flags``.
BLANK, TEXT, INDENTED = 1, 2, 4
#: ASCII that ``pyarrow.compute.utf8_trim_whitespace`` trims (tabs to CR, file separators, space).
SPACE = np.zeros(256, dtype=np.bool_)
SPACE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True


_LF, _LOW, _HIGH = np.uint64(0x0A0A0A0A0A0A0A0A), np.uint64(0x7F7F7F7F7F7F7F7F), np.uint64(0x8080808080808080)


@helper
def _lfs(word: np.uint64) -> np.uint64:
    """The top bit of each byte of ``word`` that is an LF (exact: no carries between bytes)."""
    x = word ^ _LF
    return ~(((x & _LOW) + _LOW) | x) & _HIGH


@jit
def count_lines(raw: np.ndarray, words: np.ndarray) -> int:
    """The number of lines (LFs, and a last line without one); ``words``: the bytes of ``raw``
    eight at a time (little-endian, as far as they go)."""
    count = np.uint64(0)
    for w in range(words.size):
        count += ((_lfs(words[w]) >> np.uint64(7)) * np.uint64(0x0101010101010101)) >> np.uint64(56)
    n = np.int64(count)
    for i in range(8 * words.size, raw.size):
        n += raw[i] == 10
    return n + (raw.size > 0 and raw[raw.size - 1] != 10)


@jit
def line_ends(raw: np.ndarray, words: np.ndarray, n: int) -> np.ndarray:
    """Where each of the ``n`` lines ends (its LF, or the file's end for a last line without one)."""
    ends = np.empty(n, dtype=np.int64)
    k = 0
    for w in range(words.size):
        z = _lfs(words[w])
        while z:
            ends[k] = 8 * w + (trailing_zeros(z) >> 3)  # type: ignore[call-arg]
            k += 1
            z &= z - np.uint64(1)
    for i in range(8 * words.size, raw.size):
        if raw[i] == 10:
            ends[k] = i
            k += 1
    if k < n:
        ends[k] = raw.size
    return ends


@intrinsic
def _copy(typingctx, out, at, raw, start, length):
    """``out[at:at + length] = raw[start:start + length]`` as one memcpy (numba copies a slice byte by byte)."""
    def codegen(context, builder, signature, args):
        dst = context.make_array(signature.args[0])(context, builder, args[0]).data
        src = context.make_array(signature.args[2])(context, builder, args[2]).data
        cgutils.raw_memcpy(builder, builder.gep(dst, [args[1]]), builder.gep(src, [args[3]]), args[4], 1)
        return context.get_dummy_value()

    return types.void(out, at, raw, start, length), codegen


@helper
def _byte(raw: np.ndarray, i: int) -> int:
    return raw[i] if i < raw.size else 0


@helper
def _upper(c: int) -> bool:
    return 65 <= c <= 90


@helper
def _alnum(c: int) -> bool:
    return 65 <= c <= 90 or 48 <= c <= 57


@jit
def line_table(raw: np.ndarray, ends: np.ndarray, crlf: int, two_letter: bool):
    """End (without CR), tag code, begin of the content and flags of each line (``ends``:
    :func:`line_ends`).

    ``crlf``: 0 no line ends with CRLF, 1 all do, 2 look at each.
    """
    n = ends.size
    size = raw.size
    end = np.empty(n, dtype=np.int64)
    code = np.zeros(n, dtype=np.int64)
    begin = np.empty(n, dtype=np.int64)
    flags = np.zeros(n, dtype=np.uint8)
    for i in range(n):
        s = ends[i - 1] + 1 if i > 0 else 0
        e = ends[i]
        if crlf == 1:
            e -= e < size
        elif crlf == 2:
            e -= 0 < e < size and raw[e - 1] == 13
        # Files joined byte for byte: the second one's BOM starts a line; it is no part of it.
        if _byte(raw, s) == 0xEF and _byte(raw, s + 1) == 0xBB and _byte(raw, s + 2) == 0xBF:
            s += 3
        end[i] = e
        length = e - s
        b0 = _byte(raw, s)
        # Blank: only white space (a short line: bytes up to the space; a long one: what bytes.strip strips).
        blank = True
        if length <= 8:
            for j in range(s, e):
                if raw[j] > 32:
                    blank = False
                    break
        else:
            for j in range(s, s + 8):
                if raw[j] > 32:
                    blank = False
                    break
            if blank:
                for j in range(s, e):
                    c = raw[j]
                    if c != 32 and not 9 <= c <= 13:
                        blank = False
                        break
        # A tag: "X" + letter or digit (+ two more, space-padded) + "- " (or "-" at the line's end).
        tag = False
        if length >= 5 and raw[s + 4] == 45 and _upper(raw[s]) and _alnum(raw[s + 1]) and (
                length == 5 or raw[s + 5] == 32):
            c2, c3 = raw[s + 2], raw[s + 3]
            if two_letter:
                tag = c2 == 32 and c3 == 32
            else:
                tag = (c2 == 32 or _alnum(c2)) and (c3 == 32 or _alnum(c3)) and (c3 == 32 or c2 != 32)
        if tag:
            code[i] = (np.int64(raw[s]) << 24) | (np.int64(raw[s + 1]) << 16) | (np.int64(raw[s + 2]) << 8) | raw[s + 3]
            begin[i] = s + min(length, 6)
        else:
            begin[i] = s
            if blank:
                flags[i] = BLANK
            else:
                flags[i] = TEXT | (INDENTED if b0 == 32 or b0 == 9 else 0)
    return end, code, begin, flags


@jit
def trimmed(raw: np.ndarray, words: np.ndarray, begin: np.ndarray, end: np.ndarray, rows: np.ndarray,
            space: np.ndarray, check: bool):
    """The content of lines ``rows`` without the white space at either end (ASCII only: a line with
    another byte at an end after that is marked ``unsure``), and whether all are valid UTF-8
    (looked at only if ``check``; ``words``: ``raw`` as in :func:`line_ends`)."""
    m = rows.size
    b = np.empty(m, dtype=np.int64)
    e = np.empty(m, dtype=np.int64)
    unsure = np.zeros(m, dtype=np.bool_)
    valid = True
    for k in range(m):
        i = rows[k]
        s, t = begin[i], end[i]
        if check and valid and not _ascii(words, s, t):
            valid = _valid(raw, s, t)
        while s < t and space[raw[s]]:
            s += 1
        while t > s and space[raw[t - 1]]:
            t -= 1
        b[k], e[k] = s, t
        unsure[k] = s < t and (raw[s] >= 128 or raw[t - 1] >= 128)
    return b, e, unsure, valid


@helper
def _ascii(words: np.ndarray, i: int, end: int) -> bool:
    """Whether the words that hold ``raw[i:end]`` are ASCII (a byte beyond may be in a neighbour)."""
    high = np.uint64(0x8080808080808080)
    last = min((end + 7) // 8, words.size)
    if end > 8 * words.size:  # the bytes after the last whole word: not looked at here
        return False
    for w in range(i // 8, last):
        if words[w] & high:
            return False
    return True


@helper
def _valid(raw: np.ndarray, i: int, end: int) -> bool:
    """Whether ``raw[i:end]`` is valid UTF-8."""
    while i < end:
        c = raw[i]
        if c < 0x80:
            i += 1
            continue
        if c < 0xC2 or c > 0xF4:
            return False
        more = 1 if c < 0xE0 else 2 if c < 0xF0 else 3
        if i + more >= end:
            return False
        low, high = 0x80, 0xBF
        if c == 0xE0:
            low = 0xA0
        elif c == 0xED:
            high = 0x9F
        elif c == 0xF0:
            low = 0x90
        elif c == 0xF4:
            high = 0x8F
        if not low <= raw[i + 1] <= high:
            return False
        for j in range(i + 2, i + more + 1):
            if not 0x80 <= raw[j] <= 0xBF:
                return False
        i += more + 1
    return True


@jit
def joined(raw: np.ndarray, b: np.ndarray, e: np.ndarray, bounds: np.ndarray, order: np.ndarray):
    """Offsets and bytes of the values made of pieces ``b[k]:e[k]``: value ``v`` joins the pieces
    ``bounds[f]`` to ``bounds[f + 1]`` with one space, ``f = order[v]``. (The pieces are read in
    file order, written where their value goes.)"""
    n = bounds.size - 1
    size = np.empty(n, dtype=np.int64)
    for f in range(n):
        total = bounds[f + 1] - bounds[f] - 1
        for k in range(bounds[f], bounds[f + 1]):
            total += e[k] - b[k]
        size[f] = total
    offsets = np.empty(n + 1, dtype=np.int64)
    at = np.empty(n, dtype=np.int64)
    offsets[0] = 0
    for v in range(n):
        at[order[v]] = offsets[v]
        offsets[v + 1] = offsets[v] + size[order[v]]
    out = np.empty(offsets[n], dtype=np.uint8)
    for f in range(n):
        p = at[f]
        for k in range(bounds[f], bounds[f + 1]):
            if k > bounds[f]:
                out[p] = 32
                p += 1
            length = e[k] - b[k]
            _copy(out, p, raw, b[k], length)  # type: ignore[call-arg]
            p += length
    return offsets, out


@jit
def fields(code: np.ndarray, record: np.ndarray, continues: np.ndarray):
    """The line of each field (a tag line in a record), the field of each line (the last one
    started, -1 before the first) and the lines that continue the field above them (a line
    ``continues`` of the same record)."""
    n = code.size
    count = 0
    for i in range(n):
        count += code[i] != 0 and record[i] >= 0
    at = np.empty(count, dtype=np.int64)
    field = np.empty(n, dtype=np.int64)
    attached = np.zeros(n, dtype=np.bool_)
    f = -1
    for i in range(n):
        if code[i] != 0 and record[i] >= 0:
            f += 1
            at[f] = i
        field[i] = f
        attached[i] = continues[i] and record[i] >= 0 and f >= 0 and record[at[f]] == record[i]
    return at, field, attached


@jit
def chosen(at: np.ndarray, field: np.ndarray, attached: np.ndarray, wanted: np.ndarray):
    """The lines of the ``wanted`` fields (their tag lines and the lines attached to them), in
    file order, and the field of each."""
    rows = np.empty(field.size, dtype=np.int64)
    k = 0
    for i in range(field.size):
        f = field[i]
        if f >= 0 and wanted[f] and (attached[i] or at[f] == i):
            rows[k] = i
            k += 1
    rows = rows[:k].copy()
    return rows, field[rows]


@jit
def records(code: np.ndarray, first: int, last: np.ndarray) -> np.ndarray:
    """The record of each line: records start at lines with the tag code ``first``, record ``r``
    runs to line ``last[r]``; -1 for lines outside every record."""
    record = np.empty(code.size, dtype=np.int64)
    r = -1
    for i in range(code.size):
        r += code[i] == first
        record[i] = r if r >= 0 and i <= last[r] else -1
    return record
