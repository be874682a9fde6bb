"""The bibliographic databases bibnet reads, declared once: their names and keyword fields.

Every reader names the database a file comes from (:attr:`bibnet.readers.ReadResult.source`,
a key of :data:`SOURCES`); tables, figure titles, the methods text, the report and the error
messages take the database's own names for its keyword fields from here. ``None`` means the
database has no such field (Dimensions and OpenAlex have no author keywords; RIS files and
PubMed files keep no database-assigned keywords beside MeSH). "RIS" and "BibTeX" stand for files of
those formats whose database the content does not tell (from a reference manager).

No dependencies: imported by readers and by outputs alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """A bibliographic database, as bibnet names it and its fields.

    Attributes
    ----------
    name
        The database as the methods text names it (``"Scopus"``).
    author
        Its name for the keywords the authors chose (schema column ``DE``), as running text
        writes it (lower case but for proper names), or None.
    indexed
        Its name for the keywords the database assigned (schema column ``ID``), or None.
    """

    name: str
    author: str | None
    indexed: str | None


#: Every database bibnet reads, in the default order of preference when copies of one record
#: from several databases merge (``--prefer``): the first named is kept.
SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("Web of Science", author="author keywords", indexed="Keywords Plus"),
        Source("Scopus", author="author keywords", indexed="Index Keywords"),
        Source("Lens", author="keywords", indexed="MeSH terms"),
        Source("PubMed", author="author keywords (OT)", indexed="MeSH terms"),
        Source("Dimensions", author=None, indexed="MeSH terms"),
        Source("OpenAlex", author=None, indexed="OpenAlex keywords"),
        Source("RIS", author="keywords (KW)", indexed=None),
        Source("BibTeX", author="keywords", indexed=None),
    )
}


def field_names(sources: Iterable[str], field: str) -> str:
    """The names the given databases use for a keyword field (``"author"`` or ``"indexed"``),
    joined: ``"Keywords Plus"``, ``"Keywords Plus / Index Keywords"``; ``""`` if none has it."""
    names = (getattr(SOURCES[s], field) for s in sources if s in SOURCES)
    return " / ".join(dict.fromkeys(n for n in names if n))


def in_order(counts: Mapping[str, int]) -> dict[str, int]:
    """Record counts per database in the order of :data:`SOURCES` (databases with none left out)."""
    return {name: int(counts[name]) for name in SOURCES if counts.get(name)}
