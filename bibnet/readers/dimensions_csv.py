"""Dimensions CSV exports.

The first line is one quoted field about the export (``"About the data: Exported on
<date>. Criteria: ..."``); the header is the second line (``Rank``, ``Publication ID``,
``DOI``, ``PMID``, ...). Fields are double-quoted, rows end with CRLF, and abstracts hold
line breaks (CRLF or LF). Columns are found by name; a file whose first line was deleted,
starting with the header, is read too.

=================  ====  ====================================================================
column             tag   note
=================  ====  ====================================================================
Publication ID     UT    ``pub.1234567890``
DOI                DI
Title              TI
Authors            AU    ``"Surname, Given; Surname, Given"`` as Dimensions writes them
Source title       SO
PubYear            PY
Times cited        TC
Publication Type   DT    ``Article``, ``Chapter``, ``Proceeding``, ``Preprint``, ...
MeSH terms         ID    ``"; "``-separated, for PubMed-indexed records only
Abstract           AB
=================  ====  ====================================================================

Dimensions has no author keywords: a Dimensions file has no DE, and a map of author
keywords cannot be made from it. ``Fields of Research (ANZSRC 2020)`` (research-field codes
Dimensions assigns, ``"32 Biomedical and Clinical Sciences; 3202 Clinical Sciences"``) is
not read as keywords. VOSviewer reads Dimensions files for citation and co-authorship
analyses; its keyword maps of them use the text of titles and abstracts, which bibnet does not.
"""

from __future__ import annotations

from collections.abc import Sequence

from bibnet.readers._csv import header_cells, read_csv
from bibnet.readers.text import ReadResult, Text

_NAMES = {
    "UT": ("Publication ID",), "DI": ("DOI",), "TI": ("Title",), "AU": ("Authors",), "SO": ("Source title",),
    "PY": ("PubYear",), "TC": ("Times cited",), "DT": ("Publication Type",), "ID": ("MeSH terms",),
    "AB": ("Abstract",),
}
_ABOUT = "About the data"


class DimensionsCsv:
    """Reader of Dimensions CSV exports."""

    name = "dimensions-csv"
    source = "Dimensions"
    expected = "a Dimensions CSV export (first line 'About the data: ...', then 'Rank', 'Publication ID', ...)"

    def sniff(self, head: str) -> bool:
        """True if the first line starts with ``About the data`` (quoted or not), or the header
        line starts with ``Rank``, ``Publication ID``."""
        return head.lstrip('"').startswith(_ABOUT) or header_cells(head)[:2] == ["Rank", "Publication ID"]

    def read(self, text: Text, *, columns: Sequence[str]) -> ReadResult:
        """Read the records of ``text``, keeping the schema columns in ``columns`` that the file has."""
        preamble = int(text.head(256).lstrip('"').startswith(_ABOUT))
        return read_csv(text, columns=columns, names=_NAMES, expected=self.expected, preamble=preamble)
