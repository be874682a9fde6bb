"""The second pass, per file: pair counts and score sums of the candidate keywords, once the
duplicates are decided.

A task is told which of its records are dropped copies (``dropped``), which kept records get
the author keywords of copies from other databases (``united``) and which records give theirs
(``donors``). It counts the other kept records itself; the united records are counted once,
where the run is reduced (:func:`bibnet.passes.counted.count`), and it sends their keyword text
there, with the donors'. It also tallies the dropped and the united records, whose first-pass
counts are then taken out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import pyarrow as pa

from bibnet.errors import InputError
from bibnet.keywords import Field, LabelCase
from bibnet.passes.sums import Candidates, FieldSums, field_sums
from bibnet.passes.tally import Tally
from bibnet.passes.tasks import Plan, Task, TaskRecords, read_task
from bibnet.scores import CitationGroups


@dataclass(frozen=True)
class SecondTask:
    """A file's task in the second pass: its records' fate (positions in the file) and where its
    records start among all records read (``offset``)."""

    task: Task
    offset: int
    dropped: tuple[int, ...] = ()
    united: tuple[int, ...] = ()
    donors: tuple[int, ...] = ()


@dataclass(frozen=True, eq=False)  # holds arrays
class Shared:
    """What every second-pass task needs: the plan, each field's candidate keywords (sorted),
    and the citation groups of the kept records."""

    plan: Plan
    candidates: Mapping[str, Candidates]
    groups: CitationGroups


@dataclass(frozen=True, eq=False)  # holds arrays
class Keywords:
    """The keyword text of some records, for the reduction: their rows among all records read."""

    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    text: Mapping[str, pa.Array] = field(default_factory=dict)


def second_pass(job: SecondTask, shared: Shared) -> tuple[Keywords, dict[str, FieldSums]]:
    """Count one file's kept records on the candidates; tally the records to take out; send the
    keyword text of the united records and their donors."""
    plan = shared.plan
    read = read_task(job.task, plan=plan, keys=False)
    if isinstance(read, InputError):
        raise read  # the first pass read this file: it changed since
    if not isinstance(read, TaskRecords):
        return Keywords(), {}
    n = len(read.corpus)
    out = np.zeros(n, dtype=bool)
    out[list(job.dropped)] = True
    out[list(job.united)] = True
    counted = read.rows(np.flatnonzero(~out))
    taken_out = read.rows(np.flatnonzero(out)) if out.any() else None
    sums = {}
    for name in plan.fields:
        part = field_sums(counted, cast(Field, name), thesaurus=plan.thesaurus, counting=plan.counting,
                          candidates=shared.candidates[name], groups=shared.groups)
        removed = None
        if taken_out is not None:
            removed = Tally.of(taken_out, cast(Field, name), thesaurus=plan.thesaurus,
                               label_case=cast(LabelCase, plan.label_case)).negated()
        sums[name] = dataclasses.replace(part, removed=removed)
    sent = np.array(sorted({*job.united, *job.donors}), dtype=np.int64)
    text = {tag: split.take(sent).to_text() for tag, split in read.corpus.keyword_fields.items()}
    return Keywords(rows=job.offset + sent, text=text), sums
