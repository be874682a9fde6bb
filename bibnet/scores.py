"""Per-keyword scores of a VOSviewer keyword map: average year, citations, norm. citations.

Definitions follow VOSviewer (reference section 3.5): a keyword's score is the mean over the
records that contain it. Records without a value are left out of that mean.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp


def normalized_citations(records: pd.DataFrame) -> np.ndarray:
    """Citations of each record divided by the mean citations of all records of its year (and
    of its database, ``DB``, when the records come from several: their counts are not comparable).

    The year means are taken over every record of the input (not only those with mapped
    keywords), as VOSviewer does. Records without PY or TC get NaN. A year whose mean is 0
    (no record of that year is cited) gives 0: there is nothing to normalise by, and the
    records are uncited.
    """
    py = records["PY"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    tc = records["TC"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    ok = ~np.isnan(py) & ~np.isnan(tc)
    database = pd.factorize(records["DB"])[0] if "DB" in records.columns else np.zeros(len(py), dtype=np.int64)
    group = pd.MultiIndex.from_arrays([database, py])
    means = pd.Series(tc[ok]).groupby([database[ok], py[ok]]).mean()
    year_mean = means.reindex(group).to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ncs = np.where(year_mean > 0, tc / year_mean, 0.0)
    ncs[~ok] = np.nan
    return ncs


def column_means(incidence: sp.csr_matrix, values: np.ndarray) -> np.ndarray:
    """Mean of ``values`` over the records (rows) of each keyword (column), NaNs left out."""
    present = ~np.isnan(values)
    at = sp.csr_matrix(incidence.T, dtype=np.float64)
    total = at @ np.where(present, values, 0.0)
    count = at @ present.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count > 0, total / count, np.nan)


def keyword_scores(incidence: sp.csr_matrix, records: pd.DataFrame) -> pd.DataFrame:
    """VOSviewer's three scores for each column of ``incidence`` (records x keywords).

    Returns
    -------
    pandas.DataFrame
        Columns ``avg_pub_year``, ``avg_citations``, ``avg_norm_citations``.
    """
    def numeric(col: str) -> np.ndarray:
        return records[col].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)

    return pd.DataFrame(
        {
            "avg_pub_year": column_means(incidence, numeric("PY")),
            "avg_citations": column_means(incidence, numeric("TC")),
            "avg_norm_citations": column_means(incidence, normalized_citations(records)),
        }
    )
