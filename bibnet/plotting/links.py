"""Links of a map: the strongest ones, thin and semi-transparent, straight or curved.

A link inside a cluster takes the cluster's colour; a link between two clusters (or in an
overlay) is grey, so that the colours keep telling where a cluster is. Width follows VOSviewer
Online (reference section 7.4): ``scale * max(1.5 * (s / mean s)**0.5, 0.1)`` px.
Curved links are quadratic Bézier curves, drawn as polylines, bending to the right of the
direction from the lower to the higher item id, by :data:`CURVATURE` of their length: the same
map always gives the same curves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bibnet.plotting.colors import with_alpha

LINK_ALPHA = 0.35
GREY = f"rgba(150,150,150,{LINK_ALPHA:g})"
SIZE_VARIATION = 0.5  # VOSviewer Online's link size variation
CURVATURE = 0.15  # the control point lies this fraction of the link's length off its midpoint
CURVE_SEGMENTS = 12


def link_traces(items: pd.DataFrame, links: pd.DataFrame, *, max_links: int, scale: float,
                colors: np.ndarray | None, curved: bool = False) -> list[go.Scatter]:
    """The strongest links as line traces, one per (width, colour) group, thinnest drawn first.

    Parameters
    ----------
    items
        Drawn items, with ``id``, ``x``, ``y`` and ``cluster``.
    links
        ``source``, ``target`` and ``strength``.
    max_links
        At most this many links, the strongest (ties: lower ids first).
    scale
        Factor of the line widths.
    colors
        Cluster colour of each item, or ``None`` (all links grey).
    curved
        Quadratic Bézier curves instead of straight lines.

    Returns
    -------
    list of plotly.graph_objects.Scatter
        Line traces without hover or legend entries.
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
    if colors is None:
        color = np.full(len(src), GREY, dtype=object)
    else:
        same = items["cluster"].to_numpy(dtype=np.float64, na_value=np.nan)
        same = (same[src] == same[dst]) & np.isfinite(same[src])
        color = np.where(same, with_alpha(colors[src], LINK_ALPHA), GREY)
    x, y = items["x"].to_numpy(np.float64).round(5), items["y"].to_numpy(np.float64).round(5)
    ids = items["id"].to_numpy()
    flip = ids[src] > ids[dst]  # curves bend the same way whichever end a link file names first
    a, b = (np.where(flip, dst, src), np.where(flip, src, dst)) if curved else (src, dst)
    groups = pd.DataFrame({"width": width, "color": color}).groupby(["width", "color"], sort=True).indices
    traces = []
    for (w, c), rows in groups.items():
        if curved:
            lx, ly = curves(x[a[rows]], y[a[rows]], x[b[rows]], y[b[rows]])
        else:
            lx, ly = segments(x[a[rows]], x[b[rows]]), segments(y[a[rows]], y[b[rows]])
        traces.append(go.Scatter(x=lx, y=ly, mode="lines", line=dict(width=float(w), color=c),
                                 hoverinfo="skip", showlegend=False))
    return traces


def segments(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a0, b0, NaN, a1, b1, NaN, ...``: separate line segments in one trace."""
    out = np.full(3 * len(a), np.nan)
    out[0::3], out[1::3] = a, b
    return out


def curves(x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray, *,
           curvature: float = CURVATURE, n: int = CURVE_SEGMENTS) -> tuple[np.ndarray, np.ndarray]:
    """Quadratic Bézier curves from ``(x0, y0)`` to ``(x1, y1)`` as NaN-separated polylines.

    The control point is the midpoint moved ``curvature`` times the length to the right of the
    direction of travel; each curve is ``n`` straight pieces.
    """
    cx = (x0 + x1) / 2 + curvature * (y1 - y0)
    cy = (y0 + y1) / 2 - curvature * (x1 - x0)
    t = np.linspace(0.0, 1.0, n + 1)[None, :]
    u = 1 - t
    px = u**2 * x0[:, None] + 2 * u * t * cx[:, None] + t**2 * x1[:, None]
    py = u**2 * y0[:, None] + 2 * u * t * cy[:, None] + t**2 * y1[:, None]
    gap = np.full((len(x0), 1), np.nan)
    return np.hstack([px, gap]).ravel().round(5), np.hstack([py, gap]).ravel().round(5)
