"""Command-line options, derived from the declarations in :mod:`bibnet.options`, and back to parameters."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from bibnet.clustering import ClusterParams
from bibnet.errors import OptionError
from bibnet.layout import LayoutParams
from bibnet.options import Option, Params, base_type, options, type_hints
from bibnet.options import defaults as bibnet_defaults
from bibnet.passes.engines import EngineParams
from bibnet.selection import NetworkParams

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.corpus import Corpus
    from bibnet.load_report import LoadReport
    from bibnet.passes import Counted

P = TypeVar("P", bound=Params)

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


#: ``--skip-unreadable``, for every command that reads exports (``bibnet info`` too).
skip_unreadable_option = click.option(
    "--skip-unreadable", is_flag=True,
    help="Leave out (and list) export files that cannot be read, e.g. re-saved in another encoding or cut short, "
         "instead of stopping.",
)


def _databases(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
    """``--prefer "Scopus, Web of Science"`` as a tuple of database names, each checked."""
    from bibnet.sources import SOURCES

    names = tuple(name.strip() for name in (value or "").split(",") if name.strip())
    lower = {name.lower(): name for name in SOURCES}
    unknown = [name for name in names if name.lower() not in lower]
    if unknown:
        raise click.BadParameter(f"unknown database {unknown[0]!r}; expected some of {', '.join(SOURCES)}")
    return tuple(lower[name.lower()] for name in names)


#: ``--prefer``, for every command that reads exports.
prefer_option = click.option(
    "--prefer", callback=_databases, metavar="DATABASES",
    help="When one publication comes from several databases, keep the copy of the first of these "
         "(comma-separated; default: Web of Science, Scopus, Lens, PubMed, Dimensions, OpenAlex, RIS, BibTeX).",
)


def report_not_warn(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``command`` with bibnet's warning about skipped records and files silenced: the
    load report says it, in one line, and Python's ``UserWarning`` line (with a source path)
    would say it again. Library users keep the warning."""

    @functools.wraps(command)  # keeps click's parameters (__dict__) and the signature
    def run(*args: Any, **kwargs: Any) -> Any:
        from bibnet.load_report import SkippedInputWarning  # the command line imports bibnet lazily

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SkippedInputWarning)
            return command(*args, **kwargs)

    return run


input_options = _stack(
    click.argument("paths", nargs=-1, type=click.Path()),
    click.option("--strict", is_flag=True, help="Stop at the first malformed record instead of skipping it."),
    skip_unreadable_option,
    prefer_option,
    report_not_warn,
)


def params_options(
    *classes: type[Params],
    only: Iterable[str] | None = None,
    skip: Iterable[str] = (),
    defaults: Mapping[str, Any] | None = None,
) -> Decorator:
    """Click options for the options of parameter classes, each flag once, from their declarations.

    ``only`` keeps the named options, ``skip`` leaves some out; ``defaults`` overrides
    defaults for this command.
    """
    decorators: dict[str, Decorator] = {}
    for cls in classes:
        for name, spec in options(cls).items():
            if spec.flag == "" or (only is not None and name not in only) or name in skip:
                continue
            flag = _flag(name, spec)
            default = {**bibnet_defaults(cls), **(defaults or {})}[name]
            decorators.setdefault(flag, _click_option(flag, spec, default, type_hints(cls)[name]))
    return _stack(*decorators.values())


def params_from(cls: type[P], opts: Mapping[str, Any]) -> P:
    """``cls`` from parsed options (:func:`params_options`); options not on the command line keep their defaults."""
    given = {}
    for name, spec in options(cls).items():
        if spec.flag == "" or _dest(_flag(name, spec)) not in opts:
            continue
        value = opts[_dest(_flag(name, spec))]
        if spec.parse is not None and value is None:
            continue
        given[name] = not value if spec.flag and spec.flag.startswith("--no-") else value
    return cls(**given)


def _flag(name: str, spec: Option) -> str:
    return spec.flag or "--" + name.replace("_", "-")


def _dest(flag: str) -> str:
    return flag.lstrip("-").replace("-", "_")


def _click_option(flag: str, spec: Option, default: Any, hint: Any) -> Decorator:
    """One click option: its type from the option's type, choices and bounds."""
    base = base_type(hint)
    if base is bool:
        return click.option(flag, _dest(flag), is_flag=True, help=spec.help)
    if spec.parse is not None:  # read from text by the parameter class itself; unset keeps the default
        return click.option(flag, _dest(flag), type=click.STRING, default=None, metavar="TEXT", help=spec.help)
    if spec.choices is not None:
        kind: Any = click.Choice([*spec.choices, *(alias for alias, _ in spec.aliases)])
    elif spec.path:
        kind = click.Path(dir_okay=False)
    elif base is int:
        kind = click.IntRange(min=_int_bound(spec.min), max=_int_bound(spec.max), min_open=spec.open_min,
                              max_open=spec.open_max)
    elif base is float:
        kind = click.FloatRange(min=spec.min, max=spec.max, min_open=spec.open_min, max_open=spec.open_max)
    else:
        kind = click.STRING
    return click.option(flag, _dest(flag), type=kind, default=default, show_default=default is not None,
                        help=spec.help)


def _int_bound(bound: float | None) -> int | None:
    """A bound of an integer option as ``int`` (declared as numbers, they are whole for such options)."""
    return None if bound is None else int(bound)


#: Where the files are counted (``--engine``, ``--workers``, ``--scheduler``).
engine_options = params_options(EngineParams)
#: Options of the network, clustering and layout stages (``--no-layout`` switches the layout off).
selection_options = params_options(NetworkParams)
cluster_options = params_options(ClusterParams)
layout_options = _stack(
    params_options(LayoutParams, skip=["seed"]),  # --seed comes with the clustering options
    click.option("--no-layout", is_flag=True, help="No layout (clusters only): map.txt without x and y "
                 "columns, which VOSviewer lays out when it opens the map."),
)


def run_folder(out: str, sources: Sequence[str], selection: NetworkParams) -> AbstractContextManager[Path]:
    """The ``--out`` folder of a run on ``sources``, checked (no input, thesaurus included, inside
    it) and its temporary sibling made before anything is read
    (:func:`bibnet.readwrite.run_folder.output_folder`)."""
    from bibnet.readwrite.run_folder import output_folder

    return output_folder(out, inputs=[*sources, *filter(None, [selection.thesaurus])], name="--out")


def read_exports(paths: Sequence[str], *, strict: bool, skip_unreadable: bool, prefer: Sequence[str]) -> Corpus:
    """The lean corpus of the export files, as every network command reads it, its load report printed."""
    from bibnet.corpus import read

    corpus = read(*paths, strict=strict, skip_unreadable=skip_unreadable, prefer=prefer, lean=True)
    print_load_report(corpus.report)
    return corpus


def count_exports(paths: Sequence[str], *, fields: Sequence[str], selection: NetworkParams, engine: EngineParams,
                  strict: bool, skip_unreadable: bool, prefer: Sequence[str]) -> Counted:
    """The keyword fields of the export files counted in two passes on ``engine``
    (:func:`bibnet.passes.count_files`), the load report printed."""
    from bibnet.passes import count_files

    counted = count_files(*paths, fields=fields, network_params=selection, engine_params=engine, strict=strict,
                          skip_unreadable=skip_unreadable, prefer=prefer)
    print_load_report(counted.report)
    return counted


def in_memory(selection: NetworkParams, engine: EngineParams, *, themes: bool = False) -> bool:
    """Whether a run reads every record into memory rather than counting in passes: ``--clean auto``
    suggests merges from the records themselves, and themes over time (``--cuts``, ``--periods``)
    map each period's records. On the Dask engine that is an error."""
    needs = "--clean auto" if selection.clean != "none" else "themes over time (--cuts, --periods)" if themes else ""
    if not needs:
        return False
    if engine.engine == "dask":
        raise OptionError(f"{needs} reads every record into memory: it runs with --engine local only")
    return True


def print_load_report(report: LoadReport) -> None:
    """The load report on stderr: every run says what was read, kept, skipped and dropped,
    and each file's warnings (``bibnet info`` shows them under the file)."""
    unreadable = f", {len(report.unreadable)} unreadable file(s) skipped" if report.unreadable else ""
    click.echo(
        f"read {report.records_read:,} records from {len(report.files)} files: {report.records:,} kept, "
        f"{report.duplicates:,} duplicates removed, {report.skipped:,} skipped{unreadable}",
        err=True,
    )
    for warning in report.file_warnings():
        click.echo(f"  warning: {warning}", err=True)
    for skip in report.skipped_detail:
        click.echo(f"  skipped: {skip}", err=True)
    for entry in report.unreadable:
        click.echo(f"  unreadable, skipped: {entry}", err=True)
    if report.ignored:
        names = ", ".join(entry.split(": ", 1)[0] for entry in report.ignored)
        click.echo(f"  ignored {len(report.ignored)} file(s) that are not exports: {names}", err=True)


def engine_params(opts: Mapping[str, Any]) -> EngineParams:
    """EngineParams from the parsed engine options."""
    return params_from(EngineParams, opts)


def network_params(opts: Mapping[str, Any]) -> NetworkParams:
    """NetworkParams from the parsed selection options."""
    return params_from(NetworkParams, opts)


def cluster_params(opts: Mapping[str, Any]) -> ClusterParams:
    """ClusterParams from the parsed clustering options."""
    return params_from(ClusterParams, opts)


def layout_params(opts: Mapping[str, Any]) -> LayoutParams | None:
    """LayoutParams from the parsed layout options, or None with --no-layout."""
    return None if opts["no_layout"] else params_from(LayoutParams, opts)
