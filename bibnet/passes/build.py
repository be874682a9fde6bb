"""Networks from what the passes counted: the selection of :func:`bibnet.build_network`, on sums.

The threshold, top N and largest component are chosen as :func:`bibnet.selection.select`
chooses them, the strengths weighed by :func:`bibnet.cooccurrence.strengths` and the scores
by :func:`bibnet.scores.scores_from_sums`, from the same whole-number counts: a network
counted in passes equals the in-memory one, to the bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from bibnet.cooccurrence import strengths
from bibnet.corpus import Corpus
from bibnet.errors import OptionError
from bibnet.keyword_fields import SplitKeywords
from bibnet.network import Network, item_table
from bibnet.passes.counted import Counted
from bibnet.passes.documents import FromFiles
from bibnet.scores import scores_from_sums
from bibnet.selection import NetworkParams, check_mappable, largest_component, select_columns, top_by_link_strength


def network(counted: Counted, *, params: NetworkParams) -> Network:
    """The network of field ``params.keywords`` of ``counted`` (counted with ``params``' thesaurus,
    label case, counting and at most its threshold).

    Raises
    ------
    NoKeywordsError
        As :func:`bibnet.build_network`.
    """
    _check(counted, params)
    count = counted.fields[params.keywords]
    keywords = count.keywords
    check_mappable(_source(counted), keywords, params=params)
    kept = np.flatnonzero(keywords.occurrences >= params.min_occurrences)
    meeting = len(kept)
    on = np.searchsorted(count.candidates, keywords.keys[kept])  # each kept keyword is a candidate
    cooc = strengths(count.sums.cooccurrence_counts(on), counting=params.counting, size=len(kept))
    for chosen in (top_by_link_strength(cooc, params.top) if params.top is not None and params.top < len(kept) else None,
                   largest_component(cooc) if params.largest_component and len(kept) else None):
        if chosen is not None:
            kept, on, cooc = kept[chosen], on[chosen], select_columns(cooc[chosen], chosen)
    author = keywords.author_occurrences[kept] if params.keywords == "all" else None
    items = item_table(labels=keywords.labels[kept], keys=keywords.keys[kept], occurrences=keywords.occurrences[kept],
                       cooccurrence=cooc, scores=scores_from_sums(count.sums.score_sums().take(on), counted.groups),
                       author_occurrences=author)
    return Network(items=items, cooccurrence=cooc, incidence=None, records=pd.DataFrame({"DB": counted.databases}),
                   keywords=keywords, params=params, keywords_meeting_threshold=meeting,
                   source=FromFiles(counted.for_documents()))


def _check(counted: Counted, params: NetworkParams) -> None:
    """Raise :class:`~bibnet.errors.OptionError` unless the counts can give the network of ``params``:
    the field counted, the same thesaurus, labels and counting, and a threshold no lower."""
    base = counted.params
    if params.keywords not in counted.fields:
        raise OptionError(f"the {params.keywords!r} keywords were not counted; count them: "
                          f"count_files(..., fields=[{params.keywords!r}])")
    for name in ("thesaurus", "label_case", "counting"):
        if getattr(params, name) != getattr(base, name):
            raise OptionError(f"these counts were made with {name} {getattr(base, name)!r}, not "
                              f"{getattr(params, name)!r}: count the files again with it")
    if params.min_occurrences < base.min_occurrences:
        raise OptionError(f"these counts hold the links of keywords occurring at least {base.min_occurrences} times: "
                          f"count the files again for a minimum of {params.min_occurrences}")
    if params.clean != "none":
        raise OptionError("clean='auto' suggests merges from the records themselves: build the network from "
                          "bibnet.read(...) instead")


def _source(counted: Counted) -> Corpus:
    """What :func:`~bibnet.selection.check_mappable` asks of the records, to say why a field has no
    keyword: their databases, the load report, and whether any record has each keyword field
    (a field of one record standing for all)."""
    held = {tag: SplitKeywords.from_text(pa.array(["x" if any_filled else None], pa.large_string()))
            for tag, any_filled in counted.filled.items()}
    return Corpus(records=pd.DataFrame({"DB": counted.databases}), report=counted.report, keyword_fields=held)
