"""Axis ranges and ticks of the charts with visible axes (:mod:`bibnet.plotting.themes`).

The ticks are always given to plotly (``tickvals``/``ticktext``), so that the static pictures
(:mod:`bibnet.plotting.static`) put them where the interactive figure does.
"""

from __future__ import annotations

import math

import numpy as np


def fit_range(values: np.ndarray, reach: np.ndarray, length: float, unit: float = 0.0) -> tuple[float, float]:
    """Axis range: the values' span plus 10% on each side (if all equal, ``unit`` or 10% of their size or 1), widened
    so that each value's ``reach`` (px) fits at the largest scale (px per unit) where all do, found by bisection."""
    lo, hi = float(values.min()), float(values.max())
    pad = 0.1 * (hi - lo) if hi > lo else (unit or 0.1 * abs(hi) or 1.0)

    def ends(px: float) -> tuple[float, float]:
        return min(lo - pad, float(np.min(values - reach / px))), max(hi + pad, float(np.max(values + reach / px)))

    def fits(px: float) -> bool:
        return (ends(px)[1] - ends(px)[0]) * px <= length

    b = length / (hi - lo + 2 * pad)  # the scale without any reach: an upper bound
    a = b if fits(b) else b * 1e-6
    if not fits(a):  # the bubbles do not fit even on a tiny scale: the values fill the axis
        return lo - pad, hi + pad
    for _ in range(0 if a == b else 100):
        a, b = (math.sqrt(a * b), b) if fits(math.sqrt(a * b)) else (a, math.sqrt(a * b))
    low, high = ends(a)
    extra = (length / a - (high - low)) / 2
    return low - extra, high + extra


def nice_ticks(lo: float, hi: float, count: float, *, integer: bool = False) -> tuple[np.ndarray, list[str]]:
    """About ``count`` ticks at multiples of 1, 2 or 5 times a power of ten (at least 1 if ``integer``) in lo..hi."""
    rough = max((hi - lo) / max(float(count), 1.0), 1.0 if integer else 1e-12)
    base = 10.0 ** math.floor(math.log10(rough))
    step = next(m * base for m in (1, 2, 5, 10) if m * base >= rough * (1 - 1e-9))
    values = step * np.arange(math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9) + 1)
    digits = max(0, -math.floor(math.log10(step) + 1e-9))
    values = np.round(values, digits) + 0.0  # + 0.0: no "-0"
    return values, [f"{v:.{digits}f}" for v in values]
