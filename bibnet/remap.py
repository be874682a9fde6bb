"""Cluster and lay out an existing VOSviewer network ("create a map based on network data").

The map file, when given, supplies labels, weights and scores, which are kept; without one the
ids become the labels. Links and Total link strength are recomputed from the network, as
VOSviewer does for a network it maps.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from bibnet.clustering import Clustering, ClusterParams, cluster
from bibnet.layout import Layout, LayoutParams, layout
from bibnet.normalize import normalize
from bibnet.readwrite import VOSviewerMap


@dataclass(frozen=True)
class Remapped:
    """A re-clustered, re-laid-out map and what made it."""

    map: VOSviewerMap
    clustering: Clustering
    positions: Layout | None
    normalization: str

    def describe(self) -> str:
        """One line for the command line: items, links, clusters and quality."""
        clusters = int(self.map.items["cluster"].max()) if len(self.map.items) else 0
        return (f"{len(self.map.items):,} items, {len(self.map.links):,} links; {clusters} clusters "
                f"(quality {float(self.clustering.quality):.6f})")

    def summary(self) -> dict[str, Any]:
        """Counts, quality values and parameters (the ``summary.json`` content)."""
        links = self.map.links
        return {
            "items": int(len(self.map.items)),
            "links": int(len(links)),
            "total_link_strength": float(links["strength"].sum()),
            "clusters": int(self.map.items["cluster"].max()) if len(self.map.items) else 0,
            "quality": float(self.clustering.quality),
            "layout_quality": float(self.positions.quality) if self.positions else None,
            "layout_method": self.positions.method if self.positions else None,
            "parameters": {
                "normalization": self.normalization,
                "clustering": dataclasses.asdict(self.clustering.params) | {"engine": self.clustering.engine},
                "layout": dataclasses.asdict(self.positions.params) if self.positions else None,
            },
        }


def adjacency(vmap: VOSviewerMap) -> sp.csr_matrix:
    """Symmetric link-strength matrix in the row order of ``vmap.items``."""
    position = pd.Series(np.arange(len(vmap.items)), index=vmap.items["id"].to_numpy())
    rows = position.loc[vmap.links["source"].to_numpy()].to_numpy()
    cols = position.loc[vmap.links["target"].to_numpy()].to_numpy()
    strength = vmap.links["strength"].to_numpy(dtype=np.float64)
    n = len(vmap.items)
    upper = sp.coo_matrix((strength, (rows, cols)), shape=(n, n))
    return (upper + upper.T).tocsr()


#: Defaults of :func:`remap` (frozen, so one instance serves every call).
_DEFAULT_CLUSTERING = ClusterParams()
_DEFAULT_LAYOUT = LayoutParams()


def remap(
    vmap: VOSviewerMap,
    *,
    normalization: str = "association",
    clustering: ClusterParams = _DEFAULT_CLUSTERING,
    layout_params: LayoutParams | None = _DEFAULT_LAYOUT,
) -> Remapped:
    """Cluster (and lay out) the network of ``vmap``; labels, weights and scores are kept."""
    items = vmap.items.copy()
    if "label" not in items:
        items.insert(1, "label", items["id"].astype(str))
    adj = adjacency(vmap)
    weights = normalize(adj, method=normalization)
    result = cluster(weights, clustering)
    labels = np.asarray(result.labels)
    items["cluster"] = pd.array(np.where(labels >= 0, labels + 1, 0), dtype="Int64")
    items.loc[labels < 0, "cluster"] = pd.NA
    positions = None
    if layout_params is not None:
        positions = layout(weights, layout_params)
        items["x"], items["y"] = positions.coords[:, 0], positions.coords[:, 1]
    items["weight<Links>"] = np.diff(adj.indptr).astype(np.float64)
    items["weight<Total link strength>"] = np.asarray(adj.sum(axis=1)).ravel()
    front = ["id", "label", "x", "y", "cluster", "weight<Links>", "weight<Total link strength>"]
    items = items[[c for c in front if c in items] + [c for c in items if c not in front]]
    return Remapped(
        map=dataclasses.replace(vmap, items=items), clustering=result, positions=positions, normalization=normalization
    )
