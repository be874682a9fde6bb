"""``bibnet info``: print the load report of export files."""

from __future__ import annotations

import json
from pathlib import Path

import click

import bibnet
from bibnet.cli.options import prefer_option, report_not_warn, skip_unreadable_option
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
@skip_unreadable_option
@prefer_option
@report_not_warn
def command(paths: tuple[str, ...], as_json: bool, strict: bool, skip_unreadable: bool, prefer: tuple[str, ...]) -> None:
    """Read exports and print the load report: each file's database, format and encoding, and
    the fields each database's records have.

    PATH: files, directories or glob patterns (default: wos_exports/). Each file's format
    (Web of Science, Scopus, Lens, PubMed, Dimensions, OpenAlex, RIS, BibTeX) and encoding are
    recognised from its content.
    """
    corpus = read(*(paths or (default_exports(),)), strict=strict, skip_unreadable=skip_unreadable, prefer=prefer)
    report = corpus.report
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(str(report))
    if report.skipped:
        click.echo(f"bibnet: warning: {report.skipped} malformed record(s) skipped (see the report)", err=True)
    if report.unreadable:
        click.echo(f"bibnet: warning: {len(report.unreadable)} unreadable file(s) skipped (see the report)", err=True)
