"""OpenAlex web CSV exports (the "Export" of a search on openalex.org).

Comma-separated, every field double-quoted, UTF-8 without a BOM. Column names are the dotted
paths of the OpenAlex work object (``authorships.author.display_name``); lists are joined
with ``|``. Columns are found by name.

======================================  ====  ================================================
column                                  tag   note
======================================  ====  ================================================
id                                      UT    ``https://openalex.org/W123`` -> ``W123``
doi                                     DI    ``https://doi.org/`` removed
display_name (or title)                 TI
authorships.author.display_name         AU    ``Massimo Aria|Corrado Cuccurullo`` -> ``Aria,
                                              Massimo; Cuccurullo, Corrado`` (``_names.py``)
primary_location.source.display_name    SO
publication_year                        PY
cited_by_count                          TC
type                                    DT    ``article``, ``book-chapter``, ...
keywords.display_name                   ID    ``|`` -> ``"; "`` (a ``;`` inside becomes ``,``)
abstract                                AB
======================================  ====  ================================================

OpenAlex has no author keywords: an OpenAlex file has no DE. Its keywords are assigned by
OpenAlex, so they are read as indexed keywords (ID), when the export has the column (older
web exports have only ``primary_topic.display_name``, which is not read: then there is no
ID either). VOSviewer reads OpenAlex through its API, not this CSV.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bibnet.readers._csv import header_cells, read_csv, relist, without_prefix
from bibnet.readers._names import surnames_first
from bibnet.readers.text import ReadResult, Text

_NAMES = {
    "UT": ("id",), "DI": ("doi",), "TI": ("display_name", "title"), "AU": ("authorships.author.display_name",),
    "SO": ("primary_location.source.display_name",), "PY": ("publication_year",), "TC": ("cited_by_count",),
    "DT": ("type",), "ID": ("keywords.display_name",), "AB": ("abstract",),
}
#: Schema tag -> what to take off the start of its values.
_PREFIXES = {"UT": "https://openalex.org/", "DI": "https://doi.org/"}


class OpenAlexCsv:
    """Reader of OpenAlex web CSV exports."""

    name = "openalex-csv"
    source = "OpenAlex"
    expected = "an OpenAlex CSV export (header with 'id', 'display_name', 'publication_year', ...)"

    def sniff(self, head: str) -> bool:
        """True if the header line has ``id``, ``publication_year`` and dotted OpenAlex names."""
        cells = header_cells(head)
        return "id" in cells and "publication_year" in cells and any(c.startswith("authorships.") for c in cells)

    def read(self, text: Text, *, columns: Sequence[str]) -> ReadResult:
        """Read the records of ``text``, keeping the schema columns in ``columns`` that the file has."""
        result = read_csv(text, columns=columns, names=_NAMES, expected=self.expected)
        table = result.table
        for i, tag in enumerate(table.column_names):
            col = table[tag]
            if tag in _PREFIXES:
                col = without_prefix(col, _PREFIXES[tag])
            elif tag == "AU":
                col = surnames_first(relist(col))
            elif tag == "ID":
                col = relist(col)
            table = table.set_column(i, tag, col)
        return replace(result, table=table)
