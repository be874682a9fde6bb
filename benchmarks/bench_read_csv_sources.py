"""Reading speed of the CSV readers (Scopus, Lens.org, Dimensions, OpenAlex web CSV) against pandas.

    python -m benchmarks.bench_read_csv_sources [--mb 100] [--runs 3]

Inputs are made once into ``benchmarks/data/`` (git-ignored) by repeating the records of a
real sample from ``tests/data/`` (the Dimensions one is synthetic, see its README) after its
header until the file has ``--mb`` megabytes. For each format it prints the best of ``--runs``
wall times of bibnet's reader (load, recognise and read the columns :func:`bibnet.read`
asks for) and of the baseline, pandas ``read_csv`` of the same columns as text (C engine),
measured in the same run, both in MB/s of input bytes, and their ratio. The target is
150 MB/s for the reader.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from bibnet.readers import detect, load

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
TARGET = 150.0
#: Columns bibnet.read asks a reader for (corpus.DEFAULT_COLUMNS with AB and AU).
COLUMNS = ("UT", "PT", "DI", "TI", "SO", "DT", "DE", "ID", "PY", "TC", "Z9", "DA", "AB", "AU")

#: name -> (sample, header lines before the records, its columns that the reader reads)
INPUTS = {
    "scopus-csv": ("scopus/public-datasets_scopus.csv", 1,
                   ["EID", "DOI", "Title", "Source title", "Document Type", "Author Keywords", "Index Keywords",
                    "Year", "Cited by", "Abstract", "Authors"]),
    "lens-csv": ("lens/public-datasets_lens-export.csv", 1,
                 ["Lens ID", "DOI", "Title", "Source Title", "Publication Type", "Keywords", "MeSH Terms",
                  "Publication Year", "Citing Works Count", "Abstract", "Author/s"]),
    "dimensions-csv": ("dimensions/dimensions_synthetic.csv", 2,
                       ["Publication ID", "DOI", "Title", "Source title", "Publication Type", "MeSH terms", "PubYear",
                        "Times cited", "Abstract", "Authors"]),
    "openalex-csv": ("openalex_csv/bibliometrix_openalex_sample.csv", 1,
                     ["id", "doi", "display_name", "primary_location.source.display_name", "type", "publication_year",
                      "cited_by_count", "abstract", "authorships.author.display_name"]),
}


def make_input(name: str, sample: str, header_lines: int, mb: int) -> Path:
    """``sample``'s header and its records repeated up to ``mb`` megabytes (made once)."""
    out = DATA / f"csv_{name}_{mb}mb.csv"
    if out.exists():
        return out
    raw = (ROOT / "tests" / "data" / sample).read_bytes()
    newline = b"\r\n" if b"\r\n" in raw else b"\n"
    parts = raw.split(newline)
    head = newline.join(parts[:header_lines]) + newline
    body = newline.join(parts[header_lines:]).rstrip(newline) + newline
    copies = max(1, (mb * 1_000_000 - len(head)) // len(body) + 1)
    DATA.mkdir(parents=True, exist_ok=True)
    out.write_bytes(head + body * copies)
    print(f"generated {out.relative_to(ROOT)}", flush=True)
    return out


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def read_bibnet(path: Path) -> int:
    text = load(path)
    return detect(text).read(text, columns=COLUMNS).table.num_rows


def read_pandas(path: Path, skip: int, usecols: list[str]) -> int:
    return len(pd.read_csv(path, skiprows=skip, usecols=usecols, dtype=str, encoding="utf-8-sig", engine="c"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"{'format':<15} {'MB':>6} {'records':>8} {'bibnet MB/s':>11} {'pandas MB/s':>11} {'ratio':>6}  target")
    for name, (sample, header_lines, usecols) in INPUTS.items():
        path = make_input(name, sample, header_lines, args.mb)
        size = path.stat().st_size / 1e6
        records = read_bibnet(path)  # warm-up
        ours = best(lambda p=path: read_bibnet(p), args.runs)
        theirs = best(lambda p=path, s=header_lines - 1, u=usecols: read_pandas(p, s, u), args.runs)
        ok = "ok" if size / ours >= TARGET else "BELOW"
        print(f"{name:<15} {size:6.1f} {records:8d} {size / ours:11.0f} {size / theirs:11.0f} {theirs / ours:6.1f}  "
              f">= {TARGET:.0f} {ok}", flush=True)


if __name__ == "__main__":
    main()
