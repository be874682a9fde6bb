"""``bibnet info``: print the load report of Web of Science exports."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import click

import bibnet
from bibnet.corpus import read
from bibnet.errors import InputError


def default_exports() -> Path:
    """``wos_exports/`` in the current directory, else the one next to the package."""
    here = Path("wos_exports")
    if here.is_dir():
        return here
    beside = Path(bibnet.__file__).resolve().parents[1] / "wos_exports"
    if beside.is_dir():
        return beside
    raise InputError("no PATH given and no wos_exports/ directory here: name the export files to read")


@click.command("info")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.option("--strict", is_flag=True, help="Stop at a malformed record instead of skipping it.")
def command(paths: tuple[str, ...], as_json: bool, strict: bool) -> None:
    """Read WoS exports and print the load report.

    PATH: files, directories or glob patterns (default: wos_exports/). Each file's format
    (tab-delimited or plain text) and encoding are recognised from its content.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # skipped records are in the report itself
        corpus = read(*(paths or (default_exports(),)), strict=strict)
    report = corpus.report
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(str(report))
    if report.skipped:
        click.echo(f"bibnet: warning: {report.skipped} malformed record(s) skipped (see the report)", err=True)
