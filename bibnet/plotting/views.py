"""The views of a :class:`~bibnet.network.Network`: network, overlay and density, as VOSviewer shows them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from bibnet.plotting.density import DEFAULT_KERNEL_WIDTH, density_figure
from bibnet.plotting.network import network_figure
from bibnet.readwrite.convert import vosviewer_items

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.network import Network

__all__ = ["plot"]


def plot(
    net: Network,
    *,
    overlay: str = "cluster",
    density: bool = False,
    title: str | None = None,
    max_links: int = 1000,
    kernel_width: float = DEFAULT_KERNEL_WIDTH,
    width: int = 900,
    height: int = 700,
    scale: float = 1.0,
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
        VOSviewer's item density view instead (``overlay`` and ``max_links`` are not used).
    title, max_links, kernel_width, width, height, scale
        As in :func:`~bibnet.plotting.network_figure` and :func:`~bibnet.plotting.density_figure`.
    """
    items = vosviewer_items(net)
    if density:
        return density_figure(items, kernel_width=kernel_width, title=title, width=width, height=height, scale=scale)
    return network_figure(items, net.links(), color=overlay, max_links=max_links, title=title, width=width,
                          height=height, scale=scale)
