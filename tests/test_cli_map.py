"""The command line: bibnet map, remap and resolution, on the shipped sample and real VOSviewer files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from bibnet.cli import main
from bibnet.readwrite import read_json, read_vosviewer

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "wos_exports"
VOS = Path(__file__).parent / "data" / "vosviewer"
MAP_HEADER = (
    "id\tlabel\tx\ty\tcluster\tweight<Links>\tweight<Total link strength>\tweight<Occurrences>\t"
    "score<Avg. pub. year>\tscore<Avg. citations>\tscore<Avg. norm. citations>"
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def mapped(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("map")
    code, stdout, stderr = run("map", str(SAMPLE), "--out", str(out), "--min-occurrences", "4")
    assert code == 0, stderr
    assert "read 683 records from 2 files: 683 kept, 0 duplicates removed, 0 skipped" in stderr
    assert "All keywords: 3,591 keywords, 211 occur at least 4 times, 211 mapped" in stdout
    return out


def test_map_writes_vosviewer_files(mapped):
    lines = (mapped / "map.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == MAP_HEADER
    assert len(lines) == 1 + 211
    ids = [int(line.split("\t")[0]) for line in lines[1:]]
    labels = [line.split("\t")[1] for line in lines[1:]]
    assert ids == list(range(1, 212)) and labels == sorted(labels)
    links = np.loadtxt(mapped / "network.txt", delimiter="\t", ndmin=2)
    assert (links[:, 0] < links[:, 1]).all() and len({(a, b) for a, b, _ in links}) == len(links) == 2622
    summary = json.loads((mapped / "summary.json").read_text())
    assert (summary["records"], summary["keywords_total"], summary["keywords_selected"], summary["links"]) == (
        683, 3591, 211, 2622)
    assert summary["clusters"] >= 2 and 0 < summary["quality"] < 1 and summary["layout_quality"] > 0
    assert summary["parameters"]["min_occurrences"] == 4 and summary["parameters"]["clustering"]["random_starts"] == 10


def test_map_files_round_trip(mapped):
    vmap = read_vosviewer(mapped / "map.txt", mapped / "network.txt")
    vjson = read_json(mapped / "map.json")
    assert len(vmap.items) == len(vjson.items) == 211 and len(vmap.links) == len(vjson.links) == 2622
    assert list(vmap.items["label"]) == list(vjson.items["label"])
    assert (vmap.items["cluster"] == vjson.items["cluster"]).all()
    # Links / Total link strength in the map equal the network's degrees and strengths.
    degree = np.bincount(np.r_[vmap.links.source, vmap.links.target], minlength=212)[1:]
    assert (vmap.items["weight<Links>"].to_numpy() == degree).all()
    # JSON carries the author-vs-Keywords-Plus share for all keywords; the map file does not.
    assert "score<Author keyword share>" in vjson.items and "score<Author keyword share>" not in vmap.items


def test_map_output_is_byte_identical_across_processes(mapped, tmp_path):
    env = dict(os.environ, PYTHONHASHSEED="123")
    subprocess.run(
        [sys.executable, "-m", "bibnet", "map", str(SAMPLE), "--out", str(tmp_path), "--min-occurrences", "4"],
        check=True, capture_output=True, env=env,
    )
    for name in ("map.txt", "network.txt", "map.json", "summary.json"):
        assert (tmp_path / name).read_bytes() == (mapped / name).read_bytes(), name


def test_map_no_layout_and_options(tmp_path):
    code, stdout, _ = run(
        "map", str(SAMPLE), "--out", str(tmp_path), "--keywords", "author", "--min-occurrences", "3",
        "--top", "20", "--counting", "fractional", "--no-layout", "--min-cluster-size", "5",
    )
    assert code == 0
    header = (tmp_path / "map.txt").read_text(encoding="utf-8").split("\n", 1)[0].split("\t")
    assert header[:3] == ["id", "label", "cluster"] and "x" not in header and "y" not in header
    vmap = read_vosviewer(tmp_path / "map.txt", tmp_path / "network.txt")
    assert len(vmap.items) == 20 and "x" not in vmap.items
    sizes = vmap.items["cluster"].value_counts()
    assert list(sizes.index) == sorted(sizes.index, key=lambda c: (-sizes[c], c))
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["layout_quality"] is None and summary["parameters"]["counting"] == "fractional"


def test_missing_input_is_one_line_error(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "bibnet", "map", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "o")],
        capture_output=True, text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "nope.txt" in proc.stderr


def test_bad_thesaurus_is_one_line_error(tmp_path):
    bad = tmp_path / "thesaurus.txt"
    bad.write_text("not a thesaurus\n", encoding="utf-8")
    code, _, stderr = run("map", str(SAMPLE), "--out", str(tmp_path / "o"), "--thesaurus", str(bad))
    assert code == 2
    assert stderr.strip().splitlines()[-1].startswith("bibnet: error: ") and "thesaurus.txt line 1" in stderr


def test_remap_existing_vosviewer_network(tmp_path):
    code, stdout, _ = run(
        "remap", str(VOS / "vosviewer-online-docs_example_network.txt"), "--map",
        str(VOS / "vosviewer-online-docs_example_map.txt"), "--out", str(tmp_path),
    )
    assert code == 0
    before = read_vosviewer(VOS / "vosviewer-online-docs_example_map.txt", VOS / "vosviewer-online-docs_example_network.txt")
    after = read_vosviewer(tmp_path / "map.txt", tmp_path / "network.txt")
    assert list(after.items["label"]) == list(before.items["label"])
    for col in ("weight<Documents>", "score<Avg. pub. year>"):
        np.testing.assert_array_equal(after.items[col], before.items[col])
    assert after.items["x"].notna().all() and after.items["cluster"].notna().all()
    assert after.links.equals(before.links)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["items"] == 10 and summary["links"] == 24


def test_resolution_profile_command():
    code, stdout, _ = run("resolution", str(SAMPLE), "--min-occurrences", "4", "--random-starts", "2",
                          "--resolutions", "0.5,1,2", "--csv")
    assert code == 0
    rows = stdout.strip().splitlines()
    assert rows[0] == "resolution,clusters,sizes,quality" and len(rows) == 4
    clusters = [int(r.split(",")[1]) for r in rows[1:]]
    assert clusters == sorted(clusters) and clusters[0] < clusters[-1]


def test_clean_auto_equals_the_suggested_thesaurus(tmp_path):
    code, stdout, _ = run("thesaurus", "suggest", str(SAMPLE), "--out", str(tmp_path / "th.txt"))
    assert code == 0
    assert stdout.startswith("3,591 keywords: 198 variants of 174 keywords would be merged (3,393 keywords after merging)")
    lines = (tmp_path / "th.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "label\treplace by" and "ai\tartificial intelligence" in lines and len(lines) == 199
    assert (tmp_path / "th.csv").read_text(encoding="utf-8-sig").startswith('"label","replace_by","rule"')

    run("map", str(SAMPLE), "--out", str(tmp_path / "auto"), "--min-occurrences", "4", "--clean", "auto", "--no-layout")
    run("map", str(SAMPLE), "--out", str(tmp_path / "file"), "--min-occurrences", "4", "--thesaurus", str(tmp_path / "th.txt"),
        "--no-layout")
    assert (tmp_path / "auto" / "map.txt").read_bytes() == (tmp_path / "file" / "map.txt").read_bytes()
    assert (tmp_path / "auto" / "thesaurus_auto.txt").read_bytes() == (tmp_path / "th.txt").read_bytes()
    summary = json.loads((tmp_path / "auto" / "summary.json").read_text())
    assert summary["cleaning"] == {"rule": "auto", "keywords_merged": 198, "keywords_total_before": 3591,
                                   "keywords_meeting_threshold_before": 211}
    assert (summary["keywords_total"], summary["keywords_meeting_threshold"]) == (3393, 220)


def test_map_without_layout_reads_back_with_remap(tmp_path):
    """VOSviewer Online rejects empty coordinates: a map without layout has no x/y columns, and remap lays it out."""
    assert run("map", str(SAMPLE), "--out", str(tmp_path / "a"), "--min-occurrences", "6", "--no-layout")[0] == 0
    code, _, _ = run("remap", str(tmp_path / "a" / "network.txt"), "--map", str(tmp_path / "a" / "map.txt"),
                     "--out", str(tmp_path / "b"))
    assert code == 0
    before = read_vosviewer(tmp_path / "a" / "map.txt", tmp_path / "a" / "network.txt")
    after = read_vosviewer(tmp_path / "b" / "map.txt", tmp_path / "b" / "network.txt")
    assert after.items["label"].tolist() == before.items["label"].tolist()
    assert after.items[["x", "y"]].notna().all().all() and after.items["x"].abs().max() > 0
    assert after.items["weight<Occurrences>"].tolist() == before.items["weight<Occurrences>"].tolist()


def test_gexf_viz_attributes_read_back(tmp_path):
    """Gephi draws sizes, cluster colours and the layout: viz:size, viz:color and viz:position."""
    import networkx as nx

    from bibnet.palette import cluster_colors

    assert run("map", str(SAMPLE), "--out", str(tmp_path), "--min-occurrences", "6", "--export", "gexf")[0] == 0
    vmap = read_vosviewer(tmp_path / "map.txt", tmp_path / "network.txt")
    graph = nx.read_gexf(tmp_path / "map.gexf")
    items = vmap.items
    w = items["weight<Occurrences>"].to_numpy(float)
    colors = cluster_colors(items["cluster"])
    for i, node in enumerate(items["id"].astype(str)):
        viz = graph.nodes[node]["viz"]
        assert viz["size"] == pytest.approx(max(16 * (w[i] / w.mean()) ** 0.5, 5), abs=1e-4)
        xy = (100 * items["x"][i], 100 * items["y"][i])
        assert (viz["position"]["x"], viz["position"]["y"]) == pytest.approx(xy, abs=0.006)  # map.txt has 4 decimals
        assert "#{r:02x}{g:02x}{b:02x}".format(**viz["color"]) == colors[i]
    assert len({graph.nodes[n]["viz"]["size"] for n in graph.nodes}) > 1


def test_map_exports_graph_formats(tmp_path):
    import networkx as nx

    code, _, _ = run("map", str(SAMPLE), "--out", str(tmp_path), "--min-occurrences", "6", "--no-layout",
                     "--export", "gexf", "--export", "graphml", "--export", "pajek")
    assert code == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    n, m = summary["keywords_selected"], summary["links"]
    for name in ("map.gexf", "map.graphml"):
        graph = nx.read_gexf(tmp_path / name) if name.endswith("gexf") else nx.read_graphml(tmp_path / name)
        assert (graph.number_of_nodes(), graph.number_of_edges()) == (n, m)
    net = (tmp_path / "map.net").read_text(encoding="utf-8").splitlines()
    assert net[0] == f"*Vertices {n}" and len(net) == 1 + n + 1 + m
    assert len((tmp_path / "map.clu").read_text().split()) == 2 + n


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim and /proc: Linux only")
def test_memory_release_returns_freed_memory():
    """Freed blocks below a live one stay resident (400 MB here) until release() hands them back."""
    code = (
        "import numpy as np\n"
        "from bibnet.memory import release\n"
        "def rss(): return int(open('/proc/self/statm').read().split()[1]) * 4096 >> 20\n"
        "blocks = [np.ones(10_000) for _ in range(5_000)]; top = np.ones(10_000)\n"
        "high = rss(); del blocks; before = rss(); release(); after = rss()\n"
        "print(high, before, after)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    high, before, after = map(int, done.stdout.split())
    assert high - before < 50 < 300 < before - after
