"""Item density view: VOSviewer's Gaussian kernel density of the map, as a plotly heatmap with labels.

Reference section 7.1: the density at a point ``p`` is ``sum_i w_i * exp(-(|p - x_i| / (d * h))**2)``
with ``w_i`` the item weight, ``d`` the mean distance between items and ``h`` the kernel width;
it is divided by its maximum on the grid and coloured with VOSviewer's viridis.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy.spatial.distance import cdist

from bibnet.errors import OptionError
from bibnet.plotting.colors import viridis_colorscale
from bibnet.plotting.network import (
    base_layout,
    drawable,
    empty_figure,
    fit_frame,
    hover_texts,
    item_sizes,
    label_boxes,
    label_trace,
)

#: Kernel width ``h``. VOSviewer's default is undocumented; 0.2 of the mean item distance gives
#: peaks about as wide as a cluster's core, close to what VOSviewer's density view shows.
DEFAULT_KERNEL_WIDTH = 0.2
CELL_PX = 4  # grid resolution: one density value per 4 x 4 pixels (the browser smooths between them)


def density_figure(
    items: pd.DataFrame,
    *,
    weight: str = "weight<Occurrences>",
    kernel_width: float = DEFAULT_KERNEL_WIDTH,
    title: str | None = None,
    width: int = 900,
    height: int = 700,
    scale: float = 1.0,
) -> go.Figure:
    """Plotly figure of the item density of a keyword map, labels on top.

    Parameters
    ----------
    items
        One row per keyword with ``id``, ``label``, ``x``, ``y`` and the ``weight`` column (the
        in-memory form of a VOSviewer map file). Items without coordinates are left out.
    weight
        Weight column ``w_i`` of the kernel sum (and of label sizes).
    kernel_width
        ``h``, in units of the mean distance between items.
    title
        Figure title (plain text).
    width, height, scale
        Canvas size in pixels and VOSviewer's scale factor of the labels.

    Returns
    -------
    plotly.graph_objects.Figure
        A heatmap (values 0..1) and a text trace of labels that do not overlap; hovering an item
        shows its weights and scores.
    """
    if weight not in items.columns:
        raise OptionError(f"cannot weight the density by {weight!r}: no such column")
    if not kernel_width > 0:
        raise OptionError(f"kernel width must be positive, got {kernel_width}")
    items = drawable(items)
    if items.empty:
        return empty_figure(title, width=width, height=height)

    diameter, font = item_sizes(items[weight], scale=scale)
    labels = label_boxes(items, font)
    frame = fit_frame(items, width=width, height=height, right=10, title=title,
                      reach_x=labels.half_w, reach_y=labels.half_h)
    x, y = items["x"].to_numpy(np.float64), items["y"].to_numpy(np.float64)
    w = np.nan_to_num(items[weight].to_numpy(dtype=np.float64, na_value=np.nan), nan=0.0).clip(min=0.0)
    gx = _grid(frame.x_range, frame.px_per_unit)
    gy = _grid(frame.y_range, frame.px_per_unit)
    z = item_density(x, y, w, gx, gy, kernel_width=kernel_width)
    top = z.max()
    z = (z / top if top > 0 else z).astype(np.float32)

    fig = go.Figure(layout=base_layout(frame, title))
    fig.update_layout(showlegend=False)
    fig.add_trace(go.Heatmap(x=gx.round(5), y=gy.round(5), z=z, zmin=0.0, zmax=1.0, colorscale=viridis_colorscale(),
                             showscale=False, zsmooth="best", hoverinfo="skip"))
    fig.add_trace(go.Scatter(  # invisible circles that carry the hover texts
        x=x.round(5), y=y.round(5), mode="markers", marker=dict(size=diameter.round(2), opacity=0),
        hovertext=list(hover_texts(items)), hoverinfo="text", showlegend=False, name=html.escape(weight, quote=False),
    ))
    fig.add_trace(label_trace(items, labels, diameter, frame))
    return fig


def item_density(x: np.ndarray, y: np.ndarray, w: np.ndarray, gx: np.ndarray, gy: np.ndarray, *,
                 kernel_width: float) -> np.ndarray:
    """Kernel density on the grid ``gy x gx`` (rows are y), not normalised.

    The Gaussian kernel factorises over the two axes, so the grid is one matrix product:
    ``D = (Ky * w).T @ Kx`` with ``Kx[i, j] = exp(-((gx_j - x_i) / s)**2)``, ``s = d * h``.
    """
    s = mean_distance(x, y) * kernel_width
    kx = np.exp(-(((gx[None, :] - x[:, None]) / s) ** 2))
    ky = np.exp(-(((gy[None, :] - y[:, None]) / s) ** 2))
    return (ky * w[:, None]).T @ kx


def mean_distance(x: np.ndarray, y: np.ndarray, *, chunk: int = 1024) -> float:
    """Mean Euclidean distance over all pairs of items (1 with fewer than two items or all in one point)."""
    n = len(x)
    if n < 2:
        return 1.0
    xy = np.column_stack([x, y])
    total = sum(float(cdist(xy[i:i + chunk], xy).sum()) for i in range(0, n, chunk))  # memory stays chunk x n
    mean = total / (n * (n - 1))
    return mean if mean > 0 else 1.0


def _grid(span: tuple[float, float], px_per_unit: float) -> np.ndarray:
    """Cell centres every :data:`CELL_PX` pixels across ``span``."""
    n = max(2, int(np.ceil((span[1] - span[0]) * px_per_unit / CELL_PX)))
    step = (span[1] - span[0]) / n
    return span[0] + step * (np.arange(n) + 0.5)
