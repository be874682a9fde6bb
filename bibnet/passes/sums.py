"""What the second pass adds up per keyword field: pair counts, score sums, records taken out.

All of it is whole numbers over records, so the sums of many tasks, added in any order or
tree, are the sums of all their records, exactly (:meth:`FieldSums.total`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from bibnet.cooccurrence import pair_counts
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
    """

    pairs: dict[int, sp.csr_matrix]
    scores: sp.csr_matrix
    removed: Tally | None = None

    @classmethod
    def total(cls, parts: Sequence[FieldSums]) -> FieldSums:
        """The sum of ``parts``."""
        pairs: dict[int, sp.csr_matrix] = {}
        for part in parts:
            for n, counts in part.pairs.items():
                pairs[n] = counts if n not in pairs else sp.csr_matrix(pairs[n] + counts)
        scores = parts[0].scores
        for part in parts[1:]:
            scores = sp.csr_matrix(scores + part.scores)
        removed = [p.removed for p in parts if p.removed is not None]
        return cls(pairs=pairs, scores=scores, removed=Tally.total(removed) if removed else None)

    def score_sums(self) -> ScoreSums:
        """The :class:`~bibnet.scores.ScoreSums` of the candidates."""
        dense = self.scores[:, :_SCORE_COLUMNS].toarray()
        return ScoreSums(year_sum=dense[:, 0], year_n=dense[:, 1], cites_sum=dense[:, 2], cites_n=dense[:, 3],
                         norm_sum=sp.csr_matrix(self.scores[:, _SCORE_COLUMNS:]), norm_n=dense[:, 4])

    def cooccurrence_counts(self, kept: np.ndarray) -> dict[int, sp.csr_matrix]:
        """The symmetric pair counts among the candidates at positions ``kept`` (ascending)."""
        out = {}
        for n, upper in self.pairs.items():
            sub = select_columns(sp.csr_matrix(upper)[kept], kept)
            out[n] = sp.csr_matrix(sub + sub.T)
        return out


def field_sums(corpus: Corpus, field: Field, *, thesaurus: Mapping[str, str], counting: str, candidates: pa.Array,
               groups: CitationGroups) -> FieldSums:
    """Pair counts and score sums of the records of ``corpus`` on the ``candidates`` (sorted keys)."""
    occ = extract(corpus, field, thesaurus=thesaurus)
    at = pc.index_in(pa.array(occ.keys.tolist(), pa.large_string()), value_set=candidates)
    ids = at.to_numpy(zero_copy_only=False)
    local = np.flatnonzero(~np.isnan(ids.astype(float))) if at.null_count else np.arange(len(ids))
    ids = np.asarray(ids[local], dtype=np.int64)
    size = len(candidates)
    incidence = select_columns(occ.matrix, local)
    pairs = {n: _upper(counts, ids, size) for n, counts in
             pair_counts(incidence, occ.keywords_per_record, counting=counting).items()}
    sums = score_sums(incidence, corpus.records, groups)
    local_scores = sp.hstack([sp.csr_matrix(np.column_stack([sums.year_sum, sums.year_n, sums.cites_sum, sums.cites_n,
                                                             sums.norm_n]).astype(np.int64)),
                              sp.csr_matrix(sums.norm_sum, dtype=np.int64)], format="coo")
    scores = sp.csr_matrix((local_scores.data, (ids[local_scores.row], local_scores.col)),
                           shape=(size, _SCORE_COLUMNS + len(groups.total)), dtype=np.int64)
    return FieldSums(pairs=pairs, scores=scores)


def _upper(counts: sp.csr_matrix, ids: np.ndarray, size: int) -> sp.csr_matrix:
    """The upper triangle of a symmetric matrix on local columns, on the global candidate ids."""
    coo = sp.coo_matrix(counts)
    rows, cols = ids[coo.row], ids[coo.col]
    upper = rows < cols
    return sp.csr_matrix((coo.data[upper], (rows[upper], cols[upper])), shape=(size, size))


def add_up(parts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Per field, the sum of the parts' :class:`~bibnet.passes.tally.Tally` or :class:`FieldSums`."""
    fields = list(dict.fromkeys(name for part in parts for name in part))
    out: dict[str, Any] = {}
    for name in fields:
        values = [part[name] for part in parts if name in part]
        out[name] = values[0].total(values) if len(values) > 1 else values[0]
    return out
