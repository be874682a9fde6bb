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
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from bibnet.keywords import FIELD_NAMES
from bibnet.tables import format_number, summary_table

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
_FIELD_SET = {
    "all": "all keywords (author keywords, DE, and Keywords Plus, ID, together; a keyword in both fields of "
           "a publication counted once)",
    "author": "author keywords (DE) only",
    "plus": "Keywords Plus (ID) only",
}
_FIELD_PHRASE = {"all": "keywords (author keywords and Keywords Plus together)", "author": "author keywords",
                 "plus": "Keywords Plus"}
_NORMALIZATION = {
    "association": "normalised with the association strength (van Eck & Waltman, 2009)",
    "fractionalization": "normalised by fractionalization (van Eck & Waltman, 2009)",
    "none": "not normalised",
}


# -- methods text ------------------------------------------------------------------------------------
def methods_text(summaries: Iterable[Mapping[str, Any]] | Mapping[str, Mapping[str, Any]],
                 parameters: Mapping[str, Any]) -> str:
    """A Markdown methods paragraph (plus references) with every number and parameter filled in.

    Parameters
    ----------
    summaries
        One summary dict per keyword field (``Network.summary()``: ``field``, ``records``,
        ``keywords_total``, ``keywords_meeting_threshold``, ``keywords_selected``, ``links``,
        ``total_link_strength``, ``clusters``, ``quality``, ``layout_quality`` and ``parameters``
        with the network options and the ``clustering`` and ``layout`` option dicts).
    parameters
        Run-wide facts and options (the content of ``parameters.json``). Read when present:
        ``records_read``, ``duplicates`` (removed), ``records`` (kept), ``files`` (a number or a
        list), ``source`` (default "the Web of Science Core Collection") and ``software`` (name ->
        version; default: the installed versions). Network, clustering and layout options
        missing from a summary's ``parameters`` are looked up here too.

    Returns
    -------
    str
        Markdown: a "Methods" heading, one paragraph, and the references it cites.
    """
    rows = _summaries(summaries)
    params = dict(parameters)
    if not rows:
        return "## Methods\n\nNo keyword field was analysed.\n"

    def option(s: Mapping[str, Any], *path: str) -> Any:
        for source in (s.get("parameters") or {}, params):
            value: Any = source
            for key in path:
                value = value.get(key) if isinstance(value, Mapping) else None
            if value is not None:
                return value
        return None

    first = rows[0]
    sentences = [_corpus_sentence(params, first)]
    sets = [_FIELD_SET.get(s.get("field"), str(s.get("field"))) for s in rows]
    sentences.append(("The keyword set analysed was " if len(sets) == 1 else "The keyword sets analysed were ")
                     + _join(sets) + ".")
    sentences.append(_cleaning_sentence(option(first, "label_case"), option(first, "thesaurus"), option(first, "counting")))

    parts = []
    for s in rows:
        phrase = _FIELD_PHRASE.get(s.get("field"), str(s.get("field")))
        part = (f"of the {_n(s.get('keywords_total'))} {phrase}, {_n(s.get('keywords_meeting_threshold'))} meet the "
                f"threshold of at least {_n(option(s, 'min_occurrences'))} occurrences")
        top = option(s, "top")
        if top is not None:
            part += f" and the {_n(s.get('keywords_selected'))} with the greatest total link strength (at most {_n(top)}) were mapped"
        parts.append(part)
    sentences.append(_capitalize("; ".join(parts)) + ".")
    sentences.append("The maps have " + _join([
        f"{_n(s.get('keywords_selected'))} keywords, {_n(s.get('links'))} links and a total link strength of "
        f"{_n(s.get('total_link_strength'))} ({FIELD_NAMES.get(s.get('field'), s.get('field')).lower().replace('keywords plus', 'Keywords Plus')})"
        for s in rows]) + ".")

    normalization = option(first, "normalization") or "association"
    sentences.append(f"Link strengths were {_NORMALIZATION.get(normalization, normalization)}.")
    clustering = option(first, "clustering")
    if isinstance(clustering, Mapping):
        sentences.append(_clustering_sentence(clustering, normalization, rows))
    layout = option(first, "layout")
    if isinstance(layout, Mapping):
        sentences.append(_layout_sentence(layout, rows))
    sentences.append(_software_sentence(params.get("software")))

    cited = ["vos", "as"] + (["leiden"] if isinstance(clustering, Mapping) else []) + (["unified"] if isinstance(layout, Mapping) else [])
    refs = "\n".join(f"- {REFERENCES[key]}" for key in cited)
    return f"## Methods\n\n{' '.join(sentences)}\n\n### References\n\n{refs}\n"


def _corpus_sentence(params: Mapping[str, Any], first: Mapping[str, Any]) -> str:
    kept = params.get("records", first.get("records"))
    source = params.get("source", "the Web of Science Core Collection")
    details = []
    if params.get("records_read") is not None:
        files = params.get("files")
        n_files = len(files) if isinstance(files, (list, tuple)) else files
        details.append(f"{_n(params['records_read'])} records read"
                       + (f" from {_n(n_files)} export file{'s' if n_files != 1 else ''}" if n_files is not None else ""))
    if params.get("duplicates") is not None:
        d = params["duplicates"]
        details.append(f"{_n(d)} duplicate{'s' if d != 1 else ''}, identified by accession number, removed")
    return (f"We analysed the metadata of {_n(kept)} publications from {source}"
            + (f" ({'; '.join(details)})" if details else "") + ".")


def _cleaning_sentence(label_case: Any, thesaurus: Any, counting: Any) -> str:
    steps = ["trimmed"] + (["lower-cased"] if label_case in (None, "lower") else [])
    text = f"Keywords were {' and '.join(steps)}"
    if thesaurus:
        text += f", synonyms were merged with a thesaurus ({Path(str(thesaurus)).name})"
    text += ", and each keyword was counted at most once per publication"
    if counting == "fractional":
        text += ("; co-occurrences were counted fractionally (each pair of a publication's n keywords "
                 "weighted 1/(n - 1))")
    else:
        text += "; co-occurrences were counted with full counting (each publication adds 1 to each pair of its keywords)"
    return text + "."


def _clustering_sentence(c: Mapping[str, Any], normalization: str, rows: list[Mapping[str, Any]]) -> str:
    weights = "association strengths" if normalization == "association" else "link strengths"
    merge = c.get("merge_small_clusters", True)
    min_size = c.get("min_cluster_size")
    engine = {"bibnet-leiden": "bibnet", "igraph-leiden": "python-igraph", "leidenalg": "leidenalg"}.get(c.get("engine"), c.get("engine") or "leidenalg")
    text = (f"Keywords were clustered with the Leiden algorithm (Traag et al., 2019), as implemented in "
            f"{engine}, maximising the constant Potts model (CPM) quality of the {weights} "
            f"(resolution {_n(c.get('resolution'))}")
    if min_size is not None:
        text += f", minimum cluster size {_n(min_size)}" + (
            ", smaller clusters merged into larger ones" if merge else ", items of smaller clusters left unclustered")
    text += (f"; {_starts(c.get('random_starts'))} with {_n(c.get('iterations'))} iterations each, "
             f"randomness {_n(c.get('randomness'))}, random seed {_n(c.get('seed'))})")
    results = [f"{_n(s.get('clusters'))} cluster{'' if s.get('clusters') == 1 else 's'} with quality {_n(s.get('quality'))} ({_field_name(s)})"
               for s in rows if s.get("clusters") is not None]
    return text + (", giving " + _join(results) if results else "") + "."


def _layout_sentence(layout: Mapping[str, Any], rows: list[Mapping[str, Any]]) -> str:
    text = (f"The maps were laid out with the VOS mapping technique (van Eck & Waltman, 2010; Waltman et al., 2010) "
            f"with attraction {_n(layout.get('attraction'))} and repulsion {_n(layout.get('repulsion'))}"
            f" ({_starts(layout.get('random_starts'))}, random seed {_n(layout.get('seed'))}")
    if layout.get("method") == "approximate" or any(str(s.get("layout_method")).startswith("barnes-hut") for s in rows):
        text += ", approximate optimisation for large maps"
    quality = [f"{_n(s.get('layout_quality'))} ({_field_name(s)})" for s in rows if s.get("layout_quality") is not None]
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


def _starts(n: Any) -> str:
    return "a single random start" if n == 1 else f"best of {_n(n)} random starts"


def _field_name(s: Mapping[str, Any]) -> str:
    name = s.get("field_name") or FIELD_NAMES.get(s.get("field"), str(s.get("field")))
    return name if name == "Keywords Plus" else name.lower()


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


def _summaries(summaries) -> list[Mapping[str, Any]]:
    if isinstance(summaries, Mapping):
        return [summaries] if "field" in summaries else list(summaries.values())
    return list(summaries)


# -- HTML report -------------------------------------------------------------------------------------
def write_report(
    path: str | Path,
    *,
    summaries: Iterable[Mapping[str, Any]] | Mapping[str, Mapping[str, Any]],
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
        One summary dict per keyword field, shown as the summary table.
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
    head = "".join(f'<th{" class=num" if num else ""}>{_e(str(c))}</th>' for c, num in zip(df.columns, numeric))
    rows = []
    for row in df.itertuples(index=False, name=None):
        cells = "".join(
            f"<td class=num>{format_number(v)}</td>" if num else f"<td>{'' if v is None or v is pd.NA else _e(str(v))}</td>"
            for v, num in zip(row, numeric))
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
"""
