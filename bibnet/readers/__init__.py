"""Input formats: the one registry of readers, format detection from content, dispatch.

The record schema
-----------------
Every reader fills the same columns, named by the Web of Science field tags that bibnet (like
VOSviewer and bibliometrix) has always used; a reader maps its database's fields onto them.
All are text (``None`` where the record has no value); lists are joined with ``"; "``.

====  =======================================  ==============================================
tag   meaning                                  e.g. (Scopus CSV column / PubMed tag / ...)
====  =======================================  ==============================================
UT    the record's identifier in its database  WoS ``WOS:000...``; Scopus ``EID`` (2-s2.0-...);
                                               Lens ID; ``PMID:123``; OpenAlex ``W123``;
                                               Dimensions ``pub.123``; RIS ``AN``
DI    DOI, as written (the dedup normalises)   ``DOI``; PubMed ``LID/AID [doi]``; RIS ``DO``
TI    title                                    ``Title``; ``TI``
AU    authors, ``"Surname, Initials"`` (or     ``Authors``; PubMed ``AU``; RIS ``AU`` lines;
      ``"Surname, Given"``)                    Lens and OpenAlex "Given Surname" turned round
SO    source (journal, book, proceedings)      ``Source title``; PubMed ``JT``; RIS ``T2``/``JO``
PY    publication year (four digits)           ``Year``; PubMed ``DP``; RIS ``PY``/``Y1``
TC    times cited, in that database            ``Cited by``; Lens ``Citing Works Count``
DT    document type, in the database's words   ``Document Type``; PubMed ``PT``; RIS ``TY``
PT    WoS publication type (J, B, S, C, P)     Web of Science only
DE    author keywords                          ``Author Keywords``; PubMed ``OT``; Lens ``Keywords``
ID    keywords the database assigned           WoS Keywords Plus; Scopus ``Index Keywords``;
                                               PubMed/Lens/Dimensions MeSH; OpenAlex keywords
AB    abstract                                 ``Abstract``; PubMed ``AB``; RIS ``AB``/``N2``
DA    export date (WoS), to keep the newest    Web of Science only
Z9    times cited, all WoS databases           Web of Science only
====  =======================================  ==============================================

Keyword lists are joined with ``"; "``; a keyword that itself holds ``";"`` (JSON sources) has it
replaced by ``","``. Keywords are not cleaned here (case, spaces): :mod:`bibnet.keywords` does it,
the same for every source. The database a file comes from (its :class:`~bibnet.sources.Source`)
is the reader's ``source``, or :attr:`ReadResult.source` where the content tells it.

Readers
-------
A reader is an object with

- ``name``: short format name shown in load reports (``"wos-tab"``, ``"scopus-csv"``);
- ``source``: the database that writes the format, a key of :data:`bibnet.sources.SOURCES`;
- ``expected``: what a file of this format looks like, for error messages;
- ``sniff(head: str) -> bool``: whether the start of a file (BOM removed, decoded) is
  in this format;
- ``read(text: Text, *, columns) -> ReadResult``: the records, one string column per
  requested tag the file has.

To add a format, write one module with such a class and add one line to :data:`READERS`.
The first reader whose ``sniff`` says yes reads the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from bibnet.errors import InputError
from bibnet.readers.bibtex import Bibtex
from bibnet.readers.dimensions_csv import DimensionsCsv
from bibnet.readers.lens_csv import LensCsv
from bibnet.readers.openalex_csv import OpenAlexCsv
from bibnet.readers.openalex_json import OpenAlexJson
from bibnet.readers.pubmed import PubMed
from bibnet.readers.ris import Ris
from bibnet.readers.scopus_csv import ScopusCsv
from bibnet.readers.text import ReadResult, Skip, Text, decode, load, peek
from bibnet.readers.wos_plain import WosPlain
from bibnet.readers.wos_tab import WosTab


class Reader(Protocol):
    """What a format reader provides (see the module docstring)."""

    name: str
    source: str
    expected: str

    def sniff(self, head: str) -> bool: ...

    def read(self, text: Text, *, columns: Sequence[str]) -> ReadResult: ...


_TAG = re.compile(r"[A-Z][A-Z0-9]")  # a Web of Science field tag

#: What an input may be, for messages.
EXPECTED = ("an export of Web of Science (tab-delimited, plain text, BibTeX, RIS), Scopus (CSV, RIS, BibTeX), "
            "Lens (CSV, RIS), PubMed (MEDLINE/.nbib), Dimensions (CSV) or OpenAlex (JSON, JSON Lines, CSV)")

#: Every input format bibnet reads, in the order they are tried.
READERS: tuple[Reader, ...] = (
    WosTab(),
    WosPlain(),
    ScopusCsv(),
    LensCsv(),
    DimensionsCsv(),
    OpenAlexCsv(),
    PubMed(),
    Ris(),
    Bibtex(),
    OpenAlexJson(),
)


def detect(text: Text) -> Reader:
    """The reader for ``text``, recognised from its content.

    Raises
    ------
    InputError
        If no reader recognises the file; the message says what was found and what
        was expected.
    """
    head = text.head()
    for reader in READERS:
        if reader.sniff(head):
            return reader
    raise InputError(f"{text.path}: {_what_it_looks_like(head)}; expected {EXPECTED}")


def looks_like_export(head: str) -> bool:
    """Whether the start of a file, however damaged (:func:`~bibnet.readers.text.peek`), is that
    of an export: a reader recognises it, or its first line is a ``FN``/``PT`` start or a row of
    field tags (double quotes removed, as Excel leaves them).

    A file in a directory that cannot be read is left out only when this says no (a README,
    a picture, a VOSviewer map); an export that cannot be read is an error, not a file to pass over.
    """
    head = head.lstrip("\ufeff")
    if any(reader.sniff(head) for reader in READERS):
        return True
    first = head.split("\n", 1)[0].rstrip("\r")
    cells = [cell.strip().strip('"') for cell in first.split("\t")]
    tags = sum(1 for cell in cells if _TAG.fullmatch(cell))
    return first.lstrip('"').startswith(("FN ", "PT ")) or cells[0] == "PT" or (len(cells) >= 3 and 2 * tags >= len(cells))


def read_file(path: str, *, columns: Sequence[str]) -> tuple[Reader, Text, ReadResult]:
    """Load, recognise and read one file.

    Returns
    -------
    reader, text, result
        The reader used, the decoded text (its ``encoding`` and ``newline`` are reported)
        and the records.
    """
    text = load(path)
    reader = detect(text)
    return reader, text, reader.read(text, columns=columns)


def _what_it_looks_like(head: str) -> str:
    """A short description of an unrecognised file, for the error message."""
    first = head.split("\n", 1)[0].rstrip("\r")
    if head[:1000].count("\ufffd") > 20:
        return "not text in UTF-8 or UTF-16 (binary, or another encoding)"
    if first.startswith(('"PT"', '"FN ')):
        return "every field is in double quotes (re-saved by Excel?), not an export as Web of Science writes it"
    return f"not an export bibnet reads (first line {first[:40]!r})"


__all__ = [
    "READERS", "Reader", "ReadResult", "Skip", "Text", "decode", "detect", "load", "looks_like_export", "peek", "read_file",
]
