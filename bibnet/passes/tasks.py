"""The unit of work of the passes: one export file, read as :func:`bibnet.read` reads it.

A :class:`Task` names a file; :func:`read_task` reads it into a :class:`TaskRecords` (its
records, in the lean form of the network commands) or says why it is left out. Tasks are small
and picklable, so that a worker process or a Dask worker on another machine can run them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bibnet.corpus import NETWORK_COLUMNS, Corpus, _LeftOut, _read_file, _to_pandas
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

    ``thesaurus`` maps cleaned labels to replacements (:mod:`bibnet.thesaurus`).
    """

    fields: tuple[str, ...]
    thesaurus: Mapping[str, str] = field(default_factory=dict)
    label_case: str = "lower"
    counting: str = "full"
    skip_unreadable: bool = False


@dataclass(frozen=True, eq=False)  # holds arrays
class TaskRecords:
    """The records of one file, as a lean read keeps them, and how the file was read."""

    corpus: Corpus
    file: FileReport
    skipped: tuple[Skip, ...]

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


def read_task(task: Task, *, skip_unreadable: bool) -> TaskRecords | _LeftOut | InputError:
    """Read a task's file; a file left out says why, and a file that cannot be read gives its
    error (returned, not raised, so that the run raises the error of the first such file)."""
    try:
        loaded = _read_file(task.path, task.explicit, (*NETWORK_COLUMNS, *_EXTRA), NETWORK_COLUMNS, True,
                            skip_unreadable)
    except InputError as error:
        return error
    if isinstance(loaded, _LeftOut):
        return loaded
    table, fields, skipped, notes, (fmt, source, encoding, newline) = loaded
    report = FileReport(path=task.path, format=fmt, source=source, encoding=encoding, newline=newline,
                        records=table.num_rows, skipped=len(skipped), warnings=tuple(notes))
    return TaskRecords(corpus=part_corpus(_to_pandas(table), fields), file=report, skipped=tuple(skipped))

