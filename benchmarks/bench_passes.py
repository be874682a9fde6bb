"""Counting in two passes at scale: the local engine, a Dask LocalCluster, and 10 million records.

    python -m benchmarks.bench_passes [--records 1000000] [--ten-million]

Targets (issue 21), on synthetic WoS exports of benchmarks/make_wos.py (1,000 records a file):

- local engine, 1,000,000 records: ``bibnet map --min-occurrences 4 --no-layout`` in at most
  60 s and 1.5 GB for the whole process tree (the command and its workers);
- Dask ``LocalCluster`` of 2 workers (``--engine dask --workers 2``): within 1.3x the local
  engine's time at 1,000,000 records, with the bytes each task sends to the reduction;
- 10,000,000 records (``--ten-million``: ten renamed copies of the 1,000,000, about 29 GB,
  :func:`ten_million_data`; ``--min-occurrences 40``, the same map): peak memory of the whole
  run at most 4 GB, counting time per record within 1.2x of the 1,000,000 run.

Each command runs as a user runs it (a process, its memory summed over the process tree). A
second, library run splits the time into the stages: counting (both passes), selecting the
network, clustering. The baseline measured in the same run is the raw read of the files
(bytes read and decoded). Writes benchmarks/RESULTS_PASSES.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import baseline
from benchmarks.bench_network import ensure_data
from benchmarks.suite import bibnet_command, run_process

HERE = Path(__file__).resolve().parent
MIN_OCCURRENCES = 4

#: The library run, in a process of its own: the time of each stage, and the Dask traffic.
_STAGES = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
import bibnet
from bibnet.passes import count_files, network
from bibnet.passes.engines import EngineParams, DaskEngine
folder, engine, min_occ = sys.argv[1], sys.argv[2], int(sys.argv[3])
params = bibnet.NetworkParams(min_occurrences=min_occ)
out = {}
t = time.perf_counter()
if engine == "dask":
    from distributed import Client, LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        import bibnet.passes.engines as engines
        made = []
        original = engines.DaskEngine.__init__
        def keep(self, client):
            original(self, client)
            made.append(self)
        engines.DaskEngine.__init__ = keep
        t = time.perf_counter()
        counted = count_files(folder, network_params=params, client=client)
        traffic = made[0].traffic
        out["tasks"], out["sent"] = traffic.tasks, traffic.sent
else:
    counted = count_files(folder, network_params=params, engine_params=EngineParams())
out["count"] = time.perf_counter() - t
t = time.perf_counter()
net = network(counted, params=params)
out["network"] = time.perf_counter() - t
t = time.perf_counter()
net = net.cluster(random_starts=1)
out["cluster"] = time.perf_counter() - t
out["keywords"], out["links"], out["records"] = len(net), net.n_links, counted.report.records
print(json.dumps(out))
"""


def whole_run(folder: Path, *engine: str, min_occurrences: int = MIN_OCCURRENCES) -> dict[str, Any]:
    """``bibnet map`` as a user runs it: wall time, peak of the largest process and of the tree."""
    out = Path(tempfile.mkdtemp(prefix="bibnet-bench-passes-"))
    try:
        run = run_process(bibnet_command("map", str(folder), "--out", str(out / "map"), "--min-occurrences",
                                         str(min_occurrences), "--no-layout", *engine))
        summary = json.loads((out / "map" / "summary.json").read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {"wall": run.wall, "peak_mb": run.peak_mb, "tree_mb": run.tree_mb, "worker_mb": run.worker_mb,
            "keywords": summary["keywords_selected"],
            "links": summary["links"], "records": summary["records"]}


def stages(folder: Path, engine: str, *, min_occurrences: int = MIN_OCCURRENCES) -> dict[str, Any]:
    """The library run's stage times (and, on Dask, the bytes the tasks sent)."""
    done = subprocess.run([sys.executable, "-c", _STAGES, str(folder), engine, str(min_occurrences)], check=True,
                          capture_output=True, text=True, cwd=HERE.parent)
    return json.loads(done.stdout.strip().splitlines()[-1])


def raw(folder: Path) -> float:
    """Seconds to read and decode every file (the baseline)."""
    files = baseline.export_files(folder)
    start = time.perf_counter()
    baseline.raw_read(files)
    return time.perf_counter() - start


def ten_million_data(million: Path) -> Path:
    """10,000,000 records: ten copies of the 1,000,000 of ``million``, each with accession numbers
    of its own (``WOS:0...`` becomes ``WOS:c...`` in copy ``c``), written once.

    Writing 29 GB afresh with make_wos.py takes over an hour of both cores here; copies take
    minutes. They are 10,000,000 distinct records (their UTs differ, so none is a duplicate) whose
    keywords occur ten times as often: the map at ``--min-occurrences 40`` is the 1,000,000
    records' map at 4.
    """
    out = HERE / "data" / "wos10m_copies"
    if not out.is_dir():
        tmp = out.with_name(out.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for copy in range(10):
            for path in sorted(million.glob("*.txt")):
                data = path.read_bytes().replace(b"WOS:0", f"WOS:{copy}".encode())
                (tmp / f"{path.stem}_c{copy}.txt").write_bytes(data)
        tmp.rename(out)
    return out


_HEAD = ("| engine | wall s | tree peak MB | largest process MB | largest worker MB | keywords | links |",
         "|---|---:|---:|---:|---:|---:|---:|")


def _row(name: str, r: dict[str, Any]) -> str:
    return (f"| {name} | {r['wall']:.1f} | {r['tree_mb']:,.0f} | {r['peak_mb']:,.0f} | {r.get('worker_mb', 0):,.0f} | "
            f"{r['keywords']:,} | {r['links']:,} |")


def render(res: dict[str, Any]) -> str:
    """RESULTS_PASSES.md."""
    m, lines = res["million"], []
    lines += ["# Counting in two passes: results", "",
              f"Generated by `python -m benchmarks.bench_passes` on {res['date']} "
              f"({res['machine']}); do not edit by hand. Commands as a user runs them, each once; memory is the "
              "peak of the process tree (the command and its workers, summed PSS), of its largest process, and "
              "of its largest worker (sampled PSS).", "",
              f"## {m['records']:,} records ({m['files']:,} files, {m['mb']:,.0f} MB)", "",
              f"Baseline, raw read and decode of the files: {m['raw']:.1f} s.", "",
              *_HEAD]
    for name in ("local", "dask"):
        lines.append(_row(name, m[name]))
    ratio = m["dask"]["wall"] / m["local"]["wall"]
    lines += ["", f"Dask LocalCluster (2 workers) / local engine: x{ratio:.2f} (target at most x1.3).", "",
              "Stages of the library run (seconds; clustering with 1 random start):", "",
              "| engine | count (2 passes) | network | cluster |",
              "|---|---:|---:|---:|"]
    for name in ("local", "dask"):
        s = m[f"stages_{name}"]
        lines.append(f"| {name} | {s['count']:.1f} | {s['network']:.1f} | {s['cluster']:.1f} |")
    sd = m["stages_dask"]
    per_task = [sent / tasks for sent, tasks in zip(sd["sent"], sd["tasks"], strict=True)]
    lines += ["", "Bytes the Dask tasks sent to the reduction: " + "; ".join(
        f"pass {i + 1}: {sent / 1e6:,.1f} MB in all, {per:,.0f} bytes per task ({tasks:,} tasks)"
        for i, (sent, per, tasks) in enumerate(zip(sd["sent"], per_task, sd["tasks"], strict=True))) + "."]
    if "ten" in res:
        t = res["ten"]
        lo, st = t["local"], t["stages_local"]
        per_m, per_t = m["stages_local"]["count"] / m["records"], st["count"] / t["records"]
        lines += ["", f"## {t['records']:,} records ({t['files']:,} files, {t['mb']:,.0f} MB)", "",
                  "Ten copies of the 1,000,000 records, each with accession numbers of its own; "
                  f"`--min-occurrences {10 * MIN_OCCURRENCES}`. Baseline, raw read and decode: {t['raw']:.0f} s.", "",
                  *_HEAD, _row("local", lo), "",
                  f"Library run: counting {st['count']:.1f} s, network {st['network']:.1f} s, clustering (1 start) "
                  f"{st['cluster']:.1f} s. Counting time per record x{per_t / per_m:.2f} of the 1,000,000 run "
                  "(target at most x1.2)."]
    return "\n".join(lines) + "\n"


def measure(folder: Path, *, min_occurrences: int = MIN_OCCURRENCES) -> dict[str, Any]:
    files = baseline.export_files(folder)
    out: dict[str, Any] = {"files": len(files), "mb": sum(f.stat().st_size for f in files) / 1e6, "raw": raw(folder)}
    out["local"] = whole_run(folder, min_occurrences=min_occurrences)
    print(f"  local: {out['local']['wall']:.1f} s, {out['local']['tree_mb']:.0f} MB", flush=True)
    out["records"] = out["local"]["records"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--ten-million", action="store_true", help="also the 10,000,000-record run")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS_PASSES.md")
    args = parser.parse_args()
    folder = ensure_data(args.records)
    million = measure(folder)
    million["dask"] = whole_run(folder, "--engine", "dask", "--workers", "2")
    print(f"  dask: {million['dask']['wall']:.1f} s, {million['dask']['tree_mb']:.0f} MB", flush=True)
    million["stages_local"], million["stages_dask"] = stages(folder, "local"), stages(folder, "dask")
    res: dict[str, Any] = {"million": million, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                           "machine": f"{platform.machine()}, Python {platform.python_version()}"}
    if args.ten_million:
        ten = ten_million_data(folder)
        res["ten"] = measure(ten, min_occurrences=10 * MIN_OCCURRENCES)
        res["ten"]["stages_local"] = stages(ten, "local", min_occurrences=10 * MIN_OCCURRENCES)
    args.out.write_text(render(res), encoding="utf-8")
    (args.out.with_suffix(".json")).write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
