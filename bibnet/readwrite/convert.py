"""A :class:`~bibnet.network.Network` as a :class:`VOSviewerMap`: VOSviewer's columns and terminology."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bibnet.readwrite.vosmap import VOSviewerMap

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.network import Network

__all__ = ["AUTHOR_SHARE_COLUMN", "MAP_COLUMNS", "to_vosviewer", "vosviewer_items"]

#: Map-file columns in VOSviewer's order, with the Network.items column behind each.
MAP_COLUMNS: dict[str, str] = {
    "id": "id",
    "label": "label",
    "x": "x",
    "y": "y",
    "cluster": "cluster",
    "weight<Links>": "links",
    "weight<Total link strength>": "total_link_strength",
    "weight<Occurrences>": "occurrences",
    "score<Avg. pub. year>": "avg_pub_year",
    "score<Avg. citations>": "avg_citations",
    "score<Avg. norm. citations>": "avg_norm_citations",
}
#: Extra score of "all" networks, written to JSON but not to the map file (whose columns are VOSviewer's).
AUTHOR_SHARE_COLUMN = "score<Author keyword share>"
#: VOSviewer's words for the items and links of a keyword co-occurrence map.
TERMINOLOGY = {
    "item": "Keyword", "items": "Keywords",
    "link": "Co-occurrence link", "links": "Co-occurrence links",
    "link_strength": "Co-occurrences", "total_link_strength": "Total link strength",
}


def vosviewer_items(net: Network, *, extra_scores: bool = True) -> pd.DataFrame:
    """The network's items with VOSviewer's column names (``weight<Occurrences>``, ``score<...>``, ...).

    ``extra_scores`` adds the author keyword share of ``keywords="all"`` networks as
    :data:`AUTHOR_SHARE_COLUMN`.
    """
    items = pd.DataFrame({name: net.items[col] for name, col in MAP_COLUMNS.items()})
    items["cluster"] = items["cluster"].astype("Int64")
    for name in items.columns:
        if name.startswith("weight<"):
            items[name] = items[name].astype(np.float64)
    if extra_scores and "author_share" in net.items:
        items[AUTHOR_SHARE_COLUMN] = net.items["author_share"].to_numpy(dtype=np.float64)
    return items


def to_vosviewer(net: Network, *, extra_scores: bool = True) -> VOSviewerMap:
    """The network as a :class:`VOSviewerMap`: items, links, and the parameters in its config."""
    return VOSviewerMap(items=vosviewer_items(net, extra_scores=extra_scores), links=net.links(), config=_config(net))


def _config(net: Network) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if net.positions is not None:
        params |= {"attraction": net.positions.params.attraction, "repulsion": net.positions.params.repulsion}
    if net.clustering is not None:
        cp = net.clustering.params
        params |= {"resolution": cp.resolution, "min_cluster_size": cp.min_cluster_size,
                   "merge_small_clusters": cp.merge_small_clusters}
    return {"terminology": dict(TERMINOLOGY), "parameters": params}
