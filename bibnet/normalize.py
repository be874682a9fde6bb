"""Normalisation of co-occurrence link strengths, as VOSviewer does it.

The normalised strengths feed clustering and layout; the raw counts are what maps and
network files report. Node weights ``k_i`` are the total link strengths *within the mapped
network* and ``2m = sum(k)`` (reference section 4, gotcha 1).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import scipy.sparse as sp

from bibnet.errors import OptionError

Normalization = Literal["association", "fractionalization", "none"]
NORMALIZATIONS: tuple[str, ...] = ("association", "fractionalization", "none")


def normalize(cooc: sp.spmatrix, method: Normalization = "association") -> sp.csr_matrix:
    """Return the normalised strengths ``s_ij`` of a symmetric co-occurrence matrix.

    Parameters
    ----------
    cooc
        Symmetric sparse matrix of raw link strengths with an empty diagonal.
    method
        ``"association"``: ``s_ij = 2m c_ij / (k_i k_j)``; ``"fractionalization"``:
        ``s_ij = c_ij (N/k_i + N/k_j) / 2``; ``"none"``: ``s_ij = c_ij``.

    Returns
    -------
    scipy.sparse.csr_matrix
        Same sparsity pattern as ``cooc``, float64.
    """
    c = sp.csr_matrix(cooc, dtype=np.float64, copy=True)
    if method == "none":
        return c
    if method not in NORMALIZATIONS:
        raise OptionError(f"unknown normalization {method!r}; expected one of {', '.join(NORMALIZATIONS)}")
    k = np.asarray(c.sum(axis=1)).ravel()
    rows = np.repeat(np.arange(c.shape[0]), np.diff(c.indptr))
    cols = c.indices
    # Entries only exist where c_ij > 0, so k_i, k_j > 0 there: no division by zero.
    if method == "association":
        c.data *= k.sum() / (k[rows] * k[cols])
    else:
        n = c.shape[0]
        c.data *= (n / k[rows] + n / k[cols]) / 2.0
    return c


def checked_weights(weights: sp.spmatrix) -> sp.csr_matrix:
    """A fixed input for clustering and layout: float64 CSR copy, sorted indices, no diagonal.

    Raises :class:`OptionError` unless the matrix is square, symmetric, finite and
    non-negative.
    """
    w = sp.csr_matrix(weights, dtype=np.float64, copy=True)
    if w.shape[0] != w.shape[1]:
        raise OptionError(f"weights must be a square matrix, got shape {w.shape}")
    if w.diagonal().any():  # co-occurrence matrices have none: setdiag would copy them twice
        w.setdiag(0)
    w.eliminate_zeros()
    w.sum_duplicates()
    w.sort_indices()
    if not np.all(np.isfinite(w.data)) or (w.data < 0).any():
        raise OptionError("link weights must be finite and non-negative")
    if w.nnz and abs(w - w.T).max() > 1e-9 * w.data.max():
        raise OptionError("weights must be a symmetric matrix")
    return w
