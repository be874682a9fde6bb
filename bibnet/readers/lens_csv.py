"""Lens.org scholarly CSV exports.

Comma-separated with a header line starting ``Lens ID``; fields quoted where needed (every
field in some exports), UTF-8 with a BOM, LF or CRLF line ends. 29 columns in older exports,
32 with the open-access columns; columns are found by name.

=====================  ====  ================================================================
column                 tag   note
=====================  ====  ================================================================
Lens ID                UT    ``000-360-106-493-122``
DOI                    DI
Title                  TI
Author/s               AU    ``"; "``-separated full names (``Petar Radanliev``), made
                             ``Radanliev, Petar`` as in the schema (``_names.py``)
Source Title           SO
Publication Year       PY
Citing Works Count     TC
Publication Type       DT    ``journal article``, ``book chapter``, ...
Keywords               DE    ``"; "``-separated author keywords (often sparse)
MeSH Terms             ID    ``"; "``-separated, for PubMed-indexed records only
Abstract               AB
=====================  ====  ================================================================

``Fields of Study`` (subject terms Lens assigns to most records, from Microsoft Academic's
fields of study) is not read: it is neither the authors' keywords nor an index of the
record's content like MeSH. VOSviewer does not read Lens files at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bibnet.readers._csv import header_cells, read_csv
from bibnet.readers._names import surnames_first
from bibnet.readers.text import ReadResult, Text

_NAMES = {
    "UT": ("Lens ID",), "DI": ("DOI",), "TI": ("Title",), "AU": ("Author/s",), "SO": ("Source Title",),
    "PY": ("Publication Year",), "TC": ("Citing Works Count",), "DT": ("Publication Type",), "DE": ("Keywords",),
    "ID": ("MeSH Terms",), "AB": ("Abstract",),
}


class LensCsv:
    """Reader of Lens.org scholarly CSV exports."""

    name = "lens-csv"
    source = "Lens"
    expected = "a Lens.org CSV export (header starting 'Lens ID')"

    def sniff(self, head: str) -> bool:
        """True if the first column of the header line is ``Lens ID``."""
        cells = header_cells(head)
        return bool(cells) and cells[0] == "Lens ID"

    def read(self, text: Text, *, columns: Sequence[str]) -> ReadResult:
        """Read the records of ``text``, keeping the schema columns in ``columns`` that the file has."""
        result = read_csv(text, columns=columns, names=_NAMES, expected=self.expected)
        table = result.table
        if "AU" in table.column_names:
            table = table.set_column(table.column_names.index("AU"), "AU", surnames_first(table["AU"]))
        return replace(result, table=table)
