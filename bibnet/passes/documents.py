"""Kept records read back from the files: a network's documents, and the report's document lists.

A network counted in passes keeps no record. What a reader asks of the records (the documents
of a keyword or a link, every document of the report) is read again from the files, in a pass
that keeps only the records holding the keywords asked for: the same records, with the same
columns and row numbers, as :meth:`bibnet.Network.documents` gives after :func:`bibnet.read`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from bibnet.corpus import Corpus
from bibnet.keywords import Field, extract
from bibnet.passes.counted import Counted
from bibnet.passes.engines import LocalEngine
from bibnet.passes.second import SecondTask
from bibnet.passes.tasks import Plan, TaskRecords, read_task

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.network import Network

#: Columns of the task records that :func:`bibnet.read` does not keep.
_INTERNAL = ["#has_AB", "#first_author"]


@dataclass(frozen=True, eq=False)  # holds arrays
class Wanted:
    """The keywords asked for, per name: the field and its keys (sorted); ``every``: a record
    must hold all of a name's keys (a link's documents), else any (a keyword list)."""

    plan: Plan
    keys: Mapping[str, tuple[str, pa.Array]]
    every: bool = False


@dataclass(frozen=True, eq=False)  # holds arrays
class Found:
    """Records of one file that hold a wanted keyword: their rows among all records read, their
    columns, and per name which keys each holds (records x keys)."""

    rows: np.ndarray
    records: pd.DataFrame
    holds: dict[str, sp.csr_matrix]


def documents(counted: Counted, keys: Mapping[str, tuple[str, Sequence[str]]], *, every: bool = False
              ) -> tuple[pd.DataFrame, dict[str, sp.csr_matrix]]:
    """The kept records holding the given keywords, read back from the files.

    Parameters
    ----------
    counted
        What :func:`bibnet.passes.count_files` counted.
    keys
        Name -> (field, cleaned keywords).
    every
        Keep a record only if it holds every keyword of a name; else any keyword of any name.

    Returns
    -------
    records, holds
        The records, in reading order, indexed by their position among the kept records, with
        the columns :func:`bibnet.read` keeps and ``DE``/``ID`` as text; and per name a records
        x keywords binary matrix (keywords in the order given).
    """
    wanted = Wanted(plan=counted.plan, every=every,
                    keys={name: (field, pa.array(sorted(set(k)), pa.large_string())) for name, (field, k) in keys.items()})
    found, _ = LocalEngine().map_reduce(_find, list(counted.jobs), wanted, _nothing)
    rows = np.concatenate([np.zeros(0, np.int64), *[f.rows for f in found]])
    records = pd.concat([f.records for f in found], ignore_index=True) if found else pd.DataFrame()
    holds = {name: sp.vstack([f.holds[name] for f in found], format="csr") if found
             else sp.csr_matrix((0, len(k)), dtype=np.int8) for name, (_, k) in wanted.keys.items()}
    records, holds = _united(counted, wanted, rows, records, holds)
    dropped = np.sort(np.concatenate([np.zeros(0, np.int64), *[job.offset + np.array(job.dropped, np.int64)
                                                               for job in counted.jobs]]))
    records.index = pd.RangeIndex(0, 0) if not len(records) else pd.Index(rows - np.searchsorted(dropped, rows))
    order = [pc.index_in(pa.array(list(k), pa.large_string()), value_set=wanted.keys[name][1]).to_numpy(
        zero_copy_only=False).astype(np.int64) for name, (_, k) in keys.items()]
    holds = {name: sp.csr_matrix(h[:, at]) for (name, h), at in zip(holds.items(), order, strict=True)}
    keep = _kept(holds, every=every)
    return records.iloc[keep], {name: h[keep] for name, h in holds.items()}


@dataclass(frozen=True, eq=False)
class FromFiles:
    """The documents of a network counted in passes, read back from its files
    (:meth:`bibnet.Network.documents` asks it)."""

    counted: Counted

    def documents(self, field: str, keys: Sequence[str]) -> pd.DataFrame:
        """The kept records holding every one of ``keys`` (cleaned keywords of ``field``)."""
        records, _ = documents(self.counted, {field: (field, keys)}, every=True)
        return records


def for_report(counted: Counted, networks: Mapping[str, Network]) -> dict[str, Network]:
    """``networks`` (counted in passes) with the records of their mapped keywords and their
    incidence, read back: what the report lists (:func:`bibnet.report_data.report_data`)."""
    keys = {name: (net.params.keywords, net.items["key"].tolist()) for name, net in networks.items()}
    records, holds = documents(counted, keys)
    records = records.reset_index(drop=True)
    return {name: dataclasses.replace(net, records=records, incidence=holds[name]) for name, net in networks.items()}


def _find(job: SecondTask, wanted: Wanted) -> tuple[Found, None]:
    """The records of one file that are kept and hold a wanted keyword (united records always:
    their keywords are known only to the reduction)."""
    read = read_task(job.task, plan=wanted.plan, keys=False)
    if not isinstance(read, TaskRecords):
        raise RuntimeError(f"{job.task.path}: the file cannot be read again")
    kept = np.ones(len(read.corpus), dtype=bool)
    kept[list(job.dropped)] = False
    alive = np.flatnonzero(kept)
    part = read.rows(alive)
    holds = {name: _holds(part, cast(Field, field), keys, wanted.plan) for name, (field, keys) in wanted.keys.items()}
    chosen = np.union1d(_kept(holds, every=wanted.every), np.flatnonzero(np.isin(alive, job.united)))
    return Found(rows=job.offset + alive[chosen], records=_columns(part).iloc[chosen],
                 holds={name: h[chosen] for name, h in holds.items()}), None


def _nothing(parts: Sequence[None]) -> None:
    """The reading pass adds nothing up."""


def _holds(corpus: Corpus, field: Field, keys: pa.Array, plan: Plan) -> sp.csr_matrix:
    """Records x ``keys``: which record holds which key."""
    occ = extract(corpus, field, thesaurus=plan.thesaurus)
    at = pc.index_in(pa.array(occ.keys.tolist(), pa.large_string()), value_set=keys).to_numpy(zero_copy_only=False)
    coo = occ.matrix.tocoo()
    column = at.astype(float)[coo.col]
    valid = ~np.isnan(column)
    return sp.csr_matrix((np.ones(int(valid.sum()), np.int8), (coo.row[valid], column[valid].astype(np.int64))),
                         shape=(len(corpus), len(keys)))


def _kept(holds: Mapping[str, sp.csr_matrix], *, every: bool) -> np.ndarray:
    """Positions of the records that hold every key of a name (``every``), or any key."""
    if not holds:
        return np.zeros(0, np.int64)
    counts = [np.asarray(h.sum(axis=1)).ravel() for h in holds.values()]
    test = [c == h.shape[1] if every else c > 0 for c, h in zip(counts, holds.values(), strict=True)]
    return np.flatnonzero(np.logical_or.reduce(test))


def _columns(corpus: Corpus) -> pd.DataFrame:
    """The columns :func:`bibnet.read` keeps, with the keyword fields as text."""
    records = corpus.records.drop(columns=_INTERNAL, errors="ignore")
    for tag, split in corpus.keyword_fields.items():
        records[tag] = pd.array(split.to_text(), dtype=pd.StringDtype("pyarrow"))
    return records


def _united(counted: Counted, wanted: Wanted, rows: np.ndarray, records: pd.DataFrame,
            holds: dict[str, sp.csr_matrix]) -> tuple[pd.DataFrame, dict[str, sp.csr_matrix]]:
    """The united records' keyword fields and holdings, as the reduction knows them."""
    at = np.searchsorted(rows, counted.united_rows)
    if not len(at):
        return records, holds
    text = _columns(counted.united)
    for tag in counted.united.keyword_fields:
        column = records[tag].copy()
        column.iloc[at] = text[tag].to_numpy()
        records[tag] = column
    out = {}
    for name, (field, keys) in wanted.keys.items():
        mine = _holds(counted.united, cast(Field, field), keys, counted.plan)
        h = sp.lil_matrix(holds[name])
        h[at] = mine
        out[name] = sp.csr_matrix(h, dtype=np.int8)
    return records, out
