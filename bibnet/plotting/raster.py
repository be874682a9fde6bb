"""RGB pictures on the data axes: plotly ``image`` traces carrying a PNG, and their static drawing.

Plotly has no heatmap of mixed colours, so a picture computed cell by cell (the cluster density
view) goes in as an ``image`` trace whose ``source`` is a base64 PNG: the browser scales it
smoothly (``zsmooth="fast"``), and the HTML stays small (a PNG instead of a list of numbers per
cell). On a y axis that is not reversed, plotly draws the PNG's first row at ``y0``, at the
bottom (checked in Chromium), so row ``i`` of the array is stored as row ``i`` of the PNG: the
file itself looks upside down. PNGs are written without metadata
(Pillow adds none unless asked), so the same pixels always give the same text.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go

__all__ = ["draw_image", "image_problem", "image_trace", "png_data_uri", "png_pixels"]

_PNG_URI = "data:image/png;base64,"


def image_trace(rgb: np.ndarray, *, x0: float, dx: float, y0: float, dy: float) -> go.Image:
    """An ``image`` trace of ``rgb`` (rows x columns x 3, uint8) with cell centres ``x0 + j dx``, ``y0 + i dy``.

    Parameters
    ----------
    rgb
        The colours; row 0 is drawn at the bottom (``y0``).
    x0, dx, y0, dy
        Centre of the first cell and the cell size, in data units (``dy > 0``).

    Returns
    -------
    plotly.graph_objects.Image
        Smoothed in the browser, without hover.
    """
    return go.Image(source=png_data_uri(rgb), x0=float(x0), dx=float(dx), y0=float(y0), dy=float(dy),
                    zsmooth="fast", hoverinfo="skip")


def png_data_uri(rgb: np.ndarray) -> str:
    """``data:image/png;base64,...`` of an RGB array (row 0 first: plotly draws it at ``y0``)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb, dtype=np.uint8), mode="RGB").save(buffer, format="PNG")
    return _PNG_URI + base64.b64encode(buffer.getvalue()).decode("ascii")


def png_pixels(source: str) -> np.ndarray:
    """The RGB array of a :func:`png_data_uri` text."""
    from PIL import Image

    with Image.open(io.BytesIO(base64.b64decode(source[len(_PNG_URI):]))) as picture:
        return np.asarray(picture.convert("RGB"))


def image_problem(trace) -> str | None:
    """Why :func:`draw_image` cannot draw ``trace`` faithfully, or None."""
    if not isinstance(trace.source, str) or not trace.source.startswith(_PNG_URI) or trace.z is not None:
        return "an image trace other than a base64 PNG source (bibnet's cluster density)"
    if (trace.dy or 1) < 0 or (trace.dx or 1) < 0:
        return "an image trace with a negative dx or dy"
    return None


def draw_image(ax, trace, zorder: int) -> None:
    """Draw an image trace on matplotlib axes where plotly puts it, smoothed when the trace is."""
    rgb = png_pixels(trace.source)
    rows, cols = rgb.shape[:2]
    x0, y0 = trace.x0 or 0.0, trace.y0 or 0.0
    dx, dy = trace.dx or 1.0, trace.dy or 1.0  # plotly's defaults
    ax.imshow(rgb, extent=(x0 - dx / 2, x0 + (cols - 0.5) * dx, y0 - dy / 2, y0 + (rows - 0.5) * dy), origin="lower",
              aspect="auto", interpolation="bilinear" if trace.zsmooth else "nearest", zorder=zorder)
