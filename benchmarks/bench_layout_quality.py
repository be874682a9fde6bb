"""Benchmark: quality and time of the VOS layout, per map size, over many seeds.

Usage: python -m benchmarks.bench_layout_quality [--records 40000] [--sizes 240,1000,5000]
       [--seeds 20] [--jobs 2] [--out benchmarks/RESULTS_LAYOUT.md]

The networks are the top 240 / 1,000 / 5,000 keywords (by total link strength, minimum 4
occurrences) of the 40,000-record synthetic corpus. For each size and seed it runs

- ``auto``: what bibnet does by default (exact up to 2,000 keywords, Barnes-Hut beyond);
- ``exact``: the O(n^2) sweep, VOSviewer's algorithm and stopping rule (reference 5.3; the
  test ``test_descent_is_vosviewers_step_by_step`` checks it against a plain transcription);
- ``approximate``: Barnes-Hut at every size, for the comparison at 240 and 1,000.

Quality and time are reported together: per method, over the seeds, the median, quartiles
and worst of the VOS objective (lower is better) and the median and worst time. Two
objectives: ``V`` of the standardised coordinates (mean distance 1; bibnet's ``quality``) and
``V*``, the objective at the map's best scale (``min_s V(s X)``, the one the descent
minimises, free of how far the scale converged). Seeds run in ``--jobs`` processes at once,
each single-threaded; the machine is shared, so times are indicative.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.stats import mannwhitneyu

METHODS = ("auto", "exact", "approximate")
_NETWORKS: dict[int, sp.csr_matrix] = {}


def networks(records: int, sizes: list[int]) -> dict[int, sp.csr_matrix]:
    """Normalised weights of the top-``n`` keyword networks of the synthetic corpus."""
    import bibnet
    from benchmarks.bench_network import ensure_data
    from bibnet.network import build_network

    corpus = bibnet.read(ensure_data(records))
    return {n: build_network(corpus, min_occurrences=4, top=n).weights for n in sizes}


def best_scale_objective(weights: sp.spmatrix, coords: np.ndarray, value: float) -> float:
    """``min_s V(s X)`` for attraction 2, repulsion 0, from ``V(X)`` (``value``).

    ``V(s X) = s**2 A / 2 - P ln s - L`` with ``A`` the links' sum of ``s_ij d_ij**2``, ``P``
    the number of pairs and ``L`` the pairs' sum of ``ln d``; its minimum is at ``s**2 = P/A``.
    """
    w = sp.triu(sp.csr_matrix(weights), k=1).tocoo()
    a = float(w.data @ ((coords[w.row] - coords[w.col]) ** 2).sum(axis=1))
    p = len(coords) * (len(coords) - 1) / 2
    return value - a / 2 + p / 2 - p / 2 * math.log(p / a)


def _init(nets: dict[int, sp.csr_matrix]) -> None:
    _NETWORKS.update(nets)


def one_run(n: int, method: str, seed: int) -> tuple[int, str, int, float, float, int, float]:
    """(n, method, seed, V, V*, sweeps, seconds) of one layout."""
    from bibnet.layout import LayoutParams, layout

    w = _NETWORKS[n]
    t0 = time.perf_counter()
    result = layout(w, LayoutParams(method=method, seed=seed))
    seconds = time.perf_counter() - t0
    best = best_scale_objective(w, result.coords, result.quality)
    return n, method, seed, result.quality, best, result.iterations, seconds


def warm_up() -> None:
    """Compile (or load) the kernels in a worker before it is timed."""
    from bibnet.layout import LayoutParams, layout

    w = sp.random(60, 60, density=0.2, random_state=0, format="csr")
    w = w + w.T
    for method in ("exact", "approximate"):
        layout(w, LayoutParams(method=method))


def summarise(rows: list[tuple[int, str, int, float, float, int, float]], sizes: list[int]) -> list[str]:
    lines = ["```", f"{'items':>6} {'method':<12} {'seeds':>5} {'V median':>12} {'V q1-q3':>23} {'V worst':>12} "
             f"{'V* median':>12} {'V* worst':>12} {'sweeps med':>10} {'s median':>8} {'s worst':>8}"]
    for n in sizes:
        for method in METHODS:
            got = [r for r in rows if r[0] == n and r[1] == method]
            if not got:
                continue
            v = np.array([r[3] for r in got])
            vb = np.array([r[4] for r in got])
            sweeps = np.array([r[5] for r in got])
            secs = np.array([r[6] for r in got])
            q1, q3 = np.percentile(v, [25, 75])
            lines.append(f"{n:>6,} {method:<12} {len(got):>5} {np.median(v):>12.7g} {q1:>11.7g}-{q3:<11.7g} "
                         f"{v.max():>12.7g} {np.median(vb):>12.7g} {vb.max():>12.7g} {np.median(sweeps):>10.0f} "
                         f"{np.median(secs):>8.2f} {secs.max():>8.2f}")
    lines.append("```")
    lines.append("")
    lines.append("Median objective of each method against the exact reference (negative: better than exact), "
                 "and the two-sided Mann-Whitney p of the two samples of seeds (small p: a real difference):")
    lines.append("")
    for n in sizes:
        exact = [r for r in rows if r[0] == n and r[1] == "exact"]
        if not exact:
            continue
        for method in ("auto", "approximate"):
            got = [r for r in rows if r[0] == n and r[1] == method]
            if not got:
                continue
            if [r[3:5] for r in got] == [r[3:5] for r in exact]:
                lines.append(f"- {n:,} items, {method}: the exact method at this size, the same maps")
                continue
            parts = []
            for column, name in ((3, "V"), (4, "V*")):
                ref = float(np.median([r[column] for r in exact]))
                med = float(np.median([r[column] for r in got]))
                p = mannwhitneyu([r[column] for r in got], [r[column] for r in exact]).pvalue
                parts.append(f"{name} {100 * (med - ref) / abs(ref):+.3f}% (p = {p:.2f})")
            lines.append(f"- {n:,} items, {method}: " + ", ".join(parts))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=40000)
    parser.add_argument("--sizes", default="240,1000,5000")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", default="benchmarks/RESULTS_LAYOUT.md")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    t0 = time.perf_counter()
    nets = networks(args.records, sizes)
    tasks = [(n, method, seed) for n in sizes for method in METHODS for seed in range(args.seeds)]
    tasks.sort(key=lambda t: -t[0] ** 2 * (t[1] == "exact"))  # longest first
    rows = []
    with ProcessPoolExecutor(args.jobs, initializer=_init, initargs=(nets,)) as pool:
        for _ in pool.map(_warm, range(args.jobs)):
            pass
        for row in pool.map(_one_task, tasks):
            rows.append(row)
            print(f"{row[0]:>6} {row[1]:<12} seed {row[2]:>2}: V {row[3]:.7g}  V* {row[4]:.7g}  "
                  f"{row[5]:4d} sweeps  {row[6]:6.2f} s", flush=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    minutes = (time.perf_counter() - t0) / 60
    text = [
        "# VOS layout: quality and time",
        "",
        f"Generated by `python -m benchmarks.bench_layout_quality --seeds {args.seeds} --jobs {args.jobs}` on "
        f"{when} (commit {commit}) in {minutes:.0f} minutes; do not edit by hand. Networks: the top "
        f"{', '.join(f'{n:,}' for n in sizes)} keywords of {args.records:,} synthetic records (minimum 4 "
        "occurrences), attraction 2, repulsion 0. V: VOS objective of the standardised map (lower is better); "
        "V*: objective at the map's best scale. `exact` is VOSviewer's algorithm and stopping rule; `auto` is "
        "bibnet's default (exact up to 2,000 keywords, Barnes-Hut beyond). Seeds ran two at a time on 2 cores.",
        "",
        *summarise(rows, sizes),
        "",
    ]
    Path(args.out).write_text("\n".join(text))
    print("\n".join(text))


def _one_task(task: tuple[int, str, int]) -> tuple[int, str, int, float, float, int, float]:
    return one_run(*task)


def _warm(_: int) -> None:
    warm_up()


if __name__ == "__main__":
    sys.exit(main())
