"""The yardsticks every bibnet figure is compared with, measured in the same run.

Two baselines:

- the **raw-read limit**: read every byte of the files and decode them to ``str``, nothing
  else (:func:`raw_read`); no parser can beat it, so ``bibnet read / raw read`` says how much
  of the time goes to parsing;
- the **straightforward pipeline** a user would write with pandas, networkx and
  ``itertools.combinations`` (one function per stage, below): ``pd.read_csv`` of each export,
  keywords split and cleaned with ``str`` methods into per-record sets, a ``Counter`` of
  occurrences and one of pairs, association strength in a dict comprehension, a networkx
  graph, Louvain communities, ``spring_layout`` and ``write_graphml``.

It counts exactly what bibnet counts (full counting, a keyword once per record, DE and ID
merged), which ``tests/test_benchmarks_quick.py`` checks on a real export, so the ratios
compare equal work.

Run as a process (for the whole-process comparison)::

    python -m benchmarks.baseline DIR [--min-occurrences 4] [--top 1000 --layout] [--out DIR]
"""

from __future__ import annotations

import argparse
import codecs
import csv
import itertools
import json
import os
import resource
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import networkx as nx
import pandas as pd

KEYWORD_TAGS = ("DE", "ID")


def export_files(folder: str | os.PathLike) -> list[Path]:
    """The ``.txt`` exports of a folder, in name order (as bibnet reads a directory)."""
    return sorted(p for p in Path(folder).iterdir() if p.suffix == ".txt" and p.is_file())


def encoding_of(path: Path) -> str:
    """``utf-16`` or ``utf-8-sig``, from the byte-order mark (WoS writes one of the two)."""
    with open(path, "rb") as fh:
        head = fh.read(2)
    return "utf-16" if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8-sig"


# -- the raw-read limit ----------------------------------------------------------------------
def raw_read(files: list[Path]) -> int:
    """Read and decode every file to ``str``; return the number of bytes read."""
    total = 0
    for path in files:
        data = path.read_bytes()
        total += len(data)
        data.decode(encoding_of(path))
    return total


# -- the straightforward pipeline, one stage per function ---------------------------------
def read(files: list[Path]) -> pd.DataFrame:
    """Every export with ``pd.read_csv`` (tab-separated, no quoting), concatenated."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mixed-type column warnings of wide exports
        frames = [
            pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE, index_col=False, encoding=encoding_of(path))
            for path in files
        ]
    return pd.concat(frames, ignore_index=True)


def keywords(records: pd.DataFrame) -> list[list[str]]:
    """Each record's cleaned keywords (DE and ID, trimmed, spaces collapsed, lower case), once each."""
    columns = [records[tag].tolist() for tag in KEYWORD_TAGS if tag in records.columns]
    out = []
    for cells in zip(*columns, strict=True):
        seen: dict[str, None] = {}
        for cell in cells:
            if isinstance(cell, str):
                for raw in cell.split(";"):
                    key = " ".join(raw.split()).lower()
                    if key:
                        seen[key] = None
        out.append(list(seen))
    return out


def occurrences(lists: list[list[str]]) -> Counter:
    """Number of records of each keyword."""
    return Counter(itertools.chain.from_iterable(lists))


def select(lists: list[list[str]], counts: Counter, min_occurrences: int) -> list[list[str]]:
    """Each record's keywords that occur at least ``min_occurrences`` times, sorted."""
    return [sorted(k for k in keys if counts[k] >= min_occurrences) for keys in lists]


def pairs(selected: list[list[str]]) -> Counter:
    """Co-occurrence counts of keyword pairs, with ``itertools.combinations``."""
    return Counter(pair for keys in selected for pair in itertools.combinations(keys, 2))


def association(cooc: Counter) -> dict[tuple[str, str], float]:
    """VOSviewer's association strength ``2m c_ij / (k_i k_j)``, pair by pair."""
    strength: Counter = Counter()
    for (a, b), c in cooc.items():
        strength[a] += c
        strength[b] += c
    two_m = sum(strength.values())
    return {(a, b): two_m * c / (strength[a] * strength[b]) for (a, b), c in cooc.items()}


def graph(weights: dict[tuple[str, str], float]) -> nx.Graph:
    """A networkx graph with the given link weights."""
    g = nx.Graph()
    g.add_weighted_edges_from((a, b, w) for (a, b), w in weights.items())
    return g


def top(cooc: Counter, n: int) -> Counter:
    """The links among the ``n`` keywords of greatest total link strength."""
    strength: Counter = Counter()
    for (a, b), c in cooc.items():
        strength[a] += c
        strength[b] += c
    kept = {k for k, _ in strength.most_common(n)}
    return Counter({(a, b): c for (a, b), c in cooc.items() if a in kept and b in kept})


def cluster(g: nx.Graph, *, seed: int = 0) -> list[set[str]]:
    """Louvain communities (networkx), the clustering a networkx user reaches for."""
    return nx.community.louvain_communities(g, weight="weight", seed=seed)


def layout(g: nx.Graph, *, seed: int = 0) -> dict[str, tuple[float, float]]:
    """Force-directed positions (networkx ``spring_layout``)."""
    return nx.spring_layout(g, weight="weight", seed=seed)


def export(g: nx.Graph, counts: Counter, communities: list[set[str]], out: Path) -> None:
    """The network as GraphML and the keywords as CSV, as a networkx user would save them."""
    out.mkdir(parents=True, exist_ok=True)
    cluster_of = {k: i + 1 for i, members in enumerate(communities) for k in members}
    nx.set_node_attributes(g, {k: counts[k] for k in g}, "occurrences")
    nx.set_node_attributes(g, cluster_of, "cluster")
    nx.write_graphml(g, out / "network.graphml")
    nodes = pd.DataFrame({"label": list(g), "occurrences": [counts[k] for k in g], "cluster": [cluster_of.get(k) for k in g]})
    nodes.to_csv(out / "keywords.csv", index=False)


def report(counts: Counter, communities: list[set[str]], out: Path, *, n: int = 40) -> None:
    """The most frequent keywords and the clusters as CSV and HTML tables (pandas)."""
    out.mkdir(parents=True, exist_ok=True)
    frequent = pd.DataFrame(counts.most_common(n), columns=["keyword", "occurrences"])
    clusters = pd.DataFrame(
        {"cluster": range(1, len(communities) + 1), "size": [len(c) for c in communities],
         "keywords": ["; ".join(sorted(c, key=lambda k: -counts[k])[:10]) for c in communities]}
    )
    for name, table in (("top_keywords", frequent), ("clusters", clusters)):
        table.to_csv(out / f"{name}.csv", index=False)
        (out / f"{name}.html").write_text(table.to_html(index=False), encoding="utf-8")


def pipeline(folder: str | os.PathLike, *, min_occurrences: int = 4, top_n: int | None = None,
             with_layout: bool = False, out: Path | None = None) -> dict[str, float]:
    """The whole straightforward pipeline; returns the wall time of each stage (seconds)."""
    times: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        times[name] = now - clock
        clock = now

    records = read(export_files(folder))
    lap("read")
    lists = keywords(records)
    counts = occurrences(lists)
    lap("keywords")
    cooc = pairs(select(lists, counts, min_occurrences))
    if top_n is not None:
        cooc = top(cooc, top_n)
    lap("pairs")
    g = graph(association(cooc))
    lap("graph")
    communities = cluster(g)
    lap("cluster")
    if with_layout:
        layout(g)
        lap("layout")
    if out is not None:
        export(g, counts, communities, out)
        report(counts, communities, out)
        lap("write")
    times["nodes"], times["links"], times["clusters"] = g.number_of_nodes(), g.number_of_edges(), len(communities)
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The straightforward pandas + networkx keyword map, as a process.")
    parser.add_argument("folder")
    parser.add_argument("--min-occurrences", type=int, default=4)
    parser.add_argument("--top", type=int, default=None)
    parser.add_argument("--layout", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    times = pipeline(args.folder, min_occurrences=args.min_occurrences, top_n=args.top,
                     with_layout=args.layout, out=args.out)
    times["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump(times, sys.stdout)
    print()


if __name__ == "__main__":
    main()
