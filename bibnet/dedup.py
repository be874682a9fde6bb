"""Duplicate records across export files: found by UT, then DOI, then title + year.

The same record is often exported twice (overlapping queries, the same batch downloaded
twice, tab-delimited and plain text of one query). Records are matched in three rounds, each
on the records still left:

1. the same accession number (``UT``);
2. the same DOI (``DI``, case and ``https://doi.org/`` prefix ignored);
3. the same normalised title (lower case, runs of non-alphanumerics as one space) and year.

Rounds 2 and 3 never merge records that are known to differ: two different UTs from the same
database (e.g. two ``WOS:`` numbers; but ``WOS:`` and ``MEDLINE:`` copies of one paper do
merge), or two different DOIs. So distinct book reviews sharing a book's title stay apart.

Of each group of copies the most recent is kept: the latest export date (``DA``) where the
files have it (exports without ``DA`` count as older), else the copy read last (the file
given last, or the later line of one file).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.keyword_fields import SplitKeywords

#: Columns compared between a dropped copy and the kept one (``differs`` column).
COMPARED = ("UT", "DI", "TI", "SO", "DT", "DE", "ID", "PY", "TC", "Z9", "DA")


def deduplicate(
    records: pd.DataFrame, *, fields: Mapping[str, SplitKeywords] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Remove duplicate records, keeping the most recent copy of each.

    Parameters
    ----------
    records
        Records in input order (files in the order given, then line order) with at least
        the columns ``UT``, ``DI``, ``TI``, ``PY``, ``DA``, ``file`` and ``line``.
    fields
        Keyword fields held split rather than as columns (a lean read), one row per record:
        compared for ``differs`` like the columns.

    Returns
    -------
    kept, duplicates
        ``kept``: the records without duplicates, in input order, with a fresh RangeIndex.
        ``duplicates``: one row per dropped copy: ``file``, ``line``, ``UT``, ``DI``, ``TI``,
        ``PY``, ``key`` (``"UT"``, ``"DOI"`` or ``"title+year"``: how it was matched),
        ``kept_file``, ``kept_line``, ``reason`` (why that copy was kept) and ``differs``
        (the fields whose values differ, ``", "``-joined, e.g. ``"TC, Z9"``).
    """
    n = len(records)
    ut = _col(records, "UT")
    ut = pc.utf8_upper(pc.utf8_trim_whitespace(ut))
    database = _database(ut)

    rank = _recency(records)
    winner = np.arange(n)
    alive = np.ones(n, dtype=bool)
    key_name = np.full(n, "", dtype=object)
    doi = _normal_doi(_col(records, "DI"))
    for name, make_key, conflicts in (
        ("UT", lambda: ut, ()),
        ("DOI", lambda: doi, ((ut, database),)),
        ("title+year", lambda: _title_year(_col(records, "TI"), _col(records, "PY")), ((ut, database), (doi, None))),
    ):
        if conflicts and _all_apart(alive, ut, database):
            # Nothing merges in this round, so nothing changes for the next one either: the
            # title keys, the costliest, are not even computed.
            break
        key = make_key()
        rows = np.flatnonzero(alive & _notnull(key))
        if rows.size < 2:
            continue
        group = pc.dictionary_encode(key.take(pa.array(rows))).indices.to_numpy()
        ok = ~_conflicted(group, rows, conflicts)
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

    kept = records.iloc[np.flatnonzero(alive)].reset_index(drop=True)
    return kept, _duplicates_table(records, fields or {}, np.flatnonzero(~alive), winner, key_name)


def _all_apart(alive: np.ndarray, ut: pa.Array, database: pa.Array) -> bool:
    """True when no two remaining records may merge in the DOI and title rounds: all have a
    UT of one database, and after the UT round these UTs all differ. (The usual case: a WoS
    Core Collection export gives every record a ``WOS:`` UT.)"""
    rows = pa.array(np.flatnonzero(alive))
    return ut.take(rows).null_count == 0 and len(pc.unique(database.take(rows))) <= 1


def _col(records: pd.DataFrame, name: str) -> pa.Array:
    """A column as a pyarrow string array (all null if absent)."""
    if name not in records.columns:
        return pa.nulls(len(records), pa.large_string())
    values = pa.array(records[name].astype("string[pyarrow]"))
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _notnull(values: pa.Array) -> np.ndarray:
    return values.is_valid().to_numpy(zero_copy_only=False)


def _normal_doi(doi: pa.Array) -> pa.Array:
    doi = pc.utf8_lower(pc.utf8_trim_whitespace(doi))
    doi = pc.replace_substring_regex(doi, pattern=r"^(https?://(dx\.)?doi\.org/|doi:\s*)", replacement="")
    return pc.if_else(pc.equal(doi, ""), pa.scalar(None, doi.type), doi)


def _title_year(title: pa.Array, year: pa.Array) -> pa.Array:
    title = pc.replace_substring_regex(pc.utf8_lower(title), pattern=r"[^\p{L}\p{N}]+", replacement=" ")
    title = pc.utf8_trim_whitespace(title)
    title = pc.if_else(pc.equal(title, ""), pa.scalar(None, title.type), title)
    return pc.binary_join_element_wise(title, year, pa.scalar("|", title.type))  # null if either is null


def _database(ut: pa.Array) -> pa.Array:
    """The database prefix of each UT (``"WOS"`` of ``"WOS:000123"``)."""
    return pc.extract_regex(ut, pattern=r"^(?P<db>[^:]*):").field("db")


def _recency(records: pd.DataFrame) -> np.ndarray:
    """Rank of each record by (export date, position): higher is more recent."""
    da = records["DA"].fillna("").to_numpy(dtype=object) if "DA" in records.columns else np.full(len(records), "")
    order = np.lexsort((np.arange(len(records)), da.astype(str)))
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
        newer = (kept["DA"].fillna("") > dropped["DA"].fillna("")).to_numpy(dtype=bool)
    else:
        newer = np.zeros(len(lost), dtype=bool)
    same_file = (kept["file"] == dropped["file"]).to_numpy(dtype=bool)
    reason = np.where(newer, "more recent export (DA)", np.where(same_file, "later in the file", "file given later"))
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
