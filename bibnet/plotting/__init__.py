"""Pictures of keyword maps: interactive plotly figures and their static PNG/SVG versions.

The functions take the in-memory form of a VOSviewer map file, a DataFrame ``items`` with one
row per keyword: ``id`` (int), ``label`` (str), ``x``, ``y`` (float, NaN without a layout),
``cluster`` (Int64, 1-based, <NA> for none), ``weight<Links>``, ``weight<Total link strength>``,
``weight<Occurrences>`` and ``score<...>`` columns (NaN = missing); and ``links`` with
``source``, ``target`` (ids) and ``strength``, each pair once.

* :func:`network_figure` - the network view (cluster colours) or an overlay (a score in viridis);
* :func:`density_figure`, :func:`cluster_density_figure` - the item and cluster density views;
* :func:`top_keywords_figure` - the N most frequent keywords coloured by a score (Figure 2);
* :func:`save_static` - PNG (300 dpi) and SVG files of either, drawn with matplotlib;
* :func:`static_writer` - many of those at once, drawn in worker processes;
* :func:`plot` - any of the views of a :class:`~bibnet.network.Network`;
* :func:`strategic_figure`, :func:`evolution_figure`, :func:`trends_figure`, :func:`bursts_figure` -
  themes over time (:mod:`bibnet.plotting.themes`, drawn by :meth:`bibnet.Themes.plot_strategic` etc.).
"""

from bibnet.plotting.colors import (
    CLUSTER_COLORS,
    MISSING_SCORE_COLOR,
    NO_CLUSTER_COLOR,
    cluster_colors,
    nice_range,
    score_colors,
    score_range,
    viridis,
    viridis_colorscale,
)
from bibnet.plotting.density import DEFAULT_KERNEL_WIDTH, cluster_density_figure, density_figure
from bibnet.plotting.network import OVERLAYS, network_figure
from bibnet.plotting.static import save_static, static_writer
from bibnet.plotting.themes import bursts_figure, evolution_figure, strategic_figure, trends_figure
from bibnet.plotting.top_keywords import top_keywords_figure
from bibnet.plotting.views import plot

__all__ = [
    "CLUSTER_COLORS", "DEFAULT_KERNEL_WIDTH", "MISSING_SCORE_COLOR", "NO_CLUSTER_COLOR", "OVERLAYS",
    "bursts_figure", "cluster_colors", "cluster_density_figure", "density_figure", "evolution_figure",
    "network_figure", "nice_range", "plot", "save_static", "score_colors", "score_range", "static_writer",
    "strategic_figure", "top_keywords_figure", "trends_figure", "viridis", "viridis_colorscale",
]
