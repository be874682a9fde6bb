"""Faults in keywords and records: duplicates across databases, control characters, empty maps, API errors.

Inputs are built in tmp_path, from scratch or from the real exports in tests/data.
"""

from __future__ import annotations

import json
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from click.testing import CliRunner

import bibnet
from bibnet.analysis import analyze
from bibnet.cli import main
from bibnet.dedup import deduplicate
from bibnet.errors import InputError, OptionError
from bibnet.keywords import clean, clean_counted, extract
from bibnet.readwrite.folder import save
from bibnet.run import AnalysisParams
from bibnet.selection import NetworkParams, NoKeywordsError
from bibnet.thesaurus import read_thesaurus

DATA = Path(__file__).parent / "data"
WOS = DATA / "wos"
TAGS = ("PT", "AU", "TI", "SO", "DT", "DE", "ID", "TC", "Z9", "PY", "DI", "DA", "UT")
EXPORT_HINT = "export the records from the Web of Science Core Collection with Record Content 'Full Record' (it has DE and ID)"


def tab_file(path: Path, rows: list[dict], *, tags: tuple[str, ...] = TAGS) -> Path:
    """A tab-delimited export with the given fields (others empty), trailing tab, as WoS writes."""
    lines = ["\t".join(tags)] + ["\t".join(row.get(t, "") for t in tags) + "\t" for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def frame(rows: list[dict]) -> pd.DataFrame:
    """Records as :func:`bibnet.read` gives them: the columns of ``rows``, file and line."""
    df = pd.DataFrame(rows)
    for col in df.columns:
        df[col] = df[col].astype("Int64" if col == "PY" else "string[pyarrow]")
    df["file"] = pd.array(["f"] * len(df), dtype="string[pyarrow]")
    df["line"] = np.arange(2, len(df) + 2)
    return df


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


# -- duplicates across databases ---------------------------------------------------------------------------


def test_a_data_set_with_an_articles_title_and_year_is_kept_apart_by_pt():
    """A Data Citation Index record (PT R) and a WoS article (PT J): same title and year, two works."""
    records = frame([
        {"PT": "J", "UT": "WOS:000111", "TI": "Coffee and obesity", "PY": 2020},
        {"PT": "R", "UT": "DRCI:DATA2020001", "TI": "Coffee and obesity.", "PY": 2020},
    ])
    kept, dups = deduplicate(records)
    assert kept["UT"].tolist() == ["WOS:000111", "DRCI:DATA2020001"] and len(dups) == 0


def test_without_pt_the_document_type_dt_keeps_a_data_set_apart():
    records = frame([
        {"DT": "Article", "UT": "WOS:000111", "TI": "Coffee and obesity", "PY": 2020},
        {"DT": "Data set", "UT": "DRCI:DATA2020001", "TI": "Coffee and obesity", "PY": 2020},
        {"DT": "Patent", "UT": "DIIDW:2020001", "TI": "Coffee and obesity", "PY": 2020},
        {"DT": "Article; Data Paper", "UT": "MEDLINE:77", "TI": "Coffee and obesity", "PY": 2020},
    ])
    kept, dups = deduplicate(records)
    # the data paper is a publication: one work with the WOS: article; the data set and the patent are not
    assert kept["UT"].tolist() == ["WOS:000111", "DRCI:DATA2020001", "DIIDW:2020001"]
    assert dups[["UT", "key", "kept_line", "reason"]].values.tolist() == [
        ["MEDLINE:77", "title+year+author", 2, "Web of Science Core Collection (WOS:)"]]


def test_database_words_for_one_type_do_not_keep_copies_apart():
    """DT is each database's own word (KJD: research-article): a KJD copy of a WoS article merges."""
    records = frame([
        {"PT": "J", "DT": "Article", "UT": "WOS:000222", "TI": "Soil carbon", "PY": 2019},
        {"PT": "J", "DT": "research-article", "UT": "KJD:ART0001", "TI": "Soil Carbon", "PY": 2019},
    ])
    kept, dups = deduplicate(records)
    assert kept["UT"].tolist() == ["WOS:000222"]
    assert dups[["UT", "key", "reason"]].values.tolist() == [
        ["KJD:ART0001", "title+year+author", "Web of Science Core Collection (WOS:)"]]


def test_a_book_and_its_review_share_a_title_but_not_a_publication_type():
    records = frame([
        {"PT": "J", "UT": "WOS:000333", "TI": "The Ecology of Coffee", "PY": 2015},
        {"PT": "B", "UT": "BCI:BCI2015000", "TI": "The ecology of coffee", "PY": 2015},
    ])
    assert deduplicate(records)[0]["UT"].tolist() == ["WOS:000333", "BCI:BCI2015000"]


def test_a_doi_joins_two_publication_types_but_not_a_data_set():
    """A DOI names one work: J and S copies of it merge (the WOS: one kept); a data record with the DOI does not."""
    records = frame([
        {"PT": "S", "UT": "WOS:000444", "DI": "10.1/x", "TI": "Chapter", "PY": 2018},
        {"PT": "J", "UT": "MEDLINE:444", "DI": "10.1/X", "TI": "Chapter", "PY": 2018},
        {"PT": "R", "UT": "DRCI:DATA444", "DI": "10.1/x", "TI": "Chapter", "PY": 2018},
    ])
    kept, dups = deduplicate(records)
    assert kept["UT"].tolist() == ["WOS:000444", "DRCI:DATA444"]
    assert dups[["UT", "key", "kept_line"]].values.tolist() == [["MEDLINE:444", "DOI", 2]]


def test_across_databases_wos_then_doi_then_the_most_recent_copy_is_kept():
    records = frame([
        {"UT": "WOS:000555", "TI": "Tea", "PY": 2021, "DA": "2020-01-01"},  # older, read first: kept
        {"UT": "MEDLINE:555", "TI": "Tea", "PY": 2021, "DA": "2024-01-01"},
        {"UT": "BCI:1", "DI": "10.1/tea2", "TI": "Tea II", "PY": 2021, "DA": "2020-01-01"},  # the DOI: kept
        {"UT": "ZOOREC:1", "TI": "Tea II", "PY": 2021, "DA": "2024-01-01"},
        {"UT": "BCI:2", "TI": "Tea III", "PY": 2021, "DA": "2020-01-01"},
        {"UT": "ZOOREC:2", "TI": "Tea III", "PY": 2021, "DA": "2024-01-01"},  # neither: the most recent
    ])
    kept, dups = deduplicate(records)
    assert kept["UT"].tolist() == ["WOS:000555", "BCI:1", "ZOOREC:2"]
    assert dups[["UT", "kept_line", "reason"]].values.tolist() == [
        ["MEDLINE:555", 2, "Web of Science Core Collection (WOS:)"],
        ["ZOOREC:1", 4, "has a DOI"],
        ["BCI:2", 7, "more recent export (DA)"],
    ]


def test_copies_of_unknown_type_merge_unless_their_group_mixes_types():
    records = frame([
        {"UT": "SCIELO:1", "TI": "Alpha", "PY": 2010},
        {"UT": "BCI:1", "TI": "Alpha", "PY": 2010},  # no PT: merge with the first
        {"PT": "J", "UT": "WOS:1", "TI": "Beta", "PY": 2010},
        {"PT": "R", "UT": "DRCI:1", "TI": "Beta", "PY": 2010},
        {"UT": "ZOOREC:1", "TI": "Beta", "PY": 2010},  # of which? stays apart
    ])
    kept, dups = deduplicate(records)
    assert kept["UT"].tolist() == ["BCI:1", "WOS:1", "DRCI:1", "ZOOREC:1"]
    assert dups[["UT", "kept_line", "reason"]].values.tolist() == [["SCIELO:1", 3, "later in the file"]]


def test_copies_of_one_ut_keep_the_most_recent_even_without_a_doi():
    records = frame([{"UT": "WOS:1", "DI": "10.1/a", "TI": "A", "PY": 2020}, {"UT": "WOS:1", "TI": "A", "PY": 2020}])
    kept, dups = deduplicate(records)
    assert kept["line"].tolist() == [3] and dups["reason"].tolist() == ["later in the file"]


def test_a_copy_dropped_for_one_dropped_later_points_at_the_wos_copy():
    records = frame([
        {"UT": "MEDLINE:5", "TI": "Eps", "PY": 2015},
        {"UT": "MEDLINE:5", "DI": "10.1/e", "TI": "Eps", "PY": 2015},  # wins the UT round
        {"UT": "WOS:9", "DI": "10.1/E", "TI": "Eps", "PY": 2015},  # wins the DOI round
    ])
    kept, dups = deduplicate(records)
    assert kept["UT"].tolist() == ["WOS:9"]
    assert dups[["line", "key", "kept_line"]].values.tolist() == [[2, "UT", 4], [3, "DOI", 4]]


def test_real_all_databases_export_and_a_core_collection_article(tmp_path):
    """whs_climate (All Databases; no DT column) holds a DRCI data set whose title an article shares.

    PT is read by every read (it is in every WoS record), so the data set and the article are both kept.
    """
    source = WOS / "edge_cases" / "whs_climate_savedrecs_1.txt"
    all_databases = tmp_path / "b_all_databases.txt"
    all_databases.write_bytes(source.read_bytes())
    data_set = bibnet.read(all_databases).records.query("UT == 'DRCI:DATA2017043010814036'").iloc[0]
    assert (data_set["PT"], data_set["PY"]) == ("R", 2016)
    core = tab_file(tmp_path / "a_core.txt", [{"PT": "J", "DT": "Article", "UT": "WOS:000385000000001",
                                               "TI": data_set["TI"], "PY": "2016", "DE": "population genetics"}],
                    tags=("PT", "TI", "DT", "DE", "PY", "UT"))
    for lean in (True, False):
        both = bibnet.read(core, all_databases, lean=lean)
        assert (len(both), both.report.duplicates) == (162, 0)
        assert {"WOS:000385000000001", "DRCI:DATA2017043010814036"} <= set(both.records["UT"])


# -- control characters in keywords --------------------------------------------------------------------------

DIRTY = ("nul\x00keyword; esc\x1b[31mred\x1b[0m; vt\x0bsplit; c1\x85next\x9bx; rtl\u202eevil\u202c; "
         "zw\u200bspace; iso\u2066late\u2069; plain")


def test_clean_removes_control_bidi_and_zero_width_characters_and_says_which():
    values = pa.array(["nul\x00k", "esc\x1b[31mred\x1b[0m", "vt\x0bs", "ff\x0cs", "c1\x85n\x9bx", "rtl\u202ee",
                       "zw\u200bs\u200c\u200d", "wj\u2060q", "bom\ufeffw", "iso\u2066x\u2069", "del\x7fz",
                       "tab\tx", "  Two  Spaces ", "ok", " \u200b "], pa.large_string())
    cleaned, changed = clean_counted(values)
    assert cleaned.to_pylist() == ["nulk", "escred", "vt s", "ff s", "c1 nx", "rtle", "zws", "wjq", "bomw", "isox",
                                   "delz", "tab x", "two spaces", "ok", ""]
    assert changed.tolist() == [True] * 11 + [False, False, False, True]
    assert clean(values).equals(cleaned)


def test_keywords_and_thesaurus_are_cleaned_and_occurrences_counted(tmp_path):
    records = pd.DataFrame({"DE": [DIRTY, DIRTY, "plain; esc red"], "ID": ["BOM\ufeffWORD", None, "PLAIN"],
                            "PY": [2020] * 3, "TC": [1] * 3})
    occ = extract(records, "all")
    assert occ.keys.tolist() == ["bomword", "c1 nextx", "esc red", "escred", "isolate", "nulkeyword", "plain",
                                 "rtlevil", "vt split", "zwspace"]
    assert occ.control_characters_removed == 2 * 7 + 1  # 7 of DIRTY's 8 keywords, twice, and one ID
    assert extract(records, "author").control_characters_removed == 14
    thesaurus = tmp_path / "thesaurus.txt"
    thesaurus.write_text("label\treplace by\nnul\u2066keyword\tnull keyword\nzw\x1bspace\t\n", encoding="utf-8")
    assert read_thesaurus(thesaurus) == {"nulkeyword": "null keyword", "zwspace": ""}
    net = bibnet.build_network(records, min_occurrences=2, thesaurus=str(thesaurus))
    assert net.items["label"].tolist() == ["c1 nextx", "escred", "isolate", "null keyword", "plain", "rtlevil",
                                           "vt split"]


def dirty_export(tmp_path: Path) -> Path:
    """Six records with the dirty keywords, after 5 KB of clean ones: a NUL in the first 4 KB
    makes the file binary, but further down it reaches the keywords."""
    rows = [{"PT": "J", "UT": f"WOS:9{i:05d}", "TI": "padding " * 60, "PY": "2019", "DE": "plain"} for i in range(10)]
    rows += [{"PT": "J", "UT": f"WOS:{i:06d}", "TI": f"T{i}", "PY": "2020", "DE": DIRTY, "ID": "BOM\ufeffWORD"}
             for i in range(6)]
    return tab_file(tmp_path / "dirty.txt", rows)


def test_maps_of_dirty_keywords_are_valid_xml_and_say_what_was_removed(tmp_path):
    from bibnet.plotting import plot
    from bibnet.plotting.static import save_static

    net = bibnet.build_network(bibnet.read(dirty_export(tmp_path), lean=True), min_occurrences=5)
    net = net.cluster(random_starts=1).layout(random_starts=1)
    assert net.items["label"].tolist() == ["bomword", "c1 nextx", "escred", "isolate", "nulkeyword", "plain",
                                           "rtlevil", "vt split", "zwspace"]
    written = save(net, tmp_path / "map", formats=("gexf", "graphml"))
    save_static(plot(net), None, tmp_path / "map.svg")
    for path in (written["map.gexf"], written["map.graphml"], tmp_path / "map.svg"):
        ET.parse(path)  # raises on a control character
    summary = json.loads((tmp_path / "map" / "summary.json").read_text())
    assert summary["control_characters_removed"] == 6 * 8  # 7 DE keywords and the ID one, in 6 records
    assert net.describe().endswith("; control or invisible characters removed from 48 keyword occurrences")
    assert "\x1b" not in (tmp_path / "map" / "map.txt").read_text(encoding="utf-8")


def test_clean_keywords_leave_no_trace_in_the_summary():
    records = pd.DataFrame({"DE": ["a; b", "a; b  c", "a; b"], "PY": [2020] * 3, "TC": [1] * 3})
    net = bibnet.build_network(records, min_occurrences=2)
    assert net.keywords.control_characters_removed == 0
    assert "control_characters_removed" not in net.summary().to_dict() and "control" not in net.describe()


# -- maps with no keyword -------------------------------------------------------------------------------------


def test_no_keyword_meets_the_threshold_real_export():
    corpus = bibnet.read(WOS / "tab" / "rmp_savedrecs.txt", lean=True)
    with pytest.raises(NoKeywordsError) as info:
        bibnet.build_network(corpus, min_occurrences=105)
    assert str(info.value) == ("All keywords: no keyword occurs at least 105 times (the most frequent, "
                               "'artificial intelligence', occurs 104 times); lower --min-occurrences")
    assert isinstance(info.value, InputError) and info.value.field == "all"


@pytest.mark.parametrize(("name", "keywords", "why"), [
    ("whs_climate_savedrecs_1.txt", "all", "All keywords: the records have no keywords (no DE or ID column)"),
    ("pavement_defect_analysis_savedrecs.txt", "all",
     "All keywords: the records have no keywords (DE is empty in every record, no ID column)"),
    ("pavement_defect_analysis_savedrecs.txt", "author",
     "Author keywords: the records have no author keywords (DE is empty in every record)"),
    ("pavement_defect_analysis_savedrecs.txt", "plus", "Keywords Plus: the records have no Keywords Plus (no ID column)"),
])
def test_real_exports_without_keywords_say_which_field_is_missing(name, keywords, why):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = bibnet.read(WOS / "edge_cases" / name, lean=True)
    with pytest.raises(NoKeywordsError) as info:
        bibnet.build_network(corpus, keywords=keywords)
    assert str(info.value) == f"{why}; {EXPORT_HINT}"


def test_an_empty_field_points_to_the_other_one():
    records = pd.DataFrame({"DE": [None, None], "ID": ["SOIL; WATER", "SOIL"]})
    with pytest.raises(NoKeywordsError) as info:
        bibnet.build_network(records, keywords="author", min_occurrences=1)
    assert str(info.value) == ("Author keywords: the records have no author keywords (DE is empty in every record); "
                               "map the indexed keywords instead (--keywords indexed)")
    with pytest.raises(NoKeywordsError, match=r"^All keywords: the records have no keywords \(no DE or ID column\)"):
        bibnet.build_network(pd.DataFrame({"TI": ["x"]}))
    with pytest.raises(NoKeywordsError, match=r"\(DE holds only separators or blanks\)"):
        bibnet.build_network(pd.DataFrame({"DE": [" ; ", "\x00"]}), keywords="author")


@pytest.mark.parametrize("command", ["map", "resolution", "analyze"])
def test_cli_empty_map_is_an_error_in_one_line(tmp_path, command):
    export = tab_file(tmp_path / "few.txt", [{"PT": "J", "UT": f"WOS:{i}", "PY": "2020", "DE": "coffee; tea"}
                                             for i in range(3)])
    out = ["--out", str(tmp_path / "out")] if command != "resolution" else []
    code, stdout, stderr = cli(command, str(export), *out)
    assert code == 2 and stdout == ""
    assert stderr.splitlines()[-1] == ("bibnet: error: All keywords: no keyword occurs at least 5 times (the most "
                                       "frequent, 'coffee', occurs 3 times); lower --min-occurrences")
    assert "Traceback" not in stderr and not (tmp_path / "out").exists()


def test_analyze_skips_a_field_with_no_keyword_and_says_so(tmp_path):
    """No Keywords Plus column (renamed in a copy of a real export): the author keywords are analysed."""
    source = (WOS / "tab" / "wosfile_wos_tab_delimited_win_utf8.txt").read_text(encoding="utf-8-sig")
    header, rest = source.split("\n", 1)
    assert "\tID\t" in header
    (tmp_path / "no_id.txt").write_text(header.replace("\tID\t", "\tX9\t") + "\n" + rest, encoding="utf-8")
    corpus = bibnet.read(tmp_path / "no_id.txt", lean=True)
    with pytest.warns(UserWarning, match=r"^Keywords Plus not mapped: the records have no Keywords Plus \(no ID column\); "
                                         r"the other fields are analysed$"):
        result = analyze(corpus, tmp_path / "out", network_params=NetworkParams(min_occurrences=2), laid_out=False)
    assert list(result.networks) == ["all", "author"] and list(result.skipped) == ["indexed"]
    assert result.skipped == {"indexed": "Keywords Plus not mapped: the records have no Keywords Plus (no ID column)"}
    assert not (tmp_path / "out" / "indexed").exists() and (tmp_path / "out" / "author" / "map.txt").exists()
    methods = (tmp_path / "out" / "methods.md").read_text(encoding="utf-8")
    assert "Keywords Plus were not mapped: the records have no Keywords Plus (no ID column).\n\n### References" in methods
    assert "Keywords Plus were not mapped" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_analyze_fails_when_no_field_has_a_keyword(tmp_path):
    corpus = bibnet.read(tab_file(tmp_path / "none.txt", [{"PT": "J", "UT": "WOS:1", "PY": "2020"}]), lean=True)
    with pytest.raises(NoKeywordsError) as info:
        analyze(corpus, tmp_path / "out", laid_out=False)
    assert str(info.value) == f"All keywords: the records have no keywords (DE and ID are empty in every record); {EXPORT_HINT}"
    with pytest.raises(NoKeywordsError) as info:
        analyze(corpus, tmp_path / "out", laid_out=False, params=AnalysisParams(fields=("author", "plus")))
    assert str(info.value) == ("Author keywords: the records have no author keywords (DE is empty in every record), and "
                               f"Keywords Plus: the records have no Keywords Plus (ID is empty in every record); {EXPORT_HINT}")


# -- Python API errors --------------------------------------------------------------------------------------


def test_documents_of_an_absent_keyword_is_an_option_error():
    net = bibnet.build_network(pd.DataFrame({"DE": ["a; b", "a; b"], "PY": [2020] * 2, "TC": [1] * 2}), min_occurrences=1)
    with pytest.raises(OptionError) as info:
        net.documents("absent")
    assert str(info.value) == "keyword 'absent' is not in the network"
    assert isinstance(info.value, KeyError)  # code that caught KeyError still does
    with pytest.raises(OptionError, match=r"^a keyword must be text, got 3$"):
        net.documents(3)  # type: ignore[arg-type]


def test_min_occurrences_as_text_is_one_option_error():
    with pytest.raises(OptionError) as info:
        bibnet.build_network(pd.DataFrame({"DE": ["a"]}), min_occurrences="5")
    assert str(info.value) == "minimum occurrences must be a number, got '5'"
