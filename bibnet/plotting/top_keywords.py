"""The most frequent keywords of a map as their own overlay figure.

The published workflow's "Figure 2" shows the 30 most frequent keywords of the all-keywords map
coloured by how much of their use comes from authors rather than from the database (Keywords
Plus, Index Keywords, MeSH terms). It is the overlay view of :func:`~bibnet.plotting.network_figure`
on that subset, drawn on a canvas of the subset's own aspect; labels follow VOSviewer's rule (a
label that would overlap one already drawn is left out, its item keeps its hover text).

By default the subset is laid out afresh, as VOSviewer lays out a map made of those keywords:
the VOS technique on the association strengths of the links among them. In the whole map's
coordinates the most frequent keywords crowd into a few cluster centres, where their labels hide
one another.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bibnet.errors import OptionError
from bibnet.layout import LayoutParams, layout
from bibnet.normalize import normalize
from bibnet.plotting.network import OVERLAYS, drawable, network_figure
from bibnet.readwrite import VOSviewerMap
from bibnet.remap import adjacency
from bibnet.texts import check_lang

__all__ = ["top_items", "top_keywords_figure"]

_OWN_LAYOUT = LayoutParams()  # VOSviewer's defaults, seed 0 (frozen: one instance serves every call)


def top_keywords_figure(
    items: pd.DataFrame,
    links: pd.DataFrame,
    *,
    n: int = 30,
    color: str = "author_share",
    size: str = "weight<Occurrences>",
    title: str | None = None,
    color_range: tuple[float, float] | None = None,
    width: int = 900,
    height: int | None = None,
    scale: float = 1.0,
    relayout: LayoutParams | None = _OWN_LAYOUT,
    lang: str = "en",
) -> go.Figure:
    """Overlay of the ``n`` most frequent items and the links among them.

    Parameters
    ----------
    items, links
        A map as for :func:`~bibnet.plotting.network_figure`, with coordinates.
    n
        How many items: the first ``n`` by ``size`` (most first, ties by label).
    color
        Score that colours the items (:data:`~bibnet.plotting.OVERLAYS` names or a column).
    size
        Weight column that ranks the items and sizes circles and labels.
    title
        Figure title (plain text).
    color_range
        ``(min, max)`` of the colour bar. Default: ``(0, 1)`` for the author keyword share, so
        that a colour reads directly as a share (0: only the database assigned the keyword, 1:
        only authors did); the overlay's default range for other scores.
    width, height, scale, lang
        As for :func:`~bibnet.plotting.network_figure` (``lang``: language of legends, hover texts,
        colour bar and numbers).
    relayout
        Lay the ``n`` items out afresh with these VOS layout parameters (association strength of
        the links among them; VOSviewer's defaults and seed 0 by default), or ``None`` to keep
        their coordinates in the whole map.

    Returns
    -------
    plotly.graph_objects.Figure
        The overlay with every link among the ``n`` items.

    Raises
    ------
    OptionError
        ``n`` below 1, unknown language, or as :func:`~bibnet.plotting.network_figure` raises.
    """
    check_lang(lang)
    if n < 1:
        raise OptionError(f"n must be at least 1, got {n}")
    column = OVERLAYS.get(color, color)
    if color_range is None and column == OVERLAYS["author_share"]:
        color_range = (0.0, 1.0)
    if size not in items.columns:
        raise OptionError(f"cannot size by {size!r}: no such column")
    top = top_items(items, n=n, by=size)
    ids = top["id"].to_numpy()
    among = links[links["source"].isin(ids) & links["target"].isin(ids)]
    if relayout is not None and len(top) > 1:
        top = top.copy()
        top["x"], top["y"] = _own_layout(top, among, relayout).T
    return network_figure(top, among, color=color, size=size, max_links=len(among), title=title,
                          color_range=color_range, width=width, height=height, scale=scale, lang=lang)


def top_items(items: pd.DataFrame, *, n: int, by: str = "weight<Occurrences>") -> pd.DataFrame:
    """The ``n`` items with the largest ``by`` (ties by label, then id) that have coordinates, in id order.

    Raises
    ------
    OptionError
        There are items, but none has coordinates.
    """
    placed = drawable(items)
    weight = placed[by].to_numpy(dtype=np.float64, na_value=np.nan)
    order = np.lexsort((placed["id"].to_numpy(), placed["label"].astype(str).to_numpy(),
                        -np.nan_to_num(weight, nan=-np.inf)))  # no weight: last
    return placed.iloc[np.sort(order[:n])].reset_index(drop=True)


def _own_layout(items: pd.DataFrame, links: pd.DataFrame, params: LayoutParams) -> np.ndarray:
    """VOS coordinates (``n x 2``) of ``items`` laid out on the association strengths of ``links`` alone."""
    weights = normalize(adjacency(VOSviewerMap(items=items, links=links)), method="association")
    return layout(weights, params).coords
