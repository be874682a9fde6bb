"""VOSviewer's colours: its viridis and the default overlay colour range (the cluster palette is
:mod:`bibnet.palette`, re-exported here).

Reference: docs section 7.3 (overlay) and 7.4 (drawing conventions of VOSviewer Online).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from bibnet.palette import CLUSTER_COLORS, NO_CLUSTER_COLOR, as_float, cluster_colors, hex_rgb

__all__ = [
    "CLUSTER_COLORS", "MISSING_SCORE_COLOR", "NO_CLUSTER_COLOR", "cluster_colors", "nice_range", "rescale",
    "score_colors", "score_range", "viridis", "viridis_colorscale", "viridis_rgb", "with_alpha",
]

#: Colour of items without a score in an overlay.
MISSING_SCORE_COLOR = "#cccccc"
#: VOSviewer's viridis is matplotlib's viridis restricted to [0.19, 1]: its 208 stops are
#: matplotlib's 256-entry table from entry 48 (= round(0.19 * 255)) on, starting at rgb(66, 64, 134).
VIRIDIS_FIRST_STOP = 48


@lru_cache(maxsize=1)
def _viridis_table() -> np.ndarray:
    """256 x 3 RGB floats of matplotlib's viridis (matplotlib imported only when colours are needed)."""
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap

    cmap = colormaps["viridis"]
    assert isinstance(cmap, ListedColormap)  # a list of 256 colours, which ``colors`` holds
    return np.asarray(cmap.colors, dtype=np.float64)


def viridis_rgb(values) -> np.ndarray:
    """RGB floats (n x 3, 0..1) of VOSviewer's viridis at ``values`` in [0, 1] (clamped)."""
    v = np.clip(np.asarray(values, dtype=np.float64), 0.0, 1.0)
    table = _viridis_table()
    pos = VIRIDIS_FIRST_STOP + (len(table) - 1 - VIRIDIS_FIRST_STOP) * v
    grid = np.arange(len(table))
    return np.stack([np.interp(pos, grid, table[:, k]) for k in range(3)], axis=-1)


def viridis(values) -> np.ndarray:
    """Hex colours of VOSviewer's viridis at ``values`` in [0, 1] (clamped)."""
    return _hex(viridis_rgb(values))


def viridis_colorscale(*, n: int = 11) -> list[list]:
    """VOSviewer's viridis as a plotly colour scale with ``n`` evenly spaced stops."""
    t = np.linspace(0.0, 1.0, n)
    return [[float(round(ti, 6)), str(c)] for ti, c in zip(t, viridis(t), strict=True)]


def nice_range(low: float, high: float, *, ticks: int = 5) -> tuple[float, float]:
    """Round ``low`` and ``high`` to multiples of a "nice" tick distance, as VOSviewer Online does.

    The range is widened to 1, 2, 5 or 10 times a power of ten; the tick distance for ``ticks``
    ticks is that range divided by ``ticks - 1`` and rounded to 1, 2, 5 or 10 times a power of
    ten; both ends are then rounded to the nearest multiple of the tick distance.
    """
    if not high > low:
        return low, high
    distance = _nice(_nice(high - low, widen=True) / (ticks - 1), widen=False)
    digits = max(0, 1 - math.floor(math.log10(distance)))  # drop float noise such as 0.30000000000000004
    return round(_round_half_up(low / distance) * distance, digits), round(_round_half_up(high / distance) * distance, digits)


def score_range(values, *, low: float = 0.1, high: float = 0.9, ticks: int = 5) -> tuple[float, float]:
    """VOSviewer Online's default overlay colour range of ``values`` (NaNs ignored).

    The lower and upper ends are the sorted non-missing values at positions
    ``round(low * (n - 1))`` and ``round(high * (n - 1))`` (10th and 90th percentile),
    rounded by :func:`nice_range`. If those two values coincide the full range of the values
    is used instead. Returns ``(nan, nan)`` when there is no value at all.
    """
    v = np.sort(np.asarray(as_float(values))[np.isfinite(as_float(values))])
    if len(v) == 0:
        return math.nan, math.nan
    lo = float(v[_round_half_up(low * (len(v) - 1))])
    hi = float(v[_round_half_up(high * (len(v) - 1))])
    if lo == hi:
        lo, hi = float(v[0]), float(v[-1])
    return nice_range(lo, hi, ticks=ticks)


def rescale(values, vmin: float, vmax: float) -> np.ndarray:
    """Colour values ``(v - vmin) / (vmax - vmin)`` clamped to [0, 1]; 0.5 when the range is empty."""
    v = np.asarray(as_float(values))
    if not vmax > vmin:
        return np.where(np.isfinite(v), 0.5, np.nan)
    return np.clip((v - vmin) / (vmax - vmin), 0.0, 1.0)


def score_colors(values, vmin: float, vmax: float) -> np.ndarray:
    """Hex overlay colours of ``values`` on the range [vmin, vmax], clamped at both ends.

    Missing values get :data:`MISSING_SCORE_COLOR`.
    """
    t = rescale(values, vmin, vmax)
    ok = np.isfinite(t)
    return np.where(ok, viridis(np.where(ok, t, 0.0)), MISSING_SCORE_COLOR)


def with_alpha(hex_colors, alpha: float) -> np.ndarray:
    """``rgba(r,g,b,alpha)`` strings of hex colours."""
    h = np.asarray(hex_colors, dtype=str)
    unique = np.unique(h)
    lookup = {c: f"rgba({r},{g},{b},{alpha:g})" for c, (r, g, b) in zip(unique, hex_rgb(unique), strict=True)}
    return np.array([lookup[c] for c in h], dtype=object)


def _nice(value: float, *, widen: bool) -> float:
    """1, 2, 5 or 10 times a power of ten: at least ``value`` if ``widen``, else the nearest."""
    exponent = math.floor(math.log10(value))
    fraction = value / 10.0**exponent
    if widen:
        steps = ((1 + 1e-8, 1), (2 + 1e-8, 2), (5 + 1e-8, 5))
        nice = next((n for limit, n in steps if fraction <= limit), 10)
    else:
        steps = ((1.5, 1), (3, 2), (7, 5))
        nice = next((n for limit, n in steps if fraction < limit), 10)
    return nice * 10.0**exponent


def _round_half_up(x: float) -> int:
    """JavaScript's Math.round (halves go up), not Python's round-half-even."""
    return int(math.floor(x + 0.5))


def _hex(rgb: np.ndarray) -> np.ndarray:
    """``#rrggbb`` strings of an (n x 3) array of RGB floats in [0, 1]."""
    ints = np.rint(np.atleast_2d(rgb) * 255).astype(np.int64)
    out = np.array([f"#{r:02x}{g:02x}{b:02x}" for r, g, b in ints])
    return out.reshape(np.shape(rgb)[:-1])
