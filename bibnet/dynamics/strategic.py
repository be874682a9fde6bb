"""The themes of one period's map and their place in the strategic diagram.

Callon et al. (1991) and Cobo et al. (2011): with ``c_i`` the occurrences of keyword ``i`` and
``c_ij`` the co-occurrences of ``i`` and ``j`` in the period, the equivalence index is
``e_ij = c_ij**2 / (c_i * c_j)``. A theme (a cluster of the period's map) ``T`` has

- centrality ``10 * sum(e_ij for i in T, j not in T)``: how strongly it is tied to the other
  themes (its relevance to the field), and
- density ``100 * sum(e_ij for i < j in T) / |T|``: how strongly its keywords are tied to each
  other (its development).

The themes are split at the median centrality and the median density of the period's themes
(a theme at a median counts as high): motor themes (high, high), basic and transversal themes
(high centrality, low density), niche themes (low, high), emerging or declining themes (low, low).

``c_ij`` is the link strength of the map, so with fractional counting it is the fractional
co-occurrence; everything here can be recomputed from the period's ``map.txt`` and ``network.txt``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.network import Network

#: Quadrant names, by (high centrality, high density).
QUADRANTS: dict[tuple[bool, bool], str] = {
    (True, True): "motor",
    (True, False): "basic",
    (False, True): "niche",
    (False, False): "emerging or declining",
}
#: Columns of the theme table, in order.
THEME_COLUMNS = ("period", "theme", "name", "keywords", "n_keywords", "documents", "occurrences", "centrality",
                 "density", "quadrant")


def equivalence(cooccurrence: sp.csr_matrix, occurrences: np.ndarray) -> sp.csr_matrix:
    """The equivalence index ``e_ij = c_ij**2 / (c_i * c_j)`` of every link (same pattern as ``cooccurrence``)."""
    coo = sp.coo_matrix(cooccurrence)
    c = np.asarray(occurrences, dtype=np.float64)
    data = coo.data.astype(np.float64) ** 2 / (c[coo.row] * c[coo.col])
    return sp.csr_matrix((data, (coo.row, coo.col)), shape=coo.shape)


def centrality_density(cooccurrence: sp.csr_matrix, occurrences: np.ndarray,
                       labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Callon's centrality and density of each theme.

    Parameters
    ----------
    cooccurrence
        Keyword x keyword link strengths (symmetric, empty diagonal).
    occurrences
        Occurrences of each keyword.
    labels
        Theme of each keyword, 1..K; 0 for a keyword in no theme (it still counts as outside
        every theme for the centrality).

    Returns
    -------
    centrality, density : numpy.ndarray
        Length K, theme ``t`` at position ``t - 1``.
    """
    e = sp.coo_matrix(equivalence(cooccurrence, occurrences))
    labels = np.asarray(labels, dtype=np.int64)
    k = int(labels.max()) if labels.size else 0
    a, b = labels[e.row], labels[e.col]
    inside = (a == b) & (a > 0)
    # Each pair is stored twice (i, j) and (j, i): inside a theme, half of the sum is over i < j.
    within = np.bincount(a[inside], weights=e.data[inside], minlength=k + 1)[1:] / 2
    across = np.bincount(a[~inside], weights=e.data[~inside], minlength=k + 1)[1:]
    sizes = np.bincount(labels, minlength=k + 1)[1:]
    with np.errstate(invalid="ignore", divide="ignore"):
        density = np.where(sizes > 0, 100 * within / np.maximum(sizes, 1), 0.0)
    return 10 * across, density


def quadrants(centrality: np.ndarray, density: np.ndarray) -> list[str]:
    """The quadrant of each theme, split at the medians (a theme at a median counts as high)."""
    if len(centrality) == 0:
        return []
    high_c = centrality >= np.median(centrality)
    high_d = density >= np.median(density)
    return [QUADRANTS[bool(c), bool(d)] for c, d in zip(high_c, high_d, strict=True)]


def theme_members(net: Network) -> list[dict[str, str]]:
    """Each theme's keywords (cleaned key -> label), theme 1 first, by occurrences (most first)
    then label; keywords in no theme are left out."""
    items = net.items.assign(_t=net.items["cluster"].fillna(0).to_numpy(dtype=np.int64))
    items = items[items["_t"] > 0].sort_values(["_t", "occurrences", "label"], ascending=[True, False, True],
                                               kind="stable")
    return [dict(zip(group["key"], group["label"], strict=True)) for _, group in items.groupby("_t", sort=True)]


def theme_table(net: Network, *, period: str) -> pd.DataFrame:
    """The themes of a clustered network: :data:`THEME_COLUMNS`, one row per cluster.

    ``name`` is the theme's most frequent keyword, ``keywords`` all its keywords in the order
    of :func:`theme_members` joined by ``"; "``, ``documents`` the period's records with at
    least one of them and ``occurrences`` the sum of their occurrences.
    """
    items = net.items
    labels = items["cluster"].fillna(0).to_numpy(dtype=np.int64)
    occ = items["occurrences"].to_numpy(dtype=np.float64)
    centrality, density = centrality_density(net.cooccurrence, occ, labels)
    k = len(centrality)  # clusters are numbered 1..k, each with keywords
    members = [list(m.values()) for m in theme_members(net)]
    incidence = sp.csc_matrix(net.incidence)
    documents = [int(np.count_nonzero(incidence[:, np.flatnonzero(labels == t)].getnnz(axis=1)))
                 for t in range(1, k + 1)]
    return pd.DataFrame({
        "period": [period] * k,
        "theme": np.arange(1, k + 1, dtype=np.int64),
        "name": [m[0] for m in members],
        "keywords": ["; ".join(m) for m in members],
        "n_keywords": np.bincount(labels, minlength=k + 1)[1:].astype(np.int64),
        "documents": np.asarray(documents, dtype=np.int64),
        "occurrences": np.rint(np.bincount(labels, weights=occ, minlength=k + 1)[1:]).astype(np.int64),
        "centrality": centrality,
        "density": density,
        "quadrant": quadrants(centrality, density),
    }, columns=list(THEME_COLUMNS))
