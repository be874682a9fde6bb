"""The benchmark suite: every stage timed next to a baseline of the same run, and RESULTS.md.

The machine is shared and noisy, so absolute times are reported but judged through ratios to
baselines measured in the same run (:mod:`benchmarks.baseline`): the raw-read limit for
reading, and the straightforward pandas + networkx pipeline for every stage. Every time is
the median of :data:`RUNS` runs; peak memory comes from whole-process runs
(``os.wait4``'s ``ru_maxrss``, exact for the largest process of the run).

- :func:`full` measures everything (40k, 400k and 1M records) and writes ``RESULTS.md``;
- :func:`quick` (under a minute, for CI) measures a few ratios on 10k records and fails only
  when one is :data:`REGRESSION_FACTOR` times worse than the one recorded in ``RESULTS.md``;
- :func:`memory_profile` says where the memory of a big run goes, stage by stage.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from benchmarks import baseline
from benchmarks.bench_network import ensure_data

T = TypeVar("T")
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
#: Runs per measurement; the median is reported.
RUNS = 5
#: ``--quick`` fails when a ratio to the in-run baseline is this many times the recorded one.
REGRESSION_FACTOR = 3.0
QUICK_RECORDS = 10_000
MIN_OCCURRENCES = 4
LAYOUT_NODES = 1000
VERSIONS = ("bibnet", "numpy", "scipy", "pandas", "pyarrow", "python-igraph", "leidenalg", "numba", "networkx", "plotly",
            "matplotlib")
FORMATS = {"tab UTF-8": ("tab", "utf-8-sig"), "tab UTF-16": ("tab", "utf-16le"), "plain text": ("plaintext", "utf-8-sig")}
_QUICK_BEGIN, _QUICK_END = "<!-- quick-reference:begin -->", "<!-- quick-reference:end -->"


# -- measuring ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Timing:
    """Wall times (seconds) of repeated runs of one thing."""

    times: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def paired_ratio(numerator: Timing, denominator: Timing) -> float:
    """Median of the run-by-run ratios of two :func:`interleaved` timings.

    Runs of one round follow each other within seconds, so a slow spell of the shared machine
    slows both sides of a ratio: the median of the ratios is steadier than the ratio of the
    medians, which can take its two medians from different spells.
    """
    return statistics.median(a / b for a, b in zip(numerator.times, denominator.times, strict=True))


def timed(fn: Callable[[], T], *, runs: int = RUNS) -> tuple[Timing, T]:
    """Run ``fn`` ``runs`` times; the times and the last result.

    The previous result is dropped and garbage collected before each run, so big runs do not
    hold two results at once and no run pays for the last one's garbage.
    """
    return interleaved({"": fn}, runs=runs)[""]


def interleaved(fns: dict[str, Callable[[], T]], *, runs: int = RUNS) -> dict[str, tuple[Timing, T]]:
    """:func:`timed` for several functions, which take turns: one run of each per round."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    results: dict[str, Any] = {}
    for _ in range(runs):
        for name, fn in fns.items():
            results[name] = None
            gc.collect()
            start = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - start)
    return {name: (Timing(tuple(times[name])), results[name]) for name in fns}


@dataclass(frozen=True)
class ProcessRun:
    """One whole-process run: wall time, peak memory, output.

    ``peak_mb`` is the largest resident set of any one process of the run (``ru_maxrss``,
    exact: what ``/usr/bin/time -v`` reports); ``tree_mb`` the highest sum, sampled every
    0.1 s, of the proportional set sizes of the process and its workers (pages they share
    counted once), and never below ``peak_mb``: the memory the run takes when it forks workers;
    ``worker_mb`` the largest sampled proportional set size of one process below the command
    (a worker; 0 when it starts none).
    """

    wall: float
    peak_mb: float
    tree_mb: float
    stdout: str
    worker_mb: float = 0.0


#: Runs a command and writes its ``ru_maxrss`` (kB) to the file named first. The command must be
#: forked from this small process: Linux carries the parent's peak over into a child's, so a
#: child spawned straight from the (big) benchmark process would report at least its size.
_MAXRSS = (
    "import resource, subprocess, sys; code = subprocess.run(sys.argv[2:]).returncode; "
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); sys.exit(code)"
)


def run_process(argv: Sequence[str], *, cwd: str | os.PathLike | None = None) -> ProcessRun:
    """Run a command to completion; its wall time, peak memory and standard output."""
    with tempfile.TemporaryDirectory() as tmp:
        out, err, rss = (Path(tmp) / name for name in ("out", "err", "maxrss"))
        with open(out, "wb") as fout, open(err, "wb") as ferr:
            start = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-c", _MAXRSS, str(rss), *map(str, argv)],
                                    stdout=fout, stderr=ferr, stdin=subprocess.DEVNULL, cwd=cwd)
            tree = _TreeSampler(proc.pid)
            code = proc.wait()
            wall = time.perf_counter() - start
            tree_mb, worker_mb = tree.stop(), tree.worker_peak
        if code:
            tail = err.read_text(errors="replace").strip()[-2000:]
            raise RuntimeError(f"{' '.join(map(str, argv))} failed ({code}): {tail}")
        peak = int(rss.read_text()) / 1024
        stdout = out.read_text(errors="replace")
    # A short spike between samples is still in ru_maxrss: the tree figure is never below it.
    return ProcessRun(wall=wall, peak_mb=peak, tree_mb=max(tree_mb, peak), stdout=stdout, worker_mb=worker_mb)


class _TreeSampler:
    """Samples the summed PSS of a process's descendants in a thread (Linux; else 0)."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid, self.interval, self.peak, self.worker_peak = pid, interval, 0.0, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            # The tree below the small wrapper process: the command and its workers.
            sizes = [_pss_mb(p) for p in _tree(self.pid)[1:]]
            self.peak = max(self.peak, sum(sizes))
            self.worker_peak = max(self.worker_peak, *sizes[1:], 0.0)  # below the command


def _tree(root: int) -> list[int]:
    """``root`` and its descendants (from /proc/*/stat)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):  # the process ended meanwhile
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def _pss_mb(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0
    found = re.search(r"^Pss:\s+(\d+)", text, re.M)
    return int(found.group(1)) / 1024 if found else 0.0


def timed_process(argv: Sequence[str], *, runs: int = RUNS) -> tuple[Timing, float, float]:
    """Wall times of ``runs`` runs, and the highest peak (one process) and tree memory (MB) of them."""
    results = [run_process(argv) for _ in range(runs)]
    return Timing(tuple(r.wall for r in results)), max(r.peak_mb for r in results), max(r.tree_mb for r in results)


# -- what is compared with what -------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """A bibnet measurement next to its in-run baseline."""

    what: str
    bibnet: Timing
    baseline_name: str = ""
    baseline: Timing | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """bibnet time / baseline time (lower is better)."""
        if self.baseline is None or self.baseline.median == 0:
            return None
        return self.bibnet.median / self.baseline.median


@dataclass(frozen=True)
class Target:
    """One promise of the issue, and whether this run keeps it."""

    name: str
    measured: str
    met: bool | None  # None: could not be measured
    why: str = ""


@dataclass
class Results:
    """Everything a full run measured, in the order RESULTS.md shows it."""

    reading: list[dict[str, Any]] = field(default_factory=list)
    stages: dict[int, list[Row]] = field(default_factory=dict)
    networks: dict[int, dict[str, Any]] = field(default_factory=dict)
    growth: list[Growth] = field(default_factory=list)
    processes: list[dict[str, Any]] = field(default_factory=list)
    million: dict[str, Any] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    quick: dict[str, float] = field(default_factory=dict)
    minutes: float = 0.0


# -- reading --------------------------------------------------------------------------------
def bench_reading(records: int, *, runs: int = RUNS) -> list[dict[str, Any]]:
    """bibnet.read of each format against the raw-read limit and pandas, for ``records`` records."""
    import bibnet

    rows = []
    folders = {name: ensure_data(records, fmt=fmt, encoding=encoding) for name, (fmt, encoding) in FORMATS.items()}
    # bibnet's reads of the formats take turns, run by run, so that the machine's drift over
    # the minute does not favour one encoding (UTF-16 must be no slower than UTF-8).
    reads = interleaved({name: lambda folder=folder: len(_quiet(bibnet.read, folder)) for name, folder in folders.items()},
                        runs=runs)
    for name, (fmt, _encoding) in FORMATS.items():
        folder = folders[name]
        files = baseline.export_files(folder)
        size = sum(f.stat().st_size for f in files) / 1e6
        raw, _ = timed(lambda files=files: baseline.raw_read(files), runs=runs)
        ours, n = reads[name]
        pandas = None
        if fmt == "tab":
            pandas, frame = timed(lambda files=files: baseline.read(files), runs=runs)
            del frame
        rows.append({"records": records, "input": name, "records_read": n, "mb": size,
                     "bibnet": ours, "raw": raw, "pandas": pandas})
        print(f"  read {records:,} {name}: {ours.median:.2f} s = {size / ours.median:.0f} MB/s "
              f"(raw read {size / raw.median:.0f} MB/s)", flush=True)
    return rows


def _quiet(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


# -- pipeline stages, in process ------------------------------------------------------------------
def bench_stages(records: int, *, runs: int = RUNS, baseline_runs: int | None = None,
                 slow_baseline: bool = True) -> tuple[list[Row], dict[str, Any]]:
    """Time each stage after reading on ``records`` records (tab UTF-8), each next to its baseline.

    ``slow_baseline=False`` leaves out the baseline stages that take minutes at this size
    (networkx's Louvain and its export of the whole network); their rows then say so.
    Returns the rows and facts about the network (keywords, links, cluster quality).
    """
    import bibnet
    from bibnet.clustering import ClusterParams, cluster
    from bibnet.cooccurrence import cooccurrence, record_weights
    from bibnet.keywords import extract
    from bibnet.normalize import normalize
    from bibnet.readwrite import save
    from bibnet.selection import NetworkParams, select_columns

    base_runs = baseline_runs or runs
    folder = ensure_data(records)
    corpus = _quiet(bibnet.read, folder)
    frame = baseline.read(baseline.export_files(folder))
    params = NetworkParams(keywords="all", min_occurrences=MIN_OCCURRENCES)
    rows: list[Row] = []
    facts: dict[str, Any] = {}

    def row(what: str, ours: Timing, name: str = "", theirs: Timing | None = None, note: str = "") -> None:
        rows.append(Row(what, ours, name, theirs, note))
        ratio = f"  x{theirs.median / ours.median:.1f} vs {name}" if theirs else ""
        print(f"  {records:,} {what}: {ours.median:.3f} s{ratio}", flush=True)

    # timed() runs each lambda at once. A lambda using a name deleted afterwards (del, to free
    # memory) takes it as a default argument: ruff (F821) reads a closure over it as undefined.

    # keywords: split, clean, document x keyword matrix
    t_kw, occ = timed(lambda: extract(corpus.records, "all"), runs=runs)
    b_kw, (lists, counts) = timed(lambda frame=frame: _keywords_baseline(frame), runs=base_runs)
    del frame
    row("keywords (split, clean, record x keyword matrix)", t_kw, "str.split + Counter", b_kw)

    # matrix: the occurrence threshold and the incidence matrix of the kept keywords
    def kept_matrix():
        return select_columns(occ.matrix, (occ.occurrences >= MIN_OCCURRENCES).nonzero()[0])

    t_mx, incidence = timed(kept_matrix, runs=runs)
    b_mx, selected = timed(lambda: baseline.select(lists, counts, MIN_OCCURRENCES), runs=base_runs)
    row("matrix (threshold, kept keywords)", t_mx, "list filter", b_mx)

    weights = record_weights(occ.keywords_per_record, counting="full")
    t_co, cooc = timed(lambda: cooccurrence(incidence, weights), runs=runs)
    b_co, pairs = timed(lambda selected=selected: baseline.pairs(selected), runs=base_runs)
    del selected
    row("co-occurrence", t_co, "itertools.combinations + Counter", b_co)

    t_net, net = timed(lambda: _network(occ, corpus.records, params), runs=runs)
    row("network (threshold, co-occurrence, scores)", t_net, "the three above", _sum(b_mx, b_co))

    t_norm, w = timed(lambda net=net: normalize(net.cooccurrence, method="association"), runs=runs)
    b_norm, strengths = timed(lambda pairs=pairs: baseline.association(pairs), runs=base_runs)
    row("normalisation (association strength)", t_norm, "dict comprehension", b_norm)
    facts.update(records=len(corpus), keywords=len(occ.keys), nodes=len(net), links=net.n_links)

    # clustering: one start (the Leiden target) and VOSviewer's ten; quality against the best of ten seeds
    t_c1, one = timed(lambda w=w: cluster(w, ClusterParams(random_starts=1)), runs=runs)
    t_c10, ten = timed(lambda w=w: cluster(w, ClusterParams(random_starts=10)), runs=runs)
    best = max(ten.quality, one.quality)
    facts.update(quality_1=one.quality, quality_10=ten.quality, clusters=one.n_clusters,
                 quality_gap=(best - one.quality) / abs(best) if best else 0.0)
    b_cl = None
    if slow_baseline:
        b_cl, communities = timed(lambda strengths=strengths: baseline.cluster(baseline.graph(strengths)), runs=base_runs)
    note = "" if slow_baseline else "baseline left out: networkx Louvain takes minutes at this size"
    row("clustering, 1 start (Leiden)", t_c1, "networkx graph + Louvain", b_cl, note)
    # The same algorithm and quality function in python-igraph, bibnet's engine until 2026-11.
    b_ig, q_ig = timed(lambda w=w: _igraph_leiden(w), runs=base_runs)
    row("clustering, 1 start: the same Leiden in python-igraph", t_c1, "igraph community_leiden (CPM)", b_ig,
        f"quality {one.quality:.5f} vs {q_ig:.5f}")
    row("clustering, 10 starts", t_c10, "networkx graph + Louvain", b_cl, note)
    del strengths

    # exports of the whole clustered network
    clustered = net.cluster(params=ClusterParams(random_starts=1))
    with tempfile.TemporaryDirectory() as tmp:
        t_ex, _ = timed(lambda clustered=clustered: save(clustered, Path(tmp) / "map"), runs=runs)
        b_ex = None
        if slow_baseline:
            g = baseline.graph(pairs)
            b_ex, _ = timed(lambda: baseline.export(g, counts, communities, Path(tmp) / "nx"), runs=base_runs)
            del g
    row("exports (map, network, JSON, summary)", t_ex, "networkx write_graphml + CSV", b_ex,
        "" if slow_baseline else "baseline left out: networkx graph and GraphML of all links take minutes")
    del clustered, net, w

    # the 1,000-keyword map: layout, figures, tables and report
    small = _network(occ, corpus.records, dataclasses.replace(params, top=LAYOUT_NODES))
    small = small.cluster(params=ClusterParams())
    g_small = baseline.graph(baseline.association(baseline.top(pairs, LAYOUT_NODES)))
    communities_small = baseline.cluster(g_small)
    del pairs
    t_lay, small = timed(small.layout, runs=runs)
    b_lay, positions = timed(lambda: baseline.layout(g_small), runs=base_runs)
    row(f"layout ({LAYOUT_NODES:,} keywords)", t_lay, "networkx spring_layout", b_lay)
    facts["layout_nodes"] = len(small)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t_fig, _ = timed(lambda: _figures(small, out / "fig"), runs=runs)
        b_fig, _ = timed(lambda: _figures_baseline(g_small, positions, communities_small, out / "nxfig"), runs=base_runs)
        row("figures (network view, HTML + PNG + SVG)", t_fig, "networkx draw + matplotlib savefig", b_fig)
        t_rep, _ = timed(lambda: _report(small, corpus, out / "rep"), runs=runs)
        b_rep, _ = timed(lambda: baseline.report(counts, communities_small, out / "nxrep"), runs=base_runs)
        row("report (tables, methods, report.html)", t_rep, "pandas to_csv + to_html", b_rep)
    return rows, facts


def _network(occ, records, params):
    """The network of keyword occurrences: threshold, co-occurrence, top N, and the items with their
    scores (:func:`bibnet.build_network` after its keyword stage)."""
    from bibnet.network import Network, _items
    from bibnet.selection import select

    sel = select(occ, params=params)
    return Network(items=_items(occ, sel, records), cooccurrence=sel.cooccurrence, incidence=sel.incidence,
                   records=records, keywords=occ, params=params, keywords_meeting_threshold=sel.meeting_threshold)


def _keywords_baseline(frame):
    lists = baseline.keywords(frame)
    return lists, baseline.occurrences(lists)


def _igraph_leiden(w) -> float:
    """python-igraph's Leiden on VOSviewer's quality function, one start of 10 iterations, as
    bibnet ran it until 2026-11 (graph built from one int64 edge array); returns the quality."""
    import random

    import igraph
    import numpy as np
    import scipy.sparse as sp

    from bibnet.clustering import quality

    upper = sp.triu(w, k=1).tocoo()
    graph = igraph.Graph(n=w.shape[0])
    graph.add_edges(np.column_stack([upper.row, upper.col]).astype(np.int64))
    igraph.set_random_number_generator(random.Random(0))
    part = graph.community_leiden(objective_function="CPM", weights=upper.data, resolution=1.0, beta=0.01, n_iterations=10)
    igraph.set_random_number_generator(random)
    return quality(w, np.asarray(part.membership))


def _sum(*timings: Timing) -> Timing:
    return Timing(tuple(sum(ts) for ts in zip(*(t.times for t in timings), strict=True)))


def _figures(net, stem: Path) -> None:
    """What ``bibnet analyze`` makes of one view: interactive HTML, PNG and SVG."""
    from bibnet.plotting import plot, save_static

    stem.parent.mkdir(parents=True, exist_ok=True)
    fig = plot(net)
    fig.write_html(stem.with_suffix(".html"), include_plotlyjs="directory")
    save_static(fig, stem.with_suffix(".png"), stem.with_suffix(".svg"))


def _figures_baseline(g, positions, communities, stem: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx

    stem.parent.mkdir(parents=True, exist_ok=True)
    cluster_of = {k: i for i, members in enumerate(communities) for k in members}
    fig, ax = plt.subplots(figsize=(9, 7))
    nx.draw_networkx(g, positions, ax=ax, node_size=20, width=0.2, font_size=4,
                     node_color=[cluster_of[k] for k in g], cmap="tab20")
    fig.savefig(stem.with_suffix(".png"), dpi=300)
    fig.savefig(stem.with_suffix(".svg"))
    plt.close(fig)


def _report(net, corpus, out: Path) -> None:
    """The tables, methods text and HTML report ``bibnet analyze`` writes, for one field."""
    from bibnet import tables
    from bibnet.readwrite import vosviewer_items
    from bibnet.report import methods_text, write_report
    from bibnet.run import AnalysisParams, Run

    wide, _ = tables.top_keywords(net.keywords.counts(), n=40)
    clusters = tables.cluster_table(vosviewer_items(net))
    tables.write_table(wide, out / "top_keywords")
    tables.write_table(clusters, out / "clusters")
    summary = net.summary()
    run = Run.of(corpus.report, source="Web of Science", network=net.params, clustering=net.clustering.params,
                 layout=net.positions.params if net.positions else None, analysis=AnalysisParams(fields=("all",)))
    methods = methods_text([summary], run=run)
    (out / "methods.md").write_text(methods, encoding="utf-8")
    write_report(out / "report.html", summaries=[summary], tables={"Top keywords": wide, "Clusters": clusters},
                 figures={}, links={}, methods=methods)


# -- whole processes ----------------------------------------------------------------------------
def bibnet_command(*args: str) -> list[str]:
    """``bibnet ...`` as run by the current interpreter (the installed entry point's code)."""
    return [sys.executable, "-m", "bibnet", *args]


def baseline_command(folder: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "benchmarks.baseline", str(folder), "--min-occurrences", str(MIN_OCCURRENCES), *args]


def bench_processes(*, runs: int = RUNS, big: bool = True) -> list[dict[str, Any]]:
    """The commands of the targets as whole processes, each next to the baseline as a process."""
    small, large = ensure_data(40_000), ensure_data(400_000) if big else None
    out = Path(tempfile.mkdtemp(prefix="bibnet-bench-"))
    mo = ("--min-occurrences", str(MIN_OCCURRENCES))
    cases = [
        ("map 40k, 1 start, no layout", 40_000,
         bibnet_command("map", str(small), "--out", str(out / "a"), *mo, "--no-layout", "--random-starts", "1"),
         baseline_command(small), runs),
        ("map 40k, 10 starts, no layout", 40_000, bibnet_command("map", str(small), "--out", str(out / "b"), *mo, "--no-layout"),
         None, runs),
        (f"analyze 40k, 3 fields, top {LAYOUT_NODES:,}, layout, figures, report", 40_000,
         bibnet_command("analyze", str(small), "--out", str(out / "c"), *mo, "--top", str(LAYOUT_NODES)),
         baseline_command(small, "--top", str(LAYOUT_NODES), "--layout", "--out", str(out / "nx")), runs),
    ]
    notes = {cases[2][0]: "baseline does less: one field, no figures"}
    if large is not None:
        cases.append(("map 400k, 10 starts, no layout", 400_000,
                      bibnet_command("map", str(large), "--out", str(out / "d"), *mo, "--no-layout"),
                      None, runs))  # the baseline process would need tens of GB and most of an hour here
    rows = []
    try:
        for name, records, ours, theirs, base_runs in cases:
            t, peak, tree = timed_process(ours, runs=runs)
            row = {"what": name, "records": records, "bibnet": t, "peak_mb": peak, "tree_mb": tree,
                   "baseline": None, "baseline_tree_mb": None, "note": notes.get(name, "")}
            if theirs is not None:
                bt, _, btree = timed_process(theirs, runs=base_runs)
                row.update(baseline=bt, baseline_tree_mb=btree)
            rows.append(row)
            extra = f", baseline {row['baseline'].median:.1f} s, {row['baseline_tree_mb']:.0f} MB" if row["baseline"] else ""
            print(f"  {name}: {t.median:.2f} s, {peak:.0f} MB largest process, {tree:.0f} MB all{extra}", flush=True)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return rows


def bench_million(*, records: int = 1_000_000) -> dict[str, Any]:
    """The 1,000,000-record run (1,000 files) as one process: time and peak memory, once."""
    folder = ensure_data(records)
    files = baseline.export_files(folder)
    size = sum(f.stat().st_size for f in files) / 1e6
    raw, _ = timed(lambda: baseline.raw_read(files), runs=1)
    out = Path(tempfile.mkdtemp(prefix="bibnet-bench-"))
    try:
        run = run_process(bibnet_command("map", str(folder), "--out", str(out), "--min-occurrences",
                                         str(MIN_OCCURRENCES), "--no-layout"))
        summary = (out / "summary.json").read_text(encoding="utf-8")
    except RuntimeError as exc:
        return {"records": records, "files": len(files), "mb": size, "raw": raw, "error": str(exc)}
    finally:
        shutil.rmtree(out, ignore_errors=True)
    import json

    s = json.loads(summary)
    print(f"  map {records:,}: {run.wall:.0f} s, {run.peak_mb:.0f} MB largest process, {run.tree_mb:.0f} MB all", flush=True)
    return {"records": records, "files": len(files), "mb": size, "raw": raw, "wall": run.wall,
            "peak_mb": run.peak_mb, "tree_mb": run.tree_mb, "nodes": s["keywords_selected"], "links": s["links"],
            "clusters": s["clusters"]}


# -- linear growth -------------------------------------------------------------------------------
#: What must cost 10x for 10x records (the co-occurrence product grows with its output, the links).
LINEAR = ("read", "keywords", "matrix")


@dataclass(frozen=True)
class Growth:
    """One stage's times at 40k and 400k records, and its baseline's, measured turn by turn."""

    what: str
    small: Timing
    large: Timing
    baseline_name: str = ""
    baseline: tuple[Timing, Timing] | None = None

    @property
    def ratio(self) -> float:
        """Large time / small time, run by run (:func:`paired_ratio`; 10 = linear for 10x records)."""
        return paired_ratio(self.large, self.small)

    @property
    def baseline_ratio(self) -> float | None:
        return paired_ratio(self.baseline[1], self.baseline[0]) if self.baseline else None


def bench_growth(*, runs: int = RUNS, small: int = 40_000, large: int = 400_000) -> list[Growth]:
    """Times of the stages that must grow linearly, at ``small`` and ``large`` records.

    The two sizes take turns run by run (:func:`interleaved`): a ratio of two times taken
    minutes apart would carry the machine's drift over those minutes. Reading is timed in
    every format and as the network commands read (``lean``: the keyword fields split as each
    file is read); keywords both from text columns and from such a lean read. Each stage's
    baseline (the raw read of the same files; the pure-Python stage) grows in turns of its own,
    afterwards: its gigabytes of Python objects, in memory at the same time, made bibnet's 400k
    keyword stage 20-90% slower.
    """
    ours = _in_turns(_growth_stages, small, large, runs=runs)
    theirs = _in_turns(_growth_baselines, small, large, runs=runs)
    rows = []
    for what, (t_small, t_large) in ours.items():
        g = Growth(what, t_small, t_large, _BASELINE_NAMES.get(what, ""), theirs.get(what))
        rows.append(g)
        print(f"  growth {what}: x{g.ratio:.1f}" + (f" ({g.baseline_name} x{g.baseline_ratio:.1f})" if g.baseline else ""),
              flush=True)
    return rows


def _in_turns(make: Callable[[int], dict[str, Callable[[], Any]]], small: int, large: int, *,
              runs: int) -> dict[str, tuple[Timing, Timing]]:
    """Time each of ``make(records)``'s functions at both sizes, the sizes taking turns;
    ``{what: (timing at small, timing at large)}``. The inputs ``make`` holds go afterwards."""
    at = {small: make(small), large: make(large)}
    out = {}
    for what in at[small]:
        t = interleaved({str(n): at[n][what] for n in at}, runs=runs)
        out[what] = (t[str(small)][0], t[str(large)][0])
    return out


#: Names of the growth rows that read, keyed by the format read.
_READ_ROWS = {name: f"read {name}" for name in FORMATS}
_LEAN_ROW = "read as the commands read (lean: keyword fields split while reading)"
_KEYWORDS_ROW = "keywords from text columns (split, clean, record x keyword matrix)"
_MATRIX_ROW = "matrix (threshold, kept keywords)"
_BASELINE_NAMES = {**{row: "raw read" for row in _READ_ROWS.values()}, _LEAN_ROW: "raw read",
                   _KEYWORDS_ROW: "str.split + Counter", _MATRIX_ROW: "list filter"}


def _growth_stages(records: int) -> dict[str, Callable[[], Any]]:
    """bibnet's stages that must grow linearly, on ``records`` records."""
    import bibnet
    from bibnet.cooccurrence import cooccurrence, record_weights
    from bibnet.keywords import extract
    from bibnet.selection import select_columns

    folders = {name: ensure_data(records, fmt=fmt, encoding=encoding) for name, (fmt, encoding) in FORMATS.items()}
    tab = folders["tab UTF-8"]
    full, lean = _quiet(bibnet.read, tab), _quiet(bibnet.read, tab, lean=True)
    occ = extract(lean, "all")
    kept = (occ.occurrences >= MIN_OCCURRENCES).nonzero()[0]
    incidence, weights = select_columns(occ.matrix, kept), record_weights(occ.keywords_per_record, counting="full")
    return {
        **{_READ_ROWS[name]: lambda folder=folder: len(_quiet(bibnet.read, folder)) for name, folder in folders.items()},
        _LEAN_ROW: lambda: len(_quiet(bibnet.read, tab, lean=True)),
        _KEYWORDS_ROW: lambda: extract(full.records, "all"),
        "keywords from a lean read (clean, record x keyword matrix)": lambda: extract(lean, "all"),
        _MATRIX_ROW: lambda: select_columns(occ.matrix, kept),
        # shown, not a target: grows with the links (its pure-Python baseline takes minutes at 400k)
        "co-occurrence": lambda: cooccurrence(incidence, weights).nnz,
    }


def _growth_baselines(records: int) -> dict[str, Callable[[], Any]]:
    """The baselines (:data:`_BASELINE_NAMES`) of :func:`_growth_stages`' rows, keyed by those rows."""
    files = {name: baseline.export_files(ensure_data(records, fmt=fmt, encoding=encoding))
             for name, (fmt, encoding) in FORMATS.items()}
    frame = baseline.read(files["tab UTF-8"])
    lists, counts = _keywords_baseline(frame)
    raw = {_READ_ROWS[name]: lambda files=files[name]: baseline.raw_read(files) for name in FORMATS}
    return {
        **raw,
        _LEAN_ROW: raw[_READ_ROWS["tab UTF-8"]],
        _KEYWORDS_ROW: lambda: _keywords_baseline(frame)[1],
        _MATRIX_ROW: lambda: len(baseline.select(lists, counts, MIN_OCCURRENCES)),
    }


# -- the quick regression check ---------------------------------------------------------------------
def quick_ratios(*, runs: int = RUNS) -> dict[str, float]:
    """A few bibnet / baseline time ratios on 10,000 records; seconds, not minutes."""
    import bibnet
    from bibnet.clustering import ClusterParams, cluster
    from bibnet.keywords import extract
    from bibnet.selection import NetworkParams

    folder = ensure_data(QUICK_RECORDS)
    files = baseline.export_files(folder)
    ratios: dict[str, float] = {}
    t, corpus = timed(lambda: _quiet(bibnet.read, folder), runs=runs)
    b, frame = timed(lambda: baseline.read(files), runs=runs)
    ratios["read / pandas read_csv"] = t.median / b.median
    t, occ = timed(lambda: extract(corpus.records, "all"), runs=runs)
    b, (lists, counts) = timed(lambda: _keywords_baseline(frame), runs=runs)
    ratios["keywords / str.split + Counter"] = t.median / b.median
    params = NetworkParams(min_occurrences=MIN_OCCURRENCES)
    t, net = timed(lambda: _network(occ, corpus.records, params), runs=runs)
    b, pairs = timed(lambda: baseline.pairs(baseline.select(lists, counts, MIN_OCCURRENCES)), runs=runs)
    ratios["network / itertools.combinations"] = t.median / b.median
    w, g = net.weights, baseline.graph(baseline.association(pairs))
    t, _ = timed(lambda: cluster(w, ClusterParams(random_starts=1)), runs=runs)
    b, _ = timed(lambda: baseline.cluster(g), runs=runs)
    ratios["clustering 1 start / networkx Louvain"] = t.median / b.median
    return ratios


def recorded_ratios(path: Path | None = None) -> dict[str, float]:
    """The quick-mode ratios recorded by the last full run (the table between the markers)."""
    path = path or RESULTS
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    if _QUICK_BEGIN not in text:
        return {}
    block = text.split(_QUICK_BEGIN, 1)[1].split(_QUICK_END, 1)[0]
    ratios = {}
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and re.fullmatch(r"[0-9.]+", cells[1]):
            ratios[cells[0]] = float(cells[1])
    return ratios


def regressions(current: dict[str, float], recorded: dict[str, float], *,
                factor: float = REGRESSION_FACTOR) -> list[str]:
    """One line per ratio that is more than ``factor`` times its recorded value."""
    return [
        f"{name}: ratio {current[name]:.3f} is {current[name] / recorded[name]:.1f}x the recorded {recorded[name]:.3f}"
        for name in current
        if name in recorded and recorded[name] > 0 and current[name] > factor * recorded[name]
    ]


def quick(*, runs: int = RUNS) -> int:
    """Measure the quick ratios and compare them with RESULTS.md; the exit status (1 = regression)."""
    start = time.perf_counter()
    current = quick_ratios(runs=runs)
    recorded = recorded_ratios()
    print(f"{'check':<40} {'ratio':>7} {'recorded':>9}")
    for name, ratio in current.items():
        ref = recorded.get(name)
        print(f"{name:<40} {ratio:7.3f} {ref if ref is not None else '-':>9}")
    bad = regressions(current, recorded)
    print(f"quick benchmark: {time.perf_counter() - start:.0f} s")
    if not recorded:
        print(f"no recorded ratios in {RESULTS} (run `python -m benchmarks run` once): nothing to compare")
    for line in bad:
        print(f"REGRESSION {line}")
    return 1 if bad else 0


# -- the full run and RESULTS.md ------------------------------------------------------------------
def full(*, runs: int = RUNS, big: bool = True, million: bool = True, path: Path | None = None) -> Results:
    """Measure everything and write ``path`` (default RESULTS.md); returns the results."""
    path = path or RESULTS
    start = time.perf_counter()
    res = Results()
    scales = (40_000, 400_000) if big else (40_000,)
    print("reading", flush=True)
    for records in scales:
        res.reading += bench_reading(records, runs=runs)
    print("stages", flush=True)
    for records in scales:
        # At 400k the baseline runs once per stage and leaves out Louvain: it takes minutes.
        res.stages[records], res.networks[records] = bench_stages(
            records, runs=runs, baseline_runs=runs if records <= 40_000 else 1, slow_baseline=records <= 40_000)
    if big:
        print("linear growth", flush=True)
        res.growth = bench_growth(runs=runs)
    print("processes", flush=True)
    res.processes = bench_processes(runs=runs, big=big)
    if million:
        print("1,000,000 records", flush=True)
        res.million = bench_million()
    print("quick-mode reference", flush=True)
    res.quick = quick_ratios(runs=runs)
    res.targets = targets(res)
    res.minutes = (time.perf_counter() - start) / 60
    path.write_text(render(res), encoding="utf-8")
    print(f"wrote {path}")
    return res


def targets(res: Results) -> list[Target]:
    """The issue's targets, judged on this run's figures."""
    out: list[Target] = []
    read = {(r["records"], r["input"]): r for r in res.reading}
    for records in sorted({r["records"] for r in res.reading}):
        tab, utf16, plain = (read.get((records, name)) for name in FORMATS)
        scale = f"{records // 1000}k"
        if tab:
            speed = tab["mb"] / tab["bibnet"].median
            out.append(Target(f"parse tab-delimited >= 150 MB/s ({scale})", f"{speed:.0f} MB/s", speed >= 150))
        if tab and utf16:
            a, b = tab["bibnet"].median, utf16["bibnet"].median
            ratio = paired_ratio(utf16["bibnet"], tab["bibnet"])  # the formats' reads take turns
            out.append(Target(f"UTF-16 no slower than UTF-8 in wall time ({scale})",
                              f"{b:.2f} s vs {a:.2f} s; run by run x{ratio:.2f}", ratio <= 1.05,
                              "median of the runs' UTF-16 / UTF-8 ratios; within 5% counts as equal (noise)"))
        if plain:
            speed = plain["mb"] / plain["bibnet"].median
            out.append(Target(f"parse plain text >= 70 MB/s ({scale})", f"{speed:.0f} MB/s", speed >= 70))
    procs = {p["what"]: p for p in res.processes}
    for name, limit_s, limit_mb in (
        ("map 40k, 1 start, no layout", 3.0, 300.0),
        ("map 40k, 10 starts, no layout", 6.0, None),
        (f"analyze 40k, 3 fields, top {LAYOUT_NODES:,}, layout, figures, report", 15.0, None),
        ("map 400k, 10 starts, no layout", 60.0, 3000.0),
    ):
        p = procs.get(name)
        if p is None:
            continue
        t = p["bibnet"].median
        ok = t <= limit_s and (limit_mb is None or p["tree_mb"] <= limit_mb)
        limit = f"<= {limit_s:.0f} s" + (f", <= {limit_mb:,.0f} MB" if limit_mb else "")
        out.append(Target(f"`bibnet {name}` {limit}", f"{t:.1f} s, {p['tree_mb']:,.0f} MB", ok))
    if res.million:
        m = res.million
        if "error" in m:
            out.append(Target("1,000,000 records in 1,000 files within 4 GB", "failed", False, m["error"][:200]))
        else:
            out.append(Target("1,000,000 records in 1,000 files within 4 GB", f"{m['wall']:.0f} s, {m['tree_mb']:,.0f} MB",
                              m["tree_mb"] <= 4096, f"largest single process {m['peak_mb']:,.0f} MB"))
    if 40_000 in res.stages:
        net = res.networks[40_000]
        leiden = next(r for r in res.stages[40_000] if r.what.startswith("clustering, 1 start"))
        out.append(Target(
            f"Leiden on the 40k network ({net['nodes']:,} nodes, {net['links']:,} links) <= 1 s",
            f"{leiden.bibnet.median:.2f} s", leiden.bibnet.median <= 1.0))
        out.append(Target("Leiden quality within 0.05% of the best of 10 seeds",
                          f"{net['quality_gap']:.4%} below", net["quality_gap"] <= 0.0005))
    for what, ratio in growth(res).items():
        if what.startswith(LINEAR):
            out.append(Target(f"linear growth 40k -> 400k: {what}", f"x{ratio:.1f} for 10x records", ratio <= 12.0,
                              "up to x12 counts as linear (noise, caches)"))
    return out


def growth(res: Results) -> dict[str, float]:
    """400k time / 40k time of each stage :func:`bench_growth` measured (10 = linear)."""
    return {g.what: g.ratio for g in res.growth}


def render(res: Results) -> str:
    """RESULTS.md."""
    lines = [
        "# Benchmark results",
        "",
        f"Generated by `python -m benchmarks run` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC in "
        f"{res.minutes:.0f} minutes; do not edit by hand. Times are medians of {RUNS} runs unless a row says "
        "otherwise; every bibnet figure stands next to a baseline measured in the same run (the machine is shared: "
        "compare ratios, not seconds). Inputs: synthetic WoS exports from `make_wos.py` (seed 1, 1,000 records "
        f"per file); network: all keywords, minimum {MIN_OCCURRENCES} occurrences, association strength.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in machine().items()],
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "|---|---|---|",
        *[f"| {t.name} | {t.measured} | {_met(t)} |" for t in res.targets],
        "",
        "## Reading",
        "",
        "Raw-read limit: read the bytes and decode them to `str`, nothing else. pandas: `pd.read_csv` of every "
        "file (all columns), concatenated.",
        "",
        "| records | input | MB | bibnet s | MB/s | raw read s | MB/s | bibnet / raw | pandas s | speed-up vs pandas |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in res.reading:
        t, raw, pd_ = r["bibnet"].median, r["raw"].median, r["pandas"]
        lines.append(
            f"| {r['records']:,} | {r['input']} | {r['mb']:,.0f} | {t:.2f} | {r['mb'] / t:,.0f} | {raw:.2f} | "
            f"{r['mb'] / raw:,.0f} | {t / raw:.1f} | {f'{pd_.median:.2f}' if pd_ else '-'} | "
            f"{f'x{pd_.median / t:.1f}' if pd_ else '- (no pandas reader)'} |"
        )
    for records, rows in res.stages.items():
        net = res.networks[records]
        lines += [
            "",
            f"## Stages, {records:,} records (in process)",
            "",
            f"{net['records']:,} records, {net['keywords']:,} keywords, {net['nodes']:,} with >= {MIN_OCCURRENCES} "
            f"occurrences, {net['links']:,} links; {net['clusters']} clusters (quality {net['quality_1']:.5f} with 1 "
            f"start, {net['quality_10']:.5f} with 10). Layout, figures and report: the {net['layout_nodes']:,} keywords of "
            "greatest total link strength." + (" The baseline ran once per stage here." if records > 40_000 else ""),
            "",
            "| stage | bibnet s | baseline | baseline s | speed-up | note |",
            "|---|---:|---|---:|---:|---|",
        ]
        for row in rows:
            t = f"{row.bibnet.median:.3f}"
            b = f"{row.baseline.median:.3f}" if row.baseline else "-"
            speed = f"x{1 / row.ratio:.1f}" if row.ratio else "-"
            lines.append(f"| {row.what} | {t} | {row.baseline_name} | {b} | {speed} | {row.note} |")
    if res.processes:
        lines += [
            "",
            "## Whole process",
            "",
            "`python -m bibnet ...` from start to exit (imports included). Memory: the largest resident set of one "
            "process (`ru_maxrss`, what `/usr/bin/time -v` reports) and the peak of the whole run, worker processes "
            "included (`analyze` draws its pictures in them) (summed PSS, sampled every 0.1 s); the highest of all runs. "
            "Baseline: "
            "`python -m benchmarks.baseline` (the same pipeline, pandas + networkx, as a process).",
            "",
            "| command | bibnet s | MB, largest process | MB, whole run | baseline s | baseline MB | speed-up | note |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for p in res.processes:
            b, t = p["baseline"], p["bibnet"].median
            if b is None:
                base = "- | - | -"
            else:
                runs = f" ({len(b.times)} run{'s' * (len(b.times) > 1)})" if len(b.times) != RUNS else ""
                base = f"{b.median:.2f}{runs} | {p['baseline_tree_mb']:,.0f} | x{b.median / t:.1f}"
            lines.append(f"| {p['what']} | {t:.2f} | {p['peak_mb']:,.0f} | {p['tree_mb']:,.0f} | {base} | {p.get('note', '')} |")
    if res.million:
        m = res.million
        lines += ["", "## 1,000,000 records", ""]
        raw = f"raw read of the {m['mb']:,.0f} MB: {m['raw'].median:.1f} s ({m['mb'] / m['raw'].median:,.0f} MB/s)"
        if "error" in m:
            lines.append(f"`bibnet map` on {m['files']:,} files failed: {m['error']}. ({raw})")
        else:
            lines.append(
                f"`bibnet map --min-occurrences {MIN_OCCURRENCES} --no-layout` on {m['files']:,} files: {m['wall']:.0f} s, "
                f"peak {m['tree_mb']:,.0f} MB for the whole run, {m['peak_mb']:,.0f} MB for the largest process (one run); "
                f"{m['nodes']:,} keywords, {m['links']:,} links, "
                f"{m['clusters']} clusters. Baseline, {raw}: bibnet takes x{m['wall'] / m['raw'].median:.0f} the raw read."
            )
    if res.growth:
        links = res.networks[400_000]["links"] / res.networks[40_000]["links"] if len(res.networks) > 1 else None
        lines += ["", "## Linear growth", "",
                  "Reading and the record x keyword matrix must cost 10x for 10x records. The two sizes take turns, run "
                  "by run, and the ratio is the median of the runs' ratios, so that the machine's drift does not enter "
                  "it; the baselines take turns of their own, afterwards (their Python objects slow bibnet's runs when "
                  "they share the process), and their growth shows what the machine makes of the same 10x. Times are medians. "
                  "The co-occurrence product grows with "
                  "its output, the links" + (f", which grow x{links:.1f} here." if links else "."),
                  "", "| stage | 40k s | 400k s | 400k / 40k, run by run | baseline | its 400k / 40k |",
                  "|---|---:|---:|---:|---|---:|"]
        lines += [f"| {g.what} | {g.small.median:.3f} | {g.large.median:.3f} | x{g.ratio:.1f} | {g.baseline_name or '-'} | "
                  f"{f'x{g.baseline_ratio:.1f}' if g.baseline else '-'} |" for g in res.growth]
    lines += [
        "",
        "## Quick-mode reference",
        "",
        f"`python -m benchmarks run --quick` measures these bibnet / baseline time ratios on {QUICK_RECORDS:,} records "
        f"and fails when one exceeds {REGRESSION_FACTOR:g} times the value recorded here (lower is better).",
        "",
        _QUICK_BEGIN,
        "| check | ratio |",
        "|---|---:|",
        *[f"| {k} | {v:.4f} |" for k, v in res.quick.items()],
        _QUICK_END,
        "",
    ]
    return "\n".join(lines)


def _met(t: Target) -> str:
    word = "not measured" if t.met is None else "yes" if t.met else "**no**"
    return f"{word} ({t.why})" if t.why else word


def machine() -> dict[str, str]:
    """The machine, the software and the code measured."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kb / 1024 ** 2:.0f} GB"
    except (OSError, AttributeError):
        pass
    versions = []
    for name in VERSIONS:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "bibnet"], cwd=HERE, capture_output=True,
                               text=True).stdout.strip()
        commit = f"{commit}{' + uncommitted changes' if dirty else ''}"
    except OSError:
        commit = "unknown"
    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "memory": memory,
        "system": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "libraries": ", ".join(versions),
        "bibnet commit": commit,
    }


# -- where the memory goes ----------------------------------------------------------------------------
def memory_profile(folder: str | os.PathLike, *, min_occurrences: int = MIN_OCCURRENCES) -> list[tuple[str, float, float]]:
    """Resident memory after each step of a ``bibnet map --no-layout --random-starts 1`` run (the
    same calls, in one process), and the peak within it.

    Run it in a fresh process (``python -m benchmarks memory DIR``). The read is split into
    its inner steps by wrapping the functions :func:`bibnet.read` calls; the peak of each
    step comes from resetting the kernel's high-water mark (``/proc/self/clear_refs``) before it.
    Returns ``(step, MB resident after, MB peak during)`` rows.
    """
    import pyarrow as pa

    import bibnet
    import bibnet.corpus as corpus_module
    from bibnet.network import build_network
    from bibnet.readwrite import save

    rows: list[tuple[str, float, float]] = []
    per_file: dict[str, float] = {"peak": 0.0}

    def mark(step: str) -> None:
        rss, hwm = _rss()
        rows.append((step, rss, hwm))
        print(f"  {step:<52} resident {rss:8,.0f} MB  peak {hwm:8,.0f} MB  "
              f"arrow {pa.total_allocated_bytes() / 2**20:8,.0f} MB", flush=True)
        _reset_peak()

    def wrap(module: Any, name: str, step: str) -> None:
        inner = getattr(module, name)

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            result = inner(*args, **kwargs)
            if step == "file":  # thousands of files: keep the highest, report once
                per_file["peak"] = max(per_file["peak"], _rss()[1])
            else:
                mark(step)
            return result

        setattr(module, name, wrapped)

    wrap(corpus_module, "_standard", "file")
    wrap(corpus_module, "deduplicate", "read: concatenate, to pandas, de-duplicate")
    wrap(corpus_module, "build_report", "read: load report")
    _reset_peak()
    mark("start (imports)")
    records = _quiet(bibnet.read, folder, lean=True)  # as the network commands read
    print(f"  {'(read: highest peak while loading and parsing the files)':<52} {'':>17}  "
          f"peak {per_file['peak']:8,.0f} MB", flush=True)
    rows.insert(1, ("read: load and parse every file (peak)", rows[1][1], per_file["peak"]))
    mark("read: done (Corpus returned)")
    net = build_network(records, min_occurrences=min_occurrences)  # keywords, threshold, co-occurrence
    mark(f"network ({len(net):,} keywords, {net.n_links:,} links)")
    net = net.cluster(random_starts=1)
    mark("clustering (1 start)")
    with tempfile.TemporaryDirectory() as out:
        save(net, out)
    mark("write (map, network, JSON, summary)")
    frame = records.records
    deep = frame.memory_usage(deep=True)
    print("records DataFrame:", ", ".join(f"{c} {deep[c] / 2**20:,.0f} MB" for c in frame.columns), flush=True)
    return rows


def _rss() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    status = Path("/proc/self/status").read_text()
    get = lambda key: int(re.search(rf"{key}:\s+(\d+)", status).group(1)) / 1024  # noqa: E731
    return get("VmRSS"), get("VmHWM")


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:  # not Linux, or not allowed: peaks are then cumulative
        pass

