"""Reading speed of the BibTeX reader (Scopus and Web of Science exports), against a plain Python loop.

    python -m benchmarks.bench_read_bibtex [--mb 150] [--runs 3]

Inputs are made once into ``benchmarks/data/`` (git-ignored) by scaling up the real samples of
``tests/data/bibtex/`` (a 2026 Scopus export: TAB-indented, one line per field, long abstracts;
a Web of Science export: double braces, values wrapped onto continuation lines, cited
references): the entries are repeated, with renumbered EIDs / WOS ids, up to ``--mb`` megabytes.
For each input it prints the size, the best and median wall time of ``load`` + the reader's
``read`` (the columns :func:`bibnet.read` asks for) over ``--runs`` runs after a warm-up (which
also compiles or loads the numba kernel), the speed in MB/s, and the same for the baseline the
issue names for tagged text: a plain Python loop over the lines (decode, split into lines, one
dict of field -> value per entry), measured in the same run, and the ratio of the two.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bibnet.corpus import DEFAULT_COLUMNS
from bibnet.readers.bibtex import Bibtex
from bibnet.readers.text import load

HERE = Path(__file__).parent
DATA = HERE / "data"
SAMPLES = HERE.parent / "tests" / "data" / "bibtex"
COLUMNS = (*DEFAULT_COLUMNS, "AB", "AU")
TARGET = 150.0  # MB/s, the target for text readers

#: name -> (sample, identifier pattern to renumber)
INPUTS = {
    "Scopus": ("dns-eq_scopus_export_2026.bib", rb"eid=2-s2\.0-\d+"),
    "WoS": ("pybibx_wos.bib", rb"WOS:\d+"),
}
_FIELD = re.compile(r"\s*([A-Za-z][\w-]*)\s*=\s*\{+(.*?)\}*,?$")


def make_input(name: str, sample: str, mb: int) -> Path:
    """The sample's entries repeated up to ``mb`` MB (made once), identifiers numbered afresh."""
    out = DATA / f"bibtex_{name.lower()}_{mb}mb.bib"
    if out.exists():
        return out
    raw = (SAMPLES / sample).read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if bom else raw
    head, at, entries = body.partition(b"\n@")  # the Scopus preamble is written once
    entries = at[1:] + entries
    if not entries.endswith(b"\n"):
        entries += b"\n"
    copies = max(1, mb * 1_000_000 // len(entries))
    counter = iter(range(10**9))

    def renumber(match: re.Match[bytes]) -> bytes:
        return re.sub(rb"\d+$", b"%d" % (10**12 + next(counter)), match.group(0))

    DATA.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:
        fh.write((b"\xef\xbb\xbf" if bom else b"") + head + b"\n")
        for _ in range(copies):
            fh.write(re.sub(INPUTS[name][1], renumber, entries))
    return out


def baseline(path: Path) -> int:
    """A plain Python reader: every line looked at once, one dict of field -> value per entry."""
    records = []
    record: dict[str, str] = {}
    name = ""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        text = fh.read()
    for line in text.split("\n"):
        if line.startswith("@"):
            if record:
                records.append(record)
            record, name = {}, ""
            continue
        field = _FIELD.match(line)
        if field:
            name = field.group(1).lower()
            record[name] = field.group(2)
        elif line.startswith("   ") and name:
            record[name] += " " + line.strip().rstrip("},")
    if record:
        records.append(record)
    return len(records)


def timed(fn: Callable[[], int], runs: int) -> tuple[int, list[float]]:
    fn()  # warm-up: page cache, imports, the numba kernel
    times = []
    n = 0
    for _ in range(runs):
        start = time.perf_counter()
        n = fn()
        times.append(time.perf_counter() - start)
    return n, times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=150, help="size of each input (MB)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    print(f"{'input':<7} {'MB':>6} {'records':>8} {'best s':>7} {'median s':>8} {'MB/s':>6} "
          f"{'loop MB/s':>9} {'x loop':>6}  target {TARGET:.0f} MB/s")
    for name, (sample, _) in INPUTS.items():
        path = make_input(name, sample, args.mb)
        size = path.stat().st_size / 1e6

        def read(path: Path = path) -> int:
            return Bibtex().read(load(path), columns=COLUMNS).table.num_rows

        n, times = timed(read, args.runs)
        _, base = timed(lambda path=path: baseline(path), args.runs)
        best, median = min(times), statistics.median(times)
        speed, loop = size / median, size / statistics.median(base)
        ok = "ok" if speed >= TARGET else "BELOW"
        print(f"{name:<7} {size:6.1f} {n:8d} {best:7.2f} {median:8.2f} {speed:6.0f} {loop:9.0f} {speed / loop:6.1f}  {ok}")


if __name__ == "__main__":
    main()
