"""Co-occurrence counting on scipy sparse matrices, and the counting methods.

Only the keywords that pass the occurrence threshold enter the co-occurrence product
(:func:`bibnet.selection.select`), so the cost is that of the document-keyword pairs of the
kept keywords, never of all pairs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from bibnet.errors import OptionError
from bibnet.workers import cpus


@dataclass(frozen=True)
class Counting:
    """A counting method: the weight each record gives to each pair of its keywords.

    Attributes
    ----------
    pair_weights
        ``n_d`` (the record's number of cleaned keywords, all of them, not only the mapped
        ones) -> the weight of each of the record's keyword pairs; records with fewer than two
        keywords get 0 (they add occurrences but no links).
    methods
        How the methods text describes it (after "co-occurrences were ").
    """

    pair_weights: Callable[[np.ndarray], np.ndarray]
    methods: str


def _full(n: np.ndarray) -> np.ndarray:
    return np.where(n >= 2, 1.0, 0.0)


def _fractional(n: np.ndarray) -> np.ndarray:
    # 1 / (n_d - 1): each keyword receives at most 1 from a record in total.
    return np.where(n >= 2, 1.0 / np.maximum(n - 1.0, 1.0), 0.0)


#: The counting methods by name (``--counting``); the first is the default.
COUNTINGS: dict[str, Counting] = {
    "full": Counting(_full, "counted with full counting (each publication adds 1 to each pair of its keywords)"),
    "fractional": Counting(_fractional, "counted fractionally (each pair of a publication's n keywords "
                                        "weighted 1/(n - 1))"),
}


def record_weights(keywords_per_record: np.ndarray, *, counting: str = "full") -> np.ndarray:
    """Weight each record gives to each of its keyword pairs (see :data:`COUNTINGS`)."""
    if counting not in COUNTINGS:
        raise OptionError(f"unknown counting {counting!r}; expected one of {', '.join(COUNTINGS)}")
    return COUNTINGS[counting].pair_weights(np.asarray(keywords_per_record, dtype=np.float64))


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
    return _off_diagonal(_product(left.T.tocsr(), a))


def _off_diagonal(c: sp.csr_matrix) -> sp.csr_matrix:
    """``c`` (sorted indices) without its diagonal and explicit zeros.

    Filtered in place of ``setdiag(0)``, which goes through a COO copy when a row has no
    diagonal entry (a keyword of no record of the block): 0.2 s for each block of 64 files
    counted on all of a 1M-record corpus' candidates.
    """
    rows = np.repeat(np.arange(c.shape[0], dtype=c.indices.dtype), np.diff(c.indptr))
    keep = (c.indices != rows) & (c.data != 0)
    indptr = np.zeros_like(c.indptr)
    np.cumsum(np.bincount(rows[keep], minlength=c.shape[0]), out=indptr[1:])
    out = sp.csr_matrix((c.data[keep], c.indices[keep], indptr), shape=c.shape)
    out.has_sorted_indices = True
    return out


def pair_counts(incidence: sp.spmatrix, keywords_per_record: np.ndarray, *, counting: str = "full"
                ) -> dict[int, sp.csr_matrix]:
    """Whole-number co-occurrence counts of the columns of ``incidence``, by record size.

    Full counting gives one matrix, under the key 0; fractional counting one per number of
    keywords ``n_d`` of the records (2 and more), as its pairs weigh ``1 / (n_d - 1)``. Counts
    add up exactly in any order, so the counts of many tasks summed (:func:`add_counts`) are
    the counts of all their records; :func:`strengths` weighs them.
    """
    if counting not in COUNTINGS:
        raise OptionError(f"unknown counting {counting!r}; expected one of {', '.join(COUNTINGS)}")
    sizes = np.asarray(keywords_per_record, dtype=np.int64)
    a = sp.csr_matrix(incidence)
    if counting == "full":
        return {0: cooccurrence(a[sizes >= 2])}
    return {int(n): cooccurrence(a[sizes == n]) for n in np.unique(sizes[sizes >= 2])}


def add_counts(*parts: Mapping[int, sp.csr_matrix]) -> dict[int, sp.csr_matrix]:
    """The sum of :func:`pair_counts` of several sets of records (exact: whole numbers)."""
    total: dict[int, sp.csr_matrix] = {}
    for part in parts:
        for n, counts in part.items():
            total[n] = counts if n not in total else sp.csr_matrix(total[n] + counts)
    return total


def strengths(counts: Mapping[int, sp.csr_matrix], *, counting: str, size: int) -> sp.csr_matrix:
    """Link strengths of :func:`pair_counts`: the counts weighted by :data:`COUNTINGS`, added in
    the order of the record sizes (so the same counts always give the same floating-point sums).

    ``size`` is the number of keywords (rows and columns), for when there are no counts.
    """
    total = sp.csr_matrix((size, size), dtype=np.float64)
    for n in sorted(counts):
        weight = 1.0 if n == 0 else float(record_weights(np.array([n]), counting=counting)[0])
        total = total + counts[n] * weight if weight != 1.0 else total + counts[n]
    total = sp.csr_matrix(total, dtype=np.float64)
    total.eliminate_zeros()
    total.sort_indices()
    return total


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
