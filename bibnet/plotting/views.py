"""The views of a :class:`~bibnet.network.Network`: network, overlay and density, as VOSviewer shows them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import plotly.graph_objects as go

from bibnet.errors import OptionError
from bibnet.plotting.density import DEFAULT_KERNEL_WIDTH, cluster_density_figure, density_figure
from bibnet.plotting.network import network_figure
from bibnet.readwrite.convert import vosviewer_items
from bibnet.texts import check_lang

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.network import Network

__all__ = ["plot"]


def plot(
    net: Network,
    *,
    overlay: str = "cluster",
    density: bool | Literal["item", "cluster"] = False,
    title: str | None = None,
    max_links: int = 1000,
    kernel_width: float = DEFAULT_KERNEL_WIDTH,
    width: int = 900,
    height: int | None = None,
    scale: float = 1.0,
    curved_links: bool = False,
    lang: str = "en",
) -> go.Figure:
    """Interactive plotly figure of a laid-out network.

    Parameters
    ----------
    net
        A network with a layout (:meth:`~bibnet.network.Network.layout`).
    overlay
        Colour items by ``"cluster"`` (network view) or by a score: ``"year"``,
        ``"citations"``, ``"norm_citations"``, ``"author_share"`` (all keywords only).
    density
        A density view instead (``overlay`` and ``max_links`` are not used): ``True`` or ``"item"``
        for VOSviewer's item density, ``"cluster"`` for its cluster density.
    title, max_links, kernel_width, width, height, scale, curved_links, lang
        As in :func:`~bibnet.plotting.network_figure` and :func:`~bibnet.plotting.density_figure`.

    Raises
    ------
    OptionError
        ``density`` is not one of those values, unknown language, or as the figure functions raise.
    """
    check_lang(lang)
    if density not in (False, True, "item", "cluster"):
        raise OptionError(f"density must be True, False, 'item' or 'cluster', got {density!r}")
    items = vosviewer_items(net)
    if density:
        view = cluster_density_figure if density == "cluster" else density_figure
        return view(items, kernel_width=kernel_width, title=title, width=width, height=height, scale=scale, lang=lang)
    return network_figure(items, net.links(), color=overlay, max_links=max_links, title=title, width=width,
                          height=height, scale=scale, curved_links=curved_links, lang=lang)
