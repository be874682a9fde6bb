"""The methods paragraph of a keyword analysis and its self-contained HTML report.

:func:`methods_text` writes the paragraph a paper needs, every number and parameter filled in;
:func:`write_report` writes one HTML file with the summary, tables, interactive figures and links
to the VOSviewer files. The report works offline: plotly.js is embedded once, nothing is loaded
from elsewhere (its Content-Security-Policy forbids it), and every label is HTML-escaped.
"""

from __future__ import annotations

import html
import importlib.metadata
import platform
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from bibnet.cooccurrence import COUNTINGS
from bibnet.keywords import FIELD_NAMES, field_name
from bibnet.normalize import NORMALIZATIONS
from bibnet.tables import format_number, summary_table

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.clustering import ClusterParams
    from bibnet.layout import LayoutParams
    from bibnet.network import NetworkSummary
    from bibnet.run import Run
    from bibnet.selection import NetworkParams

#: Software whose versions the methods text names (distribution name -> name in the text).
SOFTWARE: dict[str, str] = {
    "bibnet": "bibnet", "leidenalg": "leidenalg", "igraph": "python-igraph", "numpy": "NumPy",
    "scipy": "SciPy", "pandas": "pandas",
}
REFERENCES = {
    "vos": "van Eck, N. J., & Waltman, L. (2010). Software survey: VOSviewer, a computer program for "
           "bibliometric mapping. Scientometrics, 84(2), 523-538.",
    "as": "van Eck, N. J., & Waltman, L. (2009). How to normalize cooccurrence data? An analysis of some "
          "well-known similarity measures. JASIST, 60(8), 1635-1651.",
    "leiden": "Traag, V. A., Waltman, L., & van Eck, N. J. (2019). From Louvain to Leiden: guaranteeing "
              "well-connected communities. Scientific Reports, 9, 5233.",
    "unified": "Waltman, L., van Eck, N. J., & Noyons, E. C. M. (2010). A unified approach to mapping and "
               "clustering of bibliometric networks. Journal of Informetrics, 4(4), 629-635.",
}


def _field_set(s: NetworkSummary) -> str:
    """The keyword set of a summary, for the methods text ("author keywords (DE) only")."""
    indexed = field_name("indexed", s.sources)
    if s.field == "all":
        return (f"all keywords (author keywords, DE, and {indexed}, ID, together; a keyword in both fields of "
                "a publication counted once)")
    return "author keywords (DE) only" if s.field == "author" else f"{indexed} (ID) only"


def _field_phrase(s: NetworkSummary) -> str:
    """The keywords of a summary's field in running text ("keywords (author keywords and Keywords Plus together)")."""
    indexed = field_name("indexed", s.sources)
    return {"all": f"keywords (author keywords and {indexed} together)", "author": "author keywords"}.get(s.field, indexed)


# -- methods text ------------------------------------------------------------------------------------
def methods_text(summaries: Sequence[NetworkSummary], *, run: Run | None = None) -> str:
    """A Markdown methods paragraph (plus references) with every number and parameter filled in.

    Parameters
    ----------
    summaries
        One :class:`~bibnet.network.NetworkSummary` per keyword field
        (:meth:`Network.summary() <bibnet.network.Network.summary>`).
    run
        The run (:class:`~bibnet.run.Run`): records read, duplicates, files, source and
        software, and the clustering and layout options when a summary has none. Without it
        the paragraph names the records of the first summary and the installed software.

    Returns
    -------
    str
        Markdown: a "Methods" heading, one paragraph, and the references it cites.
    """
    rows = list(summaries)
    if not rows:
        return "## Methods\n\nNo keyword field was analysed.\n"
    first = rows[0]
    net = first.network
    sentences = [_corpus_sentence(run, first)]
    sets = [_field_set(s) for s in rows]
    sentences.append(("The keyword set analysed was " if len(sets) == 1 else "The keyword sets analysed were ")
                     + _join(sets) + ".")
    sentences.append(_cleaning_sentence(net))

    parts = []
    for s in rows:
        part = (f"of the {_n(s.keywords_total)} {_field_phrase(s)}, {_n(s.keywords_meeting_threshold)} meet "
                f"the threshold of at least {_n(s.network.min_occurrences)} occurrences")
        if s.network.top is not None:
            part += (f" and the {_n(s.keywords_selected)} with the greatest total link strength "
                     f"(at most {_n(s.network.top)}) were mapped")
        parts.append(part)
    sentences.append(_capitalize("; ".join(parts)) + ".")
    sentences.append("The maps have " + _join([
        f"{_n(s.keywords_selected)} keywords, {_n(s.links)} links and a total link strength of "
        f"{_n(s.total_link_strength)} ({_field_name(s)})"
        for s in rows]) + ".")

    sentences.append(f"Link strengths were {NORMALIZATIONS[net.normalization].methods}.")
    clustering = first.clustering or (run.clustering if run is not None else None)
    if clustering is not None:
        sentences.append(_clustering_sentence(clustering, first.engine, net.normalization, rows))
    layout = first.layout or (run.layout if run is not None else None)
    if layout is not None:
        sentences.append(_layout_sentence(layout, rows))
    sentences.append(_software_sentence(run.software if run is not None else None))

    cited = ["vos", "as"] + (["leiden"] if clustering is not None else []) + (["unified"] if layout is not None else [])
    refs = "\n".join(f"- {REFERENCES[key]}" for key in cited)
    return f"## Methods\n\n{' '.join(sentences)}\n\n### References\n\n{refs}\n"


def _corpus_sentence(run: Run | None, first: NetworkSummary) -> str:
    if run is None:
        return f"We analysed the metadata of {_n(first.records)} publications."
    n_files = len(run.files)
    mixed = len(run.sources) > 1
    how = "accession number, DOI, or title, year and first author" if mixed else "accession number"
    details = [f"{_n(run.records_read)} records read from {_n(n_files)} export file{'s' if n_files != 1 else ''}",
               f"{_n(run.duplicates)} duplicate{'s' if run.duplicates != 1 else ''}, identified by {how}, removed"]
    text = f"We analysed the metadata of {_n(run.records)} publications from {run.source} ({'; '.join(details)})."
    if mixed:
        indexed = field_name("indexed", run.sources)
        text += (f" Of a publication found in several databases, the copy of the first in the order "
                 f"{', '.join(run.prefer)} was kept; the author keywords of all copies were united, while the "
                 f"keywords the databases assigned ({indexed}) are different vocabularies and were taken from the "
                 "kept copy only. Citation counts come from the kept copy's database and are not comparable "
                 "across databases; normalised citations were normalised within each database.")
    return text


def _cleaning_sentence(net: NetworkParams) -> str:
    steps = ["trimmed"] + (["lower-cased"] if net.label_case == "lower" else [])
    text = f"Keywords were {' and '.join(steps)}"
    if net.thesaurus:
        text += f", synonyms were merged with a thesaurus ({Path(net.thesaurus).name})"
    text += ", and each keyword was counted at most once per publication"
    return text + f"; co-occurrences were {COUNTINGS[net.counting].methods}."


def _clustering_sentence(c: ClusterParams, engine: str | None, normalization: str, rows: list[NetworkSummary]) -> str:
    weights = "association strengths" if normalization == "association" else "link strengths"
    name = {"bibnet-leiden": "bibnet", "igraph-leiden": "python-igraph"}.get(engine or "", engine or "leidenalg")
    text = (f"Keywords were clustered with the Leiden algorithm (Traag et al., 2019), as implemented in "
            f"{name}, maximising the constant Potts model (CPM) quality of the {weights} "
            f"(resolution {_n(c.resolution)}, minimum cluster size {_n(c.min_cluster_size)}"
            + (", smaller clusters merged into larger ones" if c.merge_small_clusters
               else ", items of smaller clusters left unclustered")
            + f"; {_starts(c.random_starts)} with {_n(c.iterations)} iterations each, "
            f"randomness {_n(c.randomness)}, random seed {_n(c.seed)})")
    results = [f"{_n(s.clusters)} cluster{'' if s.clusters == 1 else 's'} with quality {_n(s.quality)} ({_field_name(s)})"
               for s in rows if s.clusters is not None]
    return text + (", giving " + _join(results) if results else "") + "."


def _layout_sentence(layout: LayoutParams, rows: list[NetworkSummary]) -> str:
    text = (f"The maps were laid out with the VOS mapping technique (van Eck & Waltman, 2010; Waltman et al., 2010) "
            f"with attraction {_n(layout.attraction)} and repulsion {_n(layout.repulsion)}"
            f" ({_starts(layout.random_starts)}, random seed {_n(layout.seed)}")
    if layout.method == "approximate" or any(str(s.layout_method).startswith("barnes-hut") for s in rows):
        text += ", approximate optimisation for large maps"
    quality = [f"{_n(s.layout_quality)} ({_field_name(s)})" for s in rows if s.layout_quality is not None]
    return text + ")" + (", with layout quality (VOS objective) " + _join(quality) if quality else "") + "."


def _software_sentence(software: Mapping[str, str] | None) -> str:
    if software is None:
        software = {}
        for dist, name in SOFTWARE.items():
            try:
                software[name] = importlib.metadata.version(dist)
            except importlib.metadata.PackageNotFoundError:
                continue
    names = [f"{name} {version}" for name, version in software.items()]
    main, rest = (names[0], names[1:]) if names else ("bibnet", [])
    return f"The analysis was run with {main} (Python {platform.python_version()}" + "".join(f", {n}" for n in rest) + ")."


def _starts(n: int) -> str:
    return "a single random start" if n == 1 else f"best of {_n(n)} random starts"


def _field_name(s: NetworkSummary) -> str:
    """The field in running text: "all keywords", but "Keywords Plus" as the database writes it."""
    return s.field_name.lower() if s.field_name in FIELD_NAMES.values() else s.field_name


def _n(value: Any) -> str:
    """A number as written in a paper: thousands separators, at most 4 decimals."""
    if value is None or value is pd.NA:
        return "n/a"
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        return str(value)
    number = float(value)
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.4f}".rstrip("0").rstrip(".")


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1] if parts else ""


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- HTML report -------------------------------------------------------------------------------------
def write_report(
    path: str | Path,
    *,
    summaries: Sequence[NetworkSummary],
    tables: Mapping[str, pd.DataFrame],
    figures: Mapping[str, go.Figure],
    links: Mapping[str, str],
    methods: str | None = None,
    title: str = "Keyword co-occurrence analysis",
) -> None:
    """Write one self-contained HTML report that works offline.

    Parameters
    ----------
    path
        The HTML file to write (its folder must exist).
    summaries
        One summary per keyword field, shown as the summary table.
    tables
        Tables by caption, in the order shown.
    figures
        Plotly figures by caption, in the order shown; they stay interactive.
    links
        Link texts -> paths relative to the report (e.g. ``{"All keywords: VOSviewer map":
        "all/map.txt"}``); paths are URL-quoted, so they can only point to files.
    methods
        Optional Markdown from :func:`methods_text`, shown after the summary.
    title
        Page title and heading (plain text).
    """
    body = [f"<h1>{_e(title)}</h1>", "<h2>Summary</h2>", _html_table(summary_table(summaries))]
    specs = []
    for i, (caption, fig) in enumerate(figures.items(), start=1):
        body.append(f'<h2>{_e(caption)}</h2>\n<div class="figure" id="figure-{i}"></div>')
        specs.append(f'<script type="application/json" id="figure-{i}-data">{_json_for_html(fig)}</script>')
    for caption, df in tables.items():
        body.append(f"<h2>{_e(caption)}</h2>\n{_html_table(df)}")
    if methods:
        body.append(_markdown_html(methods))
    if links:
        body.append("<h2>VOSviewer files</h2>\n<ul>\n" + "\n".join(
            f'<li><a href="{_e(quote(str(target), safe="/"))}">{_e(text)}</a></li>' for text, target in links.items())
            + "\n</ul>")
    page = _PAGE.format(title=_e(title), plotly=_plotly_js(), body="\n".join(body), specs="\n".join(specs))
    Path(path).write_text(page, encoding="utf-8", newline="\n")


def _html_table(df: pd.DataFrame) -> str:
    numeric = [pd.api.types.is_numeric_dtype(df.iloc[:, i]) and not pd.api.types.is_bool_dtype(df.iloc[:, i])
               for i in range(df.shape[1])]
    head = "".join(f'<th{" class=num" if num else ""}>{_e(str(c))}</th>' for c, num in zip(df.columns, numeric, strict=True))
    rows = []
    for row in df.itertuples(index=False, name=None):
        cells = "".join(
            f"<td class=num>{format_number(v)}</td>" if num else f"<td>{'' if v is None or v is pd.NA else _e(str(v))}</td>"
            for v, num in zip(row, numeric, strict=True))
        rows.append(f"<tr>{cells}</tr>")
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"


def _markdown_html(text: str) -> str:
    """The little Markdown :func:`methods_text` writes: headings, paragraphs and "- " lists."""
    out = []
    for block in (b.strip() for b in text.split("\n\n")):
        if not block:
            continue
        if block.startswith("#"):
            level = min(len(block) - len(block.lstrip("#")) + 1, 4)
            out.append(f"<h{level}>{_e(block.lstrip('#').strip())}</h{level}>")
        elif all(line.startswith("- ") for line in block.splitlines()):
            out.append("<ul>\n" + "\n".join(f"<li>{_e(line[2:])}</li>" for line in block.splitlines()) + "\n</ul>")
        else:
            out.append(f"<p>{_e(' '.join(block.splitlines()))}</p>")
    return "\n".join(out)


def _json_for_html(fig: go.Figure) -> str:
    """The figure's JSON, safe inside a ``<script>`` element: ``< > &`` and line separators escaped."""
    text = pio.to_json(fig, validate=False, pretty=False, engine="json")
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _e(text: str) -> str:
    return html.escape(text, quote=True)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; margin: 2em auto; max-width: 1000px; padding: 0 1em; color: #222; line-height: 1.45; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }}
th {{ border-bottom: 2px solid #888; }}
.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.figure {{ width: 900px; max-width: 100%; overflow-x: auto; margin-bottom: 2em; }}
h2 {{ margin-top: 1.6em; border-bottom: 1px solid #eee; }}
</style>
<script>{plotly}</script>
</head>
<body>
{body}
{specs}
<script>
document.querySelectorAll("div.figure").forEach(function (div) {{
  var spec = JSON.parse(document.getElementById(div.id + "-data").textContent);
  Plotly.newPlot(div, spec.data, spec.layout, {{displaylogo: false, responsive: true}});
}});
</script>
</body>
</html>
"""  # noqa: E501 - the page's lines are written as they stand; wrapping them would change report.html
