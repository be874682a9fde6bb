"""Counting a corpus in two passes over its files, on an engine: the keywords, their pair
counts and score sums, and the load report, with no record kept in memory.

1. First pass (:mod:`bibnet.passes.first`), a task per file: the records' duplicate keys and
   each field's keyword tally over all the file's records.
2. Reduction: the duplicates are decided on all keys, with :func:`bibnet.dedup.deduplicate`
   (the rule of :func:`bibnet.read`, so the same copies are kept); the tallies are summed. A
   keyword whose count over all records (copies included) reaches the threshold is a
   candidate: dropping copies only lowers counts, and uniting the author keywords of copies
   only moves a keyword some copy had, so every keyword that will be mapped is a candidate.
3. Second pass (:mod:`bibnet.passes.second`), a task per file: pair counts and score sums of
   the candidates over the kept records, the tallies of the records to take out, and the
   keyword text of records united with copies from other databases.
4. Reduction: the first tallies corrected (dropped copies out, united records in, counted
   once here), and the sums of all tasks.

Every sum is of whole numbers, so the result does not depend on how the files are split
among workers or in which order they finish; :func:`bibnet.passes.build.networks` then
selects and weighs as :func:`bibnet.build_network` does, to the bit.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals

from bibnet.corpus import Corpus, _LeftOut, _prefer
from bibnet.dedup import deduplicate
from bibnet.errors import InputError
from bibnet.keyword_fields import SplitKeywords
from bibnet.keywords import Field, KeywordCounts, LabelCase
from bibnet.load_report import FileReport, LoadReport, SkippedInputWarning, build_report
from bibnet.memory import release
from bibnet.passes.engines import Engine
from bibnet.passes.first import FEW, FILLED, FirstPart, first_pass
from bibnet.passes.second import Keywords, SecondTask, Shared, second_pass
from bibnet.passes.sums import Candidates, FieldSums, add_up, field_sums, settled
from bibnet.passes.tally import Tally
from bibnet.passes.tasks import Plan, Task, part_corpus, tasks
from bibnet.readers import Skip
from bibnet.scores import CitationGroups, record_groups
from bibnet.selection import NetworkParams

_ROW = "#row"
#: The columns of the kept records that the report, the citation groups and the united records use.
_KEPT = ("PY", "TC", "DB", "#has_AB")


@dataclass(frozen=True, eq=False)  # holds arrays
class FieldCount:
    """One keyword field counted: all its keywords, and the sums over its candidates.

    ``candidates`` are the keywords the sums are on (sorted; some may have no record left once
    the duplicates are dropped).
    """

    keywords: KeywordCounts
    candidates: np.ndarray
    sums: FieldSums


@dataclass(frozen=True, eq=False)  # holds arrays
class Counted:
    """What the passes counted: each field, the load report, the kept records' databases
    (``databases``, in reading order), their citation groups, and whether any kept record has
    author (``DE``) and database keywords (``ID``)."""

    fields: dict[str, FieldCount]
    report: LoadReport
    databases: pd.Series
    groups: CitationGroups
    filled: dict[str, bool]
    #: How to read the kept records back (:mod:`bibnet.passes.documents`): the plan, each file's
    #: second-pass job, and the records united with their copies, with their rows among all read.
    plan: Plan
    jobs: tuple[SecondTask, ...]
    united: Corpus
    united_rows: np.ndarray
    #: The options the keywords were counted with (``plan`` holds the thesaurus read from its file).
    params: NetworkParams = dataclasses.field(default_factory=NetworkParams)

    def for_documents(self) -> Counted:
        """These counts without the fields' sums: all that reading the records back needs, so that
        a network holding it (:class:`~bibnet.passes.documents.FromFiles`) does not hold the pair
        counts of every candidate keyword too."""
        return dataclasses.replace(self, fields={})

    @property
    def sources(self) -> dict[str, int]:
        """Kept records per database, in the order of :data:`~bibnet.sources.SOURCES`."""
        return dict(self.report.sources)


def count(paths: Sequence[str], *, plan: Plan, params: NetworkParams, engine: Engine, strict: bool = False,
          prefer: Sequence[str] = ()) -> Counted:
    """Count the keyword fields of ``plan`` in the export files of ``paths`` on ``engine``.

    ``paths``, ``strict`` and ``prefer`` are those of :func:`bibnet.read` (lean); it raises the
    same errors, for the same first file. The load report's duplicates compare the copies'
    identifiers, normalised titles, years, citations and export dates.
    """
    order = _prefer(prefer)
    jobs = tasks(paths)
    parts, first = engine.map_reduce(first_pass, jobs, plan, add_up)
    read = [(part.task, len(part.keys)) for part in parts if part.keys is not None]
    files, skips, ignored, unreadable, frames = _outcomes(parts, strict=strict)
    del parts  # their keys are in ``frames`` only now, which _gathered empties as it goes
    keys = _gathered(frames)
    release()
    keys[_ROW] = np.arange(len(keys))
    kept, dups = deduplicate(keys, prefer=order, keep=[c for c in (*_KEPT, _ROW) if c in keys.columns])
    # What is used of the keys from here on: a few columns of the records.
    keys = keys[[c for c in (*_KEPT, *FILLED.values()) if c in keys.columns]]
    lost, into = dups.pop("row").to_numpy(), dups.pop("kept_row").to_numpy()
    across = keys["DB"].iloc[lost].to_numpy(dtype=object) != keys["DB"].iloc[into].to_numpy(dtype=object)
    rows = kept.pop(_ROW).to_numpy()
    groups = record_groups(kept)
    report, filled = _report(files, skips, kept, keys, dups, ignored, unreadable, order, into[across], lost[across], rows)
    release()  # what de-duplication freed, before the workers of the second pass start

    candidates = {name: _candidates(first.get(name), params.min_occurrences) for name in plan.fields}
    shared = Shared(plan=plan, candidates={name: Candidates(keys_) for name, (keys_, _) in candidates.items()},
                    groups=groups)
    second_jobs = _second_jobs(read, lost, into[across], lost[across])
    sent, second = engine.map_reduce(second_pass, second_jobs, shared, add_up, settle=settled)
    united = _united(sent, keys, into[across], lost[across])
    fields = {}
    for name in plan.fields:
        field = cast(Field, name)
        extra = [Tally.of(united, field, thesaurus=plan.thesaurus, label_case=cast(LabelCase, plan.label_case))]
        sums = second[name]
        tally = Tally.total([t for t in (first.get(name), sums.removed, *extra) if t is not None])
        more = field_sums(united, field, thesaurus=plan.thesaurus, counting=plan.counting,
                          candidates=shared.candidates[name], groups=groups)
        total = FieldSums.total([dataclasses.replace(sums, removed=None), more]).counted()
        fields[name] = FieldCount(keywords=tally.counts(name),
                                  candidates=np.asarray(shared.candidates[name].keys.to_pylist(), dtype=object), sums=total)
    del sent, second
    release()  # the partial sums the reductions freed, before the network and its clustering are made
    return Counted(fields=fields, report=report, databases=kept["DB"].reset_index(drop=True), groups=groups,
                   filled={tag: bool(has.any()) for tag, has in filled.items()}, plan=plan, jobs=tuple(second_jobs),
                   united=united, united_rows=np.unique(into[across]), params=params)


def _outcomes(parts: list[FirstPart], *, strict: bool
              ) -> tuple[list[FileReport], list[Skip], list[str], list[str], list[pd.DataFrame]]:
    """The files read, records skipped, files ignored and unreadable, and the keys of all records;
    the error of the first file (in reading order) that gives one, as :func:`bibnet.read` raises it."""
    files: list[FileReport] = []
    skips: list[Skip] = []
    ignored: list[str] = []
    unreadable: list[str] = []
    keys: list[pd.DataFrame] = []
    for part in parts:
        if isinstance(part.read, InputError):
            raise part.read
        if isinstance(part.read, _LeftOut):
            (unreadable if part.read.unreadable else ignored).append(part.read.why)
            continue
        if strict and part.skipped:
            raise InputError(f"{part.skipped[0]} (strict: malformed records are not skipped)")
        files.append(part.read)
        skips.extend(part.skipped)
        keys.append(part.keys)
    if not files:
        left_out = [*unreadable, *ignored]
        raise InputError(f"no export found ({left_out[0] if left_out else 'no files'})")
    return files, skips, ignored, unreadable, keys


def _gathered(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The rows of ``frames`` in one table, as :func:`pandas.concat` gives them, with the columns
    of :data:`~bibnet.passes.first.FEW` values as categories.

    ``frames`` is emptied and each column dropped once copied, so the keys are never held twice
    (when the caller holds no other reference to the frames)."""
    lengths = [len(frame) for frame in frames]
    held = [dict(frame.items()) for frame in frames]
    frames.clear()
    columns = list(dict.fromkeys(c for frame in held for c in frame))
    out = {}
    for column in columns:
        dtype = next(frame[column].dtype for frame in held if column in frame)
        pieces = [frame.pop(column) if column in frame else _missing(dtype, n)
                  for frame, n in zip(held, lengths, strict=True)]
        if column in FEW:
            out[column] = union_categoricals([piece if isinstance(piece.dtype, pd.CategoricalDtype)
                                              else pd.Categorical(piece) for piece in pieces])
        else:
            out[column] = _one_chunk(pd.concat(pieces, ignore_index=True))
    return pd.DataFrame(out, index=pd.RangeIndex(sum(lengths)))


def _one_chunk(column: pd.Series) -> pd.Series:
    """A column of Arrow strings in one buffer, not one per file: what de-duplication reads of it
    is then not copied again, and the files' small buffers go back to the allocator."""
    if not isinstance(column.array, pd.arrays.ArrowStringArray):
        return column
    values = pa.array(column.array)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return pd.Series(pd.arrays.ArrowStringArray(values), index=column.index, name=column.name)


def _missing(dtype: Any, n: int) -> pd.Series:
    """``n`` missing values of a column that a frame lacks, as :func:`pandas.concat` fills them in."""
    try:
        return pd.Series(pd.NA, index=range(n), dtype=dtype)
    except (TypeError, ValueError):  # numpy's bool and integers hold no NA: concat makes them object or float
        return pd.Series(np.nan, index=range(n))


def _report(files: list[FileReport], skips: list[Skip], kept: pd.DataFrame, keys: pd.DataFrame, dups: pd.DataFrame,
            ignored: list[str], unreadable: list[str], prefer: tuple[str, ...], into: np.ndarray, donors: np.ndarray,
            rows: np.ndarray) -> tuple[LoadReport, dict[str, np.ndarray]]:
    """The load report, as :func:`bibnet.read` makes it (a united record has author keywords if a copy has)."""
    filled = {}
    for tag, column in FILLED.items():
        has = keys[column].to_numpy(dtype=bool).copy()
        if tag == "DE":
            np.logical_or.at(has, into, has[donors])
        filled[tag] = has[rows]
    report = build_report(files, skips=skips, kept=kept, fields={}, has_ab=kept["#has_AB"].to_numpy(dtype=bool),
                          duplicates=dups, ignored=ignored, unreadable=unreadable, prefer=prefer, filled=filled)
    if skips:
        warnings.warn(f"{len(skips)} malformed record(s) skipped; first: {skips[0]}", SkippedInputWarning, stacklevel=3)
    if unreadable:
        warnings.warn(f"{len(unreadable)} unreadable file(s) skipped; first: {unreadable[0]}", SkippedInputWarning,
                      stacklevel=3)
    return report, filled


def _candidates(tally: Tally | None, min_occurrences: int) -> tuple[pa.Array, np.ndarray]:
    """The keywords counted at least ``min_occurrences`` times over all records, copies included."""
    if tally is None:
        return pa.array([], pa.large_string()), np.zeros(0, np.int64)
    at = np.flatnonzero(tally.occurrences >= min_occurrences)
    return tally.keys.take(pa.array(at)), at


def _second_jobs(read: list[tuple[Task, int]], lost: np.ndarray, into: np.ndarray, donors: np.ndarray
                 ) -> list[SecondTask]:
    """Each file read (its task and number of records), with its dropped, united and donor
    records (positions in the file)."""
    jobs, offset = [], 0
    for task, n in read:

        def local(rows: np.ndarray, offset: int = offset, n: int = n) -> tuple[int, ...]:
            inside = rows[(rows >= offset) & (rows < offset + n)] - offset
            return tuple(int(r) for r in np.unique(inside))

        jobs.append(SecondTask(task=task, offset=offset, dropped=local(lost), united=local(into),
                               donors=local(donors)))
        offset += n
    return jobs


def _united(sent: list[Keywords], keys: pd.DataFrame, into: np.ndarray, donors: np.ndarray) -> Corpus:
    """The kept records that get the author keywords of their copies from other databases, with them
    (:meth:`SplitKeywords.unite`, as :func:`bibnet.read` unites them)."""
    rows = np.concatenate([np.zeros(0, np.int64), *[k.rows for k in sent]])
    text: dict[str, list[pa.Array]] = {}
    for k in sent:
        for tag, values in k.text.items():
            text.setdefault(tag, []).append(values)
    fields = {tag: SplitKeywords.from_text(pa.concat_arrays(values) if values else pa.array([], pa.large_string()))
              for tag, values in text.items()}
    targets = np.unique(into)
    if "DE" in fields and len(into):
        fields["DE"] = fields["DE"].unite(np.searchsorted(rows, into), np.searchsorted(rows, donors))
    at = np.searchsorted(rows, targets)
    records = keys.iloc[targets][["PY", "TC", "DB"]].reset_index(drop=True)
    return part_corpus(records, {tag: split.take(at) for tag, split in fields.items()})

