"""``bibnet resolution``: how the clusters change with the resolution, to help choose it."""

from __future__ import annotations

import click

from bibnet.cli.options import (
    cluster_options,
    cluster_params,
    default_inputs,
    input_options,
    network_params,
    read_exports,
    selection_options,
)


@click.command("resolution")
@input_options
@selection_options
@cluster_options
@click.option("--resolutions", default=None, metavar="LIST",
              help="Comma-separated resolutions to try (default 0.1 to 10).")
@click.option("--change-points", is_flag=True, help="Find the exact resolutions where the clustering changes.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
def command(paths: tuple[str, ...], strict: bool, skip_unreadable: bool, prefer: tuple[str, ...],
            resolutions: str | None, change_points: bool,
            as_csv: bool, **opts) -> None:
    """Print, for a range of resolutions, the number of clusters, their sizes and the quality
    of the keyword map of the exports in PATH... (default: wos_exports/)."""
    from bibnet.clustering import resolution_profile
    from bibnet.network import build_network

    grid = None
    if resolutions:
        try:
            grid = [float(r) for r in resolutions.split(",") if r.strip()]
        except ValueError:
            raise click.BadParameter(f"expected numbers separated by commas, got {resolutions!r}",
                                     param_hint="--resolutions") from None
    corpus = read_exports(default_inputs(paths), strict=strict, skip_unreadable=skip_unreadable, prefer=prefer)
    net = build_network(corpus, params=network_params(opts))
    table = resolution_profile(net.weights, resolutions=grid, params=cluster_params(opts), change_points=change_points)
    if as_csv:
        table["sizes"] = [" ".join(str(s) for s in sizes) for sizes in table["sizes"]]
        click.echo(table.to_csv(index=False), nl=False)
        return
    click.echo(f"{len(net):,} keywords, {net.n_links:,} links")
    click.echo(f"{'resolution':>10}  {'clusters':>8}  {'quality':>9}  sizes (largest first)")
    for row in table.itertuples(index=False):
        sizes = " ".join(str(s) for s in row.sizes[:12]) + (f" ... (+{len(row.sizes) - 12})" if len(row.sizes) > 12 else "")
        click.echo(f"{row.resolution:>10.4g}  {row.clusters:>8}  {row.quality:>9.6f}  {sizes}")
