"""``bibnet thesaurus suggest``: a VOSviewer thesaurus that merges keyword variants, for review."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bibnet.cli.options import default_inputs, input_options, params_options, read_exports
from bibnet.selection import NetworkParams
from bibnet.suggest.rules import SuggestRules

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.keywords import Field  # --keywords is a click.Choice of its values


@click.group("thesaurus")
def command() -> None:
    """Thesaurus files (VOSviewer format: label / replace by)."""


_RULES = tuple(f.name for f in dataclasses.fields(SuggestRules))  # each rule of SuggestRules can be switched off


@command.command("suggest")
@input_options
@params_options(NetworkParams, only=["keywords"])
@click.option("--min-occurrences", type=click.IntRange(min=1), default=1, show_default=True,
              help="Only merges whose variants together occur at least this often.")
@click.option("--no-rule", "off", multiple=True, type=click.Choice(_RULES), help="Switch a rule off (repeatable).")
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True, help="Thesaurus file to write.")
def suggest(paths: tuple[str, ...], strict: bool, skip_unreadable: bool, prefer: tuple[str, ...], keywords: Field,
            min_occurrences: int, off: tuple[str, ...], out: str) -> None:
    """Suggest merges of spelling variants of the keywords in PATH... (default: wos_exports/).

    Writes OUT (VOSviewer's thesaurus format, usable with --thesaurus and in VOSviewer) and,
    next to it, OUT with .csv: the rule and the variants with their occurrences, line by line.
    """
    from bibnet.keywords import extract
    from bibnet.suggest import suggest_for, write_thesaurus

    corpus = read_exports(default_inputs(paths), strict=strict, skip_unreadable=skip_unreadable, prefer=prefer)
    occ = extract(corpus, keywords)
    rules = SuggestRules(**{rule: False for rule in off})
    table = suggest_for(occ, rules=rules, min_occurrences=min_occurrences)
    out_path = Path(out)
    explain = out_path.with_suffix(".csv") if out_path.suffix != ".csv" else out_path.with_name(out_path.stem + "_explained.csv")
    write_thesaurus(table, out_path, explain_path=explain)
    groups = table["replace_by"].nunique()
    click.echo(f"{len(occ.keys):,} keywords: {len(table):,} variants of {groups:,} keywords would be merged "
               f"({len(occ.keys) - len(table):,} keywords after merging)")
    click.echo(f"wrote {out_path} and {explain}")
