"""What round 3 of de-duplication (:mod:`bibnet.dedup`) matches records on besides the year: the
normalised title, and the first author's surname.

Both are computed for every record read (by the first pass too, file by file), so they are made
fast: the ASCII values, most of them, by ASCII patterns, the others character by character,
each character classed by RE2 once per process; the keys are those of the Unicode patterns
for every code point (tests/test_corpus.py).
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc


def normal_title(title: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Titles as round 3 compares them: lower case, runs of non-alphanumerics as one space, trimmed
    (null where nothing is left). Alphanumeric: a letter or number to Unicode (RE2's ``[\\p{L}\\p{N}]``)."""
    title = _by_script(title, lambda ascii_: pc.replace_substring_regex(pc.utf8_lower(ascii_), r"[^a-z0-9]+", " "),
                       lambda other: _keep(pc.utf8_lower(other), _LETTER_OR_NUMBER, " "))
    title = pc.utf8_trim_whitespace(title)
    return pc.if_else(pc.equal(title, ""), pa.scalar(None, title.type), title)


def first_author(authors: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The first author's surname of each record, for matching copies across databases: the text
    before the first comma of the first ``"; "``-separated author (else its first word), without
    accents or anything but letters, lower case; null where there is none."""
    if isinstance(authors, pa.ChunkedArray):
        authors = authors.combine_chunks()
    first = pc.utf8_trim_whitespace(pc.list_element(pc.split_pattern(pc.fill_null(authors, ""), ";"), 0))
    # struct_field, not StructArray.field: the latter ignores the struct's nulls (the names
    # without a comma) and gives "" there, so the fallback would never apply.
    surname = pc.struct_field(pc.extract_regex(first, r"^(?P<s>[^,]*),"), "s")
    surname = pc.if_else(pc.is_valid(surname), surname, pc.struct_field(pc.extract_regex(first, r"^(?P<s>\S*)"), "s"))
    # Decomposed (NFKD), an accent is a mark of its own, not a letter: "Núñez" -> "nunez".
    letters = _by_script(surname, lambda ascii_: pc.utf8_lower(pc.replace_substring_regex(ascii_, r"[^A-Za-z]+", "")),
                         lambda other: pc.utf8_lower(_keep(pc.utf8_normalize(other, form="NFKD"), _LETTER, "")))
    return pc.if_else(pc.equal(letters, ""), pa.scalar(None, letters.type), letters)


def _by_script(values: pa.Array | pa.ChunkedArray, ascii_only: Callable[[pa.Array], pa.Array],
               unicode: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``unicode(values)``, with ``ascii_only`` giving the same on the values that are ASCII (most
    titles and names), which a plain ASCII regular expression handles fast."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    ascii_ = pc.fill_null(pc.string_is_ascii(values), True)  # a null is null either way
    if pc.all(ascii_).as_py():
        return ascii_only(values)
    if not pc.any(ascii_).as_py():
        return unicode(values)
    other = pc.invert(ascii_)
    return pc.replace_with_mask(ascii_only(values), other, unicode(values.filter(other)))


#: RE2's classes of one character: the letters (``\\p{L}``), and the letters and numbers.
_LETTER, _LETTER_OR_NUMBER = r"^\p{L}$", r"^[\p{L}\p{N}]$"
#: Per class, the characters met so far and whether each is in it.
_CLASSES: dict[str, dict[str, bool]] = {}


def _keep(values: pa.Array, members: str, other: str) -> pa.Array:
    """``values`` with the characters outside the class ``members`` removed (``other``: ``""``), or
    each run of them made one space and the ends trimmed (``" "``).

    The same as an RE2 replacement with a Unicode class, without its cost: pyarrow compiles a
    pattern at every call, and a Unicode class takes RE2 about 4 ms to compile, more than the
    work on a file's few non-ASCII titles. Each character is classed by RE2 once per process.
    """
    texts = values.to_pylist()
    chars = set().union(*(t for t in texts if t is not None))
    known = _CLASSES.setdefault(members, {})
    new = sorted(chars - known.keys())
    if new:
        known.update(zip(new, pc.match_substring_regex(pa.array(new), members).to_pylist(), strict=True))
    table: dict[int, str | None] = {ord(c): other or None for c in chars if not known[c]}
    if not other:
        return pa.array([None if t is None else t.translate(table) for t in texts], values.type)
    # Outside characters became spaces, and no character of the class is white space: split and
    # join make each run one space, and trim the ends.
    return pa.array([None if t is None else " ".join(t.translate(table).split()) for t in texts], values.type)
