"""Compiled kernels of the VOS layout (numba); :mod:`bibnet.layout` is the API.

The layout is the one stage whose cost grows as n^2 per iteration, so its inner loops are
compiled (see :mod:`bibnet._numba` for where the compiled code is cached).

Notation (reference 5.1): ``f_p(d) = d**p / p`` for ``p != 0`` and ``ln d`` for ``p = 0``;
the gradient of ``f_p(|x_k - x_j|)`` with respect to ``x_k`` is ``d**(p - 2) (x_k - x_j)``.
Distances enter as squared distances ``d2``, so even powers need no square root.
"""

from __future__ import annotations

from math import inf, log, sqrt

import numpy as np

from bibnet._numba import helper, jit

#: Quadtree depth: cells of 1/65536 of the bounding box; closer points share a leaf.
_LEVELS = 16


# -- pair functions ---------------------------------------------------------------------------
@helper
def _dpow(d2, p):
    """``d**p`` for integer ``p`` from ``d2 = d**2``."""
    if p % 2 == 0:
        return d2 ** (p // 2)
    return sqrt(d2) ** p


@helper
def _f(d2, p):
    """``f_p(d)``: ``d**p / p``, or ``ln d`` for ``p = 0``."""
    if p == 0:
        return 0.5 * log(d2)
    return _dpow(d2, p) / p


@helper
def _others(k, xk, yk, x, y, lo, hi, a, r, eps, with_quality):
    """Gradient and objective of the all-pairs terms between ``k`` and nodes ``lo..hi-1``.

    Per pair: ``eps * f_a(d) - f_r(d)``; ``k`` itself must not be in the range. The common
    cases get loops without branches; for ``a = 2, r = 0`` the logarithms of 8 pairs are
    taken at once as the logarithm of their product (this almost halves the sweep's cost).
    """
    gx = 0.0
    gy = 0.0
    q = 0.0
    if a == 2 and r == 0:
        prod = 1.0
        c = 0
        sq = 0.0
        logs = 0.0
        for j in range(lo, hi):
            dx = xk - x[j]
            dy = yk - y[j]
            d2 = dx * dx + dy * dy
            b = eps - 1.0 / d2
            gx += b * dx
            gy += b * dy
            if with_quality:
                sq += d2
                prod *= d2
                c += 1
                if c == 8 or prod < 1e-200 or prod > 1e200:
                    logs += log(prod)
                    prod = 1.0
                    c = 0
        if with_quality:
            q = 0.5 * eps * sq - 0.5 * (logs + log(prod))
    elif a == 2 and r == 1:
        for j in range(lo, hi):
            dx = xk - x[j]
            dy = yk - y[j]
            d2 = dx * dx + dy * dy
            d = sqrt(d2)
            b = eps - 1.0 / d
            gx += b * dx
            gy += b * dy
            if with_quality:
                q += 0.5 * eps * d2 - d
    else:
        for j in range(lo, hi):
            dx = xk - x[j]
            dy = yk - y[j]
            d2 = dx * dx + dy * dy
            b = -_dpow(d2, r - 2)
            if eps > 0:
                b += eps * _dpow(d2, a - 2)
            gx += b * dx
            gy += b * dy
            if with_quality:
                q -= _f(d2, r)
                if eps > 0:
                    q += eps * _f(d2, a)
    return gx, gy, q


@helper
def _pair(d2, a, r, eps):
    """Gradient factor and objective of one all-pairs term (for the Barnes-Hut sweep)."""
    if a == 2 and r == 0:  # the keyword-map default, without the general power's branches
        return eps - 1.0 / d2, 0.5 * (eps * d2 - log(d2))
    b = -_dpow(d2, r - 2)
    q = -_f(d2, r)
    if eps > 0:
        b += eps * _dpow(d2, a - 2)
        q += eps * _f(d2, a)
    return b, q


@helper
def _links(k, xk, yk, x, y, indptr, indices, data, a):
    """Gradient of the attraction over ``k``'s links; objective of the links to ``j > k``."""
    gx = 0.0
    gy = 0.0
    q = 0.0
    for p in range(indptr[k], indptr[k + 1]):
        j = indices[p]
        dx = xk - x[j]
        dy = yk - y[j]
        d2 = dx * dx + dy * dy
        if j > k:
            q += data[p] * _f(d2, a)
        b = data[p] * _dpow(d2, a - 2)
        gx += b * dx
        gy += b * dy
    return gx, gy, q


@helper
def _move(x, y, k, gx, gy, step):
    """Move ``k`` by exactly ``step`` against the gradient (no move if it is 0 or undefined)."""
    norm = sqrt(gx * gx + gy * gy)
    if norm > 0:
        x[k] -= step * gx / norm
        y[k] -= step * gy / norm


# -- sweeps -------------------------------------------------------------------------------------
@helper
def _sweep_exact(x, y, order, indptr, indices, data, a, r, eps, step):
    """One Gauss-Seidel sweep; returns the objective accumulated once per pair on the way."""
    n = len(x)
    q = 0.0
    for k in order:
        xk = x[k]
        yk = y[k]
        gx, gy, qa = _links(k, xk, yk, x, y, indptr, indices, data, a)
        lx, ly, _ = _others(k, xk, yk, x, y, 0, k, a, r, eps, False)
        hx, hy, qh = _others(k, xk, yk, x, y, k + 1, n, a, r, eps, True)
        q += qa + qh
        _move(x, y, k, gx + lx + hx, gy + ly + hy, step)
    return q


@helper
def _morton(qx, qy):
    """Interleave the bits of two 16-bit integers (x in the even bits)."""
    code = np.int64(0)
    for b in range(_LEVELS):
        code |= ((qx >> b) & 1) << (2 * b)
        code |= ((qy >> b) & 1) << (2 * b + 1)
    return code


@helper
def _first_at_least(codes, lo, hi, value):
    """First index in sorted ``codes[lo:hi]`` whose code is >= value (``hi`` if none)."""
    while lo < hi:
        mid = (lo + hi) // 2
        if codes[mid] < value:
            lo = mid + 1
        else:
            hi = mid
    return lo


@helper
def _radix_argsort(codes):
    """Stable argsort of 32-bit codes, 8 bits per pass (quick to compile, unlike np.argsort)."""
    n = len(codes)
    order = np.arange(n)
    spare = np.empty(n, np.int64)
    for shift in range(0, 2 * _LEVELS, 8):
        counts = np.zeros(257, np.int64)
        for i in range(n):
            counts[((codes[i] >> shift) & 255) + 1] += 1
        for b in range(256):
            counts[b + 1] += counts[b]
        for i in range(n):
            b = (codes[order[i]] >> shift) & 255
            spare[counts[b]] = order[i]
            counts[b] += 1
        order, spare = spare, order
    return order


@jit
def _quadtree(x, y, leaf):
    """Quadtree of the points, as ranges of the points sorted along a Morton curve.

    Returns ``sorted_nodes, rank, lo, hi, first, count, width, comx, comy``: node ``i`` holds
    sorted points ``lo[i]..hi[i]-1``, its children are nodes ``first[i]..first[i]+count[i]-1``
    (``count = 0`` for a leaf), ``width`` is its cell's side and ``com`` its centre of mass.
    """
    n = len(x)
    x0, x1, y0, y1 = x[0], x[0], y[0], y[0]
    for i in range(n):  # a loop: x.min() alone adds a second to compilation
        x0, x1 = min(x0, x[i]), max(x1, x[i])
        y0, y1 = min(y0, y[i]), max(y1, y[i])
    size = max(x1 - x0, y1 - y0)
    scale = (1 << _LEVELS) / size if size > 0 else 0.0
    codes = np.empty(n, np.int64)
    top = (1 << _LEVELS) - 1
    for i in range(n):
        qx = min(np.int64((x[i] - x0) * scale), top)
        qy = min(np.int64((y[i] - y0) * scale), top)
        codes[i] = _morton(qx, qy)
    sorted_nodes = _radix_argsort(codes)
    rank = np.empty(n, np.int64)
    sorted_codes = np.empty(n, np.int64)
    for i in range(n):
        rank[sorted_nodes[i]] = i
        sorted_codes[i] = codes[sorted_nodes[i]]
    codes = sorted_codes
    cx = np.zeros(n + 1)
    cy = np.zeros(n + 1)
    for i in range(n):
        cx[i + 1] = cx[i] + x[sorted_nodes[i]]
        cy[i + 1] = cy[i] + y[sorted_nodes[i]]
    # Leaves are disjoint, and so are the internal nodes (> leaf points) of one level.
    cap = n + (_LEVELS + 1) * (n // (leaf + 1) + 1) + 1
    lo = np.empty(cap, np.int64)
    hi = np.empty(cap, np.int64)
    level = np.empty(cap, np.int64)
    first = np.zeros(cap, np.int64)
    count = np.zeros(cap, np.int64)
    lo[0], hi[0], level[0] = 0, n, 0
    used = 1
    i = 0
    while i < used:  # breadth first: children of a node are consecutive
        if hi[i] - lo[i] > leaf and level[i] < _LEVELS:
            shift = 2 * (_LEVELS - 1 - level[i])
            base = (codes[lo[i]] >> (shift + 2)) << (shift + 2)
            first[i] = used
            start = lo[i]
            for c in range(4):
                end = hi[i] if c == 3 else _first_at_least(codes, start, hi[i], base + ((c + 1) << shift))
                if end > start:
                    lo[used], hi[used], level[used] = start, end, level[i] + 1
                    used += 1
                start = end
            count[i] = used - first[i]
        i += 1
    width = np.empty(used)
    comx = np.empty(used)
    comy = np.empty(used)
    for i in range(used):
        width[i] = size / (1 << level[i])
        m = hi[i] - lo[i]
        comx[i] = (cx[hi[i]] - cx[lo[i]]) / m
        comy[i] = (cy[hi[i]] - cy[lo[i]]) / m
    return sorted_nodes, rank, lo[:used], hi[:used], first[:used], count[:used], width, comx, comy


@helper
def _sweep_barnes_hut(x, y, order, indptr, indices, data, a, r, eps, step, theta, leaf):
    """Sweep with the all-pairs terms of distant cells taken at their centre of mass.

    The tree is built from the positions at the start of the sweep; points in opened leaves
    are used at their current positions. A cell is taken whole when its side is below
    ``theta`` times its distance, and never when it holds ``k`` itself.
    """
    sorted_nodes, rank, lo, hi, first, count, width, comx, comy = _quadtree(x, y, leaf)
    theta2 = theta * theta
    stack = np.empty(4 * (_LEVELS + 2), np.int64)
    q = 0.0
    qall = 0.0
    for k in order:
        xk = x[k]
        yk = y[k]
        gx, gy, qa = _links(k, xk, yk, x, y, indptr, indices, data, a)
        q += qa
        own = rank[k]
        stack[0] = 0
        top = 1
        while top > 0:
            top -= 1
            node = stack[top]
            inside = lo[node] <= own < hi[node]
            if not inside:
                dx = xk - comx[node]
                dy = yk - comy[node]
                d2 = dx * dx + dy * dy
                if width[node] * width[node] < theta2 * d2:
                    m = hi[node] - lo[node]
                    b, qv = _pair(d2, a, r, eps)
                    gx += m * b * dx
                    gy += m * b * dy
                    qall += m * qv
                    continue
            if count[node] == 0:
                for s in range(lo[node], hi[node]):
                    j = sorted_nodes[s]
                    if j != k:
                        dx = xk - x[j]
                        dy = yk - y[j]
                        b, qv = _pair(dx * dx + dy * dy, a, r, eps)
                        gx += b * dx
                        gy += b * dy
                        qall += qv
            else:
                for c in range(count[node]):
                    stack[top] = first[node] + c
                    top += 1
        _move(x, y, k, gx, gy, step)
    return q + 0.5 * qall  # every all-pairs term was seen from both ends


# -- drivers ------------------------------------------------------------------------------------
@jit
def improve(x, y, order, indptr, indices, data, a, r, eps, step, min_step, reduction, required, max_iter, theta, leaf):
    """VOSviewer's gradient descent (reference 5.3) on ``x``, ``y`` in place.

    ``theta = 0`` sweeps exactly; ``theta > 0`` uses Barnes-Hut cells with leaves of at most
    ``leaf`` points. The step grows (``/ reduction``) after ``required`` successive
    decreases of the objective and shrinks (``* reduction``) otherwise; the run stops after
    ``max_iter`` sweeps or when the step falls below ``min_step``.

    Returns
    -------
    (float, int)
        Objective of the last sweep and the number of sweeps.
    """
    q = inf
    improvements = 0
    it = 0
    while it < max_iter and step >= min_step:
        old = q
        if theta > 0:
            q = _sweep_barnes_hut(x, y, order, indptr, indices, data, a, r, eps, step, theta, leaf)
        else:
            q = _sweep_exact(x, y, order, indptr, indices, data, a, r, eps, step)
        if q < old:
            improvements += 1
            if improvements >= required:
                step /= reduction
                improvements = 0
        else:
            step *= reduction
            improvements = 0
        it += 1
    return q, it


@jit
def objective(x, y, indptr, indices, data, a, r, eps):
    """Exact VOS objective (reference 5.1) of fixed positions, each pair once."""
    n = len(x)
    q = 0.0
    for k in range(n):
        _, _, qa = _links(k, x[k], y[k], x, y, indptr, indices, data, a)
        _, _, qo = _others(k, x[k], y[k], x, y, k + 1, n, a, r, eps, True)
        q += qa + qo
    return q


@jit
def mean_distance(x, y):
    """Mean Euclidean distance over all pairs of points."""
    n = len(x)
    total = 0.0
    for k in range(n):
        row = 0.0
        for j in range(k + 1, n):
            dx = x[k] - x[j]
            dy = y[k] - y[j]
            row += sqrt(dx * dx + dy * dy)
        total += row
    return total / (n * (n - 1) / 2) if n > 1 else 0.0
