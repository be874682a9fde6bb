"""Themes over time (plotly): Cobo et al. (2011)'s strategic diagram and thematic evolution as SciMAT and
bibliometrix draw them, bibliometrix's trend topics and CiteSpace's keyword bursts.

Each is built from bibnet's own geometry with scatter traces (the alluvial diagram too, not a ``go.Sankey``
laid out by plotly in the browser) on axes with fixed ranges and given ticks, so that
:func:`~bibnet.plotting.save_static` draws the same picture. Text from the data reaches plotly HTML-escaped.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bibnet.errors import OptionError
from bibnet.plotting.colors import cluster_colors, with_alpha
from bibnet.plotting.links import segments
from bibnet.plotting.network import FONT, LABEL_COLOR, MAX_LABEL_LENGTH, empty_figure
from bibnet.plotting.scales import fit_range, nice_ticks
from bibnet.texts import localize, text, word

__all__ = ["bursts_figure", "evolution_figure", "strategic_figure", "trends_figure"]

#: The quadrants of a strategic diagram: catalogue key of the name (:mod:`bibnet.texts`), on the right?, upper?
QUADRANTS = (("themes.quadrant_motor", 1, 1), ("themes.quadrant_basic", 1, 0), ("themes.quadrant_niche", 0, 1),
             ("themes.quadrant_emerging", 0, 0))
BUBBLE_PX, TREND_PX = (12.0, 60.0), (6.0, 18.0)  # smallest and largest bubbles: strategic diagram, trend topics
ROW_PX = 22  # height of a row of trend topics or bursts
NODE_PX, GAP_PX, HEADER_PX = 14.0, 12.0, 26.0  # alluvial diagram: node width, gap between nodes, period names
BURST_COLOR, TIMELINE_COLOR, TREND_COLOR = "#d62728", "#d9d9d9", "#1f77b4"
AXIS_COLOR, GRID_COLOR, NOTE_COLOR = "#444444", "#eeeeee", "#888888"
CHAR_PX = 7.4  # a character of 12 px text, for margins (a little wider than Arial's average)


def strategic_figure(themes: pd.DataFrame, *, title: str | None = None, width: int = 900, height: int = 700,
                     lang: str = "en") -> go.Figure:
    """Strategic diagram of the themes of one period (Cobo et al. 2011): centrality against density.

    Parameters
    ----------
    themes
        One row per theme: ``theme`` (int), ``name`` (str), ``occurrences``, ``centrality``, ``density``
        and ``quadrant`` ("motor", "basic", "niche" or "emerging or declining", shown on hover).
    title, width, height, lang
        Figure title (plain text), canvas size in pixels, and language of the other texts and numbers (:mod:`bibnet.texts`).

    Returns
    -------
    plotly.graph_objects.Figure
        A bubble per theme at (centrality, density), its area proportional to its occurrences (60 px across
        for the most frequent, at least 12), coloured as cluster ``theme`` of the network figure, labelled by
        its name (at most 30 characters); dashed lines at the median centrality and density, the quadrants'
        names in the corners, and 10% of the values' span and room for every bubble and label around them.
    """
    _require(themes, ("theme", "name", "occurrences", "centrality", "density", "quadrant"), "strategic_figure")
    if themes.empty:
        return empty_figure(title, width=width, height=height).update_annotations(text=text("themes.no_themes", lang=lang))
    t = themes.sort_values("theme", kind="stable").reset_index(drop=True)
    x, y = _floats(t["centrality"]), _floats(t["density"])
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise OptionError("strategic_figure needs the centrality and density of every theme")
    diameter = _diameters(occurrences := _floats(t["occurrences"], counts=True), BUBBLE_PX)
    names = [_short(n) for n in t["name"].astype(str)]
    margin = {"l": 70, "r": 20, "t": 40 if title else 20, "b": 60}
    plot_h = height - margin["t"] - margin["b"]
    y_range = fit_range(y, np.maximum(diameter / 2, 7.2) + 4, plot_h)
    y_values, y_texts = nice_ticks(*y_range, np.clip(plot_h / 50, 4, 9))
    y_ticks = (y_values, [_n(s, lang) for s in y_texts])
    margin["l"] = max(70, math.ceil(CHAR_PX * max(len(s) for s in y_ticks[1]) + 48))  # labels and the axis title
    plot_w = width - margin["l"] - margin["r"]
    x_range = fit_range(x, np.maximum(diameter / 2, [3.6 * len(n) for n in names]) + 4, plot_w)  # label: ~0.6 em a character
    fig = go.Figure(layout=_layout(width, height, margin, title))
    x_values, x_texts = nice_ticks(*x_range, np.clip(plot_w / 80, 4, 9))
    x_ticks = (x_values, [_n(s, lang) for s in x_texts])
    fig.update_layout(xaxis=_axis(text("themes.axis_centrality", lang=lang), x_range, x_ticks),
                      yaxis=_axis(text("themes.axis_density", lang=lang), y_range, y_ticks))
    mx, my = float(np.median(x)), float(np.median(y))
    fig.add_trace(go.Scatter(x=[mx, mx, None, *x_range], y=[*y_range, None, my, my], mode="lines", name="medians",
                             line=dict(color=NOTE_COLOR, width=1, dash="dash"), hoverinfo="skip", showlegend=False))
    th, oc, ce, de, qu = (text(k, lang=lang) for k in ("themes.theme", "score.occurrences", "themes.centrality", "themes.density",
                                                       "themes.quadrant"))
    hover = [f"<b>{_esc(n)}</b><br>{th}: {k}<br>{oc}: {_n(f'{o:,.0f}', lang)}<br>{ce}: {_n(f'{c:.4g}', lang)}<br>{de}: "
             f"{_n(f'{d:.4g}', lang)}<br>{qu}: {_esc(word(q, lang=lang))}"
             for n, k, o, c, d, q in zip(t["name"], t["theme"], occurrences, x, y, t["quadrant"], strict=True)]
    order = np.argsort(-diameter, kind="stable")  # small bubbles on top
    colors = with_alpha(cluster_colors(t["theme"]), 0.75)
    fig.add_trace(go.Scatter(x=x[order], y=y[order], mode="markers", name="themes", customdata=t["theme"].to_numpy()[order],
                             marker=dict(size=diameter[order].round(2), color=list(colors[order]), opacity=1,
                                         line=dict(width=1, color="white")),
                             hovertext=[hover[i] for i in order], hoverinfo="text", showlegend=False))
    fig.add_trace(_text(x, y, names, "middle center", 12))
    for key, right, upper in QUADRANTS:
        fig.add_annotation(text=text(key, lang=lang), xref="paper", yref="paper", x=right, y=upper, showarrow=False,
                           xanchor="right" if right else "left", yanchor="top" if upper else "bottom",
                           xshift=-4 if right else 4, yshift=-4 if upper else 4, font=dict(size=12, color=NOTE_COLOR))
    return fig


def evolution_figure(themes: pd.DataFrame, links: pd.DataFrame, *, periods: Sequence[str], title: str | None = None,
                     width: int = 900, height: int = 600, lang: str = "en") -> go.Figure:
    """Thematic evolution: the themes of each period and the links between them, as an alluvial diagram.

    Parameters
    ----------
    themes
        ``period`` (one of ``periods``), ``theme`` (int), ``name`` (str) and ``occurrences``.
    links
        ``from_period``, ``from_theme``, ``to_period``, ``to_theme`` (a later period), ``shared`` (the
        shared keywords joined by "; "), ``n_shared``, ``inclusion`` (in (0, 1]) and ``jaccard``.
    periods
        The periods, left to right; a period without themes keeps its (empty) column.
    title, width, height, lang
        Figure title (plain text), canvas size in pixels, and language of the other texts and numbers.

    Returns
    -------
    plotly.graph_objects.Figure
        Hidden axes in pixels of the plot area. Each theme is a rectangle ``k`` times its occurrences high
        (``k`` the same for the whole figure, the fullest column fills the height), stacked in theme order
        with gaps, coloured as cluster ``theme``, labelled by its name. Each link is a band between two cubic
        curves from the right edge of its source to the left edge of its target, in the source's colour.
        At each end it is its node's height times its inclusion index, divided by the sum of the
        inclusion indices of the node's bands on that side when that sum is above 1 (so the bands
        always fit their node, and a theme wholly included in its successor sends its full height).
        A band's hover text: "U → V", the shared keywords, inclusion and Jaccard index.
    """
    _require(themes, ("period", "theme", "name", "occurrences"), "evolution_figure (themes)")
    _require(links, ("from_period", "from_theme", "to_period", "to_theme", "shared", "n_shared", "inclusion", "jaccard"),
             "evolution_figure (links)")
    periods = [str(p) for p in periods]
    column = {p: i for i, p in enumerate(periods)}
    if not periods or len(column) != len(periods) or not set(themes["period"].astype(str)) <= set(column):
        raise OptionError("evolution_figure needs one or more periods, each once, and every theme's period among them")
    margin = {"l": 10, "r": 10, "t": 40 if title else 10, "b": 10}
    plot_w, plot_h = width - margin["l"] - margin["r"], height - margin["t"] - margin["b"]
    nodes = themes.assign(period=themes["period"].astype(str), col=themes["period"].astype(str).map(column))
    nodes = nodes.sort_values(["col", "theme"], kind="stable").reset_index(drop=True)
    col, occurrences = nodes["col"].to_numpy(np.int64), _floats(nodes["occurrences"], counts=True)
    avail = plot_h - HEADER_PX - 4
    counts = np.bincount(col, minlength=len(periods))
    gaps = np.where(counts > 1, np.minimum(GAP_PX, 0.3 * avail / np.maximum(counts - 1, 1)), 0.0)
    totals = np.bincount(col, occurrences, minlength=len(periods))
    scale = min([(avail - gaps[c] * (counts[c] - 1)) / totals[c] for c in range(len(periods)) if totals[c] > 0], default=0.0)
    heights = scale * occurrences
    left = 4 + col * (step := (plot_w - 8 - NODE_PX) / (len(periods) - 1) if len(periods) > 1 else 0.0)
    top = np.zeros(len(nodes))
    for c in range(len(periods)):
        rows = np.flatnonzero(col == c)
        block = heights[rows].sum() + gaps[c] * max(len(rows) - 1, 0)
        top[rows] = 4 + avail - (avail - block) / 2 - np.concatenate([[0.0], np.cumsum(heights[rows] + gaps[c])[:-1]])
    colors = cluster_colors(nodes["theme"])
    fig = go.Figure(layout=_layout(width, height, margin, title))
    fig.update_layout(xaxis=dict(visible=False, range=[0, plot_w]), yaxis=dict(visible=False, range=[0, plot_h]))
    fig.add_traces(_bands(nodes, links, left, top, heights, colors, lang))
    pe, oc = text("themes.period", lang=lang), text("score.occurrences", lang=lang)
    for i, (name, period) in enumerate(zip(nodes["name"], nodes["period"], strict=True)):
        hover = f"<b>{_esc(name)}</b><br>{pe}: {_esc(period)}<br>{oc}: {_n(f'{occurrences[i]:,.0f}', lang)}"
        fig.add_trace(_bars(left[i : i + 1], left[i : i + 1] + NODE_PX, top[i : i + 1] - heights[i] / 2, heights[i] / 2,
                            colors[i], hover, f"node {i}"))
    names = np.array([_short(n) for n in nodes["name"].astype(str)], dtype=object)
    last = col == len(periods) - 1 if len(periods) > 1 else np.zeros(len(nodes), dtype=bool)
    for rows, x, position in ((~last, left + NODE_PX + 4, "middle right"), (last, left - 4, "middle left")):
        if rows.any():
            fig.add_trace(_text(x[rows], (top - heights / 2)[rows], list(names[rows]), position, 11))
    at, head = 4 + step * np.arange(len(periods)), np.full(len(periods), plot_h - HEADER_PX / 2)
    ends = ("middle right", "middle center", "middle left") if len(periods) > 1 else ("middle right",)  # flush at the sides
    for part, shift, position in zip((slice(0, 1), slice(1, -1), slice(-1, None)), (0, NODE_PX / 2, NODE_PX), ends, strict=False):
        fig.add_trace(_text(at[part] + shift, head[part], periods[part], position, 13))
    return fig


def trends_figure(trends: pd.DataFrame, *, title: str | None = None, width: int = 900, height: int | None = None,
                  lang: str = "en") -> go.Figure:
    """Trend topics (bibliometrix): when each keyword was used, from its first to its third quartile year.

    Parameters
    ----------
    trends
        One row per keyword: ``keyword`` (str), ``occurrences`` and ``year_q1``, ``year_median``,
        ``year_q3`` (the quartiles of the publication years of its records).
    title, width, height, lang
        Figure title (plain text), canvas size in pixels (by default 120 + 22 px per keyword high), language.

    Returns
    -------
    plotly.graph_objects.Figure
        A row per keyword, ordered by median year then occurrences (the latest at the top): a line from
        its first to its third quartile year and a bubble at its median year, its area proportional to
        its occurrences (6 to 18 px across).
    """
    _require(trends, ("keyword", "occurrences", "year_q1", "year_median", "year_q3"), "trends_figure")
    if trends.empty:
        return empty_figure(title, width=width, height=height or 300)
    t = trends.sort_values(["year_median", "occurrences", "keyword"], ascending=[True, True, False], kind="mergesort")
    t = t.reset_index(drop=True)
    q1, median, q3 = (_floats(t[c]) for c in ("year_q1", "year_median", "year_q3"))
    if not (np.isfinite(q1) & np.isfinite(median) & np.isfinite(q3)).all():
        raise OptionError("trends_figure needs the three quartile years of every keyword")
    occurrences = _floats(t["occurrences"], counts=True)
    n, rows, height = len(t), np.arange(len(t), dtype=np.float64), height or 120 + ROW_PX * len(t)
    diameter, years = _diameters(occurrences, TREND_PX), np.concatenate([q1, q3, median])
    fig = _year_figure([_short(k) for k in t["keyword"].astype(str)], rows, (-0.7, n - 0.3), title=title, width=width,
                       height=height, right=20, grid=True, lang=lang,
                       x_range=lambda px: fit_range(years, np.concatenate([np.full(2 * n, 2.0), diameter / 2 + 2]), px, 1.0))
    fig.add_trace(go.Scatter(x=segments(q1, q3), y=segments(rows, rows), mode="lines", name="quartiles", hoverinfo="skip",
                             line=dict(color=with_alpha([TREND_COLOR], 0.5)[0], width=2), showlegend=False))
    oc, ye = text("score.occurrences", lang=lang), text("themes.hover_years", lang=lang)
    hover = [f"<b>{_esc(k)}</b><br>{oc}: {_n(f'{o:,.0f}', lang)}<br>{ye}: "
             + text("join.item_sep", lang=lang).join(_n(f"{v:g}", lang) for v in (a, b, c))
             for k, o, a, b, c in zip(t["keyword"], occurrences, q1, median, q3, strict=True)]
    fig.add_trace(go.Scatter(x=median, y=rows, mode="markers", name="median year", hovertext=hover, hoverinfo="text",
                             marker=dict(size=diameter.round(2), color=TREND_COLOR, opacity=1, line=dict(width=1, color="white")),
                             showlegend=False))
    return fig


def bursts_figure(bursts: pd.DataFrame, *, first_year: int, last_year: int, title: str | None = None, width: int = 900,
                  height: int | None = None, lang: str = "en") -> go.Figure:
    """Keywords with the strongest bursts (CiteSpace): when each keyword's burst began and ended.

    Parameters
    ----------
    bursts
        One row per burst, drawn top to bottom in the order given: ``keyword`` (str), ``strength`` and
        ``start``, ``end`` (years, inclusive, within ``first_year``..``last_year``).
    first_year, last_year
        The years of the time line.
    title, width, height, lang
        Figure title (plain text), canvas size in pixels (by default 120 + 22 px per row and the header high), language.

    Returns
    -------
    plotly.graph_objects.Figure
        A row per burst: a thin light-grey bar over the years ``first_year - 0.5``..``last_year + 0.5``
        (each year a cell) and a thick red bar over the burst's years ``start - 0.5``..``end + 0.5``;
        the keyword on the left, the strength and "start–end" in columns on the right.
    """
    _require(bursts, ("keyword", "strength", "start", "end"), "bursts_figure")
    if bursts.empty:
        return empty_figure(title, width=width, height=height or 300).update_annotations(text=text("themes.no_bursts", lang=lang))
    start, end, strength = _floats(bursts["start"]), _floats(bursts["end"]), _floats(bursts["strength"])
    for i in np.flatnonzero(~((start <= end) & (start >= first_year) & (end <= last_year)))[:1]:
        raise OptionError(f"the burst of {bursts['keyword'].iloc[i]!r} ({start[i]:g}–{end[i]:g}) is not within "
                          f"{first_year}–{last_year}")
    n, height = len(bursts), height or 120 + ROW_PX * (len(bursts) + 1)
    rows = n - 1 - np.arange(n, dtype=np.float64)  # first row at the top, the header above it
    strengths = [_n(f"{s:.2f}", lang) for s in strength]
    spans = [f"{int(a)}–{int(b)}" if a != b else f"{int(a)}" for a, b in zip(start, end, strict=True)]
    st, span, burst = (text(k, lang=lang) for k in ("themes.strength", "themes.burst_span", "themes.hover_burst"))
    strength_px = CHAR_PX * max(len(st), *(len(s) for s in strengths))
    years_px = CHAR_PX * max(len(span), *(len(s) for s in spans))
    fig = _year_figure([*(_short(k) for k in bursts["keyword"].astype(str)), text("themes.header_keywords", lang=lang)],
                       np.append(rows, n), (-0.6, n + 0.6), title=title, width=width, height=height, lang=lang,
                       right=math.ceil(36 + strength_px + years_px), grid=False,
                       x_range=lambda px: (first_year - 0.8, last_year + 0.8))
    fig.add_trace(_bars(np.full(n, first_year - 0.5), np.full(n, last_year + 0.5), rows, 0.08, TIMELINE_COLOR, None, "time line"))
    for i in range(n):
        hover = f"<b>{_esc(bursts['keyword'].iloc[i])}</b><br>{st}: {strengths[i]}<br>{burst}: {spans[i]}"
        fig.add_trace(_bars(start[i : i + 1] - 0.5, end[i : i + 1] + 0.5, rows[i : i + 1], 0.3, BURST_COLOR, hover, f"burst {i}"))
    for y, a, b in zip([n, *rows], [st, *strengths], [span, *spans], strict=True):
        for label, anchor, shift in ((a, "right", 12 + strength_px), (b, "left", 12 + strength_px + 14)):
            fig.add_annotation(text=_esc(label), xref="paper", yref="y", x=1, y=y, xanchor=anchor, yanchor="middle",
                               xshift=shift, showarrow=False, font=dict(size=12, color=LABEL_COLOR))
    return fig


def _bands(nodes: pd.DataFrame, links: pd.DataFrame, left: np.ndarray, top: np.ndarray, heights: np.ndarray,
           colors: np.ndarray, lang: str) -> list[go.Scatter]:
    """The links as filled bands, stacked on each node's side in the order of the nodes at their other ends."""
    index = {(p, int(k)): i for i, (p, k) in enumerate(zip(nodes["period"], nodes["theme"], strict=True))}
    ends = []
    for row in links.itertuples(index=False):
        s, t = index.get((str(row.from_period), int(row.from_theme))), index.get((str(row.to_period), int(row.to_theme)))
        what = f"the link from theme {row.from_theme} of {str(row.from_period)!r} to {row.to_theme} of {str(row.to_period)!r}"
        if s is None or t is None or not nodes["col"].iloc[s] < nodes["col"].iloc[t] or not 0 < float(row.inclusion) <= 1:
            raise OptionError(f"{what}: links join themes of an earlier and a later period with an inclusion index in (0, 1]")
        ends.append((s, t))
    if not ends:
        return []
    src, dst = np.array(ends).T
    inclusion = links["inclusion"].to_numpy(np.float64)
    out_sum, in_sum = np.bincount(src, inclusion, len(nodes)), np.bincount(dst, inclusion, len(nodes))
    # At each end, a node's share by inclusion: the bands of a node with total inclusion above 1 share its height.
    w_out = heights[src] * inclusion / np.maximum(out_sum[src], 1.0)
    w_in = heights[dst] * inclusion / np.maximum(in_sum[dst], 1.0)
    y_out, y_in = np.zeros(len(src)), np.zeros(len(src))
    for end, other, width, y in ((src, dst, w_out, y_out), (dst, src, w_in, y_in)):
        for node in np.unique(end):
            rows = np.flatnonzero(end == node)
            rows = rows[np.argsort(other[rows], kind="stable")]
            y[rows] = top[node] - (heights[node] - width[rows].sum()) / 2 - np.concatenate([[0.0], np.cumsum(width[rows])[:-1]])
    traces = []
    sh, inc, jac = (text(k, lang=lang) for k in ("themes.shared", "themes.hover_inclusion", "themes.hover_jaccard"))
    for i, (s, t) in enumerate(zip(src, dst, strict=True)):
        row = links.iloc[i]
        words = [_esc(k.strip()) for k in str(row["shared"]).split(";") if k.strip()]
        shared = "<br>".join("; ".join(words[j : j + 5]) for j in range(0, len(words), 5))  # 5 keywords a line
        inclusion, jaccard = (_n(f"{float(row[c]):.3f}", lang) for c in ("inclusion", "jaccard"))
        hover = (f"<b>{_esc(nodes['name'].iloc[s])} → {_esc(nodes['name'].iloc[t])}</b><br>{_esc(nodes['period'].iloc[s])} → "
                 f"{_esc(nodes['period'].iloc[t])}<br>{sh} ({int(row['n_shared'])}): {shared}<br>"
                 f"{inc}: {inclusion}<br>{jac}: {jaccard}")
        x, y = _band(left[s] + NODE_PX, left[t], y_out[i], y_in[i], w_out[i], w_in[i])
        fill = with_alpha([colors[s]], 0.35)[0]
        traces.append(go.Scatter(x=x, y=y, mode="lines", fill="toself", fillcolor=fill, line=dict(width=0, color=fill),
                                 hoveron="fills", hoverinfo="text", text=hover, name=f"link {i}", showlegend=False))
    return traces


def _band(x0: float, x1: float, top0: float, top1: float, width0: float, width1: float,
          points: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """Polygon of a band from ``width0`` to ``width1`` high between two cubic Bezier curves with horizontal ends."""
    t = np.linspace(0.0, 1.0, points)
    x = x0 + (x1 - x0) * (1.5 * t * (1 - t) + t**3)  # control points halfway across
    ease = 3 * t**2 - 2 * t**3
    upper = top0 + (top1 - top0) * ease
    lower = upper - (width0 + (width1 - width0) * ease)
    xs = np.concatenate([x, x[::-1], x[:1]])
    return xs.round(3), np.concatenate([upper, lower[::-1], upper[:1]]).round(3)


def _bars(x0: np.ndarray, x1: np.ndarray, y: np.ndarray, half: float, color: str, hover: str | None, name: str) -> go.Scatter:
    """Filled rectangles ``x0..x1`` by ``y ± half``, one polygon each (gaps between them)."""
    xs = np.column_stack([x0, x1, x1, x0, x0, np.full(len(y), np.nan)]).ravel()[:-1]
    ys = np.column_stack([y + half, y + half, y - half, y - half, y + half, np.full(len(y), np.nan)]).ravel()[:-1]
    return go.Scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor=color, line=dict(width=0, color=color), name=name,
                      hoveron="fills", hoverinfo="text" if hover else "skip", text=hover, showlegend=False)


def _text(x, y, texts: Sequence[str], position: str, size: float) -> go.Scatter:
    return go.Scatter(x=np.round(np.asarray(x, np.float64), 3), y=np.round(np.asarray(y, np.float64), 3), mode="text",
                      text=[_esc(s) for s in texts], textposition=position, cliponaxis=False, hoverinfo="skip",
                      textfont=dict(size=size, color=LABEL_COLOR, family=FONT), showlegend=False)


def _layout(width: int, height: int, margin: dict[str, int], title: str | None) -> go.Layout:
    return go.Layout(
        template="none", width=width, height=height, margin=dict(margin, pad=0), paper_bgcolor="white", plot_bgcolor="white",
        font=dict(family=FONT, size=12, color=LABEL_COLOR), showlegend=False, hovermode="closest",
        title=dict(text=_esc(title), x=0, xref="paper", xanchor="left", font=dict(size=16)) if title else None)


def _axis(title: str | None, span: tuple[float, float], ticks: tuple, *, line: bool = True, grid: bool = True) -> dict:
    """A visible linear axis with a fixed range and the given ticks (values, texts), as save_static draws it."""
    values, texts = ticks
    return dict(visible=True, type="linear", range=[float(span[0]), float(span[1])], tickmode="array",
                tickvals=[float(v) for v in values], ticktext=[_esc(s) for s in texts], tickangle=0, showline=line,
                linecolor=AXIS_COLOR, linewidth=1, ticks="outside" if line else "", ticklen=5, tickwidth=1,
                tickcolor=AXIS_COLOR, showgrid=grid, gridcolor=GRID_COLOR, gridwidth=1, zeroline=False, automargin=False,
                tickfont=dict(size=12, color=LABEL_COLOR),
                title=dict(text=_esc(title), font=dict(size=14, color=LABEL_COLOR)) if title else None)


def _year_figure(labels: list[str], rows: np.ndarray, span: tuple[float, float], *, title: str | None, width: int, height: int,
                 right: int, grid: bool, x_range: Callable[[float], tuple[float, float]], lang: str) -> go.Figure:
    """A figure with a row per keyword (room on the left for the longest label) and a year axis."""
    left = max(40, min(math.ceil(CHAR_PX * max(len(s) for s in labels) + 20), int(0.45 * width)))
    fig = go.Figure(layout=_layout(width, height, {"l": left, "r": right, "t": 40 if title else 20, "b": 50}, title))
    years = x_range(plot_w := width - left - right)
    year = text("themes.axis_year", lang=lang)
    return fig.update_layout(xaxis=_axis(year, years, nice_ticks(*years, np.clip(plot_w / 70, 3, 12), integer=True)),
                             yaxis=_axis(None, span, (rows, labels), line=False, grid=grid))


def _diameters(occurrences: np.ndarray, px: tuple[float, float]) -> np.ndarray:
    """Bubble diameters: area proportional to occurrences, the largest ``px[1]``, none below ``px[0]``."""
    top = occurrences.max()
    return np.maximum(px[1] * np.sqrt(occurrences / top), px[0]) if top > 0 else np.full(len(occurrences), px[0])


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise OptionError(f"{what} needs the columns {', '.join(columns)}; missing: {', '.join(missing)}")


def _floats(column: pd.Series, *, counts: bool = False) -> np.ndarray:
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return np.nan_to_num(values, nan=0.0).clip(min=0.0) if counts else values


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL_LENGTH else text[:MAX_LABEL_LENGTH] + "..."


def _esc(value: object) -> str:
    return html.escape(str(value), quote=False)


def _n(digits: str, lang: str) -> str:
    """A number formatted the English way, as ``lang`` writes it (decimal comma, no-break space)."""
    return localize(digits, lang=lang)
