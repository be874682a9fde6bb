"""The legends of a map, outside the map: the size legend (VOSviewer's nested circles, bottom right)
and the width of the right margin that holds it with the cluster legend or the colour bar.

The size legend is drawn with plain scatter traces placed in the right margin in data coordinates
(``cliponaxis=False``), so the interactive figure and the static picture show the same thing.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from bibnet.palette import SIZE_VARIATION
from bibnet.plotting.colors import score_range
from bibnet.plotting.labels import MAP_FONT, text_widths
from bibnet.texts import localize

LEGEND_FONT = 12  # px, plotly's default legend font
SIZE_FONT = 11  # px, numbers of the size legend
LEGEND_INK = "#555555"
_GAP = 6  # px between the circles, the dotted leaders and the numbers


def size_values(weights: np.ndarray, *, variation: float = SIZE_VARIATION) -> list[float]:
    """Three weights for the size legend: the largest, a middle one and the smallest, rounded.

    The middle one is the weight whose circle is halfway in diameter between the other two
    (diameters grow as ``w ** variation``). Values are rounded to two significant digits (the
    largest downwards, so its circle is not larger than any on the map); repeated values are
    dropped, so a map of equal weights has a one-circle legend.

    Parameters
    ----------
    weights
        The size weights of the drawn items (NaN and negative ones ignored).
    variation
        VOSviewer's size variation.

    Returns
    -------
    list of float
        Decreasing, one to three values; empty when no weight is positive.
    """
    w = np.asarray(weights, dtype=np.float64)
    w = w[np.isfinite(w) & (w > 0)]
    if len(w) == 0:
        return []
    low, high = float(w.min()), float(w.max())
    middle = ((low**variation + high**variation) / 2) ** (1 / variation)
    values = [_round2(high, down=True), _round2(middle), _round2(low)]
    return sorted(set(values), reverse=True)


def size_legend_traces(values: list[float], diameters: list[float], *, x_px: float, y_px: float,
                       px_per_unit: float, origin: tuple[float, float], title: str,
                       lang: str = "en") -> list[go.Scatter]:
    """Nested circles standing on one point, each with a dotted leader to its number on the right.

    ``x_px, y_px`` is the left end of the circles' common bottom, in pixels from ``origin`` (the
    data point of the plot area's lower left corner), y upwards. ``title`` is the weight's name as
    the reader sees it; the numbers are written for ``lang``.
    """
    if not values:
        return []
    to_x = lambda px: origin[0] + np.asarray(px, dtype=np.float64) / px_per_unit  # noqa: E731
    to_y = lambda px: origin[1] + np.asarray(px, dtype=np.float64) / px_per_unit  # noqa: E731
    big = max(diameters)
    cx = x_px + big / 2
    tops = _number_heights([y_px + d for d in diameters])
    text_x = x_px + big + 3 * _GAP
    dots_x, dots_y = [], []
    for top in tops:  # a dot every 3 px from the circle's top to the number
        xs = np.arange(cx, text_x - _GAP / 2, 3.0)
        dots_x += list(xs)
        dots_y += [top] * len(xs)
    common = dict(hoverinfo="skip", showlegend=False, cliponaxis=False, name="size legend")
    return [
        go.Scatter(x=to_x([cx] * len(values)).round(5), y=to_y([y_px + d / 2 for d in diameters]).round(5),
                   mode="markers", marker=dict(size=[round(d, 2) for d in diameters], color="rgba(0,0,0,0)", opacity=1.0,
                                               line=dict(width=1, color=LEGEND_INK)), **common),
        go.Scatter(x=to_x(dots_x).round(5), y=to_y(dots_y).round(5), mode="markers",
                   marker=dict(size=1.5, color=LEGEND_INK, opacity=1.0, line=dict(width=0)), **common),
        go.Scatter(x=to_x([text_x] * len(values)).round(5), y=to_y(tops).round(5), mode="text",
                   text=[_number(v, lang) for v in values], textposition="middle right",
                   textfont=dict(size=SIZE_FONT, color=LEGEND_INK, family=MAP_FONT), **common),
        go.Scatter(x=to_x([x_px]).round(5), y=to_y([max(tops) + SIZE_FONT + _GAP]).round(5), mode="text",
                   text=[title], textposition="middle right",
                   textfont=dict(size=SIZE_FONT, color=LEGEND_INK, family=MAP_FONT), **common),
    ]


def size_legend_extent(values: list[float], diameters: list[float], title: str, *,
                       lang: str = "en") -> tuple[float, float]:
    """Width and height (px) the size legend needs, its numbers written for ``lang``."""
    if not values:
        return 0.0, 0.0
    big = max(diameters)
    numbers = float(np.max(text_widths([_number(v, lang) for v in values], [SIZE_FONT] * len(values))))
    width = max(big + 3 * _GAP + numbers, float(text_widths([title], [SIZE_FONT])[0]))
    return width, max(_number_heights(list(diameters))) + 2 * SIZE_FONT + _GAP


def _number_heights(tops: list[float]) -> list[float]:
    """Heights of the numbers: at their circles' tops, moved up where two would be closer than a line."""
    out: list[float] = []
    for top in reversed(tops):  # smallest circle first
        out.append(max(top, out[-1] + 1.2 * SIZE_FONT) if out else top)
    return out[::-1]


def legend_width(names: list[str]) -> float:
    """Width (px) of plotly's legend of these entries: symbol, gap, text and padding."""
    if not names:
        return 0.0
    return 40.0 + float(np.max(text_widths(names, [LEGEND_FONT] * len(names)))) + 10.0


def side_width(names: list[str], scores: np.ndarray | None, color_range: tuple[float, float] | None, *,
               lang: str = "en") -> float:
    """Width (px) of the cluster legend, or (``scores`` given) of the colour bar with its ticks (written for ``lang``)."""
    if scores is None:
        return legend_width(names)
    vmin, vmax = color_range if color_range is not None else score_range(scores)
    ticks = [tick_text(t, lang=lang) for t in np.linspace(vmin, vmax, 5)] if np.isfinite(vmin) else []
    tick_w = float(np.max(text_widths(ticks, [LEGEND_FONT] * len(ticks)))) if ticks else 0.0
    return max(30 + 14 + 6 + tick_w + 8 + 16, legend_width(names))


def tick_text(value: float, *, lang: str = "en") -> str:
    """Colour-bar tick text: at most six decimals, no trailing zeros (2015.5, 0.35, 20; ``2015,5`` in ru, kk)."""
    return localize(f"{value:.6f}".rstrip("0").rstrip("."), lang=lang)


def _number(value: float, lang: str) -> str:
    return localize(f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2g}", lang=lang)


def _round2(value: float, *, down: bool = False) -> float:
    """``value`` to two significant digits (at least to a whole number above 10)."""
    if value <= 0:
        return 0.0
    step = 10.0 ** (math.floor(math.log10(value)) - 1)
    step = max(step, 1.0) if value >= 10 else step
    q = value / step
    q = math.floor(q + 1e-9) if down else math.floor(q + 0.5)
    return float(round(q * step, 10))
