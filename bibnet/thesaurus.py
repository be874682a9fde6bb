"""VOSviewer thesaurus files: ``label`` -> ``replace by``, applied once before counting.

Both columns are cleaned like keywords (trimmed, white space collapsed, lower-cased), so the
match is case-insensitive, as in VOSviewer. An empty ``replace by`` drops the keyword.
Replacements are not chained (A -> B, B -> C sends A to B), like VOSviewer's single pass.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa

from bibnet.errors import InputError
from bibnet.keywords import clean
from bibnet.readers.text import load


def read_thesaurus(path: str | Path) -> dict[str, str]:
    """Read a VOSviewer thesaurus file into a cleaned ``label -> replacement`` mapping.

    Tab, comma or semicolon separated (sniffed from the header), UTF-8 (optional BOM) or
    UTF-16 with BOM, any line ending (VOSviewer's own files may use a lone CR), double-quoted
    fields.

    Raises
    ------
    InputError
        If the file cannot be read, is not UTF-8/UTF-16 text, lacks the header or has a line
        of more than 2 fields.
    """
    # an empty file is refused below, by its missing header
    lines = load(path, expected="a VOSviewer thesaurus file", allow_empty=True).text().split("\n")
    header = lines[0] if lines else ""
    delimiter = next((d for d in "\t;," if d in header), None)
    if delimiter is None or [h.strip().lower() for h in header.split(delimiter)][:2] != ["label", "replace by"]:
        raise InputError(f"{path} line 1: expected the header 'label<TAB>replace by' of a VOSviewer thesaurus file")
    labels, replacements = [], []
    for lineno, row in enumerate(csv.reader(io.StringIO("\n".join(lines[1:])), delimiter=delimiter), start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) > 2 and any(cell.strip() for cell in row[2:]):
            raise InputError(f"{path} line {lineno}: expected 2 fields (label, replace by), found {len(row)}")
        labels.append(row[0])
        replacements.append(row[1] if len(row) > 1 else "")
    keys = clean(pa.array(labels, pa.large_string())).to_pylist()
    values = clean(pa.array(replacements, pa.large_string())).to_pylist()
    return dict(zip(keys, values, strict=True))
