"""Reading speed of OpenAlex works JSON: snapshot JSON Lines (plain and gzip) and an API-style page.

    python -m benchmarks.bench_read_openalex [--copies 80] [--runs 5]

The input is the real API page in ``tests/data/openalex/`` (65 works, 1.4 MB) scaled up:
its works repeated ``--copies`` times with new ids, written once into ``benchmarks/data/openalex/``
(git-ignored) as JSON Lines (one ``json.dumps`` line per work, as in the snapshot), the same
gzip-compressed, and one pretty-printed page ``{"meta": ..., "results": [...]}``.

For each, the best of ``--runs`` timings of opening, recognising and reading the file with
every schema column asked for (:func:`bibnet.readers.read_file`, what :func:`bibnet.read`
does per file), in MB/s of uncompressed JSON. The baseline, timed in the same run: reading
the JSON Lines file and ``json.loads`` on each line, building the works and nothing else.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import time
from collections.abc import Callable
from pathlib import Path

from bibnet.readers import read_file

HERE = Path(__file__).parent
SAMPLE = HERE.parent / "tests" / "data" / "openalex" / "bibliographer_openalex.json"
DATA = HERE / "data" / "openalex"
COLUMNS = ("UT", "DI", "TI", "AU", "SO", "PY", "TC", "DT", "PT", "DE", "ID", "AB", "DA", "Z9")
TARGET = 50.0  # MB/s, JSON Lines


def make_inputs(copies: int) -> dict[str, Path]:
    """Write the inputs that are missing; return them by name."""
    DATA.mkdir(parents=True, exist_ok=True)
    paths = {
        "JSON Lines": DATA / f"works_x{copies}.jsonl",
        "JSON Lines gzip": DATA / f"works_x{copies}.jsonl.gz",
        "API page": DATA / f"page_x{copies}.json",
    }
    if all(p.exists() for p in paths.values()):
        return paths
    page = json.loads(SAMPLE.read_text(encoding="utf-8"))
    works = []
    for copy in range(copies):
        for work in page["results"]:
            work = dict(work, id=f"{work['id']}{copy:04d}")  # distinct ids, as distinct works have
            works.append(work)
    lines = "".join(json.dumps(work, ensure_ascii=False) + "\n" for work in works).encode("utf-8")
    paths["JSON Lines"].write_bytes(lines)
    paths["JSON Lines gzip"].write_bytes(gzip.compress(lines, compresslevel=6, mtime=0))
    big_page = {"meta": dict(page["meta"], count=len(works)), "results": works}
    paths["API page"].write_text(json.dumps(big_page, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return paths


def best(run: Callable[[], int], runs: int) -> tuple[float, int]:
    """The best wall time of ``runs`` runs, and what the run returned (the number of works)."""
    times, n = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        n = run()
        times.append(time.perf_counter() - start)
    return min(times), n


def count_works(path: Path) -> int:
    """Open, recognise and read ``path`` as :func:`bibnet.read` does per file; the number of works."""
    return read_file(str(path), columns=COLUMNS)[2].table.num_rows


def baseline(path: Path) -> int:
    """``json.loads`` per line, the plain-Python way to read JSON Lines."""
    with open(path, encoding="utf-8") as fh:
        return sum(1 for line in fh if line.strip() and json.loads(line) is not None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=80, help="copies of the 65 sample works (80: about 75 MB)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    paths = make_inputs(args.copies)
    read_file(str(SAMPLE), columns=COLUMNS)  # warm-up: imports
    lines_mb = paths["JSON Lines"].stat().st_size / 1e6
    base_s, base_n = best(lambda: baseline(paths["JSON Lines"]), args.runs)
    print(f"{'input':<16} {'MB':>6} {'works':>7} {'best s':>7} {'MB/s':>6}")
    print(f"{'json.loads/line':<16} {lines_mb:6.1f} {base_n:7d} {base_s:7.2f} {lines_mb / base_s:6.0f}  (baseline)")
    for name, path in paths.items():
        size = lines_mb if name == "JSON Lines gzip" else path.stat().st_size / 1e6  # uncompressed JSON
        seconds, n = best(functools.partial(count_works, path), args.runs)
        note = f"target >= {TARGET:.0f}: {'ok' if size / seconds >= TARGET else 'BELOW'}" if name == "JSON Lines" else ""
        print(f"{name:<16} {size:6.1f} {n:7d} {seconds:7.2f} {size / seconds:6.0f}  "
              f"{base_s / seconds * size / lines_mb:.2f}x baseline  {note}")


if __name__ == "__main__":
    main()
