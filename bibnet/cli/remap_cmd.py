"""``bibnet remap``: cluster and lay out an existing VOSviewer network."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bibnet.cli.options import cluster_options, cluster_params, layout_options, layout_params


@click.command("remap")
@click.argument("network_file", type=click.Path(dir_okay=False))
@click.option("--map", "map_file", type=click.Path(dir_okay=False), default=None,
              help="VOSviewer map file with the labels, weights and scores to keep.")
@click.option("--out", "out", type=click.Path(file_okay=False), required=True, help="Output folder.")
@click.option("--normalization", type=click.Choice(["association", "fractionalization", "none"]),
              default="association", show_default=True)
@cluster_options
@layout_options
def command(network_file: str, map_file: str | None, out: str, normalization: str, **opts) -> None:
    """Cluster and lay out the VOSviewer network in NETWORK_FILE ("create a map based on network
    data"); writes OUT/map.txt, OUT/network.txt, OUT/map.json and OUT/summary.json."""
    from bibnet.readwrite import read_vosviewer, write_json, write_map, write_network
    from bibnet.remap import remap

    result = remap(read_vosviewer(map_file, network_file), normalization=normalization,
                   clustering=cluster_params(opts), layout_params=layout_params(opts))
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [write_map(result.map, out_dir / "map.txt"), write_network(result.map, out_dir / "network.txt"),
               write_json(result.map, out_dir / "map.json")]
    summary_path = out_dir / "summary.json"
    summary = result.summary()
    summary_path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    click.echo(f"{summary['items']:,} items, {summary['links']:,} links; {summary['clusters']} clusters "
               f"(quality {summary['quality']:.6f})")
    click.echo("wrote " + ", ".join(str(p) for p in [*written, summary_path]))
