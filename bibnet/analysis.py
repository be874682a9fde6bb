"""The whole published workflow in one call: three keyword fields, tables, figures, report.

:func:`analyze` takes a corpus and writes, under one folder, what a keyword co-occurrence paper
needs: the VOSviewer files of all keywords, author keywords and the keywords the database assigned
(Keywords Plus, Index Keywords, MeSH terms, ...), the tables ("40 most frequent keywords",
"author keywords vs Keywords Plus", clusters, summary), the
network/overlay/density figures, a methods paragraph, the parameters and an offline report.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec

import pandas as pd

from bibnet.clustering import ClusterParams
from bibnet.errors import OptionError
from bibnet.keywords import field_name
from bibnet.layout import LayoutParams
from bibnet.load_report import SkippedInputWarning
from bibnet.network import Network, NetworkSummary, build_network
from bibnet.passes import Counted, network
from bibnet.passes.documents import for_report
from bibnet.plotting import plot
from bibnet.plotting.top_keywords import top_keywords_figure
from bibnet.readwrite.convert import vosviewer_items
from bibnet.readwrite.folder import save
from bibnet.readwrite.run_folder import output_folder
from bibnet.run import AnalysisParams, Run
from bibnet.selection import NetworkParams, NoKeywordsError
from bibnet.texts import field_label, in_sentence, text

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.corpus import Corpus
    from bibnet.dynamics.files import Written
    from bibnet.dynamics.params import ThemesParams
    from bibnet.keywords import LabelCase

#: Overlays drawn for every field (name -> title), plus the author share for "all".
OVERLAY_TITLES: dict[str, str] = {
    "year": "average publication year",
    "citations": "average citations",
    "norm_citations": "average normalised citations",
}
#: Progress callback: ``progress(description, total steps)``.
Progress = Callable[[str, int], None]
_P = ParamSpec("_P")
#: Figure 2's canvas width: VOSviewer Online's window. On the shared samples 29 of its 30 labels fit, 20 at 900 px.
FIGURE2_WIDTH = 1400


@dataclass(frozen=True)
class Analysis:
    """What :func:`analyze` made: the networks and their summaries per field, the run, every file
    written, and the fields not mapped with why (``skipped``: field -> "Keywords Plus not mapped: ...")."""

    networks: dict[str, Network]
    summaries: dict[str, NetworkSummary]
    run: Run
    files: list[Path] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def _in_output_folder(func: Callable[_P, Analysis]) -> Callable[_P, Analysis]:
    """``func(corpus, out, ...)`` run on a temporary folder that replaces ``out`` when it succeeds
    (:func:`~bibnet.readwrite.run_folder.output_folder`); the files returned are named under ``out``.

    A decorator, so that the workflow stays one function that writes into the folder it is given.
    """
    signature = inspect.signature(func)

    @functools.wraps(func)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> Analysis:
        bound = signature.bind(*args, **kwargs)
        out = Path(bound.arguments["out"])
        thesaurus = (bound.arguments.get("network_params") or NetworkParams()).thesaurus
        with output_folder(out, inputs=[thesaurus] if thesaurus else []) as folder:
            bound.arguments["out"] = folder
            result = func(*bound.args, **bound.kwargs)
        return dataclasses.replace(result, files=[out / path.relative_to(folder) for path in result.files])

    return run


@_in_output_folder
def analyze(
    corpus: Corpus | Counted,
    out: str | Path,
    *,
    network_params: NetworkParams | None = None,
    clustering: ClusterParams | None = None,
    layout: LayoutParams | None = None,
    params: AnalysisParams | None = None,
    themes: ThemesParams | None = None,
    laid_out: bool = True,
    progress: Progress | None = None,
) -> Analysis:
    """Run the keyword co-occurrence analysis of ``corpus`` and write every output to ``out``.

    Parameters
    ----------
    corpus
        A :class:`bibnet.Corpus`, or the counts of export files (:func:`bibnet.count_files`, with
        every field of ``params.fields`` and at most ``network_params``' threshold); the report
        then reads its document lists back from the files. Themes over time need a corpus.
    out
        Output folder, all or nothing: built beside ``out`` and swapped in when complete, with
        ``.bibnet-manifest.json`` listing its files; a failed run leaves ``out`` as it was
        (:func:`bibnet.readwrite.run_folder.output_folder`, which says what a folder that
        exists may hold).
    network_params, clustering, layout
        Parameters of each stage (default: their defaults); ``network_params.keywords`` is
        ignored (every field in ``params.fields`` is analysed).
    params
        Which fields, table sizes and figures.
    themes
        Periods (cut years or ranges) and options of themes over time: with periods, the first
        field of ``params.fields`` is also mapped per period, and the theme tables, strategic
        diagrams, evolution, trends and bursts are written to ``out/themes``
        (:func:`bibnet.themes`, :mod:`bibnet.dynamics.files`) and added to the report.
    laid_out
        ``False`` skips the layout and the figures.
    progress
        Called as ``progress(description, total)`` before each step; ``total`` is the number
        of steps of the whole run (see :func:`count_steps`).

    Returns
    -------
    Analysis

    Raises
    ------
    NoKeywordsError
        No field can be mapped. A field with no keyword (say, no Keywords Plus column) or none
        meeting the threshold is skipped when another can be mapped: a warning, ``skipped``
        and the methods text say so.
    """
    from bibnet import plotting, tables  # plotly, matplotlib: loaded when an analysis runs
    from bibnet.report import methods_text, write_report

    network_params = network_params or NetworkParams()
    clustering = clustering or ClusterParams()
    layout = (layout or LayoutParams()) if laid_out else None
    params = params or AnalysisParams()
    lang = params.lang
    # the analysis' language governs its themes too
    over_time = dataclasses.replace(themes, lang=lang) if themes is not None and themes.given else None
    if over_time is not None and isinstance(corpus, Counted):
        raise OptionError("themes over time map each period's records: give a corpus (bibnet.read), not counts")
    total = count_steps(params, laid_out=layout is not None) + (2 if over_time is not None else 0)
    step = (lambda text: progress(text, total)) if progress else (lambda _: None)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    nets: dict[str, Network] = {}
    failed: dict[str, NoKeywordsError] = {}
    names = {name: field_name(name, corpus.sources) for name in params.fields}
    for name in params.fields:
        step(f"{names[name]}: network")
        try:
            field_params = dataclasses.replace(network_params, keywords=name)
            net = (network(corpus, params=field_params) if isinstance(corpus, Counted)
                   else build_network(corpus, params=field_params))
        except NoKeywordsError as exc:
            failed[name] = exc
            for _ in range(_field_steps(name, params, laid_out=layout is not None) - 1):
                step(f"{names[name]}: not mapped")  # the progress bar still ends
            continue
        step(f"{names[name]}: clusters")
        net = net.cluster(params=clustering)
        if layout is not None:
            step(f"{names[name]}: layout")
            net = net.layout(params=layout)
        files += save(net, out / name).values()
        nets[name] = net
    skipped = _skipped(failed, mapped=list(nets), names=names)
    shown = {name: field_label(name, names[name], lang=lang) for name in names}  # names as a reader sees them
    inline = {name: in_sentence(name, names[name], lang=lang) for name in names}
    summaries = {name: net.summary() for name, net in nets.items()}

    step("tables")
    table_dir = out / "tables"
    made: dict[str, Any] = {}
    counts = {name: net.keywords.counts() for name, net in nets.items()}
    first = next(iter(nets))
    wide, long = tables.top_keywords(counts[first], n=params.top_keywords, lang=lang)
    made[text("caption.table1", lang=lang, n=params.top_keywords, field=inline[first])] = wide
    files += tables.write_table(wide, table_dir / "top_keywords", lang=lang).values()
    files += tables.write_table(long, table_dir / "top_keywords_long", lang=lang).values()
    if "author" in counts and "indexed" in counts:
        versus, overlap = tables.author_vs_indexed(counts["author"], counts["indexed"], n=params.top_per_field,
                                                   indexed=shown["indexed"], lang=lang)
        made[text("caption.table2", lang=lang, n=params.top_per_field, indexed=shown["indexed"])] = versus
        files += tables.write_table(versus, table_dir / "author_vs_indexed", lang=lang).values()
        overlap_path = table_dir / "author_vs_indexed_overlap.json"
        overlap_path.write_text(json.dumps(overlap, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        files.append(overlap_path)
        summaries = {name: dataclasses.replace(s, author_vs_indexed_overlap=overlap) for name, s in summaries.items()}
    for name, net in nets.items():
        stem = "clusters" if name == first else f"clusters_{name}"
        clusters = tables.cluster_table(vosviewer_items(net), lang=lang)
        made[text("caption.clusters", lang=lang, field=inline[name])] = clusters
        files += tables.write_table(clusters, table_dir / stem, lang=lang).values()
    summary = tables.summary_table(list(summaries.values()), lang=lang)
    files += tables.write_table(summary, table_dir / "summary", lang=lang).values()

    figures: dict[str, Any] = {}
    figure_networks: dict[str, str] = {}  # caption -> the field (as shown) whose keywords the figure draws
    theme_methods = ""
    drawing = params.figures and params.static and layout is not None
    with plotting.static_writer(workers=None if drawing else 1) as save_static:
        if params.figures and layout is not None:
            fig_dir = out / "figures"
            fig_dir.mkdir(parents=True, exist_ok=True)
            drawn, figures, figure_networks = _figures(nets, fig_dir, params, step, save_static, shown)
            files += drawn
        if over_time is not None and not isinstance(corpus, Counted):  # counts were refused above
            written = _themes(corpus, out / "themes", over_time, step, save_static if params.static else None,
                              network_params=dataclasses.replace(network_params, keywords=first),
                              clustering=clustering, layout=layout, figures=params.figures)
            files += written.files
            made.update({text("caption.themes", lang=lang, caption=caption[:1].lower() + caption[1:]): table
                         for caption, table in written.tables.items()})
            figures.update({text("caption.themes", lang=lang, caption=caption): fig for caption, fig in written.figures.items()})
            theme_methods = written.methods

    step("methods and report")
    run = Run.of(corpus.report, network=network_params, clustering=clustering, layout=layout, analysis=params)
    methods_path, params_path, report_path = out / "methods.md", out / "parameters.json", out / "report.html"
    methods = _note_skipped(methods_text(list(summaries.values()), run=run, lang=lang), failed, shown, lang)
    if theme_methods:
        methods += "\n" + theme_methods
    methods_path.write_text(methods, encoding="utf-8")
    params_path.write_text(json.dumps(run.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    links = {text(f"link.{kind}", lang=lang, field=shown[n]): f"{n}/{file}"
             for n in nets for kind, file in (("map", "map.txt"), ("network", "network.txt"), ("json", "map.json"))}
    listed = {shown[n]: net for n, net in nets.items()}
    if isinstance(corpus, Counted):  # the documents the report lists, read back from the files
        listed = for_report(corpus, listed)
    write_report(report_path, summaries=list(summaries.values()), tables=made, figures=figures, links=links, methods=methods,
                 networks=listed, figure_networks=figure_networks, lang=lang,
                 title=text("page.title", lang=lang))
    files += [methods_path, params_path, report_path]
    return Analysis(networks=nets, summaries=summaries, run=run, files=files, skipped=skipped)


def _themes(corpus: Corpus, folder: Path, params: ThemesParams, step: Callable[[str], None],
            save_static: Callable[..., None] | None, *, network_params: NetworkParams, clustering: ClusterParams,
            layout: LayoutParams | None, figures: bool) -> Written:
    """Themes over time of one field (:func:`bibnet.themes`), written into ``folder``."""
    from bibnet.dynamics import themes

    step("themes: period maps")
    result = themes(corpus, network_params=network_params, clustering=clustering, layout=layout,
                    laid_out=layout is not None, params=params)
    step("themes: tables and figures")
    folder.mkdir(parents=True, exist_ok=True)
    return result.write_into(folder, figures=figures, save_static=save_static)


def _skipped(failed: dict[str, NoKeywordsError], *, mapped: list[str], names: dict[str, str]) -> dict[str, str]:
    """The fields not mapped, by field, each with a warning; raise if no field was mapped.

    With every field failing, "all" says it best (when it fails, so do the other two); else
    the first failure, with the other fields' reasons.
    """
    if not mapped:
        if "all" in failed or len(failed) == 1:
            raise failed.get("all") or next(iter(failed.values()))
        first, *rest = failed.values()
        others = "; ".join(f"{names[e.field]}: {e.reason}" for e in rest)
        raise NoKeywordsError(first.field, f"{first.reason}, and {others}", first.hint)
    skipped = {name: f"{names[name]} not mapped: {exc.reason}" for name, exc in failed.items()}
    for message in skipped.values():
        # 4: past this function, analyze() and its output-folder wrapper, to the caller's line
        warnings.warn(f"{message}; the other fields are analysed", SkippedInputWarning, stacklevel=4)
    return skipped


def _note_skipped(methods: str, failed: dict[str, NoKeywordsError], names: dict[str, str], lang: str) -> str:
    """The methods text with a sentence per field not mapped, at the end of its paragraph."""
    if not failed:
        return methods
    note = " ".join(text("methods.not_mapped", lang=lang, field=names[name], reason=exc.reason) for name, exc in failed.items())
    head, sep, tail = methods.partition("\n\n" + text("methods.references", lang=lang))
    return f"{head} {note}{sep}{tail}" if sep else f"{methods}\n{note}\n"


def _figures(nets: dict[str, Network], fig_dir: Path, params: AnalysisParams, step: Callable[[str], None],
             save_static: Callable[..., None], names: dict[str, str]) -> tuple[list[Path], dict[str, Any], dict[str, str]]:
    """Every view of every field: interactive HTML, and PNG and SVG through ``save_static``.

    Returns the files (the static ones are complete once the caller's
    :func:`~bibnet.plotting.static_writer` block ends), the figures by caption and the field
    (its name in ``names``) each caption draws.
    """
    files: list[Path] = []
    figures: dict[str, Any] = {}
    fields: dict[str, str] = {}
    for name, net in nets.items():
        if len(net) == 0:
            continue
        title, lang = names[name], params.lang
        views = {"network": (text("figure.network", lang=lang, field=title), plot(net, lang=lang))}
        indexed = field_label("indexed", field_name("indexed", nets[name].summary().sources), lang=lang)
        for overlay in [*OVERLAY_TITLES, *(["author_share"] if name == "all" else [])]:
            caption = text(f"figure.overlay_{overlay}", lang=lang, field=title, indexed=indexed)
            views[f"overlay_{overlay}"] = (caption, plot(net, overlay=overlay, lang=lang))
        views["density"] = (text("figure.density", lang=lang, field=title), plot(net, density=True, lang=lang))
        views["density_cluster"] = (text("figure.density_cluster", lang=lang, field=title),
                                    plot(net, density="cluster", lang=lang))
        if name == "all":  # Figure 2, as many keywords as Table 2 lists per field
            n = params.top_per_field
            views[f"top{n}_author_vs_indexed"] = (
                text("figure.top_keywords", lang=lang, field=title, n=min(n, len(net)), indexed=indexed),
                top_keywords_figure(vosviewer_items(net), net.links(), n=n, color="author_share", width=FIGURE2_WIDTH,
                                    lang=lang))
        for view, (caption, fig) in views.items():
            step(f"{title}: figure {view}")
            fig.update_layout(title=caption)
            stem = fig_dir / f"{name}_{view}"
            fig.write_html(stem.with_suffix(".html"), include_plotlyjs="directory", full_html=True, div_id=f"{name}_{view}")
            files.append(stem.with_suffix(".html"))
            if params.static:
                save_static(fig, stem.with_suffix(".png"), stem.with_suffix(".svg"))
                files += [stem.with_suffix(".png"), stem.with_suffix(".svg")]
            figures[caption] = fig
            fields[caption] = title
    return files, figures, fields


def count_steps(params: AnalysisParams, *, laid_out: bool) -> int:
    """Number of progress steps :func:`analyze` reports."""
    return sum(_field_steps(name, params, laid_out=laid_out) for name in params.fields) + 2


def _field_steps(name: str, params: AnalysisParams, *, laid_out: bool) -> int:
    """Progress steps of one field: network, clusters, layout, and a figure per view (network, overlays,
    two densities; for all keywords also the author share overlay and the top keywords figure)."""
    views = 3 + len(OVERLAY_TITLES) + 2 * (name == "all") if params.figures and laid_out else 0
    return (3 if laid_out else 2) + views


def published_summary(analysis: Analysis) -> list[str]:
    """The sentences a paper prints, one per field, e.g. '4,334 keywords, 240 occur at least 4 times'."""
    return [net.describe() for net in analysis.networks.values()]


def compare_fields(corpus: Corpus, *, n: int = 30, label_case: LabelCase = "lower") -> pd.DataFrame:
    """The ``n`` most common author keywords next to the ``n`` most common keywords the
    database assigned (Keywords Plus, Index Keywords, MeSH terms, ...).

    Returns the table of :func:`bibnet.tables.author_vs_indexed`; the overlap of the two lists
    (terms in both, Jaccard index) is in ``table.attrs["overlap"]``.
    """
    from bibnet.keywords import extract
    from bibnet.tables import author_vs_indexed

    counts = [extract(corpus, field, label_case=label_case).counts() for field in ("author", "indexed")]
    table, overlap = author_vs_indexed(*counts, n=n, indexed=field_name("indexed", corpus.sources))
    table.attrs["overlap"] = overlap
    return table
