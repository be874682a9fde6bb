"""Benchmark: Leiden clustering and VOS layout on the 40,000-record synthetic network.

Usage: python -m benchmarks.bench_cluster_layout [--records 40000] [--sizes 240,1000,5000]
       [--seeds 10] [--no-clustering] [--no-layout]

Generates its input with the reference generator into benchmarks/data/ when missing, builds
the keyword network (all keywords, minimum 4 occurrences: 8,000+ keywords), then reports

- clustering: one start (time; quality of seeds 0..N-1, worst vs best), VOSviewer's 10 starts
  in one process and with all cores (time, quality);
- layout: time, sweeps and time per sweep for the top 240 / 1,000 / 5,000 keywords by total
  link strength (``method="auto"``: exact up to 2,000 items, Barnes-Hut beyond), with the
  numba compilation done before timing.

The layout's quality over many seeds, exact against Barnes-Hut, is measured by
:mod:`benchmarks.bench_layout_quality`.

The machine is shared: each time is the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace


def best_time(fn, repeat: int):
    """(minimum seconds, last result) over ``repeat`` calls."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def bench_clustering(weights, *, seeds: int, repeat: int) -> None:
    from bibnet.clustering import ClusterParams, cluster

    one = ClusterParams(random_starts=1)
    t1, _ = best_time(lambda: cluster(weights, one), repeat)
    singles = [cluster(weights, replace(one, seed=s)).quality for s in range(seeds)]
    spread = (max(singles) - min(singles)) / max(singles) * 100
    print(f"clustering, 1 start:        {t1:6.2f} s   quality of seeds 0..{seeds - 1}: worst {min(singles):.6f}, "
          f"best {max(singles):.6f} ({spread:.3f}% apart)")
    for jobs, label in ((1, "one process"), (None, "all cores")):
        t, result = best_time(lambda jobs=jobs: cluster(weights, ClusterParams(), jobs=jobs), repeat)
        print(f"clustering, 10 starts ({label}): {t:6.2f} s   quality {result.quality:.6f}, "
              f"{result.n_clusters} clusters")


def bench_layout(corpus, sizes: list[int], *, repeat: int) -> None:
    from bibnet.layout import LayoutParams, layout
    from bibnet.network import build_network

    t0 = time.perf_counter()
    small = build_network(corpus, min_occurrences=4, top=50).weights
    layout(small, LayoutParams(method="exact"))
    layout(small, LayoutParams(method="approximate"))
    print(f"layout kernels ready (compiled or loaded from numba's cache): {time.perf_counter() - t0:.2f} s")
    for n in sizes:
        net = build_network(corpus, min_occurrences=4, top=n)
        t, result = best_time(lambda net=net: layout(net.weights), repeat)
        print(f"layout, {len(net):5,} items, {net.n_links:7,} links: {t:6.2f} s  {result.iterations:4d} sweeps, "
              f"{t / result.iterations * 1000:6.2f} ms/sweep  [{result.method}]  objective {result.quality:.6g}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=40000)
    parser.add_argument("--sizes", default="240,1000,5000")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-clustering", dest="clustering", action="store_false")
    parser.add_argument("--no-layout", dest="layout", action="store_false")
    args = parser.parse_args()

    import bibnet
    from benchmarks.bench_network import ensure_data
    from bibnet.network import build_network

    corpus = bibnet.read(ensure_data(args.records))
    net = build_network(corpus, min_occurrences=4)
    print(f"{len(corpus.records):,} records: {len(net):,} keywords with >= 4 occurrences, {net.n_links:,} links")
    if args.clustering:
        bench_clustering(net.weights, seeds=args.seeds, repeat=args.repeat)
    if args.layout:
        bench_layout(corpus, [int(s) for s in args.sizes.split(",") if s], repeat=args.repeat)


if __name__ == "__main__":
    main()
