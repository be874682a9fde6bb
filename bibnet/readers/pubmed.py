"""PubMed MEDLINE files: "Save > PubMed format" (``.txt``) and "Send to citation manager" (``.nbib``).

::

    PMID- 30898391
    DP  - 2019 May
    TI  - Genome-wide association studies identify susceptibility loci for epithelial
          ovarian cancer in east Asian women.
    AU  - Lawrenson K
    MH  - Carcinoma, Ovarian Epithelial/*genetics
    OT  - *Enhancer

    PMID- 26524502
    ...

A record starts at its ``PMID-`` line; records are separated by a blank line (a file may start
with one). A tag is left-justified in four characters, then ``"- "``; a value goes on over
lines indented by six spaces, joined with one space. Lines end with CRLF or LF.

What becomes of each field:

=====  ============================================================================
UT     ``PMID:`` and the PMID
DI     the DOI of ``LID - 10.xxx [doi]``, else of ``AID - 10.xxx [doi]``
TI     ``TI`` (a book: ``BTI``)
AU     the ``AU`` lines, ``"Lawrenson K"`` written ``"Lawrenson, K"`` as Web of Science does
SO     ``JT`` (journal title), else ``TA`` (its abbreviation)
PY     the year that starts ``DP`` (``"2016 Jan 15"``: 2016)
DT     the ``PT`` lines (publication types)
DE     the ``OT`` lines ("other terms": the authors' keywords), without the ``*`` that marks
       major topics
ID     the ``MH`` lines: MeSH descriptors without the ``*`` major-topic marks and the
       ``/qualifier`` subheadings (``Carcinoma, Ovarian Epithelial/*genetics``: ``Carcinoma,
       Ovarian Epithelial``), each once per record
AB     ``AB``
=====  ============================================================================

Seen in real files: PubMed has no citation counts (there is no TC); records not yet indexed
(``STAT- In-Data-Review``, ``Publisher``) have no ``MH`` lines, so a file of recent records may
have no MeSH at all; ``OT`` values may carry the ``*`` too (``.nbib`` files); old files write
``PT`` in capitals (``JOURNAL ARTICLE``); initials may be accented (``Casado MÁ``) and followed by
a suffix (``Garrison LP Jr``, ``Shaffer AL 3rd``: ``Garrison, LP Jr``). Whether VOSviewer keeps
the MeSH qualifiers or the ``*`` marks apart in the same way has not been checked: bibnet counts
the descriptor alone, once per record, so ``Neoplasms/genetics`` and ``Neoplasms/*therapy`` are
one keyword, ``neoplasms``.

Damage: a block (after a blank line) that does not start with ``PMID-``, a record with a line
that is neither a field nor an indented continuation, and a record of a PMID line alone are
skipped and reported with their line. A file that does not end with a line end may be cut
short: it is read, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bibnet.errors import InputError
from bibnet.readers._tagged import Fields, Lines, Values, code, first_of, year
from bibnet.readers.text import ReadResult, Skip, Text

_START = re.compile(r"(?:[ \t]*\r?\n)*PMID- ")
_PMID = code("PMID")
#: The schema columns a PubMed file has (every record may lack some of them).
TAGS = ("UT", "DI", "TI", "AU", "SO", "PY", "DT", "DE", "ID", "AB")
#: MEDLINE tags read for each schema column.
_SOURCE_TAGS = {"UT": ("PMID",), "DI": ("LID", "AID"), "TI": ("TI", "BTI"), "AU": ("AU",), "SO": ("JT", "TA"),
                "PY": ("DP",), "DT": ("PT",), "DE": ("OT",), "ID": ("MH",), "AB": ("AB",)}
# "Surname Initials [suffix]": the last all-capital word (and a suffix after it) are the initials.
_AUTHOR = r"^(.+?) (\p{Lu}+(?: (?:Jr|Sr|2nd|3rd|4th|5th|II|III|IV|V))?)$"


class PubMed:
    """Reader of PubMed MEDLINE / .nbib files."""

    name = "pubmed"
    source = "PubMed"
    expected = "a PubMed MEDLINE file (records starting 'PMID- ')"

    def sniff(self, head: str) -> bool:
        """True if the first non-blank line starts with ``PMID- ``."""
        return _START.match(head) is not None

    def read(self, text: Text, *, columns: Sequence[str]) -> ReadResult:
        """Read the records of ``text``, keeping the schema columns in ``columns``."""
        lines = Lines(text, two_letter=False)
        pmid = lines.code == _PMID
        if not pmid.any():
            first = int(np.argmax(~lines.blank)) + 1 if lines.n else 1
            raise InputError(f"{text.path}: line {first}: no 'PMID- ' line (expected {self.expected})")
        # A record starts at a PMID line, or at any line after a blank one (a block whose PMID is lost).
        start = pmid | (~lines.blank & np.r_[True, lines.blank[:-1]])
        begins = np.flatnonzero(start)
        record = np.where(lines.blank, -1, np.cumsum(start) - 1)
        reasons = _damage(lines, record, begins, pmid)

        wanted = [tag for tag in TAGS if tag in columns]
        fields = Fields(lines, record, lines.indented, begins.size)
        values = fields.values([t for tag in wanted for t in _SOURCE_TAGS[tag]], text)
        table = pa.table({tag: _column(tag, values) for tag in wanted})

        for r in np.flatnonzero(fields.count(but=("PMID",)) == 0).tolist():
            reasons.setdefault(r, "empty record (a PMID line only)")
        skipped = tuple(Skip(text.path, int(begins[r]) + 1, why) for r, why in sorted(reasons.items()))
        keep = np.ones(begins.size, dtype=bool)
        keep[list(reasons)] = False
        if not keep.any():
            raise InputError(f"{text.path}: line {skipped[0].line}: {skipped[0].reason} (expected {self.expected})")
        warnings = []
        if not text.data.endswith(b"\n"):
            warnings.append(f"no line end after the last line (line {lines.n}): the file may be cut short")
        kept = np.flatnonzero(keep)
        return ReadResult(table=table if keep.all() else table.take(kept), lines=begins[kept] + 1, tags=TAGS,
                          skipped=skipped, warnings=tuple(warnings))


def _damage(lines: Lines, record: np.ndarray, begins: np.ndarray, pmid: np.ndarray) -> dict[int, str]:
    """Why records are malformed (record -> reason)."""
    reasons = {int(r): "no PMID line: the record does not start with 'PMID- ' (its first line lost?)"
               for r in np.flatnonzero(~pmid[begins])}
    stray = np.flatnonzero(lines.text & ~lines.indented)
    stray_record, at = np.unique(record[stray], return_index=True)
    for r, i in zip(stray_record.tolist(), stray[at].tolist(), strict=True):
        reasons.setdefault(r, f"line {i + 1} is neither a field ('TAG - value') nor an indented continuation line")
    return reasons


def _column(tag: str, values: Values) -> pa.Array:
    """Schema column ``tag``, from the MEDLINE fields of every record."""
    if tag == "UT":
        first = values.of("PMID").first()
        return pc.binary_join_element_wise(pa.scalar("PMID:"), first, "")
    if tag == "DI":
        return first_of(_doi(values.of("LID")), _doi(values.of("AID")))
    if tag == "TI":
        return first_of(values.of("TI").first(), values.of("BTI").first())
    if tag == "AU":
        authors = values.of("AU")
        return authors.with_text(pc.replace_substring_regex(authors.text, pattern=_AUTHOR, replacement=r"\1, \2")).joined()
    if tag == "SO":
        return first_of(values.of("JT").first(), values.of("TA").first())
    if tag == "PY":
        return year(values.of("DP"))
    if tag == "DT":
        return values.of("PT").joined()
    if tag == "DE":
        terms = values.of("OT")
        return terms.with_text(pc.replace_substring_regex(terms.text, pattern=r"^\*\s*", replacement="")).joined()
    if tag == "ID":
        mesh = values.of("MH")
        text = mesh.text
        marked = pc.match_substring_regex(text, r"[*/]")  # only headings with a mark or qualifier are rewritten
        clean = pc.replace_substring_regex(pc.replace_substring(text.filter(marked), "*", ""), pattern=r"\s*/.*$",
                                           replacement="")
        return mesh.with_text(pc.replace_with_mask(text, marked, pc.utf8_trim_whitespace(clean))).joined(unique=True)
    return values.of("AB").first()


def _doi(ids: Values) -> pa.Array:
    """The first DOI among article identifiers (``"10.1016/j.gene.2015.10.064 [doi]"``) of each record."""
    doi = pc.ends_with(ids.text, " [doi]").to_numpy(zero_copy_only=False)
    dois = ids.where(doi)
    return dois.with_text(pc.utf8_rtrim_whitespace(pc.utf8_slice_codeunits(dois.text, 0, -6))).first()
