"""Interactive keyword co-occurrence network (plotly), drawn the way VOSviewer Online draws maps.

Conventions (reference section 7.4): with ``w`` the size weight divided by its mean, a circle's
diameter is ``scale * max(16 * w**0.5, 5)`` px at VOSviewer Online's 1400 x 1000 canvas (smaller
canvases shrink circles and links in proportion, :func:`canvas_scale`, so that circles cover as
much of the map as in VOSviewer) and its label's font ``9 * scale + 4 * w**0.5`` px. Labels are
placed heaviest item first (:mod:`bibnet.plotting.labels`); the strongest links (at most
``max_links``) are drawn under the circles (:mod:`bibnet.plotting.links`). Legends (clusters or
colour bar, and the size legend of :mod:`bibnet.plotting.legend`) sit in the right margin, outside
the map. Labels reach plotly HTML-escaped, so a keyword is always shown as text, never interpreted
as markup.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bibnet.errors import OptionError
from bibnet.palette import circle_diameters, relative_sizes
from bibnet.plotting.colors import MISSING_SCORE_COLOR, cluster_colors, score_colors, score_range, viridis_colorscale
from bibnet.plotting.labels import MAP_FONT, MAX_LABEL_LENGTH, Labels, label_boxes, place_labels, priority
from bibnet.plotting.legend import side_width, size_legend_extent, size_legend_traces, size_values, tick_text
from bibnet.plotting.links import link_traces
from bibnet.plotting.wording import cluster_name, column_name, hover_texts, missing_name
from bibnet.texts import check_lang, text

__all__ = ["FONT", "LABEL_COLOR", "MAP_FONT", "MAX_LABEL_LENGTH", "OVERLAYS", "Frame", "Labels",
           "canvas_scale", "label_boxes", "network_figure"]

#: Short names of the colourings, for ``color=`` (the full column names work too).
OVERLAYS: dict[str, str] = {
    "cluster": "cluster",
    "year": "score<Avg. pub. year>",
    "citations": "score<Avg. citations>",
    "norm_citations": "score<Avg. norm. citations>",
    "author_share": "score<Author keyword share>",
}
LABEL_COLOR = "#222222"
FONT = "Arial, Helvetica, sans-serif"  # the charts of bibnet.plotting.themes (their layout assumes Arial)
REFERENCE_CANVAS = (1400, 1000)  # VOSviewer Online's window in the reference pictures (docs/figures)
ASPECT = (0.5, 1.4)  # height / width of a canvas sized to its map
TOP = 40  # room for a title, also when it is set later (bibnet analyze titles the figures after drawing)


@dataclass(frozen=True)
class Frame:
    """Where data coordinates land on the canvas: the same number of pixels per unit on both axes."""

    width: int
    height: int
    margin: dict[str, int]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    px_per_unit: float
    side: float = 0.0  # px at the right of the plot area kept for legends (no item, no label)

    def to_px(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Plot-area pixel coordinates of data points (origin lower left, y upwards, as in the data)."""
        return (x - self.x_range[0]) * self.px_per_unit, (y - self.y_range[0]) * self.px_per_unit

    @property
    def plot_size(self) -> tuple[float, float]:
        """Width and height of the plot area (pixels)."""
        m = self.margin
        return float(self.width - m["l"] - m["r"]), float(self.height - m["t"] - m["b"])

    @property
    def legend_x(self) -> float:
        """Where the legend column starts, as a fraction of the plot area's width (plotly's paper x)."""
        return 1.0 - self.side / self.plot_size[0]


def network_figure(
    items: pd.DataFrame,
    links: pd.DataFrame,
    *,
    color: str = "cluster",
    size: str = "weight<Occurrences>",
    max_links: int = 1000,
    title: str | None = None,
    color_range: tuple[float, float] | None = None,
    width: int = 900,
    height: int | None = None,
    scale: float = 1.0,
    curved_links: bool = False,
    lang: str = "en",
) -> go.Figure:
    """Plotly figure of a keyword map: the network view or an overlay.

    Parameters
    ----------
    items
        One row per keyword: ``id``, ``label``, ``x``, ``y``, ``cluster`` and the ``weight<...>`` and
        ``score<...>`` columns of a VOSviewer map file. Items without coordinates are not drawn.
    links
        ``source``, ``target`` (item ids) and ``strength``, each pair once.
    color
        ``"cluster"`` (cluster colours, with a legend) or a score column such as
        ``"score<Avg. pub. year>"`` (overlay: VOSviewer's viridis on the 10th-90th percentile
        range, rounded and clamped, with a colour bar; items without a score are grey). The short
        names of :data:`OVERLAYS` (``"year"``, ``"citations"``, ...) are accepted too.
    size
        Weight column that sizes circles and labels (and the size legend's numbers).
    max_links
        Draw at most this many links, the strongest (ties: lower ids first).
    title
        Figure title (plain text).
    color_range
        ``(min, max)`` of an overlay's colour bar instead of the default range.
    width, height
        Canvas size in pixels. Without ``height`` the canvas takes the map's aspect (circles,
        drawn labels, title and legends), between 0.5 and 1.4 times as high as wide.
    scale
        VOSviewer's scale factor of circles, labels and links.
    curved_links
        Draw links as curves (quadratic Bézier) instead of straight lines.
    lang
        Language of legends, hover texts, colour bar and size legend, and of their numbers
        (:mod:`bibnet.texts`: ``"en"``, ``"ru"`` or ``"kk"``). Keyword labels are never translated.

    Returns
    -------
    plotly.graph_objects.Figure
        The same input always gives the same figure.

    Raises
    ------
    OptionError
        Unknown language, colour or size column, or items without any coordinates.
    """
    check_lang(lang)
    color = OVERLAYS.get(color, color)
    if color != "cluster" and color not in items.columns:
        raise OptionError(f"cannot colour by {color!r}: no such column; expected 'cluster' or one of "
                          + ", ".join(c for c in items.columns if c.startswith("score<")))
    if size not in items.columns:
        raise OptionError(f"cannot size by {size!r}: no such column")
    if max_links < 0:
        raise OptionError(f"max_links must be at least 0, got {max_links}")
    items = drawable(items)
    if items.empty:
        return empty_figure(title, width=width, height=height or round(0.75 * width), lang=lang)

    factor = canvas_scale(width, height)
    diameter, font = item_sizes(items[size], scale=scale)
    diameter = diameter * factor  # circles follow the canvas, labels stay legible
    weight = items[size].to_numpy(dtype=np.float64, na_value=np.nan)
    labels = label_boxes(items, font)
    colors = cluster_colors(items["cluster"]) if color == "cluster" else None
    hover = hover_texts(items, lang=lang)
    circles = cluster_traces(items, diameter, colors, hover, lang=lang) if colors is not None else \
        score_traces(items, color, diameter, hover, color_range, lang=lang)
    values = size_values(weight)
    ticks = item_sizes(pd.Series(np.r_[weight, values]), scale=scale)[0][len(weight):] * factor
    legend_w, legend_h = size_legend_extent(values, list(ticks), column_name(size, lang=lang), lang=lang)
    names = [html.unescape(t.name) for t in circles if t.showlegend is not False and t.name]
    values_c = items[color].to_numpy(dtype=np.float64, na_value=np.nan) if colors is None else None
    side = side_width(names, values_c, color_range, lang=lang)
    side = int(np.ceil(max(side, legend_w + 12) + 14))  # inside the axes, so plotly draws the size legend
    entries = 20 * len(names) + 16 if colors is not None else 260  # colour bar and "No score" above the size legend
    frame = frame_with_labels(items, labels, diameter, weight, width=width, height=height, side=side, title=title,
                              min_height=TOP + 10 + entries + legend_h + 20)
    fig = go.Figure(layout=base_layout(frame, title))
    fig.add_traces(link_traces(items, links, max_links=max_links, scale=scale * factor, colors=colors,
                               curved=curved_links))
    fig.add_traces(circles)
    if colors is None:  # colour bar at the top, "No score" below it, the size legend at the bottom
        fig.update_layout(legend=dict(y=0.45, yanchor="top"))
        fig.update_traces(marker_colorbar_x=frame.legend_x + 15 / frame.plot_size[0], selector=dict(marker_showscale=True))
    fig.add_trace(label_trace(items, labels, diameter, frame, weight=weight))
    fig.add_traces(size_legend_traces(values, list(ticks), x_px=frame.plot_size[0] - frame.side + 12, y_px=4,
                                      px_per_unit=frame.px_per_unit, origin=(frame.x_range[0], frame.y_range[0]),
                                      title=column_name(size, lang=lang), lang=lang))
    return fig


def canvas_scale(width: int, height: int | None) -> float:
    """How much smaller than VOSviewer Online's 1400 x 1000 window the canvas is (circles and links shrink so)."""
    ref_w, ref_h = REFERENCE_CANVAS
    return min(width / ref_w, height / ref_h) if height is not None else width / ref_w


def frame_with_labels(items: pd.DataFrame, labels: Labels, diameter: np.ndarray, weight: np.ndarray, *, width: int,
                      height: int | None, side: int, title: str | None, min_height: float = 0.0) -> Frame:
    """The frame that fits the circles and the labels drawn at its scale.

    Fitted on the circles first, then again on the circles and the labels drawn in that frame,
    so that labels at the edge do not shrink the map for labels that are not shown.
    """
    radius = diameter / 2
    frame = fit_frame(items, width=width, height=height, right=10, side=side, title=title, reach_x=radius,
                      reach_y=radius, min_height=min_height)
    shown = shown_labels(items, labels, diameter, frame, weight=weight, bounded=False)  # edge labels widen the frame
    reach_x = np.maximum(radius, np.where(shown, labels.half_w, 0.0))
    reach_y = (np.maximum(radius, np.where(shown, labels.down, 0.0)), np.maximum(radius, np.where(shown, labels.up, 0.0)))
    return fit_frame(items, width=width, height=height, right=10, side=side, title=title, reach_x=reach_x,
                     reach_y=reach_y, min_height=min_height)


# -- building blocks, shared with the density view ------------------------------------------------
def drawable(items: pd.DataFrame) -> pd.DataFrame:
    """Items with finite coordinates, in id order; raises if items exist but none has coordinates."""
    xy = items[["x", "y"]].to_numpy(dtype=np.float64, na_value=np.nan)
    ok = np.isfinite(xy).all(axis=1)
    if len(items) and not ok.any():
        raise OptionError("the items have no layout (x and y are empty); compute a layout before plotting")
    return items.loc[ok].sort_values("id", kind="stable").reset_index(drop=True)


def fit_frame(items: pd.DataFrame, *, width: int, height: int | None, right: int, title: str | None,
              reach_x: np.ndarray | tuple[np.ndarray, np.ndarray], reach_y: np.ndarray | tuple[np.ndarray, np.ndarray],
              pad_px: float = 6.0, min_height: float = 0.0, side: int = 0) -> Frame:
    """The largest equal scale at which every item's circle and label box stays on the canvas.

    ``reach_x`` and ``reach_y`` are how far (pixels) each item's drawing extends from its centre,
    the same both ways or ``(left, right)`` and ``(down, up)``. Without ``height`` the canvas is as
    high as the map needs at ``width`` (at least ``min_height``, within :data:`ASPECT`). The map
    keeps clear of the last ``side`` pixels of the plot area, the legends' column.
    """
    margin = {"l": 10, "r": right, "t": TOP, "b": 10}
    coords = [items["x"].to_numpy(np.float64), items["y"].to_numpy(np.float64)]
    reach = [(np.asarray(r[0], np.float64) + pad_px, np.asarray(r[1], np.float64) + pad_px) if isinstance(r, tuple)
             else (np.asarray(r, np.float64) + pad_px,) * 2 for r in (reach_x, reach_y)]

    def needed(px: float) -> np.ndarray:  # pixels needed on each axis at ``px`` pixels per unit
        return np.array([np.max(px * c + hi) - np.min(px * c - lo) for c, (lo, hi) in zip(coords, reach, strict=True)])

    def largest(fits) -> float:  # bisection: needed() grows with the scale
        lo, hi = 0.0, 1e6
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if fits(needed(mid)) else (lo, mid)
        return lo if lo > 0 else 1.0

    plot_w = width - margin["l"] - margin["r"] - side
    if height is None:
        tall = needed(largest(lambda n: n[0] <= plot_w))[1] + margin["t"] + margin["b"]
        low, high = ASPECT[0] * width, max(ASPECT[1] * width, min_height)
        height = int(np.ceil(min(max(tall, low, min_height), high)))
    plot = np.array([plot_w, height - margin["t"] - margin["b"]], dtype=np.float64)
    px = largest(lambda n: bool(np.all(n <= plot)))
    ranges = []
    for c, (lo, hi), size in zip(coords, reach, plot, strict=True):
        low_end, high_end = np.min(c - lo / px), np.max(c + hi / px)
        centre = (low_end + high_end) / 2
        ranges.append((float(centre - size / (2 * px)), float(centre + size / (2 * px))))
    ranges[0] = (ranges[0][0], ranges[0][1] + side / px)
    return Frame(width, height, margin, ranges[0], ranges[1], px, side)


def base_layout(frame: Frame, title: str | None) -> go.Layout:
    """White canvas without axes, fixed size and aspect ratio, legend on the right."""
    axis = dict(visible=False, showgrid=False, zeroline=False)
    return go.Layout(
        template="none",
        width=frame.width,
        height=frame.height,
        margin=dict(frame.margin, pad=0),
        xaxis=dict(axis, range=list(frame.x_range)),
        yaxis=dict(axis, range=list(frame.y_range), scaleanchor="x", scaleratio=1),
        paper_bgcolor="white",
        plot_bgcolor="white",
        font=dict(family=MAP_FONT, size=12, color=LABEL_COLOR),
        title=dict(text=html.escape(title, quote=False), x=0.01, xanchor="left", font=dict(size=16)) if title else None,
        hovermode="closest",
        showlegend=True,
        legend=dict(itemsizing="constant", x=frame.legend_x, xanchor="left", y=1.0, yanchor="top",
                    bgcolor="rgba(255,255,255,0.85)"),
    )


def item_sizes(weights: pd.Series, *, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Circle diameters and label font sizes in pixels, VOSviewer Online's formulas (section 7.4)."""
    return circle_diameters(weights, scale=scale), 9.0 * scale + 4.0 * relative_sizes(weights)


def cluster_traces(items: pd.DataFrame, diameter: np.ndarray, colors: np.ndarray,
                   hover: np.ndarray, *, lang: str = "en") -> list[go.Scatter]:
    """One marker trace per cluster (legend entry ``Cluster k (n)`` in ``lang``), unclustered items last."""
    cluster = items["cluster"].to_numpy(dtype=np.float64, na_value=np.nan)
    keys = [float(k) for k in np.unique(cluster[np.isfinite(cluster)])] + ([np.nan] if np.isnan(cluster).any() else [])
    traces = []
    for k in keys:
        rows = np.flatnonzero(np.isnan(cluster) if np.isnan(k) else cluster == k)
        rows = _small_first(rows, diameter)
        name = cluster_name(k, len(rows), lang=lang)
        traces.append(_markers(items, rows, diameter, colors[rows[0]], hover, name))
    return traces


def score_traces(items: pd.DataFrame, column: str, diameter: np.ndarray, hover: np.ndarray,
                 color_range: tuple[float, float] | None, *, lang: str = "en") -> list[go.Scatter]:
    """Overlay markers coloured by ``column`` plus an invisible trace carrying the colour bar (texts in ``lang``)."""
    values = items[column].to_numpy(dtype=np.float64, na_value=np.nan)
    vmin, vmax = color_range if color_range is not None else score_range(values)
    has = np.isfinite(values)
    traces = []
    if has.any():
        rows = np.flatnonzero(has)
        rows = _small_first(rows, diameter)
        traces.append(_markers(items, rows, diameter, list(score_colors(values[rows], vmin, vmax)), hover,
                               column_name(column, lang=lang), showlegend=False))
        ticks = np.linspace(vmin, vmax, 5) if vmax > vmin else np.array([vmin])
        traces.append(go.Scatter(
            x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
            marker=dict(color=[vmin], cmin=vmin, cmax=vmax if vmax > vmin else vmin + 1, colorscale=viridis_colorscale(),
                        showscale=True, colorbar=dict(
                            title=dict(text=html.escape(column_name(column, lang=lang), quote=False), side="right"),
                            thickness=14, len=0.5, y=1.0, yanchor="top", x=1.02, xanchor="left", outlinewidth=0,
                            tickvals=[float(t) for t in ticks], ticktext=[tick_text(t, lang=lang) for t in ticks])),
        ))
    if (~has).any():
        rows = np.flatnonzero(~has)
        rows = _small_first(rows, diameter)
        traces.append(_markers(items, rows, diameter, MISSING_SCORE_COLOR, hover, missing_name(len(rows), lang=lang)))
    return traces


def shown_labels(items: pd.DataFrame, labels: Labels, diameter: np.ndarray, frame: Frame, *,
                 weight: np.ndarray | None = None, bounded: bool = True) -> np.ndarray:
    """Which labels are drawn in ``frame`` (:func:`bibnet.plotting.labels.place_labels`, heaviest first),
    those reaching out of the map's part of the plot area left out if ``bounded``."""
    cx, cy = frame.to_px(items["x"].to_numpy(np.float64), items["y"].to_numpy(np.float64))
    order = priority(items, diameter if weight is None else weight)
    plot_w, plot_h = frame.plot_size
    return place_labels(cx, cy, labels, diameter, order, bounds=(0.0, 0.0, plot_w - frame.side, plot_h) if bounded else None)


def label_trace(items: pd.DataFrame, labels: Labels, diameter: np.ndarray, frame: Frame, *,
                color: str = LABEL_COLOR, weight: np.ndarray | None = None) -> go.Scatter:
    """Text trace of the labels that fit: heaviest items first (ties by label), overlapping ones left out.

    ``weight`` orders the labels (default: the circle sizes).
    """
    shown = np.flatnonzero(shown_labels(items, labels, diameter, frame, weight=weight))
    return go.Scatter(
        x=items["x"].to_numpy(np.float64)[shown].round(5), y=items["y"].to_numpy(np.float64)[shown].round(5),
        mode="text", text=[html.escape(t, quote=False) for t in labels.text[shown]],
        textposition="middle center", textfont=dict(size=labels.font[shown].round(2), color=color, family=MAP_FONT),
        hoverinfo="skip", showlegend=False, cliponaxis=False,
    )


def empty_figure(title: str | None, *, width: int, height: int, lang: str = "en") -> go.Figure:
    """A blank canvas saying (in ``lang``) there is nothing to draw (e.g. no keyword meets the threshold)."""
    frame = Frame(width, height, {"l": 10, "r": 10, "t": TOP, "b": 10}, (-1, 1), (-1, 1), 1.0)
    fig = go.Figure(layout=base_layout(frame, title))
    fig.add_annotation(text=text("network.no_keywords", lang=lang), x=0, y=0, showarrow=False, font=dict(size=16))
    return fig


def _markers(items: pd.DataFrame, rows: np.ndarray, diameter: np.ndarray, color, hover: np.ndarray,
             name: str, *, showlegend: bool = True) -> go.Scatter:
    return go.Scatter(
        x=items["x"].to_numpy(np.float64)[rows].round(5), y=items["y"].to_numpy(np.float64)[rows].round(5),
        mode="markers", name=html.escape(name, quote=False), showlegend=showlegend,
        marker=dict(size=diameter[rows].round(2), color=color, opacity=1.0, line=dict(width=0.5, color="white")),
        hovertext=list(hover[rows]), hoverinfo="text", customdata=items["id"].to_numpy()[rows].tolist(),  # item ids
    )


def _small_first(rows: np.ndarray, diameter: np.ndarray) -> np.ndarray:
    """Rows by increasing circle size, so that large circles are drawn on top."""
    return rows[np.argsort(diameter[rows], kind="stable")]
