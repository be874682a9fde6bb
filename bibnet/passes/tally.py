"""Keyword counts that add up: the tally of one keyword field over a set of records.

Every number of a :class:`Tally` is a sum over records, so the tally of a corpus is the sum of
the tallies of its files, whatever the order, and a set of records is taken out by adding its
tally negated. The passes (:mod:`bibnet.passes`) count each file into a tally and sum them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bibnet.corpus import Corpus
from bibnet.keywords import Field, KeywordCounts, LabelCase, best_spellings, extract

_KEY = pa.large_string()


@dataclass(frozen=True, eq=False)  # holds arrays
class Tally:
    """Counts of one keyword field over a set of records, each a sum over the records.

    Attributes
    ----------
    keys
        The cleaned keywords, sorted (code-point order), each once.
    occurrences
        Records holding each keyword.
    author
        Records holding each keyword among their author keywords (``DE``).
    spellings
        With original labels: ``(key, spelling, count)``, how often each keyword is spelt so
        among author keywords (a table, one row per pair); else ``None``.
    records, with_keywords, controls
        Records, records with a keyword of the field, and keyword occurrences that held control
        characters (:attr:`~bibnet.keywords.KeywordOccurrences.control_characters_removed`).
    """

    keys: pa.Array
    occurrences: np.ndarray
    author: np.ndarray
    spellings: pa.Table | None
    records: int
    with_keywords: int
    controls: int

    @classmethod
    def of(cls, corpus: Corpus, field: Field, *, thesaurus: Mapping[str, str], label_case: LabelCase) -> Tally:
        """The tally of the records of ``corpus`` (keywords as :func:`bibnet.keywords.extract` finds them)."""
        occ = extract(corpus, field, thesaurus=thesaurus, label_case=label_case)
        keys = pa.array(occ.keys.tolist(), _KEY)
        author = occ.author if occ.author is not None else occ.matrix
        spellings = None
        if occ.spellings is not None:
            key, spelling, count = occ.spellings
            spellings = pa.table({"key": keys.take(pa.array(key, pa.int64())), "spelling": pa.array(spelling.tolist(), _KEY),
                                  "count": pa.array(count, pa.int64())})
        return cls(keys=keys, occurrences=occ.occurrences,
                   author=np.asarray(author.sum(axis=0), dtype=np.int64).ravel(), spellings=spellings,
                   records=len(corpus), with_keywords=int(np.count_nonzero(occ.keywords_per_record)),
                   controls=occ.control_characters_removed)

    @classmethod
    def total(cls, tallies: Sequence[Tally]) -> Tally:
        """The sum of ``tallies`` (keywords whose counts add up to 0 are dropped)."""
        first = tallies[0]
        # Keys encoded once, counts added by code, codes renumbered in key order.
        encoded = pc.dictionary_encode(pa.concat_arrays([t.keys for t in tallies]))
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        size = len(encoded.dictionary)
        occurrences = _add(codes, np.concatenate([t.occurrences for t in tallies]), size)
        author = _add(codes, np.concatenate([t.author for t in tallies]), size)
        order = pc.sort_indices(encoded.dictionary).to_numpy()
        order = order[occurrences[order] != 0]
        spellings = None
        if first.spellings is not None:
            pairs = pa.concat_tables([t.spellings for t in tallies if t.spellings is not None])
            spellings = pairs.group_by(["key", "spelling"]).aggregate([("count", "sum")]).rename_columns(
                ["key", "spelling", "count"])
            spellings = spellings.filter(pc.not_equal(spellings["count"], 0))
        return cls(keys=encoded.dictionary.take(pa.array(order)).cast(_KEY), occurrences=occurrences[order],
                   author=author[order], spellings=spellings, records=sum(t.records for t in tallies),
                   with_keywords=sum(t.with_keywords for t in tallies), controls=sum(t.controls for t in tallies))

    def negated(self) -> Tally:
        """The tally that takes these records out again when added."""
        spellings = None
        if self.spellings is not None:
            spellings = self.spellings.set_column(2, "count", pc.negate(self.spellings["count"]))
        return Tally(keys=self.keys, occurrences=-self.occurrences, author=-self.author, spellings=spellings,
                     records=-self.records, with_keywords=-self.with_keywords, controls=-self.controls)

    def counts(self, field: str) -> KeywordCounts:
        """The :class:`~bibnet.keywords.KeywordCounts` of these records: labels chosen, as
        :func:`~bibnet.keywords.extract` chooses them."""
        keys = np.asarray(self.keys.to_pylist(), dtype=object)
        labels = keys
        if self.spellings is not None:
            position = pc.index_in(self.spellings["key"], value_set=self.keys).to_numpy(zero_copy_only=False)
            labels = best_spellings(keys, position.astype(np.int64),
                                    np.asarray(self.spellings["spelling"].to_pylist(), dtype=object),
                                    _ints(self.spellings["count"]))
        return KeywordCounts(field=field, keys=keys, labels=labels, occurrences=self.occurrences,
                             author_occurrences=self.author, records=self.records,
                             records_with_keywords=self.with_keywords, control_characters_removed=self.controls)


def _add(codes: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Sum of ``values`` per code (whole numbers, exactly)."""
    total = np.zeros(size, dtype=np.int64)
    np.add.at(total, codes, values)
    return total


def _ints(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(column.to_numpy(), dtype=np.int64) if len(column) else np.zeros(0, np.int64)
