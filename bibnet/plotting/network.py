"""Interactive keyword co-occurrence network (plotly), drawn the way VOSviewer Online draws maps.

Conventions (reference section 7.4): with ``w`` the size weight divided by its mean, a circle's
diameter is ``scale * max(16 * w**0.5, 5)`` px and its label's font ``9 * scale + 4 * w**0.5`` px;
the strongest links (at most ``max_links``) are drawn, ``scale * max(1.5 * (s / mean s)**0.5, 0.1)``
px wide. Labels are placed largest item first and a label whose box would overlap one already
placed is left out (its item keeps its hover text). Labels reach plotly HTML-escaped, so a
keyword is always shown as text, never interpreted as markup.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bibnet.errors import OptionError
from bibnet.plotting.colors import (
    MISSING_SCORE_COLOR,
    cluster_colors,
    score_colors,
    score_range,
    viridis_colorscale,
    with_alpha,
)

#: Short names of the colourings, for ``color=`` (the full column names work too).
OVERLAYS: dict[str, str] = {
    "cluster": "cluster",
    "year": "score<Avg. pub. year>",
    "citations": "score<Avg. citations>",
    "norm_citations": "score<Avg. norm. citations>",
    "author_share": "score<Author keyword share>",
}
SIZE_VARIATION = 0.5  # VOSviewer Online's item and link size variation
MAX_LABEL_LENGTH = 30  # VOSviewer Online's default; longer labels end in "..."
LABEL_COLOR = "#222222"
LINK_ALPHA = 0.35
FONT = "Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class Frame:
    """Where data coordinates land on the canvas: the same number of pixels per unit on both axes."""

    width: int
    height: int
    margin: dict[str, int]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    px_per_unit: float

    def to_px(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Canvas pixel coordinates of data points (y grows upwards, as in the data)."""
        return (x - self.x_range[0]) * self.px_per_unit, (y - self.y_range[0]) * self.px_per_unit


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
    height: int = 700,
    scale: float = 1.0,
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
        Weight column that sizes circles and labels.
    max_links
        Draw at most this many links, the strongest (ties: lower ids first).
    title
        Figure title (plain text).
    color_range
        ``(min, max)`` of an overlay's colour bar instead of the default range.
    width, height, scale
        Canvas size in pixels and VOSviewer's scale factor of circles, labels and links.

    Returns
    -------
    plotly.graph_objects.Figure
        The same input always gives the same figure.

    Raises
    ------
    OptionError
        Unknown colour or size column, or items without any coordinates.
    """
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
        return empty_figure(title, width=width, height=height)

    diameter, font = item_sizes(items[size], scale=scale)
    labels = label_boxes(items, font)
    frame = fit_frame(items, width=width, height=height, right=150, title=title,  # legend or colour bar on the right
                      reach_x=np.maximum(diameter / 2, labels.half_w), reach_y=np.maximum(diameter / 2, labels.half_h))
    colors = cluster_colors(items["cluster"]) if color == "cluster" else None
    hover = hover_texts(items)
    fig = go.Figure(layout=base_layout(frame, title))
    fig.add_traces(link_traces(items, links, max_links=max_links, scale=scale, colors=colors))
    if colors is not None:
        fig.add_traces(cluster_traces(items, diameter, colors, hover))
    else:
        fig.add_traces(score_traces(items, color, diameter, hover, color_range))
        fig.update_layout(legend=dict(y=0.0, yanchor="bottom"))  # "No score" below the colour bar
    fig.add_trace(label_trace(items, labels, diameter, frame))
    return fig


# -- building blocks, shared with the density view ------------------------------------------------
def drawable(items: pd.DataFrame) -> pd.DataFrame:
    """Items with finite coordinates, in id order; raises if items exist but none has coordinates."""
    xy = items[["x", "y"]].to_numpy(dtype=np.float64, na_value=np.nan)
    ok = np.isfinite(xy).all(axis=1)
    if len(items) and not ok.any():
        raise OptionError("the items have no layout (x and y are empty); compute a layout before plotting")
    return items.loc[ok].sort_values("id", kind="stable").reset_index(drop=True)


def fit_frame(items: pd.DataFrame, *, width: int, height: int, right: int, title: str | None,
              reach_x: np.ndarray, reach_y: np.ndarray, pad_px: float = 6.0) -> Frame:
    """The largest equal scale at which every item's circle and label box stays on the canvas.

    ``reach_x`` and ``reach_y`` are how far (pixels) each item's drawing extends from its centre.
    """
    margin = {"l": 10, "r": right, "t": 40 if title else 10, "b": 10}
    plot = np.array([width - margin["l"] - margin["r"], height - margin["t"] - margin["b"]], dtype=np.float64)
    coords = [items["x"].to_numpy(np.float64), items["y"].to_numpy(np.float64)]
    reach = [np.asarray(reach_x, np.float64) + pad_px, np.asarray(reach_y, np.float64) + pad_px]

    def needed(px: float) -> np.ndarray:  # pixels needed on each axis at ``px`` pixels per unit
        return np.array([np.max(px * c + r) - np.min(px * c - r) for c, r in zip(coords, reach, strict=True)])

    lo, hi = 0.0, 1e6
    for _ in range(60):  # bisection: needed() grows with the scale
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.all(needed(mid) <= plot) else (lo, mid)
    px = lo if lo > 0 else 1.0
    ranges = []
    for c, r, size in zip(coords, reach, plot, strict=True):
        low, high = np.min(c - r / px), np.max(c + r / px)
        centre = (low + high) / 2
        ranges.append((float(centre - size / (2 * px)), float(centre + size / (2 * px))))
    return Frame(width, height, margin, ranges[0], ranges[1], px)


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
        font=dict(family=FONT, size=12, color=LABEL_COLOR),
        title=dict(text=html.escape(title, quote=False), x=0.01, xanchor="left", font=dict(size=16)) if title else None,
        hovermode="closest",
        showlegend=True,
        legend=dict(itemsizing="constant", x=1.0, xanchor="left", y=1.0, yanchor="top", bgcolor="rgba(255,255,255,0.85)"),
    )


def item_sizes(weights: pd.Series, *, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Circle diameters and label font sizes in pixels, VOSviewer Online's formulas (section 7.4)."""
    w = np.nan_to_num(weights.to_numpy(dtype=np.float64, na_value=np.nan), nan=0.0).clip(min=0.0)
    mean = w.mean() if len(w) else 0.0
    rel = (w / mean if mean > 0 else np.ones_like(w)) ** SIZE_VARIATION
    return scale * np.maximum(16.0 * rel, 5.0), 9.0 * scale + 4.0 * rel


def link_traces(items: pd.DataFrame, links: pd.DataFrame, *, max_links: int, scale: float,
                colors: np.ndarray | None) -> list[go.Scatter]:
    """The strongest links as line traces, one per (width, colour) group, thinnest drawn first.

    A link inside a cluster takes the cluster's colour (``colors`` given), other links are grey.
    """
    index = pd.Index(items["id"].to_numpy())
    src = index.get_indexer(links["source"].to_numpy())
    dst = index.get_indexer(links["target"].to_numpy())
    strength = links["strength"].to_numpy(dtype=np.float64)
    ok = (src >= 0) & (dst >= 0) & (strength > 0)
    src, dst, strength = src[ok], dst[ok], strength[ok]
    order = np.lexsort((dst, src, -strength))[:max_links]
    if len(order) == 0:
        return []
    src, dst, strength = src[order], dst[order], strength[order]
    width = scale * np.maximum(1.5 * (strength / strength.mean()) ** SIZE_VARIATION, 0.1)
    width = np.maximum(np.round(width * 4) / 4, 0.1)  # a few distinct widths keep the trace count small
    grey = f"rgba(150,150,150,{LINK_ALPHA:g})"
    if colors is None:
        color = np.full(len(src), grey, dtype=object)
    else:
        same = items["cluster"].to_numpy(dtype=np.float64, na_value=np.nan)
        same = (same[src] == same[dst]) & np.isfinite(same[src])
        color = np.where(same, with_alpha(colors[src], LINK_ALPHA), grey)
    x, y = items["x"].to_numpy(np.float64).round(5), items["y"].to_numpy(np.float64).round(5)
    groups = pd.DataFrame({"width": width, "color": color}).groupby(["width", "color"], sort=True).indices
    traces = []
    for (w, c), rows in groups.items():
        traces.append(go.Scatter(
            x=_segments(x[src[rows]], x[dst[rows]]), y=_segments(y[src[rows]], y[dst[rows]]),
            mode="lines", line=dict(width=float(w), color=c), hoverinfo="skip", showlegend=False,
        ))
    return traces


def cluster_traces(items: pd.DataFrame, diameter: np.ndarray, colors: np.ndarray,
                   hover: np.ndarray) -> list[go.Scatter]:
    """One marker trace per cluster (legend entry ``Cluster k (n)``), unclustered items last."""
    cluster = items["cluster"].to_numpy(dtype=np.float64, na_value=np.nan)
    keys = [float(k) for k in np.unique(cluster[np.isfinite(cluster)])] + ([np.nan] if np.isnan(cluster).any() else [])
    traces = []
    for k in keys:
        rows = np.flatnonzero(np.isnan(cluster) if np.isnan(k) else cluster == k)
        rows = _small_first(rows, diameter)
        name = f"No cluster ({len(rows)})" if np.isnan(k) else f"Cluster {int(k)} ({len(rows)})"
        traces.append(_markers(items, rows, diameter, colors[rows[0]], hover, name))
    return traces


def score_traces(items: pd.DataFrame, column: str, diameter: np.ndarray, hover: np.ndarray,
                 color_range: tuple[float, float] | None) -> list[go.Scatter]:
    """Overlay markers coloured by ``column`` plus an invisible trace carrying the colour bar."""
    values = items[column].to_numpy(dtype=np.float64, na_value=np.nan)
    vmin, vmax = color_range if color_range is not None else score_range(values)
    has = np.isfinite(values)
    traces = []
    if has.any():
        rows = np.flatnonzero(has)
        rows = _small_first(rows, diameter)
        traces.append(_markers(items, rows, diameter, list(score_colors(values[rows], vmin, vmax)), hover,
                               _score_name(column), showlegend=False))
        ticks = np.linspace(vmin, vmax, 5) if vmax > vmin else np.array([vmin])
        traces.append(go.Scatter(
            x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
            marker=dict(color=[vmin], cmin=vmin, cmax=vmax if vmax > vmin else vmin + 1, colorscale=viridis_colorscale(),
                        showscale=True, colorbar=dict(
                            title=dict(text=html.escape(_score_name(column), quote=False), side="right"),
                            thickness=14, len=0.6, x=1.02, xanchor="left", outlinewidth=0,
                            tickvals=[float(t) for t in ticks], ticktext=[_tick(t) for t in ticks])),
        ))
    if (~has).any():
        rows = np.flatnonzero(~has)
        rows = _small_first(rows, diameter)
        traces.append(_markers(items, rows, diameter, MISSING_SCORE_COLOR, hover, f"No score ({len(rows)})"))
    return traces


@dataclass(frozen=True)
class Labels:
    """Label texts (shortened, not yet escaped), font sizes and half box sizes in pixels."""

    text: np.ndarray
    font: np.ndarray
    half_w: np.ndarray
    half_h: np.ndarray


def label_boxes(items: pd.DataFrame, font: np.ndarray, *, max_label_length: int = MAX_LABEL_LENGTH) -> Labels:
    """Labels as drawn, with box sizes estimated at ~0.6 em per character and 1.2 em per line."""
    text = np.array([t if len(t) <= max_label_length else t[:max_label_length] + "..."
                     for t in items["label"].astype(str)], dtype=object)
    length = np.array([len(t) for t in text], dtype=np.float64)
    return Labels(text, font, 0.3 * font * length, 0.6 * font)


def label_trace(items: pd.DataFrame, labels: Labels, diameter: np.ndarray, frame: Frame, *,
                color: str = LABEL_COLOR) -> go.Scatter:
    """Text trace of the labels that fit: largest items first (ties by label), overlapping ones left out."""
    cx, cy = frame.to_px(items["x"].to_numpy(np.float64), items["y"].to_numpy(np.float64))
    order = np.lexsort((items["label"].astype(str).to_numpy(), -diameter))
    shown = np.sort(order[place_labels(cx[order], cy[order], labels.half_w[order], labels.half_h[order])])
    return go.Scatter(
        x=items["x"].to_numpy(np.float64)[shown].round(5), y=items["y"].to_numpy(np.float64)[shown].round(5),
        mode="text", text=[html.escape(t, quote=False) for t in labels.text[shown]],
        textposition="middle center", textfont=dict(size=labels.font[shown].round(2), color=color, family=FONT),
        hoverinfo="skip", showlegend=False, cliponaxis=False,
    )


def place_labels(cx: np.ndarray, cy: np.ndarray, half_w: np.ndarray, half_h: np.ndarray) -> np.ndarray:
    """Greedy label placement: which boxes (in priority order) do not overlap an earlier kept box.

    Each step is one vectorised comparison against the boxes kept so far.
    """
    n = len(cx)
    keep = np.zeros(n, dtype=bool)
    kept = np.empty((n, 4))
    k = 0
    for i in range(n):
        box = kept[:k]
        if k and np.any((np.abs(box[:, 0] - cx[i]) < box[:, 2] + half_w[i])
                        & (np.abs(box[:, 1] - cy[i]) < box[:, 3] + half_h[i])):
            continue
        kept[k] = cx[i], cy[i], half_w[i], half_h[i]
        keep[i] = True
        k += 1
    return keep


def hover_texts(items: pd.DataFrame) -> np.ndarray:
    """Hover text of each item: label (escaped), cluster, weights and scores."""
    lines = [np.array([f"<b>{html.escape(str(t), quote=False)}</b>" for t in items["label"]], dtype=object)]
    cluster = items["cluster"].to_numpy(dtype=np.float64, na_value=np.nan)
    lines.append(np.array([f"Cluster: {int(c)}" if np.isfinite(c) else "Cluster: none" for c in cluster], dtype=object))
    for column in items.columns:
        if column.startswith(("weight<", "score<")):
            values = items[column].to_numpy(dtype=np.float64, na_value=np.nan)
            name = html.escape(column[column.index("<") + 1:-1], quote=False)
            lines.append(np.array([f"{name}: {_format(v, column)}" for v in values], dtype=object))
    return np.array(["<br>".join(parts) for parts in zip(*lines, strict=True)], dtype=object)


def empty_figure(title: str | None, *, width: int, height: int) -> go.Figure:
    """A blank canvas saying there is nothing to draw (e.g. no keyword meets the threshold)."""
    frame = Frame(width, height, {"l": 10, "r": 10, "t": 40 if title else 10, "b": 10}, (-1, 1), (-1, 1), 1.0)
    fig = go.Figure(layout=base_layout(frame, title))
    fig.add_annotation(text="No keywords to show", x=0, y=0, showarrow=False, font=dict(size=16))
    return fig


def _markers(items: pd.DataFrame, rows: np.ndarray, diameter: np.ndarray, color, hover: np.ndarray,
             name: str, *, showlegend: bool = True) -> go.Scatter:
    return go.Scatter(
        x=items["x"].to_numpy(np.float64)[rows].round(5), y=items["y"].to_numpy(np.float64)[rows].round(5),
        mode="markers", name=html.escape(name, quote=False), showlegend=showlegend,
        marker=dict(size=diameter[rows].round(2), color=color, opacity=1.0, line=dict(width=0.5, color="white")),
        hovertext=list(hover[rows]), hoverinfo="text",
    )


def _small_first(rows: np.ndarray, diameter: np.ndarray) -> np.ndarray:
    """Rows by increasing circle size, so that large circles are drawn on top."""
    return rows[np.argsort(diameter[rows], kind="stable")]


def _segments(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a0, b0, NaN, a1, b1, NaN, ...``: separate line segments in one trace."""
    out = np.full(3 * len(a), np.nan)
    out[0::3], out[1::3] = a, b
    return out


def _tick(value: float) -> str:
    """Colour-bar tick text: at most six decimals, no trailing zeros (2015.5, 0.35, 20)."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _score_name(column: str) -> str:
    return column[column.index("<") + 1:-1] if column.endswith(">") and "<" in column else column


def _format(value: float, column: str) -> str:
    if not np.isfinite(value):
        return "n/a"
    if column == "score<Author keyword share>":
        return f"{value:.0%}"
    if column.startswith("weight<"):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{value:.2f}"

