"""``bibnet themes``: exports -> a map per period, theme tables, evolution, trends, bursts, figures."""

from __future__ import annotations

from typing import Any

import click

from bibnet.cli.options import (
    cluster_options,
    cluster_params,
    default_inputs,
    input_options,
    layout_options,
    layout_params,
    network_params,
    params_from,
    params_options,
    read_exports,
    run_folder,
    selection_options,
)
from bibnet.dynamics.params import ThemesParams, require_periods
from bibnet.run import AnalysisParams


@click.command("themes")
@input_options
@click.option("--out", "out", type=click.Path(file_okay=False), required=True, help="Output folder.")
@params_options(ThemesParams)
@selection_options
@cluster_options
@layout_options
@params_options(AnalysisParams, only=["figures", "static"])
def command(paths: tuple[str, ...], strict: bool, skip_unreadable: bool, prefer: tuple[str, ...], out: str,
            **opts: Any) -> None:
    """Themes over time in the exports in PATH...: split the records into periods (--cuts or
    --periods), map and cluster each period, and write the strategic diagrams (centrality and
    density of each theme), the thematic evolution, the trend topics and the keyword bursts to OUT.

    Every option of `bibnet map` applies to each period's map; --min-occurrences is applied within
    each period. Records without a publication year are counted and left out.
    """
    from bibnet.dynamics.run import themes

    sources, selection = default_inputs(paths), network_params(opts)
    periods = params_from(ThemesParams, opts)  # checked before anything is read
    require_periods(periods)
    drawing = params_from(AnalysisParams, opts)
    with run_folder(out, sources, selection) as folder:
        corpus = read_exports(sources, strict=strict, skip_unreadable=skip_unreadable, prefer=prefer)
        layout = layout_params(opts)
        result = themes(corpus, network_params=selection, clustering=cluster_params(opts), layout=layout,
                        laid_out=layout is not None, params=periods)
        files = result.write(folder, figures=drawing.figures, static=drawing.static)
    for period in result.periods:
        net = result.networks.get(period.label)
        what = (f"{len(net):,} keywords, {net.n_clusters} themes" if net is not None
                else f"not mapped: {result.skipped[period.label]}")
        click.echo(f"{period.label}: {period.records:,} records, {what}")
    if result.without_year:
        click.echo(f"{result.without_year:,} records without a publication year left out")
    if result.outside:
        click.echo(f"{result.outside:,} records outside the periods left out")
    click.echo(f"{len(result.bursts):,} keyword bursts; wrote {len(files)} files to {out}/")
