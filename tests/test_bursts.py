"""Kleinberg burst detection (bibnet.dynamics.bursts): a worked example, a brute force over all
state sequences written from Kleinberg's definitions, and the edge cases."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from bibnet.dynamics.bursts import burst_states, find_bursts
from bibnet.errors import OptionError

pytestmark = pytest.mark.filterwarnings("error")  # no division-by-zero or log(0) warning anywhere

COLUMNS = ["row", "start", "end", "strength"]
DTYPES = [np.dtype(np.int64)] * 3 + [np.dtype(np.float64)]


# ---- reference: Kleinberg (2002) section 4, written from the definitions, one keyword -----------

def ref_rates(r: list[int], d: list[int], s: float) -> tuple[float, float]:
    """p0 = sum r / sum d; p1 = min(s p0, 1 - 1/(2D)) (the module's cap); both 0 when D = 0."""
    big_d = sum(d)
    if big_d == 0:
        return 0.0, 0.0
    p0 = sum(r) / big_d
    return p0, min(s * p0, 1 - 1 / (2 * big_d))


def ref_sigma(p: float, r: int, d: int) -> float:
    """sigma = -ln[C(d, r) p^r (1 - p)^(d - r)] with the binomial coefficient; 0 when d = 0."""
    if d == 0:
        return 0.0
    ln_binomial = math.lgamma(d + 1) - math.lgamma(r + 1) - math.lgamma(d - r + 1)
    ln_hits = r * math.log(p) if r else 0.0
    ln_misses = (d - r) * math.log(1 - p) if d - r else 0.0
    return -(ln_binomial + ln_hits + ln_misses)


def ref_costs(r: list[int], d: list[int], s: float, gamma: float) -> dict[tuple[int, ...], float]:
    """Cost sum sigma + sum tau of every one of the 2^T state sequences (state 0 before year 0)."""
    n = len(d)
    rates = ref_rates(r, d, s)
    tau = gamma * math.log(n)
    sigma = [[ref_sigma(rates[i], r[t], d[t]) for t in range(n)] for i in (0, 1)]
    costs = {}
    for seq in itertools.product((0, 1), repeat=n):
        cost, prev = 0.0, 0
        for t, i in enumerate(seq):
            cost += sigma[i][t] + ((i - prev) * tau if i > prev else 0.0)
            prev = i
        costs[seq] = cost
    return costs


def optimal(costs: dict[tuple[int, ...], float]) -> list[tuple[int, ...]]:
    """The sequences within rounding (1e-9 relative) of the least cost."""
    best = min(costs.values())
    return [seq for seq, c in costs.items() if c - best <= 1e-9 * max(1.0, abs(best))]


def random_matrix(rng: np.random.Generator, k: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """k keywords over n years: totals 0-60 (some years empty), rates 0-0.5, some tripled."""
    d = rng.integers(0, 61, n)
    d[rng.random(n) < 0.15] = 0
    rate = rng.uniform(0, 0.5, (k, 1)) * np.where(rng.random((k, n)) < 0.2, 3.0, 1.0)
    r = rng.binomial(np.broadcast_to(d, (k, n)), np.minimum(rate, 1.0))
    r[rng.random(k) < 0.05] = 0  # keywords that never occur
    return r, d


# ---- 1. worked by hand ---------------------------------------------------------------------------

def test_worked_example_by_hand() -> None:
    """d = 10 documents a year for T = 5 years; r = 1, 1, 4, 4, 0; s = 2, gamma = 1.

    p0 = 10 / 50 = 0.2, p1 = 0.4 (below the cap 1 - 1/100); tau(0 -> 1) = ln 5 = 1.6094379124.
    sigma(0, 1, 10) = -ln(10 * 0.2 * 0.8^9)        = -ln 0.268435456 = 1.3151447813
    sigma(1, 1, 10) = -ln(10 * 0.4 * 0.6^9)        = -ln 0.040310784 = 3.2111362528
    sigma(0, 4, 10) = -ln(210 * 0.2^4 * 0.8^6)     = -ln 0.088080384 = 2.4295054269
    sigma(1, 4, 10) = -ln(210 * 0.4^4 * 0.6^6)     = -ln 0.250822656 = 1.3830091394
    sigma(0, 0, 10) = -ln 0.8^10 = 2.2314355131;  sigma(1, 0, 10) = -ln 0.6^10 = 5.1082562377
    Path costs:
      00000: 2(1.3151447813) + 2(2.4295054269) + 2.2314355131          = 9.7207359295
      00110: 2(1.3151447813) + 1.6094379124 + 2(1.3830091394) + 2.2314355131 = 9.2371812669  (least)
      00100 and 00010: 10.2836775544;  01110: 11.1331727384;  00111: 12.1140019914
    (the test below checks all 32 by enumeration). The burst is years 2-3, strength
    2 (2.4295054269 - 1.3830091394) = 2.0929925751 = 8 ln 2 + 12 ln(3/4): in each year
    4 ln(0.4/0.2) + 6 ln(0.6/0.8), the binomial coefficient cancelling.
    """
    counts, totals = np.array([[1, 1, 4, 4, 0]]), np.array([10] * 5)
    costs = ref_costs([1, 1, 4, 4, 0], [10] * 5, 2.0, 1.0)
    assert costs[(0, 0, 1, 1, 0)] == pytest.approx(9.2371812669, abs=1e-10)
    assert costs[(0, 0, 0, 0, 0)] == pytest.approx(9.7207359295, abs=1e-10)
    assert optimal(costs) == [(0, 0, 1, 1, 0)]

    assert burst_states(counts, totals).tolist() == [[False, False, True, True, False]]
    bursts = find_bursts(counts, totals)
    assert bursts[["row", "start", "end"]].to_numpy().tolist() == [[0, 2, 3]]
    strength = bursts["strength"].iloc[0]
    assert strength == pytest.approx(8 * math.log(2) + 12 * math.log(3 / 4), rel=1e-12, abs=0)
    assert strength == pytest.approx(2.0929925751, abs=1e-10)


# ---- 2. brute force over every state sequence ------------------------------------------------

def test_brute_force_over_all_state_sequences() -> None:
    """400 random series (T = 1-10, some empty years, some capped p1): the cost of the module's
    sequence, by the reference (binomial coefficient included, so it is shown to cancel), is
    the least of all 2^T, and the sequence is the optimum (or the tie rule's among tied optima)."""
    rng = np.random.default_rng(2002)
    unique = bursting = capped = 0
    for case in range(400):
        n = int(rng.integers(1, 11))
        s = [1.5, 2.0, 3.0][case % 3]
        gamma = [0.0, 0.5, 1.0, 2.0][case % 4]
        r_mat, d_arr = random_matrix(rng, 1, n)
        r, d = r_mat[0].tolist(), d_arr.tolist()
        costs = ref_costs(r, d, s, gamma)
        best = optimal(costs)
        got = tuple(int(x) for x in burst_states(r_mat, d_arr, s=s, gamma=gamma)[0])
        assert costs[got] == pytest.approx(min(costs.values()), rel=1e-9, abs=1e-9), (r, d, s, gamma)
        # the optimum when it is unique; among tied optima (years without documents, gamma = 0,
        # keywords that never occur) the tie rule's: the smallest read from the last year back
        assert got == min(best, key=lambda seq: seq[::-1]), (r, d, s, gamma)
        unique += len(best) == 1
        bursting += any(got)
        capped += sum(d) > 0 and s * sum(r) / sum(d) >= 1
    assert unique > 250 and bursting > 150 and capped > 80  # the cases test something (288, 187, 108)


# ---- 3. vectorised equals one keyword at a time --------------------------------------------

def test_all_keywords_at_once_equal_one_at_a_time() -> None:
    r, d = random_matrix(np.random.default_rng(7), 200, 15)
    together = find_bursts(r, d)
    alone = pd.concat([find_bursts(r[k:k + 1], d).assign(row=k) for k in range(200)], ignore_index=True)
    pd.testing.assert_frame_equal(together, alone, check_exact=True)
    assert len(together) > 50 and together["row"].nunique() > 40
    states = burst_states(r, d)
    assert all((states[k] == burst_states(r[k:k + 1], d)[0]).all() for k in range(200))


# ---- 4. input forms and edge cases -----------------------------------------------------------

@pytest.mark.parametrize("to_sparse", [sp.csr_matrix, sp.csc_matrix, sp.coo_matrix, sp.csr_array])
def test_sparse_equals_dense(to_sparse: type) -> None:
    r, d = random_matrix(np.random.default_rng(11), 60, 12)
    pd.testing.assert_frame_equal(find_bursts(to_sparse(r), d), find_bursts(r, d), check_exact=True)
    assert (burst_states(to_sparse(r), d) == burst_states(r, d)).all()


def test_zero_total_years_and_ties() -> None:
    """A year without documents costs 0 in both states: next to a burst it ties, and the tie rule
    (state 0 wherever the cost is the same) leaves it out; inside a burst, with gamma > 0, it
    avoids a second tau and joins the burst, adding nothing to the strength."""
    d, r = [100, 0, 100, 100, 0, 100, 100, 100], [1, 0, 20, 20, 0, 1, 1, 1]
    tied = optimal(ref_costs(r, d, 2.0, 1.0))
    assert tied == [(0, 0, 1, 1, 0, 0, 0, 0), (0, 0, 1, 1, 1, 0, 0, 0), (0, 1, 1, 1, 0, 0, 0, 0),
                    (0, 1, 1, 1, 1, 0, 0, 0)]
    assert burst_states([r], d).tolist() == [[False, False, True, True, False, False, False, False]]

    d, r = [100, 100, 100, 0, 100, 100, 100, 100], [1, 1, 20, 0, 20, 1, 1, 1]
    gain_20 = 20 * math.log(2) + 80 * math.log(610 / 655)  # p0 = 45/700, p1 = 90/700; r = 20 of d = 100
    assert optimal(ref_costs(r, d, 2.0, 1.0)) == [(0, 0, 1, 1, 1, 0, 0, 0)]
    one = find_bursts([r], d)
    assert one[["row", "start", "end"]].to_numpy().tolist() == [[0, 2, 4]]
    assert one["strength"].iloc[0] == pytest.approx(2 * gain_20, rel=1e-12)
    assert len(optimal(ref_costs(r, d, 2.0, 0.0))) == 2  # with gamma = 0 the empty year ties
    two = find_bursts([r], d, gamma=0.0)
    assert two[["row", "start", "end"]].to_numpy().tolist() == [[0, 2, 2], [0, 4, 4]]
    assert two["strength"].tolist() == pytest.approx([gain_20, gain_20], rel=1e-12)

    # every year empty, or no year at all
    assert burst_states(np.zeros((2, 4)), [0, 0, 0, 0]).tolist() == [[False] * 4] * 2
    for counts, totals in [(np.zeros((2, 4)), [0] * 4), (np.zeros((3, 0)), []), (np.zeros((0, 5)), [9] * 5)]:
        empty = find_bursts(counts, totals)
        assert list(empty.columns) == COLUMNS and empty.dtypes.tolist() == DTYPES and len(empty) == 0
    assert burst_states(np.zeros((3, 0)), []).shape == (3, 0)
    assert burst_states(np.zeros((0, 5)), [9] * 5).shape == (0, 5)


def test_keyword_in_no_document_or_in_every_document_has_no_burst() -> None:
    d = [3, 5, 0, 2, 8]
    counts = np.array([[0, 0, 0, 0, 0], d, [0, 0, 0, 0, 8]])  # p0 = 0; p0 = 1; a real burst
    for gamma in (0.0, 1.0):
        assert find_bursts(counts, d, gamma=gamma)["row"].tolist() == [2]
        assert not burst_states(counts, d, gamma=gamma)[:2].any()


def test_burst_rate_capped_below_one() -> None:
    """s p0 >= 1: p1 = 1 - 1/(2D), between p0 and 1."""
    # d = 4 a year, r = 4, 4, 1, 4: p0 = 13/16, s p0 = 1.625, p1 = 31/32; tau = ln 4 = 1.3863.
    # Gains: 4 ln((31/32)/(13/16)) = 4 ln(31/26) = 0.7036 per full year; the year with r = 1 has
    # ln(31/26) + 3 ln((1/32)/(3/16)) = -5.1994. Years 0-1: 1.4071 > tau, a burst; year 3 alone not.
    bursts = find_bursts([[4, 4, 1, 4]], [4, 4, 4, 4])
    assert bursts[["row", "start", "end"]].to_numpy().tolist() == [[0, 0, 1]]
    assert bursts["strength"].iloc[0] == pytest.approx(8 * math.log(31 / 26), rel=1e-12)
    assert optimal(ref_costs([4, 4, 1, 4], [4, 4, 4, 4], 2.0, 1.0)) == [(1, 1, 0, 0)]
    # s p0 exactly 1 (where p1 = s p0 = 1 would make year 1 infinitely costly): p1 = 7/8
    bursts = find_bursts([[2, 0]], [2, 2])
    assert bursts[["start", "end"]].to_numpy().tolist() == [[0, 0]]
    assert bursts["strength"].iloc[0] == pytest.approx(2 * math.log(7 / 4), rel=1e-12)
    # missing from 1 of 150,000 documents: p0 = 1 - 1/150000 < p1 = 1 - 1/300000 (a fixed cap such as
    # 0.99999 would be below p0), so with gamma = 0 the two full years are bursting
    bursts = find_bursts([[50000, 50000, 49999]], [50000] * 3, gamma=0.0)
    assert bursts[["start", "end"]].to_numpy().tolist() == [[0, 1]]
    expected = 2 * 50000 * (math.log1p(-1 / 300000) - math.log1p(-1 / 150000))
    assert bursts["strength"].iloc[0] == pytest.approx(expected, rel=1e-8)


def test_gamma_zero_bursts_exactly_where_state_one_is_cheaper() -> None:
    """Strictly: a year whose two costs are equal (here to 1e-9) is a tie, in state 0."""
    r, d = random_matrix(np.random.default_rng(3), 40, 12)
    expected = np.zeros(r.shape, dtype=bool)
    ties = 0
    for k in range(40):
        p0, p1 = ref_rates(r[k].tolist(), d.tolist(), 2.0)
        for t in range(12):
            cost0, cost1 = ref_sigma(p0, r[k, t], d[t]), ref_sigma(p1, r[k, t], d[t])
            expected[k, t] = 0 < p0 < 1 and cost1 < cost0 - 1e-9
            ties += d[t] > 0 and 0 < p0 < 1 and abs(cost1 - cost0) <= 1e-9
    got = burst_states(r, d, gamma=0.0)
    assert (got == expected).all()
    assert 20 < got.sum() < got.size - 100 and ties == 1  # row 26 (p0 = 1/3, p1 = 2/3), year 8: r = 1 of d = 2

    # p0 = 2/6, p1 = 2/3: year 0 (r = 1 of 2) costs -ln(2 (1/3)(2/3)) in both states, a tie; year 1 is
    # cheaper in state 0. In floating point the two costs of year 0 may differ in the last bit.
    assert ref_sigma(1 / 3, 1, 2) == pytest.approx(ref_sigma(2 / 3, 1, 2), rel=1e-15)
    assert burst_states([[1, 1]], [2, 4], gamma=0.0).tolist() == [[False, False]]


@pytest.mark.parametrize(("counts", "totals", "options", "message"), [
    ([[1]], [2], {"s": 0.5}, "burst rate ratio s must be > 1, got 0.5"),
    ([[1]], [2], {"s": 1}, "burst rate ratio s must be > 1, got 1"),
    ([[1]], [2], {"s": math.nan}, "burst rate ratio s must be > 1, got nan"),
    ([[1]], [2], {"gamma": -1.0}, "transition cost gamma must be a finite number >= 0, got -1.0"),
    ([[1]], [2], {"gamma": math.inf}, "transition cost gamma must be a finite number >= 0, got inf"),
    ([[1, 0], [0, -1]], [5, 5], {}, "counts must be non-negative integers: row 1, year 1 has -1"),
    (sp.csr_matrix([[0, 0], [-2, 1]]), [5, 5], {}, "counts must be non-negative integers: row 1, year 0 has -2"),
    ([[0, 1.5]], [5, 5], {}, "counts must be non-negative integers: row 0, year 1 has 1.5"),
    ([[1, 1]], [5, -1], {}, "totals must be non-negative integers: year 1 has -1"),
    ([[1, 2, 3], [0, 1, 1]], [5, 5], {}, "counts has 3 years (columns) but totals has 2"),
    ([[1, 2, 3], [0, 1234567, 1]], [5, 5, 5], {}, "count 1234567 of row 1 in year 1 is above that year's total 5"),
    ([1, 2, 3], [5, 5, 5], {}, "counts must be a matrix of keywords x years, got shape (3,)"),
    ([[1, 2]], [[5, 5]], {}, "totals must be a vector of one total a year, got shape (1, 2)"),
])
def test_errors(counts: Any, totals: Any, options: dict[str, float], message: str) -> None:
    for function in (find_bursts, burst_states):
        with pytest.raises(OptionError) as caught:
            function(counts, totals, **options)
        assert str(caught.value) == message


# ---- 5. constructed series -------------------------------------------------------------------

def test_obvious_burst_found_at_its_years() -> None:
    counts = np.array([[1, 1, 1, 1, 1, 20, 20, 20, 1, 1, 1, 1]])  # 1 per 100, then 20 per 100
    bursts = find_bursts(counts, [100] * 12)
    assert bursts[["row", "start", "end"]].to_numpy().tolist() == [[0, 5, 7]]
    assert burst_states(counts, [100] * 12)[0].nonzero()[0].tolist() == [5, 6, 7]


def test_constant_rate_has_no_burst() -> None:
    totals = np.array([100, 200, 400, 800, 1600, 3200, 40, 100])
    counts = np.vstack([np.full(8, 3) * totals // 100, totals // 20, totals // 2])  # 3 %, 5 %, 50 % every year
    for gamma in (0.0, 1.0):
        none = find_bursts(counts, totals, gamma=gamma)
        assert len(none) == 0 and list(none.columns) == COLUMNS and none.dtypes.tolist() == DTYPES
