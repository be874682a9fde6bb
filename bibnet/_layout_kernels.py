"""Compiled kernels of the VOS layout (numba); :mod:`bibnet.layout` is the API.

The layout is the one stage whose cost grows as n^2 per iteration, so its inner loops are
compiled (see :mod:`bibnet._numba` for where the compiled code is cached). They stay in one
file because numba's cache checks only the file of a cached function, not of its helpers.

Notation (reference 5.1): ``f_p(d) = d**p / p`` for ``p != 0`` and ``ln d`` for ``p = 0``;
the gradient of ``f_p(|x_k - x_j|)`` with respect to ``x_k`` is ``d**(p - 2) (x_k - x_j)``.
Distances enter as squared distances ``d2``, so even powers need no square root.

Nodes are swept in index order: :func:`bibnet.layout.layout` relabels them into the random
order VOSviewer draws (reference 5.3), so that a pair enters the objective when its first
node is visited, before either has moved, as in VOSviewer's sweep: each sweep returns the
objective of the layout it started from.

For several thousand items the Barnes-Hut sweep takes the all-pairs terms of a point and a
distant cell of points from the cell's centre of mass and moments: fourth order for the
logarithmic repulsion of keyword maps. The objective that steers the step size is then
within about 1e-4 of the exact one; from the centre of mass alone it was off by 1e-2 on a
converged map, and the step shrank too early.
"""

from __future__ import annotations

from math import inf, log, sqrt

import numpy as np

from bibnet._numba import helper, jit

#: Quadtree depth: cells of 1/65536 of the bounding box; closer points share a leaf.
_LEVELS = 16
#: Columns of a cell's moments: i2 = sum |delta|**2, then a_2, a_3, a_4 (real, imaginary).
_MOMENTS = 7


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
def _pair_force(d2, a, r, eps):
    """Gradient factor of one all-pairs term ``eps f_a(d) - f_r(d)`` (Barnes-Hut leaves)."""
    if a == 2 and r == 0:  # the keyword-map default, without the general power's branches
        return eps - 1.0 / d2
    b = -_dpow(d2, r - 2)
    if eps > 0:
        b += eps * _dpow(d2, a - 2)
    return b


@helper
def _pair_value(d2, a, r, eps):
    """Objective of one all-pairs term ``eps f_a(d) - f_r(d)`` (Barnes-Hut leaves)."""
    q = -_f(d2, r)
    if eps > 0:
        q += eps * _f(d2, a)
    return q


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


# -- a cell of points, for the Barnes-Hut sweep ---------------------------------------------
# A cell holds m points at c + delta_j (c their centre of mass, so sum delta_j = 0). With
# w = x_k - c as a complex number, its moments a_p = sum delta_j**p (a_2 to a_4) and
# i2 = sum |delta_j|**2, the cell's sum of f_p(|w - delta_j|) is expanded in delta / w.


@helper
def _power_sum(wx, wy, d2, p, m, i2, a2r, a2i):
    """Sum of ``f_p`` over a cell to second order (quadrupole), and its gradient in ``w``.

    With ``R = Re(a_2 * conj(w)**2)`` the second-order term is
    ``d**(p - 4) * (p * i2 * d**2 + (p - 2) * R) / 4``; for ``p = 2`` it is exact.
    """
    b = _dpow(d2, p - 2)
    e = _dpow(d2, p - 4)
    big_r = a2r * (wx * wx - wy * wy) + 2.0 * a2i * wx * wy
    q = m * _f(d2, p) + 0.25 * e * (p * i2 * d2 + (p - 2) * big_r)
    h = m * b + 0.25 * e * (p - 2) * (p * i2 + (p - 4) * big_r / d2)
    gx = h * wx + 0.5 * (p - 2) * e * (a2r * wx + a2i * wy)
    gy = h * wy + 0.5 * (p - 2) * e * (a2i * wx - a2r * wy)
    return gx, gy, q


@helper
def _log_sum(wx, wy, d2, m, moments):
    """Sum of ``ln |w - delta_j|`` over a cell to fourth order, and its gradient in ``w``.

    The sum is ``Re(m ln w - sum_p a_p / (p w**p))``; with ``u = 1 / w`` its gradient is
    ``(Re, -Im)`` of ``m u + sum_p a_p u**(p + 1)``.
    """
    ur = wx / d2
    ui = -wy / d2
    u2r, u2i = ur * ur - ui * ui, 2.0 * ur * ui
    u3r, u3i = u2r * ur - u2i * ui, u2r * ui + u2i * ur
    u4r, u4i = u2r * u2r - u2i * u2i, 2.0 * u2r * u2i
    u5r, u5i = u4r * ur - u4i * ui, u4r * ui + u4i * ur
    a2r, a2i, a3r, a3i, a4r, a4i = moments[1], moments[2], moments[3], moments[4], moments[5], moments[6]
    q = 0.5 * m * log(d2) - (a2r * u2r - a2i * u2i) / 2.0 - (a3r * u3r - a3i * u3i) / 3.0 - (a4r * u4r - a4i * u4i) / 4.0
    fr = m * ur + (a2r * u3r - a2i * u3i) + (a3r * u4r - a3i * u4i) + (a4r * u5r - a4i * u5i)
    fi = m * ui + (a2r * u3i + a2i * u3r) + (a3r * u4i + a3i * u4r) + (a4r * u5i + a4i * u5r)
    return fr, -fi, q


@helper
def _cell(wx, wy, m, moments, a, r, eps):
    """Gradient and objective of the all-pairs terms between a point and a distant cell.

    ``moments`` is the cell's row ``(i2, a2r, a2i, a3r, a3i, a4r, a4i)``. The repulsion is
    expanded to fourth order for ``r = 0`` (the keyword-map default), to second order
    otherwise; the ``eps`` attraction is exact for ``a = 2``, else to second order.
    """
    d2 = wx * wx + wy * wy
    if r == 0:
        gx, gy, q = _log_sum(wx, wy, d2, m, moments)
    else:
        gx, gy, q = _power_sum(wx, wy, d2, r, m, moments[0], moments[1], moments[2])
    gx, gy, q = -gx, -gy, -q
    if eps > 0:
        if a == 2:
            ax, ay, aq = m * wx, m * wy, 0.5 * (m * d2 + moments[0])
        else:
            ax, ay, aq = _power_sum(wx, wy, d2, a, m, moments[0], moments[1], moments[2])
        gx += eps * ax
        gy += eps * ay
        q += eps * aq
    return gx, gy, q


# -- sweeps -------------------------------------------------------------------------------------
@helper
def _sweep_exact(x, y, indptr, indices, data, a, r, eps, step):
    """One Gauss-Seidel sweep in index order; returns the objective at its start.

    Node ``k`` adds its pairs with the nodes after it, which have not moved yet, before it
    moves itself: each pair once, at the start positions.
    """
    n = len(x)
    q = 0.0
    for k in range(n):
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
def _moments(x, y, sorted_nodes, lo, hi, comx, comy):
    """Each quadtree node's moments about its centre of mass (columns as :data:`_MOMENTS`)."""
    moments = np.zeros((len(lo), _MOMENTS))
    for node in range(len(lo)):
        row = moments[node]
        for s in range(lo[node], hi[node]):
            j = sorted_nodes[s]
            dr = x[j] - comx[node]
            di = y[j] - comy[node]
            sr, si = dr * dr - di * di, 2.0 * dr * di  # delta**2
            row[0] += dr * dr + di * di
            row[1] += sr
            row[2] += si
            row[3] += sr * dr - si * di
            row[4] += sr * di + si * dr
            row[5] += sr * sr - si * si
            row[6] += 2.0 * sr * si
    return moments


@helper
def _sweep_barnes_hut(x, y, indptr, indices, data, a, r, eps, step, theta, leaf):
    """One Gauss-Seidel sweep in index order, distant cells taken by their moments.

    The tree is built from the positions at the start of the sweep; points in opened leaves
    move the gradient from where they are now. A cell is taken whole when its side is below
    ``theta`` times its distance, and never when it holds ``k`` itself. Returns the objective
    at the start of the sweep, as :func:`improve` needs it: every term
    is taken at the start positions (those of points already moved are kept in ``x0``, ``y0``).
    """
    sorted_nodes, rank, lo, hi, first, count, width, comx, comy = _quadtree(x, y, leaf)
    moments = _moments(x, y, sorted_nodes, lo, hi, comx, comy)
    x0 = x.copy()
    y0 = y.copy()
    theta2 = theta * theta
    stack = np.empty(4 * (_LEVELS + 2), np.int64)
    q = 0.0
    qall = 0.0
    for k in range(len(x)):
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
            if not lo[node] <= own < hi[node]:
                dx = xk - comx[node]
                dy = yk - comy[node]
                if width[node] * width[node] < theta2 * (dx * dx + dy * dy):
                    cx, cy, qc = _cell(dx, dy, hi[node] - lo[node], moments[node], a, r, eps)
                    gx += cx
                    gy += cy
                    qall += qc
                    continue
            if count[node] == 0:
                for s in range(lo[node], hi[node]):
                    j = sorted_nodes[s]
                    if j != k:
                        dx = xk - x[j]
                        dy = yk - y[j]
                        d2 = dx * dx + dy * dy
                        b = _pair_force(d2, a, r, eps)
                        gx += b * dx
                        gy += b * dy
                        if j < k:  # moved already in this sweep: the objective takes its start
                            dx = xk - x0[j]
                            dy = yk - y0[j]
                            d2 = dx * dx + dy * dy
                        qall += _pair_value(d2, a, r, eps)
            else:
                for c in range(count[node]):
                    stack[top] = first[node] + c
                    top += 1
        _move(x, y, k, gx, gy, step)
    return q + 0.5 * qall  # every all-pairs term was seen from both ends


# -- drivers ------------------------------------------------------------------------------------
@jit
def improve(x, y, indptr, indices, data, a, r, eps, step, min_step, reduction, required, max_iter, theta, leaf):
    """VOSviewer's gradient descent (reference 5.3) on ``x``, ``y`` in place.

    ``theta = 0`` sweeps exactly; ``theta > 0`` uses Barnes-Hut cells with leaves of at most
    ``leaf`` points. Each sweep returns the objective of the layout it started from; when it
    is lower than the previous sweep's, an improvement is counted, and after ``required``
    successive improvements the step grows (``/ reduction``); otherwise the step shrinks
    (``* reduction``) and the count restarts. The run stops after ``max_iter`` sweeps or
    when the step falls below ``min_step``.

    Returns
    -------
    (float, int)
        Objective at the start of the last sweep and the number of sweeps.
    """
    q = inf
    improvements = 0
    it = 0
    while it < max_iter and step >= min_step:
        old = q
        if theta > 0:
            q = _sweep_barnes_hut(x, y, indptr, indices, data, a, r, eps, step, theta, leaf)
        else:
            q = _sweep_exact(x, y, indptr, indices, data, a, r, eps, step)
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
