"""The whole workflow: examples/ scripts, `bibnet analyze`, and tables that agree with the networks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import bibnet
from bibnet.cli import main
from bibnet.readwrite import read_vosviewer
from bibnet.tables import csv_unescape

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, str]:
    """examples/published_workflow.py, run as a user would, into a fresh folder."""
    out = tmp_path_factory.mktemp("published")
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "published_workflow.py"), str(out)],
                          capture_output=True, text=True, check=True)
    return out, proc.stdout


def test_published_workflow_prints_the_papers_numbers(published):
    _, stdout = published
    assert "metadata of 683 WoS publications (0 duplicates removed)" in stdout
    assert "All keywords: 3,591 keywords, 211 occur at least 4 times, 211 mapped" in stdout
    assert "Author keywords: 2,206 keywords, 62 occur at least 4 times, 62 mapped" in stdout
    assert "Keywords Plus: 1,587 keywords, 126 occur at least 4 times, 126 mapped" in stdout


def test_published_workflow_writes_everything(published):
    out, _ = published
    for field in ("all", "author", "indexed"):
        for name in ("map.txt", "network.txt", "map.json", "summary.json"):
            assert (out / field / name).stat().st_size > 0
    for stem in ("top_keywords", "top_keywords_long", "author_vs_indexed", "clusters", "clusters_author", "clusters_indexed",
                 "summary"):
        for ext in (".csv", ".md", ".tex"):
            assert (out / "tables" / (stem + ext)).exists(), stem + ext
    for figure in ("all_network", "all_overlay_author_share", "all_overlay_year", "all_density", "indexed_network",
                   "author_network", "all_density_cluster", "author_density_cluster", "all_top30_author_vs_indexed"):
        for ext in (".html", ".png", ".svg"):
            assert (out / "figures" / (figure + ext)).stat().st_size > 1000, figure + ext
    assert (out / "figures" / "all_network.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report = (out / "report.html").read_text(encoding="utf-8")
    assert 'href="all/map.txt"' in report and "<script src=" not in report
    methods = (out / "methods.md").read_text(encoding="utf-8")
    assert "Of the 3,591 keywords" in methods and "minimum cluster size 100" in methods
    params = json.loads((out / "parameters.json").read_text())
    assert params["records"] == 683 and params["clustering"]["min_cluster_size"] == 100
    assert params["network"]["min_occurrences"] == 4 and "numpy" in params["software"]


def test_min_cluster_size_100_gives_two_or_three_clusters(published):
    out, _ = published
    summary = json.loads((out / "all" / "summary.json").read_text())
    assert summary["keywords_selected"] == 211 and summary["clusters"] in (2, 3)


def test_tables_equal_the_networks_numbers(published):
    out, _ = published
    maps = {f: read_vosviewer(out / f / "map.txt", out / f / "network.txt").items for f in ("all", "author", "indexed")}
    corpus = bibnet.read(ROOT / "wos_exports")
    counts = bibnet.build_network(corpus, min_occurrences=1).keywords.counts()

    long = pd.read_csv(out / "tables" / "top_keywords_long.csv", encoding="utf-8-sig")
    top = counts.head(40)
    assert [csv_unescape(k) for k in long["Keyword"]] == list(top["label"])
    assert list(long["Occurrences"]) == list(top["occurrences"])
    # Every top keyword that is on the map has the map's Occurrences.
    occ = dict(zip(maps["all"]["label"], maps["all"]["weight<Occurrences>"], strict=True))
    assert all(occ[k] == n for k, n in zip(top["label"], top["occurrences"], strict=True) if k in occ)

    summary = pd.read_csv(out / "tables" / "summary.csv", encoding="utf-8-sig")
    assert list(summary["Field"]) == ["All keywords", "Author keywords", "Keywords Plus"]
    for field, row in zip(("all", "author", "indexed"), summary.to_dict("records"), strict=True):
        s = json.loads((out / field / "summary.json").read_text())
        assert len(maps[field]) == s["keywords_selected"] == row["Mapped"]
        assert (row["Records"], row["Keywords"], row["Meet threshold"], row["Links"], row["Clusters"]) == (
            s["records"], s["keywords_total"], s["keywords_meeting_threshold"], s["links"], s["clusters"])
        assert row["Total link strength"] == pytest.approx(s["total_link_strength"])
        assert row["Quality"] == pytest.approx(s["quality"])

    clusters = pd.read_csv(out / "tables" / "clusters.csv", encoding="utf-8-sig")
    sizes = maps["all"]["cluster"].value_counts().sort_index()
    numbered = clusters[pd.to_numeric(clusters.iloc[:, 0], errors="coerce").notna()]
    assert list(numbered.iloc[:, 1].astype(int)) == list(sizes)


def test_api_tour_runs():
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "api_tour.py")], capture_output=True, text=True, check=True)
    assert "Author keywords: 2,206 keywords, 62 occur at least 4 times" in proc.stdout


def test_compare_fields_matches_the_counts():
    corpus = bibnet.read(ROOT / "wos_exports")
    table = bibnet.compare_fields(corpus, n=5)
    assert len(table) == 5 and table.attrs["overlap"]["n"] == 5
    author = bibnet.build_network(corpus, keywords="author", min_occurrences=1).keywords.counts().head(5)
    assert list(table.iloc[:, 1]) == list(author["label"])


def test_analyze_command_without_figures(tmp_path):
    result = CliRunner().invoke(main, ["analyze", str(ROOT / "wos_exports"), "--out", str(tmp_path), "--min-occurrences", "6",
                                       "--no-figures", "--random-starts", "2"])
    assert result.exit_code == 0, result.output
    assert "Keywords Plus: 1,587 keywords" in result.stdout and result.stdout.strip().splitlines()[-1].startswith("wrote ")
    assert not (tmp_path / "figures").exists() and (tmp_path / "report.html").exists()
