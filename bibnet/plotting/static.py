"""Static pictures (PNG at 300 dpi and SVG) of bibnet's plotly figures, drawn with matplotlib.

Why matplotlib and not plotly's kaleido: kaleido 1.x drives a Chrome/Chromium browser that many
users (servers, CI, locked-down laptops) do not have and that it would otherwise download; its
output also changes with the browser version. matplotlib is a plain pip wheel with its own font
(DejaVu Sans), renders offline and, with the settings below, writes byte-identical files for
the same input: fixed SVG ids (``svg.hashsalt``) and no date or version in the metadata. SVG text
stays text (``<text>`` elements naming the font family and size), so that labels can be edited and
searched; the family list is DejaVu Sans (what the picture was measured and drawn in), then Arial,
Helvetica and sans-serif, as in the interactive figure.

The figure is redrawn from its plotly description, so the picture shows the same circles, links,
labels, colours, legend and colour bar as the interactive figure. Supported is what bibnet
draws: ``scatter`` traces (solid or dashed lines, round markers, text centred on or beside its
point, polygons filled ``"toself"``) and ``heatmap`` traces on one pair of axes, hidden or linear
with fixed ranges and given ticks (:mod:`bibnet.plotting.static_axes`), plus the layout's title
and annotations in data or paper coordinates. Anything else would come out wrong or not at all,
so it is refused with an :class:`~bibnet.errors.OptionError` instead.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import plotly.graph_objects as go

from bibnet.errors import OptionError
from bibnet.plotting.raster import draw_image, image_problem
from bibnet.plotting.static_axes import (
    PT_PER_PX,
    PX_PER_INCH,
    Box,
    annotate,
    annotation_problem,
    axis_problem,
    centred,
    draw_axes,
    text_beside,
)
from bibnet.plotting.static_axes import array as _array
from bibnet.plotting.static_axes import color as _color
from bibnet.plotting.static_axes import numeric as _numeric
from bibnet.plotting.static_axes import plain as _plain
from bibnet.plotting.static_axes import pt as _pt

if TYPE_CHECKING:  # matplotlib itself is imported only when a picture is drawn
    from matplotlib.typing import RcKeyType

__all__ = ["DPI", "DRAWN", "PT_PER_PX", "PX_PER_INCH", "save_static", "static_writer"]

DPI = 300
_RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": "bibnet",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "axes.unicode_minus": False,
}
_SVG_FAMILY = "font-family: 'DejaVu Sans';"  # as matplotlib writes it, and with the fallbacks of the HTML
_SVG_FAMILIES = "font-family: 'DejaVu Sans', Arial, Helvetica, sans-serif;"
#: The trace types :func:`save_static` draws.
DRAWN = ("scatter", "heatmap", "image")
_CAN_DRAW = "save_static draws scatter and heatmap traces (bibnet's network, overlay and density figures)"


def save_static(fig_or_data: go.Figure | dict[str, Any], path_png: str | Path | None,
                path_svg: str | Path | None, *, dpi: int = DPI) -> None:
    """Write a plotly figure as PNG (``dpi`` dots per inch) and/or SVG.

    Parameters
    ----------
    fig_or_data
        A plotly ``Figure`` or its dict/JSON form (``fig.to_dict()``, ``json.loads(fig.to_json())``).
    path_png, path_svg
        Output files; ``None`` skips that format. Parent folders must exist.
    dpi
        Resolution of the PNG (the SVG is resolution-independent).

    Raises
    ------
    OptionError
        If the figure has what cannot be drawn faithfully (a trace type other than scatter
        or heatmap, subplots, axes with automatic ticks, shapes, ...); nothing is written then.
    """
    from matplotlib import rc_context

    fig = fig_or_data if isinstance(fig_or_data, go.Figure) else go.Figure(fig_or_data)
    problem = _unsupported(fig)
    if problem is not None:
        raise OptionError(f"cannot draw {problem} as a static picture; {_CAN_DRAW}")
    with rc_context(_RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")  # e.g. CJK labels
        canvas = _draw(fig)
        if path_png is not None:
            # zlib level 3: 17% faster than the default 6 at 300 dpi, files 3% larger
            canvas.savefig(path_png, dpi=dpi, format="png", metadata={"Software": None}, pil_kwargs={"compress_level": 3})
        if path_svg is not None:
            buffer = io.StringIO()
            canvas.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
            Path(path_svg).write_text(buffer.getvalue().replace(_SVG_FAMILY, _SVG_FAMILIES), encoding="utf-8")


@contextmanager
def static_writer(*, workers: int | None = None) -> Iterator:
    """Draw many static pictures in worker processes while the caller goes on.

    Yields ``save(fig, path_png, path_svg)``, called like :func:`save_static`; the pictures
    are drawn by ``workers`` processes (default: one per core; 1 draws each at once, in this
    process) and all are written when the ``with`` block ends. A 300-dpi PNG takes about a
    second, so on 2 cores the 16 pictures of ``bibnet analyze`` take half as long. Each file
    is the same, byte for byte, whichever process draws it. A block left through an exception
    (an error, Ctrl-C, SIGTERM on the command line) cancels the pictures not yet drawn and
    ends the workers at once (:class:`bibnet.workers.WorkerPool`).
    """
    from bibnet.workers import cpus, pool

    workers = cpus() if workers is None else workers
    if workers <= 1:
        yield save_static
        return
    pending = []
    with pool(workers) as executor:

        def save(fig: go.Figure | dict[str, Any], path_png: str | Path | None, path_svg: str | Path | None) -> None:
            data = fig.to_plotly_json() if isinstance(fig, go.Figure) else fig
            pending.append(executor.submit(save_static, data, path_png, path_svg))

        yield save
        for done in pending:
            done.result()  # a worker's error surfaces here


def _draw(fig: go.Figure):
    """A matplotlib Figure with the content of the plotly figure."""
    from matplotlib.figure import Figure

    layout = fig.layout
    width, height = layout.width or 900, layout.height or 700
    m = layout.margin
    left, right, top, bottom = (v if v is not None else d for v, d in ((m.l, 80), (m.r, 80), (m.t, 100), (m.b, 80)))
    canvas = Figure(figsize=(width / PX_PER_INCH, height / PX_PER_INCH), facecolor=layout.paper_bgcolor or "white")
    ax = canvas.add_axes((left / width, bottom / height, (width - left - right) / width, (height - top - bottom) / height))
    ax.set_facecolor(layout.plot_bgcolor or "white")
    ax.set_axis_off()
    box = Box(width, height, left, right, top, bottom, m.pad or 0)
    handles = []
    for z, trace in enumerate(fig.data):
        if trace.visible is False:
            continue
        if trace.type == "heatmap":
            _heatmap(ax, trace, z)
        elif trace.type == "image":
            draw_image(ax, trace, z)
        elif trace.type == "scatter":
            handles += _scatter(ax, trace, z, canvas, (layout.xaxis.range, layout.yaxis.range))
            if trace.marker is not None and trace.marker.showscale:
                _colorbar(canvas, trace.marker, (width, height, left, right, top, bottom))
    if layout.xaxis.range is not None:
        ax.set_xlim(*layout.xaxis.range)
    if layout.yaxis.range is not None:
        ax.set_ylim(*layout.yaxis.range)
    if layout.xaxis.visible is not False or layout.yaxis.visible is not False:
        draw_axes(canvas, layout, box)
    for note in layout.annotations or ():
        if not centred(note):
            annotate(canvas, ax, note, layout)
            continue
        ax.text(note.x, note.y, _plain(note.text), ha="center", va="center",
                fontsize=_pt((note.font.size if note.font else None) or 12))
    if handles and layout.showlegend is not False:
        upper = layout.legend.yanchor != "bottom"
        y = layout.legend.y if layout.legend.y is not None else 1.0 if upper else 0.0
        x = layout.legend.x if layout.legend.x is not None and layout.legend.xanchor == "left" else 1.0
        ax.legend(handles=handles, loc="upper left" if upper else "lower left", bbox_to_anchor=(x, y),
                  frameon=False, fontsize=_pt(12), borderaxespad=0.5)
    if layout.title is not None and layout.title.text:
        canvas.text(left / width, 1 - 20 / height, _plain(layout.title.text), ha="left", va="center",
                    fontsize=_pt((layout.title.font.size if layout.title.font else None) or 16))
    return canvas


def _scatter(ax, trace, z: int, canvas, ranges: tuple) -> list:
    """Draw a scatter trace (fill, lines, markers and/or text); returns its legend handle, if any."""
    from matplotlib.lines import Line2D
    from matplotlib.transforms import ScaledTranslation

    x, y = _array(trace.x), _array(trace.y)
    if x.size == 0 or np.all(np.isnan(x)):
        return []
    mode = _mode(trace, x.size)
    if trace.fill == "toself":  # each run between gaps is a polygon, as plotly fills it
        breaks = np.flatnonzero(np.isnan(x) | np.isnan(y))
        for run in np.split(np.arange(x.size), breaks):
            run = run[np.isfinite(x[run]) & np.isfinite(y[run])]
            if run.size >= 3:
                ax.fill(x[run], y[run], facecolor=_color(trace.fillcolor), edgecolor="none", linewidth=0, zorder=z)
    line = trace.line
    if "lines" in mode and line is not None and line.width != 0:  # a line 0 px wide is not drawn
        width = line.width if line.width is not None else 2
        if line.dash == "dash":  # plotly: dashes and gaps of 3 * max(width, 3) px, butt ends
            ax.plot(x, y, color=_color(line.color or "#444"), linewidth=_pt(width), zorder=z,
                    linestyle=(0, (3 * max(width, 3) / width,) * 2), dash_capstyle="butt")
        else:
            ax.plot(x, y, color=_color(line.color or "#444"), linewidth=_pt(width), solid_capstyle="round", zorder=z)
    handles = []
    marker = trace.marker
    if "markers" in mode and marker is not None and (marker.opacity is None or marker.opacity > 0):
        size = np.broadcast_to(_array(marker.size) if marker.size is not None else 6.0, x.shape)
        colors = marker.color if marker.color is not None else "#1f77b4"
        colors = [_color(c) for c in colors] if isinstance(colors, (list, tuple, np.ndarray)) else _color(colors)
        colors = [colors] if isinstance(colors, tuple) else colors  # one rgba colour, not four numbers to map
        edge = marker.line.color if marker.line is not None and marker.line.color else "white"
        edge_width = marker.line.width if marker.line is not None and marker.line.width is not None else 0
        ax.scatter(x, y, s=_pt(size) ** 2, c=colors, edgecolors=_color(edge), linewidths=_pt(edge_width), zorder=z,
                   clip_on=trace.cliponaxis is not False)  # e.g. the size legend in the margin
        if trace.showlegend is not False and trace.name:
            first = colors[0] if isinstance(colors, list) else colors
            handles.append(Line2D([], [], marker="o", linestyle="", color=first, markersize=7, label=_plain(trace.name)))
    if "text" in mode and trace.text is not None:
        font = trace.textfont
        sizes = np.broadcast_to(_array(font.size) if font is not None and font.size is not None else 12.0, x.shape)
        color = _color(font.color) if font is not None and font.color else "#222222"
        texts = [trace.text] * x.size if isinstance(trace.text, str) else trace.text  # one text for all points
        position, clip = trace.textposition or "middle center", trace.cliponaxis is not False
        shown = _in_range(ranges, x, y) if not clip else np.ones(x.shape, dtype=bool)  # plotly hides those off the axes
        for xi, yi, text, size, show in zip(x, y, texts, sizes, shown, strict=False):  # plotly: missing texts are blank
            if not show:
                continue
            ha, down = text_beside(position, float(size), len(_plain(text).split("\n")))
            offset = ScaledTranslation(0, -down / PX_PER_INCH, canvas.dpi_scale_trans)
            ax.text(xi, yi, _plain(text), fontsize=_pt(size), color=color, ha=ha, va="baseline", linespacing=1.3,
                    transform=ax.transData + offset, zorder=z, clip_on=clip)
    return handles


def _in_range(ranges: tuple, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Which points lie on the axes' fixed ranges (all where a range is not fixed)."""
    inside = np.ones(x.shape, dtype=bool)
    for values, span in zip((x, y), ranges, strict=True):
        if span is not None:
            low, high = sorted(float(v) for v in span)
            inside &= (values >= low) & (values <= high)
    return inside


def _mode(trace, n: int) -> str:
    """The trace's mode; unset, plotly's default: lines and markers below 20 points, else lines."""
    return trace.mode or ("lines+markers" if n < 20 else "lines")


def _unsupported(fig: go.Figure) -> str | None:
    """What in ``fig`` :func:`_draw` would leave out or draw wrongly (the first such thing), or None."""
    for trace in fig.data:
        if trace.visible is False:
            continue  # not drawn, whatever it is
        if trace.type not in DRAWN:
            return f"a {trace.type!r} trace"
        problem = _trace_problem(trace)
        if problem is not None:
            return problem
    return _layout_problem(fig.layout)


def _trace_problem(trace) -> str | None:
    if trace.visible == "legendonly":
        return "a trace shown in the legend only (visible='legendonly')"
    if (trace.xaxis or "x") != "x" or (trace.yaxis or "y") != "y":
        return f"a trace on the axes {trace.xaxis or 'x'}/{trace.yaxis or 'y'} (subplots or a second axis)"
    if trace.opacity is not None and trace.opacity != 1:
        return f"a trace of opacity {trace.opacity:g}"
    if trace.type == "heatmap":
        return _heatmap_problem(trace)
    if trace.type == "image":
        return image_problem(trace)
    return _scatter_problem(trace)


def _scatter_problem(trace) -> str | None:
    if trace.x is None and trace.y is not None:
        return "a scatter trace without x (plotly numbers the points)"
    if not _numeric(trace.x, trace.y):
        return "a scatter trace of text or dates for x or y (category or date axes)"
    x = _array(trace.x)
    if x.size == 0 or np.all(np.isnan(x)):
        return None  # nothing is drawn (bibnet's colour-bar trace)
    mode, marker = _mode(trace, x.size), trace.marker
    opacity = marker.opacity  # a number or an array of numbers (plotly validates it); cast: see _pt
    if "markers" in mode and opacity is not None and (not np.isscalar(opacity) or 0 < cast(float, opacity) < 1):
        return f"markers of opacity {opacity!r} (only 0 and 1 are drawn)"
    if "markers" in mode and opacity is None and marker.size is not None and not np.isscalar(marker.size):
        return "markers sized one by one at plotly's default opacity for them, 0.7 (set marker.opacity)"
    if trace.fill not in (None, "none", "toself"):
        return f"a scatter trace filled {trace.fill!r}"
    if trace.fill == "toself" and (not isinstance(trace.fillcolor, str) or trace.fillgradient.type not in (None, "none")
                                   or trace.fillpattern.shape not in (None, "")):
        return "a scatter trace filled 'toself' without one fillcolor (plotly's default, a gradient or a pattern)"
    if "lines" in mode and trace.line.dash not in (None, "solid", "dash"):
        return f"lines dashed {trace.line.dash!r}"
    if "lines" in mode and trace.line.shape not in (None, "linear"):
        return f"lines shaped {trace.line.shape!r}"
    if "markers" in mode and any(s not in (None, "circle", 0) for s in np.ravel(np.asarray(marker.symbol, dtype=object))):
        return f"markers of symbol {marker.symbol!r} (only circles are drawn)"
    colors = marker.color
    if "markers" in mode and (isinstance(colors, dict) or isinstance(colors, (list, tuple, np.ndarray))
                              and any(not isinstance(c, str) for c in colors)):
        return "markers coloured by numbers through a colour scale (give the colours themselves)"
    position = trace.textposition
    if "text" in mode and position not in (None, "middle center"):
        if not isinstance(position, str):
            return f"text at several positions {position!r}"
        if "markers" in mode:
            return f"text at position {position!r} beside markers (only 'middle center' is drawn there)"
    return None


def _heatmap_problem(trace) -> str | None:
    if trace.showscale is not False:  # plotly shows a colour bar unless told not to
        return "a heatmap with a colour bar (set showscale=False)"
    # drawn on a regular grid from its first two cell centres (bibnet's density grid)
    if trace.z is None or trace.x is None or trace.y is None or not _numeric(trace.x, trace.y, trace.z):
        return "a heatmap without numeric x, y and z"
    if _array(trace.x).size < 2 or _array(trace.y).size < 2:
        return "a heatmap of a single row or column"
    return None


def _layout_problem(layout) -> str | None:
    if layout.shapes:
        return "layout shapes"
    if layout.images:
        return "layout images"
    template = layout.template.layout if layout.template is not None else None
    for name, axis in (("x", layout.xaxis), ("y", layout.yaxis)):
        if axis.type not in (None, "-", "linear"):
            return f"a {axis.type} {name} axis"
        if axis.autorange == "reversed":
            return f"a reversed {name} axis"
        if axis.visible is not False:
            styled = template is not None and bool(template[f"{name}axis"].to_plotly_json())
            problem = axis_problem(name, axis, styled)
            if problem is not None:
                return problem
    for note in layout.annotations or ():
        problem = annotation_problem(note)
        if problem is not None:
            return problem
    return None



def _heatmap(ax, trace, z: int) -> None:
    """Draw a heatmap on its cell centres, smoothed like plotly's ``zsmooth='best'``."""
    values, x, y = _array(trace.z), _array(trace.x), _array(trace.y)
    dx, dy = (x[1] - x[0]) / 2, (y[1] - y[0]) / 2
    ax.imshow(values, extent=(x[0] - dx, x[-1] + dx, y[0] - dy, y[-1] + dy), origin="lower", aspect="auto",
              cmap=_colormap(trace.colorscale), vmin=trace.zmin, vmax=trace.zmax,
              interpolation="bilinear" if trace.zsmooth else "nearest", zorder=z)


def _colorbar(canvas, marker, box: tuple[int, ...]) -> None:
    """Vertical colour bar in the right margin, with the trace's ticks and title."""
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    width, height, left, right, top, bottom = box
    bar = marker.colorbar
    plot_h = height - top - bottom
    length = (bar.len if bar.len is not None else 1.0) * plot_h
    at = bar.y if bar.y is not None else 0.5  # plotly: y in the plot area, anchored at the bar's top, middle or bottom
    below = {"top": length, "bottom": 0.0}.get(bar.yanchor or "middle", length / 2)
    x = left + bar.x * (width - left - right) + 10 if bar.x is not None and bar.xanchor == "left" else width - right + 20
    cax = canvas.add_axes((x / width, (bottom + at * plot_h - below) / height,
                           (bar.thickness or 14) / width, length / height))
    mappable = ScalarMappable(Normalize(marker.cmin, marker.cmax), _colormap(marker.colorscale))
    cb = canvas.colorbar(mappable, cax=cax)
    cb.outline.set_visible(False)
    if bar.tickvals is not None:
        cb.set_ticks(list(bar.tickvals), labels=[_plain(t) for t in bar.ticktext] if bar.ticktext else None)
    cb.ax.tick_params(labelsize=_pt(12), length=0)
    if bar.title is not None and bar.title.text:
        cb.set_label(_plain(bar.title.text), fontsize=_pt(12))


def _colormap(colorscale):
    from matplotlib.colors import LinearSegmentedColormap

    stops = [(float(t), _color(c)) for t, c in colorscale]
    return LinearSegmentedColormap.from_list("plotly", stops, N=256)
