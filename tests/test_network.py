"""Keywords, co-occurrence counting, selection and scores on hand-made records."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from bibnet.errors import InputError, OptionError
from bibnet.keywords import extract
from bibnet.network import build_network
from bibnet.scores import normalized_citations
from bibnet.selection import NetworkParams


def records(rows: list[tuple]) -> pd.DataFrame:
    """Records from (DE, ID, PY, TC) tuples, typed like the reader's output."""
    df = pd.DataFrame(rows, columns=["DE", "ID", "PY", "TC"])
    df["UT"] = [f"WOS:{i:015d}" for i in range(len(df))]
    for col in ("DE", "ID", "UT"):
        df[col] = df[col].astype("string[pyarrow]")
    for col in ("PY", "TC"):
        df[col] = df[col].astype("Int64")
    return df


SMALL = records(
    [
        ("Machine Learning; Deep  learning", "MACHINE LEARNING; NEURAL NETWORKS", 2020, 10),
        ("machine learning; graphs", None, 2020, 0),
        (None, "NEURAL NETWORKS; GRAPHS; DEEP LEARNING", 2021, 4),
        ("Deep Learning", "DEEP LEARNING", None, 7),
        ("  graphs ;machine learning;", "", 2021, 2),
    ]
)


def test_occurrences_count_records_once_across_fields():
    occ = extract(SMALL, "all")
    counts = dict(zip(occ.keys, occ.occurrences, strict=True))
    # "machine learning" is in DE and ID of record 0: one occurrence there.
    assert counts == {"deep learning": 3, "graphs": 3, "machine learning": 3, "neural networks": 2}
    assert list(occ.keywords_per_record) == [3, 2, 3, 1, 2]


def test_fields_author_and_plus():
    assert list(extract(SMALL, "author").keys) == ["deep learning", "graphs", "machine learning"]
    plus = extract(SMALL, "plus")
    assert dict(zip(plus.keys, plus.occurrences, strict=True)) == {
        "deep learning": 2, "graphs": 1, "machine learning": 1, "neural networks": 2}


def test_full_counting_links_and_strengths():
    net = build_network(SMALL, min_occurrences=1)
    assert list(net.items["label"]) == ["deep learning", "graphs", "machine learning", "neural networks"]
    c = net.cooccurrence.toarray()
    # deep-graphs: rec 2; deep-ml: rec 0; deep-nn: rec 0, 2; graphs-ml: rec 1, 4; graphs-nn: rec 2; ml-nn: rec 0
    expected = np.array([[0, 1, 1, 2], [1, 0, 2, 1], [1, 2, 0, 1], [2, 1, 1, 0]])
    assert (c == expected).all()
    assert list(net.items["links"]) == [3, 3, 3, 3]
    assert list(net.items["total_link_strength"]) == [4, 4, 4, 4]
    assert net.n_links == 6 and net.total_link_strength == 8


def test_fractional_counting_uses_all_keywords_of_the_record():
    net = build_network(SMALL, min_occurrences=3, counting="fractional")
    # neural networks (2 occurrences) is not mapped but still counts in n_d of records 0 and 2.
    c = net.cooccurrence.toarray()
    # deep-graphs: rec 2 (n=3) 1/2; deep-ml: rec 0 (n=3) 1/2; graphs-ml: rec 1 (n=2) 1 + rec 4 (n=2) 1
    np.testing.assert_allclose(c, [[0, 0.5, 0.5], [0.5, 0, 2], [0.5, 2, 0]])


def test_threshold_then_top_by_total_link_strength_ties_by_label():
    net = build_network(SMALL, min_occurrences=1, top=2)
    # all four have TLS 4: ties broken by label
    assert list(net.items["label"]) == ["deep learning", "graphs"]
    assert net.keywords_meeting_threshold == 4
    assert list(net.items["links"]) == [1, 1] and list(net.items["total_link_strength"]) == [1, 1]
    s = net.summary().to_dict()
    assert (s["keywords_total"], s["keywords_meeting_threshold"], s["keywords_selected"], s["links"]) == (4, 4, 2, 1)


def test_scores_and_normalized_citations():
    net = build_network(SMALL, min_occurrences=1)
    items = net.items.set_index("label")
    # deep learning: records 0 (2020, 10), 2 (2021, 4), 3 (no PY, 7)
    assert items.loc["deep learning", "avg_pub_year"] == pytest.approx(2020.5)
    assert items.loc["deep learning", "avg_citations"] == pytest.approx(7.0)
    # year means: 2020 -> 5, 2021 -> 3; ncs 0: 2, 2: 4/3; record 3 has no PY -> left out
    assert items.loc["deep learning", "avg_norm_citations"] == pytest.approx((2 + 4 / 3) / 2)
    # author share: deep learning is an author keyword in records 0 and 3, of 3 records
    assert items.loc["deep learning", "author_share"] == pytest.approx(2 / 3)
    assert items.loc["neural networks", "author_share"] == 0


def test_normalized_citations_year_with_zero_mean_gives_zero():
    recs = records([("a", None, 2000, 0), ("a", None, 2000, 0), ("a", None, 2001, 3), ("a", None, None, 1)])
    ncs = normalized_citations(recs)
    assert list(ncs[:3]) == [0.0, 0.0, 1.0] and np.isnan(ncs[3])


def test_unicode_lower_casing_and_original_labels():
    recs = records(
        [
            ("Қазақстан; МОСКВА; Éducation", "ÉDUCATION", 2020, 1),
            ("қазақстан; Москва; Éducation", None, 2020, 1),
            ("Education", None, 2020, 1),
        ]
    )
    occ = extract(recs, "all")
    assert list(occ.keys) == ["education", "éducation", "москва", "қазақстан"]
    assert list(occ.occurrences) == [1, 2, 2, 2]
    original = extract(recs, "all", label_case="original")
    # most frequent author spelling; ties resolved by code-point order ("МОСКВА" < "Москва")
    assert list(original.labels) == ["Education", "Éducation", "МОСКВА", "Қазақстан"]


def test_thesaurus_replaces_and_drops(tmp_path):
    path = tmp_path / "thesaurus.txt"
    path.write_text("label\treplace by\r\nNeural Networks\tdeep learning\rgraphs\t\n", encoding="utf-8")
    net = build_network(SMALL, min_occurrences=1, thesaurus=str(path))
    assert list(net.items["label"]) == ["deep learning", "machine learning"]
    # deep learning now also stands for neural networks: records 0, 2, 3
    assert list(net.items["occurrences"]) == [3, 3]


def test_thesaurus_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "t.txt"
    bad.write_text("keyword,replacement\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"t.txt line 1: expected the header"):
        build_network(SMALL, thesaurus=str(bad))
    bad.write_text("label\treplace by\na\tb\tc\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"t.txt line 2: expected 2 fields"):
        build_network(SMALL, thesaurus=str(bad))


def test_documents_trace_keywords_and_links():
    net = build_network(SMALL, min_occurrences=1)
    assert list(net.documents("Machine Learning").index) == [0, 1, 4]
    assert list(net.documents("graphs", "machine learning").index) == [1, 4]
    with pytest.raises(KeyError, match="not in the network"):
        net.documents("quantum")


def test_links_table_each_pair_once():
    links = build_network(SMALL, min_occurrences=1).links()
    assert list(zip(links.source, links.target, strict=True)) == [(1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4)]
    assert list(links.strength) == [1, 1, 2, 2, 1, 1]


@pytest.mark.parametrize(
    "options, message",
    [
        ({"keywords": "titles"}, "unknown keyword field"),
        ({"min_occurrences": 0}, "at least 1"),
        ({"counting": "half"}, "unknown counting"),
        ({"normalization": "cosine"}, "unknown normalization"),
        ({"top": 0}, "top must be at least 1"),
    ],
)
def test_bad_options(options, message):
    with pytest.raises(OptionError, match=message):
        NetworkParams(**options)


def test_keyword_ids_do_not_depend_on_hash_seed():
    code = (
        "import pandas as pd; from bibnet.keywords import extract;"
        "df = pd.DataFrame({'DE': ['zeta; alpha; Mu; beta; omega; mu'], 'ID': ['GAMMA; ALPHA']});"
        "print('|'.join(extract(df, 'all').keys))"
    )
    outs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONHASHSEED": seed, "PATH": ""},
                       check=True).stdout
        for seed in ("1", "2", "3")
    }
    assert outs == {"alpha|beta|gamma|mu|omega|zeta\n"}


def test_largest_component_only():
    recs = records([("a; b", None, 2020, 1), ("b; c", None, 2020, 1), ("d; e", None, 2020, 1), ("f", None, 2020, 1)])
    everything = build_network(recs, min_occurrences=1)
    assert len(everything) == 6 and everything.summary().components == 3
    largest = build_network(recs, min_occurrences=1, largest_component=True)
    assert list(largest.items["label"]) == ["a", "b", "c"] and largest.summary().components == 1
    assert largest.keywords_meeting_threshold == 6


def test_select_columns_matches_scipy_column_indexing():
    import scipy.sparse as sp

    from bibnet.selection import select_columns

    m = sp.random(300, 500, density=0.05, format="csr", random_state=np.random.default_rng(3), dtype=np.float64)
    cols = np.flatnonzero(np.random.default_rng(4).random(500) < 0.3)
    got, expected = select_columns(m, cols), m.tocsc()[:, cols].tocsr()
    expected.sort_indices()
    assert got.shape == (300, len(cols)) and got.has_sorted_indices
    assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)
    assert select_columns(m, np.array([], dtype=np.int64)).shape == (300, 0)


def test_cleaning_collapses_any_run_of_white_space():
    import pyarrow as pa

    from bibnet.keywords import clean

    raw = pa.array(["  Deep \t learning ", "x", " y", "tab\tend", "line\r\nbreak", "as is"], pa.large_string())
    assert clean(raw).to_pylist() == ["deep learning", "x", "y", "tab end", "line break", "as is"]
    assert clean(raw, lower=False).to_pylist()[0] == "Deep learning"


def test_weights_are_applied_unless_they_change_nothing():
    import scipy.sparse as sp

    from bibnet.cooccurrence import cooccurrence

    a = sp.csr_matrix(np.array([[1, 1, 0], [0, 1, 1], [1, 0, 0]], dtype=np.int8))
    # record 2 has one keyword: whatever its weight, it adds no link
    assert cooccurrence(a, np.array([1.0, 1.0, 0.0])).toarray().tolist() == cooccurrence(a).toarray().tolist()
    assert cooccurrence(a, np.array([0.5, 1.0, 7.0])).toarray().tolist() == [[0, 0.5, 0], [0.5, 0, 1], [0, 1, 0]]


def test_cooccurrence_in_two_blocks_equals_one_product(monkeypatch):
    import scipy.sparse as sp

    import bibnet.cooccurrence as co

    monkeypatch.setattr(co, "cpus", lambda: 2)  # the two-thread path, even on one core
    a = sp.random(5000, 300, density=0.1, format="csr", random_state=np.random.default_rng(5))
    a.data[:] = 1.0
    at = a.T.tocsr()
    got, expected = co._product(at, a), (at @ a).tocsr()
    expected.sort_indices()
    assert got.has_sorted_indices and got.shape == (300, 300)
    assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)


def test_describe_gives_the_papers_numbers_in_one_line():
    recs = records([("a; b; c", None, 2020, 1), ("a; b; c", None, 2020, 1), ("d; e", None, 2020, 1)])
    triangle = build_network(recs, min_occurrences=1, largest_component=True).cluster(random_starts=1)
    assert triangle.describe() == (
        "All keywords: 5 keywords, 5 occur at least 1 times, 3 mapped; 3 links, total link strength 6; "
        "1 cluster (quality 0.0000)"
    )
    both = build_network(recs, min_occurrences=1).cluster(random_starts=1)
    assert both.describe().endswith(
        "; 4 links, total link strength 7; 2 clusters (quality 0.6623); "
        "2 unconnected parts (--largest-component keeps the largest)"
    )


SPLIT_TEXT = ["a; b", None, "", "x;;y", "c", "a; b", "É;A ", "b"]


def test_split_keywords_give_the_text_back():
    import pyarrow as pa

    from bibnet.keyword_fields import SplitKeywords

    split = SplitKeywords.from_text(pa.array(SPLIT_TEXT))
    assert split.pieces.to_pylist() == ["a", " b", "", "x", "y", "c", "É", "A ", "b"]
    assert split.lengths.tolist() == [2, 0, 1, 3, 1, 2, 2, 1]  # "" is one empty piece, null none
    assert split.to_text().to_pylist() == SPLIT_TEXT
    # file by file, then joined: one set of pieces, the same records
    parts = [SplitKeywords.from_text(pa.array(SPLIT_TEXT[:3])), SplitKeywords.from_text(pa.array(SPLIT_TEXT[3:]))]
    joined = SplitKeywords.concat(parts)
    assert joined.to_text().to_pylist() == SPLIT_TEXT and len(joined.pieces) == len(split.pieces)
    assert SplitKeywords.concat([]).to_text().to_pylist() == []
    # a subset keeps only the pieces it uses
    sub = split.take(np.array([7, 0, 3]))
    assert sub.to_text().to_pylist() == ["b", "a; b", "x;;y"]
    assert sorted(sub.pieces.to_pylist()) == ["", " b", "a", "b", "x", "y"]
    same = split.same(np.array([0, 0, 1, 2, 3, 4, 7]), np.array([5, 4, 2, 1, 3, 0, 1]))
    assert same.tolist() == [True, False, False, False, True, False, False]


def test_split_keywords_and_text_give_the_same_occurrences():
    import pyarrow as pa

    from bibnet.keyword_fields import SplitKeywords

    records = pd.DataFrame({"DE": pd.array(SPLIT_TEXT, dtype="string[pyarrow]"),
                            "ID": pd.array(["B; Q", "q", None, "Y", None, "", "é", "a"], dtype="string[pyarrow]")})

    class Lean:  # what a lean corpus holds: no text columns, the fields split
        keyword_fields = {tag: SplitKeywords.from_text(pa.array(records[tag])) for tag in ("DE", "ID")}
        records = pd.DataFrame(index=range(8))

    for field in ("all", "author", "indexed", "plus"):
        a, b = extract(records, field, label_case="original"), extract(Lean, field, label_case="original")
        assert a.keys.tolist() == b.keys.tolist() and a.labels.tolist() == b.labels.tolist()
        assert (a.matrix != b.matrix).nnz == 0
    occ = extract(Lean, "all")
    assert occ.keys.tolist() == ["a", "b", "c", "q", "x", "y", "é"]
    assert occ.occurrences.tolist() == [4, 3, 1, 2, 1, 1, 1]  # "A " of record 6 is "a"
    assert (occ.author != extract(records, "all").author).nnz == 0
