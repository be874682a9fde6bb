"""VOSviewer map/network/JSON files, GEXF, GraphML and Pajek (bibnet.readwrite).

The sample files in tests/data/vosviewer/ were saved by VOSviewer itself (see
tests/data/SOURCES.md); the Pajek files are those of the coffee/obesity gold map.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibnet.errors import InputError, OptionError
from bibnet.readwrite import (
    VOSviewerMap,
    _format,
    attribute_names,
    read_json,
    read_map,
    read_network,
    read_pajek,
    read_pajek_partition,
    read_pajek_vector,
    read_vosviewer,
    to_igraph,
    to_networkx,
    write_gexf,
    write_graphml,
    write_json,
    write_map,
    write_network,
    write_pajek,
    write_pajek_partition,
    write_pajek_vector,
    write_vosviewer,
)
from bibnet.readwrite._format import numbers

DATA = Path(__file__).parent / "data" / "vosviewer"
GOLD = Path(__file__).parent / "data" / "gold_coffee_obesity" / "vosviewer"

#: map file, network file (None: map only), items, links
TEXT_SAMPLES = {
    "scientometrics": (DATA / "Scientometrics_term_co-occurrence_map.txt", DATA / "Scientometrics_term_co-occurrence_network.txt",
                       1165, 110_003),
    "joi": (DATA / "JOI_2007-2016_co-authorship_map.txt", DATA / "JOI_2007-2016_co-authorship_network.txt", 252, 568),
    "docs": (DATA / "vosviewer-online-docs_example_map.txt", DATA / "vosviewer-online-docs_example_network.txt", 10, 24),
    "qss": (DATA / "vosviewer-online_QSS_SM_2020-2021_co-authorship_map.txt",
            DATA / "vosviewer-online_QSS_SM_2020-2021_co-authorship_network.txt", 112, 225),
    "coffee": (GOLD / "coffee-obesity_Keyword_map.csv", GOLD / "coffee-obesity_Keyword_net.csv", 52, 1058),
}
#: JSON file, items, links
JSON_SAMPLES = {
    "example_network": (DATA / "vosviewer-online-exempel_ExampleNetwork.json", 979, 15_246),
    "joi": (DATA / "JOI_2007-2016_co-authorship_network.json", 252, 568),
    "qss": (DATA / "QSS_SM_2020-2021_co-authorship_network.json", 112, 225),
    "docs": (DATA / "vosviewer-online-docs_example.json", 10, 24),
}
TRICKY_LABELS = ["<script>alert(1)</script>", "=cmd|' /C calc'!A0", "50% & 100\\%", 'a, b; "c"', '"quoted" start', "漢字 ünï"]


@pytest.fixture(scope="module")
def samples() -> dict[str, VOSviewerMap]:
    text = {k: read_vosviewer(m, n) for k, (m, n, _, _) in TEXT_SAMPLES.items()}
    return text | {f"json_{k}": read_json(p) for k, (p, _, _) in JSON_SAMPLES.items()}


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def small_map() -> VOSviewerMap:
    """The example of the VOSviewer reference, section 1.3 (plus a missing score)."""
    items = pd.DataFrame({
        "id": np.array([1, 2, 3, 4], np.int64),
        "label": pd.Series(["deep learning", "neural network", "solar cell", "perovskite"], dtype="str"),
        "x": [-0.6412, -0.4935, 0.5520, 0.5827],
        "y": [0.1031, -0.1577, 0.0874, -0.0328],
        "cluster": pd.array([1, 1, 2, 2], dtype="Int64"),
        "weight<Links>": [2.0, 2.0, 3.0, 1.0],
        "weight<Total link strength>": [9.0, 9.0, 6.0, 4.0],
        "weight<Occurrences>": [14.0, 11.0, 9.0, 6.0],
        "score<Avg. pub. year>": [2021.428571, 2019.090909, 2018.666667, 2020.5],
    })
    links = pd.DataFrame({"source": np.array([1, 1, 2, 3]), "target": np.array([2, 3, 3, 4]), "strength": [8.0, 1.0, 1.0, 4.0]})
    return VOSviewerMap(items=items, links=links)


# -- reading VOSviewer's own files ---------------------------------------------------------------


@pytest.mark.parametrize("name", TEXT_SAMPLES)
def test_text_samples_read_with_their_counts(samples, name):
    vmap, (_, _, n_items, n_links) = samples[name], TEXT_SAMPLES[name]
    assert (len(vmap.items), len(vmap.links)) == (n_items, n_links)
    assert vmap.items["id"].dtype == np.int64 and vmap.items["cluster"].dtype == "Int64"
    assert list(vmap.links.columns) == ["source", "target", "strength"]
    assert (vmap.links["source"] < vmap.links["target"]).all()
    assert vmap.links.equals(vmap.links.sort_values(["source", "target"], ignore_index=True))


@pytest.mark.parametrize("name", JSON_SAMPLES)
def test_json_samples_read_with_their_counts(samples, name):
    vmap, (_, n_items, n_links) = samples[f"json_{name}"], JSON_SAMPLES[name]
    assert (len(vmap.items), len(vmap.links)) == (n_items, n_links)


def test_scientometrics_columns_and_values(samples):
    items = samples["scientometrics"].items
    assert list(items.columns[:8]) == [
        "id", "label", "x", "y", "cluster", "weight<Links>", "weight<Total link strength>", "weight<Occurrences>",
    ]
    assert items.columns[-1] == "score<Perc. OA hybrid>"
    first = items.iloc[0]
    first_values = (first["id"], first["label"], first["x"], first["cluster"], first["weight<Occurrences>"])
    assert first_values == (1, "21st century", -0.8406, 3, 12.0)
    assert items["cluster"].value_counts().sort_index().tolist() == [397, 378, 253, 137]


def test_quoted_labels_and_gapped_ids_of_joi(samples):
    items = samples["joi"].items
    assert items["label"].iloc[0] == "abbasi, a"
    assert items["id"].max() == 782  # ids have gaps after VOSviewer's cut to the largest component


@pytest.mark.parametrize(("json_name", "text_name"), [("joi", "joi"), ("qss", "qss"), ("docs", "docs")])
def test_json_and_text_files_of_one_map_read_the_same(samples, json_name, text_name):
    from_json, from_text = samples[f"json_{json_name}"], samples[text_name]
    common = [c for c in from_text.items.columns if c in from_json.items.columns]
    assert len(common) >= len(from_text.items.columns) - 2  # JOI/docs JSON omit Links and Total link strength
    pd.testing.assert_frame_equal(from_json.items[common], from_text.items[common])
    pd.testing.assert_frame_equal(from_json.links, from_text.links)


def test_json_info_and_repeated_weight_keys(samples):
    joi = samples["json_joi"]
    assert joi.info["title"] == "Co-authorship network of authors in Journal of Informetrics"
    # 27 JOI items repeat "weight<Citations>" etc. as item keys: merged, not extra columns
    weights = [c for c in joi.items.columns if c.startswith("weight")]
    assert weights == ["weight<Documents>", "weight<Citations>", "weight<Norm. citations>"]


# -- writing: byte-exact VOSviewer files ---------------------------------------------------------


@pytest.mark.parametrize("name", ["scientometrics", "joi", "docs", "qss"])
def test_vosviewer_files_are_rewritten_byte_for_byte(samples, name, tmp_path):
    map_path, network_path, _, _ = TEXT_SAMPLES[name]
    write_map(samples[name], tmp_path / "map.txt")
    write_network(samples[name], tmp_path / "network.txt")
    for ours, theirs in ((tmp_path / "map.txt", map_path), (tmp_path / "network.txt", network_path)):
        # ours: no BOM, a final line end (two of VOSviewer's files have a BOM, two lack the last LF)
        expected = theirs.read_bytes().removeprefix(b"\xef\xbb\xbf").rstrip(b"\n") + b"\n"
        assert ours.read_bytes() == expected


def test_long_files_are_written_a_chunk_at_a_time(samples, tmp_path, monkeypatch):
    """Links are formatted CHUNK rows at a time; the bytes do not depend on the chunk size."""
    vmap = samples["scientometrics"]
    write_network(vmap, tmp_path / "whole.txt")
    write_json(vmap, tmp_path / "whole.json")
    monkeypatch.setattr(_format, "CHUNK", 4999)  # 23 chunks, the last one short
    write_network(vmap, tmp_path / "chunked.txt")
    write_json(vmap, tmp_path / "chunked.json")
    assert (tmp_path / "chunked.txt").read_bytes() == (tmp_path / "whole.txt").read_bytes()
    assert (tmp_path / "chunked.json").read_bytes() == (tmp_path / "whole.json").read_bytes()
    assert len(json.loads((tmp_path / "chunked.json").read_text(encoding="utf-8"))["network"]["links"]) == 110_003


def test_small_map_written_exactly(tmp_path):
    write_vosviewer(small_map(), tmp_path, stem="kw_")
    assert (tmp_path / "kw_map.txt").read_text() == (
        "id\tlabel\tx\ty\tcluster\tweight<Links>\tweight<Total link strength>\tweight<Occurrences>\tscore<Avg. pub. year>\n"
        "1\tdeep learning\t-0.6412\t0.1031\t1\t2\t9\t14\t2021.4286\n"
        "2\tneural network\t-0.4935\t-0.1577\t1\t2\t9\t11\t2019.0909\n"
        "3\tsolar cell\t0.552\t0.0874\t2\t3\t6\t9\t2018.6667\n"
        "4\tperovskite\t0.5827\t-0.0328\t2\t1\t4\t6\t2020.5\n"
    )
    assert (tmp_path / "kw_network.txt").read_text() == "1\t2\t8\n1\t3\t1\n2\t3\t1\n3\t4\t4\n"
    doc = json.loads((tmp_path / "kw_map.json").read_text())
    assert doc["network"]["items"][2] == {
        "id": 3, "label": "solar cell", "x": 0.552, "y": 0.0874, "cluster": 2,
        "weights": {"Links": 3, "Total link strength": 6, "Occurrences": 9}, "scores": {"Avg. pub. year": 2018.6667},
    }
    assert doc["network"]["links"][0] == {"source_id": 1, "target_id": 2, "strength": 8}


def test_number_format():
    values = [2012.5, 124.0, -0.00001, 0.12345678, -3.25, np.nan, 1e15 + 0.5, 0.0, -0.45, 9.99996]
    assert numbers(values).to_pylist() == ["2012.5", "124", "0", "0.1235", "-3.25", "", "1000000000000000.5", "0", "-0.45", "10"]


def test_missing_values_are_empty_fields_and_left_out_of_json(tmp_path):
    vmap = small_map()
    items = vmap.items.copy()
    items.loc[0, ["x", "y"]] = np.nan
    items.loc[1, "cluster"] = pd.NA
    items.loc[2, "score<Avg. pub. year>"] = np.nan
    vmap = replace(vmap, items=items)
    write_map(vmap, tmp_path / "map.txt")
    lines = (tmp_path / "map.txt").read_text().splitlines()
    assert lines[1] == "1\tdeep learning\t\t\t1\t2\t9\t14\t2021.4286"
    assert lines[2].split("\t")[4] == "" and lines[3].endswith("\t6\t9\t")
    write_json(vmap, tmp_path / "map.json")
    first, second, third = json.loads((tmp_path / "map.json").read_text())["network"]["items"][:3]
    assert "x" not in first and "y" not in first and "cluster" not in second and "scores" not in third
    pd.testing.assert_frame_equal(read_map(tmp_path / "map.txt"), items)
    pd.testing.assert_frame_equal(read_json(tmp_path / "map.json").items, items)


# -- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*TEXT_SAMPLES, *(f"json_{k}" for k in JSON_SAMPLES)])
def test_round_trips(samples, name, tmp_path):
    vmap = samples[name]
    first = write_vosviewer(vmap, tmp_path / "a")
    again = read_vosviewer(first["map"], first["network"])
    pd.testing.assert_frame_equal(again.items, vmap.items, check_exact=True)
    pd.testing.assert_frame_equal(again.links, vmap.links, check_exact=True)
    from_json = read_json(first["json"])
    pd.testing.assert_frame_equal(from_json.items, vmap.items, check_exact=True)
    pd.testing.assert_frame_equal(from_json.links, vmap.links, check_exact=True)
    assert (from_json.info, from_json.config) == (vmap.info, vmap.config)
    second = write_vosviewer(from_json, tmp_path / "b")
    for kind in ("map", "network", "json"):
        assert first[kind].read_bytes() == second[kind].read_bytes(), kind


def test_tricky_labels_round_trip(tmp_path):
    vmap = small_map()
    labels = pd.Series(TRICKY_LABELS[:4], dtype="str")
    items = vmap.items.assign(label=labels)
    items.insert(2, "description", pd.Series(TRICKY_LABELS[2:], dtype="str"))
    vmap = replace(vmap, items=items)
    write_vosviewer(vmap, tmp_path)
    assert '\t"a, b; ""c"""\t' in (tmp_path / "map.txt").read_text()
    pd.testing.assert_frame_equal(read_map(tmp_path / "map.txt"), vmap.items)
    pd.testing.assert_frame_equal(read_json(tmp_path / "map.json").items, vmap.items)


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")) | st.sampled_from('\t\n\r",;<>&%\\\' '), max_size=12
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(labels=st.lists(_TEXT, min_size=1, max_size=6))
def test_any_label_round_trips(tmp_path, labels):
    items = pd.DataFrame({"id": np.arange(1, len(labels) + 1), "label": pd.Series(labels, dtype="str")})
    vmap = VOSviewerMap(items=items, links=pd.DataFrame({"source": [], "target": [], "strength": []}))
    write_map(vmap, tmp_path / "map.txt")
    write_json(vmap, tmp_path / "map.json")
    # the map file turns tabs and line breaks into spaces and VOSviewer trims fields; JSON keeps all
    expected = [label.replace("\r\n", " ").replace("\t", " ").replace("\r", " ").replace("\n", " ").strip() for label in labels]
    assert read_map(tmp_path / "map.txt")["label"].tolist() == expected
    assert read_json(tmp_path / "map.json").items["label"].tolist() == labels


def test_output_is_identical_in_another_process(samples, tmp_path):
    vmap = samples["json_docs"]
    write_json(vmap, tmp_path / "here.json")
    write_gexf(vmap, tmp_path / "here.gexf")
    code = (
        "import sys; from bibnet.readwrite import read_json, write_json, write_gexf\n"
        "v = read_json(sys.argv[1]); write_json(v, sys.argv[2]); write_gexf(v, sys.argv[3])\n"
    )
    env = os.environ | {"PYTHONHASHSEED": "12345"}
    args = [str(JSON_SAMPLES["docs"][0]), str(tmp_path / "there.json"), str(tmp_path / "there.gexf")]
    subprocess.run([sys.executable, "-c", code, *args], check=True, env=env)
    assert (tmp_path / "here.json").read_bytes() == (tmp_path / "there.json").read_bytes()
    assert (tmp_path / "here.gexf").read_bytes() == (tmp_path / "there.gexf").read_bytes()


# -- what VOSviewer accepts ----------------------------------------------------------------------


def test_semicolons_crlf_bom_quotes_header_case(tmp_path):
    text = (
        "\ufeffID;Label;Description;URL;X;Y;Cluster;Weight<Occurrences>;score<Avg. pub. year>\r\n"
        '5;"a; b";<b>x</b>;https://x.org/?a=1;1;2;;3;\r\n'
        "9;c;;;0.5;-1;2;4;NaN\r\n"
        "\r\n"
    )
    items = read_map(write(tmp_path / "map.txt", text))
    assert list(items.columns) == [
        "id", "label", "description", "url", "x", "y", "cluster", "weight<Occurrences>", "score<Avg. pub. year>",
    ]
    assert items["id"].tolist() == [5, 9] and items["label"].tolist() == ["a; b", "c"]
    assert items["description"].iloc[0] == "<b>x</b>" and pd.isna(items["description"].iloc[1])
    assert items["cluster"].isna().tolist() == [True, False] and items["score<Avg. pub. year>"].isna().all()


def test_comma_file_with_columns_in_another_order(tmp_path):
    items = read_map(write(tmp_path / "map.csv", 'label,weight<A>,id\n"x, y",2,7\nz,0,3\n'))
    assert list(items.columns) == ["label", "weight<A>", "id"] and items["label"].tolist() == ["x, y", "z"]


def test_trailing_empty_column_is_ignored(tmp_path):
    items = read_map(write(tmp_path / "map.txt", "id\tlabel\t\n1\ta\t\n2\tb\t\n"))
    assert list(items.columns) == ["id", "label"] and items["label"].tolist() == ["a", "b"]


def test_map_without_id_or_label(tmp_path):
    only_labels = read_map(write(tmp_path / "a.txt", "label\nalpha\nbeta\n"))
    assert only_labels["id"].tolist() == [1, 2] and only_labels["label"].tolist() == ["alpha", "beta"]
    only_ids = read_map(write(tmp_path / "b.txt", "id\tx\ty\n4\t0\t1\n8\t1\t0\n"))
    assert only_ids["label"].tolist() == ["4", "8"]


def test_network_merges_like_vosviewer(tmp_path):
    links = read_network(write(tmp_path / "n.txt", "1\t2\t3\n2\t1\t1.5\n3\t3\t5\n1\t3\t\n4\t1\t2\n"))
    assert links.values.tolist() == [[1, 2, 4.5], [1, 3, 1.0], [1, 4, 2.0]]  # summed, self-link dropped, empty = 1
    two_columns = read_network(write(tmp_path / "n2.txt", "1,2\r2,3\r1,2\r"))  # lone CR, comma, no strength
    assert two_columns.values.tolist() == [[1, 2, 2.0], [2, 3, 1.0]]


def test_network_without_map_and_map_without_network(tmp_path):
    vmap = read_vosviewer(network_path=write(tmp_path / "n.txt", "5;7;1.5\n7;2;1\n"))
    assert vmap.items["id"].tolist() == [2, 5, 7] and vmap.items["label"].tolist() == ["2", "5", "7"]
    assert read_vosviewer(GOLD / "coffee-obesity_Keyword_map.csv").links.empty


@pytest.mark.parametrize(
    ("file", "text", "message"),
    [
        ("map.txt", "id\tlabel\tlabel\n1\ta\tb\n", "map.txt: duplicate column 'label'"),
        ("map.txt", "id\tLabel\tlabel\n1\ta\tb\n", "map.txt: duplicate column 'label'"),
        ("map.txt", "id\tlabel\tx\ty\tcluster\tw1\tw2\tw3\ts1\ts2\ts3\n" + "1\ta\t1\t2\t1\t1\t1\t1\t1\t1\t1\n"
         + "2\tb\t1\t2\t1\t1\t1\t1\t1\n",
         "map.txt line 3: expected 11 fields, found 9"),
        ("map.txt", "id\tlabel\n1\ta\n\n\n1\tb\n", "map.txt line 5: duplicate id 1"),
        ("map.txt", "id\tlabel\n1\ta\n2.5\tb\n", "map.txt line 3: id value '2.5' is not an integer"),
        ("map.txt", "id\tlabel\tcluster\n1\ta\t0\n", "map.txt line 2: cluster '0' is not an integer from 1 to 1000"),
        ("map.txt", "id\tlabel\tcluster\n1\ta\t1001\n", "cluster '1001' is not an integer from 1 to 1000"),
        ("map.txt", "id\tlabel\tweight<A>\n1\ta\t-1\n", "map.txt line 2: weight<A> -1 is negative"),
        ("map.txt", "id\tlabel\tweight<A>\n1\ta\t\n", "map.txt line 2: weight<A> is empty"),
        ("map.txt", "id\tlabel\tscore<A>\n1\ta\t1,5\n", "map.txt line 2: score<A> value '1,5' is not a number"),
        ("map.txt", "id\tlabel\tx\n1\ta\t1\n", "map.txt: column 'x' without 'y'"),
        ("map.txt", "id\t\tx\n", "map.txt line 1: column 2 has no name"),
        ("map.txt", "", "map.txt: empty map file"),
        ("network.txt", "id1\tid2\tstrength\n1\t2\t1\n",
         "network.txt line 1: id value 'id1' is not a number (network files have no header line)"),
        ("network.txt", "1\t2\t1\n\n1\t3\n", "network.txt line 3: expected 3 fields, found 2"),
        ("network.txt", "1\t2\t-3\n", "network.txt line 1: strength -3 is negative"),
        ("network.txt", "1\n2\n", "network.txt line 1: expected 2 or 3 fields"),
    ],
)
def test_bad_files(tmp_path, file, text, message):
    reader = read_map if file == "map.txt" else read_network
    with pytest.raises(InputError) as error:
        reader(write(tmp_path / file, text))
    assert message in str(error.value) and "\n" not in str(error.value)


def test_link_id_missing_from_the_map(tmp_path):
    map_path = write(tmp_path / "map.txt", "id\tlabel\n1\ta\n2\tb\n")
    network = write(tmp_path / "network.txt", "1\t2\t1\n2\t1\t1\n\n" + "1\t2\t1\n" * 3 + "2\t99\t1\n")
    with pytest.raises(InputError, match=r"network.txt line 7: id 99 not in the map file"):
        read_vosviewer(map_path, network)


def test_unreadable_files(tmp_path):
    with pytest.raises(InputError, match="missing.txt: cannot read file"):
        read_map(tmp_path / "missing.txt")
    with pytest.raises(InputError, match=r"latin1.txt: line 2: not valid UTF-8 text \(expected a VOSviewer map file"):
        read_map(write(tmp_path / "latin1.txt", "id\tlabel\n1\tcaf\xe9\n", "latin-1"))
    assert read_map(write(tmp_path / "utf16.txt", "\ufeffid\tlabel\n1\tcaf\xe9\n", "utf-16-le"))["label"].tolist() == ["caf\xe9"]
    with pytest.raises(OptionError):
        read_vosviewer()


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("{", "line 1: not valid JSON"),
        ('{"items": []}', "no network.items or network.links"),
        ('{"network": {"items": [{"id": "a1", "label": "x"}]}}', "network.items[0]: id 'a1' is not an integer"),
        ('{"network": {"items": [{"id": 1}, {"id": 1}]}}', "network.items[1]: duplicate id 1"),
        ('{"network": {"items": [{"id": 1, "weights": {"A": 1}}, {"id": 2}]}}', "network.items[1] (id 2): weight 'A' missing"),
        ('{"network": {"items": [{"id": 1, "weights": {"A": -2}}]}}', "weight 'A' -2 is negative"),
        ('{"network": {"items": [{"id": 1, "cluster": 0}]}}', "cluster 0 is not an integer from 1 to 1000"),
        ('{"network": {"items": [{"id": 1, "scores": {"S": "high"}}]}}', "network.items[0].scores['S']: 'high' is not a number"),
        ('{"network": {"items": [{"id": 1}], "links": [{"source_id": 1, "target_id": 9}]}}',
         "network.links[0]: id 9 not in network.items"),
        ('{"network": {"links": [{"source_id": 1}]}}', "network.links[0] needs source_id and target_id"),
    ],
)
def test_bad_json(tmp_path, doc, message):
    with pytest.raises(InputError) as error:
        read_json(write(tmp_path / "map.json", doc))
    assert message in str(error.value)


def test_json_extras_round_trip(tmp_path):
    doc = {
        "info": {"title": "Keywords", "description": "<p>d</p>"},
        "config": {"terminology": {"item": "Keyword"}, "parameters": {"attraction": 2, "resolution": 1.0}},
        "network": {
            "items": [
                {"id": 1, "label": "a", "first_year": 2015, "weights": {"Occurrences": 3}},
                {"id": 2, "label": "b", "weights": {"Occurrences": 4}},
                {"id": 3, "label": "c", "first_year": 2011, "weights": {"Occurrences": 5}},
            ],
            "links": [
                {"source_id": 2, "target_id": 1, "strength": 2},
                {"source_id": 1, "target_id": 2},
                {"source_id": 3, "target_id": 2},
            ],
            "clusters": [{"cluster": 2, "label": "Energy"}, {"cluster": 1, "label": "Learning"}],
        },
    }
    vmap = read_json(write(tmp_path / "in.json", json.dumps(doc)))
    assert vmap.links.values.tolist() == [[1, 2, 3.0], [2, 3, 1.0]]  # both directions summed, missing strength = 1
    assert vmap.items["first_year"].tolist()[::2] == [2015.0, 2011.0] and pd.isna(vmap.items["first_year"][1])
    write_json(vmap, tmp_path / "out.json", indent=None)
    raw = (tmp_path / "out.json").read_bytes()
    assert raw.count(b"\n") == 1 and not raw.startswith(b"\xef\xbb\xbf")
    out = json.loads(raw)
    assert list(out) == ["info", "config", "network"] and out["info"] == doc["info"] and out["config"] == doc["config"]
    assert out["network"]["clusters"] == [{"cluster": 1, "label": "Learning"}, {"cluster": 2, "label": "Energy"}]
    assert out["network"]["items"][0] == {"id": 1, "label": "a", "first_year": 2015, "weights": {"Occurrences": 3}}
    assert "first_year" not in out["network"]["items"][1]


def test_json_writes_text_as_is(tmp_path):
    vmap = small_map()
    vmap = replace(vmap, items=vmap.items.assign(label=pd.Series(TRICKY_LABELS[2:], dtype="str")))
    write_json(vmap, tmp_path / "map.json")
    assert "漢字 ünï" in (tmp_path / "map.json").read_text(encoding="utf-8")


# -- what VOSviewer rejects, refused on writing --------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda items, links: (items.assign(cluster=pd.array([0, 1, 2, 2], dtype="Int64")), links),
         "cluster 0 of id 1 is not in 1..1000"),
        (lambda items, links: (items.assign(cluster=pd.array([1, 1001, 2, 2], dtype="Int64")), links), "cluster 1001 of id 2"),
        (lambda items, links: (items.assign(**{"weight<Links>": [2.0, -1.0, 3.0, 1.0]}), links),
         "weight<Links> of id 2 -1 is negative"),
        (lambda items, links: (items.assign(**{"weight<Links>": [2.0, np.nan, 3.0, 1.0]}), links),
         "weight<Links> of id 2 is empty"),
        (lambda items, links: (items.assign(x=[0.0, np.inf, 1.0, 2.0]), links), "x of id 2 is not finite"),
        (lambda items, links: (items.assign(**{"score<Avg. pub. year>": ["a", "b", "c", "d"]}), links),
         "column 'score<Avg. pub. year>' is not numeric"),
        (lambda items, links: (items.assign(id=[1, 2, 2, 4]), links), "duplicate id 2"),
        (lambda items, links: (items.drop(columns="y"), links), "column 'x' without 'y'"),
        (lambda items, links: (items.drop(columns="label"), links), "no 'label' column"),
        (lambda items, links: (items, links.assign(source=[1, 1, 2, 2], target=[2, 3, 1, 4])), "pair (1, 2) appears twice"),
        (lambda items, links: (items, links.assign(strength=[1.0, -1.0, 1.0, 1.0])), "strength -1 is negative"),
        (lambda items, links: (items, links.assign(target=[2, 3, 3, 9])), "id 9 is not an item"),
        (lambda items, links: (items, links.assign(source=[0, 1, 2, 3])), "id 0 is not an item"),
        (lambda items, links: (items, links.assign(source=pd.array([1, None, 2, 3], dtype="Int64"))), "an id is missing"),
        (lambda items, links: (items, links.assign(target=[2.0, 3.5, 3.0, 4.0])), "column 'target' must hold whole numbers"),
    ],
)
def test_writers_refuse_what_vosviewer_rejects(tmp_path, change, message):
    vmap = small_map()
    items, links = change(vmap.items, vmap.links)
    with pytest.raises(OptionError) as error:
        write_vosviewer(VOSviewerMap(items=items, links=links), tmp_path)
    assert message in str(error.value)


def test_zero_and_self_links_are_not_written(tmp_path):
    links = pd.DataFrame({"source": [3, 1, 2, 1, 4], "target": [1, 1, 3, 4, 2], "strength": [2.0, 5.0, 0.0, 0.00004, 0.5]})
    write_network(links, tmp_path / "n.txt")
    assert (tmp_path / "n.txt").read_text() == "1\t3\t2\n2\t4\t0.5\n"


def test_json_items_are_what_json_dumps_writes_for_each_item(tmp_path):
    items = pd.DataFrame({
        "id": np.arange(1, 6),
        "label": ['plain', 'qu"ote', "back\\slash", "tab\there \x01", "ünï €"],
        "description": ["<b>x</b>", None, "", "a", "b"],
        "x": [0.1, np.nan, 123456789012.1234, -5.5, 1e15],
        "y": [0.1, np.nan, -0.00004, 5.5, 3.0],
        "cluster": pd.array([1, None, 2, 3, 1], dtype="Int64"),
        "flag": [True, False, None, True, True],
        "weight<Links>": [1.0, 2, 3, 4, 7e12],
        "score<A>": [np.nan, 2019.5, np.nan, 1, 99999999999.99],
        "score<B b>": [np.nan, np.nan, 1.25, 1, -123456789012.5],
    })
    write_json(VOSviewerMap(items=items, links=small_map().links.iloc[:0]), tmp_path / "m.json")
    expected = [
        {"id": 1, "label": "plain", "description": "<b>x</b>", "x": 0.1, "y": 0.1, "cluster": 1, "flag": True,
         "weights": {"Links": 1}},
        {"id": 2, "label": 'qu"ote', "flag": False, "weights": {"Links": 2}, "scores": {"A": 2019.5}},
        {"id": 3, "label": "back\\slash", "description": "", "x": 123456789012.1234, "y": 0, "cluster": 2,
         "weights": {"Links": 3}, "scores": {"B b": 1.25}},
        {"id": 4, "label": "tab\there \x01", "description": "a", "x": -5.5, "y": 5.5, "cluster": 3, "flag": True,
         "weights": {"Links": 4}, "scores": {"A": 1, "B b": 1}},
        {"id": 5, "label": "ünï €", "description": "b", "x": 1000000000000000, "y": 3, "cluster": 1, "flag": True,
         "weights": {"Links": 7000000000000}, "scores": {"A": 99999999999.99, "B b": -123456789012.5}},
    ]
    lines = (tmp_path / "m.json").read_text(encoding="utf-8").splitlines()
    start = lines.index('    "items": [') + 1
    written = [line.strip().rstrip(",") for line in lines[start : start + len(expected)]]
    assert written == [json.dumps(item, ensure_ascii=False) for item in expected]


def test_reversed_links_are_turned_round_and_sorted(tmp_path):
    links = pd.DataFrame({"source": [3, 2, 4], "target": [1, 1, 3], "strength": [2.0, 1.5, 1.0]})
    write_network(links, tmp_path / "n.txt")
    assert (tmp_path / "n.txt").read_text() == "1\t2\t1.5\n1\t3\t2\n3\t4\t1\n"


def test_tiny_maps_are_written(tmp_path):
    vmap = replace(small_map(), items=small_map().items.iloc[:0], links=small_map().links.iloc[:0])
    paths = write_vosviewer(vmap, tmp_path)
    assert paths["network"].read_bytes() == b"" and len(read_json(paths["json"]).items) == 0
    assert list(read_map(paths["map"]).columns) == list(vmap.items.columns)


# -- networkx, igraph, GEXF, GraphML ------------------------------------------------------------


def test_to_networkx(samples):
    vmap = samples["scientometrics"]
    graph = to_networkx(vmap)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (1165, 110_003)
    node = graph.nodes[1]
    assert node["label"] == "21st century" and node["cluster"] == 3 and node["occurrences"] == 12.0
    assert {"total_link_strength", "avg_pub_year", "perc_oa_free_to_read", "x", "y"} <= set(node)
    assert graph.size(weight="weight") == pytest.approx(vmap.links["strength"].sum())
    degrees = dict(graph.degree(weight="weight"))
    assert [degrees[i] for i in vmap.items["id"]] == vmap.items["weight<Total link strength>"].tolist()


def test_attribute_names_never_clash():
    names = attribute_names(["id", "label", "cluster", "weight<Cluster>", "score<Avg. pub. year>", "weight<Avg pub year>"])
    assert names == {"label": "label", "cluster": "cluster", "weight<Cluster>": "weight_cluster",
                     "score<Avg. pub. year>": "avg_pub_year", "weight<Avg pub year>": "weight_avg_pub_year"}


def test_to_igraph(samples):
    vmap = samples["joi"]
    graph = to_igraph(vmap)
    assert (graph.vcount(), graph.ecount()) == (252, 568)
    assert graph.vs[0]["name"] == "abbasi, a" and graph.vs[0]["id"] == 1 and graph.vs[0]["documents"] == 3.0
    assert sum(graph.es["weight"]) == vmap.links["strength"].sum()
    assert graph.strength(weights="weight") == vmap.items["weight<Total link strength>"].tolist()


def test_gexf_and_graphml(samples, tmp_path):
    vmap = samples["docs"]
    write_gexf(vmap, tmp_path / "map.gexf")
    write_graphml(vmap, tmp_path / "map.graphml")
    text = (tmp_path / "map.gexf").read_text()
    assert "lastmodifieddate" not in text and "<creator>bibnet</creator>" in text
    gexf = nx.read_gexf(tmp_path / "map.gexf")
    assert (gexf.number_of_nodes(), gexf.number_of_edges()) == (10, 24)
    james = gexf.nodes["1"]
    assert james["label"] == "James" and james["viz"]["position"]["x"] == 105.51
    assert (james["viz"]["color"]["r"], james["viz"]["color"]["g"], james["viz"]["color"]["b"]) == (44, 160, 44)  # cluster 2
    graphml = nx.read_graphml(tmp_path / "map.graphml")
    assert graphml.nodes["3"]["label"] == "John" and graphml.nodes["3"]["norm_citations"] == 143.3831
    assert graphml.edges["1", "10"]["weight"] == 88.0


# -- Pajek ---------------------------------------------------------------------------------------


def test_pajek_files_of_vosviewer_are_rewritten_byte_for_byte(tmp_path):
    vmap = read_pajek(GOLD / "coffee-obesity_Keyword_net.net", partition=GOLD / "coffee-obesity_Keyword_part.clu")
    assert (len(vmap.items), len(vmap.links)) == (59, 1357)
    assert vmap.items.iloc[0][["id", "label", "x", "y", "cluster"]].tolist() == [1, "adipose-tissue", -0.6874, -0.1524, 2]
    occurrences = read_pajek_vector(GOLD / "coffee-obesity_Keyword_vec.vec")
    vmap = replace(vmap, items=vmap.items.assign(**{"weight<Occurrences>": occurrences}))
    write_pajek(vmap, tmp_path / "a.net")
    write_pajek_partition(vmap, tmp_path / "a.clu")
    write_pajek_vector(vmap, tmp_path / "a.vec")
    for ours, theirs in (("a.net", "net.net"), ("a.clu", "part.clu"), ("a.vec", "vec.vec")):
        expected = (GOLD / f"coffee-obesity_Keyword_{theirs}").read_bytes().removeprefix(b"\xef\xbb\xbf")
        assert (tmp_path / ours).read_bytes() == expected, ours


def test_pajek_renumbers_vertices(samples, tmp_path):
    vmap = samples["joi"]  # ids 1..782 with gaps
    write_pajek(vmap, tmp_path / "joi.net")
    lines = (tmp_path / "joi.net").read_text().splitlines()
    assert lines[0] == "*Vertices 252" and lines[1] == '1 "abbasi, a" 0.1233 -0.452' and lines[253] == "*Edges"
    back = read_pajek(tmp_path / "joi.net")
    assert back.items["label"].tolist() == vmap.items["label"].tolist()
    assert back.links["strength"].sum() == vmap.links["strength"].sum() and len(back.links) == 568
    assert to_networkx(back).number_of_edges() == 568
    assert read_pajek_partition(GOLD / "coffee-obesity_Keyword_part.clu").value_counts().sort_index().tolist() == [24, 20, 15]


def test_bad_pajek(tmp_path):
    with pytest.raises(InputError, match="no \\*Vertices line"):
        read_pajek(write(tmp_path / "a.net", "*Edges\n"))
    with pytest.raises(InputError, match="a.net line 4: vertex out of 1..2"):
        read_pajek(write(tmp_path / "a.net", '*Vertices 2\n1 "a"\n*Edges\n1 3 1\n'))
    with pytest.raises(InputError, match="\\*Matrix is not supported"):
        read_pajek(write(tmp_path / "a.net", "*Vertices 2\n*Matrix\n0 1\n1 0\n"))


def test_gexf_refuses_x_without_y(tmp_path):
    vmap = read_vosviewer(DATA / "vosviewer-online-docs_example_map.txt", None)
    broken = VOSviewerMap(items=vmap.items.drop(columns=["y"]), links=vmap.links)
    with pytest.raises(OptionError, match=r"^items: column 'x' without 'y'$"):
        write_gexf(broken, tmp_path / "map.gexf")
    assert not (tmp_path / "map.gexf").exists()
