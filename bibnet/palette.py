"""VOSviewer's cluster colours and circle sizes: one convention for the pictures and for the
graph files (GEXF).

Reference: docs section 7.4 (drawing conventions of VOSviewer Online).
"""

from __future__ import annotations

import numpy as np

__all__ = ["CLUSTER_COLORS", "NO_CLUSTER_COLOR", "SIZE_VARIATION", "as_float", "circle_diameters", "cluster_colors",
           "hex_rgb", "relative_sizes"]

#: VOSviewer Online's default colours of clusters 1-18 (cluster 19 starts again at the first).
CLUSTER_COLORS: tuple[str, ...] = (
    "#d62728", "#2ca02c", "#1f77b4", "#bcbd22", "#9467bd", "#17becf",
    "#ff7f0e", "#8c564b", "#e377c2", "#ff9896", "#98df8a", "#aec7e8",
    "#dbdb8d", "#c5b0d5", "#9edae5", "#ffbb78", "#c49c94", "#f7b6d2",
)
#: Colour of items without a cluster.
NO_CLUSTER_COLOR = "#bfbfbf"
#: VOSviewer Online's item size variation.
SIZE_VARIATION = 0.5


def cluster_colors(clusters) -> np.ndarray:
    """Hex colour of each cluster number (1-based); missing clusters get :data:`NO_CLUSTER_COLOR`.

    Parameters
    ----------
    clusters
        Array-like of cluster numbers (``Int64`` with ``<NA>``, floats with NaN, or ints).

    Returns
    -------
    numpy.ndarray
        Strings ``"#rrggbb"``, one per cluster number.
    """
    c = np.asarray(as_float(clusters))
    known = np.isfinite(c) & (c >= 1)
    palette = np.array(CLUSTER_COLORS + (NO_CLUSTER_COLOR,))
    index = np.where(known, (np.where(known, c, 1).astype(np.int64) - 1) % len(CLUSTER_COLORS), len(CLUSTER_COLORS))
    return palette[index]


def hex_rgb(colors) -> np.ndarray:
    """``n x 3`` integers 0..255 of ``"#rrggbb"`` strings."""
    return np.array([[int(c[k:k + 2], 16) for k in (1, 3, 5)] for c in colors], dtype=np.int64).reshape(-1, 3)


def as_float(values) -> np.ndarray:
    """Float array with NaN for missing values (accepts pandas nullable arrays)."""
    if hasattr(values, "to_numpy"):
        try:
            return values.to_numpy(dtype=np.float64, na_value=np.nan)
        except TypeError:  # plain numpy-backed Series
            return values.to_numpy(dtype=np.float64)
    return np.asarray(values, dtype=np.float64)


def relative_sizes(weights) -> np.ndarray:
    """``(w / mean w) ** SIZE_VARIATION`` of each weight (missing and negative weights count as 0;
    all 1 when no weight is positive): what VOSviewer Online grows circles and labels by."""
    w = np.nan_to_num(as_float(weights), nan=0.0).clip(min=0.0)
    mean = w.mean() if len(w) else 0.0
    return (w / mean if mean > 0 else np.ones_like(w)) ** SIZE_VARIATION


def circle_diameters(weights, *, scale: float = 1.0) -> np.ndarray:
    """VOSviewer Online's circle diameters in pixels, ``scale * max(16 * relative size, 5)``."""
    return scale * np.maximum(16.0 * relative_sizes(weights), 5.0)
