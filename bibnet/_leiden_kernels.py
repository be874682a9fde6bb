"""Compiled kernels of the Leiden algorithm on CPM (numba); :mod:`bibnet.clustering` is the API.

The algorithm is the one of VOSviewer's networkanalysis package (Traag, Waltman & van Eck
2019; reference 6.2): one iteration is fast local moving of nodes, a refinement that merges
nodes inside each cluster at random (a merge chosen with probability proportional to
``exp(increment / theta)`` among those that do not lower the quality), aggregation of the
refined partition, and the same steps on the aggregated network until aggregation no longer
shrinks it. python-igraph implements the same algorithm (and the tests compare with it), but
walks each node's links through edge ids and draws its random numbers from Python: on the
400,000-record network (4.3 million links) one start of 10 iterations took 26-28 s there and
8 s here, with the same quality (0.8137).

The loops that gather a node's neighbouring clusters (:func:`_gather`, and its filtered form
in the refinement) have no data-dependent branch: the one they replaced was mispredicted and
cost 10% of a start.

Networks are compressed sparse rows of a symmetric matrix without diagonal: ``indptr``
(int64), ``indices`` (int32), ``data`` (float64) and node weights ``nw``. The kernels hold no
Python objects, so threads run random starts in parallel on one shared network. Random
numbers come from numba's generator, which is private to each thread and seeded at the start
of :func:`leiden`: a start's result depends only on the network and its seed.
"""

from __future__ import annotations

from math import exp

import numpy as np

from bibnet._numba import helper, jit


@jit(nogil=True)
def leiden(indptr, indices, data, resolution, randomness, iterations, seed):
    """Membership (int64, ``0..k-1``) after ``iterations`` Leiden iterations from singletons.

    Node weights are 1: VOSviewer's quality function (reference 6.1).
    """
    np.random.seed(seed)
    n = len(indptr) - 1
    membership = np.arange(n)
    nw = np.ones(n)
    for _ in range(iterations):
        membership = _iteration(indptr, indices, data, nw, membership, resolution, randomness)
    return membership


@jit(nogil=True)
def inside_weight(indptr, indices, data, labels):
    """Sum of the entries of a compressed-rows matrix whose row and column have the same label."""
    total = 0.0
    for v in range(len(indptr) - 1):
        for p in range(indptr[v], indptr[v + 1]):
            if labels[indices[p]] == labels[v]:
                total += data[p]
    return total


@helper
def _iteration(indptr, indices, data, nw, membership, gamma, theta):
    """One Leiden iteration, from ``membership``; returns the new membership."""
    # VOSviewer recurses into the aggregated network; a loop with a stack of the refined
    # partitions (node of one level -> node of the next) does the same.
    refinements = [np.zeros(0, np.int64)]
    refinements.pop()
    memb = membership.copy()
    ip, ix, dt, w = indptr, indices, data, nw
    while True:
        k = _move_nodes(ip, ix, dt, w, memb, gamma)
        n = len(ip) - 1
        if k == n:
            break
        refined, r = _refine(ip, ix, dt, w, memb, k, gamma, theta)
        if r == n:
            break
        upper = np.empty(r, np.int64)  # the cluster of every refined cluster
        for v in range(n):
            upper[refined[v]] = memb[v]
        ip, ix, dt, w = _aggregate(ip, ix, dt, w, refined, r)
        refinements.append(refined)
        memb = upper
    for level in range(len(refinements) - 1, -1, -1):
        memb = memb[refinements[level]]
    return memb


@helper
def _move_nodes(indptr, indices, data, nw, memb, gamma):
    """Fast local moving: a queue of unstable nodes, each moved to its best cluster.

    A node joins the neighbouring cluster (or an empty one) with the largest quality
    increment, staying where it is unless another one is strictly better; when a node moves,
    its neighbours outside its new cluster become unstable again. ``memb`` is updated in place
    and renumbered ``0..k-1`` by first node; returns ``k``.
    """
    n = len(indptr) - 1
    weight = np.zeros(n)  # node weight of each cluster
    size = np.zeros(n, np.int64)
    for v in range(n):
        weight[memb[v]] += nw[v]
        size[memb[v]] += 1
    empty = np.empty(n, np.int64)  # stack of unused cluster numbers
    n_empty = 0
    for c in range(n - 1, -1, -1):
        if size[c] == 0:
            empty[n_empty] = c
            n_empty += 1
    queue = np.random.permutation(n)  # circular: head and count
    head, queued = 0, n
    stable = np.zeros(n, np.bool_)
    to_cluster = np.zeros(n)  # link weight from the node to each cluster
    seen = np.zeros(n, np.uint8)
    neighbours = np.empty(n + 1, np.int64)
    while queued > 0:
        v = queue[head]
        head = head + 1 if head + 1 < n else 0
        queued -= 1
        current = memb[v]
        weight[current] -= nw[v]
        size[current] -= 1
        if size[current] == 0:
            empty[n_empty] = current
            n_empty += 1
        neighbours[0] = empty[n_empty - 1]  # the node could also start a cluster of its own
        seen[neighbours[0]] = 1
        m = _gather(indptr, indices, data, v, memb, to_cluster, seen, neighbours, 1)
        best = current
        best_gain = to_cluster[current] - nw[v] * weight[current] * gamma
        for i in range(m):
            c = neighbours[i]
            gain = to_cluster[c] - nw[v] * weight[c] * gamma
            if gain > best_gain:
                best, best_gain = c, gain
            to_cluster[c] = 0.0
            seen[c] = 0
        to_cluster[current] = 0.0
        weight[best] += nw[v]
        size[best] += 1
        if best == empty[n_empty - 1]:
            n_empty -= 1
        stable[v] = True
        if best != current:
            memb[v] = best
            for p in range(indptr[v], indptr[v + 1]):
                u = indices[p]
                if stable[u] and memb[u] != best:
                    tail = head + queued
                    queue[tail if tail < n else tail - n] = u
                    queued += 1
                    stable[u] = False
    return _renumber(memb)


@helper
def _gather(indptr, indices, data, v, labels, to_cluster, seen, neighbours, m):
    """Add the links of node ``v`` to ``to_cluster`` by the label of their other end, and list
    each label not yet ``seen`` in ``neighbours`` after the first ``m``; returns the new count.

    A label is written unconditionally and the count advanced only for a new one
    (``m += 1 - seen[c]``): a branch there is taken at random and mispredicted.
    """
    for p in range(indptr[v], indptr[v + 1]):
        c = labels[indices[p]]
        neighbours[m] = c
        m += 1 - seen[c]
        seen[c] = 1
        to_cluster[c] += data[p]
    return m


@helper
def _refine(indptr, indices, data, nw, memb, k, gamma, theta):
    """Leiden's refinement: random merges of singletons inside each cluster of ``memb``.

    Nodes are visited once, in random order; a node still on its own whose cluster is well
    connected to the rest of its cluster joins a well-connected refined cluster of the same
    cluster (or stays alone), with probability proportional to ``exp(increment / theta)``
    among the choices that do not lower the quality. Returns the refined membership,
    numbered ``0..r-1``, and ``r``.
    """
    n = len(indptr) - 1
    refined = np.arange(n)
    weight = nw.copy()  # node weight of each refined cluster
    total = np.zeros(k)  # node weight of each cluster of memb
    for v in range(n):
        total[memb[v]] += nw[v]
    outside = np.zeros(n)  # link weight from each refined cluster to the rest of its cluster
    for v in range(n):
        cluster = memb[v]
        for p in range(indptr[v], indptr[v + 1]):
            if memb[indices[p]] == cluster:
                outside[v] += data[p]
    merged = np.zeros(n, np.bool_)  # refined clusters that are no longer singletons
    to_cluster = np.zeros(n)
    seen = np.zeros(n, np.uint8)
    neighbours = np.empty(n + 1, np.int64)
    cumulative = np.empty(n)
    link = np.empty(n)  # link weight from the node to each candidate
    for v in np.random.permutation(n):
        own = refined[v]
        if merged[own]:
            continue
        whole = total[memb[v]]
        if not _well_connected(outside[own], weight[own], whole, gamma):
            continue  # not well connected to its cluster: stays a singleton
        to_whole = outside[own]  # link weight from v to the rest of its cluster (v is alone)
        weight[own] = 0.0
        outside[own] = 0.0
        neighbours[0] = own
        seen[own] = 1
        m = 1
        cluster = memb[v]
        for p in range(indptr[v], indptr[v + 1]):
            u = indices[p]
            if memb[u] == cluster:
                c = refined[u]
                neighbours[m] = c  # kept only if c is new (as in _gather)
                m += 1 - seen[c]
                seen[c] = 1
                to_cluster[c] += data[p]
        # The gain of joining each candidate, -1 where it may not be joined (only choices
        # that do not lower the quality count, so any negative value means "never").
        # The link weights go to `link` and the scratch arrays are cleared on the way.
        best_gain = 0.0  # staying alone gains 0
        for i in range(m):
            c = neighbours[i]
            gain = -1.0
            if _well_connected(outside[c], weight[c], whole, gamma):
                gain = to_cluster[c] - nw[v] * weight[c] * gamma
                best_gain = max(best_gain, gain)
            cumulative[i] = gain
            link[i] = to_cluster[c]
            to_cluster[c] = 0.0
            seen[c] = 0
        # exp((gain - best_gain) / theta): the same probabilities as exp(gain / theta),
        # without overflow for large gains. The best choice adds exp(0) = 1, so terms below
        # exp(-40) = 4e-18 do not count; skipping them spares libm's slow underflow path,
        # which cost more than the rest of the refinement (with theta = 0.01 most terms
        # underflow). The gains are turned into running sums in place.
        running = 0.0
        for i in range(m):
            if cumulative[i] >= 0.0:
                x = (cumulative[i] - best_gain) / theta
                if x > -40.0:
                    running += exp(x)
            cumulative[i] = running
        pick = min(np.searchsorted(cumulative[:m], running * np.random.random(), side="right"), m - 1)
        chosen = neighbours[pick]
        # v's links into `chosen` are now inside it, the others to its cluster lead outside.
        outside[chosen] += to_whole - 2.0 * link[pick]
        weight[chosen] += nw[v]
        if chosen != own:
            refined[v] = chosen
            merged[chosen] = True
    return refined, _renumber(refined)


@helper
def _well_connected(outside, weight, whole, gamma):
    """Leiden's condition for a (refined) cluster of node weight ``weight`` inside a cluster of
    ``whole``: its links to the rest of that cluster weigh at least ``gamma * weight * rest``."""
    return outside >= weight * (whole - weight) * gamma


@helper
def _aggregate(indptr, indices, data, nw, labels, r):
    """The network of the ``r`` clusters of ``labels``: summed link and node weights.

    Links inside a cluster are dropped: they do not change which moves pay.
    """
    n = len(indptr) - 1
    start = np.zeros(r + 1, np.int64)
    for v in range(n):
        start[labels[v] + 1] += 1
    start = np.cumsum(start)
    members = np.empty(n, np.int64)
    fill = start[:-1].copy()
    weight = np.zeros(r)
    for v in range(n):
        members[fill[labels[v]]] = v
        fill[labels[v]] += 1
        weight[labels[v]] += nw[v]
    out_ptr = np.zeros(r + 1, np.int64)
    # Aggregated networks are much smaller than their input; buffers grow as needed.
    capacity = max(indptr[n] // 2, r)
    out_idx = np.empty(capacity, indices.dtype)
    out_data = np.empty(capacity)
    to_cluster = np.zeros(r)
    seen = np.zeros(r, np.uint8)
    neighbours = np.empty(r + 1, np.int64)
    nnz = 0
    for c in range(r):
        m = 0
        for q in range(start[c], start[c + 1]):
            m = _gather(indptr, indices, data, members[q], labels, to_cluster, seen, neighbours, m)
        if nnz + m > capacity:
            capacity = max(2 * capacity, nnz + m)
            out_idx = _grown(out_idx, capacity)
            out_data = _grown(out_data, capacity)
        for i in range(m):
            d = neighbours[i]
            if d != c:  # links inside the cluster are dropped
                out_idx[nnz] = d
                out_data[nnz] = to_cluster[d]
                nnz += 1
            to_cluster[d] = 0.0
            seen[d] = 0
        out_ptr[c + 1] = nnz
    return out_ptr, out_idx[:nnz], out_data[:nnz], weight


@helper
def _grown(a, capacity):
    b = np.empty(capacity, a.dtype)
    b[: len(a)] = a
    return b


@helper
def _renumber(labels):
    """Renumber ``labels`` in place to ``0..k-1`` in order of first appearance; returns ``k``."""
    new = np.full(len(labels), -1, np.int64)
    k = 0
    for v in range(len(labels)):
        if new[labels[v]] < 0:
            new[labels[v]] = k
            k += 1
        labels[v] = new[labels[v]]
    return k
