"""The self-contained HTML report: summary, tables, interactive figures, and a keyword explorer.

:func:`write_report` writes one file that works offline: plotly.js, the page's script and
style (``bibnet/report_assets``) and all data are embedded, nothing is loaded from elsewhere
(its Content-Security-Policy forbids it). Every label and title is data: HTML-escaped in the
page, ``\\u``-escaped in its JSON, and set as text (never as markup) by the script.

Every string a reader sees is a ``page.`` text of the catalogue (:mod:`bibnet.texts`), in the
report's language; the script gets them without the prefix (``page.search`` -> ``T.search``).
A text the script fills with a count may hold plural forms separated by ``|``, as ``plural.``
texts do: Russian ``one|few|many`` ("встречается 1 раз|... 2 раза|... 5 раз"), English and
Kazakh one form. The script picks the form by the rule of :func:`bibnet.texts.plural` and
writes numbers as :func:`bibnet.texts.number` does, with the separators the page's data gives
(``D.format``), never with the browser's locale.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from bibnet.report_data import report_data
from bibnet.tables import format_number, summary_table
from bibnet.texts import catalogue, localize, number, text

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.network import Network, NetworkSummary

FIGURE_TOP = 30  # px above a figure's plot area: plotly's toolbar sits there, clear of the legend
HIGHLIGHT = "#e6007e"  # ring of a highlighted keyword: a colour none of the cluster colours uses
_ASSETS = files("bibnet") / "report_assets"


def write_report(
    path: str | Path,
    *,
    summaries: Sequence[NetworkSummary],
    tables: Mapping[str, pd.DataFrame],
    figures: Mapping[str, go.Figure],
    links: Mapping[str, str],
    methods: str | None = None,
    title: str | None = None,
    networks: Mapping[str, Network] | None = None,
    figure_networks: Mapping[str, str] | None = None,
    lang: str = "en",
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
        Plotly figures by caption, in the order shown; they stay interactive and fill the page's
        width at their own aspect ratio (the caption is the heading; a figure's own title, when
        different, is shown under it).
    links
        Link texts -> paths relative to the report (e.g. ``{"All keywords: VOSviewer map":
        "all/map.txt"}``); paths are URL-quoted, so they can only point to files.
    methods
        Optional Markdown from :func:`~bibnet.report.methods_text`, shown after the summary.
    title
        Page title and heading (plain text); by default ``page.title`` in ``lang``.
    networks
        Networks by the name shown ("All keywords"): each gets a search box, a cluster filter,
        and its keywords' documents and strongest links, which a click on a keyword shows.
    figure_networks
        Figure caption -> key of ``networks``: the figures of each network, whose keywords the
        explorer highlights and whose markers open a keyword when clicked. A network's explorer
        stands before its first figure (or, with none, after the tables).
    lang
        Language of the page's own texts, of the summary table and of every number written
        (:mod:`bibnet.texts`); captions, tables and methods are given already translated.
    """
    networks = dict(networks or {})
    figure_networks = dict(figure_networks or {})
    unknown = sorted(set(figure_networks.values()) - set(networks))
    if unknown:
        raise ValueError(f"figure_networks names networks not given: {', '.join(unknown)}")
    order = list(networks)
    texts = {key.removeprefix("page."): value for key, value in catalogue(lang).items() if key.startswith("page.")}
    title = texts["title"] if title is None else title
    data = report_data(networks, lang=lang)
    body = [f"<h1>{_e(title)}</h1>", f"<h2>{_e(texts['summary'])}</h2>", _html_table(_summary(summaries, lang), lang),
            f'<p class="note">{_e(texts["quality_note"])}</p>']
    specs, explored = [], set()
    for i, (caption, fig) in enumerate(figures.items(), start=1):
        field = figure_networks.get(caption)
        index = order.index(field) if field is not None else None
        if field is not None and index is not None and index not in explored:
            body.append(_explorer(index, field, texts))
            explored.add(index)
        spec, ratio, subtitle = _figure_spec(fig, networks[field] if field is not None else None)
        subtitle = "" if subtitle == caption else subtitle
        attrs = f' data-field="{index}"' if index is not None else ""
        body.append(f'<h2>{_e(caption)}</h2>\n' + (f'<p class="subtitle">{_e(subtitle)}</p>\n' if subtitle else "")
                    + f'<div class="figure" id="figure-{i}" style="aspect-ratio: {ratio}"{attrs}></div>')
        specs.append(f'<script type="application/json" id="figure-{i}-data">{_json_for_html(spec)}</script>')
    for caption, df in tables.items():
        body.append(f"<h2>{_e(caption)}</h2>\n{_html_table(df, lang)}")
    body += [_explorer(i, name, texts) for i, name in enumerate(order) if i not in explored]
    if methods:
        body.append(_markdown_html(methods))
    if links:
        body.append(f"<h2>{_e(texts['vosviewer_files'])}</h2>\n<ul>\n" + "\n".join(
            f'<li><a href="{_e(quote(str(target), safe="/"))}">{_e(text)}</a></li>' for text, target in links.items())
            + "\n</ul>")
    script = _asset("report.js")
    if "</script" in script.lower():
        raise ValueError("report.js must not contain '</script'")  # it would end its element early
    page = _PAGE.format(lang=_e(texts["html_lang"]), title=_e(title), style=_asset("report.css"), plotly=_plotly_js(),
                        body="\n".join(body), specs="\n".join(specs), text=_json_for_html(texts),
                        data=_json_for_html(data), script=script)
    Path(path).write_text(page, encoding="utf-8", newline="\n")


def _explorer(index: int, name: str, texts: Mapping[str, str]) -> str:
    """The place of a network's search box, cluster filter and results (the script fills it in)."""
    return (f'<section class="explore" data-field="{index}">\n<h2>{_e(texts["explore"].format(field=name))}</h2>\n'
            f'<p class="note">{_e(texts["explore_help"])}</p>\n</section>')


def _figure_spec(fig: go.Figure, net: Network | None) -> tuple[dict[str, Any], str, str]:
    """The figure's JSON for the page: full width at its aspect ratio, its title moved out, markers
    carrying their keyword's position in ``net.items`` (``customdata``) and, for the explorer,
    an empty highlight trace on top. Returns the JSON, its CSS aspect ratio and its title.

    Works on the JSON, not on a copy of the figure: plotly validates every trace of a copy again.
    """
    spec = json.loads(pio.to_json(fig, validate=False, pretty=False, engine="json"))
    layout = spec.setdefault("layout", {})
    width, height = layout.pop("width", None) or 900, layout.pop("height", None) or 700
    title = layout.pop("title", None)
    subtitle = html.unescape(title["text"]) if isinstance(title, dict) and title.get("text") else ""
    margin = dict(layout.get("margin") or {})
    top = margin.get("t", 0) - (40 if subtitle else 0)  # plotly's title took 40 px
    layout.update(autosize=True, margin=dict(margin, t=max(FIGURE_TOP, top)))
    if net is not None:
        position = {int(item): i for i, item in enumerate(net.items["id"])}
        for trace in spec["data"]:  # the figures' markers carry item ids; the page's script wants positions
            if trace.get("mode") == "markers" and "hovertext" in trace and "customdata" in trace:
                trace["customdata"] = [position.get(int(item), -1) for item in trace["customdata"]]
        spec["data"].append({"type": "scatter", "x": [], "y": [], "mode": "markers+text", "name": "highlight",
                             "showlegend": False, "hoverinfo": "none",
                             "marker": {"size": [], "color": "rgba(0,0,0,0)", "line": {"width": 3, "color": HIGHLIGHT}},
                             "text": [], "textposition": "top center", "textfont": {"size": 13, "color": "#000000"},
                             "cliponaxis": False})
    return spec, f"{int(width)} / {int(height)}", subtitle


def _summary(summaries: Sequence[NetworkSummary], lang: str) -> pd.DataFrame:
    """The summary table for readers: counts with thousands separators, quality to 4 significant
    digits, and no layout quality (a raw optimisation value; it stays in summary.json)."""
    table = summary_table(summaries, lang=lang).drop(columns=[text("table.layout_quality", lang=lang)])
    quality = text("table.quality", lang=lang)
    for column in table.columns[1:]:
        values = table[column]
        cells = ["" if pd.isna(v) else localize(f"{v:.4g}", lang=lang) if column == quality
                 else number(v, lang=lang) for v in values]  # fractional counting: link strengths with decimals
        table[column] = pd.Series(cells, dtype=object).where(values.notna().to_numpy(), None)
    table.attrs["numeric"] = list(table.columns[1:])
    return table


def _html_table(df: pd.DataFrame, lang: str) -> str:
    numeric = [pd.api.types.is_numeric_dtype(df.iloc[:, i]) and not pd.api.types.is_bool_dtype(df.iloc[:, i])
               or str(c) in df.attrs.get("numeric", ()) for i, c in enumerate(df.columns)]
    head = "".join(f'<th{" class=num" if num else ""}>{_e(str(c))}</th>' for c, num in zip(df.columns, numeric, strict=True))
    rows = []
    for row in df.itertuples(index=False, name=None):
        cells = "".join(f"<td class=num>{_number(v, str(c), lang)}</td>" if num
                        else f"<td>{'' if v is None or v is pd.NA else _e(str(v))}</td>"
                        for v, num, c in zip(row, numeric, df.columns, strict=True))
        rows.append(f"<tr>{cells}</tr>")
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"


def _number(value: Any, column: str, lang: str) -> str:
    """A table number for readers, as the Markdown tables of ``lang`` write it (no thousands
    separators): mean years to one decimal, qualities to 4 significant digits (a column is
    recognised by the word for year or quality in its header)."""
    if isinstance(value, str):
        return _e(value)  # already formatted (the summary table)
    digits = format_number(value)
    if digits and "." in digits and text("themes.axis_year", lang=lang).lower() in column.lower():
        digits = f"{float(value):.1f}"
    elif digits and text("table.quality", lang=lang).lower() in column.lower():
        digits = f"{float(value):.4g}"
    return localize(digits, lang=lang)


def _markdown_html(text: str) -> str:
    """The little Markdown the methods text has: headings, paragraphs and "- " lists."""
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


def _json_for_html(value: Mapping[str, Any]) -> str:
    """JSON safe inside a ``<script>`` element: ``< > &`` and line separators escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _e(text: str) -> str:
    return html.escape(text, quote=True)


_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{style}</style>
<script>{plotly}</script>
</head>
<body>
<main>
{body}
</main>
<aside id="panel" hidden></aside>
{specs}
<script type="application/json" id="report-text">{text}</script>
<script type="application/json" id="report-data">{data}</script>
<script>
{script}</script>
</body>
</html>
"""  # noqa: E501 - the page's lines are written as they stand; wrapping them would change report.html
