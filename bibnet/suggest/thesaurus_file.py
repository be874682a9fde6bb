"""Suggestions as files: a VOSviewer thesaurus, and a CSV that explains each of its lines."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from bibnet.csvtext import to_csv


def _vos_field(text: str) -> str:
    """A field as VOSviewer writes it: one line, double-quoted when it holds ``,`` ``;`` or ``"``."""
    text = re.sub(r"[\t\r\n]+", " ", text)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',;"') else text


def write_thesaurus(df: pd.DataFrame, path: str | Path, *, explain_path: str | Path | None = None) -> Path:
    """Write suggestions as a VOSviewer thesaurus file (and optionally a CSV explaining them).

    Parameters
    ----------
    df
        The table of :func:`suggest_thesaurus` (``label`` and ``replace_by``; the explanation
        also uses ``rule``, ``label_occurrences`` and ``canonical_occurrences``).
    path
        The thesaurus: UTF-8, header ``label<TAB>replace by``, one line per label, LF line
        ends; a value with ``,``, ``;`` or ``"`` is double-quoted, as in VOSviewer's files.
    explain_path
        If given, a CSV (as bibnet writes tables: UTF-8 with BOM, text quoted) with the
        columns of ``df`` and ``variants``: every variant of the label's group with its
        occurrences, most frequent first.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = (f"{_vos_field(a)}\t{_vos_field(b)}" for a, b in zip(df["label"], df["replace_by"], strict=True))
    path.write_text("\n".join(["label\treplace by", *rows]) + "\n", encoding="utf-8", newline="")
    if explain_path is not None:
        explain_path = Path(explain_path)
        explain_path.parent.mkdir(parents=True, exist_ok=True)
        explain_path.write_text(to_csv(explain(df)), encoding="utf-8-sig", newline="")
    return path


def explain(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with a ``variants`` column: ``"system (120); systems (45)"`` for each label's group."""
    columns = ["group", "variant", "n"]
    members = pd.concat([
        df[["replace_by", "label", "label_occurrences"]].set_axis(columns, axis=1),
        df[["replace_by", "replace_by", "canonical_occurrences"]].set_axis(columns, axis=1).drop_duplicates(),
    ]).sort_values(["group", "n", "variant"], ascending=[True, False, True], kind="stable")
    text = (members["variant"] + " (" + members["n"].astype(str) + ")").groupby(members["group"]).agg("; ".join)
    return df.assign(variants=df["replace_by"].map(text))
