"""The benchmark suite's machinery: the baseline counts what bibnet counts, process runs are
measured, and the quick regression check compares ratios with RESULTS.md correctly.

No test here looks at a time: the quick benchmark itself runs outside the test suite
(``python -m benchmarks run --quick``, which also works in a fresh clone).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import bibnet
from benchmarks import baseline, suite
from benchmarks.__main__ import main
from bibnet.normalize import normalize

DATA = Path(__file__).parent / "data" / "wos" / "tab"


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> Path:
    """A folder with two real tab-delimited exports (UTF-8 and the UTF-16 copy of another)."""
    folder = tmp_path_factory.mktemp("exports")
    for name in ("rmp_savedrecs.txt", "labnetwork_savedrecs.txt"):
        shutil.copy(DATA / name, folder / name)
    return folder


def test_baseline_counts_what_bibnet_counts(exports):
    records = baseline.read(baseline.export_files(exports))
    lists = baseline.keywords(records)
    counts = baseline.occurrences(lists)
    pairs = baseline.pairs(baseline.select(lists, counts, 2))

    net = bibnet.build_network(bibnet.read(exports), keywords="all", min_occurrences=2)
    assert len(records) == len(net.records) == 471 + 212
    kept = {k: c for k, c in counts.items() if c >= 2}
    assert dict(zip(net.items["key"], net.items["occurrences"].tolist(), strict=True)) == kept
    assert len(net.keywords.keys) == len(counts)
    links = net.links()
    key = net.items["key"].to_numpy()
    ours = {tuple(sorted((key[s - 1], key[t - 1]))): w for s, t, w in links.itertuples(index=False)}
    assert ours == {pair: float(c) for pair, c in pairs.items()}
    assert net.n_links == len(pairs) > 1000

    # association strength, pair by pair, equals bibnet's normalisation
    strengths = baseline.association(pairs)
    w = normalize(net.cooccurrence, method="association").tocoo()
    theirs = np.array([strengths[tuple(sorted((key[i], key[j])))] for i, j in zip(w.row, w.col, strict=True)])
    np.testing.assert_allclose(w.data, theirs, rtol=1e-12)


def test_baseline_pipeline_runs_every_stage(exports, tmp_path):
    times = baseline.pipeline(exports, min_occurrences=2, top_n=50, with_layout=True, out=tmp_path)
    assert list(times)[:7] == ["read", "keywords", "pairs", "graph", "cluster", "layout", "write"]
    assert times["nodes"] == 50 and times["clusters"] >= 2
    assert {p.name for p in tmp_path.iterdir()} == {
        "network.graphml", "keywords.csv", "top_keywords.csv", "top_keywords.html", "clusters.csv", "clusters.html"}


def test_raw_read_counts_bytes_of_both_encodings(tmp_path):
    for name in ("wosfile_wos_tab_delimited_win_utf16.txt", "wosfile_wos_tab_delimited_win_utf8.txt"):
        shutil.copy(DATA / name, tmp_path / name)
    files = baseline.export_files(tmp_path)
    assert [baseline.encoding_of(f) for f in files] == ["utf-16", "utf-8-sig"]
    assert baseline.raw_read(files) == sum(f.stat().st_size for f in files)


def test_timed_runs_and_median():
    calls = []
    timing, result = suite.timed(lambda: calls.append(1) or len(calls), runs=5)
    assert len(timing.times) == 5 and result == 5
    assert suite.Timing((3.0, 1.0, 2.0)).median == 2.0


def test_run_process_measures_peak_memory():
    run = suite.run_process([sys.executable, "-c", "b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096]); print('ok')"])
    assert run.stdout.strip() == "ok"
    assert 200 < run.peak_mb <= run.tree_mb
    with pytest.raises(RuntimeError, match="failed \\(3\\)"):
        suite.run_process([sys.executable, "-c", "import sys; sys.exit(3)"])


def results(quick: dict[str, float]) -> suite.Results:
    read = {"records": 40_000, "input": "tab UTF-8", "records_read": 40_000, "mb": 110.0,
            "bibnet": suite.Timing((0.5,) * 5), "raw": suite.Timing((0.1,) * 5), "pandas": suite.Timing((1.5,) * 5)}
    res = suite.Results(reading=[read], quick=quick)
    res.targets = suite.targets(res)
    return res


def test_results_round_trip_the_quick_reference(tmp_path):
    quick = {"read / pandas read_csv": 0.3333, "clustering 1 start / networkx Louvain": 0.0125}
    text = suite.render(results(quick))
    assert "| parse tab-delimited >= 150 MB/s (40k) | 220 MB/s | yes |" in text
    assert "| 40,000 | tab UTF-8 | 110 | 0.50 | 220 | 0.10 | 1,100 | 5.0 | 1.50 | x3.0 |" in text
    path = tmp_path / "RESULTS.md"
    path.write_text(text, encoding="utf-8")
    assert suite.recorded_ratios(path) == quick
    assert suite.recorded_ratios(tmp_path / "missing.md") == {}


def test_interleaved_takes_turns():
    order = []
    out = suite.interleaved({"a": lambda: order.append("a") or 1, "b": lambda: order.append("b") or 2}, runs=3)
    assert order == ["a", "b"] * 3
    assert [len(t.times) for t, _ in out.values()] == [3, 3] and [r for _, r in out.values()] == [1, 2]


def test_paired_ratio_compares_run_by_run():
    assert suite.paired_ratio(suite.Timing((1.0, 2.0, 3.0)), suite.Timing((1.0, 1.0, 3.0))) == 1.0
    # The machine slows down from round 3 on, and a spell in round 3 hits only the UTF-16 read:
    # the ratio of the medians (0.39 / 0.30) would call UTF-16 30% slower; round by round it is 2.5% faster.
    utf8 = suite.Timing((0.30, 0.30, 0.30, 0.40, 0.40))
    utf16 = suite.Timing((0.29, 0.29, 0.40, 0.39, 0.39))
    assert round(utf16.median / utf8.median, 2) == 1.3
    assert round(suite.paired_ratio(utf16, utf8), 3) == 0.975


def test_growth_targets_cover_linear_stages_only():
    res = results({})
    timing = lambda t: suite.Timing((t,) * 5)  # noqa: E731
    res.growth = [
        suite.Growth("read tab UTF-8", timing(0.3), timing(3.3), "raw read", (timing(0.07), timing(0.7))),
        suite.Growth("keywords from text columns (split, clean, record x keyword matrix)", timing(0.1), timing(1.3)),
        suite.Growth("co-occurrence", timing(0.04), timing(0.8)),
    ]
    growth = {t.name: t for t in suite.targets(res) if t.name.startswith("linear growth")}
    assert [(name.split(": ", 1)[1], t.measured, t.met) for name, t in growth.items()] == [
        ("read tab UTF-8", "x11.0 for 10x records", True),
        ("keywords from text columns (split, clean, record x keyword matrix)", "x13.0 for 10x records", False),
    ]
    text = suite.render(res)
    assert "| read tab UTF-8 | 0.300 | 3.300 | x11.0 | raw read | x10.0 |" in text
    assert "| co-occurrence | 0.040 | 0.800 | x20.0 | - | - |" in text


def test_only_gross_regressions_fail():
    recorded = {"a": 0.5, "b": 0.1, "c": 0.2}
    assert suite.regressions({"a": 1.49, "b": 0.29, "d": 9.0}, recorded) == []
    bad = suite.regressions({"a": 1.6, "b": 0.05, "c": 0.61}, recorded)
    assert [line.split(":")[0] for line in bad] == ["a", "c"]
    assert "3.2x the recorded 0.500" in bad[0]


def test_quick_command_exit_status(tmp_path, monkeypatch, capsys):
    path = tmp_path / "RESULTS.md"
    path.write_text(suite.render(results({"read / pandas read_csv": 0.5})), encoding="utf-8")
    monkeypatch.setattr(suite, "RESULTS", path)
    monkeypatch.setattr(suite, "quick_ratios", lambda runs: {"read / pandas read_csv": 1.4})
    assert main(["run", "--quick"]) == 0
    monkeypatch.setattr(suite, "quick_ratios", lambda runs: {"read / pandas read_csv": 1.6})
    assert main(["run", "--quick"]) == 1
    assert "REGRESSION read / pandas read_csv" in capsys.readouterr().out
