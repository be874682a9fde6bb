"""Leiden clustering on VOSviewer's quality function (reference sections 6 and 12).

VOSviewer clusters with the Constant Potts Model on the normalised link strengths ``s_ij``
with unit node weights and resolution ``gamma``: best of 10 random starts of 10 Leiden
iterations each, then small clusters are merged and clusters are numbered by size.
The engine is bibnet's own compiled Leiden (:mod:`bibnet._leiden_kernels`), VOSviewer's
algorithm on compressed sparse rows: about 5 times as fast as python-igraph's
``community_leiden(objective_function="CPM")`` (one start on 4.3 million links: 5.4 s against
27.4 s, ``benchmarks/RESULTS.md``), which optimises the same function and which the tests use
as the reference; :func:`quality` recomputes the value independently.

Each start is seeded from :func:`bibnet.seeding.start_seeds`, so a start's result depends
only on the network and its seed: the same in every process, whatever ran before, and
whether the starts run one after another or on several cores.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from bibnet.errors import OptionError
from bibnet.memory import release
from bibnet.normalize import checked_weights
from bibnet.options import Params, option
from bibnet.seeding import rng, seed_option, start_seeds
from bibnet.workers import cpus

try:
    from bibnet import _leiden_kernels as kernels
except ImportError as error:  # a source tree that pip has not built
    raise ImportError(
        "bibnet's compiled Leiden kernel (bibnet/_leiden_kernels.pyx) is not built: "
        "install bibnet with pip ('pip install -e .' in a clone), which compiles it"
    ) from error

#: VOSviewer numbers at most 1000 clusters (reference gotcha 7); items beyond get none.
MAX_CLUSTERS = 1000
#: Name of the Leiden implementation, recorded in every :class:`Clustering`.
ENGINE = "bibnet-leiden"
#: Default resolutions of :func:`resolution_profile`.
DEFAULT_RESOLUTIONS = (0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 7.0, 10.0)
# Starts run on several cores only when the work (links x starts) pays for the threads.
_PARALLEL_MIN_WORK = 1_000_000


@dataclass(frozen=True)
class ClusterParams(Params):
    """Options of :func:`cluster`. Defaults are VOSviewer's (reference section 6.2).

    ``min_cluster_size``: clusters with fewer items are merged into their most strongly
    linked neighbour (``merge_small_clusters``) or their items are left without a cluster.
    """

    kind: ClassVar[str] = "clustering options"

    resolution: float = option(1.0, min=0, help="Leiden resolution (CPM gamma); larger gives more, smaller clusters.")
    random_starts: int = option(10, min=1, help="Leiden random starts (the best by quality is kept).")
    iterations: int = option(10, min=1, help="Leiden iterations per start.")
    randomness: float = option(0.01, min=0, open_min=True, help="Randomness (theta) of Leiden's refinement step.")
    seed: int = seed_option()
    min_cluster_size: int = option(1, min=1, what="minimum cluster size",
                                   help="Clusters with fewer keywords are merged into the one they link to most.")
    merge_small_clusters: bool = option(True, flag="--no-merge",
                                        help="Merge too-small clusters into the cluster they link to most; "
                                             "off (--no-merge): leave their items unclustered.")


@dataclass(frozen=True, eq=False)  # holds arrays, so == means identity
class Clustering:
    """Result of :func:`cluster`.

    Attributes
    ----------
    labels
        int64 cluster per node, ``0..k-1`` numbered by size (largest first, equal sizes
        ordered by their lowest node index); ``-1`` means no cluster (items of clusters below
        the minimum size when merging is off, and of clusters beyond the 1000th).
    quality
        VOSviewer's quality ``Q`` (reference 6.1) of the final clustering, computed before
        items are left unclustered (so clusters below the minimum still count as clusters).
    params
        The options used.
    engine
        The optimiser: :data:`ENGINE`.
    """

    labels: np.ndarray
    quality: float
    params: ClusterParams
    engine: str

    @property
    def n_clusters(self) -> int:
        """Number of numbered clusters."""
        return int(self.labels.max()) + 1 if len(self.labels) and self.labels.max() >= 0 else 0

    def sizes(self) -> np.ndarray:
        """Number of items in each cluster ``0..k-1`` (int64, non-increasing)."""
        return np.bincount(self.labels[self.labels >= 0], minlength=self.n_clusters).astype(np.int64)


def cluster(weights: sp.spmatrix, params: ClusterParams = ClusterParams(), *, jobs: int | None = None) -> Clustering:
    """Cluster a network as VOSviewer does: Leiden on CPM, small clusters merged, numbered by size.

    Parameters
    ----------
    weights
        Symmetric sparse matrix of normalised link strengths ``s_ij >= 0`` (e.g.
        :func:`bibnet.normalize.normalize`); the diagonal is ignored. Node weights are 1.
    params
        Resolution, starts, iterations, randomness, seed, minimum cluster size, merging.
    jobs
        Threads (cores) for the random starts (the result does not depend on it);
        ``None`` uses all available cores when the network is large enough to profit.

    Returns
    -------
    Clustering
    """
    w = checked_weights(weights)
    n = w.shape[0]
    if n == 0:
        return Clustering(np.zeros(0, np.int64), 0.0, params, ENGINE)
    release()  # what making the network freed, before the starts allocate theirs
    memberships = _leiden_starts(w, params, jobs=jobs)
    release()  # the starts' aggregated networks
    # Best start by VOSviewer's quality; ties go to the earliest start.
    scores = [quality(w, m, resolution=params.resolution) for m in memberships]
    best = memberships[int(np.argmax(scores))]
    labels, q = _postprocess(w, best, params)
    return Clustering(labels, q, params, ENGINE)


def quality(weights: sp.spmatrix, labels: np.ndarray, *, resolution: float = 1.0) -> float:
    """VOSviewer's clustering quality ``Q`` (reference 6.1), computed directly.

    ``Q = (1 / 2W) * sum_C (2 w_C - gamma * N_C**2)`` with ``2W`` the sum of all entries of
    the symmetric matrix, ``2 w_C`` the sum of the entries inside cluster ``C`` and ``N_C``
    its number of items (unit node weights). Nodes labelled ``-1`` count as singletons.

    Returns
    -------
    float
        ``Q``; 0.0 for a network without links.
    """
    w = sp.csr_matrix(weights)
    labels = np.asarray(labels, dtype=np.int64)
    if labels.shape != (w.shape[0],):
        raise OptionError(f"need one label per node ({w.shape[0]}), got {labels.shape[0]}")
    total = float(w.data.sum())
    if total == 0:
        return 0.0
    unassigned = labels < 0
    labels = labels.copy()
    labels[unassigned] = labels.max(initial=-1) + 1 + np.arange(unassigned.sum())
    # One compiled pass over the links (at 4.3M links, 0.14 s and 150 MB less than with numpy).
    inside = float(kernels.inside_weight(*_compressed_rows(w), labels))
    sizes = np.bincount(labels).astype(np.float64)
    return (inside - resolution * float(sizes @ sizes)) / total


def resolution_profile(
    weights: sp.spmatrix,
    *,
    resolutions: Sequence[float] | None = None,
    params: ClusterParams = ClusterParams(),
    change_points: bool = False,
    jobs: int | None = None,
) -> pd.DataFrame:
    """Clusters, cluster sizes and quality over a range of resolutions.

    Parameters
    ----------
    weights
        As for :func:`cluster`.
    resolutions
        Resolutions to try (default :data:`DEFAULT_RESOLUTIONS`, 0.1 to 10).
    params
        All other clustering options (starts, minimum cluster size, ...), as for :func:`cluster`.
    change_points
        If False, one row per resolution: exactly what :func:`cluster` gives there. If True,
        one row per exact change point between the smallest and largest resolution: every
        start at every resolution is a candidate, and since CPM quality is linear in the
        resolution, the best candidate changes at computable points (the idea of leidenalg's
        ``Optimiser.resolution_profile``, without its cost: that took 300 s on a 1,165-item
        network). A row's clustering is the best found from its resolution up to the next row's.
    jobs
        As for :func:`cluster`.

    Returns
    -------
    pandas.DataFrame
        Columns ``resolution``, ``clusters`` (numbered clusters), ``sizes`` (list of cluster
        sizes, largest first) and ``quality`` (``Q`` of the final clustering at that resolution).
    """
    grid = np.array(sorted(DEFAULT_RESOLUTIONS if resolutions is None else resolutions), dtype=np.float64)
    if len(grid) == 0:
        raise OptionError("resolution profile needs at least one resolution")
    w = checked_weights(weights)
    if change_points:
        rows = _envelope(w, grid, params, jobs=jobs)
    else:
        rows = []
        for gamma in grid:
            result = cluster(w, replace(params, resolution=float(gamma)), jobs=jobs)
            rows.append((float(gamma), result))
    return pd.DataFrame(
        {
            "resolution": [g for g, _ in rows],
            "clusters": [c.n_clusters for _, c in rows],
            "sizes": [c.sizes().tolist() for _, c in rows],
            "quality": [c.quality for _, c in rows],
        }
    )


# -- internals ------------------------------------------------------------------------------------
def _leiden_starts(w: sp.csr_matrix, params: ClusterParams, *, jobs: int | None) -> list[np.ndarray]:
    """Membership of every random start of ``w`` (from :func:`checked_weights`), in start order
    (on several cores if it pays)."""
    seeds = start_seeds(params.seed, params.random_starts)
    network = _compressed_rows(w)  # of checked weights: float64, no diagonal

    def start(seed: int) -> np.ndarray:
        indptr, indices, data = network
        bits = rng(seed).bit_generator  # one per start: threads never share one
        return kernels.leiden(indptr, indices, data, params.resolution, params.randomness, params.iterations, bits)

    if jobs is None:
        links = len(network[1]) // 2  # each link is stored in both rows
        jobs = cpus() if links * len(seeds) >= _PARALLEL_MIN_WORK else 1
    jobs = max(1, min(jobs, len(seeds)))
    if jobs == 1:
        return [start(seed) for seed in seeds]
    # The kernels release the GIL: threads share one copy of the network.
    with ThreadPoolExecutor(jobs) as threads:
        return list(threads.map(start, seeds))


def _compressed_rows(w: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``indptr`` (int64), ``indices`` (int32), ``data`` (float64) of ``w``, as the kernels take them."""
    return w.indptr.astype(np.int64, copy=False), w.indices.astype(np.int32, copy=False), w.data.astype(np.float64, copy=False)


def _postprocess(w: sp.csr_matrix, membership: np.ndarray, params: ClusterParams) -> tuple[np.ndarray, float]:
    """Merge small clusters, number by size, blank what gets no number; labels and their Q."""
    labels = _by_size(membership)
    if params.merge_small_clusters and params.min_cluster_size > 1:
        labels = _by_size(merge_small_clusters(w, labels, params.min_cluster_size))
    q = quality(w, labels, resolution=params.resolution)
    sizes = np.bincount(labels)
    keep = np.arange(len(sizes)) < MAX_CLUSTERS
    if not params.merge_small_clusters:
        keep &= sizes >= params.min_cluster_size
    # Sizes are non-increasing, so the kept clusters are exactly 0..k-1.
    return np.where(keep[labels], labels, -1), q


def _by_size(labels: np.ndarray) -> np.ndarray:
    """Relabel 0..k-1 by size, largest first; equal sizes by their lowest node index."""
    _, first, inverse, counts = np.unique(labels, return_index=True, return_inverse=True, return_counts=True)
    order = np.lexsort((first, -counts))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[inverse.ravel()]


def merge_small_clusters(weights: sp.spmatrix, labels: np.ndarray, min_size: int) -> np.ndarray:
    """VOSviewer's merging of clusters with fewer than ``min_size`` items (reference 6.3).

    Repeatedly the smallest remaining small cluster (equal sizes: lowest label) moves, as a
    whole, into the cluster ``j`` with the largest link strength to it per item of ``j``
    (equal values: lowest label); sizes grow as clusters absorb others. A small cluster
    without links to other clusters cannot move and stays.

    Parameters
    ----------
    weights
        Symmetric sparse link strengths.
    labels
        Cluster per node, ``0..k-1``.
    min_size
        Minimum number of items per cluster.

    Returns
    -------
    numpy.ndarray
        New labels (a subset of the old ones; not renumbered).
    """
    labels = np.asarray(labels, dtype=np.int64)
    k = int(labels.max()) + 1 if len(labels) else 0
    # Cluster x cluster link strengths; the diagonal (links inside a cluster) is irrelevant.
    member = sp.csr_matrix((np.ones(len(labels)), (np.arange(len(labels)), labels)), shape=(len(labels), k))
    between = (member.T @ sp.csr_matrix(weights) @ member).tocsr()
    owner = np.arange(k)  # the cluster each original cluster is now part of
    parts = {c: [c] for c in range(k)}  # the original clusters in each current cluster
    sizes = np.bincount(labels, minlength=k).astype(np.int64)
    # Heap of (size, label) of small clusters; an entry whose size is out of date is skipped.
    heap = [(int(sizes[c]), c) for c in range(k) if 0 < sizes[c] < min_size]
    heapq.heapify(heap)
    while heap:
        size, small = heapq.heappop(heap)
        if sizes[small] != size:
            continue
        block = between[parts[small]]
        linked, strength = _sum_by(owner[block.indices], block.data)
        outside = (linked != small) & (strength > 0)
        if not outside.any():
            continue  # no link to any other cluster: it stays as it is
        linked, per_item = linked[outside], strength[outside] / sizes[linked[outside]]
        target = int(linked[np.argmax(per_item)])  # linked is sorted: ties go to the lowest label
        owner[parts[small]] = target
        parts[target] += parts.pop(small)
        sizes[target] += size
        sizes[small] = 0
        if sizes[target] < min_size:
            heapq.heappush(heap, (int(sizes[target]), target))
    return owner[labels]


def _sum_by(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique keys and the sum of the values of each."""
    unique, inverse = np.unique(keys, return_inverse=True)
    return unique, np.bincount(inverse.ravel(), weights=values, minlength=len(unique))


def _envelope(w: sp.csr_matrix, grid: np.ndarray, params: ClusterParams, *, jobs: int | None):
    """Change points of the best clustering over [grid[0], grid[-1]] (see resolution_profile)."""
    candidates: dict[bytes, np.ndarray] = {}  # insertion-ordered, keyed by canonical labels
    for gamma in grid:
        for m in _leiden_starts(w, replace(params, resolution=float(gamma)), jobs=jobs):
            labels = _by_size(m)
            candidates.setdefault(labels.tobytes(), labels)
    parts = list(candidates.values())
    # Q_p(gamma) = (inside_p - gamma * squares_p) / total: a line per candidate.
    coo = w.tocoo()
    inside = np.array([w.data[p[coo.row] == p[coo.col]].sum() for p in parts])
    squares = np.array([float(np.bincount(p) @ np.bincount(p)) for p in parts])
    rows = []
    gamma, hi = float(grid[0]), float(grid[-1])
    while True:
        value = inside - gamma * squares
        top = np.flatnonzero(value >= value.max() - 1e-12 * max(1.0, abs(value.max())))
        best = int(top[np.argmin(squares[top])])  # at a tie, the one that wins beyond gamma
        labels, q = _postprocess(w, parts[best], replace(params, resolution=gamma))
        rows.append((gamma, Clustering(labels, q, replace(params, resolution=gamma), ENGINE)))
        flatter = squares < squares[best]
        if not flatter.any():
            break
        crossings = (inside[best] - inside[flatter]) / (squares[best] - squares[flatter])
        crossings = crossings[crossings > gamma]
        if len(crossings) == 0 or crossings.min() > hi:
            break
        gamma = float(crossings.min())
    return rows
