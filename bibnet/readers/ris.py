"""RIS files, from any database (Scopus, Web of Science, Lens, reference managers).

::

    TY  - JOUR
    TI  - A new companion for Mercator
    AU  - Tobler, W.
    PY  - 2018
    KW  - Map projection
    KW  - equal area
    ER  -

A record starts at ``TY  - `` (its type) and ends at ``ER  -``; each field is a two-character
tag, two spaces, ``"- "`` and the value; a tag repeats for each author or keyword. Some
exports go on with a value on the following lines without a tag (Scopus: the references of
``N1``; Web of Science, Lens: an abstract), joined with one space. Blank lines between records
are optional (Lens writes none); Web of Science writes a BOM and ``ER  -`` without a space.

What becomes of each field (the first tag that a record has):

====  ========================================================================================
UT    ``AN`` (Web of Science ``WOS:...``), else the Scopus EID in ``UR`` (``eid=2-s2.0-...``),
      else a Lens ID in ``ID`` (``000-752-861-088-617``), else ``DOI:`` and the DOI
DI    ``DO``
TI    ``TI``, else ``T1``
AU    the ``AU`` lines, else the ``A1`` lines (``"Surname, Initials"`` as written)
SO    ``T2``, else ``JF`` (journal, full name), ``JO`` (abbreviated), ``J2``, ``T3``
PY    the four-digit year that starts ``PY``, else ``Y1``, else ``DA``
TC    ``N1  - Cited By :N`` (Scopus), else ``TC``
DT    ``TY``, the RIS reference type (``JOUR``, ``CHAP``, ``CONF``)
DE    the ``KW`` lines (see below)
ID    Web of Science only: the Keywords Plus at the end of ``KW`` (see below)
AB    ``AB``, else ``N2``
====  ========================================================================================

The database a file comes from is found in it: ``DB  - Scopus``; an ``AN`` starting ``WOS:``;
a Lens ID or a ``lens.org`` link; else it is just "RIS".

Keywords: RIS has one keyword list, ``KW``, one keyword per line; a line holding ``";"`` is read as
several keywords. Scopus puts the author keywords and then the index keywords in it, with
nothing to tell them apart: all are read as author keywords (DE), and the file gets a warning.
Web of Science puts the author keywords and then the Keywords Plus, which it writes in UPPER
CASE: the UPPER-CASE keywords at the end of the list are read as Keywords Plus (ID), the others
as author keywords. On the 1,894 records with keywords of the Web of Science tab-delimited
samples of bibnet's reference collection (where DE and ID are apart), rebuilding that list and
splitting it so gives back DE and ID exactly for 1,855 records (97.9%); no Keywords Plus is
taken for an author keyword, and 114 of 8,663 author keywords (1.3%) are taken for Keywords
Plus: acronyms at the end of the list ("AI", "LSTM") and old records whose author keywords
are all in capitals. The file gets a warning saying so.

Damage: a ``TY`` line inside a record (its ``ER`` line lost) starts a new record, noted; a record
without ``ER`` at the end of the file (cut short) and lines with tags outside any record (a
record whose ``TY`` line is lost) are skipped and reported; other lines outside records are
ignored with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bibnet.errors import InputError
from bibnet.readers._tagged import Fields, Lines, Values, code, first_of, matched, year
from bibnet.readers.text import ReadResult, Skip, Text
from bibnet.readers.wos_tab import at_lines

_START = re.compile(r"(?:[ \t]*\r?\n)*TY  - ")
_TY, _ER = code("TY"), code("ER")
#: Schema columns in schema order, with the RIS tags each is read from.
_SOURCE_TAGS = {"UT": ("AN", "UR", "ID", "DO"), "DI": ("DO",), "TI": ("TI", "T1"), "AU": ("AU", "A1"),
                "SO": ("T2", "JF", "JO", "J2", "T3"), "PY": ("PY", "Y1", "DA"), "TC": ("N1", "TC"), "DT": ("TY",),
                "DE": ("KW",), "ID": ("KW",), "AB": ("AB", "N2")}
#: Tags read whatever the columns: they tell the database and the record's identifier.
_ALWAYS = ("DB", "AN", "UR", "ID", "DO")
_LENS_ID = r"^(?P<v>\d{3}-\d{3}-\d{3}-\d{3}-\d{3})$"
SCOPUS_KEYWORDS = ("Scopus RIS mixes author and index keywords in KW; all are counted as author keywords — "
                   "export CSV to keep them apart")
WOS_KEYWORDS = ("Web of Science RIS lists author keywords and Keywords Plus in one KW list: the UPPER-CASE keywords "
                "at its end are read as Keywords Plus (ID), the others as author keywords (DE); an author keyword "
                "in capitals at the end (an acronym) is taken for Keywords Plus too — export tab-delimited or plain "
                "text to keep them apart exactly")


class Ris:
    """Reader of RIS files from any database."""

    name = "ris"
    source = "RIS"
    expected = "a RIS file (records starting 'TY  - ', ending 'ER  - ')"

    def sniff(self, head: str) -> bool:
        """True if the first non-blank line starts with ``TY  - ``."""
        return _START.match(head) is not None

    def read(self, text: Text, *, columns: Sequence[str]) -> ReadResult:
        """Read the records of ``text``, keeping the schema columns in ``columns`` that the file has."""
        lines = Lines(text, two_letter=True)
        starts = np.flatnonzero(lines.code == _TY)
        if starts.size == 0:
            first = int(np.argmax(~lines.blank)) + 1 if lines.n else 1
            raise InputError(f"{text.path}: line {first}: no 'TY  - ' line (expected {self.expected})")
        record, reasons, skipped, warnings = _records(text.path, lines, starts)
        fields = Fields(lines, record, lines.text, starts.size)
        wanted = [tag for tag in _SOURCE_TAGS if tag in columns]
        values = fields.values({t for tag in wanted for t in _SOURCE_TAGS[tag]} | set(_ALWAYS), text)
        present = fields.codes()
        source = _source(values)

        out = {tag: _column(tag, values) for tag in wanted if tag not in ("UT", "DE", "ID")}
        ut = _ut(values)
        if "UT" in wanted:
            out["UT"] = ut
        keywords = code("KW") in present
        if keywords and ("DE" in wanted or "ID" in wanted):
            out["DE"], out["ID"] = _keywords(values)
        if keywords and source == "Scopus":
            warnings.append(SCOPUS_KEYWORDS)
        elif keywords and source == "Web of Science":
            warnings.append(WOS_KEYWORDS)
        tags = _provided(present, ut, source)
        table = pa.table({tag: out[tag] for tag in wanted if tag in out and tag in tags})

        for r in np.flatnonzero(fields.count(but=("TY", "ER")) == 0).tolist():
            reasons.setdefault(r, "empty record (no field but TY)")
        skipped = sorted([*skipped, *(Skip(text.path, int(starts[r]) + 1, why) for r, why in reasons.items())],
                         key=lambda s: s.line)
        keep = np.ones(starts.size, dtype=bool)
        keep[list(reasons)] = False
        if not keep.any():
            raise InputError(f"{text.path}: line {skipped[0].line}: {skipped[0].reason} (expected {self.expected})")
        kept = np.flatnonzero(keep)
        return ReadResult(table=table if keep.all() else table.take(kept), lines=starts[kept] + 1, tags=tags,
                          skipped=tuple(skipped), warnings=tuple(warnings), source=source)


def _records(path: str, lines: Lines, starts: np.ndarray) -> tuple[np.ndarray, dict[int, str], list[Skip], list[str]]:
    """The record of each line (-1: outside every record), why records are malformed (record ->
    reason), the skipped groups of lines outside records that are records without their TY line,
    and warnings.

    A record runs from its TY line to the first ER line after it; if another TY comes first (the
    ER line lost), to the line before that TY.
    """
    ends = np.flatnonzero(lines.code == _ER)
    first_er = np.full(starts.size, lines.n)
    if ends.size:
        after = np.searchsorted(ends, starts)
        first_er = np.where(after < ends.size, ends[np.minimum(after, ends.size - 1)], lines.n)
    following = np.r_[starts[1:], lines.n]
    closed = first_er < following
    last = np.where(closed, first_er, following - 1)
    from bibnet.readers import _tagged_scan as scan  # it imports numba: only when a RIS file is read

    record = scan.records(lines.code, _TY, last)

    reasons: dict[int, str] = {}
    warnings = []
    unclosed = np.flatnonzero(~closed)
    if unclosed.size and unclosed[-1] == starts.size - 1:
        reasons[int(unclosed[-1])] = "truncated record: no ER line (file cut short?)"
        unclosed = unclosed[:-1]
    if unclosed.size:
        news = "a new record starts there" if unclosed.size == 1 else "a new record starts at each"
        warnings.append(f"{at_lines(starts[unclosed + 1] + 1)}: TY inside a record (its ER line missing?): {news}")

    # Lines outside records, in groups between record boundaries (a TY, an ER or a blank line
    # ends a group).
    outside = np.flatnonzero((record < 0) & ~lines.blank)
    skipped: list[Skip] = []
    if outside.size:
        bound = (lines.code == _TY) | (lines.code == _ER) | lines.blank
        group = (np.cumsum(bound) - bound)[outside]
        ignored = []
        for g in np.unique(group).tolist():
            mine = outside[group == g]
            tagged = mine[(lines.code[mine] != 0) & (lines.code[mine] != _ER)]
            if tagged.size:
                skipped.append(Skip(path, int(mine[0]) + 1, f"no TY line before the fields of lines {mine[0] + 1}-"
                                    f"{mine[-1] + 1}: a record without its start (TY line lost?)"))
            else:
                ignored.extend((mine + 1).tolist())
        if ignored:
            warnings.append(f"{len(ignored)} line(s) outside any record ignored ({at_lines(ignored)})")
    return record, reasons, skipped, warnings


def _source(values: Values) -> str:
    """The database the file comes from, as its fields tell."""
    def any_match(tag: str, pattern: str) -> bool:
        return bool(pc.any(pc.match_substring_regex(values.of(tag).text, pattern)).as_py())

    if any_match("DB", "(?i)scopus"):
        return "Scopus"
    if any_match("AN", "^WOS:"):
        return "Web of Science"
    if any_match("UR", r"(?i)\blens\.org/") or any_match("ID", _LENS_ID):
        return "Lens"
    return "RIS"


def _ut(values: Values) -> pa.Array:
    """The record's identifier: AN, else the Scopus EID of UR, else a Lens ID, else DOI:<DO>."""
    doi = values.of("DO").first()
    return first_of(
        values.of("AN").first(),
        matched(values.of("UR"), r"[?&]eid=(?P<v>2-s2\.0-\d+)").first(),
        matched(values.of("ID"), _LENS_ID).first(),
        pc.binary_join_element_wise(pa.scalar("DOI:"), doi, ""),
    )


def _column(tag: str, values: Values) -> pa.Array:
    """Schema column ``tag`` (not UT, DE, ID), from the fields of every record."""
    if tag == "PY":
        return first_of(*(year(values.of(t)) for t in _SOURCE_TAGS["PY"]))
    if tag == "AU":
        return first_of(values.of("AU").joined(), values.of("A1").joined())
    if tag == "TC":
        return first_of(matched(values.of("N1"), r"(?i)^cited by\s*:?\s*(?P<v>\d+)").first(),
                        matched(values.of("TC"), r"^(?P<v>\d+)").first())
    return first_of(*(values.of(t).first() for t in _SOURCE_TAGS[tag]))


def _keywords(values: Values) -> tuple[pa.Array, pa.Array]:
    """DE and ID: the KW lines; of Web of Science records, the trailing UPPER-CASE run is ID."""
    kw = values.of("KW")
    wos = pc.fill_null(pc.starts_with(values.of("AN").first(), "WOS:"), False).to_numpy(zero_copy_only=False)
    text = kw.text
    upper = pc.and_(pc.equal(pc.utf8_upper(text), text), pc.not_equal(pc.utf8_lower(text), text))
    upper = pc.fill_null(upper, False).to_numpy(zero_copy_only=False)
    # A keyword is Keywords Plus if it and every keyword after it in its record are upper case:
    # it comes after the record's last keyword that is not.
    position = np.arange(kw.record.size)
    if position.size:
        group = np.r_[True, kw.record[1:] != kw.record[:-1]]
        last_lower = np.maximum.reduceat(np.where(upper, -1, position), np.flatnonzero(group))[np.cumsum(group) - 1]
        plus = wos[kw.record] & (position > last_lower)
    else:
        plus = np.zeros(0, dtype=bool)
    return kw.where(~plus).joined(semicolons=";"), kw.where(plus).joined(semicolons=";")


def _provided(present: set[int], ut: pa.Array, source: str) -> tuple[str, ...]:
    """The schema columns the file has, in schema order: those whose tags occur in it.

    UT only if some record has an identifier; TC from ``TC`` lines or from a Scopus file's
    ``N1`` notes (which say "Cited By" where a record is cited); ID only in a Web of Science file
    (the Keywords Plus split from KW).
    """
    def has(*tags: str) -> bool:
        return any(code(t) in present for t in tags)

    provided = {
        "UT": ut.null_count < len(ut),
        "TC": has("TC") or (source == "Scopus" and has("N1")),
        "ID": source == "Web of Science" and has("KW"),
    }
    return tuple(tag for tag, sources in _SOURCE_TAGS.items() if provided.get(tag, has(*sources)))
