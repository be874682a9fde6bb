"""Trend topics, as bibliometrix reports them (``fieldByYear``, Aria & Cuccurullo 2017).

Per keyword, the first quartile, median and third quartile of the publication years of its
records: R's default quantile (type 7, linear between order statistics; numpy's
``"linear"``), rounded to whole years half to even as R's ``round`` does. Records without a
year are left out of the quartiles but counted in the occurrences. The figure shows, for
each median year, the ``per_year`` most frequent keywords (ties by label).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

#: Columns of the trend table, in order.
TREND_COLUMNS = ("keyword", "occurrences", "year_q1", "year_median", "year_q3")


def year_quartiles(incidence: sp.csr_matrix, years: np.ndarray) -> np.ndarray:
    """The (q1, median, q3) of the years of each column's records: keywords x 3, NaN without years.

    Vectorised over keywords: the (keyword, year) pairs are sorted once and each quantile is
    read at its position within its keyword's run.
    """
    coo = sp.coo_matrix(incidence)
    year = years[coo.row]
    has = ~np.isnan(year)
    keyword, year = coo.col[has], year[has]
    order = np.lexsort((year, keyword))
    keyword, year = keyword[order], year[order]
    n = np.bincount(keyword, minlength=incidence.shape[1])
    start = np.concatenate([[0], np.cumsum(n)[:-1]])
    out = np.full((incidence.shape[1], 3), np.nan)
    ok = n > 0
    for column, q in enumerate((0.25, 0.5, 0.75)):
        h = (n[ok] - 1) * q
        low = np.floor(h).astype(np.int64)
        high = np.minimum(low + 1, n[ok] - 1)
        below, above = year[start[ok] + low], year[start[ok] + high]
        out[ok, column] = below + (h - low) * (above - below)
    return np.round(out)


def trend_topics(incidence: sp.csr_matrix, years: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    """Every keyword (column of ``incidence``) with its occurrences and year quartiles.

    Returns
    -------
    pandas.DataFrame
        :data:`TREND_COLUMNS`, by median year (latest first), then occurrences (most first),
        then label.
    """
    quartiles = year_quartiles(incidence, years)
    table = pd.DataFrame({
        "keyword": np.asarray(labels, dtype=object),
        "occurrences": np.asarray(incidence.getnnz(axis=0), dtype=np.int64),
        "year_q1": pd.array(quartiles[:, 0], dtype="Int64"),
        "year_median": pd.array(quartiles[:, 1], dtype="Int64"),
        "year_q3": pd.array(quartiles[:, 2], dtype="Int64"),
    }, columns=list(TREND_COLUMNS))
    return table.sort_values(["year_median", "occurrences", "keyword"], ascending=[False, False, True],
                             kind="stable", na_position="last").reset_index(drop=True)


def trending(trends: pd.DataFrame, *, per_year: int) -> pd.DataFrame:
    """The ``per_year`` most frequent keywords of each median year (rows of :func:`trend_topics`)."""
    dated = trends[trends["year_median"].notna()]
    return dated.groupby("year_median", sort=False).head(per_year).reset_index(drop=True)
