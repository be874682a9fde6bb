"""Per-keyword scores of a VOSviewer keyword map: average year, citations, norm. citations.

Definitions follow VOSviewer (reference section 3.5): a keyword's score is the mean over the
records that contain it. Records without a value are left out of that mean.

The scores are computed from whole-number sums (:class:`ScoreSums`), which add up exactly in any
order: the records of one process and the records of many tasks, summed in a tree
(:mod:`bibnet.passes`), give the same sums, and :func:`scores_from_sums` turns them into the
same floating-point scores, to the bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp


@dataclass(frozen=True, eq=False)  # holds arrays
class ScoreSums:
    """Whole-number sums over the records of each keyword, from which its scores follow.

    Attributes
    ----------
    year_sum, year_n
        Sum of the publication years of the keyword's records that have one, and their number.
    cites_sum, cites_n
        The same for citations.
    norm_sum
        Keywords x groups (:func:`citation_groups`): sum of the citations of the keyword's
        records of each group (database and year), over records with a year and citations.
    norm_n
        Number of the keyword's records with a year and citations.
    """

    year_sum: np.ndarray
    year_n: np.ndarray
    cites_sum: np.ndarray
    cites_n: np.ndarray
    norm_sum: sp.csr_matrix
    norm_n: np.ndarray

    def __add__(self, other: ScoreSums) -> ScoreSums:
        return ScoreSums(self.year_sum + other.year_sum, self.year_n + other.year_n, self.cites_sum + other.cites_sum,
                         self.cites_n + other.cites_n, sp.csr_matrix(self.norm_sum + other.norm_sum),
                         self.norm_n + other.norm_n)

    def take(self, columns: np.ndarray) -> ScoreSums:
        """The sums of the keywords at ``columns``."""
        return ScoreSums(self.year_sum[columns], self.year_n[columns], self.cites_sum[columns], self.cites_n[columns],
                         sp.csr_matrix(self.norm_sum[columns]), self.norm_n[columns])


@dataclass(frozen=True, eq=False)  # holds arrays
class CitationGroups:
    """The groups citations are normalised in: (database, year), sorted, with their mean citations.

    ``databases`` and ``years`` name each group; ``total`` and ``count`` are the citations and
    the records (with a year and citations) of each group, over all records of the input.
    """

    databases: np.ndarray
    years: np.ndarray
    total: np.ndarray
    count: np.ndarray

    @property
    def means(self) -> np.ndarray:
        """Mean citations of each group."""
        return self.total / np.maximum(self.count, 1)

    def index(self, databases: np.ndarray, years: np.ndarray) -> np.ndarray:
        """Group of each (database, year) pair; -1 where there is none."""
        names = np.unique(self.databases.astype(str))
        if not len(names):
            return np.full(len(years), -1, dtype=np.int64)
        span = int(np.max(np.abs(self.years))) * 2 + 1 if len(self.years) else 1
        # (database, year) as one number: the groups are sorted by it, as by name and year.
        def code(db: np.ndarray, py: np.ndarray) -> np.ndarray:
            at = np.searchsorted(names, db.astype(str))
            known = (at < len(names)) & (names[np.minimum(at, len(names) - 1)] == db.astype(str))
            return np.where(known, at * span + (np.asarray(py, np.int64) + span // 2), -1)

        mine, theirs = code(self.databases, self.years), code(np.asarray(databases), np.asarray(years))
        at = np.minimum(np.searchsorted(mine, theirs), len(mine) - 1)
        return np.where((theirs >= 0) & (mine[at] == theirs) & (np.abs(np.asarray(years, np.int64)) <= span // 2),
                        at, -1)


def _values(records: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """A whole-number column as int64 values (0 where missing) and where it is present."""
    if column not in records.columns:
        return np.zeros(len(records), np.int64), np.zeros(len(records), bool)
    values = records[column].astype("Int64")
    present = values.notna().to_numpy(dtype=bool)
    return values.fillna(0).to_numpy(dtype=np.int64), present


def _databases(records: pd.DataFrame) -> np.ndarray:
    """Each record's database (``DB``), or ``""`` for all when the records do not say."""
    if "DB" not in records.columns:
        return np.full(len(records), "", dtype=object)
    # Each name made once, not once per record.
    codes, names = pd.factorize(records["DB"].fillna(""))
    return np.asarray(names, dtype=object)[codes]


def citation_groups(databases: np.ndarray, years: np.ndarray, cites: np.ndarray) -> CitationGroups:
    """The (database, year) groups of records with a year and citations (the arrays given), and
    their total citations, sorted by database name and year."""
    frame = pd.DataFrame({"db": databases, "py": years, "tc": cites})
    sums = frame.groupby(["db", "py"], sort=True)["tc"].agg(["sum", "count"])
    return CitationGroups(databases=sums.index.get_level_values(0).to_numpy(dtype=object),
                          years=sums.index.get_level_values(1).to_numpy(dtype=np.int64),
                          total=sums["sum"].to_numpy(dtype=np.int64), count=sums["count"].to_numpy(dtype=np.int64))


def record_groups(records: pd.DataFrame) -> CitationGroups:
    """The citation groups of ``records`` (VOSviewer normalises over every record, mapped or not)."""
    py, has_py = _values(records, "PY")
    tc, has_tc = _values(records, "TC")
    ok = has_py & has_tc
    return citation_groups(_databases(records)[ok], py[ok], tc[ok])


def score_sums(incidence: sp.spmatrix, records: pd.DataFrame, groups: CitationGroups) -> ScoreSums:
    """The :class:`ScoreSums` of each column of ``incidence`` (records x keywords) over ``records``."""
    at = sp.csr_matrix(incidence.T, dtype=np.int64)
    py, has_py = _values(records, "PY")
    tc, has_tc = _values(records, "TC")
    both = has_py & has_tc
    group = np.where(both, groups.index(_databases(records), py), -1)
    rows = np.flatnonzero(group >= 0)
    # records x groups, holding each record's citations in its group's column
    spread = sp.csr_matrix((tc[rows], (rows, group[rows])), shape=(len(records), len(groups.total)), dtype=np.int64)
    return ScoreSums(year_sum=at @ py, year_n=at @ has_py.astype(np.int64), cites_sum=at @ tc,
                     cites_n=at @ has_tc.astype(np.int64), norm_sum=sp.csr_matrix(at @ spread),
                     norm_n=at @ both.astype(np.int64))


def scores_from_sums(sums: ScoreSums, groups: CitationGroups) -> pd.DataFrame:
    """VOSviewer's three scores from whole-number sums.

    A record's normalised citations are its citations divided by the mean citations of its
    group (0 where that mean is 0: nobody in the group is cited). A keyword's sum of them is
    taken group by group, in the groups' order, so that it is the same floating-point number
    however the records were split.

    Returns
    -------
    pandas.DataFrame
        Columns ``avg_pub_year``, ``avg_citations``, ``avg_norm_citations``.
    """
    means = groups.means
    per_group = sp.csc_matrix(sums.norm_sum, dtype=np.float64)
    norm = np.zeros(per_group.shape[0])
    for g in range(per_group.shape[1]):
        lo, hi = per_group.indptr[g], per_group.indptr[g + 1]
        if means[g] > 0 and hi > lo:
            norm[per_group.indices[lo:hi]] += per_group.data[lo:hi] / means[g]
    return pd.DataFrame({"avg_pub_year": _mean(sums.year_sum, sums.year_n),
                         "avg_citations": _mean(sums.cites_sum, sums.cites_n),
                         "avg_norm_citations": _mean(norm, sums.norm_n)})


def _mean(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count > 0, np.asarray(total, np.float64) / np.maximum(count, 1), np.nan)


def normalized_citations(records: pd.DataFrame) -> np.ndarray:
    """Citations of each record divided by the mean citations of all records of its year (and
    of its database, ``DB``, when the records come from several: their counts are not comparable).

    The year means are taken over every record of the input (not only those with mapped
    keywords), as VOSviewer does. Records without PY or TC get NaN. A year whose mean is 0
    (no record of that year is cited) gives 0: there is nothing to normalise by, and the
    records are uncited.
    """
    groups = record_groups(records)
    py, has_py = _values(records, "PY")
    tc, has_tc = _values(records, "TC")
    group = groups.index(_databases(records), py)
    ok = has_py & has_tc & (group >= 0)
    mean = np.where(ok, groups.means[np.maximum(group, 0)], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ncs = np.where(mean > 0, tc / mean, 0.0)
    ncs[~ok] = np.nan
    return ncs


def keyword_scores(incidence: sp.csr_matrix, records: pd.DataFrame) -> pd.DataFrame:
    """VOSviewer's three scores for each column of ``incidence`` (records x keywords).

    Returns
    -------
    pandas.DataFrame
        Columns ``avg_pub_year``, ``avg_citations``, ``avg_norm_citations``.
    """
    groups = record_groups(records)
    return scores_from_sums(score_sums(incidence, records, groups), groups)
