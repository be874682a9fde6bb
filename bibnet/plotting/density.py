"""Density views: VOSviewer's Gaussian kernel density of the map, with labels (plotly).

Reference section 7.1: the density at a point ``p`` is ``D(p) = sum_i w_i * exp(-(|p - x_i| / (d * h))**2)``
with ``w_i`` the item weight, ``d`` the mean distance between items and ``h`` the kernel width.

* Item density (:func:`density_figure`): ``D`` divided by its maximum on the grid, coloured with
  VOSviewer's viridis.
* Cluster density (:func:`cluster_density_figure`, section 7.2): the same sum per cluster,
  ``D_c``. A grid cell's colour is the mean of the cluster colours weighted by ``D_c`` (in sRGB
  0..255), ``m = sum_c D_c rgb_c / D``, laid over the white background with opacity
  ``a = D / max D`` (the maximum over the grid): ``pixel = round(255 - a * (255 - m))``. So the
  densest cell shows its cluster's colour fully, and where no item is near the map is white.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy.spatial.distance import cdist

from bibnet.errors import OptionError
from bibnet.palette import as_float, hex_rgb
from bibnet.plotting.colors import cluster_colors, viridis_colorscale
from bibnet.plotting.network import (
    Frame,
    Labels,
    base_layout,
    drawable,
    empty_figure,
    fit_frame,
    item_sizes,
    label_boxes,
    label_trace,
)
from bibnet.plotting.raster import image_trace
from bibnet.plotting.wording import column_name, hover_texts
from bibnet.texts import check_lang

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
    height: int | None = None,
    scale: float = 1.0,
    lang: str = "en",
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
    lang
        Language of the hover texts and their numbers (:mod:`bibnet.texts`: ``"en"``, ``"ru"`` or
        ``"kk"``). Keyword labels are never translated.

    Returns
    -------
    plotly.graph_objects.Figure
        A heatmap (values 0..1) and a text trace of labels that do not overlap; hovering an item
        shows its weights and scores.

    Raises
    ------
    OptionError
        Unknown language or weight column, or a kernel width that is not positive.
    """
    canvas = _canvas(items, weight=weight, kernel_width=kernel_width, title=title, width=width, height=height,
                     scale=scale, lang=lang)
    if isinstance(canvas, go.Figure):
        return canvas
    z = item_density(canvas.x, canvas.y, canvas.w, canvas.gx, canvas.gy, kernel_width=kernel_width)
    top = z.max()
    z = (z / top if top > 0 else z).astype(np.float32)
    return canvas.figure(go.Heatmap(x=canvas.gx.round(5), y=canvas.gy.round(5), z=z, zmin=0.0, zmax=1.0,
                                    colorscale=viridis_colorscale(), showscale=False, zsmooth="best", hoverinfo="skip"))


def cluster_density_figure(
    items: pd.DataFrame,
    *,
    weight: str = "weight<Occurrences>",
    kernel_width: float = DEFAULT_KERNEL_WIDTH,
    title: str | None = None,
    width: int = 900,
    height: int | None = None,
    scale: float = 1.0,
    lang: str = "en",
) -> go.Figure:
    """Plotly figure of the cluster density of a keyword map (VOSviewer's second density view).

    Parameters
    ----------
    items
        As for :func:`density_figure`, with a ``cluster`` column (1-based, ``<NA>`` for none);
        items without a cluster count with the grey of the network view.
    weight, kernel_width, title, width, height, scale, lang
        As for :func:`density_figure`: the same kernel, grid, labels and hover texts.

    Returns
    -------
    plotly.graph_objects.Figure
        An ``image`` trace of the cell colours (the module docstring gives the transform), hover
        circles and labels. The same input always gives the same figure.

    Raises
    ------
    OptionError
        No item has a cluster, or as for :func:`density_figure`.
    """
    check_lang(lang)
    if "cluster" not in items.columns or not np.isfinite(as_float(items["cluster"])).any():
        raise OptionError("the cluster density needs clusters; cluster the network before plotting it")
    canvas = _canvas(items, weight=weight, kernel_width=kernel_width, title=title, width=width, height=height,
                     scale=scale, lang=lang)
    if isinstance(canvas, go.Figure):
        return canvas
    rgb = hex_rgb(cluster_colors(canvas.items["cluster"])).astype(np.float64)
    pixels = cluster_density_rgb(canvas.x, canvas.y, canvas.w, rgb, canvas.gx, canvas.gy, kernel_width=kernel_width)
    gx, gy = canvas.gx, canvas.gy
    return canvas.figure(image_trace(pixels, x0=gx[0], dx=gx[1] - gx[0], y0=gy[0], dy=gy[1] - gy[0]))


def cluster_density_rgb(x: np.ndarray, y: np.ndarray, w: np.ndarray, rgb: np.ndarray, gx: np.ndarray,
                        gy: np.ndarray, *, kernel_width: float) -> np.ndarray:
    """Colours (``len(gy) x len(gx) x 3``, uint8) of the cluster density on the grid ``gy x gx``.

    ``rgb`` holds each item's cluster colour (``n x 3``, 0..255). Mixing weighted by each
    cluster's density is the same as weighting each item's colour by its own kernel term,
    ``sum_c D_c rgb_c = sum_i w_i K_i rgb_i``: four kernel sums (density and three channels),
    whatever the number of clusters.
    """
    total = item_density(x, y, w, gx, gy, kernel_width=kernel_width)
    top = total.max()
    if not top > 0:
        return np.full((len(gy), len(gx), 3), 255, dtype=np.uint8)
    alpha = total / top
    with np.errstate(divide="ignore", invalid="ignore"):  # D = 0 far from every item: alpha 0, white
        mixed = [item_density(x, y, w * rgb[:, k], gx, gy, kernel_width=kernel_width) / total for k in range(3)]
    channels = [np.where(total > 0, 255.0 - alpha * (255.0 - m), 255.0) for m in mixed]
    return np.rint(np.stack(channels, axis=-1)).clip(0, 255).astype(np.uint8)


@dataclass(frozen=True)
class _Canvas:
    """What both density views share: the drawable items, their weights, the frame, grid and labels."""

    items: pd.DataFrame
    weight: str
    x: np.ndarray
    y: np.ndarray
    w: np.ndarray
    gx: np.ndarray
    gy: np.ndarray
    frame: Frame
    diameter: np.ndarray
    labels: Labels
    title: str | None
    lang: str = "en"

    def figure(self, density: go.Heatmap | go.Image) -> go.Figure:
        """The density trace with hover circles and labels on top."""
        fig = go.Figure(layout=base_layout(self.frame, self.title))
        fig.update_layout(showlegend=False)
        fig.add_trace(density)
        fig.add_trace(go.Scatter(  # invisible circles that carry the hover texts
            x=self.x.round(5), y=self.y.round(5), mode="markers", marker=dict(size=self.diameter.round(2), opacity=0),
            hovertext=list(hover_texts(self.items, lang=self.lang)), hoverinfo="text", showlegend=False,
            customdata=self.items["id"].tolist(),  # item ids, as the network view's markers carry them
            name=html.escape(self.weight if self.lang == "en" else column_name(self.weight, lang=self.lang), quote=False),
        ))
        fig.add_trace(label_trace(self.items, self.labels, self.diameter, self.frame))
        return fig


def _canvas(items: pd.DataFrame, *, weight: str, kernel_width: float, title: str | None, width: int,
            height: int | None, scale: float, lang: str) -> _Canvas | go.Figure:
    """The shared set-up of a density view, or the empty figure when there is nothing to draw."""
    check_lang(lang)
    if weight not in items.columns:
        raise OptionError(f"cannot weight the density by {weight!r}: no such column")
    if not kernel_width > 0:
        raise OptionError(f"kernel width must be positive, got {kernel_width}")
    items = drawable(items)
    if items.empty:
        return empty_figure(title, width=width, height=height or round(0.75 * width), lang=lang)
    diameter, font = item_sizes(items[weight], scale=scale)
    labels = label_boxes(items, font)
    frame = fit_frame(items, width=width, height=height, right=10, title=title,
                      reach_x=labels.half_w, reach_y=labels.half_h)
    w = np.nan_to_num(items[weight].to_numpy(dtype=np.float64, na_value=np.nan), nan=0.0).clip(min=0.0)
    return _Canvas(items, weight, items["x"].to_numpy(np.float64), items["y"].to_numpy(np.float64), w,
                   _grid(frame.x_range, frame.px_per_unit), _grid(frame.y_range, frame.px_per_unit), frame, diameter,
                   labels, title, lang)


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
