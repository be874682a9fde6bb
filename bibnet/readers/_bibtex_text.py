"""BibTeX values as plain text: white space, LaTeX, braces, author lists, ``#`` joins.

Used by :mod:`bibnet.readers.bibtex` on the values of the fields it reads. :func:`extract`
copies them out of the file in one compiled pass (numba) that also collapses white space, as
BibTeX reads it, and notes which values hold braces or LaTeX; pyarrow then removes the braces
of those, and the few with LaTeX in them (a backslash, ``$``, TeX quotes) go through
:func:`latex` one by one. Most values (all of a 2023+ Scopus export's) need nothing more.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bibnet._numba import helper, jit

#: What :func:`extract` notes about a value (bits).
BRACES, BACKSLASH, TEX = 1, 2, 4

_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304", ".": "\u0307",
            "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323",
            "b": "\u0331"}
_LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
            "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ"}
_GREEK = {name: chr(0x3B1 + k) for k, name in enumerate(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho varsigma sigma tau "
    "upsilon phi chi psi omega".split())} | {"varepsilon": "ε", "vartheta": "ϑ", "varphi": "φ"}
_GREEK |= {name.capitalize(): letter.upper() for name, letter in _GREEK.items() if not name.startswith("var")}
_BASE = r"(\\[ij](?![A-Za-z])|[A-Za-z])"


def _letters(names: set[str]) -> re.Pattern[str]:
    """The commands ``names`` (``\\ss``), with the blanks or ``{}`` that end them."""
    return re.compile(r"\\(" + "|".join(sorted(names, key=len, reverse=True)) + r")(?![A-Za-z])(?:\{\}|[ \t]+)?")


_LATEX = (  # (pattern, replacement), in order
    (re.compile(r"\\([&%#_])"), r"\1"),
    (re.compile(r"\\([{}$])"), lambda m: {"{": "\x01", "}": "\x02", "$": "\x03"}[m[1]]),  # literal, kept to the end
    (re.compile(r"\$([^$]*\\[^$]*)\$"), r"\1"),  # math with a command in it: the $ go
    (_letters(set(_LETTERS) - {"i", "j"}), lambda m: _LETTERS[m[1]]),  # before the accents: \L\'o
    (re.compile(r"\\(['`^\"~=.])\s*(?:\{\s*" + _BASE + r"\s*\}|" + _BASE + ")"),
     lambda m: (m[2] or m[3])[-1] + _ACCENTS[m[1]]),
    (re.compile(r"\\([uvHckrdb])(?:\s*\{\s*" + _BASE + r"\s*\}|\s+" + _BASE + ")"),
     lambda m: (m[2] or m[3])[-1] + _ACCENTS[m[1]]),
    (_letters({"i", "j"}), lambda m: _LETTERS[m[1]]),  # after them: \'{\i} is an accented i
    (re.compile(r"\\(" + "|".join(sorted(_GREEK, key=len, reverse=True)) + r")(?![A-Za-z])[ \t]*"),
     lambda m: _GREEK[m[1]]),
    (re.compile(r"\\[A-Za-z]+\s*(?=\{)"), ""),  # \textit{x}: the command goes, the text stays
    (re.compile(r"\\\\"), " "),
    (re.compile(r"``"), "\u201c"),
    (re.compile(r"''"), "\u201d"),
)
_SPACES = re.compile(r"\s+")


def extract(data: bytes, starts: np.ndarray, ends: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """The pieces ``[starts, ends)`` of ``data`` as strings, and what each may hold
    (:data:`BRACES`, :data:`BACKSLASH`, :data:`TEX` bits: ``$``, ``'`` or a backtick).

    In a piece that spans lines (or holds a tab), every run of white space becomes one space,
    as BibTeX reads it; blanks within one line are left as they are (the keyword cleaning
    collapses them).

    Raises
    ------
    ValueError
        If a piece is not valid UTF-8 (possible after a UTF-8 BOM, which the loader trusts).
    """
    starts, ends = starts.astype(np.int64), ends.astype(np.int64)
    # Made here, not in the kernel: numpy asks for huge pages, which halves the cost of first touching them.
    out = np.empty(max(1, int(np.sum(ends - starts))), np.uint8)
    offsets, flags, used = _extract(np.frombuffer(data, dtype=np.uint8), starts, ends, _CLASS, out)
    out = out[:used]
    pieces = pa.LargeBinaryArray.from_buffers(pa.large_binary(), starts.size, [None, pa.py_buffer(offsets),
                                                                               pa.py_buffer(out)])
    try:
        return pieces.cast(pa.large_string()), flags
    except pa.ArrowInvalid:
        raise ValueError("not UTF-8") from None


#: What each byte tells :func:`_extract` (bits): a line end or tab to collapse, a brace, a
#: backslash, ``$`` or a quote (TeX quotes are ``````/``''``; a lone ``'`` costs only a second look).
_BLANKS = 8
_CLASS = np.zeros(256, dtype=np.uint8)
_CLASS[[9, 10, 11, 12, 13]] = _BLANKS
_CLASS[[123, 125]] = BRACES
_CLASS[92] = BACKSLASH
_CLASS[[36, 39, 96]] = TEX


@helper
def _tex(raw, s, e):
    """Whether ``raw[s:e]`` holds a ``$`` or a TeX quote (``````, ``''``)."""
    for i in range(s, e):
        c = raw[i]
        if c == 36 or ((c == 39 or c == 96) and i + 1 < e and raw[i + 1] == c):
            return True
    return False


@helper
def _copy(raw, s, e, out, j, classes):
    """Copy ``raw[s:e]`` to ``out[j:]``; the :data:`_CLASS` bits of its bytes (one look-up, no branch)."""
    seen = 0
    for i in range(e - s):
        c = raw[s + i]
        out[j + i] = c
        seen |= classes[c]
    return seen


@helper
def _piece(raw, s, e, out, j, classes):
    """Copy ``raw[s:e]`` to ``out[j:]`` with each run of white space made one space; its flags
    (:data:`BRACES`, :data:`BACKSLASH`, :data:`TEX`) and the number of bytes written."""
    seen = _copy(raw, s, e, out, j, classes)
    if seen & TEX and not _tex(raw, s, e):  # an apostrophe, not a TeX quote
        seen ^= TEX
    flag = seen & (BRACES | BACKSLASH | TEX)
    if not seen & _BLANKS:  # nothing to collapse (most values)
        return flag, e - s
    j0 = j
    blank = False
    for i in range(s, e):
        c = raw[i]
        if c == 32 or (9 <= c <= 13):
            if not blank:
                out[j] = 32
                j += 1
            blank = True
        else:
            out[j] = c
            j += 1
            blank = False
    return flag, j - j0


@jit(nogil=True)
def _extract(raw, starts, ends, classes, out):  # the table as an argument: as a global it was 2x slower
    offsets = np.empty(starts.size + 1, np.int64)
    flags = np.zeros(starts.size, np.uint8)
    j = 0
    for k in range(starts.size):
        offsets[k] = j
        flag, used = _piece(raw, starts[k], ends[k], out, j, classes)
        flags[k] = flag
        j += used
    offsets[starts.size] = j
    return offsets, flags, j


def clean(values: pa.Array, flags: np.ndarray, *, authors: bool = False) -> pa.Array:
    """Values from :func:`extract` as text: LaTeX turned into characters, grouping braces
    removed, empty ones null; ``authors``: ``"A and B"`` -> ``"A; B"``.

    Only the values ``flags`` marks are looked at again; those with LaTeX in them (and, for
    authors, braces: ``{Barnes and Noble}`` is one name) go through :func:`latex`.
    """
    marked = flags != 0
    some = values.filter(pa.array(marked)) if marked.any() else None
    if authors:
        values = pc.replace_substring(values, " and ", "; ")  # the marked ones are replaced below
    if some is not None:
        for escaped in ("\\&", "\\_", "\\%"):  # Web of Science's escapes, common enough to do here
            some = pc.replace_substring(some, escaped, escaped[1])
        slow = pc.match_substring_regex(some, r"[\\$]|``|''" + ("|[{}]" if authors else ""))
        fast = pc.replace_substring_regex(some, r"[{}]", "")
        if authors:
            fast = pc.replace_substring(fast, " and ", "; ")
        if pc.any(slow).as_py():
            done = [latex(v, authors=authors) for v in some.filter(slow).to_pylist()]
            fast = pc.replace_with_mask(fast, slow, pa.array(done, fast.type))
        fast = pc.utf8_trim_whitespace(pc.replace_substring_regex(fast, r"\s\s+", " "))  # "{a} {} b"
        values = pc.replace_with_mask(values, pa.array(marked), fast)
    if authors and pc.any(pc.match_substring(values, "; others")).as_py():
        values = pc.replace_substring_regex(values, "; others$", "")
    return _null_if_empty(values)


def _null_if_empty(values: pa.Array) -> pa.Array:
    """``values`` with empty strings made null (no copy when there are none, the usual case)."""
    empty = pc.equal(pc.binary_length(values), 0)
    return pc.if_else(empty, pa.scalar(None, values.type), values) if pc.any(empty).as_py() else values


def latex(value: str, *, authors: bool = False) -> str:
    """One value with LaTeX as text (see :func:`clean`)."""
    if authors:
        names = [latex(name) for name in _split_names(value)]
        return "; ".join(name for name in names if name and name != "others")
    for pattern, replacement in _LATEX:
        value = pattern.sub(replacement, value)
    value = value.replace("{", "").replace("}", "").replace("\x01", "{").replace("\x02", "}").replace("\x03", "$")
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def _split_names(value: str) -> list[str]:
    """The names of an author list, split at ``and`` outside braces."""
    names, depth, start = [], 0, 0
    for m in re.finditer(r"\\[{}]|[{}]|\s+and\s+", value):
        token = m[0]
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0 and not token.startswith("\\"):
            names.append(value[start:m.start()])
            start = m.end()
    return [*names, value[start:]]


def joined(value: str) -> str:
    """A value made of parts joined by ``#`` (``"a" # {b} # 12``): the parts' text, one after
    the other; a macro name (``jan``; ``@string`` macros are not expanded) is kept as written."""
    parts = re.findall(r'\{((?:[^{}]|\{[^{}]*\})*)\}|"([^"]*)"|([^\s#"{}]+)', value)
    return "".join(braced or quoted or bare for braced, quoted, bare in parts)
