"""Benchmark: keywords -> thresholded co-occurrence matrix on 40,000 synthetic WoS records.

Usage: python -m benchmarks.bench_network [--records 40000] [--repeat 5]

Generates its input with the synthetic WoS generator (benchmarks/make_wos.py) into
benchmarks/data/ when missing, reads it once, then times the keyword stage (split, clean,
document x keyword matrix) and the network stage (threshold, co-occurrence of the kept
keywords, selection, scores) separately; prints medians.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# A copy of the reference collection's generator (shared/tools/make_wos.py), so that a fresh
# clone can make its own inputs.
GENERATOR = HERE / "make_wos.py"


def data_dir(records: int, *, fmt: str = "tab", encoding: str = "utf-8-sig") -> Path:
    """Where the synthetic exports of a size and format live (the names bench_read.py uses too)."""
    size = f"{records // 1000}k" if records % 1000 == 0 else str(records)
    suffix = "_plain" if fmt == "plaintext" else "_utf16" if encoding.startswith("utf-16") else ""
    return HERE / "data" / f"wos{size}{suffix}"


def ensure_data(records: int, *, fmt: str = "tab", encoding: str = "utf-8-sig") -> Path:
    """Folder of synthetic WoS exports, generated once with make_wos.py.

    ``fmt`` is ``"tab"`` or ``"plaintext"``, ``encoding`` ``"utf-8-sig"`` or ``"utf-16le"``.
    The folder appears only once complete (generated under a temporary name first).
    """
    out = data_dir(records, fmt=fmt, encoding=encoding)
    if not out.is_dir():
        if not GENERATOR.exists():
            sys.exit(f"benchmark input {out} is missing and the generator {GENERATOR} is not there")
        tmp = out.with_name(out.name + ".tmp")
        subprocess.run([sys.executable, str(GENERATOR), "--records", str(records), "--out", str(tmp),
                        "--format", fmt, "--encoding", encoding, "--jobs", "2"], check=True,
                       stdout=subprocess.DEVNULL)
        tmp.rename(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=40000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--min-occurrences", type=int, default=4)
    args = parser.parse_args()

    import bibnet
    from bibnet.keywords import extract
    from bibnet.network import _items
    from bibnet.selection import NetworkParams, select

    corpus = bibnet.read(ensure_data(args.records))
    params = NetworkParams(keywords="all", min_occurrences=args.min_occurrences)
    kw_times, net_times = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        occ = extract(corpus.records, "all")
        t1 = time.perf_counter()
        sel = select(occ, params=params)
        items = _items(occ, sel, corpus.records)
        t2 = time.perf_counter()
        kw_times.append(t1 - t0)
        net_times.append(t2 - t1)
    kw, nt = statistics.median(kw_times), statistics.median(net_times)
    print(f"{len(corpus.records):,} records, {len(occ.keys):,} keywords, {occ.matrix.nnz:,} record-keyword pairs")
    print(f"{len(items):,} keywords with >= {args.min_occurrences} occurrences, {sel.cooccurrence.nnz // 2:,} links")
    print(f"keywords (split, clean, matrix): {kw * 1000:.0f} ms   network (threshold, co-occurrence, scores): "
          f"{nt * 1000:.0f} ms   total {(kw + nt) * 1000:.0f} ms  (median of {args.repeat})")


if __name__ == "__main__":
    main()
