"""Options shared by several commands, each defined once, and their conversion to parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click

from bibnet.seeding import DEFAULT_SEED

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def _stack(*decorators: Decorator) -> Decorator:
    def apply(func: Callable[..., Any]) -> Callable[..., Any]:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply


def default_inputs(paths: tuple[str, ...]) -> tuple[str, ...]:
    """The paths given, or the sample exports in ``wos_exports/`` when none are."""
    if paths:
        return paths
    for candidate in (Path("wos_exports"), Path(__file__).resolve().parents[2] / "wos_exports"):
        if candidate.is_dir():
            return (str(candidate),)
    raise click.UsageError("no PATH given and no wos_exports/ folder here")


input_options = _stack(
    click.argument("paths", nargs=-1, type=click.Path()),
    click.option("--strict", is_flag=True, help="Stop at the first malformed record instead of skipping it."),
)

selection_options = _stack(
    click.option("--keywords", type=click.Choice(["all", "author", "plus"]), default="all", show_default=True,
                 help="Author keywords (DE), Keywords Plus (ID), or both."),
    click.option("--min-occurrences", type=click.IntRange(min=1), default=5, show_default=True,
                 help="Minimum number of records of a keyword."),
    click.option("--top", type=click.IntRange(min=1), default=None,
                 help="Keep the N keywords with the greatest total link strength (default: all)."),
    click.option("--counting", type=click.Choice(["full", "fractional"]), default="full", show_default=True),
    click.option("--normalization", type=click.Choice(["association", "fractionalization", "none"]),
                 default="association", show_default=True, help="Normalisation used by clustering and layout."),
    click.option("--thesaurus", type=click.Path(dir_okay=False), default=None,
                 help="VOSviewer thesaurus file (label / replace by), applied before counting."),
    click.option("--clean", type=click.Choice(["none", "auto"]), default="none", show_default=True,
                 help="auto: merge spelling variants with the suggested thesaurus (written next to the outputs)."),
    click.option("--largest-component", is_flag=True,
                 help="Map only the largest set of connected keywords (VOSviewer asks this when the map is not connected)."),
    click.option("--label-case", type=click.Choice(["lower", "original"]), default="lower", show_default=True,
                 help="Labels in lower case (VOSviewer) or the most frequent author spelling."),
)

cluster_options = _stack(
    click.option("--resolution", type=click.FloatRange(min=0), default=1.0, show_default=True),
    click.option("--min-cluster-size", type=click.IntRange(min=1), default=1, show_default=True),
    click.option("--no-merge", is_flag=True, help="Leave items of too-small clusters unclustered instead of merging them."),
    click.option("--random-starts", type=click.IntRange(min=1), default=10, show_default=True,
                 help="Leiden random starts (the best by quality is kept)."),
    click.option("--iterations", type=click.IntRange(min=1), default=10, show_default=True,
                 help="Leiden iterations per start."),
    click.option("--randomness", type=click.FloatRange(min=0, min_open=True), default=0.01, show_default=True),
    click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Random seed (clustering and layout)."),
)

layout_options = _stack(
    click.option("--attraction", type=click.IntRange(-9, 10), default=2, show_default=True),
    click.option("--repulsion", type=click.IntRange(-10, 9), default=0, show_default=True),
    click.option("--layout-starts", type=click.IntRange(min=1), default=1, show_default=True,
                 help="Random starts of the layout (the best by VOS objective is kept)."),
    click.option("--layout-method", type=click.Choice(["auto", "exact", "approximate"]), default="auto", show_default=True,
                 help="Exact O(n^2) layout, or an approximation for large maps."),
    click.option("--no-layout", is_flag=True, help="Leave x and y empty (clusters only)."),
)


def print_load_report(report) -> None:
    """The load report on stderr: every run says what was read, kept, skipped and dropped."""
    click.echo(
        f"read {report.records_read:,} records from {len(report.files)} files: {report.records:,} kept, "
        f"{report.duplicates:,} duplicates removed, {report.skipped:,} skipped",
        err=True,
    )
    for skip in report.skipped_detail:
        click.echo(f"  skipped: {skip}", err=True)
    if report.ignored:
        names = ", ".join(entry.split(": ", 1)[0] for entry in report.ignored)
        click.echo(f"  ignored {len(report.ignored)} file(s) that are not WoS exports: {names}", err=True)


def network_params(opts: dict[str, Any]):
    """NetworkParams from the parsed selection options."""
    from bibnet.network import NetworkParams

    return NetworkParams(
        keywords=opts["keywords"], min_occurrences=opts["min_occurrences"], top=opts["top"],
        counting=opts["counting"], normalization=opts["normalization"], thesaurus=opts["thesaurus"],
        label_case=opts["label_case"], largest_component=opts["largest_component"], clean=opts["clean"],
    )


def cluster_params(opts: dict[str, Any]):
    """ClusterParams from the parsed clustering options."""
    from bibnet.clustering import ClusterParams

    return ClusterParams(
        resolution=opts["resolution"], min_cluster_size=opts["min_cluster_size"],
        merge_small_clusters=not opts["no_merge"], random_starts=opts["random_starts"],
        iterations=opts["iterations"], randomness=opts["randomness"], seed=opts["seed"],
    )


def layout_params(opts: dict[str, Any]):
    """LayoutParams from the parsed layout options, or None with --no-layout."""
    if opts["no_layout"]:
        return None  # before the import: numba is slow to load and not needed
    from bibnet.layout import LayoutParams

    if opts["repulsion"] >= opts["attraction"]:
        raise click.BadParameter("repulsion must be smaller than attraction", param_hint="--repulsion")
    return LayoutParams(
        attraction=opts["attraction"], repulsion=opts["repulsion"], random_starts=opts["layout_starts"],
        seed=opts["seed"], method=opts["layout_method"],
    )
