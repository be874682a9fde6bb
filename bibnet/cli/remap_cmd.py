"""``bibnet remap``: cluster and lay out an existing VOSviewer network."""

from __future__ import annotations

from pathlib import Path

import click

from bibnet.cli.options import cluster_options, cluster_params, layout_options, layout_params, params_options
from bibnet.selection import NetworkParams


@click.command("remap")
@click.argument("network_file", type=click.Path(dir_okay=False))
@click.option("--map", "map_file", type=click.Path(dir_okay=False), default=None,
              help="VOSviewer map file with the labels, weights and scores to keep.")
@click.option("--out", "out", type=click.Path(file_okay=False), required=True, help="Output folder.")
@params_options(NetworkParams, only=["normalization"])
@cluster_options
@layout_options
def command(network_file: str, map_file: str | None, out: str, normalization: str, **opts) -> None:
    """Cluster and lay out the VOSviewer network in NETWORK_FILE ("create a map based on network
    data"); writes OUT/map.txt, OUT/network.txt, OUT/map.json and OUT/summary.json."""
    from bibnet.readwrite import read_vosviewer, write_map_folder
    from bibnet.readwrite.run_folder import output_folder
    from bibnet.remap import remap

    # The folder is checked, and its temporary sibling made, before anything is read.
    with output_folder(out, inputs=[network_file, *filter(None, [map_file])], name="--out") as folder:
        result = remap(read_vosviewer(map_file, network_file), normalization=normalization,
                       clustering=cluster_params(opts), layout_params=layout_params(opts))
        written = write_map_folder(folder, result.map, summary=result.summary())
    click.echo(result.describe())
    click.echo("wrote " + ", ".join(str(Path(out) / p.relative_to(folder)) for p in written.values()))
