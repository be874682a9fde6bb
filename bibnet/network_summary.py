"""What a paper reports about one network: :class:`NetworkSummary` (``summary.json``)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from bibnet.clustering import ClusterParams
from bibnet.keywords import field_name
from bibnet.layout import LayoutParams
from bibnet.selection import Cleaning, NetworkParams


@dataclass(frozen=True)
class NetworkSummary:
    """The numbers a paper reports about one network, and every parameter that made it.

    :meth:`to_dict` is the content of ``summary.json``. Non-integral numbers are rounded
    to 10 digits, integral ones are ints (JSON ``12`` rather than ``12.0``).
    """

    field: str
    records: int
    records_with_keywords: int
    keywords_total: int
    keywords_meeting_threshold: int
    keywords_selected: int
    links: int
    components: int
    total_link_strength: float | int
    network: NetworkParams
    clusters: int | None = None
    quality: float | None = None
    clustering: ClusterParams | None = None
    engine: str | None = None
    layout_quality: float | None = None
    layout_method: str | None = None
    layout: LayoutParams | None = None
    cleaning: Cleaning | None = None
    #: Set by :func:`bibnet.analysis.analyze`: the overlap of the top author and indexed keywords.
    author_vs_indexed_overlap: dict[str, Any] | None = None
    #: Records per database (:func:`bibnet.sources.in_order`); names the fields as each database does.
    sources: dict[str, int] = dataclasses.field(default_factory=dict)
    #: Keyword occurrences that held control or invisible characters, removed (see
    #: :func:`bibnet.keywords.clean_counted`); in ``summary.json`` only when not 0.
    control_characters_removed: int = 0

    @property
    def field_name(self) -> str:
        """The keyword field in words, as the databases name it ("All keywords", "Keywords Plus")."""
        return field_name(self.field, self.sources)

    def parameters(self) -> dict[str, Any]:
        """Every option used to make the network, its clusters and its layout."""
        params = self.network.to_dict()
        if self.clustering is not None:
            params["clustering"] = self.clustering.to_dict() | {"engine": self.engine}
        if self.layout is not None:
            params["layout"] = self.layout.to_dict()
        return params

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON data (``summary.json``)."""
        out: dict[str, Any] = {
            "field": self.field,
            "field_name": self.field_name,
            "records": self.records,
            "sources": dict(self.sources),
            "records_with_keywords": self.records_with_keywords,
            "keywords_total": self.keywords_total,
            "keywords_meeting_threshold": self.keywords_meeting_threshold,
            "keywords_selected": self.keywords_selected,
            "links": self.links,
            "components": self.components,
            "total_link_strength": self.total_link_strength,
            "clusters": self.clusters,
            "quality": self.quality,
            "layout_quality": self.layout_quality,
            "layout_method": self.layout_method,
            "parameters": self.parameters(),
        }
        if self.cleaning is not None:
            out["cleaning"] = self.cleaning.to_dict()
        if self.author_vs_indexed_overlap is not None:
            out["author_vs_indexed_overlap"] = self.author_vs_indexed_overlap
        if self.control_characters_removed:  # absent for clean exports: their summary.json stays as it was
            out["control_characters_removed"] = self.control_characters_removed
        return out

    def describe(self) -> str:
        """One line with the numbers a paper reports, e.g. for the command line."""
        text = (
            f"{self.field_name}: {self.keywords_total:,} keywords, {self.keywords_meeting_threshold:,} occur at least "
            f"{self.network.min_occurrences} times, {self.keywords_selected:,} mapped; {self.links:,} links, "
            f"total link strength {self.total_link_strength:,}"
        )
        if self.clusters is not None and self.quality is not None:
            text += f"; {self.clusters} cluster{'' if self.clusters == 1 else 's'} (quality {self.quality:.4f})"
        if self.cleaning is not None:
            c = self.cleaning
            text += (f"; --clean auto merged {c.keywords_merged:,} variants ({c.keywords_total_before:,} keywords and "
                     f"{c.keywords_meeting_threshold_before:,} above the threshold before)")
        if self.components > 1:
            text += f"; {self.components} unconnected parts (--largest-component keeps the largest)"
        if self.control_characters_removed:
            text += (f"; control or invisible characters removed from {self.control_characters_removed:,} "
                     f"keyword occurrence{'' if self.control_characters_removed == 1 else 's'}")
        return text
