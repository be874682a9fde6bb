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

from bibnet.keywords import field_name
from bibnet.tables import format_number, summary_table
from bibnet.texts import field_label, in_sentence, join, number, plural, text

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


def _field_set(s: NetworkSummary, lang: str) -> str:
    """The keyword set of a summary, for the methods text ("author keywords (DE) only")."""
    indexed = field_label("indexed", field_name("indexed", s.sources), lang=lang)
    return text({"all": "methods.set_all", "author": "methods.set_author"}.get(s.field, "methods.set_indexed"),
                lang=lang, indexed=indexed)


def _field_phrase(s: NetworkSummary, lang: str) -> str:
    """The keywords of a summary's field in running text ("keywords (author keywords and Keywords Plus together)")."""
    indexed = field_label("indexed", field_name("indexed", s.sources), lang=lang)
    key = {"all": "methods.phrase_all", "author": "methods.phrase_author"}.get(s.field)
    return text(key, lang=lang, indexed=indexed) if key else indexed


# -- methods text ------------------------------------------------------------------------------------
def methods_text(summaries: Sequence[NetworkSummary], *, run: Run | None = None, lang: str = "en") -> str:
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
    lang
        Language of the paragraph (``en``, ``ru``, ``kk``; :mod:`bibnet.texts`), its numbers
        written for it (``0,5877`` and ``9 543,887`` in Russian and Kazakh); the references stay
        as published.

    Returns
    -------
    str
        Markdown: a "Methods" heading, one paragraph, and the references it cites.
    """
    rows = list(summaries)
    if not rows:
        return f"{text('methods.heading', lang=lang)}\n\n{text('methods.none', lang=lang)}\n"
    first = rows[0]
    net = first.network
    sentences = [_corpus_sentence(run, first, lang)]
    sets = join([_field_set(s, lang) for s in rows], lang=lang, clauses=True)
    sentences.append(text("methods.set_one" if len(rows) == 1 else "methods.set_many", lang=lang, sets=sets))
    sentences.append(_cleaning_sentence(net, lang))

    parts = []
    for s in rows:
        part = text("methods.threshold", lang=lang, total=_n(s.keywords_total, lang), phrase=_field_phrase(s, lang),
                    meet=_n(s.keywords_meeting_threshold, lang), min=_n(s.network.min_occurrences, lang))
        if s.network.top is not None:
            part += text("methods.threshold_top", lang=lang, selected=_n(s.keywords_selected, lang), top=_n(s.network.top, lang))
        parts.append(part)
    sentences.append(_capitalize("; ".join(parts)) + ".")
    sentences.append(text("methods.maps", lang=lang, items=join([text(
        "methods.map_item", lang=lang, selected=_n(s.keywords_selected, lang), field=_field_name(s, lang),
        keywords=plural(s.keywords_selected, "plural.keyword_mapped", lang=lang), links=_n(s.links, lang),
        links_word=plural(s.links, "plural.link", lang=lang), strength=_n(s.total_link_strength, lang))
        for s in rows], lang=lang, clauses=True)))

    normalization = text(f"normalization.{net.normalization}", lang=lang)
    sentences.append(text("methods.normalization", lang=lang, normalization=normalization))
    clustering = first.clustering or (run.clustering if run is not None else None)
    if clustering is not None:
        sentences.append(_clustering_sentence(clustering, first.engine, net.normalization, rows, lang))
    layout = first.layout or (run.layout if run is not None else None)
    if layout is not None:
        sentences.append(_layout_sentence(layout, rows, lang))
    sentences.append(_software_sentence(run.software if run is not None else None, lang))

    cited = ["vos", "as"] + (["leiden"] if clustering is not None else []) + (["unified"] if layout is not None else [])
    refs = "\n".join(f"- {REFERENCES[key]}" for key in cited)
    heading, references = text("methods.heading", lang=lang), text("methods.references", lang=lang)
    return f"{heading}\n\n{' '.join(sentences)}\n\n{references}\n\n{refs}\n"


def _corpus_sentence(run: Run | None, first: NetworkSummary, lang: str) -> str:
    if run is None:
        return text("methods.corpus_plain", lang=lang, records=_n(first.records, lang),
                    publications=plural(first.records, "plural.publication", lang=lang))
    n_files = len(run.files)
    mixed = len(run.sources) > 1
    how = text("methods.by_accession_doi" if mixed else "methods.by_accession", lang=lang)
    details = [text("methods.read", lang=lang, read=_n(run.records_read, lang), files=_n(n_files, lang),
                    records=plural(run.records_read, "plural.record", lang=lang),
                    export_files=plural(n_files, "plural.export_file", lang=lang)),
               text("methods.duplicates", lang=lang, n=_n(run.duplicates, lang), how=how,
                    duplicates=plural(run.duplicates, "plural.duplicate", lang=lang))]
    out = text("methods.corpus", lang=lang, records=_n(run.records, lang), source=_source(run, lang),
               publications=plural(run.records, "plural.publication", lang=lang), details="; ".join(details))
    if mixed:
        indexed = field_label("indexed", field_name("indexed", run.sources), lang=lang)
        out += text("methods.mixed", lang=lang, order=", ".join(run.prefer), indexed=indexed)
    return out


def _source(run: Run, lang: str) -> str:
    """The databases in words (:attr:`Run.source <bibnet.run.Run.source>`, which ``parameters.json`` records) in ``lang``."""
    if len(run.sources) <= 1:
        return next(iter(run.sources), "")
    parts = [text("methods.source_first", lang=lang, name=name, count=_n(count, lang),
                  records=plural(count, "plural.record", lang=lang)) if i == 0 else f"{name} ({_n(count, lang)})"
             for i, (name, count) in enumerate(run.sources.items())]
    return join(parts, lang=lang)


def _cleaning_sentence(net: NetworkParams, lang: str) -> str:
    steps = [text("methods.trimmed", lang=lang)] + ([text("methods.lower_cased", lang=lang)] if net.label_case == "lower" else [])
    out = text("methods.clean", lang=lang, steps=text("join.last", lang=lang).join(steps))
    if net.thesaurus:
        out += text("methods.thesaurus", lang=lang, file=Path(net.thesaurus).name)
    out += text("methods.once", lang=lang)
    return out + text("methods.counting", lang=lang, counting=text(f"counting.{net.counting}", lang=lang))


def _clustering_sentence(c: ClusterParams, engine: str | None, normalization: str, rows: list[NetworkSummary],
                         lang: str) -> str:
    name = {"bibnet-leiden": "bibnet", "igraph-leiden": "python-igraph"}.get(engine or "", engine or "leidenalg")
    out = text("methods.clustering", lang=lang, engine=name,
               weights=text("methods.weights_association" if normalization == "association" else "methods.weights_links",
                            lang=lang),
               resolution=_n(c.resolution, lang), min_size=_n(c.min_cluster_size, lang),
               small=text("methods.small_merged" if c.merge_small_clusters else "methods.small_left", lang=lang),
               starts=_starts(c.random_starts, lang), iterations=_n(c.iterations, lang),
               randomness=_n(c.randomness, lang), seed=_n(c.seed, lang))
    results = [text("methods.cluster_result", lang=lang, n=_n(s.clusters, lang), quality=_n(s.quality, lang),
                    clusters=plural(s.clusters, "plural.cluster", lang=lang), field=_field_name(s, lang))
               for s in rows if s.clusters is not None]
    return out + (text("methods.cluster_results", lang=lang, results=join(results, lang=lang, clauses=True))
                  if results else "") + "."


def _layout_sentence(layout: LayoutParams, rows: list[NetworkSummary], lang: str) -> str:
    out = text("methods.layout", lang=lang, attraction=_n(layout.attraction, lang), repulsion=_n(layout.repulsion, lang),
               starts=_starts(layout.random_starts, lang), seed=_n(layout.seed, lang))
    if layout.method == "approximate" or any(str(s.layout_method).startswith("barnes-hut") for s in rows):
        out += text("methods.approximate", lang=lang)
    quality = [f"{_n(s.layout_quality, lang)} ({_field_name(s, lang)})" for s in rows if s.layout_quality is not None]
    return out + ")" + (text("methods.layout_quality", lang=lang, quality=join(quality, lang=lang, clauses=True))
                        if quality else "") + "."


def _software_sentence(software: Mapping[str, str] | None, lang: str) -> str:
    if software is None:
        software = {}
        for dist, name in SOFTWARE.items():
            try:
                software[name] = importlib.metadata.version(dist)
            except importlib.metadata.PackageNotFoundError:
                continue
    names = [f"{name} {version}" for name, version in software.items()]
    main, rest = (names[0], names[1:]) if names else ("bibnet", [])
    return text("methods.software", lang=lang, main=main, python=platform.python_version(), rest="".join(f", {n}" for n in rest))


def _starts(n: int, lang: str) -> str:
    return text("methods.one_start", lang=lang) if n == 1 else text("methods.best_of", lang=lang, n=_n(n, lang))


def _field_name(s: NetworkSummary, lang: str) -> str:
    """The field in running text: "all keywords", but "Keywords Plus" as the database writes it."""
    return in_sentence(s.field, s.field_name, lang=lang)


def _n(value: Any, lang: str = "en") -> str:
    """A number as written in a paper: thousands separators, at most 4 decimals (:func:`bibnet.texts.number`)."""
    return number(value, lang=lang)


def _capitalize(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


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
