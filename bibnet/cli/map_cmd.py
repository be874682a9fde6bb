"""``bibnet map``: exports -> VOSviewer map, network, JSON and summary."""

from __future__ import annotations

from pathlib import Path

import click

from bibnet.cli.options import (
    cluster_options,
    cluster_params,
    count_exports,
    default_inputs,
    engine_options,
    engine_params,
    in_memory,
    input_options,
    layout_options,
    layout_params,
    network_params,
    read_exports,
    run_folder,
    selection_options,
)
from bibnet.readwrite.folder import GRAPH_FORMATS


@click.command("map")
@input_options
@click.option("--out", "out", type=click.Path(file_okay=False), required=True, help="Output folder.")
@click.option("--export", "formats", multiple=True, type=click.Choice(list(GRAPH_FORMATS)),
              help="Also write map.gexf (Gephi), map.graphml or map.net + map.clu (Pajek); repeatable.")
@selection_options
@cluster_options
@layout_options
@engine_options
def command(paths: tuple[str, ...], strict: bool, skip_unreadable: bool, prefer: tuple[str, ...], out: str,
            formats: tuple[str, ...], **opts) -> None:
    """Write a VOSviewer keyword co-occurrence map of the exports in PATH...

    PATH may be files, folders and glob patterns; with none, the sample in wos_exports/ is used.
    Exports of Web of Science, Scopus, Lens, PubMed, Dimensions and OpenAlex, RIS and BibTeX
    files are recognised from their content, and may be mixed.
    Writes OUT/map.txt, OUT/network.txt, OUT/map.json and OUT/summary.json.
    """
    from bibnet.network import build_network
    from bibnet.passes import network
    from bibnet.readwrite.folder import save

    # The folder is checked, and its temporary sibling made, before anything is read.
    sources, selection, where = default_inputs(paths), network_params(opts), engine_params(opts)
    with run_folder(out, sources, selection) as folder:
        if in_memory(selection, where):
            net = build_network(read_exports(sources, strict=strict, skip_unreadable=skip_unreadable, prefer=prefer),
                                params=selection)
        else:
            # Not held in a name: the counts of every candidate keyword go once the network is made.
            net = network(count_exports(sources, fields=(selection.keywords,), selection=selection, engine=where,
                                        strict=strict, skip_unreadable=skip_unreadable, prefer=prefer),
                          params=selection)
        net = net.cluster(params=cluster_params(opts))
        lp = layout_params(opts)
        if lp is not None:
            net = net.layout(params=lp)
        written = save(net, folder, formats=formats)
    click.echo(net.describe())
    click.echo("wrote " + ", ".join(str(Path(out) / p.relative_to(folder)) for p in written.values()))
