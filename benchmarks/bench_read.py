"""Reading speed: 40,000 synthetic WoS records, tab-delimited UTF-8, UTF-16 and plain text.

    python -m benchmarks.bench_read [--records 40000] [--runs 3] [--make-wos PATH]

Inputs are made once by the synthetic WoS generator (``benchmarks/make_wos.py``) into ``benchmarks/data/``
(git-ignored) and reused. For each format it prints the input size, the wall time of
:func:`bibnet.read` (best and median of ``--runs``, after a warm-up read of a small file so
that one-off import and initialisation costs are left out; the first, cold run is shown
too) and the speed in MB/s of input bytes.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import bibnet

HERE = Path(__file__).parent
DATA = HERE / "data"
MAKE_WOS = HERE / "make_wos.py"

#: name -> (sub-directory, make_wos.py options)
INPUTS = {
    "tab UTF-8": ("wos{n}", []),
    "tab UTF-16": ("wos{n}_utf16", ["--encoding", "utf-16le"]),
    "plain text": ("wos{n}_plain", ["--format", "plaintext"]),
}
TARGETS = {"tab UTF-8": 150.0, "tab UTF-16": 150.0, "plain text": 70.0}


def make_inputs(records: int, make_wos: Path) -> dict[str, Path]:
    """Generate the inputs that are missing; return their directories."""
    dirs = {}
    for name, (sub, options) in INPUTS.items():
        out = DATA / sub.format(n=f"{records // 1000}k" if records % 1000 == 0 else records)
        if not any(out.glob("*.txt")):
            if not make_wos.exists():
                sys.exit(f"bench_read: {make_wos} not found (give --make-wos PATH)")
            print(f"generating {out} ...", flush=True)
            cmd = [sys.executable, str(make_wos), "--records", str(records), "--out", str(out), *options]
            subprocess.run(cmd, check=True)
        dirs[name] = out
    return dirs


def bench(path: Path, runs: int) -> tuple[int, list[float]]:
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            corpus = bibnet.read(path)
        times.append(time.perf_counter() - start)
    return len(corpus), times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=40_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--make-wos", type=Path, default=MAKE_WOS)
    args = parser.parse_args(argv)

    dirs = make_inputs(args.records, args.make_wos)
    bibnet.read(HERE.parent / "wos_exports")  # warm-up: imports, kernels, thread pools
    print(f"{'input':<11} {'MB':>7} {'records':>8} {'cold s':>7} {'best s':>7} {'median s':>8} {'MB/s':>6}  target")
    for name, path in dirs.items():
        size = sum(f.stat().st_size for f in path.glob("*.txt")) / 1e6
        n, times = bench(path, args.runs)
        best, median = min(times[1:]), statistics.median(times[1:])
        ok = "ok" if size / median >= TARGETS[name] else "BELOW"
        print(
            f"{name:<11} {size:7.1f} {n:8d} {times[0]:7.2f} {best:7.2f} {median:8.2f} "
            f"{size / median:6.0f}  >= {TARGETS[name]:.0f} {ok}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
