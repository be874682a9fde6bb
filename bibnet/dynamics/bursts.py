"""Kleinberg's burst detection of keywords counted per year, vectorised over keywords.

The two-state automaton for batched arrivals of Kleinberg [1]_, section 4 "Enumerating bursts",
as CiteSpace uses it for its "keywords with the strongest bursts" (s = 2, gamma = 1).

Definitions
-----------
``r[k, t]`` documents of year ``t`` with keyword ``k``; ``d[t]`` documents of year ``t``;
``T`` years; ``D = sum_t d[t]``.

- Rates: base ``p0[k] = sum_t r[k, t] / D``; burst ``p1[k] = min(s * p0[k], 1 - 1/(2 D))``.
  The cap keeps ``p1 < 1`` (at ``p1 = 1`` a year where some document lacks the keyword would
  cost infinity in state 1). It lies halfway between 1 and ``1 - 1/D``, the largest base rate
  of a keyword missing from at least one document, so ``p0 < p1 < 1`` whenever ``0 < p0 < 1``,
  with no constant to choose: a fixed cap such as the 0.99999 of the ``burst_detection``
  package falls below ``p0`` for a keyword missing from fewer than 1 in 100,000 documents, and
  state 1 would then model a drop. The cap only acts when ``s * p0`` nears 1 (keywords in more
  than about 1/s of all documents). A keyword with ``p0 = 0`` or ``p0 = 1`` has no burst.
- Cost of state ``i`` in year ``t``: ``sigma(i, r, d) = -ln[C(d, r) p_i^r (1 - p_i)^(d - r)]``,
  0 in both states when ``d[t] = 0``. ``C(d, r)`` is the same in both states, so it adds the same
  amount to every state sequence and is dropped.
- Transition cost ``tau(i -> j) = (j - i) gamma ln T`` for ``j > i``, else 0. The automaton is in
  state 0 before the first year: being in state 1 in year 0 costs ``tau(0 -> 1)``.
- The optimal state sequence minimises ``sum sigma + sum tau`` (Viterbi). Ties: when both
  predecessors of a state cost the same, state 0 is taken, and the sequence ends in state 0
  when both states cost the same in the last year. Among equally cheap sequences this gives
  the one with state 0 in the latest years (the smallest read from the last year backwards):
  a year without documents just before or after a burst is left out of it, and with
  ``gamma = 0`` a year is bursting exactly when state 1 is strictly cheaper.
- A burst is a maximal run of years in state 1. Its strength (Kleinberg's weight, CiteSpace's
  "Strength") is the sum over its years of ``sigma(0, r, d) - sigma(1, r, d)
  = r ln(p1/p0) + (d - r) ln((1 - p1)/(1 - p0))``.

The recursion runs on the costs 0 (state 0) and ``-(sigma(0) - sigma(1))`` (state 1): taking
``sigma(0, r_t, d_t)`` off both states of year ``t`` shifts every sequence by the same amount.
A year whose two costs differ by less than their rounding (1e-12 of the gain's two terms) is
a tie. The recursion loops over the years only, each step over all keywords at once.

References
----------
.. [1] J. Kleinberg, "Bursty and hierarchical structure in streams", Proc. 8th ACM SIGKDD
   (2002), 91-101; Data Mining and Knowledge Discovery 7 (2003), 373-397.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from bibnet.errors import OptionError

__all__ = ["burst_states", "find_bursts"]


def _first(mask: np.ndarray) -> tuple[int, ...]:
    """Index of the first True of ``mask`` (row-major)."""
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(mask)), mask.shape))


def _checked(counts: npt.ArrayLike | sp.spmatrix | sp.sparray, totals: npt.ArrayLike,
             s: float, gamma: float) -> tuple[np.ndarray, np.ndarray]:
    """``counts`` and ``totals`` as float arrays (K x T, T), after checking them and s, gamma."""
    if not s > 1:
        raise OptionError(f"burst rate ratio s must be > 1, got {s}")
    if not 0 <= gamma < math.inf:
        raise OptionError(f"transition cost gamma must be a finite number >= 0, got {gamma}")
    r = np.asarray(counts.toarray() if sp.issparse(counts) else counts, dtype=np.float64)  # type: ignore[union-attr]
    d = np.asarray(totals, dtype=np.float64)
    if r.ndim != 2:
        raise OptionError(f"counts must be a matrix of keywords x years, got shape {r.shape}")
    if d.ndim != 1:
        raise OptionError(f"totals must be a vector of one total a year, got shape {d.shape}")
    if r.shape[1] != d.shape[0]:
        raise OptionError(f"counts has {r.shape[1]} years (columns) but totals has {d.shape[0]}")
    bad = ~(d >= 0) | (d != np.floor(d))  # NaN and infinity too
    if bad.any():
        (t,) = _first(bad)
        raise OptionError(f"totals must be non-negative integers: year {t} has {d[t]:.15g}")
    bad = ~(r >= 0) | (r != np.floor(r))
    if bad.any():
        k, t = _first(bad)
        raise OptionError(f"counts must be non-negative integers: row {k}, year {t} has {r[k, t]:.15g}")
    above = r > d
    if above.any():
        k, t = _first(above)
        raise OptionError(f"count {r[k, t]:.15g} of row {k} in year {t} is above that year's total {d[t]:.15g}")
    return r, d


def _gains(r: np.ndarray, d: np.ndarray, s: float) -> np.ndarray:
    """``sigma(0) - sigma(1)`` for every keyword and year (K x T); 0 for keywords without bursts."""
    total = d.sum(dtype=np.float64)  # numpy scalar: 0 for T = 0 divides quietly
    hits = r.sum(axis=1)
    active = (hits > 0) & (hits < total)  # 0 < p0 < 1
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        p0 = hits / total
        capped = s * hits >= total - 0.5  # s p0 >= 1 - 1/(2D)
        p1 = np.where(capped, 1 - 0.5 / total, s * p0)
        q1 = np.where(capped, 0.5 / total, 1 - s * p0)  # 1 - p1
        a = np.where(active, np.log(p1) - np.log(p0), 0.0)
        b = np.where(active, np.log(q1) - np.log((total - hits) / total), 0.0)
    gain = d - r
    gain *= b[:, None]  # <= 0
    found = r * a[:, None]  # >= 0
    tie = np.abs(gain + found) <= 1e-12 * (found - gain)  # equal costs, to rounding: a tie, gain 0
    gain += found
    gain[tie] = 0.0
    return gain


def _viterbi(gain: np.ndarray, tau: float) -> np.ndarray:
    """Optimal states (bool K x T) with costs 0 (state 0) and ``-gain`` (state 1) per year."""
    k, n = gain.shape
    cost1 = np.ascontiguousarray(-gain.T)  # T x K: one contiguous row per year
    from1_to0 = np.empty((n, k), dtype=bool)  # predecessor of state 0 in year t is state 1
    from1_to1 = np.empty((n, k), dtype=bool)  # predecessor of state 1 in year t is state 1
    c0, c1, up = np.zeros(k), np.full(k, np.inf), np.empty(k)  # before year 0: state 0
    for t in range(n):
        np.add(c0, tau, out=up)
        np.less(c1, c0, out=from1_to0[t])  # ties: from state 0
        np.less(c1, up, out=from1_to1[t])
        np.minimum(c1, up, out=up)
        np.minimum(c0, c1, out=c0)
        np.add(up, cost1[t], out=c1)
    states = np.empty((n, k), dtype=bool)
    q = c1 < c0  # ties: end in state 0
    for t in range(n - 1, -1, -1):
        states[t] = q
        q = np.where(q, from1_to1[t], from1_to0[t])
    return np.ascontiguousarray(states.T)


def _prepare(counts: npt.ArrayLike | sp.spmatrix | sp.sparray, totals: npt.ArrayLike,
             s: float, gamma: float) -> tuple[np.ndarray, np.ndarray]:
    """Gains (K x T) and optimal states (bool K x T)."""
    r, d = _checked(counts, totals, s, gamma)
    gain = _gains(r, d, s)
    return gain, _viterbi(gain, gamma * math.log(max(d.shape[0], 1)))  # tau = gamma ln T


def burst_states(counts: npt.ArrayLike | sp.spmatrix | sp.sparray, totals: npt.ArrayLike, *,
                 s: float = 2.0, gamma: float = 1.0) -> np.ndarray:
    """Years in which each keyword is in its burst state, per Kleinberg's two-state automaton.

    Parameters
    ----------
    counts : array_like or scipy.sparse matrix, K x T
        ``counts[k, t]``: number of documents of year ``t`` with keyword ``k`` (integers >= 0).
    totals : array_like, length T
        ``totals[t]``: number of documents of year ``t``; at least every count of that year.
    s : float
        Ratio of the burst rate to the base rate, > 1.
    gamma : float
        Cost of entering the burst state, in units of ``ln T``, >= 0.

    Returns
    -------
    numpy.ndarray
        Bool, K x T: True where the optimal state sequence is in the burst state.

    Raises
    ------
    bibnet.errors.OptionError
        For s <= 1, gamma < 0, a count or total that is not a non-negative integer, a count
        above its year's total, or counts and totals of different numbers of years.
    """
    return _prepare(counts, totals, s, gamma)[1]


def find_bursts(counts: npt.ArrayLike | sp.spmatrix | sp.sparray, totals: npt.ArrayLike, *,
                s: float = 2.0, gamma: float = 1.0) -> pd.DataFrame:
    """Every burst of every keyword: maximal runs of years in the burst state, with strengths.

    Parameters are those of :func:`burst_states`, which raises the same errors.

    Returns
    -------
    pandas.DataFrame
        One row per burst, sorted by ``row`` then ``start``: ``row`` (int64, the keyword's row in
        ``counts``), ``start`` and ``end`` (int64, first and last year index, inclusive) and
        ``strength`` (float64, the sum over its years of ``sigma(0) - sigma(1)``). No rows when
        there is no burst.
    """
    gain, states = _prepare(counts, totals, s, gamma)
    padded = np.zeros((states.shape[0], states.shape[1] + 2), dtype=bool)  # state 0 before and after
    padded[:, 1:-1] = states
    rows, starts = np.nonzero(states & ~padded[:, :-2])  # row-major: sorted by row, then start
    ends = np.nonzero(states & ~padded[:, 2:])[1]  # same order: run by run
    strength = np.empty(0)
    if rows.size:  # each sum runs to the next burst's start, over zeros outside bursts
        strength = np.add.reduceat(np.where(states, gain, 0.0).ravel(), rows * states.shape[1] + starts)
    return pd.DataFrame({"row": rows.astype(np.int64), "start": starts.astype(np.int64),
                         "end": ends.astype(np.int64), "strength": strength.astype(np.float64)})
