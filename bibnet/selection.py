"""Selection: which keywords are mapped, and their co-occurrence matrix.

The stage between keyword occurrences and the network. :class:`NetworkParams` declares how
(keyword field, thesaurus, threshold, top N, counting, largest component); :func:`occurrences`
extracts the keywords as the parameters ask, :func:`select` thresholds them, counts the
co-occurrences of the kept keywords only, and keeps the top N and the largest component.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from bibnet.cooccurrence import COUNTINGS, pair_counts, strengths
from bibnet.errors import InputError, OptionError
from bibnet.keywords import (
    FIELD_ALIASES,
    FIELD_NAMES,
    FIELD_TAGS,
    Field,
    KeywordCounts,
    KeywordOccurrences,
    LabelCase,
    extract,
    field_name,
)
from bibnet.normalize import NORMALIZATIONS
from bibnet.options import Params, option
from bibnet.sources import SOURCES

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.corpus import Corpus


@dataclass(frozen=True)
class NetworkParams(Params):
    """How the network is selected from the records. Defaults are VOSviewer's."""

    kind: ClassVar[str] = "network options"

    keywords: str = option("all", choices=FIELD_NAMES, aliases=FIELD_ALIASES, what="keyword field",
                           help="Author keywords (DE), keywords the database assigned (indexed: Keywords Plus, "
                                "Index Keywords, MeSH; 'plus' is the same), or both (all).")
    min_occurrences: int = option(5, min=1, what="minimum occurrences", help="Minimum number of records of a keyword.")
    top: int | None = option(None, min=1,
                             help="Keep the N keywords with the greatest total link strength (default: all).")
    counting: str = option("full", choices=COUNTINGS,
                           help="Full counting, or fractional: each pair of a record with n keywords gets 1/(n-1).")
    normalization: str = option("association", choices=NORMALIZATIONS,
                                help="Normalisation of link strengths used by clustering and layout.")
    thesaurus: str | None = option(None, path=True,
                                   help="VOSviewer thesaurus file (label / replace by), applied before counting.")
    label_case: LabelCase = option("lower", what="label case",
                                   help="Labels in lower case (VOSviewer) or the most frequent author spelling.")
    largest_component: bool = option(False, help="Map only the largest set of connected keywords "
                                                 "(VOSviewer asks this when the map is not connected).")
    clean: Literal["none", "auto"] = option("none", what="cleaning", help="auto: merge spelling variants with "
                                            "the suggested thesaurus (written next to the outputs).")


@dataclass(frozen=True)
class Cleaning:
    """What ``clean="auto"`` did: variants merged, and the counts before."""

    keywords_merged: int
    keywords_total_before: int
    keywords_meeting_threshold_before: int
    rule: str = "auto"

    def to_dict(self) -> dict[str, Any]:
        """JSON data for ``summary.json``'s ``cleaning``."""
        return {"rule": self.rule, "keywords_merged": self.keywords_merged,
                "keywords_total_before": self.keywords_total_before,
                "keywords_meeting_threshold_before": self.keywords_meeting_threshold_before}


@dataclass(frozen=True, eq=False)  # holds arrays
class Occurrences:
    """The keywords of a corpus as :class:`NetworkParams` ask, and how they were cleaned.

    ``suggestions`` and ``cleaning`` are set with ``clean="auto"``: the suggested thesaurus
    that was applied (:func:`bibnet.suggest.suggest_thesaurus`) and its effect.
    """

    keywords: KeywordOccurrences
    suggestions: pd.DataFrame | None = None
    cleaning: Cleaning | None = None


@dataclass(frozen=True, eq=False)  # holds arrays
class Selection:
    """The mapped keywords and their co-occurrences.

    Attributes
    ----------
    kept
        Positions (ascending) of the mapped keywords among all keywords of the field.
    incidence
        Records x mapped keywords binary matrix.
    cooccurrence
        Mapped x mapped raw link strengths (symmetric CSR, sorted indices, empty diagonal).
    meeting_threshold
        Number of keywords with at least ``min_occurrences`` occurrences.
    """

    kept: np.ndarray
    incidence: sp.csr_matrix
    cooccurrence: sp.csr_matrix
    meeting_threshold: int


def occurrences(source: Corpus | pd.DataFrame, *, params: NetworkParams) -> Occurrences:
    """Extract the keywords of ``params.keywords``, with the thesaurus and cleaning asked for."""
    thesaurus: dict[str, str] = {}
    if params.thesaurus:
        from bibnet.thesaurus import read_thesaurus

        thesaurus = read_thesaurus(params.thesaurus)
    # NetworkParams checked ``keywords`` against the keys of FIELD_NAMES, Field's values, when it was made.
    field = cast(Field, params.keywords)
    occ = extract(source, field, thesaurus=thesaurus, label_case=params.label_case)
    if params.clean == "none":
        return Occurrences(occ)

    from bibnet.suggest import suggest_for

    suggestions = suggest_for(occ)
    auto = dict(zip(suggestions["label"], suggestions["replace_by"], strict=True))
    # One pass over the raw keys: the user's thesaurus first, then the suggestions on its result.
    combined = {**auto, **{k: auto.get(v, v) for k, v in thesaurus.items()}}
    cleaned = extract(source, field, thesaurus=combined, label_case=params.label_case)
    cleaning = Cleaning(
        keywords_merged=int(len(suggestions)),
        keywords_total_before=int(len(occ.keys)),
        keywords_meeting_threshold_before=int((occ.occurrences >= params.min_occurrences).sum()),
    )
    return Occurrences(cleaned, suggestions=suggestions, cleaning=cleaning)


class NoKeywordsError(InputError):
    """The map would be empty: the field has no keyword, or none meets the threshold.

    The message names the field, says why and what to do; the parts are kept too.

    Attributes
    ----------
    field
        The keyword field (``"all"``, ``"author"``, ``"indexed"``).
    reason, hint
        Why there is no keyword to map, and what to do about it.
    sources
        The databases of the records, for the field's name.
    """

    def __init__(self, field: str, reason: str, hint: str, sources: tuple[str, ...] = ()) -> None:
        super().__init__(f"{field_name(field, sources)}: {reason}; {hint}")
        self.field, self.reason, self.hint = field, reason, hint


#: Of each field, the other field to map when it has no keyword.
_OTHER_FIELD = {"author": "indexed", "indexed": "author"}
#: How to export records with their keywords, per database.
_EXPORT_HINTS = {
    "Web of Science": "export the records from the Web of Science Core Collection with Record Content 'Full Record' "
                      "(it has DE and ID)",
    "Scopus": "export the records from Scopus with 'Author keywords' and 'Index keywords' ticked "
              "(under 'Abstract & keywords')",
}
_EXPORT_HINT = "export the records with their keywords"


def _sources(source: Corpus | pd.DataFrame) -> tuple[str, ...]:
    """The databases of the records of ``source``, in :data:`~bibnet.sources.SOURCES` order."""
    found = getattr(source, "sources", None)
    if found is None:
        records: pd.DataFrame = source
        found = set(records["DB"].dropna()) if "DB" in records.columns else ()
    return tuple(name for name in SOURCES if name in found)


def _export_hint(sources: tuple[str, ...]) -> str:
    return "; ".join(dict.fromkeys(_EXPORT_HINTS.get(s, _EXPORT_HINT) for s in sources)) or _EXPORT_HINT


def _what(field: str, sources: tuple[str, ...]) -> str:
    """The field in running text: ``"author keywords"``, ``"Keywords Plus"``, ``"keywords"`` (all)."""
    if field == "all":
        return "keywords"
    name = field_name(field, sources)
    return name.lower() if name in FIELD_NAMES.values() else name


def check_mappable(source: Corpus | pd.DataFrame, occ: KeywordOccurrences | KeywordCounts, *,
                   params: NetworkParams) -> None:
    """Raise :class:`NoKeywordsError` when no keyword of ``occ`` would be mapped.

    ``source`` (what ``occ`` was extracted from) tells why a field has no keyword at all.
    """
    sources = _sources(source)
    if len(occ.keys) == 0:
        raise NoKeywordsError(params.keywords, *_why_no_keywords(source, params), sources=sources)
    counts = occ.occurrences
    if int(counts.max()) >= params.min_occurrences:
        return
    top = occ.counts().iloc[0]  # ties: the first label
    n = int(top["occurrences"])
    raise NoKeywordsError(
        params.keywords,
        f"no keyword occurs at least {params.min_occurrences} times (the most frequent, {top['label']!r}, "
        f"occurs {'once' if n == 1 else f'{n} times'})",
        "lower --min-occurrences",
        sources=sources,
    )


def _why_no_keywords(source: Corpus | pd.DataFrame, params: NetworkParams) -> tuple[str, str]:
    """Why the field of ``params`` has no keyword in ``source``, and what to do (the hint)."""
    records: pd.DataFrame = getattr(source, "records", source)
    if len(records) == 0:
        return "there are no records", "check the exports and the load report (bibnet info)"
    tags = FIELD_TAGS[params.keywords]
    sources = _sources(source)
    what = _what(params.keywords, sources)
    lacking = _databases_without(params.keywords, sources)
    if lacking and len(lacking) == len(sources):
        return (f"the records have no {what} ({' and '.join(lacking)} exports have none)",
                f"map the {_what(_OTHER_FIELD[params.keywords], sources)} instead "
                f"(--keywords {_OTHER_FIELD[params.keywords]})")
    states = {tag: _tag_state(source, tag) for tag in tags}
    if "filled" in states.values():  # text, yet no keyword: separators or characters removed, or the thesaurus
        if params.thesaurus:
            return f"the thesaurus {params.thesaurus} drops every keyword", "check its 'replace by' column"
        holds = "holds" if len(tags) == 1 else "hold"
        return (f"the records have no {what} ({' and '.join(tags)} {holds} only separators or blanks)",
                _export_hint(sources))
    if set(states.values()) == {"absent"}:
        why = f"no {' or '.join(tags)} column"
    elif set(states.values()) == {"empty"}:
        why = f"{' and '.join(tags)} {'is' if len(tags) == 1 else 'are'} empty in every record"
    else:
        why = ", ".join(f"no {tag} column" if s == "absent" else f"{tag} is empty in every record" for tag, s in states.items())
    other = _OTHER_FIELD.get(params.keywords)
    if other is not None and _tag_state(source, FIELD_TAGS[other][0]) == "filled":
        hint = f"map the {_what(other, sources)} instead (--keywords {other})"
    else:
        hint = _export_hint(sources)
    return f"the records have no {what} ({why})", hint


def _databases_without(field: str, sources: tuple[str, ...]) -> list[str]:
    """The databases among ``sources`` that have no such keyword field at all (Dimensions: no author keywords)."""
    if field == "all":
        return [s for s in sources if SOURCES[s].author is None and SOURCES[s].indexed is None]
    return [s for s in sources if getattr(SOURCES[s], field) is None]


def _tag_state(source: Corpus | pd.DataFrame, tag: str) -> Literal["absent", "empty", "filled"]:
    """Whether the records have a keyword field: ``"absent"`` (no file has the column),
    ``"empty"`` (empty in every record) or ``"filled"``."""
    held = getattr(source, "keyword_fields", {})
    records: pd.DataFrame = getattr(source, "records", source)
    if tag in held:
        filled = bool(held[tag].lengths.any())
    elif tag in records.columns:
        filled = bool(records[tag].notna().any())
    else:
        return "absent"
    if filled:
        return "filled"
    # A read fills a column no file has with nulls; its report says so, file by file.
    files = getattr(getattr(source, "report", None), "files", ())
    if files and all(any(w.startswith(f"no {tag} column") for w in f.warnings) for f in files):
        return "absent"
    return "empty"


def select(occ: KeywordOccurrences, *, params: NetworkParams) -> Selection:
    """Threshold, count co-occurrences of the kept keywords only, keep the top N and the largest part."""
    kept = np.flatnonzero(occ.occurrences >= params.min_occurrences)
    meeting = len(kept)
    incidence = select_columns(occ.matrix, kept)
    counts = pair_counts(incidence, occ.keywords_per_record, counting=params.counting)
    cooc = strengths(counts, counting=params.counting, size=len(kept))
    if params.top is not None and params.top < len(kept):
        kept, incidence, cooc = _subset(top_by_link_strength(cooc, params.top), kept, incidence, cooc)
    if params.largest_component and len(kept):
        kept, incidence, cooc = _subset(largest_component(cooc), kept, incidence, cooc)
    return Selection(kept=kept, incidence=incidence, cooccurrence=cooc, meeting_threshold=meeting)


def _subset(
    sel: np.ndarray, kept: np.ndarray, incidence: sp.csr_matrix, cooc: sp.csr_matrix
) -> tuple[np.ndarray, sp.csr_matrix, sp.csr_matrix]:
    """Keep the keywords at positions ``sel`` (ascending) of the current selection."""
    return kept[sel], select_columns(incidence, sel), select_columns(cooc[sel], sel)


def select_columns(matrix: sp.spmatrix, columns: np.ndarray) -> sp.csr_matrix:
    """Columns ``columns`` (ascending, distinct) of a CSR matrix, as CSR with sorted indices.

    One pass over the entries through a column map, where ``tocsc()[:, columns]`` would copy
    the matrix twice: the cost grows with the entries only, not with the number of columns.
    """
    matrix = sp.csr_matrix(matrix)
    matrix.sort_indices()
    remap = np.full(matrix.shape[1], -1, dtype=np.int64)
    remap[columns] = np.arange(len(columns))
    new = remap[matrix.indices]
    keep = new >= 0
    indptr = np.concatenate([[0], np.cumsum(keep)])[matrix.indptr]
    return sp.csr_matrix((matrix.data[keep], new[keep].astype(np.int32), indptr), shape=(matrix.shape[0], len(columns)))


def top_by_link_strength(cooc: sp.csr_matrix, n: int) -> np.ndarray:
    """Indices of the ``n`` keywords with the greatest total link strength.

    Keywords are indexed in label order, so ties are broken by label (code-point order) and
    the cut is deterministic. The result is sorted ascending, i.e. it keeps label order.
    """
    if n < 0:
        raise OptionError(f"--top must be positive, got {n}")
    tls = np.asarray(cooc.sum(axis=1)).ravel()
    order = np.lexsort((np.arange(len(tls)), -tls))
    return np.sort(order[:n])


def largest_component(cooc: sp.csr_matrix) -> np.ndarray:
    """Indices (ascending) of the largest connected set of keywords; ties: the one found first."""
    _, component = connected_components(cooc, directed=False)
    return np.flatnonzero(component == np.argmax(np.bincount(component)))
