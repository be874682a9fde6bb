"""The report's explorer data: documents stored once, each keyword's documents and links as the network has them."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bibnet
from bibnet.report import write_report
from bibnet.report_data import DOC_COLUMNS, keyword_documents, report_data

DATA = Path(__file__).parent / "data" / "wos" / "tab"
NASTY_TITLE = "</script><script>alert('title')</script> & <b>bold</b>\u2028"


@pytest.fixture(scope="module")
def corpus() -> bibnet.Corpus:
    corpus = bibnet.read(DATA / "rmp_savedrecs.txt")
    corpus.records.loc[0, "TI"] = NASTY_TITLE  # a title is data, whatever it holds
    return corpus


@pytest.fixture(scope="module")
def networks(corpus) -> dict[str, bibnet.Network]:
    return {name: bibnet.build_network(corpus, keywords=field, min_occurrences=3).cluster()
            for name, field in (("All keywords", "all"), ("Author keywords", "author"))}


@pytest.fixture(scope="module")
def data(networks) -> dict:
    return report_data(networks)


def referenced(networks) -> np.ndarray:
    """Records any mapped keyword occurs in: the rows the document table must hold, once each."""
    return np.unique(np.concatenate([net.incidence.tocoo().row for net in networks.values()]))


def test_documents_are_stored_once_for_all_fields(networks, data, corpus):
    rows = referenced(networks)
    docs = data["docs"]
    assert set(docs) == {"title", "year", "source", "doi", "cites"}
    assert all(len(column) == len(rows) for column in docs.values())
    records = corpus.records.iloc[rows]
    assert docs["title"] == [None if pd.isna(v) else str(v) for v in records["TI"]]
    assert docs["year"] == [int(v) for v in records["PY"]] and docs["cites"] == [int(v) for v in records["TC"]]
    assert docs["doi"] == [None if pd.isna(v) else str(v) for v in records["DI"]]
    assert len(rows) < sum(net.incidence.nnz for net in networks.values())  # shared, not repeated per keyword


def test_each_keywords_documents_are_its_incidence_column(networks, data):
    rows = referenced(networks)
    for f, net in enumerate(networks.values()):
        incidence = net.incidence.tocsc()
        field = data["fields"][f]
        assert field["labels"] == list(net.items["label"]) and field["counting"] == "full"
        assert field["occurrences"] == list(net.items["occurrences"])
        for k in range(len(net)):
            column = np.sort(incidence[:, k].nonzero()[0])
            assert list(rows[keyword_documents(data, f, k)]) == list(column)
            assert len(column) == field["occurrences"][k]
            assert all(d >= 0 for d in field["docs"][k]), "delta-encoded: ascending rows"


def test_strongest_links_and_their_documents(networks, data):
    for f, net in enumerate(networks.values()):
        field, cooc = data["fields"][f], net.cooccurrence.toarray()
        for k in range(len(net)):
            expected = sorted((-cooc[k, j], j) for j in np.flatnonzero(cooc[k]))[:10]
            assert field["links"][k] == [j for _, j in expected]
            assert field["strengths"][k] == [-s for s, _ in expected]
            for j, strength in zip(field["links"][k], field["strengths"][k], strict=True):
                # full counting: a link's strength is the number of records holding both keywords
                common = set(keyword_documents(data, f, k)) & set(keyword_documents(data, f, j))
                assert len(common) == strength


def test_networks_of_other_records_get_rows_of_their_own(networks, corpus):
    other = bibnet.read(DATA / "labnetwork_savedrecs.txt")
    mixed = {"rmp": networks["All keywords"], "lab": bibnet.build_network(other, min_occurrences=3)}
    data = report_data(mixed)
    n_rmp = len(referenced({"rmp": mixed["rmp"]}))
    assert len(data["docs"]["title"]) == n_rmp + len(referenced({"lab": mixed["lab"]}))
    first_lab = keyword_documents(data, 1, 0)
    assert min(first_lab) >= n_rmp
    rows = referenced({"lab": mixed["lab"]})
    assert [data["docs"]["title"][i] for i in first_lab] == list(
        other.records["TI"].iloc[rows[np.array(first_lab) - n_rmp]].astype(object))


def test_documents_show_the_columns_the_records_have(networks):
    lean = bibnet.read(DATA / "rmp_savedrecs.txt", lean=True)  # what the command line reads: with SO
    net = bibnet.build_network(lean, min_occurrences=3)
    assert set(report_data({"lean": net})["docs"]) == set(DOC_COLUMNS)
    without = dataclasses.replace(net, records=net.records.drop(columns="SO"))
    data = report_data({"lean": without})
    assert "source" not in data["docs"] and set(data["docs"]) == set(DOC_COLUMNS) - {"source"}


def test_the_report_holds_the_data_escaped_and_is_deterministic(networks, tmp_path):
    pages = []
    for name in ("one.html", "two.html"):
        write_report(tmp_path / name, summaries=[net.summary() for net in networks.values()], tables={}, figures={},
                     links={}, networks=networks)
        pages.append((tmp_path / name).read_bytes())
    assert pages[0] == pages[1]  # same input, same bytes
    page = pages[0].decode("utf-8")
    raw = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, flags=re.S).group(1)
    assert not re.search("[<>&\u2028]", raw)
    assert "alert('title')" in raw and "<script>alert" not in page.split("<main>")[1]
    assert json.loads(raw) == json.loads(json.dumps(report_data(networks)))
    assert page.count('<section class="explore"') == 2  # one explorer per network, even without figures


def test_figure_networks_must_name_given_networks(networks, tmp_path):
    with pytest.raises(ValueError, match="figure_networks names networks not given: Keywords Plus"):
        write_report(tmp_path / "r.html", summaries=[], tables={}, figures={}, links={}, networks=networks,
                     figure_networks={"a figure": "Keywords Plus"})
