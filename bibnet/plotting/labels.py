"""Labels of a map: their boxes from real font metrics, and which of them are drawn.

Extents are measured in matplotlib's bundled DejaVu Sans, the font the static pictures use and
the first font the interactive figures ask for, so both pictures agree where the browser has it.
A label is centred on its item as plotly centres text on a point: anchored in the middle, its
baseline :data:`BASELINE_SHIFT` em below the point; its box spans the font's ascent above and
descent below the baseline (the line box, not the ink, so accents and descenders stay inside).

Placement follows VOSviewer: labels are taken by decreasing weight (ties by label) and one is
left out when its box would overlap a label already drawn. bibnet adds two rules: a label is also
left out when its box would cover the centre of a circle larger than its own item's (so a small
item's label never hides a big item), or when it would reach outside the drawing area.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

#: The font the label extents are measured in (matplotlib's bundled font).
FONT_FAMILY = "DejaVu Sans"
#: The font list of the map figures: DejaVu Sans first, so the HTML matches the static picture.
MAP_FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
#: plotly puts the baseline of a one-line text centred on a point 0.25 em below the point
#: (``Drawing.textPointPosition``: 0.75 em - half the line).
BASELINE_SHIFT = 0.25
MAX_LABEL_LENGTH = 30  # VOSviewer Online's default; longer labels end in "..."
_REFERENCE_SIZE = 100.0  # widths are measured once at this size and scale linearly (no hinting)


@lru_cache(maxsize=1)
def font_extents() -> tuple[float, float]:
    """Ascent and descent of DejaVu Sans in em (its hhea line metrics, 0.928 and 0.236)."""
    from matplotlib import font_manager, ft2font

    path = font_manager.findfont(font_manager.FontProperties(family=FONT_FAMILY), fallback_to_default=False)
    font = ft2font.FT2Font(path)
    return font.ascender / font.units_per_EM, -font.descender / font.units_per_EM


@lru_cache(maxsize=100_000)
def _em_width(text: str) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(family=FONT_FAMILY, size=_REFERENCE_SIZE)
    return text_to_path.get_text_width_height_descent(text, prop, ismath=False)[0] / _REFERENCE_SIZE


def text_widths(texts, sizes) -> np.ndarray:
    """Widths of one-line texts in DejaVu Sans at ``sizes`` (any unit: the result is in the same one)."""
    em = np.array([_em_width(str(t)) if str(t) else 0.0 for t in texts], dtype=np.float64)
    return em * np.asarray(sizes, dtype=np.float64)


@dataclass(frozen=True)
class Labels:
    """Label texts (shortened, not yet escaped), font sizes and their boxes around the item (pixels).

    ``half_w`` is half the width; ``up`` and ``down`` how far the box reaches above and below the
    item's centre.
    """

    text: np.ndarray
    font: np.ndarray
    half_w: np.ndarray
    up: np.ndarray
    down: np.ndarray

    @property
    def half_h(self) -> np.ndarray:
        """How far the box reaches vertically, on its longer side (for symmetric fitting)."""
        return np.maximum(self.up, self.down)


def label_boxes(items: pd.DataFrame, font: np.ndarray, *, max_label_length: int = MAX_LABEL_LENGTH) -> Labels:
    """Labels as drawn (cut after ``max_label_length`` characters) with their measured boxes."""
    text = np.array([t if len(t) <= max_label_length else t[:max_label_length] + "..."
                     for t in items["label"].astype(str)], dtype=object)
    ascent, descent = font_extents()
    font = np.asarray(font, dtype=np.float64)
    return Labels(text, font, text_widths(text, font) / 2, (ascent - BASELINE_SHIFT) * font,
                  (descent + BASELINE_SHIFT) * font)


def place_labels(cx: np.ndarray, cy: np.ndarray, labels: Labels, diameter: np.ndarray, order: np.ndarray, *,
                 bounds: tuple[float, float, float, float] | None = None) -> np.ndarray:
    """Which labels are drawn: VOSviewer's greedy rule plus the larger-circle and bounds rules.

    Parameters
    ----------
    cx, cy
        Item centres in pixels, y upwards.
    labels
        The labels' boxes (:func:`label_boxes`).
    diameter
        Circle diameters in pixels: a label may not cover the centre of a strictly larger circle.
    order
        Item indices by priority (heaviest first).
    bounds
        ``(x0, y0, x1, y1)``: boxes must stay inside; ``None``: anywhere.

    Returns
    -------
    numpy.ndarray
        Boolean mask over the items: True where the label is drawn.
    """
    x0, x1 = cx - labels.half_w, cx + labels.half_w
    y0, y1 = cy - labels.down, cy + labels.up
    ok = np.ones(len(cx), dtype=bool)
    if bounds is not None:
        ok = (x0 >= bounds[0]) & (y0 >= bounds[1]) & (x1 <= bounds[2]) & (y1 <= bounds[3])
    keep = np.zeros(len(cx), dtype=bool)
    kept: list[int] = []
    for i in order:
        if not ok[i] or not labels.text[i]:
            continue
        bigger = diameter > diameter[i]
        if np.any(bigger & (cx > x0[i]) & (cx < x1[i]) & (cy > y0[i]) & (cy < y1[i])):
            continue
        if kept:
            k = np.asarray(kept)
            if np.any((x0[k] < x1[i]) & (x0[i] < x1[k]) & (y0[k] < y1[i]) & (y0[i] < y1[k])):
                continue
        kept.append(int(i))
        keep[i] = True
    return keep


def priority(items: pd.DataFrame, weight: np.ndarray) -> np.ndarray:
    """Item indices by decreasing weight, ties by label (then by id, the items' order)."""
    return np.lexsort((items["label"].astype(str).to_numpy(), -np.nan_to_num(weight, nan=0.0)))
