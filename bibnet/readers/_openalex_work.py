"""One OpenAlex work (a parsed JSON object) as the values of bibnet's record schema.

Used by :mod:`bibnet.readers.openalex_json`; kept apart from the file format (pages, JSON
Lines, line numbers) because what a work holds is the same however it was saved.

Every getter takes the work (a dict) and returns a string or None (never ``""``); values of
an unexpected type count as absent, so a work edited by hand or saved by another tool is read
as far as it makes sense.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bibnet.readers._names import surname_first

Work = dict[str, Any]  # a parsed work object; its values are whatever JSON gave

_OPENALEX = "https://openalex.org/"
_DOI = re.compile(r"(?i)^(?:https?://(?:dx\.)?doi\.org/|doi:)")


def work_id(work: Work) -> str | None:
    """``id`` without its ``https://openalex.org/`` prefix (``"W2741809807"``)."""
    value = work.get("id")
    return (value.removeprefix(_OPENALEX) or None) if isinstance(value, str) else None


def doi(work: Work) -> str | None:
    """``doi`` without its ``https://doi.org/`` prefix (``"10.1000/xyz"``)."""
    value = work.get("doi")
    return (_DOI.sub("", value, count=1) or None) if isinstance(value, str) else None


def title(work: Work) -> str | None:
    """``display_name``, else ``title`` (OpenAlex gives both, the same)."""
    return _text(work.get("display_name")) or _text(work.get("title"))


def authors(work: Work) -> str | None:
    """The authors' ``display_name`` as ``"Surname, Given"``, joined with ``"; "``."""
    found = work.get("authorships")
    if not isinstance(found, list):
        return None
    names = []
    for authorship in found:
        if not isinstance(authorship, dict):
            continue
        author = authorship.get("author")
        name = author.get("display_name") if isinstance(author, dict) else None
        name = _text(name) or _text(authorship.get("raw_author_name"))
        if name:
            names.append(surname_first(name).replace(";", ","))
    return "; ".join(names) or None


def source(work: Work) -> str | None:
    """``primary_location.source.display_name``; else ``host_venue.display_name`` (before 2023)."""
    location = work.get("primary_location")
    found = location.get("source") if isinstance(location, dict) else None
    if not isinstance(found, dict):
        found = work.get("host_venue")
    return _text(found.get("display_name")) if isinstance(found, dict) else None


def year(work: Work) -> str | None:
    """``publication_year`` (four digits); else the year of ``publication_date``."""
    value = _number(work.get("publication_year"))
    if value is None:
        date = work.get("publication_date")
        value = date[:4] if isinstance(date, str) else None
    return value if value is not None and len(value) == 4 and value.isdigit() else None


def cited(work: Work) -> str | None:
    """``cited_by_count``."""
    return _number(work.get("cited_by_count"))


def doc_type(work: Work) -> str | None:
    """``type`` (``"article"``, ``"preprint"``, ``"book-chapter"``...)."""
    return _text(work.get("type"))


def keywords(work: Work) -> str | None:
    """``keywords``: each item's ``display_name`` (2025 on) or ``keyword`` (2024), ``"; "``-joined
    (a ``";"`` inside a keyword becomes ``","``)."""
    found = work.get("keywords")
    if not isinstance(found, list):
        return None
    words = []
    for item in found:
        word = (item.get("display_name") or item.get("keyword")) if isinstance(item, dict) else item
        if isinstance(word, str) and word and not word.isspace():
            words.append(word.replace(";", ","))
    return "; ".join(words) or None


def abstract(work: Work) -> str | None:
    """The abstract, rebuilt from ``abstract_inverted_index`` (word -> its positions in the text):
    the words in position order, one space apart. Line breaks and double spaces are not kept
    (the index does not hold them)."""
    index = work.get("abstract_inverted_index")
    if not isinstance(index, dict) or not index:
        return None
    at: dict[int, str] = {}
    try:
        for word, positions in index.items():
            if isinstance(positions, list):
                for position in positions:
                    at[position] = word
        return " ".join([at[p] for p in sorted(at)]) or None
    except TypeError:  # positions that are not numbers: no text can be rebuilt
        return None


#: The getter of each schema tag OpenAlex works fill, in schema order, and the keys of a work
#: that tell the tag is in the file (``select=`` in an API query leaves fields out).
FIELDS: dict[str, tuple[Callable[[Work], str | None], tuple[str, ...]]] = {
    "UT": (work_id, ("id",)),
    "DI": (doi, ("doi",)),
    "TI": (title, ("display_name", "title")),
    "AU": (authors, ("authorships",)),
    "SO": (source, ("primary_location", "host_venue")),
    "PY": (year, ("publication_year", "publication_date")),
    "TC": (cited, ("cited_by_count",)),
    "DT": (doc_type, ("type",)),
    "ID": (keywords, ("keywords",)),
    "AB": (abstract, ("abstract_inverted_index",)),
}


def _text(value: object) -> str | None:
    """A non-empty string, else None."""
    return value if isinstance(value, str) and value and not value.isspace() else None


def _number(value: object) -> str | None:
    """A whole number (or a string of digits) as text, else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip()
    return None
