"""The keyword co-occurrence network: selection, weights, scores, and the map built on it.

:func:`build_network` runs the pipeline from records to a selected network; the
:class:`Network` it returns keeps the sparse matrices, so every keyword and link can be traced
back to its records, and its :meth:`Network.cluster` and :meth:`Network.layout` return new
networks that record their parameters and quality.
"""

from __future__ import annotations

import dataclasses
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from bibnet.cooccurrence import Counting, cooccurrence, record_weights, select_columns, top_by_link_strength
from bibnet.errors import OptionError
from bibnet.keywords import FIELD_NAMES, Field, KeywordOccurrences, LabelCase, clean, extract
from bibnet.memory import release
from bibnet.normalize import NORMALIZATIONS, Normalization, normalize
from bibnet.scores import keyword_scores

if TYPE_CHECKING:  # pragma: no cover
    import igraph
    import networkx

    from bibnet.clustering import Clustering
    from bibnet.layout import Layout
    from bibnet.readwrite import VOSviewerMap

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
#: Graph file formats :meth:`Network.write` can add: name -> (suffix, bibnet.readwrite writer).
GRAPH_FORMATS: dict[str, tuple[tuple[str, str], ...]] = {
    "gexf": ((".gexf", "write_gexf"),),
    "graphml": ((".graphml", "write_graphml"),),
    "pajek": ((".net", "write_pajek"), (".clu", "write_pajek_partition")),
}
#: Extra score written to JSON (not to the map file, whose columns are VOSviewer's) for "all".
AUTHOR_SHARE_COLUMN = "score<Author keyword share>"


@dataclass(frozen=True)
class NetworkParams:
    """How the network is built from the records. Defaults are VOSviewer's."""

    keywords: Field = "all"
    min_occurrences: int = 5
    top: int | None = None
    counting: Counting = "full"
    normalization: Normalization = "association"
    thesaurus: str | None = None
    label_case: LabelCase = "lower"
    largest_component: bool = False
    clean: Literal["none", "auto"] = "none"

    def __post_init__(self) -> None:
        if self.keywords not in FIELD_NAMES:
            raise OptionError(f"unknown keyword field {self.keywords!r}; expected one of all, author, plus")
        if self.min_occurrences < 1:
            raise OptionError(f"minimum occurrences must be at least 1, got {self.min_occurrences}")
        if self.top is not None and self.top < 1:
            raise OptionError(f"top must be at least 1, got {self.top}")
        if self.counting not in ("full", "fractional"):
            raise OptionError(f"unknown counting {self.counting!r}; expected full or fractional")
        if self.normalization not in NORMALIZATIONS:
            raise OptionError(f"unknown normalization {self.normalization!r}; expected one of {', '.join(NORMALIZATIONS)}")
        if self.label_case not in ("lower", "original"):
            raise OptionError(f"unknown label case {self.label_case!r}; expected lower or original")
        if self.clean not in ("none", "auto"):
            raise OptionError(f"unknown cleaning {self.clean!r}; expected none or auto")


@dataclass(frozen=True)
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
        Records x N binary matrix: which record has which mapped keyword.
    records
        The corpus records the network was built from (rows of ``incidence``).
    keywords
        All keywords of the field with their occurrences, before the threshold.
    params
        The :class:`NetworkParams` used.
    clustering, positions
        Results of :meth:`cluster` and :meth:`layout`, with their parameters and quality.
    suggestions
        With ``clean="auto"``: the suggested thesaurus that was applied
        (:func:`bibnet.suggest.suggest_thesaurus`).
    extra
        More summary numbers (e.g. the effect of ``clean="auto"``).
    """

    items: pd.DataFrame
    cooccurrence: sp.csr_matrix
    incidence: sp.csr_matrix
    records: pd.DataFrame
    keywords: KeywordOccurrences
    params: NetworkParams
    keywords_meeting_threshold: int
    clustering: Clustering | None = None
    positions: Layout | None = None
    suggestions: pd.DataFrame | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return (
            f"<Network {self.params.keywords}: {len(self)} keywords, {self.n_links} links, "
            f"{'%d clusters' % self.n_clusters if self.clustering else 'not clustered'}, "
            f"{'laid out' if self.positions else 'no layout'}>"
        )

    # -- derived numbers -------------------------------------------------------------------
    @cached_property
    def weights(self) -> sp.csr_matrix:
        """Normalised link strengths (``params.normalization``), the input of clustering and layout."""
        return normalize(self.cooccurrence, self.params.normalization)

    @property
    def n_links(self) -> int:
        """Number of links (each pair once)."""
        return self.cooccurrence.nnz // 2

    @property
    def total_link_strength(self) -> float:
        """Sum of all link strengths, each link counted once."""
        return float(self.cooccurrence.sum()) / 2.0

    @property
    def n_clusters(self) -> int:
        """Number of clusters (0 before :meth:`cluster`)."""
        return int(self.items["cluster"].max()) if self.clustering is not None and len(self) else 0

    def summary(self) -> dict[str, Any]:
        """The numbers papers report, plus every parameter used (the ``summary.json`` content)."""
        out: dict[str, Any] = {
            "field": self.params.keywords,
            "field_name": FIELD_NAMES[self.params.keywords],
            "records": int(len(self.records)),
            "records_with_keywords": int(np.count_nonzero(self.keywords.keywords_per_record)),
            "keywords_total": int(len(self.keywords.keys)),
            "keywords_meeting_threshold": int(self.keywords_meeting_threshold),
            "keywords_selected": int(len(self)),
            "links": int(self.n_links),
            "components": int(connected_components(self.cooccurrence, directed=False)[0]) if len(self) else 0,
            "total_link_strength": _number(self.total_link_strength),
            "clusters": self.n_clusters if self.clustering is not None else None,
            "quality": _number(self.clustering.quality) if self.clustering is not None else None,
            "layout_quality": _number(self.positions.quality) if self.positions is not None else None,
            "layout_method": self.positions.method if self.positions is not None else None,
            "parameters": self.parameters(),
        }
        out.update(self.extra)
        return out

    def describe(self) -> str:
        """One line with the numbers a paper reports, e.g. for the command line."""
        s = self.summary()
        text = (
            f"{s['field_name']}: {s['keywords_total']:,} keywords, {s['keywords_meeting_threshold']:,} occur at least "
            f"{self.params.min_occurrences} times, {s['keywords_selected']:,} mapped; {s['links']:,} links, "
            f"total link strength {s['total_link_strength']:,}"
        )
        if self.clustering is not None:
            text += f"; {s['clusters']} cluster{'' if s['clusters'] == 1 else 's'} (quality {s['quality']:.4f})"
        if "cleaning" in s:
            c = s["cleaning"]
            text += (f"; --clean auto merged {c['keywords_merged']:,} variants ({c['keywords_total_before']:,} keywords and "
                     f"{c['keywords_meeting_threshold_before']:,} above the threshold before)")
        if s["components"] > 1:
            text += f"; {s['components']} unconnected parts (--largest-component keeps the largest)"
        return text

    def parameters(self) -> dict[str, Any]:
        """Every option used to make this network, its clusters and its layout."""
        params: dict[str, Any] = dataclasses.asdict(self.params)
        if self.clustering is not None:
            params["clustering"] = dataclasses.asdict(self.clustering.params) | {"engine": self.clustering.engine}
        if self.positions is not None:
            params["layout"] = dataclasses.asdict(self.positions.params)
        return params

    # -- tracing back to records -----------------------------------------------------------
    def column(self, label: str) -> int:
        """Column index of a keyword, found by label or cleaned keyword (case-insensitive)."""
        key = clean_one(label)
        hits = np.flatnonzero(self.items["key"].to_numpy() == key)
        if len(hits) == 0:
            raise KeyError(f"keyword {label!r} is not in the network")
        return int(hits[0])

    def documents(self, *labels: str) -> pd.DataFrame:
        """The records that contain all the given keywords (one keyword, or a link's two)."""
        if not labels:
            raise TypeError("documents() needs at least one keyword")
        cols = [self.column(label) for label in labels]
        hits = np.asarray(self.incidence[:, cols].sum(axis=1)).ravel() == len(cols)
        return self.records.loc[hits]

    # -- accessors ---------------------------------------------------------------------------
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

    def vosviewer_items(self, *, extra_scores: bool = True) -> pd.DataFrame:
        """Items with VOSviewer's column names (``weight<Occurrences>``, ``score<...>``, ...).

        ``extra_scores`` adds the author keyword share of ``keywords="all"`` networks as
        ``score<Author keyword share>``; the map file keeps VOSviewer's own columns only.
        """
        items = pd.DataFrame({name: self.items[col] for name, col in MAP_COLUMNS.items()})
        items["cluster"] = items["cluster"].astype("Int64")
        for name in items.columns:
            if name.startswith("weight<"):
                items[name] = items[name].astype(np.float64)
        if extra_scores and "author_share" in self.items:
            items[AUTHOR_SHARE_COLUMN] = self.items["author_share"].to_numpy(dtype=np.float64)
        return items

    def to_vosviewer(self, *, extra_scores: bool = True) -> VOSviewerMap:
        """The network as a :class:`bibnet.readwrite.VOSviewerMap` (map + network tables)."""
        from bibnet.readwrite import VOSviewerMap

        return VOSviewerMap(items=self.vosviewer_items(extra_scores=extra_scores), links=self.links(), config=self._vosviewer_config())

    def plot(self, overlay: str = "cluster", *, density: bool = False, **options: Any):
        """Interactive plotly figure of the map (needs :meth:`layout`).

        ``overlay`` colours items by ``"cluster"`` (network view) or by a score: ``"year"``,
        ``"citations"``, ``"norm_citations"``, ``"author_share"`` (all keywords only).
        ``density=True`` gives VOSviewer's item density view instead. Other options go to
        :func:`bibnet.plotting.network_figure` / :func:`bibnet.plotting.density_figure`.
        """
        from bibnet.plotting import density_figure, network_figure

        items = self.vosviewer_items()
        if density:
            return density_figure(items, **options)
        return network_figure(items, self.links(), color=overlay, **options)

    def _vosviewer_config(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if self.positions is not None:
            params |= {"attraction": self.positions.params.attraction, "repulsion": self.positions.params.repulsion}
        if self.clustering is not None:
            cp = self.clustering.params
            params |= {"resolution": cp.resolution, "min_cluster_size": cp.min_cluster_size, "merge_small_clusters": cp.merge_small_clusters}
        return {
            "terminology": {
                "item": "Keyword", "items": "Keywords",
                "link": "Co-occurrence link", "links": "Co-occurrence links",
                "link_strength": "Co-occurrences", "total_link_strength": "Total link strength",
            },
            "parameters": params,
        }

    def to_networkx(self) -> networkx.Graph:
        """The network as a networkx graph (node = id; label, weights, scores, x, y, cluster)."""
        from bibnet.readwrite import to_networkx

        return to_networkx(self.to_vosviewer())

    def to_igraph(self) -> igraph.Graph:
        """The network as an igraph graph (vertex ``name`` = label, edge ``weight``)."""
        from bibnet.readwrite import to_igraph

        return to_igraph(self.to_vosviewer())

    # -- clusters and layout -------------------------------------------------------------------
    def cluster(self, **options: Any) -> Network:
        """Cluster with Leiden on VOSviewer's quality function; returns a new network.

        Options are those of :class:`bibnet.clustering.ClusterParams` (``resolution``,
        ``min_cluster_size``, ``merge_small_clusters``, ``random_starts``, ``iterations``,
        ``randomness``, ``seed``), or ``params=ClusterParams(...)``.
        """
        from bibnet.clustering import ClusterParams, cluster

        params = options.pop("params", None) or ClusterParams(**options)
        result = cluster(self.weights, params)
        labels = np.asarray(result.labels)
        items = self.items.copy()
        items["cluster"] = pd.array(np.where(labels >= 0, labels + 1, 0), dtype="Int64")
        items.loc[labels < 0, "cluster"] = pd.NA
        return dataclasses.replace(self, items=items, clustering=result)

    def layout(self, **options: Any) -> Network:
        """Lay out with the VOS technique; returns a new network with ``x``/``y`` filled.

        Options are those of :class:`bibnet.layout.LayoutParams` (``attraction``,
        ``repulsion``, ``random_starts``, ``max_iterations``, ``seed``, ``method``, ...), or
        ``params=LayoutParams(...)``.
        """
        from bibnet.layout import LayoutParams, layout

        params = options.pop("params", None) or LayoutParams(**options)
        result = layout(self.weights, params)
        items = self.items.copy()
        items["x"] = result.coords[:, 0]
        items["y"] = result.coords[:, 1]
        return dataclasses.replace(self, items=items, positions=result)

    # -- files -------------------------------------------------------------------------------------
    def write(self, directory: str | Path, *, formats: tuple[str, ...] = ()) -> dict[str, Path]:
        """Write ``map.txt``, ``network.txt``, ``map.json`` and ``summary.json`` to ``directory``.

        ``formats`` adds graph files for other tools: ``"gexf"`` (Gephi, ``map.gexf``),
        ``"graphml"`` (``map.graphml``), ``"pajek"`` (``map.net`` and clusters ``map.clu``).
        """
        from bibnet import readwrite
        from bibnet.readwrite import write_json, write_map, write_network

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        vmap = self.to_vosviewer()
        paths = {name: directory / name for name in ("map.txt", "network.txt", "map.json", "summary.json")}
        write_map(vmap.items[list(MAP_COLUMNS)], paths["map.txt"])
        # The two long files at once: formatting (Arrow) and writing release the GIL.
        with ThreadPoolExecutor(max_workers=2) as threads:
            network = threads.submit(write_network, vmap.links, paths["network.txt"])
            write_json(vmap, paths["map.json"])
            network.result()
        paths["summary.json"].write_text(json.dumps(self.summary(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        for fmt in formats:
            if fmt not in GRAPH_FORMATS:
                raise OptionError(f"unknown export format {fmt!r}; expected one of {', '.join(GRAPH_FORMATS)}")
            for suffix, writer in GRAPH_FORMATS[fmt]:
                paths[f"map{suffix}"] = getattr(readwrite, writer)(vmap, directory / f"map{suffix}")
        if self.suggestions is not None:
            from bibnet.suggest import write_thesaurus

            paths["thesaurus_auto.txt"] = directory / "thesaurus_auto.txt"
            paths["thesaurus_auto.csv"] = directory / "thesaurus_auto.csv"
            write_thesaurus(self.suggestions, paths["thesaurus_auto.txt"], explain_path=paths["thesaurus_auto.csv"])
        return paths


def clean_one(label: str) -> str:
    """Clean one keyword the way :func:`bibnet.keywords.clean` cleans them all."""
    import pyarrow as pa

    return clean(pa.array([label], pa.large_string()))[0].as_py()


def _number(value: float) -> float | int:
    """An integral float as int (JSON ``12`` rather than ``12.0``), else rounded to 10 digits."""
    return int(value) if float(value).is_integer() else round(float(value), 10)


def build_network(source: Any, *, params: NetworkParams | None = None, **options: Any) -> Network:
    """Build the selected keyword co-occurrence network of a corpus.

    Parameters
    ----------
    source
        A :class:`bibnet.Corpus` or its records DataFrame.
    params
        A :class:`NetworkParams`; or give its fields as keyword options
        (``keywords``, ``min_occurrences``, ``top``, ``counting``, ``normalization``,
        ``thesaurus``, ``label_case``).

    Returns
    -------
    Network
    """
    params = params or NetworkParams(**options)
    try:
        return _build(source, params)
    finally:
        release()  # the keyword strings split and cleaned on the way


def _build(source: Any, params: NetworkParams) -> Network:
    records = source.records if hasattr(source, "records") else source
    thesaurus: dict[str, str] = {}
    if params.thesaurus:
        from bibnet.thesaurus import read_thesaurus

        thesaurus = read_thesaurus(params.thesaurus)
    if params.clean == "none":
        occ = extract(source, params.keywords, thesaurus=thesaurus, label_case=params.label_case)
        return from_occurrences(occ, records, params)

    from bibnet.suggest import suggest_for

    before = extract(source, params.keywords, thesaurus=thesaurus, label_case=params.label_case)
    suggestions = suggest_for(before)
    auto = dict(zip(suggestions["label"], suggestions["replace_by"]))
    # One pass over the raw keys: the user's thesaurus first, then the suggestions on its result.
    combined = {**auto, **{k: auto.get(v, v) for k, v in thesaurus.items()}}
    occ = extract(source, params.keywords, thesaurus=combined, label_case=params.label_case)
    net = from_occurrences(occ, records, params)
    cleaning = {
        "rule": "auto",
        "keywords_merged": int(len(suggestions)),
        "keywords_total_before": int(len(before.keys)),
        "keywords_meeting_threshold_before": int((before.occurrences >= params.min_occurrences).sum()),
    }
    return dataclasses.replace(net, suggestions=suggestions, extra={"cleaning": cleaning})


def largest_component(cooc: sp.csr_matrix) -> np.ndarray:
    """Indices (ascending) of the largest connected set of keywords; ties: the one found first."""
    _, component = connected_components(cooc, directed=False)
    return np.flatnonzero(component == np.argmax(np.bincount(component)))


def _subset(sel: np.ndarray, kept: np.ndarray, incidence: sp.csr_matrix, cooc: sp.csr_matrix):
    """Keep the keywords at positions ``sel`` (ascending) of the current selection."""
    return kept[sel], select_columns(incidence, sel), select_columns(cooc[sel], sel)


def from_occurrences(occ: KeywordOccurrences, records: pd.DataFrame, params: NetworkParams) -> Network:
    """Threshold, count co-occurrences of the kept keywords only, select, and score."""
    occurrences = occ.occurrences
    kept = np.flatnonzero(occurrences >= params.min_occurrences)
    meeting = len(kept)
    incidence = select_columns(occ.matrix, kept)
    weights = record_weights(occ.keywords_per_record, params.counting)
    cooc = cooccurrence(incidence, weights)
    if params.top is not None and params.top < len(kept):
        kept, incidence, cooc = _subset(top_by_link_strength(cooc, params.top), kept, incidence, cooc)
    if params.largest_component and len(kept):
        kept, incidence, cooc = _subset(largest_component(cooc), kept, incidence, cooc)
    scores = keyword_scores(incidence, records)
    items = pd.DataFrame(
        {
            "id": np.arange(1, len(kept) + 1, dtype=np.int64),
            "label": occ.labels[kept].astype(object),
            "key": occ.keys[kept].astype(object),
            "occurrences": occurrences[kept],
            "links": np.diff(cooc.indptr).astype(np.int64),
            "total_link_strength": np.asarray(cooc.sum(axis=1)).ravel(),
        }
    )
    items = pd.concat([items, scores], axis=1)
    if occ.author is not None:
        author_docs = np.asarray(occ.author.sum(axis=0)).ravel()[kept]
        items["author_share"] = author_docs / np.maximum(occurrences[kept], 1)
    items["x"] = np.nan
    items["y"] = np.nan
    items["cluster"] = pd.array([pd.NA] * len(items), dtype="Int64")
    return Network(
        items=items,
        cooccurrence=cooc,
        incidence=incidence,
        records=records,
        keywords=occ,
        params=params,
        keywords_meeting_threshold=meeting,
    )
