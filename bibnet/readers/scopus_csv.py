"""Scopus CSV exports.

Comma-separated, fields double-quoted where needed (every field in exports since ~2022, the
header too; in older ones the header and some columns are not quoted), UTF-8 with a BOM, LF
line ends, line breaks inside quoted fields. The column set depends on the export options: 19
columns for "citation information only" (no ``Author Keywords``, ``Index Keywords`` or
``Abstract``: such a file has no DE and ID), up to 54 with ``Funding Text 1`` ...
``Funding Text 10``; ``EID`` may be left out. Columns are found by name.

===================  ====  ===================================================================
column               tag   note
===================  ====  ===================================================================
EID                  UT    ``2-s2.0-...``
DOI                  DI
Title                TI
Authors              AU    ``"Surname, I."`` joined with ``"; "`` (see below)
Source title         SO
Year                 PY
Cited by             TC
Document Type        DT
Author Keywords      DE    ``"; "``-separated, as typed by the authors
Index Keywords       ID    ``"; "``-separated, Scopus' controlled and uncontrolled terms
Abstract             AB    ``[No abstract available]`` is no abstract
===================  ====  ===================================================================

Authors come in three spellings: ``Liu F.; Li C.`` (2023 on), ``Phillips J.C., Braun R.``
(older) and ``Fecil'ak, P., Pekár, A.`` (some 2020 exports); all become ``Liu, F.; Li, C.``.
A name is rewritten only where it is a surname then initials ending with a dot; others
(``Anon``, ``Prayitno``) stay as written. A ``,``-separated list with such a name cannot be
split reliably and is kept as written, as is a ``;``-list holding a comma (``Olsen, David
L.; ...``). ``[No author name available]`` is no author.

Damage seen in real files, and handled:

- rows with more fields than the header names: some 2022 exports add an unnamed field after
  ``Funding Text 1`` (a second funding text) to most rows. Such rows are read with the extra
  fields placed there, kept only if their ``EID``, ``Year`` and ``Cited by`` then look right,
  and a warning says so; other rows with a wrong field count are skipped with their line.
- an export opened and saved again by Excel with ``;`` as list separator (header
  ``Authors,...,EID;;;;``, each line one quoted ``;``-field): the Excel layer is taken off
  (:mod:`bibnet.readers._excel_csv`), with a warning.

VOSviewer reads the same two keyword columns (Author Keywords, Index Keywords). How it reads
the shifted or Excel-saved files is not known here; bibnet never reads their columns shifted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

import pyarrow as pa
import pyarrow.compute as pc

from bibnet.readers import _excel_csv
from bibnet.readers._csv import Shift, header_cells, null_if, read_csv
from bibnet.readers.text import ReadResult, Skip, Text

_NAMES = {
    "UT": ("EID",), "DI": ("DOI",), "TI": ("Title",), "AU": ("Authors",), "SO": ("Source title",),
    "PY": ("Year",), "TC": ("Cited by",), "DT": ("Document Type",), "DE": ("Author Keywords",),
    "ID": ("Index Keywords",), "AB": ("Abstract",),
}
_FUNDING = re.compile(r"funding texts?( \d+)?", re.IGNORECASE)
#: Values that can be checked, by column name: for realigned rows and Excel-saved lines.
_LOOKS = {"EID": r"2-s2\.0-\d+", "Year": r"\d{4}", "Cited by": r"\d*", "Author(s) ID": r"[\d; ]*|\[No author id available\]",
          "DOI": r"(10\..*)?", "Link": r"(https?://.*)?"}
_TAG_LOOKS = {"UT": _LOOKS["EID"], "PY": _LOOKS["Year"], "TC": _LOOKS["Cited by"]}
# A name as Scopus writes it: a surname (no comma or semicolon), then initials ending with a dot.
_INITIALS = r"\p{Lu}[^\s,;]*\."
_NAME = r"[^,;]+?"
_SPACED = rf"{_NAME} {_INITIALS}"  # "Liu F."
_COMMA = rf"{_NAME}, {_INITIALS}"  # "Fecil'ak, P."


class ScopusCsv:
    """Reader of Scopus CSV exports."""

    name = "scopus-csv"
    source = "Scopus"
    expected = "a Scopus CSV export (header with 'Authors', 'Title', 'Year', ... 'EID')"

    def sniff(self, head: str) -> bool:
        """True if the first line names Scopus columns: ``Title`` and ``Year``, and ``EID`` or a
        first column ``Authors`` / ``Author full names`` (also as re-saved by Excel)."""
        first = head.split("\n", 1)[0].rstrip("\r")
        if _excel_csv.is_excel_layer(first):
            first = _excel_csv.excel_fields(first)[0]
        cells = header_cells(first)
        return ("Title" in cells and "Year" in cells
                and ("EID" in cells or cells[0] in ("Authors", "Author full names")))

    def read(self, text: Text, *, columns: Sequence[str]) -> ReadResult:
        """Read the records of ``text``, keeping the schema columns in ``columns`` that the file has."""
        text = replace(text, expected=self.expected)
        skipped: list[Skip] = []
        warnings: list[str] = []
        if _excel_csv.is_excel_layer(text.head(4096).split("\n", 1)[0].rstrip("\r")):
            text, skipped, restored = _excel_csv.unwrap(text, _plausible)
            if restored or skipped:
                warnings.append(f"re-saved by Excel with ';' separators (each line one quoted field): "
                                f"the Excel layer was taken off, {restored} record(s) restored; "
                                "re-export from Scopus to be sure")
        result = read_csv(text, columns=columns, names=_NAMES, expected=self.expected, realign=_realign, check=_check)
        table = result.table
        if "AU" in table.column_names:
            table = table.set_column(table.column_names.index("AU"), "AU", authors(table["AU"]))
        if "AB" in table.column_names:
            table = table.set_column(table.column_names.index("AB"), "AB", null_if(table["AB"], ["[No abstract available]"]))
        skips = tuple(sorted([*skipped, *result.skipped], key=lambda s: s.line))
        return replace(result, table=table, skipped=skips, warnings=(*warnings, *result.warnings))


def authors(col: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Scopus author lists as ``"Surname, I.; Surname, I."`` (see the module docstring)."""
    # One chunk: the regular expressions (Unicode classes) are compiled per chunk, which cost
    # more than matching them on 100 MB of exports.
    col = null_if(col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col, ["[No author name available]"])
    listed = pc.fill_null(pc.match_substring(col, ";"), False)
    comma = pc.and_(pc.invert(listed), pc.fill_null(pc.match_substring_regex(col, rf"^{_COMMA}(, {_COMMA})*$"), False))
    spaced = pc.and_(pc.invert(listed), pc.fill_null(pc.match_substring_regex(col, rf"^{_SPACED}(, {_SPACED})*$"), False))
    # "Fecil'ak, P., Pekár, A." -> "Fecil'ak, P.; Pekár, A."
    col = pc.if_else(comma, pc.replace_substring_regex(col, rf"(, {_INITIALS}), ", r"\1; "), col)
    # "Phillips J.C., Braun R." -> "Phillips J.C.; Braun R.", then each "Liu F." -> "Liu, F."; a list
    # with a comma left ("Olsen, David L.; ...") is kept as written.
    col = pc.if_else(spaced, pc.replace_substring(col, ", ", "; "), col)
    names = pc.split_pattern(col, "; ")
    flat = pc.list_flatten(names)
    # Split at the last space rather than rewrite with a capturing regular expression: 30x faster.
    fits = pc.fill_null(pc.match_substring_regex(flat, rf"^{_NAME} {_INITIALS}$"), False)
    parts = pc.split_pattern(pc.if_else(fits, flat, "? ?"), " ", max_splits=1, reverse=True)  # two parts each
    flat = pc.if_else(fits, pc.binary_join_element_wise(pc.list_element(parts, 0), pc.list_element(parts, 1), ", "), flat)
    joined = pc.binary_join(pa.ListArray.from_arrays(names.offsets, flat), "; ")
    return pc.if_else(pc.and_(pc.or_(listed, spaced), pc.invert(pc.fill_null(pc.match_substring(col, ","), True))),
                      joined, col)


def _realign(header: Sequence[str], width: int) -> Shift | None:
    """Rows with extra fields: the extra ones are unnamed funding texts after the last
    ``Funding Text`` column (seen in 2022 exports), if the header has one."""
    funding = [i for i, name in enumerate(header) if _FUNDING.fullmatch(name.strip())]
    if not funding:
        return None
    after, extra = funding[-1], width - len(header)
    positions = tuple(i if i <= after else i + extra for i in range(len(header)))
    return Shift(positions, f"the extra field(s) after '{header[after].strip()}'")


def _check(values: Mapping[str, str | None]) -> str | None:
    """Why a realigned row still looks shifted (its EID, year or citation count), or None."""
    for tag, pattern in _TAG_LOOKS.items():
        value = values.get(tag)
        if value is not None and not re.fullmatch(pattern, value.strip()):
            return f"{tag} would be {value[:30]!r}"
    return None


def _plausible(header: Sequence[str], fields: Sequence[str]) -> bool:
    """Whether a reading of an Excel-saved line has sensible values where they can be checked."""
    return all(re.fullmatch(_LOOKS[name], value) for name, value in zip(header, fields, strict=False) if name in _LOOKS)
