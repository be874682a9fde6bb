"""Reading speed of the tagged-text readers: PubMed MEDLINE and RIS, against a plain Python loop.

    python -m benchmarks.bench_read_tagged [--mb 100] [--runs 3]

Inputs are made once into ``benchmarks/data/`` (git-ignored) by scaling up real samples of
``tests/data/`` (PubMed "Save > PubMed format" file, CRLF; Scopus RIS, with references on
untagged lines; Web of Science RIS): the records are repeated, with renumbered PMIDs / ANs,
up to ``--mb`` megabytes. For each input it prints the size, the best and median wall time of
``load`` + the reader's ``read`` (the columns :func:`bibnet.read` asks for) over ``--runs`` runs
after a warm-up, the speed in MB/s, and the same for the baseline the issue names: a plain
Python loop over the lines (decode, split into lines, one dict of tag -> values per record),
measured in the same run, and the ratio of the two; the speed of ``load`` alone (decoding,
line ends: shared by every reader) shows what part is the reader's own. Last, the speed of :func:`bibnet.read` on the
same bytes as four files in one directory (as ``benchmarks/bench_read.py`` measures: two files
are read at a time, on the machine's two cores; duplicates and the load report included).
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import bibnet
from bibnet.corpus import DEFAULT_COLUMNS
from bibnet.readers.pubmed import PubMed
from bibnet.readers.ris import Ris
from bibnet.readers.text import load

HERE = Path(__file__).parent
DATA = HERE / "data"
SAMPLES = HERE.parent / "tests" / "data"
COLUMNS = (*DEFAULT_COLUMNS, "AB")
TARGET = 150.0  # MB/s, the target for text readers

#: name -> (sample, reader, record-start pattern, identifier pattern to renumber)
INPUTS = {
    "PubMed": ("pubmed/pybibx_pubmed.txt", PubMed(), rb"PMID- ", rb"(?m)^PMID- \d+"),
    "RIS Scopus": ("ris/bibliotobler_scopus.ris", Ris(), rb"TY  - ", rb"eid=2-s2\.0-\d+"),
    "RIS WoS": ("ris/bibliotobler_wos_savedrecs.ris", Ris(), rb"TY  - ", rb"(?m)^AN  - WOS:\w+"),
}


def make_input(name: str, sample: str, mb: int) -> Path:
    """The sample repeated up to ``mb`` MB (made once), identifiers numbered afresh."""
    out = DATA / f"tagged_{name.replace(' ', '_').lower()}_{mb}mb{Path(sample).suffix}"
    if out.exists():
        return out
    raw = (SAMPLES / sample).read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if bom else raw
    if not body.endswith(b"\n"):
        body += b"\n"
    copies = max(1, mb * 1_000_000 // len(body))
    counter = iter(range(10**9))
    pattern = INPUTS[name][3]
    def renumber(match: re.Match[bytes]) -> bytes:
        return re.sub(rb"\w+$", b"%d" % (10**8 + next(counter)), match.group(0))

    DATA.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:
        fh.write(b"\xef\xbb\xbf" if bom else b"")
        for _ in range(copies):
            fh.write(re.sub(pattern, renumber, body))
    return out


def split(path: Path, parts: int = 4) -> Path:
    """``path`` cut into ``parts`` files of whole records, in a directory of their own (made once)."""
    out = path.with_suffix(".parts")
    if out.exists():
        return out
    raw = path.read_bytes()
    start = INPUTS[next(n for n in INPUTS if path.name.startswith(f"tagged_{n.replace(' ', '_').lower()}_"))][2]
    cuts = [0]
    for k in range(1, parts):
        cuts.append(raw.index(b"\n" + start, len(raw) * k // parts) + 1)
    cuts.append(len(raw))
    out.mkdir()
    for k in range(parts):
        (out / f"part{k}{path.suffix}").write_bytes(raw[cuts[k]:cuts[k + 1]])
    return out


def read_all(directory: Path) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return len(bibnet.read(directory))


def baseline(path: Path) -> int:
    """A plain Python reader: every line looked at once, one dict of tag -> values per record."""
    records = []
    record: dict[str, list[str]] = {}
    tag = ""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        text = fh.read()
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if len(line) >= 6 and line[4:6] == "- " and line[:1].isupper():
            tag = line[:4].rstrip()
            if tag in ("PMID", "TY") and record:
                records.append(record)
                record = {}
            record.setdefault(tag, []).append(line[6:])
        elif line.strip() and tag:
            record[tag][-1] += " " + line.strip()
    if record:
        records.append(record)
    return len(records)


def timed(fn: Callable[[], int], runs: int) -> tuple[int, list[float]]:
    fn()  # warm-up: page cache, imports, regex compilation
    times = []
    n = 0
    for _ in range(runs):
        start = time.perf_counter()
        n = fn()
        times.append(time.perf_counter() - start)
    return n, times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100, help="size of each input (MB)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    print(f"{'input':<11} {'MB':>6} {'records':>8} {'best s':>7} {'median s':>8} {'MB/s':>6} "
          f"{'loop MB/s':>9} {'x loop':>6} {'load MB/s':>9} {'read() 4 files MB/s':>19}  target {TARGET:.0f} MB/s")
    for name, (sample, reader, _, _) in INPUTS.items():
        path = make_input(name, sample, args.mb)
        size = path.stat().st_size / 1e6

        def read(path: Path = path, reader: PubMed | Ris = reader) -> int:
            return reader.read(load(path), columns=COLUMNS).table.num_rows

        n, times = timed(read, args.runs)
        _, base = timed(lambda path=path: baseline(path), args.runs)
        _, loading = timed(lambda path=path: len(load(path).data), args.runs)
        parts = split(path)
        _, whole = timed(lambda parts=parts: read_all(parts), args.runs)
        best, median = min(times), statistics.median(times)
        speed, loop, together = size / median, size / statistics.median(base), size / statistics.median(whole)
        ok = "ok" if speed >= TARGET else "BELOW"
        print(f"{name:<11} {size:6.1f} {n:8d} {best:7.2f} {median:8.2f} {speed:6.0f} {loop:9.0f} {speed / loop:6.1f} "
              f"{size / statistics.median(loading):9.0f} {together:19.0f}  {ok}")


if __name__ == "__main__":
    main()
