"""Speed of the VOSviewer file readers and writers.

    python -m benchmarks.bench_readwrite [--runs 3] [--items 10000] [--links 1000000]

Two maps: the Scientometrics term map saved by VOSviewer (1,165 items, 110,003 links, from
``tests/data/vosviewer/``) and a synthetic map of ``--items`` items and ``--links`` links with
fractional strengths and five scores. For each it prints the best and median wall time of
writing and reading the map file, the network file and the JSON file, and the file sizes.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from bibnet.readwrite import VOSviewerMap, read_json, read_map, read_network, read_vosviewer, write_json, write_map, write_network
from bibnet.seeding import rng

DATA = Path(__file__).parents[1] / "tests" / "data" / "vosviewer"


def synthetic(n_items: int, n_links: int, seed: int = 0) -> VOSviewerMap:
    """A map with random coordinates, clusters, weights, scores and distinct links."""
    g = rng(seed)
    items = pd.DataFrame({
        "id": np.arange(1, n_items + 1, dtype=np.int64),
        "label": pd.Series([f"keyword {i:05d}, variant" for i in range(n_items)], dtype="str"),
        "x": g.normal(size=n_items), "y": g.normal(size=n_items),
        "cluster": pd.array(g.integers(1, 30, n_items), dtype="Int64"),
        "weight<Links>": g.integers(1, 500, n_items).astype(np.float64),
        "weight<Total link strength>": g.random(n_items) * 1000,
        "weight<Occurrences>": g.integers(5, 900, n_items).astype(np.float64),
        **{f"score<S{k}>": g.random(n_items) * 10 for k in range(5)},
    })
    pairs = np.sort(g.integers(1, n_items + 1, size=(int(n_links * 1.1), 2)), axis=1)
    pairs = np.unique(pairs[pairs[:, 0] < pairs[:, 1]], axis=0)
    pairs = pairs[np.sort(g.permutation(len(pairs))[:n_links])]
    links = pd.DataFrame({"source": pairs[:, 0], "target": pairs[:, 1], "strength": g.random(len(pairs)) * 5})
    return VOSviewerMap(items=items, links=links)


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def bench(name: str, vmap: VOSviewerMap, runs: int) -> None:
    print(f"\n{name}: {len(vmap.items):,} items, {len(vmap.links):,} links")
    with tempfile.TemporaryDirectory() as tmp:
        paths = {k: Path(tmp) / f for k, f in (("map", "map.txt"), ("network", "network.txt"), ("json", "map.json"))}
        cases = [
            ("write map", lambda: write_map(vmap, paths["map"])),
            ("write network", lambda: write_network(vmap, paths["network"])),
            ("write json", lambda: write_json(vmap, paths["json"])),
            ("read map", lambda: read_map(paths["map"])),
            ("read network", lambda: read_network(paths["network"])),
            ("read map+network", lambda: read_vosviewer(paths["map"], paths["network"])),
            ("read json", lambda: read_json(paths["json"])),
        ]
        for label, fn in cases:
            best, median = timed(fn, runs)
            print(f"  {label:<18} best {best:7.3f} s   median {median:7.3f} s")
        for key, path in paths.items():
            print(f"  {key + ' file':<18} {path.stat().st_size / 1e6:7.2f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--links", type=int, default=1_000_000)
    args = parser.parse_args()
    real = read_vosviewer(DATA / "Scientometrics_term_co-occurrence_map.txt",
                          DATA / "Scientometrics_term_co-occurrence_network.txt")
    bench("Scientometrics term map (VOSviewer)", real, args.runs)
    bench("synthetic", synthetic(args.items, args.links), args.runs)


if __name__ == "__main__":
    main()
