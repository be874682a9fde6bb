"""Size of report.html for a large corpus: 40,000 synthetic records, 1,000 keywords per field.

    python -m benchmarks.bench_report_size [--records 40000] [--top 1000] [--data FOLDER]

Target (issue 20): report.html, with its keyword explorer (every mapped keyword's documents
and strongest links, three fields), stays under 25 MB. Runs ``bibnet analyze --top N
--no-static`` as a user runs it, on the synthetic exports of benchmarks/make_wos.py (made
once, or ``--data``), and prints the file's size and what it is made of: plotly.js, the
figures, the shared document table and the keywords' document lists and links. Exits 1 over
the target.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_network import ensure_data

HERE = Path(__file__).resolve().parent
TARGET_MB = 25.0
MIN_OCCURRENCES = 4


def parts(page: str) -> dict[str, int]:
    """Bytes of each part of a report: plotly.js, figure specs, document table, keyword data, the rest."""
    size = {"total": len(page.encode("utf-8"))}
    start = page.index("* plotly.js v")
    size["plotly.js"] = len(page[start:page.index("</script>", start)].encode("utf-8"))
    specs = re.findall(r'<script type="application/json" id="figure-\d+-data">(.*?)</script>', page, flags=re.S)
    size["figures"] = sum(len(s.encode("utf-8")) for s in specs)
    raw = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, flags=re.S)
    data = json.loads(raw.group(1)) if raw else {"docs": {}, "fields": []}
    size["document table"] = len(json.dumps(data["docs"], ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    size["keywords: document lists"] = sum(len(json.dumps(f["docs"], separators=(",", ":"))) for f in data["fields"])
    size["keywords: labels, links, rest"] = (len(raw.group(1).encode("utf-8")) if raw else 0) - size["document table"] \
        - size["keywords: document lists"]
    size["rest of the page"] = size["total"] - sum(v for k, v in size.items() if k != "total")
    size["documents"] = len(data["docs"].get("title", []))
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=40000)
    parser.add_argument("--top", type=int, default=1000)
    parser.add_argument("--data", type=Path, help="folder of WoS exports (default: synthetic, made once)")
    args = parser.parse_args()
    data = args.data or ensure_data(args.records)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        subprocess.run([sys.executable, "-m", "bibnet", "analyze", str(data), "--min-occurrences", str(MIN_OCCURRENCES),
                        "--top", str(args.top), "--no-static", "--out", str(out)], check=True, capture_output=True,
                       cwd=HERE.parent)
        size = parts((out / "report.html").read_text(encoding="utf-8"))
    print(f"report.html of {data} (--top {args.top}, --min-occurrences {MIN_OCCURRENCES}, --no-static):")
    for name, value in size.items():
        if name != "documents":
            print(f"  {name:32s} {value / 1e6:8.2f} MB")
    print(f"  {'documents in the table':32s} {size['documents']:8,d}")
    ok = size["total"] / 1e6 < TARGET_MB
    print(f"{'within' if ok else 'OVER'} the target of {TARGET_MB:g} MB")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
