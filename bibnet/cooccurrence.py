"""Co-occurrence counting and keyword selection, on scipy sparse matrices.

Only the keywords that pass the occurrence threshold enter the co-occurrence product, so the
cost is that of the document-keyword pairs of the kept keywords, never of all pairs.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Literal

import numpy as np
import scipy.sparse as sp

from bibnet.errors import OptionError
from bibnet.workers import cpus

Counting = Literal["full", "fractional"]


def record_weights(keywords_per_record: np.ndarray, counting: Counting = "full") -> np.ndarray:
    """Weight each record gives to each of its keyword pairs.

    Full counting gives 1; fractional counting gives ``1 / (n_d - 1)``, with ``n_d`` the
    number of the record's cleaned keywords (all of them, not only the mapped ones), so each
    keyword receives at most 1 from a record in total. Records with fewer than two keywords
    get 0: they add occurrences but no links.
    """
    n = np.asarray(keywords_per_record, dtype=np.float64)
    if counting == "full":
        return np.where(n >= 2, 1.0, 0.0)
    if counting == "fractional":
        with np.errstate(divide="ignore"):
            return np.where(n >= 2, 1.0 / np.maximum(n - 1.0, 1.0), 0.0)
    raise OptionError(f"unknown counting {counting!r}; expected full or fractional")


def cooccurrence(incidence: sp.spmatrix, weights: np.ndarray | None = None) -> sp.csr_matrix:
    """Keyword x keyword co-occurrence strengths ``C = A^T diag(w) A`` with an empty diagonal.

    Parameters
    ----------
    incidence
        Records x keywords binary matrix ``A`` (only the keywords to be mapped).
    weights
        Per-record pair weight (see :func:`record_weights`); ``None`` means 1 for all.

    Returns
    -------
    scipy.sparse.csr_matrix
        Symmetric float64 matrix with sorted indices and no explicit zeros.
    """
    a = sp.csr_matrix(incidence, dtype=np.float64)
    left = a
    if weights is not None:
        w = np.asarray(weights, dtype=np.float64)
        # A record with fewer than two of these keywords adds to the diagonal only, which is
        # dropped: with weight 1 on every record that has a pair (full counting) the
        # product with diag(w) would change nothing.
        if not np.all(w[np.diff(a.indptr) >= 2] == 1.0):
            left = sp.csr_matrix(sp.diags(w) @ a)
    c = _product(left.T.tocsr(), a)
    c.setdiag(0)
    c.eliminate_zeros()
    c.sort_indices()
    return c


def _product(at: sp.csr_matrix, a: sp.csr_matrix) -> sp.csr_matrix:
    """``at @ a`` with sorted indices, as two blocks of rows computed at once (scipy releases
    the GIL while it multiplies and sorts), split where half of the work is done."""

    def product(rows: sp.csr_matrix) -> sp.csr_matrix:
        c = (rows @ a).tocsr()
        c.sort_indices()
        return c

    work = np.cumsum(at @ np.diff(a.indptr).astype(np.float64))  # multiply-adds per output row
    if cpus() < 2 or len(work) < 2 or work[-1] < 1e6:
        return product(at)
    middle = int(np.searchsorted(work, work[-1] / 2)) + 1
    with ThreadPoolExecutor(max_workers=2) as threads:
        blocks = list(threads.map(product, (at[:middle], at[middle:])))
    return sp.vstack(blocks, format="csr")


def select_columns(matrix: sp.csr_matrix, columns: np.ndarray) -> sp.csr_matrix:
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
