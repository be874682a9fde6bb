"""The unit of work of the passes: one export file, read as :func:`bibnet.read` reads it.

A :class:`Task` names a file; :func:`read_task` reads it into a :class:`TaskRecords` (its
records, in the lean form of the network commands) or says why it is left out. Tasks are small
and picklable, so that a worker process or a Dask worker on another machine can run them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from bibnet.corpus import KEYWORD_COLUMNS, NETWORK_COLUMNS, Corpus, _LeftOut, _read_file, _to_pandas
from bibnet.errors import InputError
from bibnet.input_paths import expand, path_of
from bibnet.keyword_fields import SplitKeywords
from bibnet.load_report import FileReport, LoadReport
from bibnet.readers import Skip

#: Tags read besides :data:`~bibnet.corpus.NETWORK_COLUMNS`: AB's coverage is reported, AU's
#: first author matches copies (as :func:`bibnet.read` does).
_EXTRA = ("AB", "AU")


@dataclass(frozen=True)
class Task:
    """One export file: its position among the inputs (``index``), its path, and whether it was
    named (or matched by a pattern) rather than found in a folder (``explicit``)."""

    index: int
    path: str
    explicit: bool


@dataclass(frozen=True)
class Plan:
    """What every task of a run needs: the keyword fields counted and how their keywords are cleaned.

    ``thesaurus`` maps cleaned labels to replacements (:mod:`bibnet.thesaurus`). ``spill``: a
    folder where the first pass leaves each file's records (Arrow IPC, compressed), which
    later passes read instead of parsing the file again, where they see the folder.
    """

    fields: tuple[str, ...]
    thesaurus: Mapping[str, str] = field(default_factory=dict)
    label_case: str = "lower"
    counting: str = "full"
    skip_unreadable: bool = False
    spill: str | None = None


@dataclass(frozen=True, eq=False)  # holds arrays
class TaskRecords:
    """The records of one file, as a lean read keeps them, and how the file was read (``file``
    and ``skipped``: not known when the records come from a spill)."""

    corpus: Corpus
    file: FileReport | None = None
    skipped: tuple[Skip, ...] = ()

    def rows(self, rows: np.ndarray) -> Corpus:
        """The records at ``rows`` (positions in the file), as a corpus of their own."""
        records = self.corpus.records.iloc[rows].reset_index(drop=True)
        fields = {tag: split.take(rows) for tag, split in self.corpus.keyword_fields.items()}
        return part_corpus(records, fields)


def part_corpus(records: pd.DataFrame, fields: Mapping[str, SplitKeywords]) -> Corpus:
    """A corpus of some records (no load report of its own), for :func:`bibnet.keywords.extract`."""
    report = LoadReport(files=(), records_read=len(records), records=len(records), duplicates=0, skipped=0)
    return Corpus(records=records, report=report, keyword_fields=dict(fields))


def tasks(paths: Sequence[str]) -> list[Task]:
    """One task per export file of ``paths`` (files, folders, patterns), in reading order."""
    return [Task(i, path, explicit) for i, (path, explicit) in enumerate(expand([path_of(p) for p in paths]))]


def read_task(task: Task, *, plan: Plan, keys: bool = True) -> TaskRecords | _LeftOut | InputError:
    """Read a task's file; a file left out says why, and a file that cannot be read gives its
    error (returned, not raised, so that the run raises the error of the first such file).

    ``keys``: also read what duplicates are found by (the first author, whether there is an
    abstract); a first read leaves the records in ``plan.spill`` when given, and a later read
    (``keys=False``) takes them from there.
    """
    spilt = _spill_path(plan, task)
    if not keys and spilt is not None and os.path.exists(spilt):
        return _from_spill(spilt)
    try:
        loaded = _read_file(task.path, task.explicit, (*NETWORK_COLUMNS, *_EXTRA) if keys else NETWORK_COLUMNS,
                            NETWORK_COLUMNS, True, plan.skip_unreadable)
    except InputError as error:
        return error
    if isinstance(loaded, _LeftOut):
        return loaded
    table, fields, skipped, notes, (fmt, source, encoding, newline) = loaded
    if keys and spilt is not None and os.path.isdir(os.path.dirname(spilt)):
        _to_spill(spilt, table, fields)
    report = FileReport(path=task.path, format=fmt, source=source, encoding=encoding, newline=newline,
                        records=table.num_rows, skipped=len(skipped), warnings=tuple(notes))
    return TaskRecords(corpus=part_corpus(_to_pandas(table), fields), file=report, skipped=tuple(skipped))


def _spill_path(plan: Plan, task: Task) -> str | None:
    return None if plan.spill is None else os.path.join(plan.spill, f"{task.index:07d}.arrow")


#: Columns of the first read that later passes do not need.
_KEYS_ONLY = ["#has_AB", "#first_author"]


def _to_spill(path: str, table: pa.Table, fields: Mapping[str, SplitKeywords]) -> None:
    """Leave a file's records at ``path`` (written under a temporary name, then renamed)."""
    table = table.drop_columns([c for c in _KEYS_ONLY if c in table.column_names])
    for tag, split in fields.items():
        table = table.append_column(tag, split.to_text())
    temporary = f"{path}.{os.getpid()}.tmp"
    options = pa.ipc.IpcWriteOptions(compression="lz4")
    with pa.OSFile(temporary, "wb") as sink, pa.ipc.new_file(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    os.replace(temporary, path)


def _from_spill(path: str) -> TaskRecords:
    """The records a first read left at ``path``, as :func:`read_task` gives them."""
    with pa.memory_map(path) as source:
        table = pa.ipc.open_file(source).read_all()
    fields = {tag: SplitKeywords.from_text(table[tag]) for tag in KEYWORD_COLUMNS}
    table = table.drop_columns(list(KEYWORD_COLUMNS))
    return TaskRecords(corpus=part_corpus(_to_pandas(table), fields))
