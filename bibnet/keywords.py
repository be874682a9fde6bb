"""Keywords per record: splitting, VOSviewer-style cleaning and the document x keyword matrix.

This is the second stage of the pipeline (records -> keyword occurrences). Everything is
vectorised with pyarrow compute kernels; no Python loop runs per record or per keyword
occurrence. Keyword ids are positions in the label-sorted vocabulary, so they are the same
in every process whatever ``PYTHONHASHSEED`` is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from bibnet.errors import OptionError
from bibnet.keyword_fields import SplitKeywords
from bibnet.sources import field_names

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.corpus import Corpus

Field = Literal["all", "author", "indexed"]
LabelCase = Literal["lower", "original"]

#: Schema columns read for each keyword field: ``author`` the keywords the authors chose,
#: ``indexed`` those the database assigned (Keywords Plus, Index Keywords, MeSH, ...), ``all`` both.
FIELD_TAGS: dict[str, tuple[str, ...]] = {"author": ("DE",), "indexed": ("ID",), "all": ("DE", "ID")}
#: Other names of the fields: ``plus`` is what Web of Science (and VOSviewer) call ``indexed``.
FIELD_ALIASES: dict[str, str] = {"plus": "indexed"}
#: Names of the fields when the databases are not known (see :func:`field_name`).
FIELD_NAMES: dict[str, str] = {"all": "All keywords", "author": "Author keywords", "indexed": "Indexed keywords"}


def field_name(field: str, sources: Iterable[str] = ()) -> str:
    """A keyword field as the databases of ``sources`` name it, capitalised for a heading.

    ``field_name("indexed", ["Web of Science"])`` is ``"Keywords Plus"``; with Scopus too,
    ``"Keywords Plus / Index Keywords"``; without known databases, :data:`FIELD_NAMES`.
    """
    field = FIELD_ALIASES.get(field, field)
    if field != "indexed":
        return FIELD_NAMES[field]
    own = field_names(sources, "indexed")
    return own[:1].upper() + own[1:] if own else FIELD_NAMES[field]
#: Removed from keywords (RE2 classes; see :func:`clean_counted`): an ANSI CSI sequence
#: (``ESC [ 3 1 m``), then single characters.
_ANSI = r"\x{1b}\[[0-?]*[ -/]*[@-~]"
_REMOVED = (r"[\x{0}-\x{8}\x{e}-\x{1f}\x{7f}-\x{84}\x{86}-\x{9f}\x{200b}-\x{200d}\x{2060}\x{202a}-\x{202e}"
            r"\x{2066}-\x{2069}\x{feff}\x{fffe}\x{ffff}]")
#: Control characters that break a line: a space.
_BREAKS = r"[\x{b}\x{c}\x{85}]"
_CONTROL = f"{_REMOVED}|{_BREAKS}"
_MESSY = rf"\s\s|[^\S ]|{_CONTROL}"
_FIXES = ((_ANSI, ""), (_REMOVED, ""), (_BREAKS, " "), (r"\s+", " "))


@dataclass(frozen=True)
class KeywordOccurrences:
    """Which record has which (cleaned) keyword, for one keyword field.

    Attributes
    ----------
    field
        ``"all"``, ``"author"`` or ``"indexed"``.
    keys
        Cleaned keywords (trimmed, white space collapsed, lower case), sorted; column ``j`` of
        :attr:`matrix` is ``keys[j]``.
    labels
        Display label of each keyword (``keys`` itself with ``label_case="lower"``).
    matrix
        Records x keywords incidence matrix (CSR, int8, 1 where the record has the keyword,
        each keyword once per record).
    author
        For ``field="all"``: the part of :attr:`matrix` where the keyword is among the
        record's author keywords (DE); ``None`` otherwise.
    control_characters_removed
        Number of keyword occurrences (pieces of the records' keyword fields, before the
        thesaurus) that held control, bidirectional-override or zero-width characters, which
        :func:`clean` removed.
    spellings
        With ``label_case="original"``: how often each author spelling of each keyword occurs,
        as ``(keyword positions, spellings, counts)`` (what the labels are chosen from, see
        :func:`best_spellings`); ``None`` otherwise.
    """

    field: str
    keys: np.ndarray
    labels: np.ndarray
    matrix: sp.csr_matrix
    author: sp.csr_matrix | None = None
    control_characters_removed: int = 0
    spellings: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def occurrences(self) -> np.ndarray:
        """Number of records of each keyword (VOSviewer's Occurrences)."""
        return np.asarray(self.matrix.sum(axis=0), dtype=np.int64).ravel()

    @property
    def keywords_per_record(self) -> np.ndarray:
        """Number of distinct cleaned keywords of each record (``n_d``)."""
        return np.diff(self.matrix.indptr)

    @property
    def records_with_keywords(self) -> int:
        """Number of records with at least one keyword of the field."""
        return int(np.count_nonzero(self.keywords_per_record))

    def counts(self) -> pd.DataFrame:
        """All keywords with their occurrences, most frequent first (ties by label)."""
        return _counts(self.labels, self.occurrences)


@dataclass(frozen=True, eq=False)  # holds arrays
class KeywordCounts:
    """The keywords of a field and their counts, without the records: what a network counted in
    passes over the files keeps (:mod:`bibnet.passes`), in place of :class:`KeywordOccurrences`.

    ``field``, ``keys``, ``labels``, ``occurrences``, ``records_with_keywords``,
    ``control_characters_removed`` and :meth:`counts` are those of :class:`KeywordOccurrences`;
    ``author_occurrences`` counts the records holding each keyword among their author keywords
    and ``records`` the records counted.
    """

    field: str
    keys: np.ndarray
    labels: np.ndarray
    occurrences: np.ndarray
    author_occurrences: np.ndarray
    records: int
    records_with_keywords: int
    control_characters_removed: int = 0

    def counts(self) -> pd.DataFrame:
        """All keywords with their occurrences, most frequent first (ties by label)."""
        return _counts(self.labels, self.occurrences)


def _counts(labels: np.ndarray, occurrences: np.ndarray) -> pd.DataFrame:
    df = pd.DataFrame({"label": labels, "occurrences": occurrences})
    return df.sort_values(["occurrences", "label"], ascending=[False, True], kind="stable").reset_index(drop=True)


def clean(values: pa.Array, *, lower: bool = True) -> pa.Array:
    """Clean keyword strings as VOSviewer does: trim, collapse white space, lower-case.

    Lower-casing is Unicode-aware (utf8proc), so Cyrillic, Kazakh and accented Latin
    keywords fold correctly. Control characters, bidirectional overrides and isolates and
    zero-width characters are removed first (see :func:`clean_counted`).
    """
    return clean_counted(values, lower=lower)[0]


def clean_counted(values: pa.Array, *, lower: bool = True) -> tuple[pa.Array, np.ndarray]:
    """:func:`clean`, and which values held characters that are removed.

    Removed: the C0 and C1 control characters, and an ANSI colour sequence (``ESC[31m``) as a
    whole. Not removed, but a space like other white space: tab, line feed and carriage return
    (the separators of the exports), and vertical tab, form feed and next line (U+0085), which
    separate words. Also removed: the bidirectional embeddings, overrides and isolates
    (U+202A-U+202E, U+2066-U+2069), the zero-width characters (U+200B-U+200D, U+2060, U+FEFF)
    and the noncharacters U+FFFE and U+FFFF. They are invalid in XML (GEXF, GraphML, SVG),
    invisible, or reorder and colour what tables and terminals show.

    Returns
    -------
    cleaned, changed
        The cleaned values, and per value (``bool`` array) whether it held such characters.
    """
    changed = np.zeros(len(values), dtype=bool)
    # Few keywords hold a run of white space, a tab or a control character: a regex match
    # finds them at a sixth of the cost of a regex replacement on all of them, which then
    # runs on those few only.
    messy = pc.fill_null(pc.match_substring_regex(values, _MESSY), False)
    if pc.any(messy).as_py():
        few = values.filter(messy)
        controlled = pc.match_substring_regex(few, _CONTROL).to_numpy(zero_copy_only=False)
        changed[np.flatnonzero(messy.to_numpy(zero_copy_only=False))[controlled]] = True
        for pattern, replacement in _FIXES:
            few = pc.replace_substring_regex(few, pattern=pattern, replacement=replacement)
        values = pc.replace_with_mask(values, messy, few)
    values = pc.utf8_trim(values, characters=" ")
    return (pc.utf8_lower(values) if lower else values), changed


def _encode_sorted(values: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Dictionary-encode strings; return (codes, sorted uniques), codes into the uniques.

    Sorting is by UTF-8 bytes, i.e. code-point order, the same in every process.
    """
    enc = pc.dictionary_encode(values)
    codes, uniques = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64), enc.dictionary
    order = pc.sort_indices(uniques).to_numpy().astype(np.int64)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes], uniques.take(pa.array(order))


def _incidence(docs: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    """Binary CSR matrix (int8, sorted indices) with a 1 at each (doc, col), duplicates once."""
    # scipy's COO -> CSR is a counting sort (5x faster than sorting pair codes); boolean
    # entries add up as "or", so a keyword repeated in a record stays 1.
    ones = np.ones(len(docs), dtype=np.bool_)
    matrix = sp.csr_matrix((ones, (docs, cols.astype(np.int32, copy=False))), shape=shape)
    matrix.sum_duplicates()
    return matrix.astype(np.int8)


def extract(
    records: Corpus | pd.DataFrame,
    field: Field = "all",
    *,
    thesaurus: Mapping[str, str] | None = None,
    label_case: LabelCase = "lower",
) -> KeywordOccurrences:
    """Split, clean and count the keywords of a corpus.

    Parameters
    ----------
    records
        A :class:`bibnet.Corpus`, or its records DataFrame whose keyword columns (``DE``,
        ``ID``) hold '; '-separated strings. A missing field counts as empty.
    field
        ``"author"`` (DE), ``"indexed"`` (ID: Keywords Plus, Index Keywords, MeSH, ...; ``"plus"``
        is accepted too) or ``"all"`` (both; a keyword in both fields of one record counts once).
    thesaurus
        Cleaned label -> cleaned replacement (``""`` drops the keyword), applied once,
        before counting (see :mod:`bibnet.thesaurus`).
    label_case
        ``"lower"`` (VOSviewer's labels) or ``"original"``: the most frequent spelling
        among author keywords, else lower case.

    Returns
    -------
    KeywordOccurrences
    """
    field = cast(Field, FIELD_ALIASES.get(field, field))
    if field not in FIELD_TAGS:
        raise OptionError(f"unknown keyword field {field!r}; expected one of {', '.join(FIELD_TAGS)}")
    if label_case not in ("lower", "original"):
        raise OptionError(f"unknown label case {label_case!r}; expected lower or original")
    n_records, parts = _split_fields(records, FIELD_TAGS[field])
    docs = np.concatenate([np.zeros(0, np.int64)] + [np.repeat(np.arange(n_records), p.lengths) for _, p in parts])
    author_flag = np.concatenate([np.zeros(0, bool)] + [np.full(len(p.codes), tag == "DE") for tag, p in parts])
    # Clean only the distinct raw pieces (far fewer than occurrences), then map back. A piece
    # in both fields is cleaned twice, harmlessly: keys and spellings are encoded after cleaning.
    starts = np.cumsum([0] + [len(p.pieces) for _, p in parts])
    # ``starts`` ends with the total, one entry more than ``parts``: zip stops at the last part.
    raw_codes = np.concatenate([np.zeros(0, np.int64)] + [p.codes + start for start, (_, p) in zip(starts, parts, strict=False)])
    raw_uniques = pa.concat_arrays([pa.array([], pa.large_string())] + [p.pieces for _, p in parts])
    del parts
    spellings, changed = clean_counted(raw_uniques, lower=False)
    controls = int(np.count_nonzero(changed[raw_codes]))
    lowered = pc.utf8_lower(spellings)
    if thesaurus:
        lowered = pa.array([thesaurus.get(k, k) for k in lowered.to_pylist()], pa.large_string())
    key_of_raw, keys = _encode_sorted(lowered)
    # An empty key (empty cell, "a;;b", or dropped by the thesaurus) is no keyword.
    has_empty = len(keys) > 0 and keys[0].as_py() == ""
    occ_key = key_of_raw[raw_codes] - has_empty
    valid = occ_key >= 0
    docs, occ_key, author_flag, raw_codes = docs[valid], occ_key[valid], author_flag[valid], raw_codes[valid]
    keys = np.asarray(keys.to_pylist()[has_empty:], dtype=object)

    shape = (n_records, len(keys))
    matrix = _incidence(docs, occ_key, shape)
    author = _incidence(docs[author_flag], occ_key[author_flag], shape) if field == "all" else None
    counted = None
    if label_case == "lower":
        labels = keys
    else:
        spelling_codes, spelling_uniques = _encode_sorted(spellings)
        counted = _spelling_counts(occ_key[author_flag], spelling_codes[raw_codes[author_flag]], spelling_uniques)
        labels = best_spellings(keys, *counted)
    return KeywordOccurrences(field=field, keys=keys, labels=labels, matrix=matrix, author=author,
                              control_characters_removed=controls, spellings=counted)


def _split_fields(source: Corpus | pd.DataFrame, tags: Sequence[str]) -> tuple[int, list[tuple[str, SplitKeywords]]]:
    """The number of records and the split keyword fields of ``source`` (a corpus or its records).

    A lean corpus holds its fields split already; text columns are split here. A field that
    is neither is left out (no keywords).
    """
    held = getattr(source, "keyword_fields", {})
    records: pd.DataFrame = getattr(source, "records", source)
    parts = [
        (tag, held[tag] if tag in held else SplitKeywords.from_text(records[tag]))
        for tag in tags
        if tag in held or tag in records.columns
    ]
    return len(records), parts


def _spelling_counts(key: np.ndarray, spelling: np.ndarray, spellings: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How often each (keyword, spelling) pair occurs: keyword positions, spellings (text), counts.

    ``key`` and ``spelling`` hold, per author-keyword occurrence, the key id and the id of its
    original spelling in the sorted ``spellings``.
    """
    n = len(spellings)
    pair, count = np.unique(key * n + spelling, return_counts=True)
    text = np.asarray(spellings.take(pa.array(pair % n, pa.int64())).to_pylist(), dtype=object)
    return pair // n, text, count.astype(np.int64)


def best_spellings(keys: np.ndarray, key: np.ndarray, spelling: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Most frequent author spelling per key (ties: first in code-point order), else the key.

    ``key``, ``spelling``, ``count``: how often keyword ``keys[key[i]]`` is spelt ``spelling[i]``
    (any order; each pair once).
    """
    labels = keys.copy()
    if len(key) == 0:
        return labels
    # Sort by key, then count descending, then spelling; the first row per key wins.
    best = np.lexsort((spelling.astype(str), -count, key))
    first = best[np.r_[True, key[best][1:] != key[best][:-1]]]
    labels[key[first]] = spelling[first]
    return labels
