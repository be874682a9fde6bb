"""The VOS layout technique (reference sections 5 and 12), with a Barnes-Hut option for big maps.

Items are placed so that strongly linked items are close: minimise

    V = sum_{i<j} s_ij f_a(d_ij) - sum_{i<j} f_r(d_ij) + eps * sum_{i<j} f_a(d_ij)

with ``f_p(d) = d**p / p`` (``ln d`` for ``p = 0``), attraction ``a``, repulsion ``r`` and
``eps = 0.01`` only when the network is disconnected. VOSviewer's gradient descent moves one
item at a time by the current step size; the exact sweep costs O(n^2), so for several
thousand items the all-pairs terms of distant groups can be taken from their centre of mass
and multipole moments (Barnes-Hut). The components of a disconnected map are then packed next
to the largest one, and the result is standardised as VOSviewer does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from bibnet.errors import OptionError
from bibnet.normalize import checked_weights
from bibnet.options import Params, option
from bibnet.seeding import rng, seed_option, start_seeds

#: Weak attraction between all pairs when the network has more than one component.
EPSILON = 0.01
#: ``method="auto"`` sweeps exactly up to this many items, with Barnes-Hut beyond.
AUTO_EXACT_MAX = 2000
#: Barnes-Hut opening angle (cell side / distance) and leaf size.
THETA = 1.0
LEAF_SIZE = 8
METHODS = ("auto", "exact", "approximate")


@dataclass(frozen=True)
class LayoutParams(Params):
    """Options of :func:`layout`. Defaults are VOSviewer's for keyword maps (reference 5.2).

    The gradient descent's schedule (``max_iterations``, ``initial_step_size``,
    ``min_step_size``, ``step_size_reduction``, ``required_improvements``): the step grows after
    ``required_improvements`` successive improvements, shrinks by ``step_size_reduction``
    otherwise, and the run stops below ``min_step_size`` or after ``max_iterations`` sweeps.
    """

    kind: ClassVar[str] = "layout options"

    attraction: int = option(2, min=-9, max=10, help="VOS layout attraction (an integer greater than repulsion).")
    repulsion: int = option(0, min=-10, max=9, help="VOS layout repulsion (keyword maps: 0; VOSviewer's general default: 1).")
    random_starts: int = option(1, min=1, flag="--layout-starts",
                                help="Random starts of the layout (the best by VOS objective is kept).")
    max_iterations: int = option(1000, min=1, flag="", what="maximum iterations", help="Sweeps at most.")
    initial_step_size: float = option(1.0, min=0, open_min=True, flag="", help="Step size of the first sweep.")
    min_step_size: float = option(0.001, min=0, open_min=True, flag="", what="minimum step size",
                                  help="The run stops when the step gets smaller.")
    step_size_reduction: float = option(0.75, min=0, max=1, open_min=True, open_max=True, flag="",
                                        help="Factor by which the step shrinks after a sweep without improvement.")
    required_improvements: int = option(5, min=1, flag="", help="Successive improvements after which the step grows.")
    seed: int = seed_option()
    method: str = option("auto", choices=METHODS, flag="--layout-method", what="layout method",
                         help="Exact O(n^2) layout, approximate (Barnes-Hut) for large maps, or auto: exact up to "
                              f"{AUTO_EXACT_MAX:,} keywords.")

    def check(self) -> None:
        if not self.repulsion < self.attraction:
            raise OptionError(f"repulsion ({self.repulsion}) must be smaller than attraction ({self.attraction})")
        if not self.min_step_size <= self.initial_step_size:
            raise OptionError(
                f"step sizes need 0 < minimum ({self.min_step_size}) <= initial ({self.initial_step_size})"
            )


@dataclass(frozen=True, eq=False)  # holds arrays, so == means identity
class Layout:
    """Result of :func:`layout`.

    Attributes
    ----------
    coords
        (n, 2) float64 positions, standardised (:func:`standardize`).
    quality
        VOS objective ``V`` (reference 5.1, lower is better) of ``coords`` as returned, with
        the ``epsilon`` that was used: ``objective(weights, coords, ...)`` gives it back.
    params
        The options used.
    method
        ``"exact"``, or ``"barnes-hut(theta=1.0, order=4)"`` (:data:`THETA`; the order of the
        repulsion's multipole expansion: 4 for repulsion 0, else 2).
    epsilon
        Attraction added between all pairs: 0.01 for a disconnected network, else 0.
    iterations
        Sweeps made by the kept start.
    """

    coords: np.ndarray
    quality: float
    params: LayoutParams
    method: str
    epsilon: float = 0.0
    iterations: int = 0


def layout(weights: sp.spmatrix, params: LayoutParams = LayoutParams()) -> Layout:
    """Lay out a network with the VOS technique, as VOSviewer does.

    Parameters
    ----------
    weights
        Symmetric sparse matrix of normalised link strengths ``s_ij >= 0`` (e.g.
        :func:`bibnet.normalize.normalize`); the diagonal is ignored. Node weights are 1.
    params
        Attraction, repulsion, step schedule, starts, seed and method.

    Returns
    -------
    Layout
    """
    from bibnet import _layout_kernels as kernels  # numba: loaded when a layout is made, not on import

    w = checked_weights(weights)
    n = w.shape[0]
    exact = params.method == "exact" or (params.method == "auto" and n <= AUTO_EXACT_MAX)
    method = "exact" if exact else f"barnes-hut(theta={THETA}, order={4 if params.repulsion == 0 else 2})"
    a, r = int(params.attraction), int(params.repulsion)
    parts, labels = connected_components(w, directed=False) if n > 1 else (1, np.zeros(n, dtype=np.int32))
    eps = EPSILON if parts > 1 else 0.0
    if n < 2:
        return Layout(np.zeros((n, 2)), 0.0, params, method, eps, 0)
    best = None
    for seed in start_seeds(params.seed, params.random_starts):
        g = rng(seed)
        start = g.uniform(-1.0, 1.0, size=(n, 2))
        order = g.permutation(n)  # the sweep order, kept for the whole run (reference 5.3)
        # Relabel the nodes into that order: the kernels sweep in index order.
        links = _links(w[order][:, order])
        x, y = np.ascontiguousarray(start[order, 0]), np.ascontiguousarray(start[order, 1])
        _, sweeps = kernels.improve(
            x, y, *links, a, r, eps,
            float(params.initial_step_size), float(params.min_step_size), float(params.step_size_reduction),
            int(params.required_improvements), int(params.max_iterations), 0.0 if exact else THETA, LEAF_SIZE,
        )  # fmt: skip
        coords = np.empty((n, 2))
        coords[order, 0], coords[order, 1] = x, y
        # Starts compete on the exact objective; the earliest wins a tie.
        value = kernels.objective(x, y, *links, a, r, eps) if params.random_starts > 1 else 0.0
        if best is None or value < best[0]:
            best = (value, coords, sweeps)
    assert best is not None  # random_starts >= 1: at least one start ran
    # The weak attraction keeps separate parts from drifting apart, but a lone keyword still ends
    # up far from the rest, and standardisation (mean distance 1) then shrinks the main map to a
    # fraction of the picture. So the other parts are moved, each as it is, next to the largest.
    coords = standardize(_pack_components(best[1], labels) if parts > 1 else best[1])
    value = kernels.objective(coords[:, 0].copy(), coords[:, 1].copy(), *_links(w), a, r, eps)
    return Layout(coords, float(value), params, method, eps, int(best[2]))


def _links(w: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A CSR matrix's arrays with 64-bit indices: one compiled signature for every network."""
    w = sp.csr_matrix(w)
    w.sort_indices()
    return w.indptr.astype(np.int64), w.indices.astype(np.int64), w.data


def _pack_components(coords: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Move the smaller connected components next to the largest one, each by a translation.

    The main component has the most items (a tie goes to the one with the smallest item index).
    The whole map is first turned rigidly onto the main component's principal axes (its widest
    spread horizontal). The other components, by decreasing size (ties: smallest item index),
    then fill rows below the main component's bounding box, left to right, a row wrapping at the
    main component's width and centred under it. Bounding boxes are kept ``gap`` apart: twice
    the median distance from an item of the main component to its nearest neighbour there.

    Parameters
    ----------
    coords
        (n, 2) positions from the optimiser.
    labels
        Component of each item (:func:`scipy.sparse.csgraph.connected_components`).

    Returns
    -------
    numpy.ndarray
        New (n, 2) positions; a copy of ``coords`` when the main component is a single item (a
        network without links) or its items all coincide.
    """
    from scipy.spatial import cKDTree  # only disconnected maps need it

    c = np.array(coords, dtype=np.float64)
    sizes = np.bincount(labels)
    first = np.full(len(sizes), len(labels))
    np.minimum.at(first, labels, np.arange(len(labels)))
    order = np.lexsort((first, -sizes))  # the main component first
    main = labels == order[0]
    if sizes[order[0]] < 2:
        return c
    c = _principal_axes(c, c[main])
    low, high = c[main].min(axis=0), c[main].max(axis=0)
    width = float(high[0] - low[0])
    gap = 2.0 * float(np.median(cKDTree(c[main]).query(c[main], k=2)[0][:, 1]))
    if not (gap > 0 and width > 0):
        return np.array(coords, dtype=np.float64)
    rows: list[list[np.ndarray]] = [[]]
    used = 0.0  # width taken in the last row
    for label in order[1:]:
        items = np.flatnonzero(labels == label)
        extent = float(np.ptp(c[items, 0]))
        if rows[-1] and used + gap + extent > width:
            rows.append([])
            used = 0.0
        used += (gap if rows[-1] else 0.0) + extent
        rows[-1].append(items)
    top = low[1] - gap
    for row in rows:
        boxes = [(c[items].min(axis=0), c[items].max(axis=0)) for items in row]
        row_width = sum(float(b[1][0] - b[0][0]) for b in boxes) + gap * (len(row) - 1)
        left = low[0] + (width - row_width) / 2  # centred under the main component
        for items, (box_low, box_high) in zip(row, boxes, strict=True):
            c[items] += [left - box_low[0], top - box_high[1]]  # top edge on the row's top
            left += float(box_high[0] - box_low[0]) + gap
        top -= max(float(b[1][1] - b[0][1]) for b in boxes) + gap
    return c


def standardize(coords: np.ndarray) -> np.ndarray:
    """VOSviewer's standardisation of a layout (reference 5.4), as a new array.

    Centre at the mean, rotate onto the principal axes (largest variance horizontal,
    covariance 0), reflect each axis whose median is positive, and scale to a mean distance
    of 1 over all pairs. Fewer than two points are moved to the origin.
    """
    c = np.array(coords, dtype=np.float64).reshape(-1, 2)
    if len(c) < 2:
        return np.zeros_like(c)
    c = _principal_axes(c, c)
    c *= np.where(np.median(c, axis=0) > 0, -1.0, 1.0)
    from bibnet import _layout_kernels as kernels

    scale = kernels.mean_distance(np.ascontiguousarray(c[:, 0]), np.ascontiguousarray(c[:, 1]))
    return c / scale if scale > 0 else c


def _principal_axes(c: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """``c`` moved to ``reference``'s mean and turned onto its principal axes (largest variance horizontal)."""
    centre = reference.mean(axis=0)
    spread = reference - centre
    _, vectors = np.linalg.eigh(spread.T @ spread)
    return (c - centre) @ vectors[:, ::-1]  # eigh sorts ascending


def objective(weights: sp.spmatrix, coords: np.ndarray, *, attraction: int, repulsion: int, epsilon: float) -> float:
    """VOS objective ``V`` of given positions (reference 5.1), in plain numpy.

    An independent check of the compiled kernels: the links' attraction from the upper
    triangle of ``weights``, the all-pairs repulsion and ``epsilon`` terms by blocks of rows.
    """
    w = sp.triu(sp.csr_matrix(weights, dtype=np.float64), k=1).tocoo()
    c = np.asarray(coords, dtype=np.float64)

    def f(d: np.ndarray, p: int) -> np.ndarray:
        return np.log(d) if p == 0 else d**p / p

    links = float(w.data @ f(np.linalg.norm(c[w.row] - c[w.col], axis=1), attraction))
    pairs = 0.0
    for start in range(0, len(c), 256):
        block = c[start : start + 256]
        d = np.sqrt(((block[:, None, :] - c[None, :, :]) ** 2).sum(axis=2))
        upper = np.arange(len(c))[None, :] > np.arange(start, start + len(block))[:, None]
        d = d[upper]
        pairs += float((epsilon * f(d, attraction)).sum() - f(d, repulsion).sum())
    return links + pairs
