"""Visible axes, annotations and placed text of :mod:`bibnet.plotting.static`, where plotly.js 4 puts them.

Positions follow plotly.js (``axes.makeLabelFns``, ``drawTitle`` and ``Titles.draw`` for axes,
``drawRaw`` for annotations, ``Drawing.textPointPosition`` for text beside a point), in pixels of
the plotly canvas (origin top left, y down) turned into figure coordinates by one transform. Text
heights use Arial's ascent and descent (0.905 and 0.212 em), the font bibnet's figures ask for;
widths, where plotly measures them (an axis title moved clear of its tick labels), are measured in
matplotlib's font. Also here: the plotly-to-matplotlib conversions that :mod:`bibnet.plotting.static`
shares with this module.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

import numpy as np

PX_PER_INCH = 100  # a 900 x 700 px figure is 9 x 7 in: 2700 x 2100 px at 300 dpi
PT_PER_PX = 72 / PX_PER_INCH
ASCENT, DESCENT = 0.905, 0.212  # Arial's, in em: the text boxes plotly measures in the browser
MID_SHIFT, LINE_SPACING, BORDER = 0.35, 1.3, 2  # plotly's constants; BORDER: an annotation's border + pad
SIDE = {"x": "bottom", "y": "left"}


@dataclass(frozen=True)
class Box:
    """The canvas (pixels) and the plot area inside its margins."""

    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    pad: float

    @property
    def plot_w(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> float:
        return self.height - self.top - self.bottom


def axis_problem(name: str, axis, styled: bool) -> str | None:
    """What about a visible axis :func:`draw_axes` would draw wrongly, or None."""
    what = f"a visible {name} axis"
    if styled:
        return f"{what} styled by the figure's template (use template='none')"
    if axis.range is None or axis.autorange not in (None, False) or not numeric(axis.range):
        return f"{what} without a fixed range (set range)"
    if axis.tickmode not in (None, "array") or axis.tickvals is None or not numeric(axis.tickvals) or (
            axis.showticklabels is not False and axis.ticktext is None):
        return f"{what} with automatic ticks (give tickvals and ticktext)"
    if axis.ticktext is not None and len(axis.ticktext) != np.size(array(axis.tickvals)):
        return f"{what} with {np.size(array(axis.tickvals))} tickvals but {len(axis.ticktext)} ticktext"
    checks = (
        (axis.tickangle not in (None, 0), f"tick labels at an angle of {axis.tickangle} on the {name} axis"),
        (axis.ticks == "inside", f"ticks inside the {name} axis"),
        ((axis.side or SIDE[name]) != SIDE[name], f"the {name} axis on the {axis.side}"),
        (bool(axis.mirror), f"a mirrored {name} axis"),
        (axis.zeroline is not False, f"{what} with a zero line (set zeroline=False)"),
        (axis.showgrid is None or (axis.showgrid and axis.gridcolor is None),
         f"{what} with plotly's default grid (set showgrid, and gridcolor if shown)"),
        (axis.griddash not in (None, "solid"), f"grid lines dashed {axis.griddash!r}"),
        (bool(axis.automargin), f"automargin on the {name} axis"),
        (axis.scaleanchor is not None or axis.matches is not None, f"{what} tied to another axis (scaleanchor or matches)"),
        (axis.domain is not None and list(axis.domain) != [0, 1], f"the {name} axis on part of the figure (domain)"),
        (axis.ticklabelposition not in (None, "outside") or axis.tickson not in (None, "labels")
         or axis.ticklabelstep not in (None, 1), f"tick labels of the {name} axis moved or thinned out"),
        (axis.minor is not None and (axis.minor.ticks not in (None, "") or bool(axis.minor.showgrid)),
         f"minor ticks or grid lines on the {name} axis"),
        (axis.layer == "below traces", f"the {name} axis below the traces"),
        (axis.title is not None and axis.title.standoff is not None, f"a title standoff on the {name} axis"),
        (name == "x" and axis.rangeslider is not None and bool(axis.rangeslider.visible), "a range slider"),
    )
    return next((problem for bad, problem in checks if bad), None)


def annotation_problem(note) -> str | None:
    """What about an annotation :func:`annotate` would draw wrongly, or None."""
    if note.showarrow is not False:  # plotly draws an arrow unless told not to
        return "an annotation with an arrow (set showarrow=False)"
    xref, yref = note.xref or "x", note.yref or "y"
    if xref not in ("x", "paper") or yref not in ("y", "paper"):
        return f"an annotation placed in {xref}/{yref} coordinates"
    if note.textangle not in (None, 0):
        return f"an annotation at an angle of {note.textangle}"
    if note.width is not None or note.height is not None:
        return "an annotation of fixed width or height"
    if not _clear(note.bgcolor) or (not _clear(note.bordercolor) and note.borderwidth != 0):
        return "an annotation with a background or border"
    return None


def centred(note) -> bool:
    """An annotation at data coordinates, centred there: drawn as bibnet always drew it."""
    return ((note.xref or "x") == "x" and (note.yref or "y") == "y" and note.xanchor in (None, "auto", "center")
            and note.yanchor in (None, "auto", "middle") and not note.xshift and not note.yshift)


def annotate(canvas, ax, note, layout) -> None:
    """Draw an annotation (data or paper coordinates, any anchor and shift) as plotly's ``drawRaw`` does."""
    from matplotlib.transforms import ScaledTranslation, blended_transform_factory

    paper_x, paper_y = note.xref == "paper", note.yref == "paper"
    x, y = float(note.x if note.x is not None else 0.5), float(note.y if note.y is not None else 0.5)
    for paper, value, lim in ((paper_x, x, ax.get_xlim()), (paper_y, y, ax.get_ylim())):
        if not paper and not min(lim) <= value <= max(lim):
            return  # plotly hides an annotation whose data point is off the axis range
    size, fill = _font(note.font, layout)
    lines = len(plain(note.text).split("\n"))
    xanchor, yanchor = note.xanchor or "auto", note.yanchor or "auto"
    if xanchor == "auto":  # plotly: centred at data points, at paper points the nearest side
        xanchor = "center" if not paper_x else "left" if x < 1 / 3 else "right" if x > 2 / 3 else "center"
    if yanchor == "auto":
        yanchor = "middle" if not paper_y else "top" if y > 2 / 3 else "bottom" if y < 1 / 3 else "middle"
    dx = {"left": BORDER, "right": -BORDER}.get(xanchor, 0.0) + (note.xshift or 0.0)
    block = (ASCENT + DESCENT + (lines - 1) * LINE_SPACING) * size  # the text box's height
    top = {"top": BORDER, "bottom": -BORDER - block}.get(yanchor, -block / 2)  # box top below the point, px
    dy = top + ASCENT * size + (lines - 1) * LINE_SPACING * size - (note.yshift or 0.0)  # last line's baseline
    transform = blended_transform_factory(ax.transAxes if paper_x else ax.transData, ax.transAxes if paper_y else ax.transData)
    shift = ScaledTranslation(dx / PX_PER_INCH, -dy / PX_PER_INCH, canvas.dpi_scale_trans)
    ax.text(x, y, plain(note.text), transform=transform + shift, fontsize=pt(size), color=fill,
            ha={"left": "left", "right": "right"}.get(xanchor, "center"), va="baseline", linespacing=LINE_SPACING,
            multialignment=note.align if note.align in ("left", "right") else "center", clip_on=False)


def text_beside(position: str, size: float, lines: int) -> tuple[str, float]:
    """Horizontal alignment and baseline offset (px, down; of the last line) of text beside a point.

    plotly's ``textPointPosition`` for text without markers: ``position`` is e.g. ``"top left"``.
    """
    vertical = -1 if "top" in position else 1 if "bottom" in position else 0
    block = (lines - 1) * LINE_SPACING + 1
    first = size * 0.75 + (vertical - 1) * block * size / 2
    ha = "right" if "left" in position else "left" if "right" in position else "center"
    return ha, first + (lines - 1) * LINE_SPACING * size


def draw_axes(canvas, layout, box: Box) -> None:
    """Plot background, grid, axis lines, ticks, tick labels and titles of the visible axes."""
    from matplotlib.patches import Rectangle

    px = canvas_px(canvas, box)
    canvas.add_artist(Rectangle((box.left, box.top), box.plot_w, box.plot_h, transform=px, zorder=-2,
                                facecolor=color(layout.plot_bgcolor or "white"), edgecolor="none"))
    for name, axis in (("x", layout.xaxis), ("y", layout.yaxis)):
        if axis.visible is not False:
            _axis(canvas, px, name, axis, layout, box)


def _axis(canvas, px, name: str, axis, layout, box: Box) -> None:
    from matplotlib.lines import Line2D

    lo, hi = (float(v) for v in axis.range)
    along_px = box.plot_w if name == "x" else box.plot_h
    vals = np.atleast_1d(array(axis.tickvals)).astype(np.float64)
    offset = (vals - lo) / (hi - lo) * along_px if hi != lo else np.full(vals.shape, np.nan)
    keep = np.flatnonzero((offset >= -0.5) & (offset <= along_px + 0.5))  # plotly drops ticks off the range
    along = box.left + offset[keep] if name == "x" else box.top + box.plot_h - offset[keep]
    texts = [str(axis.ticktext[i]) for i in keep] if axis.ticktext is not None else []
    line_w = axis.linewidth if axis.showline and axis.linewidth is not None else 1
    crisp = max(1, round(line_w)) if line_w else 1
    sign = 1 if name == "x" else -1  # outwards, in canvas pixels
    line_pos = box.top + box.plot_h + box.pad + crisp / 2 if name == "x" else box.left - box.pad - crisp / 2
    ink = axis.color or "#444"

    def segments(a: np.ndarray, b0: float, b1: float) -> tuple[np.ndarray, np.ndarray]:
        u, v = np.full(3 * len(a), np.nan), np.full(3 * len(a), np.nan)
        u[0::3], u[1::3], v[0::3], v[1::3] = a, a, b0, b1
        return (u, v) if name == "x" else (v, u)

    if axis.showgrid:
        start, span = (box.top, box.plot_h) if name == "x" else (box.left, box.plot_w)
        canvas.add_artist(Line2D(*segments(along, start, start + span), transform=px, zorder=-1, color=color(axis.gridcolor),
                                 linewidth=pt(max(1, round(axis.gridwidth or 1))), solid_capstyle="butt"))
    if axis.showline:
        ends = [box.left, box.left + box.plot_w] if name == "x" else [box.top, box.top + box.plot_h]
        xy = (ends, [line_pos] * 2) if name == "x" else ([line_pos] * 2, ends)
        canvas.add_artist(Line2D(*xy, transform=px, color=color(axis.linecolor or ink), linewidth=pt(crisp),
                                 solid_capstyle="butt"))
    ticklen = axis.ticklen if axis.ticklen is not None else 5
    if axis.ticks == "outside":
        near = line_pos + sign * line_w / 2
        canvas.add_artist(Line2D(*segments(along, near, near + sign * ticklen), transform=px, color=color(axis.tickcolor or ink),
                                 linewidth=pt(max(1, round(axis.tickwidth or 1))), solid_capstyle="butt"))
    size, fill = _font(axis.tickfont, layout, axis.color)
    boxes = []
    if axis.showticklabels is not False:
        standoff = (ticklen if axis.ticks == "outside" else 0) + line_w / 2
        standoff += 0.2 * size if axis.ticks == "outside" or axis.showline else 0
        for where, text in zip(along, texts, strict=True):
            w = text_width(text, size)
            if name == "x":
                x, y, ha = where, line_pos + standoff + size, "center"
                boxes.append((x - w / 2, y - ASCENT * size, x + w / 2, y + DESCENT * size))
            else:
                x, y, ha = line_pos - standoff, where + MID_SHIFT * size, "right"
                boxes.append((x - w, y - ASCENT * size, x, y + DESCENT * size))
            canvas.text(x, y, plain(text), transform=px, fontsize=pt(size), color=fill, ha=ha, va="baseline")
    if axis.title is not None and axis.title.text:
        _title(canvas, px, name, axis, layout, box, boxes)


def _title(canvas, px, name: str, axis, layout, box: Box, boxes: list) -> None:
    """Axis title at plotly's standoff, moved clear of the tick labels as plotly's ``avoid`` does."""
    size, fill = _font(axis.title.font, layout, axis.color, big=True)
    labels = axis.showticklabels is not False
    standoff = 10 + 1.5 * size + (axis.linewidth - 1 if axis.showline and axis.linewidth else 0)
    standoff += size * (1.5 if labels else 0.5) if name == "x" else size * (0.5 if labels else 0)
    w, text = text_width(axis.title.text, size), plain(axis.title.text)
    if name == "x":
        x, y = box.left + box.plot_w / 2, box.top + box.plot_h + standoff
        bb = [x - w / 2, y - ASCENT * size, x + w / 2, y + DESCENT * size]
        outward, far, near, limit = 1, 3, 1, box.height - bb[3]  # side bottom: compare bottoms with the title's top
    else:
        x, y = box.left - standoff, box.top + box.plot_h / 2
        bb = [x - ASCENT * size, y - w / 2, x + DESCENT * size, y + w / 2]
        outward, far, near, limit = -1, 0, 2, bb[0]  # side left: compare lefts with the title's right
    shift = 0.0
    if limit < 0:
        shift = limit
    else:
        for other in boxes:
            if bb[0] <= other[2] + 2 and other[0] <= bb[2] + 2 and bb[1] <= other[3] + 2 and other[1] <= bb[3] + 2:
                shift = max(shift, outward * (other[far] - bb[near]) + 2)
        shift = min(limit, shift)
    if name == "x":
        canvas.text(x, y + shift, text, transform=px, fontsize=pt(size), color=fill, ha="center", va="baseline")
    else:
        canvas.text(x - shift, y, text, transform=px, fontsize=pt(size), color=fill, ha="center", va="baseline",
                    rotation=90, rotation_mode="anchor")


def canvas_px(canvas, box: Box):
    """Transform from plotly canvas pixels (origin top left, y down) to the matplotlib figure."""
    from matplotlib.transforms import Affine2D

    return Affine2D().scale(1 / box.width, -1 / box.height).translate(0, 1) + canvas.transFigure


def text_width(text, size: float) -> float:
    """Width in canvas pixels of (pseudo-HTML) text at ``size`` px in matplotlib's font; its widest line."""
    from matplotlib.font_manager import FontProperties

    renderer = _renderer()
    prop = FontProperties(size=pt(size))
    lines = html.unescape(re.sub(r"</?[a-zA-Z][^<>]*>", "", re.sub(r"<br\s*/?>", "\n", str(text), flags=re.IGNORECASE)))
    return max(renderer.get_text_width_height_descent(line, prop, ismath=False)[0] for line in lines.split("\n")) / PT_PER_PX


@lru_cache(maxsize=1)
def _renderer():
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(1, 1, 72)  # at 72 dpi, a pixel of the renderer is a point


def _font(font, layout, axis_color: str | None = None, *, big: bool = False) -> tuple[float, object]:
    """Size (px) and colour of a font, plotly's defaults from the layout's font (titles of axes: 1.2 times)."""
    base = (layout.font.size if layout.font is not None else None) or 12
    size = (font.size if font is not None else None) or (round(1.2 * base) if big else base)
    fill = (font.color if font is not None else None) or axis_color or (layout.font.color if layout.font else None) or "#444"
    return float(size), color(fill)


def _clear(value) -> bool:
    """Whether a plotly colour is unset or fully transparent."""
    if value is None or str(value).strip() == "transparent":
        return True
    rgba = color(value)
    return isinstance(rgba, tuple) and rgba[3] == 0


# -- conversions shared with bibnet.plotting.static --------------------------------------------
def numeric(*values) -> bool:
    """Whether each of ``values`` reads as numbers (see :func:`array`)."""
    try:
        for value in values:
            array(value)
    except (TypeError, ValueError):
        return False
    return True


def array(value) -> np.ndarray:
    """Numbers as a float array: plain lists (None = NaN) or plotly's base64 typed arrays."""
    if isinstance(value, dict) and "bdata" in value:
        out = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).astype(np.float64)
        shape = value.get("shape")
        if shape:
            out = out.reshape([int(s) for s in str(shape).split(",")])
        return out
    if isinstance(value, (int, float)):
        return np.asarray(float(value))
    return np.array([np.nan if v is None else v for v in np.asarray(value, dtype=object).ravel()],
                    dtype=np.float64).reshape(np.shape(value))


_RGBA = re.compile(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)")


def color(value: str):
    """A matplotlib colour from a plotly colour string (``#rrggbb``, ``rgb()``, ``rgba()``, names)."""
    match = _RGBA.fullmatch(str(value).strip())
    if match:
        r, g, b, a = match.groups()
        return (float(r) / 255, float(g) / 255, float(b) / 255, 1.0 if a is None else float(a))
    return str(value)


def plain(text) -> str:
    """Plotly's pseudo-HTML as plain text: ``<br>`` to newlines, other tags dropped, entities decoded."""
    text = re.sub(r"<br\s*/?>", "\n", str(text), flags=re.IGNORECASE)
    return html.unescape(re.sub(r"</?[a-zA-Z][^<>]*>", "", text)).replace("$", r"\$")  # no mathtext


def pt(px):
    # cast: np.isscalar's TypeGuard widens px to "str, bytes, complex, ... or a number"; a scalar px
    # is a real number here (a size or width, plotly-validated or bibnet's own)
    return np.asarray(px, dtype=np.float64) * PT_PER_PX if not np.isscalar(px) else float(cast(float, px)) * PT_PER_PX
