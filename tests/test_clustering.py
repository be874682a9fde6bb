"""Leiden clustering on VOSviewer's quality function: quality, merging, numbering, seeds."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import igraph
import numpy as np
import pytest
import scipy.sparse as sp

from bibnet.clustering import (
    Clustering,
    ClusterParams,
    cluster,
    merge_small_clusters,
    quality,
    resolution_profile,
)
from bibnet.errors import OptionError
from bibnet.normalize import normalize

SCIENTOMETRICS = Path(__file__).parent / "data" / "vosviewer" / "Scientometrics_term_co-occurrence_network.txt"


def read_network(path: Path) -> sp.csr_matrix:
    """Raw symmetric link strengths of a VOSviewer network file (no header, 1-based ids)."""
    a = np.loadtxt(path, delimiter="\t", ndmin=2)
    i, j = a[:, 0].astype(np.int64) - 1, a[:, 1].astype(np.int64) - 1
    n = int(max(i.max(), j.max())) + 1
    c = sp.coo_matrix((a[:, 2], (i, j)), shape=(n, n))
    return (c + c.T).tocsr()


def graph(n: int, links: list[tuple[int, int, float]]) -> sp.csr_matrix:
    """Symmetric weights from (i, j, s) links, each pair once."""
    i, j, s = (np.array(col) for col in zip(*links, strict=True)) if links else (np.zeros(0, int),) * 2 + (np.zeros(0),)
    m = sp.coo_matrix((s, (i, j)), shape=(n, n))
    return (m + m.T).tocsr()


def clique(nodes: range, s: float) -> list[tuple[int, int, float]]:
    return [(a, b, s) for a in nodes for b in nodes if a < b]


# A: clique 0-5, B: triangle 6-8, C: clique 12-15, D: pair 9-10 (own component), 11: isolated.
# B has more link strength to A (0.5) than to C (0.4), but more per item of C (0.4/4 > 0.5/6).
HAND = graph(
    16,
    clique(range(0, 6), 3.0)
    + clique(range(6, 9), 3.0)
    + clique(range(12, 16), 3.0)
    + [(9, 10, 3.0), (0, 6, 0.5), (7, 12, 0.4)],
)
A, B, C, D, S = [0, 1, 2, 3, 4, 5], [6, 7, 8], [12, 13, 14, 15], [9, 10], [11]


@pytest.fixture(scope="module")
def scientometrics() -> sp.csr_matrix:
    return normalize(read_network(SCIENTOMETRICS), method="association")


@pytest.fixture(scope="module")
def default_clustering(scientometrics) -> Clustering:
    """VOSviewer's defaults (10 starts x 10 iterations, seed 0), all starts in this process."""
    state = random.getstate()
    result = cluster(scientometrics, ClusterParams(), jobs=1)
    assert random.getstate() == state  # Python's global generator is left alone
    return result


def test_scientometrics_quality_reaches_vosviewer(scientometrics, default_clustering):
    w, result = scientometrics, default_clustering
    assert w.shape == (1165, 1165) and w.nnz == 2 * 110003
    q = independent_quality(w, result.labels)
    assert q >= 0.29317  # VOSviewer's own engine: 0.2931687 (reference section 11)
    assert result.quality == pytest.approx(q, rel=1e-12)
    assert result.engine == "bibnet-leiden"
    sizes = result.sizes()
    assert sizes.sum() == 1165 and list(sizes) == sorted(sizes, reverse=True)
    assert list(np.unique(result.labels)) == list(range(len(sizes)))


def test_quality_as_good_as_python_igraphs_leiden(scientometrics, default_clustering):
    """python-igraph runs the same algorithm on the same quality function (reference 6.4):
    bibnet's best of 10 starts is within 0.05% of igraph's best of 10."""
    upper = sp.triu(scientometrics, k=1).tocoo()
    graph = igraph.Graph(n=scientometrics.shape[0], edges=np.column_stack([upper.row, upper.col]))
    theirs = []
    for seed in range(10):
        igraph.set_random_number_generator(random.Random(seed))
        part = graph.community_leiden(objective_function="CPM", weights=upper.data, beta=0.01, n_iterations=10)
        theirs.append(independent_quality(scientometrics, np.asarray(part.membership)))
    igraph.set_random_number_generator(random)
    assert default_clustering.quality >= max(theirs) * (1 - 0.0005)


def test_scientometrics_same_labels_in_another_process_and_with_workers(default_clustering):
    here = default_clustering
    code = f"""
import sys, numpy as np
sys.path.insert(0, {str(Path(__file__).parent)!r})
import random; random.seed(12345); random.random()  # global state must not matter
from test_clustering import read_network, SCIENTOMETRICS
from bibnet.normalize import normalize
from bibnet.clustering import cluster
sys.stdout.write(' '.join(map(str, cluster(normalize(read_network(SCIENTOMETRICS)), jobs=2).labels)))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert np.array_equal(np.array(out.split(), dtype=np.int64), here.labels)


def independent_quality(w: sp.csr_matrix, labels: np.ndarray, gamma: float = 1.0) -> float:
    """Reference 6.1 term by term on a dense matrix: (1/2W) sum_ij (s_ij - gamma) [c_i = c_j]."""
    dense = w.toarray()
    same = labels[:, None] == labels[None, :]
    return float(((dense - gamma) * same).sum() / dense.sum())


@pytest.mark.parametrize("gamma", [0.0, 0.5, 1.0, 2.0])
def test_quality_matches_the_definition(scientometrics, gamma):
    labels = np.random.default_rng(1).integers(0, 7, scientometrics.shape[0])
    assert quality(scientometrics, labels, resolution=gamma) == pytest.approx(
        independent_quality(scientometrics, labels, gamma), rel=1e-10
    )


def test_quality_counts_unclustered_items_as_singletons():
    labels = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, -1, -1, -1, 2, 2, 2, 2])
    singles = labels.copy()
    singles[[9, 10, 11]] = [3, 4, 5]
    assert quality(HAND, labels) == quality(HAND, singles)
    assert quality(sp.csr_matrix((3, 3)), np.zeros(3)) == 0.0


def test_merge_small_clusters_by_strength_per_item():
    labels = np.zeros(16, np.int64)
    for k, members in enumerate([A, C, B, D, S]):
        labels[members] = k
    merged = merge_small_clusters(HAND, labels, 4)
    # S (1) and D (2) have no links and stay; B moves into C, not into the more strongly linked A.
    assert list(merged[B]) == [1, 1, 1]
    assert np.array_equal(np.delete(merged, B), np.delete(labels, B))


def test_cluster_hand_made_with_min_size_merges_and_renumbers():
    result = cluster(HAND, ClusterParams(min_cluster_size=4))
    expected = np.empty(16, np.int64)
    for k, members in enumerate([C + B, A, D, S]):  # by size: 7, 6, 2, 1
        expected[members] = k
    assert np.array_equal(result.labels, expected)
    assert list(result.sizes()) == [7, 6, 2, 1]
    assert result.quality == pytest.approx(independent_quality(HAND, expected))


def test_cluster_hand_made_without_merging_leaves_small_clusters_unclustered():
    result = cluster(HAND, ClusterParams(min_cluster_size=4, merge_small_clusters=False))
    expected = np.full(16, -1, np.int64)
    expected[A], expected[C] = 0, 1
    assert np.array_equal(result.labels, expected)
    assert list(result.sizes()) == [6, 4] and result.n_clusters == 2
    # Quality is that of the partition itself (B, D and S are clusters there, not singletons).
    partition = expected.copy()
    partition[B], partition[D], partition[S] = 2, 3, 4
    assert result.quality == pytest.approx(independent_quality(HAND, partition))


def test_without_min_size_every_cluster_is_numbered_by_size():
    result = cluster(HAND)
    expected = np.empty(16, np.int64)
    for k, members in enumerate([A, C, B, D, S]):
        expected[members] = k
    assert np.array_equal(result.labels, expected)


def test_equal_sizes_are_ordered_by_lowest_node():
    # Three separate triangles, listed out of order in the node numbering.
    odd, even = [(1, 3, 2.0), (1, 5, 2.0), (3, 5, 2.0)], [(0, 2, 2.0), (0, 4, 2.0), (2, 4, 2.0)]
    w = graph(9, clique(range(6, 9), 2.0) + odd + even)
    assert list(cluster(w).labels) == [0, 1, 0, 1, 0, 1, 2, 2, 2]


def test_at_most_1000_clusters_are_numbered():
    # 1002 isolated items and one triangle (the largest cluster): 1003 clusters.
    w = graph(1005, clique(range(1002, 1005), 2.0))
    result = cluster(w, ClusterParams(random_starts=1))
    assert list(result.labels[1002:]) == [0, 0, 0]
    assert np.array_equal(result.labels[:999], np.arange(1, 1000))
    assert list(result.labels[999:1002]) == [-1, -1, -1]
    assert result.n_clusters == 1000 and result.sizes().sum() == 1002


def test_empty_and_linkless_networks():
    empty = cluster(sp.csr_matrix((0, 0)))
    assert empty.labels.shape == (0,) and empty.quality == 0.0 and empty.n_clusters == 0
    lonely = cluster(sp.csr_matrix((3, 3)))
    assert list(lonely.labels) == [0, 1, 2] and lonely.quality == 0.0


def test_same_seed_repeats(scientometrics):
    w = scientometrics
    one = cluster(w, ClusterParams(random_starts=1, seed=3))
    assert np.array_equal(one.labels, cluster(w, ClusterParams(random_starts=1, seed=3)).labels)
    assert isinstance(one, Clustering) and one.params.seed == 3


def test_ring_clusters_are_unbroken_arcs():
    n = 200
    ring = graph(n, [(i, (i + 1) % n, 1.0) for i in range(n)])
    labels = cluster(ring, ClusterParams(resolution=0.05, random_starts=1)).labels
    k = labels.max() + 1
    # Arcs of about sqrt(2 / 0.05) = 6.3 items are best; each arc ends at one break.
    assert 25 <= k <= 40 and int(np.sum(labels != np.roll(labels, -1))) == k


@pytest.mark.parametrize("r", [20, 95])
def test_aggregation_sums_links_between_clusters_as_scipy_does(r):
    # With few merges (r = 95 of 100 nodes) the aggregated network keeps most links: buffers as
    # long as the input's links hold them all.
    from bibnet import _leiden_kernels

    rng = np.random.default_rng(7)
    w = sp.triu(sp.random(100, 100, density=0.1, random_state=8), k=1)
    w = (w + w.T).tocsr()
    labels = np.r_[np.arange(r), rng.integers(0, r, 100 - r)].astype(np.int32)
    rng.shuffle(labels)
    node_weights = rng.random(100)
    buffers = np.full(w.nnz, -1, np.int32), np.full(w.nnz, np.nan)
    ptr, idx, data, weight = _leiden_kernels._aggregate(
        w.indptr.astype(np.int64), w.indices.astype(np.int32), w.data, node_weights, labels, r, *buffers)
    p = sp.csr_matrix((np.ones(100), (np.arange(100), labels)), shape=(100, r))
    expected = (p.T @ w @ p).toarray()
    np.fill_diagonal(expected, 0.0)
    got = sp.csr_matrix((data, idx, ptr), shape=(r, r)).toarray()
    assert np.allclose(got, expected, rtol=1e-12, atol=0)
    assert np.allclose(weight, np.bincount(labels, weights=node_weights))
    assert len(idx) == np.count_nonzero(expected) > (80 if r == 95 else 0)


def test_resolution_profile_grid_and_change_points(scientometrics):
    params = ClusterParams(random_starts=1)
    grid = resolution_profile(scientometrics, resolutions=[2.0, 0.3, 1.0], params=params)
    assert list(grid.columns) == ["resolution", "clusters", "sizes", "quality"]
    assert list(grid["resolution"]) == [0.3, 1.0, 2.0]
    assert list(grid["clusters"]) == sorted(grid["clusters"]) and grid["clusters"][0] == 1
    assert [sum(s) for s in grid["sizes"]] == [1165] * 3
    again = cluster(scientometrics, ClusterParams(random_starts=1, resolution=1.0))
    assert grid["quality"][1] == again.quality and grid["sizes"][1] == again.sizes().tolist()

    points = resolution_profile(scientometrics, resolutions=[0.3, 1.0, 2.0], params=params, change_points=True)
    assert points["resolution"].iloc[0] == 0.3 and points["resolution"].is_monotonic_increasing
    assert points["resolution"].iloc[-1] <= 2.0 and len(points) >= 3
    assert list(points["clusters"]) == sorted(points["clusters"])
    for _gamma, sizes, q in zip(points["resolution"], points["sizes"], points["quality"], strict=True):
        assert sum(sizes) == 1165 and -1 < q < 1


@pytest.mark.parametrize(
    "options, message",
    [
        ({"resolution": -1}, "resolution must be a number >= 0"),
        ({"random_starts": 0}, "random starts must be at least 1"),
        ({"iterations": 0}, "iterations must be at least 1"),
        ({"randomness": 0}, "randomness must be a number > 0"),
        ({"min_cluster_size": 0}, "minimum cluster size must be at least 1"),
        ({"seed": -2}, "seed must be at least 0"),
    ],
)
def test_bad_options(options, message):
    with pytest.raises(OptionError, match=message):
        ClusterParams(**options)


def test_bad_weights():
    with pytest.raises(OptionError, match="symmetric"):
        cluster(sp.csr_matrix(np.array([[0, 1.0], [0, 0]])))
    with pytest.raises(OptionError, match="non-negative"):
        cluster(sp.csr_matrix(np.array([[0, -1.0], [-1.0, 0]])))
    with pytest.raises(OptionError, match="square"):
        cluster(sp.csr_matrix((2, 3)))


def test_checked_weights_drop_the_diagonal_and_explicit_zeros():
    from bibnet.normalize import checked_weights

    m = sp.csr_matrix((np.array([5.0, 2.0, 0.0, 2.0, 0.0]), np.array([0, 1, 2, 0, 1]), np.array([0, 3, 5, 5])), shape=(3, 3))
    w = checked_weights(m)  # a self-link, an explicit zero off and on the diagonal
    assert w.toarray().tolist() == [[0, 2, 0], [2, 0, 0], [0, 0, 0]]
    assert w.nnz == 2 and w.has_sorted_indices
    assert checked_weights(sp.csr_matrix(np.array([[0, 3.0], [3.0, 0]]))).nnz == 2

    assert m.toarray()[0, 0] == 5.0  # the input is left as it was


def test_checked_weights_share_a_canonical_matrix_and_check_symmetry_in_blocks(monkeypatch):
    from bibnet import normalize as normalize_module
    from bibnet.normalize import checked_weights

    rng = np.random.default_rng(3)
    upper = sp.triu(sp.random(60, 60, density=0.2, random_state=rng, format="csr"), k=1)
    m = sp.csr_matrix(upper + upper.T)
    monkeypatch.setattr(normalize_module, "_BLOCK", 7)  # many blocks, rows split unevenly
    w = checked_weights(m)
    assert np.shares_memory(w.data, m.data) and np.shares_memory(w.indices, m.indices)  # no copy
    skewed = m.copy()
    skewed.data[-1] *= 1.5  # one entry of the last block differs from its mirror image
    with pytest.raises(OptionError, match="symmetric"):
        checked_weights(skewed)
    # Links on one side only, within the tolerance (1e-9 of the largest weight), pass as before.
    lopsided = sp.csr_matrix(np.array([[0, 1.0, 1e-12], [1.0, 0, 0], [0, 0, 0]]))
    assert checked_weights(lopsided).nnz == 3


@pytest.mark.parametrize("method", ["association", "fractionalization"])
def test_normalize_in_blocks_equals_normalize_at_once(monkeypatch, method):
    from bibnet import normalize as normalize_module

    rng = np.random.default_rng(5)
    upper = sp.triu(sp.random(80, 80, density=0.15, random_state=rng, format="csr"), k=1)
    cooc = sp.csr_matrix((upper + upper.T) * 10).ceil()
    whole = normalize_module.normalize(cooc, method=method)
    monkeypatch.setattr(normalize_module, "_BLOCK", 5)
    assert len(normalize_module._row_blocks(cooc.indptr)) > 20
    blocked = normalize_module.normalize(cooc, method=method)
    assert np.array_equal(blocked.data, whole.data) and np.array_equal(blocked.indices, whole.indices)


def test_unbuilt_kernel_says_how_to_build_it():
    # A clone that pip has not installed has the .pyx but no compiled module.
    code = "import sys; sys.modules['bibnet._leiden_kernels'] = None; import bibnet.clustering"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1] == (
        "ImportError: bibnet's compiled Leiden kernel (bibnet/_leiden_kernels.pyx) is not built: "
        "install bibnet with pip ('pip install -e .' in a clone), which compiles it"
    )
