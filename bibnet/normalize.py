"""Normalisation of co-occurrence link strengths, as VOSviewer does it.

The normalised strengths feed clustering and layout; the raw counts are what maps and
network files report. Node weights ``k_i`` are the total link strengths *within the mapped
network* and ``2m = sum(k)`` (reference section 4, gotcha 1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from bibnet.errors import OptionError


@dataclass(frozen=True)
class Normalization:
    """A normalisation of link strengths.

    Attributes
    ----------
    scale
        ``(k_i, k_j, k)`` -> factor of each link ``c_ij``, with ``k_i``, ``k_j`` the total
        link strengths of its ends and ``k`` all of them (``2m = k.sum()``, ``N = len(k)``);
        ``None`` leaves the strengths as they are.
    methods
        How the methods text describes it (after "Link strengths were ").
    """

    scale: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None
    methods: str


#: The normalisations by name (``--normalization``); the first is the default.
NORMALIZATIONS: dict[str, Normalization] = {
    # s_ij = 2m c_ij / (k_i k_j)
    "association": Normalization(lambda ki, kj, k: k.sum() / (ki * kj),
                                 "normalised with the association strength (van Eck & Waltman, 2009)"),
    # s_ij = c_ij (N/k_i + N/k_j) / 2
    "fractionalization": Normalization(lambda ki, kj, k: (len(k) / ki + len(k) / kj) / 2.0,
                                       "normalised by fractionalization (van Eck & Waltman, 2009)"),
    "none": Normalization(None, "not normalised"),
}


def normalize(cooc: sp.spmatrix, *, method: str = "association") -> sp.csr_matrix:
    """Return the normalised strengths ``s_ij`` of a symmetric co-occurrence matrix.

    Parameters
    ----------
    cooc
        Symmetric sparse matrix of raw link strengths with an empty diagonal.
    method
        A name in :data:`NORMALIZATIONS`: ``"association"``: ``s_ij = 2m c_ij / (k_i k_j)``;
        ``"fractionalization"``: ``s_ij = c_ij (N/k_i + N/k_j) / 2``; ``"none"``: ``s_ij = c_ij``.

    Returns
    -------
    scipy.sparse.csr_matrix
        Same sparsity pattern as ``cooc``, float64; its ``indices`` and ``indptr`` are those of
        ``cooc`` when it has sorted indices and no duplicates (neither is ever changed in place).
    """
    if method not in NORMALIZATIONS:
        raise OptionError(f"unknown normalization {method!r}; expected one of {', '.join(NORMALIZATIONS)}")
    c = sp.csr_matrix(cooc)
    # New strengths of the same links: a canonical matrix (whose links no call reorders) lends its
    # link structure instead of a copy, which at millions of links is a tenth of a gigabyte.
    c = (sp.csr_matrix((c.data.astype(np.float64), c.indices, c.indptr), shape=c.shape) if c.has_canonical_format
         else sp.csr_matrix(c, dtype=np.float64, copy=True))
    scale = NORMALIZATIONS[method].scale
    if scale is None:
        return c
    k = np.asarray(c.sum(axis=1)).ravel()
    # Entries only exist where c_ij > 0, so k_i, k_j > 0 there: no division by zero.
    for lo, hi in _row_blocks(c.indptr):
        start, stop = c.indptr[lo], c.indptr[hi]
        rows = np.repeat(np.arange(lo, hi), np.diff(c.indptr[lo:hi + 1]))
        c.data[start:stop] *= scale(k[rows], k[c.indices[start:stop]], k)
    return c


#: Entries worked on at a time: the temporaries of a network of millions of links stay small.
_BLOCK = 1 << 20


def _row_blocks(indptr: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive row ranges ``[lo, hi)`` of a CSR matrix with about :data:`_BLOCK` entries each
    (at least one row)."""
    n, blocks, lo = len(indptr) - 1, [], 0
    while lo < n:
        hi = min(n, max(lo + 1, int(np.searchsorted(indptr, indptr[lo] + _BLOCK, side="right")) - 1))
        blocks.append((lo, hi))
        lo = hi
    return blocks


def checked_weights(weights: sp.spmatrix) -> sp.csr_matrix:
    """A fixed input for clustering and layout: float64 CSR, sorted indices, no diagonal.

    ``weights`` itself (its arrays shared, never modified) when it is so already, as a network's
    normalised weights are; otherwise a corrected copy.

    Raises :class:`OptionError` unless the matrix is square, symmetric, finite and
    non-negative.
    """
    w = sp.csr_matrix(weights, dtype=np.float64)  # shares the arrays of a float64 CSR matrix
    if w.shape[0] != w.shape[1]:
        raise OptionError(f"weights must be a square matrix, got shape {w.shape}")
    diagonal = bool(w.diagonal().any())
    if diagonal or not w.has_canonical_format or not w.data.all():
        w = w.copy()
        if diagonal:  # co-occurrence matrices have none: setdiag would copy them twice
            w.setdiag(0)
        w.eliminate_zeros()
        w.sum_duplicates()
        w.sort_indices()
    if not np.all(np.isfinite(w.data)) or (w.data < 0).any():
        raise OptionError("link weights must be finite and non-negative")
    if w.nnz and not _symmetric(w, tolerance=1e-9 * w.data.max()):
        raise OptionError("weights must be a symmetric matrix")
    return w


def _symmetric(w: sp.csr_matrix, *, tolerance: float) -> bool:
    """Whether ``|w - w.T| <= tolerance`` everywhere, for a canonical CSR ``w``: compared a block
    at a time when both have the same links, as a normalised network does."""
    t = w.T.tocsr()  # sorted indices, no duplicates
    if not (np.array_equal(w.indptr, t.indptr) and np.array_equal(w.indices, t.indices)):
        return bool(abs(w - t).max() <= tolerance)
    return all(np.abs(w.data[start:stop] - t.data[start:stop]).max(initial=0.0) <= tolerance
               for start, stop in ((w.indptr[lo], w.indptr[hi]) for lo, hi in _row_blocks(w.indptr)))
