"""``bibnet analyze``: the whole published workflow, exports -> files, tables, figures, report."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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
    params_from,
    params_options,
    read_exports,
    run_folder,
    selection_options,
)
from bibnet.dynamics.params import ThemesParams
from bibnet.run import AnalysisParams

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.corpus import Corpus
    from bibnet.passes import Counted


@click.command("analyze")
@input_options
@click.option("--out", "out", type=click.Path(file_okay=False), default="results", show_default=True, help="Output folder.")
@selection_options
@cluster_options
@layout_options
@params_options(AnalysisParams, ThemesParams)  # --lang, an option of both, once
@engine_options
def command(paths: tuple[str, ...], strict: bool, skip_unreadable: bool, prefer: tuple[str, ...], out: str,
            **opts: Any) -> None:
    """Analyse the exports in PATH... (default: wos_exports/) for all keywords, author
    keywords and the keywords the database assigned (Keywords Plus, Index Keywords, MeSH terms),
    and write VOSviewer files, tables, figures and a report to OUT.

    --keywords is ignored here: all three fields are analysed. With --cuts or --periods, the first
    field is also mapped per period and the themes over time are written to OUT/themes and
    added to the tables, figures, methods and report (see `bibnet themes`).
    """
    from bibnet.analysis import analyze, published_summary

    # The folder is checked, and its temporary sibling made, before anything is read; analyze()
    # writes into that folder (nested, it does not make another) and this block swaps it in.
    sources, selection, where = default_inputs(paths), network_params(opts), engine_params(opts)
    over_time = params_from(ThemesParams, opts)  # checked before anything is read
    params = params_from(AnalysisParams, opts)
    with run_folder(out, sources, selection) as folder:
        if in_memory(selection, where, themes=over_time.given):
            source: Corpus | Counted = read_exports(sources, strict=strict, skip_unreadable=skip_unreadable,
                                                    prefer=prefer)
        else:
            source = count_exports(sources, fields=params.fields, selection=selection, engine=where, strict=strict,
                                   skip_unreadable=skip_unreadable, prefer=prefer)
        layout = layout_params(opts)
        result = analyze(
            source, folder, network_params=selection, clustering=cluster_params(opts), layout=layout,
            laid_out=layout is not None, params=params,
            themes=over_time, progress=_progress(),
        )
    for text in result.skipped.values():
        click.echo(f"bibnet: warning: {text}; the other fields are analysed", err=True)
    for line in published_summary(result):
        click.echo(line)
    click.echo(f"wrote {len(result.files)} files to {out}/: " + ", ".join(
        sorted({str(p.relative_to(folder).parts[0]) for p in result.files})))


def _progress() -> Callable[[str, int], None] | None:
    """A progress bar on stderr when it is a terminal; nothing otherwise (logs, CI)."""
    if not sys.stderr.isatty():
        return None
    state: dict[str, Any] = {}

    def update(text: str, total: int) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = state["bar"] = click.progressbar(length=total, file=sys.stderr, show_eta=False, width=30)
            bar.__enter__()
        else:
            bar.update(1)
        bar.label = f"{text:<40}"[:40]
        bar.render_progress()
        if bar.pos >= total - 1:
            bar.update(1)
            bar.__exit__(None, None, None)

    return update
