"""Input formats: the one registry of readers, format detection from content, dispatch.

A reader is an object with

- ``name``: short format name shown in load reports (``"wos-tab"``);
- ``source``: the database that writes the format, as the methods text names it;
- ``expected``: what a file of this format looks like, for error messages;
- ``sniff(head: str) -> bool``: whether the start of a file (BOM removed, decoded) is
  in this format;
- ``read(text: Text, *, columns) -> ReadResult``: the records, one string column per
  requested tag the file has.

To add a format (e.g. Scopus CSV), write one module with such a class and add one line to
:data:`READERS`. The first reader whose ``sniff`` says yes reads the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from bibnet.errors import InputError
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

#: Every input format bibnet reads, in the order they are tried.
READERS: tuple[Reader, ...] = (
    WosTab(),
    WosPlain(),
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
    expected = " or ".join(r.expected for r in READERS)
    raise InputError(f"{text.path}: {_what_it_looks_like(head)}; expected {expected}")


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


def source_of(formats: Sequence[str]) -> str:
    """The databases behind files of the given formats (reader names), for the methods text."""
    by_name = {reader.name: reader.source for reader in READERS}
    return " and ".join(dict.fromkeys(by_name[f] for f in formats if f in by_name))


def _what_it_looks_like(head: str) -> str:
    """A short description of an unrecognised file, for the error message."""
    first = head.split("\n", 1)[0].rstrip("\r")
    if head[:1000].count("\ufffd") > 20:
        return "not text in UTF-8 or UTF-16 (binary, or another encoding)"
    if first.startswith(('"PT"', '"FN ')):
        return "every field is in double quotes (re-saved by Excel?), not an export as Web of Science writes it"
    if "," in first and ("EID" in first or first.lstrip('"').startswith(("Authors", "Author full names"))):
        return "looks like a Scopus CSV export (not supported yet)"
    if first.startswith("@"):
        return "looks like BibTeX (not supported)"
    return f"not a Web of Science export (first line {first[:40]!r})"


__all__ = [
    "READERS", "Reader", "ReadResult", "Skip", "Text", "decode", "detect", "load", "looks_like_export", "peek", "read_file",
    "source_of",
]
