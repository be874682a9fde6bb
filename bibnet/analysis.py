"""The whole published workflow in one call: three keyword fields, tables, figures, report.

:func:`analyze` takes a corpus and writes, under one folder, what a keyword co-occurrence paper
needs: the VOSviewer files of all keywords, author keywords and Keywords Plus, the tables
("40 most frequent keywords", "author keywords vs Keywords Plus", clusters, summary), the
network/overlay/density figures, a methods paragraph, the parameters and an offline report.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from bibnet.clustering import ClusterParams
from bibnet.keywords import FIELD_NAMES
from bibnet.layout import LayoutParams
from bibnet.network import Network, NetworkParams

FIELDS: tuple[str, ...] = ("all", "author", "plus")
#: Overlays drawn for every field (name -> title), plus the author share for "all".
OVERLAY_TITLES: dict[str, str] = {
    "year": "average publication year",
    "citations": "average citations",
    "norm_citations": "average normalised citations",
}
SOFTWARE = ("bibnet", "numpy", "scipy", "pandas", "pyarrow", "python-igraph", "leidenalg", "numba", "plotly", "matplotlib")


@dataclass(frozen=True)
class AnalysisParams:
    """Everything :func:`analyze` does besides the network, clustering and layout parameters."""

    fields: tuple[str, ...] = FIELDS
    top_keywords: int = 40
    top_per_field: int = 30
    figures: bool = True
    static: bool = True


@dataclass(frozen=True)
class Analysis:
    """What :func:`analyze` made: the networks per field and every file written."""

    networks: dict[str, Network]
    summaries: dict[str, dict[str, Any]]
    files: list[Path] = field(default_factory=list)


def analyze(
    corpus: Any,
    out: str | Path,
    *,
    network: NetworkParams = NetworkParams(),
    clustering: ClusterParams = ClusterParams(),
    layout: LayoutParams | None = LayoutParams(),
    params: AnalysisParams = AnalysisParams(),
    progress: Callable[[str], None] | None = None,
) -> Analysis:
    """Run the keyword co-occurrence analysis of ``corpus`` and write every output to ``out``.

    Parameters
    ----------
    corpus
        A :class:`bibnet.Corpus`.
    out
        Output folder (created).
    network, clustering, layout
        Parameters of each stage; ``network.keywords`` is ignored (every field in
        ``params.fields`` is analysed); ``layout=None`` skips the layout and the figures.
    params
        Which fields, table sizes and figures.
    progress
        Called as ``progress(description, total)`` before each step; ``total`` is the number
        of steps of the whole run (see :func:`count_steps`).

    Returns
    -------
    Analysis
    """
    from bibnet import plotting, tables
    from bibnet.report import methods_text, write_report

    total = count_steps(params, layout is not None)
    step = (lambda text: progress(text, total)) if progress else (lambda _: None)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    nets: dict[str, Network] = {}
    for name in params.fields:
        step(f"{FIELD_NAMES[name]}: network")
        net = corpus.network(params=dataclasses.replace(network, keywords=name))
        step(f"{FIELD_NAMES[name]}: clusters")
        net = net.cluster(params=clustering)
        if layout is not None:
            step(f"{FIELD_NAMES[name]}: layout")
            net = net.layout(params=layout)
        files += net.write(out / name).values()
        nets[name] = net
    summaries = {name: net.summary() for name, net in nets.items()}

    step("tables")
    table_dir = out / "tables"
    made: dict[str, Any] = {}
    counts = {name: net.keywords.counts() for name, net in nets.items()}
    first = params.fields[0]
    wide, long = tables.top_keywords(counts[first], n=params.top_keywords)
    made[f"Table 1: the {params.top_keywords} most frequent keywords ({FIELD_NAMES[first].lower()})"] = wide
    files += tables.write_table(wide, table_dir / "top_keywords").values()
    files += tables.write_table(long, table_dir / "top_keywords_long").values()
    if "author" in counts and "plus" in counts:
        versus, overlap = tables.author_vs_plus(counts["author"], counts["plus"], n=params.top_per_field)
        made[f"Table 2: the {params.top_per_field} most common author keywords and Keywords Plus"] = versus
        files += tables.write_table(versus, table_dir / "author_vs_plus").values()
        overlap_path = table_dir / "author_vs_plus_overlap.json"
        overlap_path.write_text(json.dumps(overlap, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        files.append(overlap_path)
        for s in summaries.values():
            s.setdefault("author_vs_plus_overlap", overlap)
    for name, net in nets.items():
        stem = "clusters" if name == first else f"clusters_{name}"
        clusters = tables.cluster_table(net.vosviewer_items())
        made[f"Clusters ({FIELD_NAMES[name].lower()})"] = clusters
        files += tables.write_table(clusters, table_dir / stem).values()
    files += tables.write_table(tables.summary_table(list(summaries.values())), table_dir / "summary").values()

    figures: dict[str, Any] = {}
    if params.figures and layout is not None:
        fig_dir = out / "figures"
        fig_dir.mkdir(parents=True, exist_ok=True)
        with plotting.static_writer(workers=None if params.static else 1) as save_static:
            drawn, figures = _figures(nets, fig_dir, params, step, save_static)
        files += drawn

    step("methods and report")
    run = run_parameters(corpus, network, clustering, layout, params)
    methods_path, params_path, report_path = out / "methods.md", out / "parameters.json", out / "report.html"
    methods = methods_text(list(summaries.values()), run)
    methods_path.write_text(methods, encoding="utf-8")
    params_path.write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    links = {f"{FIELD_NAMES[n]}: VOSviewer {kind}": f"{n}/{file}" for n in nets for kind, file in (("map", "map.txt"), ("network", "network.txt"), ("JSON", "map.json"))}
    write_report(report_path, summaries=list(summaries.values()), tables=made, figures=figures, links=links, methods=methods)
    files += [methods_path, params_path, report_path]
    return Analysis(networks=nets, summaries=summaries, files=files)


def _figures(nets: dict[str, Network], fig_dir: Path, params: AnalysisParams, step: Callable[[str], None],
             save_static: Callable[..., None]) -> tuple[list[Path], dict[str, Any]]:
    """Every view of every field: interactive HTML, and PNG and SVG through ``save_static``.

    Returns the files (the static ones are complete once the caller's
    :func:`~bibnet.plotting.static_writer` block ends) and the figures by caption.
    """
    files: list[Path] = []
    figures: dict[str, Any] = {}
    for name, net in nets.items():
        if len(net) == 0:
            continue
        title = FIELD_NAMES[name]
        views = {"network": (f"{title}: co-occurrence network", net.plot())}
        overlays = dict(OVERLAY_TITLES, **({"author_share": "author keywords vs Keywords Plus (share of author keyword use)"} if name == "all" else {}))
        for overlay, what in overlays.items():
            views[f"overlay_{overlay}"] = (f"{title}: overlay of {what}", net.plot(overlay))
        views["density"] = (f"{title}: item density", net.plot(density=True))
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
    return files, figures


def count_steps(params: AnalysisParams, laid_out: bool) -> int:
    """Number of progress steps :func:`analyze` reports."""
    per_field = 3 if laid_out else 2
    views = (2 + len(OVERLAY_TITLES)) * len(params.fields) + ("all" in params.fields) if params.figures and laid_out else 0
    return per_field * len(params.fields) + 1 + views + 1


def run_parameters(corpus: Any, network: NetworkParams, clustering: ClusterParams, layout: LayoutParams | None, params: AnalysisParams) -> dict[str, Any]:
    """Every input and option of a run, with the load report numbers and software versions."""
    report = corpus.report
    return {
        "files": [f.path for f in report.files],
        "records_read": report.records_read,
        "records": report.records,
        "duplicates": report.duplicates,
        "skipped": report.skipped,
        "source": "Web of Science",
        "network": dataclasses.asdict(network) | {"keywords": list(params.fields)},
        "clustering": dataclasses.asdict(clustering),
        "layout": dataclasses.asdict(layout) if layout is not None else None,
        "analysis": dataclasses.asdict(params),
        "software": software_versions(),
    }


def software_versions() -> dict[str, str]:
    """Installed versions of bibnet and the libraries whose algorithms shape the results."""
    versions = {}
    for name in SOFTWARE:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def published_summary(analysis: Analysis) -> list[str]:
    """The sentences a paper prints, one per field, e.g. '4,334 keywords, 240 occur at least 4 times'."""
    return [net.describe() for net in analysis.networks.values()]


def compare_fields(corpus: Any, *, n: int = 30, label_case: str = "lower") -> pd.DataFrame:
    """The ``n`` most common author keywords next to the ``n`` most common Keywords Plus.

    Returns the table of :func:`bibnet.tables.author_vs_plus`; the overlap of the two lists
    (terms in both, Jaccard index) is in ``table.attrs["overlap"]``.
    """
    from bibnet.keywords import extract
    from bibnet.tables import author_vs_plus

    counts = [extract(corpus, field, label_case=label_case).counts() for field in ("author", "plus")]
    table, overlap = author_vs_plus(*counts, n=n)
    table.attrs["overlap"] = overlap
    return table
