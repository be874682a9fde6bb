"""The keyword co-occurrence network: the selected keywords, their scores, clusters and layout.

:func:`build_network` runs the pipeline from records to a selected network; the :class:`Network` it
returns keeps the sparse matrices, so every keyword and link can be traced back to its
records, and its :meth:`Network.cluster` and :meth:`Network.layout` return new networks that
record their parameters and quality. Writing, converting and drawing a network are functions
of the later stages: :func:`bibnet.readwrite.to_vosviewer`, :func:`bibnet.readwrite.save`,
:func:`bibnet.plotting.plot`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from bibnet.clustering import Clustering, ClusterParams, cluster
from bibnet.errors import OptionError
from bibnet.keyword_fields import SplitKeywords
from bibnet.keywords import KeywordCounts, KeywordOccurrences, clean
from bibnet.layout import Layout, LayoutParams, layout
from bibnet.memory import release
from bibnet.network_summary import NetworkSummary
from bibnet.normalize import normalize
from bibnet.options import resolve, takes
from bibnet.scores import keyword_scores
from bibnet.selection import Cleaning, NetworkParams, Selection, check_mappable, occurrences, select
from bibnet.sources import in_order

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.corpus import Corpus


class KeywordNotFound(OptionError, KeyError):
    """A keyword asked for is not in the network.

    An :class:`~bibnet.errors.OptionError` (one line on the command line), and a ``KeyError``
    for code that looks keywords up like a mapping.
    """

    __str__ = Exception.__str__  # the message as given, not quoted as KeyError would


class DocumentSource(Protocol):
    """Where a network that keeps no record reads its documents back
    (:class:`bibnet.passes.documents.FromFiles`)."""

    def documents(self, field: str, keys: Sequence[str]) -> pd.DataFrame:
        """The records holding every one of ``keys`` (cleaned keywords of ``field``)."""
        ...


@dataclass(frozen=True, eq=False)  # holds arrays
class Network:
    """A selected keyword co-occurrence network and, once computed, its clusters and layout.

    Attributes
    ----------
    items
        One row per mapped keyword, in label order: ``id`` (1..N), ``label``, ``key`` (cleaned
        keyword), ``occurrences``, ``links``, ``total_link_strength``, ``avg_pub_year``,
        ``avg_citations``, ``avg_norm_citations``, for ``keywords="all"`` ``author_share``,
        then ``x``, ``y`` (NaN until laid out) and ``cluster`` (1-based, <NA> until clustered).
    cooccurrence
        N x N raw link strengths (symmetric CSR, empty diagonal).
    incidence
        Records x N binary matrix: which record has which mapped keyword; ``None`` for a network
        counted in passes over the files (:func:`bibnet.passes.networks`), which keeps no record.
    records
        The corpus records the network was built from (rows of ``incidence``); of a network
        counted in passes, only the kept records' databases (``DB``).
    keywords
        All keywords of the field with their occurrences, before the threshold
        (:class:`~bibnet.keywords.KeywordCounts` for a network counted in passes).
    params
        The :class:`~bibnet.selection.NetworkParams` used.
    keywords_meeting_threshold
        Number of keywords with at least ``params.min_occurrences`` occurrences.
    clustering, positions
        Results of :meth:`cluster` and :meth:`layout`, with their parameters and quality.
    suggestions, cleaning
        With ``clean="auto"``: the suggested thesaurus that was applied and its effect.
    keyword_fields
        The records' ``DE`` and ``ID`` when a lean read kept them split rather than as
        columns of ``records`` (:meth:`documents` gives them back as text).
    source
        Of a network counted in passes (no ``incidence``): where :meth:`documents` reads the
        records back from.
    """

    items: pd.DataFrame
    cooccurrence: sp.csr_matrix
    incidence: sp.csr_matrix | None
    records: pd.DataFrame
    keywords: KeywordOccurrences | KeywordCounts
    params: NetworkParams
    keywords_meeting_threshold: int
    clustering: Clustering | None = None
    positions: Layout | None = None
    suggestions: pd.DataFrame | None = None
    cleaning: Cleaning | None = None
    keyword_fields: dict[str, SplitKeywords] = field(default_factory=dict, repr=False)
    source: DocumentSource | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return (
            f"<Network {self.params.keywords}: {len(self)} keywords, {self.n_links} links, "
            f"{f'{self.n_clusters:d} clusters' if self.clustering else 'not clustered'}, "
            f"{'laid out' if self.positions else 'no layout'}>"
        )

    # -- derived numbers -------------------------------------------------------------------
    @cached_property
    def weights(self) -> sp.csr_matrix:
        """Normalised link strengths (``params.normalization``), the input of clustering and layout."""
        return normalize(self.cooccurrence, method=self.params.normalization)

    @property
    def n_links(self) -> int:
        """Number of links (each pair once)."""
        return int(self.cooccurrence.nnz // 2)

    @property
    def total_link_strength(self) -> float:
        """Sum of all link strengths, each link counted once."""
        return float(self.cooccurrence.sum()) / 2.0

    @property
    def n_clusters(self) -> int:
        """Number of clusters (0 before :meth:`cluster`)."""
        return int(self.items["cluster"].max()) if self.clustering is not None and len(self) else 0

    def summary(self) -> NetworkSummary:
        """The numbers papers report, plus every parameter used."""
        c, p = self.clustering, self.positions
        return NetworkSummary(
            field=self.params.keywords,
            records=int(len(self.records)),
            records_with_keywords=self.keywords.records_with_keywords,
            keywords_total=int(len(self.keywords.keys)),
            keywords_meeting_threshold=int(self.keywords_meeting_threshold),
            keywords_selected=int(len(self)),
            links=self.n_links,
            components=int(connected_components(self.cooccurrence, directed=False)[0]) if len(self) else 0,
            total_link_strength=_number(self.total_link_strength),
            network=self.params,
            clusters=self.n_clusters if c is not None else None,
            quality=_number(c.quality) if c is not None else None,
            clustering=c.params if c is not None else None,
            engine=c.engine if c is not None else None,
            layout_quality=_number(p.quality) if p is not None else None,
            layout_method=p.method if p is not None else None,
            layout=p.params if p is not None else None,
            cleaning=self.cleaning,
            control_characters_removed=self.keywords.control_characters_removed,
            sources=in_order(self.records["DB"].value_counts().to_dict()) if "DB" in self.records else {},
        )

    def describe(self) -> str:
        """One line with the numbers a paper reports, e.g. for the command line."""
        return self.summary().describe()

    # -- tracing back to records -----------------------------------------------------------
    def column(self, label: str) -> int:
        """Column index of a keyword, found by label or cleaned keyword (case-insensitive).

        Raises
        ------
        KeywordNotFound
            The keyword is not in the network (an :class:`~bibnet.errors.OptionError` and a
            ``KeyError``).
        """
        if not isinstance(label, str):
            raise OptionError(f"a keyword must be text, got {label!r}")
        key = clean(pa.array([label], pa.large_string()))[0].as_py()
        hits = np.flatnonzero(self.items["key"].to_numpy() == key)
        if len(hits) == 0:
            raise KeywordNotFound(f"keyword {label!r} is not in the network")
        return int(hits[0])

    def documents(self, *labels: str) -> pd.DataFrame:
        """The records that contain all the given keywords (one keyword, or a link's two).

        With their keyword fields as text (``DE``, ``ID``), also after a lean read. A network
        counted in passes reads them back from its files.

        Raises
        ------
        KeywordNotFound
            A keyword is not in the network (see :meth:`column`).
        """
        if not labels:
            raise TypeError("documents() needs at least one keyword")
        cols = [self.column(label) for label in labels]
        if self.incidence is None:
            if self.source is None:
                raise OptionError("this network keeps no record to list documents from")
            return self.source.documents(self.params.keywords, [str(self.items["key"].iloc[c]) for c in cols])
        hits = np.asarray(self.incidence[:, cols].sum(axis=1)).ravel() == len(cols)
        found = self.records.loc[hits].copy()
        rows = np.flatnonzero(hits)
        for tag, split in self.keyword_fields.items():
            found[tag] = pd.Series(pd.array(split.take(rows).to_text(), dtype=pd.StringDtype("pyarrow")),
                                   index=found.index)
        return found

    def links(self) -> pd.DataFrame:
        """Links as a DataFrame: ``source``, ``target`` (ids), ``strength``, each pair once."""
        cooc = self.cooccurrence
        if not cooc.has_sorted_indices:
            cooc = cooc.sorted_indices()
        # The upper triangle read straight off the CSR arrays comes sorted by (source,
        # target); sp.triu would first copy the whole matrix to COO.
        source = np.repeat(np.arange(1, cooc.shape[0] + 1, dtype=np.int64), np.diff(cooc.indptr))
        upper = cooc.indices >= source  # column > row (source is row + 1)
        return pd.DataFrame(
            {
                "source": source[upper],
                "target": cooc.indices[upper].astype(np.int64) + 1,
                "strength": cooc.data[upper].astype(np.float64),
            },
            copy=False,
        )

    # -- clusters and layout -------------------------------------------------------------------
    @takes(ClusterParams)
    def cluster(self, *, params: ClusterParams | None = None, **options: Any) -> Network:
        """Cluster with Leiden on VOSviewer's quality function; returns a new network."""
        result = cluster(self.weights, resolve(ClusterParams, params, options))
        labels = np.asarray(result.labels)
        items = self.items.copy()
        items["cluster"] = pd.array(np.where(labels >= 0, labels + 1, 0), dtype="Int64")
        items.loc[labels < 0, "cluster"] = pd.NA
        return dataclasses.replace(self, items=items, clustering=result)

    @takes(LayoutParams)
    def layout(self, *, params: LayoutParams | None = None, **options: Any) -> Network:
        """Lay out with the VOS technique; returns a new network with ``x``/``y`` filled."""
        result = layout(self.weights, resolve(LayoutParams, params, options))
        items = self.items.copy()
        items["x"] = result.coords[:, 0]
        items["y"] = result.coords[:, 1]
        return dataclasses.replace(self, items=items, positions=result)


@takes(NetworkParams)
def build_network(source: Corpus | pd.DataFrame, *, params: NetworkParams | None = None, **options: Any) -> Network:
    """Build the selected keyword co-occurrence network of a corpus.

    Parameters
    ----------
    source
        A :class:`bibnet.Corpus` or its records DataFrame.
    params
        A :class:`~bibnet.selection.NetworkParams`, or its options as keywords (not both).

    Returns
    -------
    Network

    Raises
    ------
    NoKeywordsError
        The map would be empty: the records have no keyword in the field, or no keyword
        occurs ``min_occurrences`` times (an :class:`~bibnet.errors.InputError` that says
        why and what to do).
    """
    params = resolve(NetworkParams, params, options)
    records = source.records if not isinstance(source, pd.DataFrame) else source
    try:
        occ = occurrences(source, params=params)
        check_mappable(source, occ.keywords, params=params)
        sel = select(occ.keywords, params=params)
        return Network(
            items=_items(occ.keywords, sel, records),
            cooccurrence=sel.cooccurrence,
            incidence=sel.incidence,
            records=records,
            keywords=occ.keywords,
            params=params,
            keywords_meeting_threshold=sel.meeting_threshold,
            suggestions=occ.suggestions,
            cleaning=occ.cleaning,
            keyword_fields={} if isinstance(source, pd.DataFrame) else dict(source.keyword_fields),
        )
    finally:
        release()  # the keyword strings split and cleaned on the way


def _items(occ: KeywordOccurrences, sel: Selection, records: pd.DataFrame) -> pd.DataFrame:
    """The item table of the mapped keywords: ids, labels, weights and scores."""
    kept = sel.kept
    author = None if occ.author is None else np.asarray(occ.author.sum(axis=0)).ravel()[kept]
    return item_table(labels=occ.labels[kept], keys=occ.keys[kept], occurrences=occ.occurrences[kept],
                      cooccurrence=sel.cooccurrence, scores=keyword_scores(sel.incidence, records),
                      author_occurrences=author)


def item_table(*, labels: np.ndarray, keys: np.ndarray, occurrences: np.ndarray, cooccurrence: sp.csr_matrix,
               scores: pd.DataFrame, author_occurrences: np.ndarray | None) -> pd.DataFrame:
    """The item table of mapped keywords (see :attr:`Network.items`), unclustered and not laid out.

    ``author_occurrences`` (all keywords only): records holding each keyword among their author keywords.
    """
    items = pd.DataFrame(
        {
            "id": np.arange(1, len(keys) + 1, dtype=np.int64),
            "label": labels.astype(object),
            "key": keys.astype(object),
            "occurrences": occurrences,
            "links": np.diff(cooccurrence.indptr).astype(np.int64),
            "total_link_strength": np.asarray(cooccurrence.sum(axis=1)).ravel(),
        }
    )
    items = pd.concat([items, scores], axis=1)
    if author_occurrences is not None:
        items["author_share"] = author_occurrences / np.maximum(occurrences, 1)
    items["x"] = np.nan
    items["y"] = np.nan
    items["cluster"] = pd.array([pd.NA] * len(items), dtype="Int64")
    return items


def _number(value: float) -> float | int:
    """An integral float as int (JSON ``12`` rather than ``12.0``), else rounded to 10 digits."""
    return int(value) if float(value).is_integer() else round(float(value), 10)
