"""Tables (published Tables 1 and 2, clusters, summary) and their CSV / Markdown / LaTeX files."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from bibnet import NetworkParams, NetworkSummary
from bibnet.errors import OptionError
from bibnet.tables import (
    TEX_HEADER,
    author_vs_indexed,
    cluster_table,
    csv_unescape,
    md_escape,
    summary_table,
    tex_escape,
    to_csv,
    to_latex,
    to_markdown,
    top_keywords,
    write_table,
)

NASTY = ["<script>alert(1)</script>", "=cmd|' /C calc'!A0", "50% & 100\\%"]


def counts_of(pairs: list[tuple[str, int]]) -> pd.DataFrame:
    return pd.DataFrame({"label": [p[0] for p in pairs], "occurrences": [p[1] for p in pairs]})


@pytest.fixture
def counts() -> pd.DataFrame:
    # 45 keywords k00..k44 with occurrences 100 - 2*i, and ties: "zeta"/"alpha" share 100 with k00
    pairs = [(f"k{i:02d}", 100 - 2 * i) for i in range(45)] + [("zeta", 100), ("alpha", 100)]
    return counts_of(pairs[::-1])  # input order must not matter


# -- top keywords ---------------------------------------------------------------------------------
def test_top_keywords_long_ranks_with_ties_broken_by_label(counts):
    wide, long = top_keywords(counts, n=40)
    assert list(long.columns) == ["Rank", "Keyword", "Occurrences"]
    assert len(long) == 40
    assert long["Rank"].tolist() == list(range(1, 41))
    assert long["Keyword"].tolist()[:5] == ["alpha", "k00", "zeta", "k01", "k02"]
    assert long["Occurrences"].tolist()[:5] == [100, 100, 100, 98, 96]
    assert str(long["Occurrences"].dtype) == "Int64"


def test_top_keywords_wide_is_filled_column_wise_in_four_pairs(counts):
    wide, long = top_keywords(counts, n=40, pairs=4)
    assert wide.shape == (10, 8)
    assert list(wide.columns) == ["Keyword", "N-kw"] * 4
    for rank in range(40):
        pair, row = divmod(rank, 10)
        assert wide.iloc[row, 2 * pair] == long["Keyword"].iloc[rank]
        assert wide.iloc[row, 2 * pair + 1] == long["Occurrences"].iloc[rank]


def test_top_keywords_partial_last_pair_is_empty(counts):
    wide, _ = top_keywords(counts, n=38)
    assert wide.shape == (10, 8)
    assert wide.iloc[7, 6] is not None and wide.iloc[8, 6] is None and wide.iloc[9, 6] is None
    assert wide.iloc[:, 7].isna().tolist() == [False] * 8 + [True] * 2
    text = to_markdown(wide)
    assert text.splitlines()[-1].endswith("|  |  |")


def test_top_keywords_with_fewer_keywords_than_n():
    wide, long = top_keywords(counts_of([("b", 3), ("a", 3), ("c", 1)]), n=40)
    assert long["Keyword"].tolist() == ["a", "b", "c"]
    assert wide.shape == (1, 8)
    assert wide.iloc[0].tolist()[:6] == ["a", 3, "b", 3, "c", 1]


@pytest.mark.parametrize("kwargs", [{"n": 0}, {"pairs": 0}, {"n": 2.5}])
def test_top_keywords_rejects_bad_options(counts, kwargs):
    with pytest.raises(OptionError, match="must be a positive integer"):
        top_keywords(counts, **kwargs)


def test_missing_columns_are_an_option_error():
    with pytest.raises(OptionError, match="counts lacks column"):
        top_keywords(pd.DataFrame({"label": ["a"]}))


# -- author vs plus -------------------------------------------------------------------------------
def test_author_vs_indexed_side_by_side_with_overlap():
    de = counts_of([("deep learning", 9), ("obesity", 7), ("coffee", 7), ("tea", 2)])
    ident = counts_of([("OBESITY-RISK", 10), ("obesity", 8), ("coffee", 3), ("insulin", 3)])
    table, overlap = author_vs_indexed(de, ident, n=3)
    assert list(table.columns) == ["Rank", "Author keyword", "N-kw (DE)", "Keyword Plus", "N-kw (ID)"]
    assert table["Author keyword"].tolist() == ["deep learning", "coffee", "obesity"]
    assert table["Keyword Plus"].tolist() == ["OBESITY-RISK", "obesity", "coffee"]
    assert table["N-kw (ID)"].tolist() == [10, 8, 3]
    assert overlap == {"n": 3, "both": ["coffee", "obesity"], "common": 2, "union": 4, "jaccard": 0.5}


def test_author_vs_indexed_lists_of_different_length():
    table, overlap = author_vs_indexed(counts_of([("a", 2)]), counts_of([("b", 5), ("c", 4)]), n=30)
    assert len(table) == 2
    assert table["Author keyword"].tolist() == ["a", None]
    assert table["N-kw (DE)"].isna().tolist() == [False, True]
    assert overlap["jaccard"] == 0.0 and overlap["union"] == 3
    _, empty = author_vs_indexed(counts_of([]), counts_of([]))
    assert empty["jaccard"] == 0.0 and empty["both"] == []


# -- clusters -------------------------------------------------------------------------------------
@pytest.fixture
def items() -> pd.DataFrame:
    return pd.DataFrame({
        "id": [1, 2, 3, 4, 5, 6],
        "label": ["b", "a", "c", "d", "e", "lonely"],
        "cluster": pd.array([1, 1, 1, 2, 2, None], dtype="Int64"),
        "weight<Occurrences>": [10.0, 10.0, 5.0, 4.0, 1.0, 7.0],
        "score<Avg. pub. year>": [2010.0, 2020.0, np.nan, 2000.0, 2005.0, 2019.0],
        "score<Avg. citations>": [1.0, 3.0, 10.0, 0.0, 5.0, np.nan],
    })


def test_cluster_table_sizes_top_keywords_and_weighted_means(items):
    table = cluster_table(items, top=2)
    assert list(table.columns) == ["Cluster", "Keywords", "Occurrences", "Top keywords", "Avg. pub. year", "Avg. citations"]
    assert table["Cluster"].tolist()[:2] == [1, 2] and table["Cluster"].isna().tolist() == [False, False, True]
    assert table["Keywords"].tolist() == [3, 2, 1]
    assert table["Occurrences"].tolist() == [25, 5, 7]
    assert table["Top keywords"].tolist() == ["a; b", "d; e", "lonely"]  # ties by label
    # weighted by occurrences; the item without a year is left out of that mean
    assert table["Avg. pub. year"].tolist()[:2] == pytest.approx([(10 * 2010 + 10 * 2020) / 20, (4 * 2000 + 1 * 2005) / 5])
    assert table["Avg. citations"].iloc[0] == pytest.approx((10 * 1 + 10 * 3 + 5 * 10) / 25)
    assert np.isnan(table["Avg. citations"].iloc[2])


def test_cluster_table_numbers_equal_the_map(items):
    table = cluster_table(items)
    assert table["Keywords"].sum() == len(items)
    assert table["Occurrences"].sum() == items["weight<Occurrences>"].sum()


# -- summary --------------------------------------------------------------------------------------
SUMMARIES = [
    NetworkSummary(field="all", records=39680, records_with_keywords=39000, keywords_total=4334,
                   keywords_meeting_threshold=240, keywords_selected=240, links=9000, components=1,
                   total_link_strength=30000.0, network=NetworkParams(min_occurrences=4), clusters=4, quality=0.25,
                   layout_quality=1.5),
    NetworkSummary(field="author", records=39680, records_with_keywords=30000, keywords_total=2855,
                   keywords_meeting_threshold=92, keywords_selected=92, links=300, components=2,
                   total_link_strength=412.5, network=NetworkParams(keywords="author", min_occurrences=4)),
]


def test_summary_table_one_row_per_field():
    table = summary_table(SUMMARIES)
    assert table["Field"].tolist() == ["All keywords", "Author keywords"]
    assert table["Keywords"].tolist() == [4334, 2855]
    assert table["Meet threshold"].tolist() == [240, 92]
    assert table["Min. occurrences"].tolist() == [4, 4]
    assert table["Total link strength"].tolist() == [30000.0, 412.5]  # fractional: kept as float
    assert table["Clusters"].isna().tolist() == [False, True]
    assert table["Layout quality"].isna().tolist() == [False, True]


# -- writers and escaping -------------------------------------------------------------------------
def nasty_table() -> pd.DataFrame:
    return pd.DataFrame({"Keyword": NASTY + ["'quoted", "-omics", "a|b_c*d"], "N-kw": [3, -2, 1, 4, 5, 6],
                         "Score": [0.5, -1.25, np.nan, 2.0, 1 / 3, 7.0]})


def test_write_table_writes_three_files(tmp_path):
    paths = write_table(nasty_table(), tmp_path / "sub" / "top_keywords")
    assert {k: p.name for k, p in paths.items()} == {
        "csv": "top_keywords.csv", "md": "top_keywords.md", "tex": "top_keywords.tex"}
    assert all(p.is_file() for p in paths.values())
    assert paths["csv"].read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read UTF-8 right


def test_csv_is_inert_and_round_trips(tmp_path):
    df = nasty_table()
    path = write_table(df, tmp_path / "t")["csv"]
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == '"Keyword","N-kw","Score"'
    assert lines[1] == '"<script>alert(1)</script>",3,0.5'
    assert lines[2] == '"\'=cmd|\' /C calc\'!A0",-2,-1.25'  # formula defused, negative number untouched
    assert lines[3] == '"50% & 100\\%",1,'
    assert lines[4] == '"\'\'quoted",4,2'
    assert lines[5] == '"\'-omics",5,0.3333333333333333'
    rows = list(csv.reader(io.StringIO(text)))
    assert [csv_unescape(r[0]) for r in rows[1:]] == df["Keyword"].tolist()
    assert [int(r[1]) for r in rows[1:]] == df["N-kw"].tolist()
    # no text cell starts with a formula character once written
    assert all(not r[0].startswith(("=", "+", "-", "@")) for r in rows)


def test_markdown_escaping():
    assert md_escape(NASTY[0]) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert md_escape(NASTY[1]) == "=cmd\\|' /C calc'!A0"
    assert md_escape(NASTY[2]) == "50% &amp; 100\\\\%"
    text = to_markdown(nasty_table())
    lines = text.splitlines()
    assert lines[0] == "| Keyword | N-kw | Score |"
    assert lines[1] == "|:---|---:|---:|"
    assert lines[2] == "| &lt;script&gt;alert(1)&lt;/script&gt; | 3 | 0.5 |"
    assert lines[7] == "| a\\|b\\_c\\*d | 6 | 7 |"
    for line in lines:  # escaped pipes do not add columns
        assert line.replace("\\|", "").count("|") == 4
    assert "<script>" not in text


def test_latex_escaping():
    assert tex_escape(NASTY[2]) == r"50\% \& 100\textbackslash{}\%"
    assert tex_escape(r"\ % & _ # $ { } ~ ^") == (r"\textbackslash{} \% \& \_ \# \$ \{ \} "
                                                  r"\textasciitilde{} \textasciicircum{}")
    text = to_latex(nasty_table())
    assert text.startswith("\n".join(TEX_HEADER) + "\n")
    lines = text.splitlines()[len(TEX_HEADER) - 1:]  # as if the header were one line
    assert lines[1] == r"\begin{tabular}{lrr}"
    assert lines[3] == r"Keyword & N-kw & Score \\"
    assert lines[5] == r"\textless{}script\textgreater{}alert(1)\textless{}/script\textgreater{} & 3 & 0.5 \\"
    assert lines[6] == r"=cmd\textbar{}' /C calc'!A0 & -2 & -1.25 \\"
    assert lines[7] == r"50\% \& 100\textbackslash{}\% & 1 &  \\"
    assert lines[-1] == r"\end{tabular}"


def test_csv_of_the_wide_table(counts):
    wide, _ = top_keywords(counts, n=6, pairs=4)
    assert to_csv(wide).splitlines() == [
        '"Keyword","N-kw","Keyword","N-kw","Keyword","N-kw","Keyword","N-kw"',
        '"alpha",100,"zeta",100,"k02",96,,',
        '"k00",100,"k01",98,"k03",94,,',
    ]


TEX_DOCUMENT = r"""\documentclass{article}
\usepackage{booktabs}
\usepackage{fontspec}
\setmainfont{DejaVu Serif}
\begin{document}
\input{table.tex}
\end{document}
"""


@pytest.mark.skipif(shutil.which("xelatex") is None, reason="xelatex is not installed (.ci/run installs texlive-xetex)")
def test_tables_of_a_cyrillic_and_kazakh_corpus_compile_with_xelatex(tmp_path):
    """The engine and preamble the .tex header names set every letter (no 'Missing character')."""
    keywords = ["білім беру", "образование", "қазақ тілі", "оқушылар", "ұлттық бірыңғай тестілеу", "үйрену",
                "өзін-өзі бағалау", "әдістеме", "ғылым", "һ-әрпі", "éducation", "50% & 100\\%", "a_b {c} ~d^"]
    counts = pd.DataFrame({"label": keywords, "occurrences": range(len(keywords), 0, -1)})
    wide, _ = top_keywords(counts, n=12)
    write_table(wide, tmp_path / "table")
    assert (tmp_path / "table.tex").read_text(encoding="utf-8").startswith("".join(line + "\n" for line in TEX_HEADER))
    (tmp_path / "doc.tex").write_text(TEX_DOCUMENT, encoding="utf-8")
    run = subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    log = (tmp_path / "doc.log").read_text(encoding="utf-8", errors="replace")
    assert run.returncode == 0, log[-2000:]
    assert (tmp_path / "doc.pdf").stat().st_size > 1000
    assert "Missing character" not in log
