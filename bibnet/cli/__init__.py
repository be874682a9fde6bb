"""The ``bibnet`` command line: argument parsing only; the work is done by the library.

Each command lives in its own module and is registered here. Errors a user can cause
(:class:`bibnet.errors.BibnetError`) become one line on stderr and exit status 2.
"""

from __future__ import annotations

import sys

import click

from bibnet.errors import BibnetError


class _Group(click.Group):
    """A click group that reports bibnet errors in one line, without a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BibnetError as exc:
            click.echo(f"bibnet: error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bibnet")
def main() -> None:
    """Keyword co-occurrence maps from Web of Science exports."""


def _register() -> None:
    # Imported here so that `bibnet --help` stays fast and each command owns its module.
    from bibnet.cli import analyze, info, map_cmd, remap_cmd, resolution_cmd, thesaurus_cmd

    for module in (analyze, map_cmd, info, remap_cmd, resolution_cmd, thesaurus_cmd):
        main.add_command(module.command)


_register()
