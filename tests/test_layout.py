"""VOS layout: standardisation, objective, disconnected networks, seeds, Barnes-Hut accuracy."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from bibnet import _layout_kernels as kernels
from bibnet import _numba
from bibnet.errors import OptionError
from bibnet.layout import EPSILON, Layout, LayoutParams, _links, layout, objective, standardize
from bibnet.normalize import normalize
from bibnet.seeding import start_seeds


def planted(n: int, groups: int, *, inside: int = 8, outside: int = 2, seed: int = 0) -> sp.csr_matrix:
    """Association strengths of a random network of ``groups`` dense groups of items."""
    g = np.random.default_rng(seed)
    group = np.arange(n) % groups
    src = np.repeat(np.arange(n), inside + outside)
    own = np.tile(np.r_[np.ones(inside, bool), np.zeros(outside, bool)], n)
    dst = np.where(own, g.integers(0, n // groups, len(src)) * groups + group[src], g.integers(0, n, len(src)))
    keep = src != dst
    c = sp.coo_matrix((np.ones(keep.sum()), (src[keep], dst[keep])), shape=(n, n)).tocsr()
    return normalize(c + c.T)


def pairwise_mean(c: np.ndarray) -> float:
    d = np.sqrt(((c[:, None, :] - c[None, :, :]) ** 2).sum(axis=2))
    return float(d[np.triu_indices(len(c), 1)].mean())


def assert_standard(c: np.ndarray) -> None:
    """Reference 5.4: mean 0, covariance 0, var(x) >= var(y), medians <= 0, mean distance 1."""
    assert np.allclose(c.mean(axis=0), 0, atol=1e-12)
    cov = np.cov(c.T)
    assert abs(cov[0, 1]) < 1e-12 and cov[0, 0] >= cov[1, 1]
    assert (np.median(c, axis=0) <= 0).all()
    assert pairwise_mean(c) == pytest.approx(1.0, abs=1e-12)


SMALL = planted(200, 4)


@pytest.fixture(scope="module")
def small_layout() -> Layout:
    return layout(SMALL)


def test_standardize_properties_and_invariance():
    g = np.random.default_rng(5)
    c = g.normal(size=(301, 2)) * [1.0, 3.0] + [4.0, -2.0]
    s = standardize(c)
    assert_standard(s)
    # Moving, rotating, reflecting and scaling the input gives the same standard layout.
    angle = 0.7
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    moved = (c @ turn.T) * [-2.5, 2.5] + [10.0, 3.0]
    assert np.allclose(standardize(moved), s, atol=1e-12)
    assert np.allclose(standardize(s), s, atol=1e-12)
    assert standardize(np.ones((1, 2))).tolist() == [[0.0, 0.0]]
    assert np.allclose(standardize(np.array([[0.0, 0.0], [3.0, 4.0]])), [[-0.5, 0], [0.5, 0]])


def test_layout_is_standardised_and_reports_its_objective(small_layout):
    result = small_layout
    assert result.coords.shape == (200, 2) and result.coords.dtype == np.float64
    assert_standard(result.coords)
    assert result.method == "exact" and result.epsilon == 0.0 and 0 < result.iterations <= 1000
    # The compiled objective agrees with the plain numpy formula.
    numpy_value = objective(SMALL, result.coords, attraction=2, repulsion=0, epsilon=0)
    assert result.quality == pytest.approx(numpy_value, rel=1e-10)


def test_objective_decreases_from_the_random_start(small_layout):
    start = standardize(np.random.default_rng(0).uniform(-1, 1, size=(200, 2)))
    before = objective(SMALL, start, attraction=2, repulsion=0, epsilon=0)
    assert small_layout.quality < 0.5 * before
    # Linked items end up closer than unlinked ones.
    c, w = small_layout.coords, sp.triu(SMALL, 1).tocoo()
    linked = np.linalg.norm(c[w.row] - c[w.col], axis=1).mean()
    assert linked < 0.6 * pairwise_mean(c)


def test_objective_formula_by_hand():
    w = sp.csr_matrix(np.array([[0, 2.0, 0], [2.0, 0, 0], [0, 0, 0]]))
    c = np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]])
    d = np.array([5.0, 1.0, np.sqrt(18.0)])  # d01, d02, d12; only 0-1 is linked (s = 2)
    cases = [  # (a, r, eps, V = s f_a(d01) - sum f_r(d) + eps sum f_a(d))
        (2, 0, 0.0, 2.0 * 25 / 2 - np.log(d).sum()),
        (1, -1, 0.01, 2.0 * 5 + (1 / d).sum() + 0.01 * d.sum()),
        (1, 0, 0.01, 2.0 * 5 - np.log(d).sum() + 0.01 * d.sum()),
        (3, 1, 0.01, 2.0 * 125 / 3 - d.sum() + 0.01 * (d**3 / 3).sum()),
    ]
    for a, r, eps, expected in cases:
        assert objective(w, c, attraction=a, repulsion=r, epsilon=eps) == pytest.approx(expected, rel=1e-14)
        x, y, indptr, indices = c[:, 0].copy(), c[:, 1].copy(), w.indptr.astype(np.int64), w.indices.astype(np.int64)
        assert kernels.objective(x, y, indptr, indices, w.data, a, r, eps) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("attraction, repulsion", [(2, 1), (1, 0), (2, -1), (3, 1)])
def test_other_attraction_and_repulsion(attraction, repulsion):
    params = LayoutParams(attraction=attraction, repulsion=repulsion)
    result = layout(SMALL, params)
    assert_standard(result.coords)
    assert result.quality == pytest.approx(
        objective(SMALL, result.coords, attraction=attraction, repulsion=repulsion, epsilon=0), rel=1e-10
    )
    start = standardize(np.random.default_rng(0).uniform(-1, 1, size=(200, 2)))
    assert result.quality < objective(SMALL, start, attraction=attraction, repulsion=repulsion, epsilon=0)


def test_disconnected_network_uses_epsilon_and_stays_together():
    # Two separate groups and two isolated items.
    a, b = planted(60, 1, seed=1), planted(40, 1, seed=2)
    w = sp.block_diag([a, b, sp.csr_matrix((2, 2))]).tocsr()
    result = layout(w)
    assert result.epsilon == EPSILON
    numpy_value = objective(w, result.coords, attraction=2, repulsion=0, epsilon=EPSILON)
    assert result.quality == pytest.approx(numpy_value, rel=1e-10)
    c = result.coords
    # The weak attraction keeps the parts together: without it they drift apart for all 1000
    # iterations and, once standardised, each group shrinks to a dot (spread 0.013, here 0.2).
    assert result.iterations < 1000
    assert pairwise_mean(c[:60]) > 0.1 and pairwise_mean(c[60:100]) > 0.1
    assert layout(a).epsilon == 0.0


def test_same_seed_same_layout_in_another_process(small_layout):
    digest = hashlib.sha256(small_layout.coords.tobytes()).hexdigest()
    code = f"""
import sys, hashlib
sys.path.insert(0, {str(Path(__file__).parent)!r})
import numpy as np; np.random.seed(99)  # global numpy state must not matter
from test_layout import SMALL
from bibnet.layout import layout
print(hashlib.sha256(layout(SMALL).coords.tobytes()).hexdigest())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == digest
    other = layout(SMALL, LayoutParams(seed=1))
    assert not np.allclose(other.coords, small_layout.coords)


def test_random_starts_keep_the_best():
    one = layout(SMALL, LayoutParams(random_starts=1))
    three = layout(SMALL, LayoutParams(random_starts=3))
    assert three.quality <= one.quality + 1e-9 * abs(one.quality)


def vosviewer_descent(weights, start, order, *, a, r, eps, sweeps):
    """Reference 5.3 written out step by step, one node at a time, in plain numpy.

    Node ``k`` (visited in ``order``) adds to the sweep's objective its terms with the nodes
    not yet visited, then moves by the step against its gradient; the step grows after 5
    successive improvements and shrinks by 0.75 otherwise. Returns the positions after
    ``sweeps`` sweeps and each sweep's objective.
    """
    s = weights.toarray()
    x = start.copy()
    n = len(x)

    def f(d, p):
        return np.log(d) if p == 0 else d**p / p

    step, improvements, objectives = 1.0, 0, [np.inf]
    for _ in range(sweeps):
        q = 0.0
        visited = np.zeros(n, bool)
        for k in order:
            others = np.arange(n) != k
            diff = x[k] - x[others]
            d = np.hypot(diff[:, 0], diff[:, 1])
            sk = s[k, others]
            gradient = ((sk * d ** (a - 2) - d ** (r - 2) + eps * d ** (a - 2))[:, None] * diff).sum(axis=0)
            later = ~visited[others]
            q += (sk * f(d, a) - f(d, r) + eps * f(d, a))[later].sum()
            x[k] -= step * gradient / np.hypot(*gradient)
            visited[k] = True
        if q < objectives[-1]:
            improvements += 1
            if improvements == 5:
                step, improvements = step / 0.75, 0
        else:
            step, improvements = step * 0.75, 0
        objectives.append(q)
    return x, objectives[1:]


@pytest.mark.parametrize(
    "weights, attraction, repulsion",
    [
        (planted(30, 3, seed=3), 2, 0),
        (sp.block_diag([planted(16, 2, seed=4), planted(10, 1, seed=5)]).tocsr(), 2, 0),  # disconnected: eps
        (planted(24, 2, seed=6), 2, 1),
        (planted(24, 2, seed=7), 1, -1),
    ],
)
def test_descent_is_vosviewers_step_by_step(weights, attraction, repulsion):
    # The descent is chaotic: rounding differences grow about tenfold per sweep, so the two
    # are compared over the first 8 sweeps, in which the step both grows and shrinks.
    n = weights.shape[0]
    params = LayoutParams(attraction=attraction, repulsion=repulsion, seed=11)
    eps = layout(weights, params).epsilon
    # The start positions and sweep order that layout() draws (bibnet.seeding, one start).
    g = np.random.default_rng(start_seeds(11, 1)[0])
    start = g.uniform(-1.0, 1.0, size=(n, 2))
    order = g.permutation(n)
    expected, objectives = vosviewer_descent(weights, start, order, a=attraction, r=repulsion, eps=eps, sweeps=8)
    assert (np.diff(objectives) >= 0).any()  # the step shrank at least once
    links = _links(weights[order][:, order])  # layout() relabels the nodes into sweep order
    for sweeps, expected_objective in enumerate(objectives, start=1):
        x, y = start[order, 0].copy(), start[order, 1].copy()
        q, done = kernels.improve(x, y, *links, attraction, repulsion, eps, 1.0, 0.001, 0.75, 5, sweeps, 0.0, 8)
        assert done == sweeps and q == pytest.approx(expected_objective, rel=1e-7)
    moved = np.empty((n, 2))
    moved[order] = np.column_stack([x, y])
    assert np.allclose(moved, expected, rtol=0, atol=1e-3)  # steps are 0.1 to 1


def test_barnes_hut_terms_match_the_exact_ones():
    # One sweep with a tiny step: each node moves by 1e-9 against its (unit) gradient, and the
    # sweep returns the objective of the positions it started from. Bounds are about 3x what
    # the moments give; the centre of mass alone (in brackets) was 4 to 400x worse.
    w = planted(3000, 6, seed=8)
    n = w.shape[0]
    start = np.random.default_rng(9).uniform(-1, 1, size=(n, 2))
    converged = layout(w, LayoutParams(method="exact")).coords
    links = (w.indptr.astype(np.int64), w.indices.astype(np.int64), w.data)
    for (a, r, eps), positions, objective_error, median_angle in [
        ((2, 0, 0.0), start, 5e-6, 3e-3),  # the logarithm to 4th order (centre of mass: 2.5e-4, 9.3e-3)
        ((2, 0, 0.0), converged, 2e-4, None),  # (1.7e-2)
        ((2, 0, 0.01), converged, 2e-4, None),  # the eps attraction is exact (1.5e-2)
        ((2, 1, 0.01), start, 2e-3, 4e-3),  # other repulsions to second order (5.5e-2, 2.8e-2)
        ((1, -1, 0.01), start, 3e-3, 3e-2),  # (1.3e-2, 2.9e-2)
    ]:
        moves = {}
        for theta in (0.0, 1.0):
            x, y = positions[:, 0].copy(), positions[:, 1].copy()
            q, sweeps = kernels.improve(x, y, *links, a, r, eps, 1e-9, 1e-12, 0.75, 5, 1, theta, 8)
            exact = kernels.objective(positions[:, 0].copy(), positions[:, 1].copy(), *links, a, r, eps)
            assert sweeps == 1 and q == pytest.approx(exact, rel=objective_error if theta else 1e-12)
            moves[theta] = (np.column_stack([x, y]) - positions) / 1e-9
        if median_angle is not None:  # at a converged map the forces nearly cancel: directions are noise
            m0, m1 = moves[0.0], moves[1.0]
            angle = np.abs(np.arctan2(m0[:, 0] * m1[:, 1] - m0[:, 1] * m1[:, 0], (m0 * m1).sum(axis=1)))
            assert np.median(angle) < median_angle


def test_approximation_matches_exact():
    # Over 5 seeds each, on five groups, the two methods' median objectives agree to 0.1%.
    w = planted(3000, 5)
    exact = [layout(w, LayoutParams(method="exact", seed=s)) for s in range(5)]
    approx = [layout(w, LayoutParams(method="approximate", seed=s)) for s in range(5)]
    assert exact[0].method == "exact" and approx[0].method.startswith("barnes-hut")
    assert_standard(approx[0].coords)
    exact_median = np.median([e.quality for e in exact])
    assert abs(np.median([a.quality for a in approx]) - exact_median) <= 0.001 * abs(exact_median)
    assert layout(planted(400, 4), LayoutParams(method="auto")).method == "exact"


def test_tiny_networks():
    assert layout(sp.csr_matrix((0, 0))).coords.shape == (0, 2)
    assert layout(sp.csr_matrix((1, 1))).coords.tolist() == [[0.0, 0.0]]
    two = layout(sp.csr_matrix(np.array([[0, 1.0], [1.0, 0]])))
    assert np.allclose(np.abs(two.coords), [[0.5, 0], [0.5, 0]])


@pytest.mark.parametrize(
    "options, message",
    [
        ({"attraction": 1, "repulsion": 1}, "repulsion \\(1\\) must be smaller than attraction \\(1\\)"),
        ({"attraction": 1.5}, "attraction must be an integer"),
        ({"random_starts": 0}, "random starts must be at least 1"),
        ({"max_iterations": 0}, "maximum iterations must be at least 1"),
        ({"min_step_size": 0}, "minimum step size must be a number > 0"),
        ({"min_step_size": 2.0}, "step sizes need 0 < minimum"),
        ({"step_size_reduction": 1.0}, "step size reduction must be between 0 and 1"),
        ({"required_improvements": 0}, "required improvements must be at least 1"),
        ({"method": "fast"}, "unknown layout method 'fast'"),
    ],
)
def test_bad_options(options, message):
    with pytest.raises(OptionError, match=message):
        LayoutParams(**options)


def test_bad_weights():
    with pytest.raises(OptionError, match="symmetric"):
        layout(sp.csr_matrix(np.array([[0, 1.0], [0, 0]])))


def test_private_cache_folder_for_read_only_installs(tmp_path, monkeypatch):
    # Used when neither the package folder nor ~/.cache is writable (checked by hand with
    # read-only mounts; see bibnet/_numba.py).
    monkeypatch.setattr(_numba.tempfile, "gettempdir", lambda: str(tmp_path))
    folder = _numba._private_temp_folder()
    assert folder is not None and Path(folder).parent == tmp_path
    assert Path(folder).stat().st_mode & 0o077 == 0
    Path(folder).chmod(0o777)  # someone else could write there: not used
    assert _numba._private_temp_folder() is None
