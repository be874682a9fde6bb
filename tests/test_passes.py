"""Counting in passes (bibnet.passes, local engine) equals the in-memory path, to the bit.

For the same files and options, :func:`bibnet.count_files` + :func:`bibnet.passes.network` give
the network of :func:`bibnet.build_network` on :func:`bibnet.read` (lean): the same items, the
same co-occurrence matrix (arrays and all), summary, keyword counts and documents; the same
errors and load report; and ``bibnet map`` / ``bibnet analyze``, which count in passes by
default, write the files of the in-memory path byte for byte. The Dask engine is tested in
``tests/test_passes_dask.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from click.testing import CliRunner
from same_outputs import assert_same_network, same_files

import bibnet
from bibnet import AnalysisParams, EngineParams, InputError, NetworkParams, OptionError
from bibnet.cli import main
from bibnet.match_keys import normal_title
from bibnet.passes import counted as counted_module
from bibnet.passes import engines, network
from bibnet.passes.engines import DASK_MISSING, LocalEngine, engine
from bibnet.passes.first import FEW
from bibnet.passes.tasks import Plan, TaskRecords, read_task, tasks
from bibnet.readwrite.folder import save

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "wos_exports"
DATA = Path(__file__).parent / "data"
BROKEN = DATA / "broken"
THESAURUS = DATA / "passes" / "thesaurus.txt"
COFFEE = DATA / "gold_coffee_obesity" / "wos_plaintext"
COFFEE_THESAURUS = DATA / "gold_coffee_obesity" / "vosviewer" / "coffee-obesity_thesaurus_replace.txt"
#: Web of Science copies (tests/data/mixed) of records of a Scopus export: cross-database duplicates.
CROSS = (DATA / "mixed", DATA / "scopus" / "bibliotobler_scopus.csv")
MAP_FILES = ("map.txt", "network.txt", "map.json", "summary.json")


# -- helpers ---------------------------------------------------------------------------------------------


def read_lean(*paths, **read) -> bibnet.Corpus:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # skipped records and files: compared where it matters
        return bibnet.read(*paths, lean=True, **read)


def count(*paths, params: NetworkParams, workers: int = 1, fields=None, **read) -> bibnet.Counted:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bibnet.count_files(*paths, fields=fields or (params.keywords,), network_params=params,
                                  engine_params=EngineParams(workers=workers), **read)


def assert_same_documents(a: bibnet.Network, b: bibnet.Network, *labels: str) -> pd.DataFrame:
    """The records of ``labels`` (a keyword, or a link's two) are the same in both networks."""
    docs_a, docs_b = a.documents(*labels), b.documents(*labels)
    pd.testing.assert_frame_equal(docs_a, docs_b, check_exact=True)
    assert docs_a.equals(docs_b)
    return docs_a


def run(*args: str):
    """``bibnet ARGS`` in this process; never a traceback."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.stdout + result.stderr
    return result


def differs(entry: dict) -> list[str]:
    return entry["differs"].split(", ") if entry["differs"] else []


def normal_titles(*paths) -> dict[tuple[str, int], str | None]:
    """Normalised title of every record read (copies included), by (file, line)."""
    titles = {}
    for task in tasks([os.fspath(p) for p in paths]):
        read = read_task(task, plan=Plan(fields=("all",), skip_unreadable=True))
        if isinstance(read, TaskRecords):
            records = read.corpus.records
            normal = normal_title(pa.array(records["TI"].array, type=pa.large_string())).to_pylist()
            titles.update(zip(zip(records["file"], records["line"], strict=True), normal, strict=True))
    return titles


def assert_same_report(memory: bibnet.LoadReport, passes: bibnet.LoadReport, *paths) -> None:
    """The load reports are equal, but for the fields each duplicate's copies differ in: the passes
    compare the copies on their keys (identifiers, normalised title, year, citations, type, export
    date), not on the source title nor the keywords (SO, DE, ID), and titles normalised."""
    a, b = memory.to_dict(), passes.to_dict()
    detail_a, detail_b = a.pop("duplicates_detail"), b.pop("duplicates_detail")
    assert a == b
    assert len(detail_a) == len(detail_b) == a["duplicates"]
    titles = normal_titles(*paths) if detail_a else {}
    for x, y in zip(detail_a, detail_b, strict=True):
        assert {k: v for k, v in x.items() if k != "differs"} == {k: v for k, v in y.items() if k != "differs"}
        title_differs = titles[x["file"], x["line"]] != titles[x["kept_file"], x["kept_line"]]
        expected = [c for c in differs(x) if c not in ("SO", "DE", "ID") and (c != "TI" or title_differs)]
        assert differs(y) == expected, (x, y)
    assert a["records_read"] == a["records"] + a["duplicates"] + a["skipped"]


# -- 1. the same network, in memory and in passes -------------------------------------------------------

P = NetworkParams
CASES = [
    # (id, paths, network params, read options, workers)
    ("sample", (SAMPLE,), P(min_occurrences=4), {}, 1),
    ("sample-2workers", (SAMPLE,), P(min_occurrences=4), {}, 2),
    ("sample-author-fractional-top20", (SAMPLE,), P(keywords="author", min_occurrences=2, counting="fractional", top=20),
     {}, 2),
    ("sample-indexed-original-largest", (SAMPLE,), P(keywords="indexed", min_occurrences=4, label_case="original",
                                                     largest_component=True), {}, 1),
    ("sample-thesaurus", (SAMPLE,), P(min_occurrences=4, thesaurus=str(THESAURUS)), {}, 2),
    ("sample-thesaurus-original-fractional", (SAMPLE,), P(min_occurrences=1, thesaurus=str(THESAURUS),
                                                          label_case="original", counting="fractional"), {}, 1),
    ("cross-author-fractional-original", CROSS, P(keywords="author", min_occurrences=1, counting="fractional",
                                                  label_case="original"), {}, 2),
    ("cross-all-fractional-original", CROSS, P(min_occurrences=1, counting="fractional", label_case="original"), {}, 1),
    ("cross-prefer-scopus-fractional-original", CROSS, P(min_occurrences=1, counting="fractional", label_case="original"),
     {"prefer": ["Scopus"]}, 2),
    ("cross-prefer-scopus-author-thesaurus", CROSS, P(keywords="author", min_occurrences=1, thesaurus=str(THESAURUS)),
     {"prefer": ["Scopus"]}, 1),
    ("cross-indexed-largest", CROSS, P(keywords="indexed", min_occurrences=2, largest_component=True), {}, 2),
    ("scopus", (DATA / "scopus",), P(min_occurrences=4, counting="fractional"), {}, 2),
    ("scopus-author-top20", (DATA / "scopus",), P(keywords="author", min_occurrences=2, top=20), {}, 1),
    ("lens", (DATA / "lens",), P(min_occurrences=2, label_case="original"), {}, 2),
    ("pubmed-indexed", (DATA / "pubmed",), P(keywords="indexed", min_occurrences=4), {}, 2),
    ("pubmed-author-fractional", (DATA / "pubmed",), P(keywords="author", min_occurrences=1, counting="fractional"), {}, 1),
    ("ris", (DATA / "ris",), P(min_occurrences=2), {}, 2),
    ("ris-prefer-lens-fractional", (DATA / "ris",), P(min_occurrences=1, counting="fractional"), {"prefer": ["Lens"]}, 1),
    ("bibtex", (DATA / "bibtex",), P(min_occurrences=4, top=20), {}, 2),
    ("openalex", (DATA / "openalex",), P(min_occurrences=2, counting="fractional", largest_component=True), {}, 2),
    ("dimensions", (DATA / "dimensions",), P(min_occurrences=1), {}, 1),
    ("coffee-gold-thesaurus", (COFFEE,), P(min_occurrences=34, thesaurus=str(COFFEE_THESAURUS)), {}, 2),
    ("coffee-original-fractional", (COFFEE,), P(keywords="author", min_occurrences=4, label_case="original",
                                                counting="fractional"), {}, 1),
]


@pytest.mark.parametrize(("paths", "params", "read", "workers"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_network_counted_in_passes_equals_the_in_memory_network(paths, params, read, workers):
    corpus = read_lean(*paths, **read)
    counted = count(*paths, params=params, workers=workers, **read)
    memory, passes = bibnet.build_network(corpus, params=params), network(counted, params=params)
    assert len(memory) > 0 and memory.n_links > 0  # not two empty networks
    assert_same_network(memory, passes)
    assert_same_report(corpus.report, counted.report, *paths)


def test_every_field_counted_at_once_gives_each_fields_network():
    params = P(min_occurrences=1, counting="fractional", label_case="original")
    corpus, counted = read_lean(*CROSS), count(*CROSS, params=params, fields=("all", "author", "plus"), workers=2)
    assert list(counted.fields) == ["all", "author", "indexed"]
    for field in ("all", "author", "indexed"):
        for threshold in (1, 2, 4):
            chosen = P(keywords=field, min_occurrences=threshold, counting="fractional", label_case="original")
            assert_same_network(bibnet.build_network(corpus, params=chosen), network(counted, params=chosen))


def test_the_thesaurus_merges_and_drops_in_passes_as_in_memory():
    plain, merged = P(min_occurrences=4), P(min_occurrences=4, thesaurus=str(THESAURUS))
    before = network(count(SAMPLE, params=plain), params=plain).keywords.counts().set_index("label")["occurrences"]
    after = network(count(SAMPLE, params=merged, workers=2), params=merged)
    counts = after.keywords.counts().set_index("label")["occurrences"]
    assert {"ai", "artificial-intelligence", "model"} <= set(before.index)
    assert not {"ai", "artificial-intelligence", "model"} & set(counts.index)
    # records with any of the three spellings: more than the most frequent alone, at most their sum
    assert before["artificial intelligence"] < counts["artificial intelligence"] <= (
        before["artificial intelligence"] + before["ai"] + before["artificial-intelligence"])
    assert_same_network(bibnet.build_network(read_lean(SAMPLE), params=merged), after)


# -- 2. the order of the files does not matter -----------------------------------------------------------

ORDERS = [
    ("sample", [SAMPLE / "labnetwork_savedrecs.txt", SAMPLE / "rmp_savedrecs.txt"], P(min_occurrences=4), {}),
    ("cross", [*CROSS], P(keywords="author", min_occurrences=1, counting="fractional", label_case="original"), {}),
    ("ris-prefer-scopus", sorted((DATA / "ris").glob("*.ris")), P(min_occurrences=2), {"prefer": ["Scopus"]}),
]


@pytest.mark.parametrize(("paths", "params", "read"), [o[1:] for o in ORDERS], ids=[o[0] for o in ORDERS])
def test_the_order_of_the_files_does_not_matter(paths, params, read):
    forward = count(*paths, params=params, workers=2, **read)
    backward = count(*reversed(paths), params=params, workers=2, **read)
    assert forward.report.to_dict() == backward.report.to_dict()
    net = network(forward, params=params)
    assert_same_network(net, network(backward, params=params))
    assert_same_network(bibnet.build_network(read_lean(*paths, **read), params=params), net)


# -- 3. errors and the load report -----------------------------------------------------------------------

#: Files of tests/data/broken that bibnet.read rejects when named explicitly.
REJECTED = [
    "all_rows_malformed.txt", "bad_header_tag.txt", "binary.dat", "blank_lines.txt", "bom_only.txt", "empty.txt",
    "excel_quoted.txt", "gzip_cut_short.txt.gz", "header_only.txt", "latin1_no_bom.txt", "login_page.html",
    "openalex_invalid.json", "plain_header_only.txt", "plain_only_truncated_record.txt", "random_text.txt",
    "scopus_header_only.csv", "truncated_utf16.txt", "unpaired_surrogate_utf16.txt",
]
#: Files of tests/data/broken with some malformed records (skipped; an error with strict=True).
MALFORMED = [
    "plain_truncated.txt", "plain_stray_line.txt", "plain_empty_record.txt", "tab_missing_fields.txt",
    "tab_truncated_last_line.txt", "bibtex_unbalanced_brace.bib", "openalex_bad_line.jsonl",
    "pubmed_record_without_pmid.nbib", "ris_last_er_lost.ris", "scopus_unclosed_quote.csv",
]


def outcome(call) -> tuple[str, str, list[tuple[str, str]]]:
    """What ``call()`` raised (class name, message) and warned; ``("ok", "", warnings)`` without error."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            call()
            raised = ("ok", "")
        except Exception as error:  # the error is what is compared
            raised = (type(error).__name__, str(error))
    return (*raised, [(type(w.message).__name__, str(w.message)) for w in caught])


@pytest.mark.parametrize("skip_unreadable", [False, True], ids=["raise", "skip-unreadable"])
@pytest.mark.parametrize("name", REJECTED)
def test_a_rejected_file_gives_the_error_of_the_in_memory_read(name, skip_unreadable):
    path = BROKEN / name
    with pytest.raises(InputError) as memory:
        bibnet.read(path, lean=True, skip_unreadable=skip_unreadable)
    with pytest.raises(InputError) as passes:
        bibnet.count_files(path, engine_params=EngineParams(workers=1), skip_unreadable=skip_unreadable)
    assert str(passes.value) == str(memory.value)


@pytest.mark.parametrize("name", ["binary.dat", "latin1_no_bom.txt", "openalex_invalid.json"])
def test_a_rejected_file_named_after_a_good_folder_gives_the_same_error(name):
    paths = (SAMPLE, BROKEN / name)
    with pytest.raises(InputError) as memory:
        bibnet.read(*paths, lean=True)
    with pytest.raises(InputError) as passes:
        bibnet.count_files(*paths, engine_params=EngineParams(workers=2))
    assert str(passes.value) == str(memory.value) and name in str(passes.value)


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_records_strict_error_and_skipped_report_are_the_same(name):
    path = BROKEN / name
    with pytest.raises(InputError) as memory:
        bibnet.read(path, lean=True, strict=True)
    with pytest.raises(InputError) as passes:
        bibnet.count_files(path, engine_params=EngineParams(workers=1), strict=True)
    assert str(passes.value) == str(memory.value) and "(strict: malformed records are not skipped)" in str(passes.value)

    corpus: list[bibnet.Corpus] = []
    counted: list[bibnet.Counted] = []
    memory_outcome = outcome(lambda: corpus.append(bibnet.read(path, lean=True)))
    passes_outcome = outcome(lambda: counted.append(bibnet.count_files(path, engine_params=EngineParams(workers=1))))
    assert memory_outcome == passes_outcome and memory_outcome[0] == "ok"
    assert [w[0] for w in passes_outcome[2]] == ["SkippedInputWarning"]
    assert corpus[0].report.skipped > 0
    assert_same_report(corpus[0].report, counted[0].report, path)


def test_strict_raises_for_the_first_file_in_reading_order(tmp_path):
    for name, source in (("a_truncated.txt", "tab_truncated_last_line.txt"), ("b_missing.txt", "tab_missing_fields.txt"),
                         ("c_plain.txt", "plain_truncated.txt")):
        shutil.copy(BROKEN / source, tmp_path / name)
    shutil.copy(SAMPLE / "labnetwork_savedrecs.txt", tmp_path)
    with pytest.raises(InputError) as memory:
        bibnet.read(tmp_path, lean=True, strict=True)
    for workers in (1, 2):
        with pytest.raises(InputError) as passes:
            bibnet.count_files(tmp_path, engine_params=EngineParams(workers=workers), strict=True)
        assert str(passes.value) == str(memory.value) and "a_truncated.txt: line 6" in str(passes.value)


def test_skip_unreadable_gives_the_same_load_report_warnings_and_network():
    params = P(min_occurrences=1)
    corpus, counted = [], []
    memory_outcome = outcome(lambda: corpus.append(bibnet.read(BROKEN, lean=True, skip_unreadable=True)))
    passes_outcome = outcome(lambda: counted.append(bibnet.count_files(
        BROKEN, network_params=params, engine_params=EngineParams(workers=2), skip_unreadable=True)))
    assert memory_outcome == passes_outcome and memory_outcome[0] == "ok"
    assert sorted({w[0] for w in passes_outcome[2]}) == ["SkippedInputWarning"] and len(passes_outcome[2]) == 2
    report = counted[0].report
    assert (report.records_read, report.records, report.duplicates, report.skipped) == (84, 20, 47, 17)
    assert (len(report.files), len(report.unreadable), len(report.ignored)) == (22, 12, 7)
    assert_same_report(corpus[0].report, report, BROKEN)
    assert_same_network(bibnet.build_network(corpus[0], params=params), network(counted[0], params=params))


@pytest.mark.parametrize("paths", [(DATA / "ris",), CROSS, (DATA / "openalex",), (DATA / "wos" / "tab",)],
                         ids=["ris", "cross", "openalex", "wos-tab"])
def test_the_load_report_of_duplicates_is_the_in_memory_one(paths):
    corpus, counted = read_lean(*paths), count(*paths, params=P(), workers=2)
    report = counted.report
    assert report.duplicates > 0 and report.records_read == report.records + report.duplicates + report.skipped
    assert_same_report(corpus.report, report, *paths)


def test_differs_is_compared_on_the_keys_only():
    """What ``differs`` says of the cross-database copies, in memory and in passes (see
    :func:`assert_same_report`): SO, DE and ID are not compared in passes."""
    memory, passes = read_lean(*CROSS).report.to_dict(), count(*CROSS, params=P()).report.to_dict()
    assert [d["differs"] for d in memory["duplicates_detail"]] == [
        "TC", "UT, SO, PT, DE, ID, TC", "UT, DI, SO, PT, DE, ID, TC", "UT, DI, SO, PT, DE, ID, TC"]
    assert [d["differs"] for d in passes["duplicates_detail"]] == ["TC", "UT, PT, TC", "UT, DI, PT, TC", "UT, DI, PT, TC"]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_folder_without_an_export_gives_the_same_error(tmp_path, workers):
    empty = tmp_path / "empty"
    empty.mkdir()
    readme = tmp_path / "readme"
    readme.mkdir()
    shutil.copy(SAMPLE / "SOURCES.md", readme)
    (readme / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    for folder in (empty, readme):
        with pytest.raises(InputError) as memory:
            bibnet.read(folder, lean=True)
        with pytest.raises(InputError) as passes:
            bibnet.count_files(folder, engine_params=EngineParams(workers=workers))
        assert str(passes.value) == str(memory.value) and str(passes.value).startswith("no export found (")


# -- 4. the command line ---------------------------------------------------------------------------------


def test_map_counts_in_passes_and_writes_the_in_memory_files(tmp_path):
    net = bibnet.build_network(read_lean(SAMPLE), params=P()).cluster().layout()
    save(net, tmp_path / "memory")
    for name, options in (("default", ()), ("one", ("--engine", "local", "--workers", "1")),
                          ("two", ("--engine", "local", "--workers", "2"))):
        result = run("map", SAMPLE, "--out", tmp_path / name, *options)
        assert result.exit_code == 0, result.stderr
        assert "read 683 records from 2 files: 683 kept, 0 duplicates removed, 0 skipped" in result.stderr
        assert same_files(tmp_path / name, tmp_path / "memory") == [".bibnet-manifest.json", *sorted(MAP_FILES)]


def test_map_clean_auto_reads_into_memory(tmp_path):
    result = run("map", SAMPLE, "--out", tmp_path / "cli", "--min-occurrences", "4", "--clean", "auto", "--no-layout")
    assert result.exit_code == 0, result.stderr
    net = bibnet.build_network(read_lean(SAMPLE), params=P(min_occurrences=4, clean="auto")).cluster()
    assert net.cleaning is not None and net.cleaning.keywords_merged == 198
    save(net, tmp_path / "memory")
    assert "thesaurus_auto.txt" in same_files(tmp_path / "cli", tmp_path / "memory")


@pytest.mark.parametrize(("command", "options", "needs"), [
    ("map", ("--clean", "auto"), "--clean auto"),
    ("analyze", ("--cuts", "2015", "--no-figures"), "themes over time (--cuts, --periods)"),
])
def test_in_memory_options_on_dask_are_a_one_line_error(tmp_path, command, options, needs):
    result = run(command, SAMPLE, "--out", tmp_path / "out", "--engine", "dask", *options)
    assert result.exit_code == 2
    assert result.stderr == f"bibnet: error: {needs} reads every record into memory: it runs with --engine local only\n"
    assert not (tmp_path / "out").exists()


def test_scheduler_without_dask_engine_is_a_one_line_error(tmp_path):
    result = run("map", SAMPLE, "--out", tmp_path / "out", "--scheduler", "tcp://127.0.0.1:1")
    assert result.exit_code == 2 and result.stderr == "bibnet: error: --scheduler is for --engine dask\n"


def test_analyze_counts_in_passes_and_writes_the_in_memory_files(tmp_path):
    """Every file, report.html included (its document lists read back from the files)."""
    result = run("analyze", SAMPLE, "--no-figures", "--min-occurrences", "4", "--out", tmp_path / "cli")
    assert result.exit_code == 0, result.stderr
    params, analysis = P(min_occurrences=4), AnalysisParams(figures=False)
    bibnet.analyze(read_lean(SAMPLE), tmp_path / "memory", network_params=params, params=analysis)
    counted = count(SAMPLE, params=params, fields=analysis.fields, workers=2)
    bibnet.analyze(counted, tmp_path / "counted", network_params=params, params=analysis)
    names = same_files(tmp_path / "cli", tmp_path / "memory")
    assert same_files(tmp_path / "counted", tmp_path / "memory") == names
    assert {"report.html", "methods.md", "all/map.txt", "author/map.txt", "indexed/map.txt"} <= set(names)


def test_analyze_of_cross_database_duplicates_counted_in_passes_writes_the_in_memory_files(tmp_path):
    params = P(min_occurrences=1, counting="fractional", label_case="original", thesaurus=str(THESAURUS))
    analysis = AnalysisParams(figures=False)
    bibnet.analyze(read_lean(*CROSS), tmp_path / "memory", network_params=params, params=analysis)
    counted = count(*CROSS, params=params, fields=analysis.fields, workers=2)
    bibnet.analyze(counted, tmp_path / "counted", network_params=params, params=analysis)
    assert "report.html" in same_files(tmp_path / "counted", tmp_path / "memory")


# -- 5. documents read back from the files ---------------------------------------------------------------


def test_documents_of_keywords_and_links_read_back_equal_the_in_memory_ones():
    params = P(min_occurrences=4, label_case="original")
    memory = bibnet.build_network(read_lean(SAMPLE), params=params)
    passes = network(count(SAMPLE, params=params, workers=2), params=params).cluster()  # kept through cluster()
    assert passes.source.counted.fields == {}  # the network holds no pair counts of other keywords
    assert len(assert_same_documents(memory, passes, "artificial intelligence")) == 104
    assert len(assert_same_documents(memory, passes, "MACHINE LEARNING")) == 47
    assert len(assert_same_documents(memory, passes, "great-barrier-reef")) == 36
    link = assert_same_documents(memory, passes, "artificial intelligence", "machine learning")
    assert len(link) == 20 and list(link.columns[-2:]) == ["DE", "ID"]
    with pytest.raises(bibnet.network.KeywordNotFound, match="'no such keyword' is not in the network"):
        passes.documents("no such keyword")


@pytest.mark.parametrize(("prefer", "united", "database"), [
    ((), "Anamorphoses", "Web of Science"),
    (("Scopus",), "cartography history", "Scopus"),
], ids=["wos-kept", "scopus-kept"])
def test_documents_of_cross_database_duplicates_hold_the_united_author_keywords(prefer, united, database):
    params = P(keywords="author", min_occurrences=1, counting="fractional", label_case="original")
    memory = bibnet.build_network(read_lean(*CROSS, prefer=prefer), params=params)
    passes = network(count(*CROSS, params=params, workers=2, prefer=prefer), params=params)
    # a keyword that the kept copy has only from its copy in the other database
    docs = assert_same_documents(memory, passes, united)
    assert list(docs["DB"]) == [database] and united in docs["DE"].iloc[0]
    alone = read_lean(*(p for p in CROSS if ("scopus" in p.name) == (database == "Scopus")))
    assert united.lower() not in set(bibnet.build_network(alone, params=P(keywords="author", min_occurrences=1)).items["key"])
    for labels, found in [(("map projections",), 5), (("Distance",), 1), (("Distance", "Equal area maps"), 1),
                          (("Mercator", "equal area"), 1)]:
        assert len(assert_same_documents(memory, passes, *labels)) == found
    top = memory.items.sort_values(["occurrences", "label"], ascending=[False, True])["label"]
    for label in top[:5]:  # each reads the files again
        assert_same_documents(memory, passes, label)


# -- 6. without Dask --------------------------------------------------------------------------------------


def test_dask_engine_without_dask_is_an_option_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` raises ImportError
    with pytest.raises(OptionError) as error:
        bibnet.count_files(SAMPLE, engine_params=EngineParams(engine="dask"))
    assert str(error.value) == DASK_MISSING == "the dask engine needs Dask: pip install 'bibnet[dask]'"


def test_dask_engine_without_dask_on_the_command_line_is_one_line(tmp_path):
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "distributed.py").write_text("raise ImportError('No module named distributed')\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(shadow), str(ROOT), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-m", "bibnet", "map", str(SAMPLE), "--out", str(tmp_path / "out"),
                           "--engine", "dask"], capture_output=True, text=True, env=env, timeout=60, check=False)
    assert proc.returncode == 2
    assert proc.stderr == "bibnet: error: the dask engine needs Dask: pip install 'bibnet[dask]'\n"
    assert not (tmp_path / "out").exists()


def test_the_extra_the_message_names_installs_dask_and_the_tests_have_it():
    """``pip install 'bibnet[dask]'`` must install Dask, and the test extra (CI) must too:
    tests/test_passes_dask.py imports distributed."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert "dask" in extras, "pyproject.toml has no 'dask' extra"
    assert any(req.replace(" ", "").startswith(("distributed", "dask[distributed]", "dask[complete]"))
               for req in extras["dask"])
    assert any(req.replace(" ", "").startswith(("bibnet[dask", "distributed", "dask[distributed]", "dask[complete]"))
               for req in extras["test"])


# -- 7. engine options -----------------------------------------------------------------------------------


def test_engine_params_checks():
    with pytest.raises(OptionError, match="--scheduler is for --engine dask"):
        EngineParams(engine="local", scheduler="tcp://x:1")
    with pytest.raises(OptionError, match="give --scheduler or --workers, not both"):
        EngineParams(engine="dask", scheduler="tcp://x:1", workers=2)
    with pytest.raises(OptionError):
        EngineParams(engine="spark")
    with pytest.raises(OptionError):
        EngineParams(workers=0)
    with engine(EngineParams(workers=3)) as local:
        assert isinstance(local, LocalEngine) and local.workers == 3


def _job(job, shared):
    return job * shared, [job]


def _concatenated(lists):
    return [x for values in lists for x in values]


def _one_batch(values):
    return [tuple(values)]


def test_the_local_engine_batches_at_most_jobs_per_batch_files_and_settles_each_batch():
    jobs = list(range(700))
    parts, batches = LocalEngine(2).map_reduce(_job, jobs, 3, _concatenated, settle=_one_batch)
    assert parts == [3 * j for j in jobs]  # in job order, whatever order the batches finished in
    assert len(batches) == 11 and max(map(len, batches)) <= engines.JOBS_PER_BATCH  # ceil(700 / 64)
    assert sorted(j for batch in batches for j in batch) == jobs and all(list(b) == sorted(b) for b in batches)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 100, 1000])
def test_a_running_sum_keeps_at_most_levels_partial_sums_and_adds_up_exactly(n):
    total = engines._Sum(_concatenated)
    for i in range(n):
        total.add([i])
        assert len(total.levels) <= engines.LEVELS
        assert sum(size for size, _ in total.levels) == i + 1
    assert sorted(total.result()) == list(range(n))


def test_keys_gathered_a_column_at_a_time_equal_their_concatenation_with_few_valued_columns_as_categories():
    def frame(**columns):
        return pd.DataFrame(columns)

    frames = [frame(UT=pd.array(["WOS:1", None], dtype="string[pyarrow]"), PY=pd.array([2020, None], dtype="Int64"),
                    line=np.array([2, 3]), DB=pd.array(["Web of Science"] * 2, dtype="string[pyarrow]"),
                    file=pd.array(["a.txt"] * 2, dtype="string[pyarrow]"), ok=[True, False]),
              frame(PY=pd.array([1999], dtype="Int64"), line=np.array([2]), DA=pd.array(["2024-01-02"], dtype="string[pyarrow]"),
                    DB=pd.array(["Scopus"], dtype="string[pyarrow]"), file=pd.array(["b.csv"], dtype="string[pyarrow]"))]
    expected = pd.concat(frames, ignore_index=True)
    gathered = counted_module._gathered([f.copy() for f in frames])
    assert list(gathered.columns) == ["UT", "PY", "line", "DB", "file", "ok", "DA"]
    assert [str(gathered[c].dtype) for c in ("DB", "file", "DA")] == ["category"] * 3
    assert list(gathered["file"].cat.categories) == ["a.txt", "b.csv"]
    for column in expected.columns:
        values = gathered[column].astype(expected[column].dtype) if column in FEW else gathered[column]
        pd.testing.assert_series_equal(values, expected[column])
    emptied = [f.copy() for f in frames]
    counted_module._gathered(emptied)
    assert emptied == []  # moved over, not held twice


@pytest.mark.parametrize("workers", [1, 2])
def test_one_file_per_batch_and_few_partial_sums_give_the_in_memory_network(monkeypatch, workers):
    """Every batch and every partial sum settled on its own: the sums are the same."""
    monkeypatch.setattr(engines, "JOBS_PER_BATCH", 1)
    monkeypatch.setattr(engines, "LEVELS", 2)
    params = P(min_occurrences=1, counting="fractional", label_case="original")
    corpus, counted = read_lean(*CROSS), count(*CROSS, params=params, workers=workers)
    assert len(counted.jobs) > 2
    assert_same_network(bibnet.build_network(corpus, params=params), network(counted, params=params))
    assert_same_report(corpus.report, counted.report, *CROSS)


# -- a network asked of counts made with other options -----------------------------------------------------

MISMATCHED = [
    ("lower-threshold", P(min_occurrences=2)),
    ("other-counting", P(min_occurrences=4, counting="fractional")),
    ("other-label-case", P(min_occurrences=4, label_case="original")),
    ("other-thesaurus", P(min_occurrences=4, thesaurus=str(THESAURUS))),
    ("field-not-counted", P(min_occurrences=4, keywords="author")),
]


@pytest.mark.parametrize("asked", [m[1] for m in MISMATCHED], ids=[m[0] for m in MISMATCHED])
def test_a_network_of_counts_made_with_other_options_is_right_or_refused(asked):
    """Counts made with the defaults (threshold 4, full counting, lower case, no thesaurus, all
    keywords): a network asked with other options must either be the in-memory network of those
    options or be refused with an OptionError, never a crash nor another network."""
    counted = count(SAMPLE, params=P(min_occurrences=4), workers=1)
    try:
        passes = network(counted, params=asked)
    except OptionError:
        return
    assert_same_network(bibnet.build_network(read_lean(SAMPLE), params=asked), passes)


def test_analyze_of_counts_made_with_the_default_threshold_is_right_or_refused(tmp_path):
    """The natural library use: count the analysis' fields with count_files' defaults, then analyze
    with a lower threshold."""
    analysis = AnalysisParams(figures=False)
    counted = count(SAMPLE, params=P(), fields=analysis.fields, workers=1)
    try:
        bibnet.analyze(counted, tmp_path / "counted", network_params=P(min_occurrences=4), params=analysis, laid_out=False)
    except OptionError:
        return
    bibnet.analyze(read_lean(SAMPLE), tmp_path / "memory", network_params=P(min_occurrences=4), params=analysis,
                   laid_out=False)
    same_files(tmp_path / "counted", tmp_path / "memory")
