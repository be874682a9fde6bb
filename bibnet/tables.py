"""The tables of a keyword analysis and their CSV, Markdown and LaTeX files.

``top_keywords`` is the published "Table 1" (most frequent keywords in column pairs
"Keyword | N-kw"), ``author_vs_indexed`` is "Table 2" (author keywords next to the keywords the
database assigned: Keywords Plus, Index Keywords, MeSH terms),
``cluster_table`` describes each cluster and ``summary_table`` gives the numbers of each keyword
field. All functions take plain DataFrames (see :mod:`bibnet.plotting` for the ``items`` columns)
and break ties by label, so the same input always gives the same table. ``lang`` (``en``, ``ru``,
``kk``; :mod:`bibnet.texts`) sets the headers and the decimal mark of the Markdown and LaTeX
numbers (``0,5425`` in Russian and Kazakh); CSV numbers keep the decimal point in every language
(a decimal comma would clash with the separator), keyword labels are never translated.

Escaping, applied by :func:`write_table` only (the DataFrames keep the labels as they are):

* CSV: every text cell is quoted, and a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab,
  a carriage return or ``'`` gets one extra ``'`` in front. Spreadsheets then show it as text
  instead of running it as a formula (also where ``;`` is the separator), and the original is
  recovered exactly by dropping that one quote (:func:`csv_unescape`). Numbers are never touched,
  so negative values stay numbers. Files are UTF-8 with a byte-order mark, which spreadsheets need
  to read accents correctly.
* Markdown: ``\\ ` * _ [ ] | ~ $`` are backslash-escaped and ``& < >`` become HTML entities, so
  a label renders literally and raw HTML in it stays inert.
* LaTeX: ``\\ % & _ # $ { } ~ ^ < > |`` become their text-mode commands; the table is a
  ``booktabs`` ``tabular`` (load ``\\usepackage{booktabs}``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bibnet.csvtext import (
    csv_unescape,  # noqa: F401  (re-exported: undoes the CSV escaping)
    format_number,
    to_csv,
)
from bibnet.csvtext import is_missing as _missing
from bibnet.csvtext import numeric_columns as _numeric_columns
from bibnet.errors import OptionError
from bibnet.texts import field_label, localize, text

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.network import NetworkSummary

_NO_CLUSTER = np.iinfo(np.int64).max  # sorts items without a cluster last
#: Catalogue keys of the score columns (``score<Avg. pub. year>``) named in the cluster table.
SCORE_KEYS = {"Avg. pub. year": "score.avg_pub_year", "Avg. citations": "score.avg_citations",
              "Avg. norm. citations": "score.avg_norm_citations", "Author keyword share": "score.author_share"}


# -- tables ------------------------------------------------------------------------------------------
def top_keywords(counts: pd.DataFrame, *, n: int = 40, pairs: int = 4,
                 lang: str = "en") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``n`` most frequent keywords, wide (published layout) and long.

    Parameters
    ----------
    counts
        Keyword frequencies of one field: ``label``, ``occurrences``.
    n
        Number of keywords (fewer if the field has fewer).
    pairs
        Column pairs of the wide table.
    lang
        Language of the headers.

    Returns
    -------
    wide : pandas.DataFrame
        ``pairs`` column pairs named ``Keyword`` and ``N-kw`` (the names repeat), filled column-wise:
        with n = 40 and 4 pairs, ranks 1-10 are in the first pair, 11-20 in the second, and so on.
        Cells beyond the last keyword are empty (<NA>).
    long : pandas.DataFrame
        ``Rank``, ``Keyword``, ``Occurrences``, one row per keyword.
    """
    _positive(n=n, pairs=pairs)
    ranked = _ranked(counts, n, "counts")
    long = pd.DataFrame({"Rank": np.arange(1, len(ranked) + 1), "Keyword": ranked["label"].to_numpy(dtype=object),
                         "Occurrences": _integers(ranked["occurrences"]).reset_index(drop=True)})
    heads = [text("table.rank", lang=lang), text("table.keyword", lang=lang), text("score.occurrences", lang=lang)]
    rows = -(-len(ranked) // pairs)  # ceiling
    columns: dict[int, pd.Series] = {}
    for p in range(pairs):
        part = long.iloc[p * rows:(p + 1) * rows].reset_index(drop=True).reindex(range(rows))
        columns[2 * p] = part["Keyword"].astype(object).where(part["Keyword"].notna(), None)
        columns[2 * p + 1] = part["Occurrences"]
    wide = pd.DataFrame(columns)
    wide.columns = [heads[1], text("table.n_kw", lang=lang)] * pairs
    long.columns = heads
    return wide, long


def author_vs_indexed(author_counts: pd.DataFrame, indexed_counts: pd.DataFrame, *, n: int = 30,
                      indexed: str = "Keywords Plus", lang: str = "en") -> tuple[pd.DataFrame, dict[str, Any]]:
    """The ``n`` most common author keywords next to the ``n`` most common keywords the
    database assigned, named ``indexed`` as the database does (``"Index Keywords"``).

    Labels are compared as given (bibnet's labels are already cleaned and lower-cased). ``lang``:
    the language of the headers (Russian and Kazakh name the indexed column as ``indexed``).

    Returns
    -------
    table : pandas.DataFrame
        ``Rank``, ``Author keyword``, ``N-kw (DE)``, the singular of ``indexed`` (``Keyword
        Plus``, ``Index Keyword``, ``MeSH term``), ``N-kw (ID)``.
    overlap : dict
        ``n``; ``both``: the terms in both lists, alphabetically; ``common`` and ``union``: the
        sizes of their intersection and union; ``jaccard``: common / union (0 when both are empty).
    """
    _positive(n=n)
    de, ident = _ranked(author_counts, n, "author_counts"), _ranked(indexed_counts, n, "indexed_counts")
    rows = max(len(de), len(ident))

    def column(frame: pd.DataFrame, name: str) -> pd.Series:
        return frame[name].reset_index(drop=True).reindex(range(rows))

    table = pd.DataFrame({
        text("table.rank", lang=lang): np.arange(1, rows + 1),
        text("table.author_keyword", lang=lang): column(de, "label").astype(object).where(column(de, "label").notna(), None),
        text("table.n_kw_de", lang=lang): _integers(column(de, "occurrences")),
        _singular(indexed) if lang == "en" else indexed:
            column(ident, "label").astype(object).where(column(ident, "label").notna(), None),
        text("table.n_kw_id", lang=lang): _integers(column(ident, "occurrences")),
    })
    a, b = de["label"].tolist(), ident["label"].tolist()
    both = sorted(set(a) & set(b))
    union = len(set(a) | set(b))
    overlap = {"n": n, "both": both, "common": len(both), "union": union,
               "jaccard": len(both) / union if union else 0.0}
    return table, overlap


def _singular(name: str) -> str:
    """A column heading for one keyword of a field: "Keyword Plus", "Index Keyword", "MeSH term"."""
    return name.replace("Keywords", "Keyword").replace("keywords", "keyword").replace("terms", "term")


def cluster_table(items: pd.DataFrame, *, top: int = 10, lang: str = "en") -> pd.DataFrame:
    """One row per cluster: size, keyword occurrences, top keywords and mean scores.

    Parameters
    ----------
    items
        One row per keyword with ``label``, ``cluster``, ``weight<Occurrences>`` and any
        ``score<...>`` columns.
    top
        Number of keywords listed per cluster, by occurrences (ties by label), joined by ``"; "``.
    lang
        Language of the headers.

    Returns
    -------
    pandas.DataFrame
        ``Cluster``, ``Keywords`` (number of items), ``Occurrences`` (sum over the items),
        ``Top keywords``, then one column per score (``Avg. pub. year``, ``Avg. citations``, ...).
        Clusters in number order; items without a cluster form a last row with an empty cluster.

    Notes
    -----
    Score means are weighted by occurrences: each item's score is already a mean over the
    documents containing it, so the weighted mean is the mean over all (keyword, document)
    occurrences of the cluster, where a frequent keyword counts for more than a rare one. Items
    without a score are left out of that mean.
    """
    _positive(top=top)
    _require(items, ["label", "cluster", "weight<Occurrences>"], "items")
    cluster = items["cluster"].astype("Int64")
    occ = items["weight<Occurrences>"].to_numpy(dtype=np.float64, na_value=np.nan)
    frame = pd.DataFrame({"cluster": cluster.fillna(0).to_numpy(np.int64), "label": items["label"].astype(str).to_numpy(),
                          "occ": np.nan_to_num(occ)})
    frame["key"] = np.where(frame["cluster"] == 0, _NO_CLUSTER, frame["cluster"])
    grouped = frame.groupby("key", sort=True)
    order = frame.sort_values(["key", "occ", "label"], ascending=[True, False, True], kind="stable")
    top_labels = order.groupby("key", sort=True).head(top).groupby("key", sort=True)["label"].agg("; ".join)
    keys = grouped.size().index
    out = pd.DataFrame({
        text("table.cluster", lang=lang): pd.array([None if k == _NO_CLUSTER else int(k) for k in keys], dtype="Int64"),
        text("table.n_keywords", lang=lang): grouped.size().to_numpy(),
        text("score.occurrences", lang=lang): _integers(grouped["occ"].sum()).to_numpy(),
        text("table.top_keywords", lang=lang): top_labels.reindex(keys).to_numpy(dtype=object),
    })
    for column in (c for c in items.columns if c.startswith("score<")):
        score = items[column].to_numpy(dtype=np.float64, na_value=np.nan)
        has = np.isfinite(score) & np.isfinite(occ)
        num = pd.Series(np.where(has, score * occ, 0.0)).groupby(frame["key"]).sum()
        den = pd.Series(np.where(has, occ, 0.0)).groupby(frame["key"]).sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            name = column[len("score<"):-1]
            name = text(SCORE_KEYS[name], lang=lang) if name in SCORE_KEYS else name
            out[name] = np.where(den.to_numpy() > 0, num.to_numpy() / den.to_numpy(), np.nan)
    return out


def summary_table(summaries: Sequence[NetworkSummary], *, lang: str = "en") -> pd.DataFrame:
    """One row per keyword field with the numbers a paper reports.

    Parameters
    ----------
    summaries
        :class:`~bibnet.network.NetworkSummary` objects (``Network.summary()``), one per
        keyword field.
    lang
        Language of the headers and of the fields' generic names (a database's own, such as
        ``Keywords Plus``, is kept).

    Returns
    -------
    pandas.DataFrame
        ``Field``, ``Records``, ``Keywords``, ``Min. occurrences``, ``Meet threshold``, ``Mapped``,
        ``Links``, ``Total link strength``, ``Clusters``, ``Quality``, ``Layout quality``.
    """
    rows = list(summaries)
    table = pd.DataFrame({text("table.field", lang=lang): [field_label(s.field, s.field_name, lang=lang) for s in rows]})
    counts = {
        "table.records": [s.records for s in rows],
        "table.n_keywords": [s.keywords_total for s in rows],
        "table.min_occurrences": [s.network.min_occurrences for s in rows],
        "table.meet_threshold": [s.keywords_meeting_threshold for s in rows],
        "table.mapped": [s.keywords_selected for s in rows],
        "score.links": [s.links for s in rows],
        "score.total_link_strength": [s.total_link_strength for s in rows],
        "table.clusters": [s.clusters for s in rows],
    }
    for key, values in counts.items():
        table[text(key, lang=lang)] = _integers(pd.Series(values, dtype="Float64"))
    table[text("table.quality", lang=lang)] = pd.Series([s.quality for s in rows], dtype="Float64")
    table[text("table.layout_quality", lang=lang)] = pd.Series([s.layout_quality for s in rows], dtype="Float64")
    return table


# -- writers -----------------------------------------------------------------------------------------
def write_table(df: pd.DataFrame, stem_path: str | Path, *, lang: str = "en") -> dict[str, Path]:
    """Write ``df`` as ``<stem>.csv``, ``<stem>.md`` and ``<stem>.tex`` (folders are created);
    ``lang``: the decimal mark of the Markdown and LaTeX numbers (CSV keeps the point).

    Returns
    -------
    dict
        The paths written, by format (``"csv"``, ``"md"``, ``"tex"``).
    """
    stem = Path(stem_path)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = {fmt: stem.with_name(stem.name + "." + fmt) for fmt in ("csv", "md", "tex")}
    paths["csv"].write_text(to_csv(df), encoding="utf-8-sig", newline="")
    paths["md"].write_text(to_markdown(df, lang=lang), encoding="utf-8", newline="")
    paths["tex"].write_text(to_latex(df, lang=lang), encoding="utf-8", newline="")
    return paths


def to_markdown(df: pd.DataFrame, *, lang: str = "en") -> str:
    """A GitHub-flavoured Markdown table; numeric columns right-aligned, numbers written for ``lang``."""
    numeric = _numeric_columns(df)
    lines = ["| " + " | ".join(md_escape(str(c)) for c in df.columns) + " |",
             "|" + "|".join("---:" if num else ":---" for num in numeric) + "|"]
    for row in df.itertuples(index=False, name=None):
        cells = [localize(format_number(v), lang=lang) if num else ("" if _missing(v) else md_escape(str(v)))
                 for v, num in zip(row, numeric, strict=True)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


#: The first lines of every ``.tex`` table: what it needs, and which engine sets non-Latin keywords.
TEX_HEADER = (
    "% Written by bibnet; needs \\usepackage{booktabs}.",
    "% UTF-8 text. Compile with xelatex (or lualatex) and a font that has every letter, e.g.",
    "% \\usepackage{fontspec} \\setmainfont{DejaVu Serif}: Cyrillic and Kazakh keywords are set as written.",
    "% (pdflatex needs \\usepackage[T2A]{fontenc} for Cyrillic; bibnet's tests compile its tables with xelatex.)",
)


def to_latex(df: pd.DataFrame, *, lang: str = "en") -> str:
    """A ``booktabs`` tabular; numeric columns right-aligned, text escaped, numbers written for ``lang``."""
    numeric = _numeric_columns(df)
    lines = [*TEX_HEADER,
             "\\begin{tabular}{" + "".join("r" if num else "l" for num in numeric) + "}",
             "\\toprule",
             " & ".join(tex_escape(str(c)) for c in df.columns) + " \\\\",
             "\\midrule"]
    for row in df.itertuples(index=False, name=None):
        cells = [localize(format_number(v), lang=lang) if num else ("" if _missing(v) else tex_escape(str(v)))
                 for v, num in zip(row, numeric, strict=True)]
        lines.append(" & ".join(cells) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    return "\n".join(lines) + "\n"


_MD = str.maketrans({**{c: "\\" + c for c in "\\`*_[]|~$"}, "&": "&amp;", "<": "&lt;", ">": "&gt;",
                     "\n": " ", "\r": " "})
_TEX = str.maketrans({"\\": r"\textbackslash{}", "%": r"\%", "&": r"\&", "_": r"\_", "#": r"\#", "$": r"\$",
                      "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                      "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}", "\n": " ", "\r": " "})


def md_escape(text: str) -> str:
    """Text for a Markdown table cell: shown literally, HTML inert."""
    return text.translate(_MD)


def tex_escape(text: str) -> str:
    """Text for a LaTeX text-mode cell: shown literally."""
    return text.translate(_TEX)


# -- helpers -----------------------------------------------------------------------------------------
def _integers(values: pd.Series) -> pd.Series:
    """``Int64`` when every value is a whole number (counts), otherwise ``Float64`` (fractional counting)."""
    values = pd.Series(values).astype("Float64")
    whole = values.dropna()
    return values.astype("Int64") if bool((whole == whole.round()).all()) else values


def _ranked(counts: pd.DataFrame, n: int, what: str) -> pd.DataFrame:
    """The ``n`` rows with the most occurrences, ties by label."""
    _require(counts, ["label", "occurrences"], what)
    frame = pd.DataFrame({"label": counts["label"].astype(str).to_numpy(dtype=object),
                          "occurrences": counts["occurrences"].to_numpy(dtype=np.float64)})
    return frame.sort_values(["occurrences", "label"], ascending=[False, True], kind="stable").head(n)


def _require(df: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise OptionError(f"{what} lacks column(s) {', '.join(missing)}")


def _positive(**values: int) -> None:
    for name, value in values.items():
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise OptionError(f"{name} must be a positive integer, got {value!r}")
