"""Duplicate records across export files and databases: found by UT, then DOI, then title, year
and first author.

The same record is often exported twice (overlapping queries, the same batch downloaded
twice, tab-delimited and plain text of one query). Records are matched in three rounds, each
on the records still left:

1. the same accession number (``UT``);
2. the same DOI (``DI``, case and ``https://doi.org/`` prefix ignored);
3. the same normalised title (lower case, runs of non-alphanumerics as one space), year and
   first author's surname (accents and non-letters removed, lower case; records without
   authors match only each other).

Rounds 2 and 3 never merge records that are known to differ: two different UTs from the same
database (e.g. two ``WOS:`` numbers, or two Scopus EIDs; but ``WOS:`` and ``MEDLINE:`` copies of
one paper do merge, as do a Scopus and a Lens copy), or two different DOIs (round 3). So
distinct book reviews sharing a book's title stay apart. Nor do they merge two kinds of work: a
data set (Data Citation Index, ``DRCI:``; publication type ``PT R``, or document type ``DT``
"Data set", "Data study", "Software", "Repository") or a patent (``PT P``, ``DT`` "Patent") and
a publication, though they share a DOI or a title and year. Round 3 does not merge two
publication types (``PT``: J journal, B book, S series, C proceedings) either, as different
works share titles (a book and its review); round 2 does, as a DOI names one work whose copies
two databases may type J and S. Copies of several types are split by type, and a copy of unknown
type then stays apart. ``DT`` is not compared word for word: each database has its own words
(``Article`` in ``WOS:``, ``research-article`` in ``KJD:``). A column the records lack is not
used.

Of each group of copies the most recent is kept: the latest export date (``DA``) where the
files have it (exports without ``DA`` count as older), else the copy read last (the file
given last, or the later line of one file). But when copies from several databases merge
(rounds 2 and 3), the copy of the database first in the order of preference (``prefer``,
by default :data:`~bibnet.sources.SOURCES`' order: Web of Science, Scopus, Lens, PubMed, ...)
is kept, then the Web of Science Core Collection copy (``WOS:``), then a copy with a DOI,
then the most recent.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bibnet.match_keys import normal_title

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.keyword_fields import SplitKeywords

#: Columns compared between a dropped copy and the kept one (``differs`` column).
COMPARED = ("UT", "DI", "TI", "SO", "DT", "PT", "DE", "ID", "PY", "TC", "Z9", "DA")
#: Document types (``DT``, any item, lower case) of data records: the Data Citation Index's.
_DATA_TYPES = r"(^|;)\s*(data set|data study|software|repository)\s*(;|$)"


def deduplicate(
    records: pd.DataFrame,
    *,
    fields: Mapping[str, SplitKeywords] | None = None,
    prefer: Sequence[str] = (),
    keep: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Remove duplicate records, keeping the most recent copy of each (across databases: the
    ``WOS:`` copy, then one with a DOI).

    Parameters
    ----------
    records
        Records in input order (files in the order given, then line order) with the columns
        ``file`` and ``line``, and those of ``UT``, ``DI``, ``TI``, ``PY``, ``DA``, ``PT``,
        ``DT`` they have (the document types keep copies apart only where present).
    fields
        Keyword fields held split rather than as columns (a lean read), one row per record:
        compared for ``differs`` like the columns.
    prefer
        Databases (``DB`` column) in the order their copies are kept when copies of several
        databases merge; databases not named come after, in :data:`~bibnet.sources.SOURCES` order.
    keep
        The columns ``kept`` has (default: all): a caller that needs a few spares a copy of the rest.

    Returns
    -------
    kept, duplicates
        ``kept``: the records without duplicates, in input order, with a fresh RangeIndex.
        ``duplicates``: one row per dropped copy: ``file``, ``line``, ``UT``, ``DI``, ``TI``,
        ``PY``, ``key`` (``"UT"``, ``"DOI"`` or ``"title+year+author"``: how it was matched),
        ``kept_file``, ``kept_line``, ``reason`` (why that copy was kept: ``"more recent
        export (DA)"``, ``"later in the file"``, ``"file read later"``, ``"Web of Science Core
        Collection (WOS:)"``, ``"has a DOI"``, ``"Scopus preferred to Lens"``), ``differs`` (the
        fields whose values differ, ``", "``-joined, e.g. ``"TC, Z9"``), and ``row`` and
        ``kept_row``, the positions of the dropped and the kept copy in ``records``.
    """
    n = len(records)
    ut = pc.utf8_upper(pc.utf8_trim_whitespace(_col(records, "UT")))
    source = _col(records, "DB")
    # The scope in which two UTs name two records: a database and its UT prefix (WoS's own
    # databases share one export: WOS:, MEDLINE:, KJD: ...).
    database = pc.binary_join_element_wise(*(pc.fill_null(a.cast(pa.large_string()), pa.scalar("", pa.large_string()))
                                             for a in (source, _database(ut))), pa.scalar("|", pa.large_string()))
    source_rank = _source_rank(source, prefer)
    del source  # read again for the few copies whose reasons name their databases

    recency = _recency(records)
    winner = np.arange(n)
    alive = np.ones(n, dtype=bool)
    key_name = np.full(n, "", dtype=object)
    # Computed when a round needs them: a WoS export is done after the UT round.
    doi = functools.cache(lambda: _normal_doi(_col(records, "DI")))
    kind = functools.cache(lambda: _kind(records))
    # Per round: the key, the types a group is split by, and what keeps a group apart.
    for name, make_key, make_types, make_conflicts in (
        ("UT", lambda: ut, lambda: (), lambda: ()),
        ("DOI", doi, lambda: (kind(),), lambda: ((ut, database),)),
        ("title+year+author", lambda: _title_year(_col(records, "TI"), _col(records, "PY"), _col(records, "#first_author")),
         lambda: (kind(), _col(records, "PT", normal=True)), lambda: ((ut, database), (doi(), None))),
    ):
        if name != "UT" and _all_apart(alive, ut, database):
            break  # nothing merges now, nor in a later round: the costly title keys are not computed
        key = make_key()
        rows = np.flatnonzero(alive & _notnull(key))
        if rows.size < 2:
            continue
        # The copies of one UT are one database's record: the most recent wins. Across databases
        # the Core Collection's copy wins, then one with a DOI.
        rank = recency if name == "UT" else _preference(database, doi(), recency, source_rank)
        group = _groups(key if rows.size == n else key.take(pa.array(rows)))
        for types in make_types():
            rows, group = _split(rows, group, types)
        if rows.size < 2:
            continue
        ok = ~_conflicted(group, rows, make_conflicts())
        rows, group = rows[ok[group]], group[ok[group]]
        best = np.full(ok.size, -1, dtype=np.int64)
        order = np.argsort(rank[rows], kind="stable")  # ascending: the last write per group wins
        best[group[order]] = rows[order]
        beaten = best[group] != rows
        lost = rows[beaten]
        winner[lost] = best[group[beaten]]
        alive[lost] = False
        key_name[lost] = name
    while True:  # a copy dropped for one that was dropped later: point at the final one
        again = winner[winner]
        if np.array_equal(again, winner):
            break
        winner = again
    kept = (records if keep is None else records[list(keep)]).iloc[np.flatnonzero(alive)].reset_index(drop=True)
    lost = np.flatnonzero(~alive)
    table = _duplicates_table(records, fields or {}, lost, winner, key_name)
    if (key_name[lost] != "UT").any():
        table = _preferred_reasons(table, database, doi(), lost, winner, key_name, _col(records, "DB"), source_rank)
    table["row"], table["kept_row"] = lost, winner[lost]
    return kept, table


def _all_apart(alive: np.ndarray, ut: pa.Array, database: pa.Array) -> bool:
    """True when no two remaining records may merge in the DOI and title rounds: all have a
    UT of one database, and after the UT round these UTs all differ. (The usual case: a WoS
    Core Collection export gives every record a ``WOS:`` UT.)"""
    if not alive.all():
        rows = pa.array(np.flatnonzero(alive))
        ut, database = ut.take(rows), database.take(rows)
    return ut.null_count == 0 and pc.count_distinct(database, mode="all").as_py() <= 1


def _groups(key: pa.Array) -> np.ndarray:
    """A number per value of ``key`` (no nulls), the same for equal values: their rank among
    the distinct values. Found by sorting, which takes a fraction of the memory of a hash table
    of 10 million distinct identifiers."""
    if len(key) == 0:
        return np.zeros(0, np.int64)
    order = pc.sort_indices(key).to_numpy()
    ordered = key.take(pa.array(order))
    starts = np.empty(len(key), dtype=bool)
    starts[0] = True
    starts[1:] = pc.not_equal(ordered.slice(1), ordered.slice(0, len(key) - 1)).to_numpy(zero_copy_only=False)
    del ordered
    group = np.empty(len(key), dtype=np.int64)
    group[order] = np.cumsum(starts) - 1
    return group


def _col(records: pd.DataFrame, name: str, *, normal: bool = False) -> pa.Array:
    """A column as a pyarrow string array (all null if absent); ``normal``: trimmed, upper
    case, and empty as null."""
    if name not in records.columns:
        return pa.nulls(len(records), pa.large_string())
    column = records[name]
    if isinstance(column.dtype, pd.CategoricalDtype):  # decoded by Arrow, not through a Python string per record
        values = pa.array(column).dictionary_decode().cast(pa.large_string())
    else:
        values = pa.array(column.astype("string[pyarrow]"))
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if normal:
        values = pc.utf8_upper(pc.utf8_trim_whitespace(values))
        values = pc.if_else(pc.equal(values, ""), pa.scalar(None, values.type), values)
    return values


def _kind(records: pd.DataFrame) -> pa.Array:
    """The kind of work of each record: ``"data"``, ``"patent"``, ``"publication"``, or null
    where neither ``PT`` nor ``DT`` says.

    From ``PT`` (R: data, P: patent, any other code: a publication), else from ``DT``.
    """
    pt = _col(records, "PT", normal=True)
    dt = pc.utf8_lower(_col(records, "DT", normal=True))
    data = pc.or_kleene(pc.equal(pt, "R"), pc.and_kleene(pc.is_null(pt), pc.match_substring_regex(dt, _DATA_TYPES)))
    patent = pc.or_kleene(pc.equal(pt, "P"), pc.and_kleene(pc.is_null(pt), pc.match_substring(dt, "patent")))
    known = pc.or_(pc.is_valid(pt), pc.is_valid(dt))
    kind = pc.if_else(pc.fill_null(data, False), "data", pc.if_else(pc.fill_null(patent, False), "patent", "publication"))
    return pc.if_else(known, kind, pa.scalar(None, pa.string()))


def _split(rows: np.ndarray, group: np.ndarray, types: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Groups that hold several ``types`` (e.g. a data set and an article) split by type; their
    records of unknown type (null) leave, as they could be of either. Groups renumbered 0..k-1."""
    if types.null_count == len(types):  # a column the records lack splits nothing
        return rows, group
    code = pc.fill_null(pc.dictionary_encode(types.take(pa.array(rows))).indices, -1).to_numpy().astype(np.int64)
    known = code >= 0
    if not known.any():
        return rows, group
    span = int(code.max()) + 1
    pairs = np.unique(group[known] * span + code[known])
    mixed = np.bincount(pairs // span, minlength=int(group.max()) + 1)[group] > 1
    keep = ~mixed | known
    rows, group, code, mixed = rows[keep], group[keep], code[keep], mixed[keep]
    if rows.size == 0:
        return rows, group
    _, group = np.unique(np.column_stack([group, np.where(mixed, code, -1)]), axis=0, return_inverse=True)
    return rows, group.ravel()


def _source_rank(source: pa.Array, prefer: Sequence[str]) -> np.ndarray:
    """Per record, how much its database is preferred (higher wins): ``prefer``'s order, then
    :data:`~bibnet.sources.SOURCES`' order, then any other name."""
    from bibnet.sources import SOURCES

    order = list(dict.fromkeys([*prefer, *SOURCES]))
    # Ranked per distinct name (a few), then spread to the records; a null name ranks last (0).
    names = pc.dictionary_encode(source)
    position = pc.index_in(names.dictionary, value_set=pa.array(order, source.type)).to_numpy(zero_copy_only=False)
    position = np.where(np.isnan(position.astype(float)), len(order), position)
    rank = np.append(len(order) - position.astype(np.int64), 0)
    return rank[pc.fill_null(names.indices, len(names.dictionary)).to_numpy(zero_copy_only=False)]


def _preference(database: pa.Array, doi: pa.Array, recency: np.ndarray, source_rank: np.ndarray) -> np.ndarray:
    """Rank of each record among copies from several databases (higher wins): the preferred
    database first, then a ``WOS:`` UT, then a DOI, then :func:`_recency`."""
    order = np.lexsort((recency, _notnull(doi), _is_wos(database), source_rank))
    rank = np.empty(len(recency), dtype=np.int64)
    rank[order] = np.arange(len(recency))
    return rank


def _is_wos(database: pa.Array) -> np.ndarray:
    return pc.fill_null(pc.ends_with(database, "|WOS"), False).to_numpy(zero_copy_only=False)


def _notnull(values: pa.Array) -> np.ndarray:
    return values.is_valid().to_numpy(zero_copy_only=False)


def _normal_doi(doi: pa.Array) -> pa.Array:
    doi = pc.utf8_lower(pc.utf8_trim_whitespace(doi))
    doi = pc.replace_substring_regex(doi, pattern=r"^(https?://(dx\.)?doi\.org/|doi:\s*)", replacement="")
    return pc.if_else(pc.equal(doi, ""), pa.scalar(None, doi.type), doi)


def _title_year(title: pa.Array, year: pa.Array, author: pa.Array) -> pa.Array:
    """The round-3 key: normalised title, year and first author's surname (null without title or year)."""
    title = normal_title(title)
    author = pc.fill_null(author.cast(title.type), pa.scalar("", title.type))
    return pc.binary_join_element_wise(title, year, author, pa.scalar("|", title.type))  # null if title or year is


def _database(ut: pa.Array) -> pa.Array:
    """The database prefix of each UT (``"WOS"`` of ``"WOS:000123"``)."""
    return pc.extract_regex(ut, pattern=r"^(?P<db>[^:]*):").field("db")


def _recency(records: pd.DataFrame) -> np.ndarray:
    """Rank of each record by (export date, position): higher is more recent."""
    # Dates ranked as distinct values (few: one per export), not as a string per record.
    dates = pc.dictionary_encode(pc.fill_null(_col(records, "DA"), ""))
    date_rank = np.argsort(pc.sort_indices(dates.dictionary).to_numpy())
    order = np.lexsort((np.arange(len(records)), date_rank[dates.indices.to_numpy()]))
    rank = np.empty(len(records), dtype=np.int64)
    rank[order] = np.arange(len(records))
    return rank


def _conflicted(group: np.ndarray, rows: np.ndarray, checks) -> np.ndarray:
    """Per group: True if it holds two different values of an identifier within one scope.

    ``checks`` is a sequence of ``(values, scope)``: e.g. ``(UT, database)`` means two
    different UTs of the same database conflict; ``scope=None`` means one scope.
    """
    bad = np.zeros(int(group.max()) + 1, dtype=bool)
    take = pa.array(rows)
    for values, scope in checks:
        if values.null_count == len(values):  # a column the records lack keeps nothing apart
            continue
        frame = pd.DataFrame(
            {
                "group": group,
                "scope": "" if scope is None else scope.take(take).to_pandas(),
                "value": values.take(take).to_pandas(),
            }
        ).dropna(subset=["value"])
        distinct = frame.groupby(["group", "scope"], dropna=False)["value"].nunique()
        bad[distinct.index.get_level_values("group")[distinct.to_numpy() > 1]] = True
    return bad


def _duplicates_table(
    records: pd.DataFrame, fields: Mapping[str, SplitKeywords], lost: np.ndarray, winner: np.ndarray, key: np.ndarray
) -> pd.DataFrame:
    """One row per dropped copy: where it was, what it matched, which copy was kept and why."""
    dropped = records.iloc[lost].reset_index(drop=True)
    kept = records.iloc[winner[lost]].reset_index(drop=True)
    table = pd.DataFrame(
        {
            "file": dropped["file"],
            "line": dropped["line"],
            **{c: dropped[c] for c in ("UT", "DI", "TI", "PY") if c in records.columns},
            "key": pd.array(key[lost].astype(str), dtype="string[pyarrow]"),
            "kept_file": kept["file"],
            "kept_line": kept["line"],
        }
    )
    if "DA" in records.columns:
        dates = (pc.fill_null(_col(copy, "DA"), "") for copy in (kept, dropped))
        newer = pc.greater(*dates).to_numpy(zero_copy_only=False)
    else:
        newer = np.zeros(len(lost), dtype=bool)
    same_file = (kept["file"] == dropped["file"]).to_numpy(dtype=bool)
    reason = np.where(newer, "more recent export (DA)", np.where(same_file, "later in the file", "file read later"))
    table["reason"] = pd.array(reason, dtype="string[pyarrow]")
    differs = pd.Series("", index=table.index, dtype=object)
    for c in COMPARED:
        if c in records.columns:
            a, b = dropped[c], kept[c]
            same = (a == b).fillna(False).to_numpy(dtype=bool) | (a.isna() & b.isna()).to_numpy(dtype=bool)
        elif c in fields:
            same = fields[c].same(lost, winner[lost])
        else:
            continue
        differs = differs + np.where(same, "", c + ", ")
    table["differs"] = pd.array(differs.str.removesuffix(", ").to_numpy(dtype=object), dtype="string[pyarrow]")
    return table


def _preferred_reasons(
    table: pd.DataFrame, database: pa.Array, doi: pa.Array, lost: np.ndarray, winner: np.ndarray, key: np.ndarray,
    source: pa.Array, source_rank: np.ndarray,
) -> pd.DataFrame:
    """``reason`` of the copies dropped, across databases, for a preferred database, a ``WOS:``
    copy or one with a DOI."""
    across = key[lost] != "UT"
    if not across.any():
        return table
    wos, has_doi = _is_wos(database), _notnull(doi)
    kept = winner[lost]
    by_source = across & (source_rank[kept] > source_rank[lost])
    by_wos = across & ~by_source & wos[kept] & ~wos[lost]
    by_doi = across & ~by_source & ~by_wos & has_doi[kept] & ~has_doi[lost] & (wos[kept] == wos[lost])
    reason = table["reason"].to_numpy(dtype=object)
    winners, losers = (source.take(pa.array(rows)).to_pylist() for rows in (kept[by_source], lost[by_source]))
    reason[by_source] = [f"{k} preferred to {d}" for k, d in zip(winners, losers, strict=True)]
    reason[by_wos] = "Web of Science Core Collection (WOS:)"
    reason[by_doi] = "has a DOI"
    table["reason"] = pd.array(reason, dtype="string[pyarrow]")
    return table
