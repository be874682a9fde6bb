"""The first pass, per file: the records' duplicate keys and the keyword tallies of all its records.

What a task sends back is small: one row of keys per record (identifiers, year, citations,
database, where it is; the title as a 128-bit digest of its normalised form) and one
:class:`~bibnet.passes.tally.Tally` per keyword field, not the records.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import cast

import pandas as pd
import pyarrow as pa

from bibnet.corpus import Corpus, _LeftOut
from bibnet.errors import InputError
from bibnet.keywords import Field, LabelCase
from bibnet.load_report import FileReport
from bibnet.match_keys import normal_title
from bibnet.passes.tally import Tally
from bibnet.passes.tasks import Plan, Task, TaskRecords, read_task
from bibnet.readers import Skip

#: Columns of the duplicate keys besides those :func:`bibnet.dedup.deduplicate` reads, which say
#: whether a record has author and database keywords (for the load report's coverage).
FILLED = {"DE": "#has_DE", "ID": "#has_ID"}
#: Key columns with a few values each (one per file or export), sent and held as categories.
FEW = ("file", "DB", "DA", "PT")


@dataclass(frozen=True, eq=False)  # holds a table
class FirstPart:
    """What the first pass keeps of one file: how it was read (its report, why it was left out,
    or the error it gives), the malformed records skipped, and its records' keys."""

    task: Task
    read: FileReport | _LeftOut | InputError
    skipped: tuple[Skip, ...] = ()
    keys: pd.DataFrame | None = None


def first_pass(task: Task, plan: Plan) -> tuple[FirstPart, dict[str, Tally]]:
    """Read one file: its records' duplicate keys, and the tally of each keyword field of ``plan``."""
    read = read_task(task, plan=plan)
    if not isinstance(read, TaskRecords):
        return FirstPart(task, read), {}
    tallies = {name: Tally.of(read.corpus, cast(Field, name), thesaurus=plan.thesaurus,
                              label_case=cast(LabelCase, plan.label_case)) for name in plan.fields}
    assert read.file is not None  # a first read parses the file: its report is known
    return FirstPart(task, read.file, read.skipped, duplicate_keys(read.corpus)), tallies


def duplicate_keys(corpus: Corpus) -> pd.DataFrame:
    """What :func:`bibnet.dedup.deduplicate` and the load report need of each record of ``corpus``.

    The title is replaced by a digest of its normalised form: records match on it exactly as
    on the title (two different titles share a digest with a probability of about 2^-128 per pair).
    """
    records = corpus.records.drop(columns=["SO"], errors="ignore")
    title = normal_title(pa.array(records["TI"].array, type=pa.large_string()) if "TI" in records.columns
                         else pa.nulls(len(records), pa.large_string()))
    digests = [None if t is None else hashlib.blake2b(t.encode(), digest_size=16).hexdigest() for t in title.to_pylist()]
    records["TI"] = pd.array(digests, dtype=records["UT"].dtype if "UT" in records.columns else "string[pyarrow]")
    for tag, column in FILLED.items():
        split = corpus.keyword_fields.get(tag)
        records[column] = split.lengths > 0 if split is not None else False
    for column in FEW:  # a value or two per file: a small code per record, not a string
        if column in records.columns:
            records[column] = records[column].astype("category")
    return records
