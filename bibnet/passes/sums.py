"""What the second pass adds up per keyword field: pair counts, score sums, records taken out.

All of it is whole numbers over records, so the sums of many tasks, added in any order or
tree, are the sums of all their records, exactly (:meth:`FieldSums.total`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pyarrow as pa
import scipy.sparse as sp

from bibnet.cooccurrence import add_counts, pair_counts
from bibnet.corpus import Corpus
from bibnet.keywords import Field, extract
from bibnet.passes.tally import Tally
from bibnet.scores import CitationGroups, ScoreSums, score_sums
from bibnet.selection import select_columns

#: Columns of a score-sum matrix before the per-group citation sums.
_SCORE_COLUMNS = 5


@dataclass(frozen=True, eq=False)  # holds arrays
class FieldSums:
    """One keyword field's sums over some records, on the candidate keywords (``K`` of them).

    Attributes
    ----------
    pairs
        Record size (0 for full counting) -> ``K x K`` upper triangle of pair counts
        (:func:`bibnet.cooccurrence.pair_counts`).
    scores
        ``K x (5 + groups)`` whole numbers: sums of years, records with a year, citations,
        records with citations, records with both, then citations per citation group
        (:class:`~bibnet.scores.ScoreSums`).
    removed
        The tally of the records to be taken out of the first pass's counts (dropped copies,
        and records whose keywords are united with their copies'), or ``None``.
    pending, sizes
        Records not counted into ``pairs`` yet: their ``records x K`` incidence and numbers of
        keywords. A file's task sends these (a few bytes per keyword occurrence, where its pair
        counts would take a few per pair), and the sums multiply them out in large blocks
        (:data:`PENDING`), where the product is cheapest.
    counting
        The counting method the pairs are counted for.
    """

    pairs: dict[int, sp.csr_matrix]
    scores: sp.csr_matrix
    removed: Tally | None = None
    pending: sp.csr_matrix | None = None
    sizes: np.ndarray | None = None
    counting: str = "full"

    @classmethod
    def total(cls, parts: Sequence[FieldSums]) -> FieldSums:
        """The sum of ``parts``."""
        pairs = add_counts(*(p.pairs for p in parts))
        # All the parts' entries at once (whole numbers: duplicates add up exactly), not a
        # growing sum added to again for every part.
        entries = [part.scores.tocoo() for part in parts]
        scores = sp.csr_matrix((np.concatenate([e.data for e in entries]),
                                (np.concatenate([e.row for e in entries]), np.concatenate([e.col for e in entries]))),
                               shape=parts[0].scores.shape, dtype=np.int64)
        scores.sum_duplicates()
        removed = [p.removed for p in parts if p.removed is not None]
        waiting = [p for p in parts if p.pending is not None]
        pending = sp.vstack([p.pending for p in waiting], format="csr") if waiting else None
        sizes = np.concatenate([p.sizes for p in waiting if p.sizes is not None]) if waiting else None
        total = cls(pairs=pairs, scores=scores, removed=Tally.total(removed) if removed else None, pending=pending,
                    sizes=sizes, counting=parts[0].counting)
        return total.counted() if pending is not None and pending.nnz >= PENDING else total

    def counted(self) -> FieldSums:
        """These sums with the pending records counted into the pairs."""
        if self.pending is None or self.sizes is None:
            return self
        size = self.pending.shape[1]
        mine = {n: sp.csr_matrix(sp.triu(counts, k=1)) for n, counts in
                pair_counts(self.pending, self.sizes, counting=self.counting).items()}
        empty = {n: sp.csr_matrix((size, size)) for n in mine}
        return FieldSums(pairs=add_counts(empty, self.pairs, mine), scores=self.scores, removed=self.removed,
                         counting=self.counting)

    def score_sums(self) -> ScoreSums:
        """The :class:`~bibnet.scores.ScoreSums` of the candidates."""
        dense = self.scores[:, :_SCORE_COLUMNS].toarray()
        return ScoreSums(year_sum=dense[:, 0], year_n=dense[:, 1], cites_sum=dense[:, 2], cites_n=dense[:, 3],
                         norm_sum=sp.csr_matrix(self.scores[:, _SCORE_COLUMNS:]), norm_n=dense[:, 4])

    def cooccurrence_counts(self, kept: np.ndarray) -> dict[int, sp.csr_matrix]:
        """The symmetric pair counts among the candidates at positions ``kept`` (ascending)."""
        out = {}
        for n, upper in self.counted().pairs.items():
            upper = sp.csr_matrix(upper)
            # Every candidate kept (the network's threshold is the counting's): no copy to select them.
            sub = upper if len(kept) == upper.shape[0] else select_columns(upper[kept], kept)
            out[n] = sp.csr_matrix(sub + sub.T)
        return out


#: Keyword occurrences of pending records that are multiplied out at once. The product's buffers
#: grow with it: at 1M records a Dask worker combining second-pass sums peaked at 1.35 GB with
#: 1,000,000 and 1.6 GB with 4,000,000, in the same time.
PENDING = 1_000_000


@dataclass(frozen=True, eq=False)  # holds an array
class Candidates:
    """A field's candidate keywords (``keys``: sorted, each once), and where each key is among them.

    The lookup is made once per process that counts (a Dask worker keeps it for all its tasks)
    and is not sent: looking a file's keywords up in a hash table of all the candidates, made
    again for every file, took half of the second pass at 1,000,000 records.
    """

    keys: pa.Array

    def __len__(self) -> int:
        return len(self.keys)

    def __getstate__(self) -> dict[str, Any]:
        return {"keys": self.keys}

    @cached_property
    def _position(self) -> dict[str, int]:
        return {key: i for i, key in enumerate(self.keys.to_pylist())}

    def positions(self, keys: np.ndarray) -> np.ndarray:
        """Position of each of ``keys`` among the candidates, -1 for a key that is none."""
        if not len(keys):  # no table made for nothing (the run's own records united with copies: often none)
            return np.zeros(0, np.int64)
        get = self._position.get
        return np.fromiter((get(key, -1) for key in keys), dtype=np.int64, count=len(keys))


def field_sums(corpus: Corpus, field: Field, *, thesaurus: Mapping[str, str], counting: str, candidates: Candidates,
               groups: CitationGroups) -> FieldSums:
    """Pair counts and score sums of the records of ``corpus`` on the ``candidates``."""
    occ = extract(corpus, field, thesaurus=thesaurus)
    ids = candidates.positions(occ.keys)
    local = np.flatnonzero(ids >= 0)
    ids = ids[local]
    size = len(candidates)
    incidence = select_columns(occ.matrix, local)
    sums = score_sums(incidence, corpus.records, groups)
    local_scores = sp.hstack([sp.csr_matrix(np.column_stack([sums.year_sum, sums.year_n, sums.cites_sum, sums.cites_n,
                                                             sums.norm_n]).astype(np.int64)),
                              sp.csr_matrix(sums.norm_sum, dtype=np.int64)], format="coo")
    scores = sp.csr_matrix((local_scores.data, (ids[local_scores.row], local_scores.col)),
                           shape=(size, _SCORE_COLUMNS + len(groups.total)), dtype=np.int64)
    # The records' incidence on the global candidate ids (ids ascend with the local columns).
    pending = sp.csr_matrix((incidence.data, ids[incidence.indices], incidence.indptr), shape=(len(corpus), size))
    return FieldSums(pairs={}, scores=scores, pending=pending, sizes=np.asarray(occ.keywords_per_record, np.int64),
                     counting=counting)


def settled(sums: Mapping[str, FieldSums]) -> dict[str, FieldSums]:
    """Each field's sums with their pending records counted into the pairs."""
    return {name: field.counted() for name, field in sums.items()}


def add_up(parts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Per field, the sum of the parts' :class:`~bibnet.passes.tally.Tally` or :class:`FieldSums`."""
    fields = list(dict.fromkeys(name for part in parts for name in part))
    out: dict[str, Any] = {}
    for name in fields:
        values = [part[name] for part in parts if name in part]
        out[name] = values[0].total(values) if len(values) > 1 else values[0]
    return out
