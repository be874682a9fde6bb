# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled kernels of the Leiden algorithm on CPM (Cython); :mod:`bibnet.clustering` is the API.

The algorithm is the one of VOSviewer's networkanalysis package (Traag, Waltman & van Eck
2019; reference 6.2): one iteration is fast local moving of nodes, a refinement that merges
nodes inside each cluster at random (a merge chosen with probability proportional to
``exp(increment / theta)`` among those that do not lower the quality), aggregation of the
refined partition, and the same steps on the aggregated network until aggregation no longer
shrinks it. python-igraph implements the same algorithm (and the tests compare with it), but
walks each node's links through edge ids and draws its random numbers from Python: on the
400,000-record network (4.3 million links) one start of 10 iterations takes 27 s there and
5.4 s here, with the same quality (0.8137).

Why Cython and not numba (which runs the layout): the kernel is compiled when bibnet is
installed, so a process that clusters imports it in a millisecond and 1 MB, where numba's
runtime took 0.7 s and 110 MB, a third of a 40,000-record run's memory.

Each kernel allocates its arrays with numpy, then runs its loops without the GIL, so threads
run random starts in parallel on one shared network. Random numbers come from the numpy bit
generator passed to :func:`leiden` (one per start, from :mod:`bibnet.seeding`): a start's
result depends only on the network and its seed.

Networks are compressed sparse rows of a symmetric matrix without diagonal: ``indptr``
(int64), ``indices`` (int32), ``data`` (float64) and node weights ``nw``. Cluster labels are
int32 like the indices: the label arrays, read at random, then take half the cache.
"""

from cpython.pycapsule cimport PyCapsule_GetPointer
from libc.math cimport exp
from libc.stdint cimport int32_t, int64_t, uint8_t
from numpy.random cimport bitgen_t

import numpy as np


def leiden(const int64_t[::1] indptr, const int32_t[::1] indices, const double[::1] data,
           double resolution, double randomness, int iterations, bit_generator):
    """Membership (int64, ``0..k-1``) after ``iterations`` Leiden iterations from singletons.

    Node weights are 1: VOSviewer's quality function (reference 6.1). ``bit_generator`` (a
    :class:`numpy.random.BitGenerator`) draws every random number; it must not be shared
    with another thread during the call.
    """
    cdef bitgen_t *rng = <bitgen_t *> PyCapsule_GetPointer(bit_generator.capsule, "BitGenerator")
    n = indptr.shape[0] - 1
    network = (np.asarray(indptr), np.asarray(indices), np.asarray(data), np.ones(n))
    membership = np.arange(n, dtype=np.int32)
    capacity = max(indices.shape[0], 1)
    for _ in range(iterations):
        # Two pairs of link buffers, used in turn by the levels (a level's network is made from
        # the one before). Allocated per iteration: what an iteration wrote is given back before
        # the next, so that starts running side by side do not all hold their largest at once.
        buffers = [(np.empty(capacity, np.int32), np.empty(capacity)) for _ in range(2)]
        membership = _iteration(network, membership, resolution, randomness, rng, buffers)
    return membership.astype(np.int64)


def inside_weight(const int64_t[::1] indptr, const int32_t[::1] indices, const double[::1] data,
                  const int64_t[::1] labels):
    """Sum of the entries of a compressed-rows matrix whose row and column have the same label."""
    cdef double total = 0.0
    cdef Py_ssize_t v, p
    with nogil:
        for v in range(indptr.shape[0] - 1):
            for p in range(indptr[v], indptr[v + 1]):
                if labels[indices[p]] == labels[v]:
                    total += data[p]
    return total


cdef _iteration(network, membership, double gamma, double theta, bitgen_t *rng, buffers):
    """One Leiden iteration, from ``membership`` (int32); returns the new membership.

    ``buffers``: two pairs of link arrays (int32 and float64) as long as the network's links;
    level ``L`` uses pair ``L % 2``, first as the refinement's scratch, then for its aggregate.
    """
    # VOSviewer recurses into the aggregated network; a loop with a stack of the refined
    # partitions (node of one level -> node of the next) does the same.
    refinements = []
    memb = membership.copy()
    indptr, indices, data, nw = network
    while True:
        n = len(indptr) - 1
        k = _move_nodes(indptr, indices, data, nw, memb, gamma, rng)
        if k == n:
            break
        free = buffers[len(refinements) % 2]  # not the pair that holds this level's network
        refined, r = _refine(indptr, indices, data, nw, memb, k, gamma, theta, rng, free[0], free[1])
        if r == n:
            break
        upper = np.empty(r, np.int32)  # the cluster of every refined cluster
        upper[refined] = memb
        indptr, indices, data, nw = _aggregate(indptr, indices, data, nw, refined, r, free[0], free[1])
        refinements.append(refined)
        memb = upper
    for refined in reversed(refinements):
        memb = memb[refined]
    return memb


cdef int64_t _move_nodes(const int64_t[::1] indptr, const int32_t[::1] indices, const double[::1] data,
                         const double[::1] nw, int32_t[::1] memb, double gamma, bitgen_t *rng) except -1:
    """Fast local moving: a queue of unstable nodes, each moved to its best cluster.

    A node joins the neighbouring cluster (or an empty one) with the largest quality
    increment, staying where it is unless another one is strictly better; when a node moves,
    its neighbours outside its new cluster become unstable again. ``memb`` is updated in place
    and renumbered ``0..k-1`` by first node; returns ``k``.
    """
    cdef Py_ssize_t n = indptr.shape[0] - 1
    cdef double[::1] weight = np.zeros(n)  # node weight of each cluster
    cdef int32_t[::1] size = np.zeros(n, np.int32)
    cdef int32_t[::1] empty = np.empty(n, np.int32)  # stack of unused cluster numbers
    cdef int32_t[::1] queue = np.empty(n, np.int32)  # circular: head and count
    cdef uint8_t[::1] stable = np.zeros(n, np.uint8)
    cdef double[::1] to_cluster = np.zeros(n)  # link weight from the node to each cluster
    cdef uint8_t[::1] seen = np.zeros(n, np.uint8)
    cdef int32_t[::1] neighbours = np.empty(n + 1, np.int32)
    cdef Py_ssize_t v, u, c, p, i, m, current, best, head, queued, tail, n_empty = 0
    cdef double gain, best_gain
    with nogil:
        for v in range(n):
            weight[memb[v]] += nw[v]
            size[memb[v]] += 1
        for c in range(n - 1, -1, -1):
            if size[c] == 0:
                empty[n_empty] = c
                n_empty += 1
        _permutation(&queue[0], n, rng)
        head, queued = 0, n
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
            m = _gather(&indptr[0], &indices[0], &data[0], v, &memb[0], &to_cluster[0], &seen[0],
                        &neighbours[0], 1)
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


cdef inline Py_ssize_t _gather(const int64_t *indptr, const int32_t *indices, const double *data,
                               Py_ssize_t v, const int32_t *labels, double *to_cluster, uint8_t *seen,
                               int32_t *neighbours, Py_ssize_t m) noexcept nogil:
    """Add the links of node ``v`` to ``to_cluster`` by the label of their other end, and list
    each label not yet ``seen`` in ``neighbours`` after the first ``m``; returns the new count.

    A label is written unconditionally and the count advanced only for a new one
    (``m += 1 - seen[c]``): a branch there is taken at random and mispredicted.
    """
    cdef Py_ssize_t p
    cdef int32_t c
    for p in range(indptr[v], indptr[v + 1]):
        c = labels[indices[p]]
        neighbours[m] = c
        m += 1 - seen[c]
        seen[c] = 1
        to_cluster[c] += data[p]
    return m


cdef _refine(const int64_t[::1] indptr, const int32_t[::1] indices, const double[::1] data,
             const double[::1] nw, const int32_t[::1] memb, int64_t k, double gamma, double theta,
             bitgen_t *rng, int32_t[::1] inner_idx, double[::1] inner_data):
    """Leiden's refinement: random merges of singletons inside each cluster of ``memb``.

    Nodes are visited once, in random order; a node still on its own whose cluster is well
    connected to the rest of its cluster joins a well-connected refined cluster of the same
    cluster (or stays alone), with probability proportional to ``exp(increment / theta)``
    among the choices that do not lower the quality. Returns the refined membership,
    numbered ``0..r-1``, and ``r``. ``inner_idx`` and ``inner_data`` (scratch, as long as the
    links) receive each node's links inside its cluster.
    """
    cdef Py_ssize_t n = indptr.shape[0] - 1
    refined_array = np.arange(n, dtype=np.int32)
    cdef int32_t[::1] refined = refined_array
    cdef double[::1] weight = np.array(nw)  # node weight of each refined cluster
    cdef double[::1] total = np.zeros(k)  # node weight of each cluster of memb
    cdef double[::1] outside = np.zeros(n)  # link weight from each refined cluster to the rest of its cluster
    cdef uint8_t[::1] merged = np.zeros(n, np.uint8)  # refined clusters that are no longer singletons
    cdef double[::1] to_cluster = np.zeros(n)
    cdef uint8_t[::1] seen = np.zeros(n, np.uint8)
    cdef int32_t[::1] neighbours = np.empty(n + 1, np.int32)
    cdef double[::1] cumulative = np.empty(n)
    cdef double[::1] link = np.empty(n)  # link weight from the node to each candidate
    cdef int32_t[::1] order = np.empty(n, np.int32)
    cdef int64_t[::1] inner_ptr = np.empty(n + 1, np.int64)
    cdef Py_ssize_t j, v, u, c, p, i, m, own, pick, chosen, q = 0
    cdef int64_t cluster
    cdef double whole, to_whole, gain, best_gain, running, x
    with nogil:
        for v in range(n):
            total[memb[v]] += nw[v]
        # Each node's links inside its cluster, the only ones its merge looks at, are copied (in
        # order) to inner_*, and summed in a register (in memory, each add would wait for the last).
        for v in range(n):
            cluster = memb[v]
            x = 0.0
            inner_ptr[v] = q
            for p in range(indptr[v], indptr[v + 1]):
                u = indices[p]
                if memb[u] == cluster:
                    x += data[p]
                    inner_idx[q] = u
                    inner_data[q] = data[p]
                    q += 1
            outside[v] = x
        inner_ptr[n] = q
        _permutation(&order[0], n, rng)
        for j in range(n):
            v = order[j]
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
            for p in range(inner_ptr[v], inner_ptr[v + 1]):
                c = refined[inner_idx[p]]
                neighbours[m] = c  # kept only if c is new (as in _gather)
                m += 1 - seen[c]
                seen[c] = 1
                to_cluster[c] += inner_data[p]
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
            pick = _first_above(&cumulative[0], m, running * rng.next_double(rng.state))
            chosen = neighbours[pick]
            # v's links into `chosen` are now inside it, the others to its cluster lead outside.
            outside[chosen] += to_whole - 2.0 * link[pick]
            weight[chosen] += nw[v]
            if chosen != own:
                refined[v] = chosen
                merged[chosen] = True
    return refined_array, _renumber(refined)


cdef inline bint _well_connected(double outside, double weight, double whole, double gamma) noexcept nogil:
    """Leiden's condition for a (refined) cluster of node weight ``weight`` inside a cluster of
    ``whole``: its links to the rest of that cluster weigh at least ``gamma * weight * rest``."""
    return outside >= weight * (whole - weight) * gamma


cdef inline Py_ssize_t _first_above(const double *cumulative, Py_ssize_t m, double x) noexcept nogil:
    """The first ``i < m`` with ``cumulative[i] > x`` (non-decreasing sums), else ``m - 1``."""
    cdef Py_ssize_t lo = 0, hi = m - 1, mid
    while lo < hi:
        mid = (lo + hi) // 2
        if cumulative[mid] > x:
            hi = mid
        else:
            lo = mid + 1
    return lo


cpdef _aggregate(const int64_t[::1] indptr, const int32_t[::1] indices, const double[::1] data,
                const double[::1] nw, const int32_t[::1] labels, int64_t r, out_idx_array, out_data_array):
    """The network of the ``r`` clusters of ``labels``: summed link and node weights.

    Links inside a cluster are dropped: they do not change which moves pay. The links are
    written to ``out_idx_array`` (int32) and ``out_data_array`` (float64), as long as the
    input's links (the clusters' links are never more: each is the sum of some); the result
    holds views of them. (``cpdef`` so that the tests can hold it against scipy.)
    """
    cdef Py_ssize_t n = indptr.shape[0] - 1
    labels_array = np.asarray(labels)
    # Members of each cluster, in node order (a stable counting sort).
    cdef int64_t[::1] members = np.argsort(labels_array, kind="stable")
    cdef int64_t[::1] start = np.concatenate(([0], np.cumsum(np.bincount(labels_array, minlength=r))))
    weight = np.bincount(labels_array, weights=np.asarray(nw), minlength=r)
    out_ptr_array = np.zeros(r + 1, np.int64)
    cdef int64_t[::1] out_ptr = out_ptr_array
    cdef int32_t[::1] out_idx = out_idx_array
    cdef double[::1] out_data = out_data_array
    cdef double[::1] to_cluster = np.zeros(r)
    cdef uint8_t[::1] seen = np.zeros(r, np.uint8)
    cdef int32_t[::1] neighbours = np.empty(r + 1, np.int32)
    cdef Py_ssize_t c, d, q, i, m, nnz = 0
    with nogil:
        for c in range(r):
            m = 0
            for q in range(start[c], start[c + 1]):
                m = _gather(&indptr[0], &indices[0], &data[0], members[q], &labels[0], &to_cluster[0],
                            &seen[0], &neighbours[0], m)
            for i in range(m):
                d = neighbours[i]
                if d != c:  # links inside the cluster are dropped
                    out_idx[nnz] = d
                    out_data[nnz] = to_cluster[d]
                    nnz += 1
                to_cluster[d] = 0.0
                seen[d] = 0
            out_ptr[c + 1] = nnz
    return out_ptr_array, out_idx_array[:nnz], out_data_array[:nnz], weight


cdef int64_t _renumber(int32_t[::1] labels) except -1:
    """Renumber ``labels`` in place to ``0..k-1`` in order of first appearance; returns ``k``."""
    cdef Py_ssize_t n = labels.shape[0], v
    cdef int32_t[::1] new = np.full(n, -1, np.int32)
    cdef int32_t k = 0
    with nogil:
        for v in range(n):
            if new[labels[v]] < 0:
                new[labels[v]] = k
                k += 1
            labels[v] = new[labels[v]]
    return k


cdef void _permutation(int32_t *out, Py_ssize_t n, bitgen_t *rng) noexcept nogil:
    """A random permutation of ``0..n-1`` (Fisher-Yates)."""
    cdef Py_ssize_t i, j
    cdef int32_t t
    for i in range(n):
        out[i] = i
    for i in range(n - 1, 0, -1):
        j = <Py_ssize_t> (rng.next_double(rng.state) * (i + 1))
        t = out[i]
        out[i] = out[j]
        out[j] = t
