"""The suggestion table: run the rules, group the variants, pick each group's canonical form."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from bibnet.errors import OptionError
from bibnet.suggest.context import Context, as_arrow, as_numpy
from bibnet.suggest.rules import ALL_RULES, RULES, SuggestRules

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.keywords import KeywordOccurrences

#: Columns of the suggestion table, in order.
COLUMNS: tuple[str, ...] = ("label", "replace_by", "rule", "label_occurrences", "canonical_occurrences")


def suggest_thesaurus(
    counts: pd.DataFrame,
    *,
    pairs: pd.DataFrame | None = None,
    rules: SuggestRules = ALL_RULES,
    min_occurrences: int = 1,
) -> pd.DataFrame:
    """Suggest a thesaurus that merges the variants of each keyword into one canonical form.

    Parameters
    ----------
    counts
        One row per distinct cleaned keyword: columns ``keyword`` and ``occurrences``
        (number of documents).
    pairs
        Optional: columns ``doc`` and ``keyword``, one row per document-keyword occurrence.
        Needed for bare acronyms ("crm"): one joins its long form only where a record uses
        both; without pairs they are left alone ("long form (crm)" still merges).
    rules
        Which rules run (see :class:`SuggestRules`).
    min_occurrences
        Only suggest merges whose variants together have at least this many occurrences
        (a record with two variants counts twice here).

    Returns
    -------
    pandas.DataFrame
        Columns ``label`` (a variant), ``replace_by`` (its canonical form, never itself a
        label), ``rule`` (the rules that rewrote either form on the way to their shared key,
        ``+``-joined in run order: ``"hyphen+plural"``),
        ``label_occurrences`` and ``canonical_occurrences``. Sorted by canonical occurrences
        (descending), canonical form, label occurrences (descending) and label.
    """
    if min_occurrences < 1:
        raise OptionError(f"minimum occurrences must be at least 1, not {min_occurrences}")
    missing = {"keyword", "occurrences"} - set(counts.columns)
    if missing:
        raise ValueError(f"counts lacks column(s) {', '.join(sorted(missing))}")
    keywords = counts["keyword"].to_numpy(dtype=object)
    occurrences = counts["occurrences"].to_numpy(dtype=np.int64)
    if not all(isinstance(k, str) for k in keywords):
        raise ValueError("counts has a keyword that is not a string")
    if len(set(keywords)) != len(keywords):
        raise ValueError("counts has a keyword twice; give one row per distinct keyword")
    if len(keywords) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object if i < 3 else np.int64) for i, c in enumerate(COLUMNS)})

    stages = _run_rules(keywords, pairs, rules)
    final = stages[-1][1]
    table = _merges(keywords, occurrences, final, _form_rank(stages))
    table = table[table["group_occurrences"] >= min_occurrences]
    table.insert(2, "rule", _attribute(stages, table["label_index"].to_numpy(), table["canonical_index"].to_numpy()))
    order = ["canonical_occurrences", "replace_by", "label_occurrences", "label"]
    table = table.sort_values(order, ascending=[False, True, False, True], kind="stable")
    return table[list(COLUMNS)].reset_index(drop=True)


def _run_rules(keywords: np.ndarray, pairs: pd.DataFrame | None,
               rules: SuggestRules) -> list[tuple[str, np.ndarray]]:
    """The key of every keyword before the first rule and after each enabled rule.

    Rules see each distinct key once; their result does not depend on the order of the keys.
    """
    stages = [("", keywords.astype(object))]
    for name, rule in RULES.items():
        if not getattr(rules, name):
            continue
        current = stages[-1][1]
        inverse, uniq = pd.factorize(current)
        uniq = np.asarray(uniq, dtype=object)
        renamed: dict[str, str] = {}
        for _, forms in stages[:-1]:
            moved = forms != current
            renamed.update(zip(forms[moved], current[moved], strict=True))
        incidence = _incidence(keywords, inverse, pairs, len(uniq)) if name == "acronym" else None
        ctx = Context(frozenset(uniq), renamed, incidence)
        stages.append((name, rule(uniq, ctx)[inverse]))
    return stages


def _incidence(keywords: np.ndarray, key_of: np.ndarray, pairs: pd.DataFrame | None, n_keys: int) -> sp.csr_matrix | None:
    """Documents x current keys, from the document-keyword pairs."""
    if pairs is None:
        return None
    position = pc.index_in(pa.array(pairs["keyword"], pa.large_string()), value_set=as_arrow(keywords))
    position = as_numpy(position.fill_null(-1))
    known = position >= 0
    docs = pd.factorize(pairs["doc"].to_numpy()[known], sort=True)[0]
    cols = key_of[position[known]]
    data = np.ones(len(cols), dtype=np.int32)
    inc = sp.csr_matrix((data, (docs, cols)), shape=(docs.max(initial=-1) + 1, n_keys))
    inc.data[:] = 1  # a document with two variants of one key still counts once
    return inc


def _form_rank(stages: list[tuple[str, np.ndarray]]) -> np.ndarray:
    """0 for ordinary keywords, 1 for "long form (acronym)", 2 for bare acronyms the acronym rule moved."""
    rank = np.zeros(len(stages[0][1]), dtype=np.int64)
    if stages[-1][0] == "acronym":
        before, after = stages[-2][1], stages[-1][1]
        moved = before != after
        bare = np.array([" " not in k for k in before], dtype=bool)
        rank[moved] = np.where(bare[moved], 2, 1)
    return rank


def _merges(keywords: np.ndarray, occurrences: np.ndarray, final: np.ndarray, rank: np.ndarray) -> pd.DataFrame:
    """One row per keyword that is not the canonical form of its group of variants."""
    group = pd.factorize(final)[0]
    # canonical = best form, then most frequent, then alphabetically first
    order = np.lexsort((keywords, -occurrences, rank, group))
    first = order[np.r_[True, group[order][1:] != group[order][:-1]]]
    canonical = np.empty(group.max(initial=-1) + 1, dtype=np.int64)
    canonical[group[first]] = first
    size = np.bincount(group)
    total = np.bincount(group, weights=occurrences).astype(np.int64)
    label = np.flatnonzero((size[group] > 1) & (canonical[group] != np.arange(len(group))))
    canon = canonical[group[label]]
    return pd.DataFrame({
        "label": keywords[label], "replace_by": keywords[canon],
        "label_occurrences": occurrences[label], "canonical_occurrences": occurrences[canon],
        "group_occurrences": total[group[label]], "label_index": label, "canonical_index": canon,
    })


def _attribute(stages: list[tuple[str, np.ndarray]], label: np.ndarray, canon: np.ndarray) -> list[str]:
    """The rules that brought each label and its canonical form together.

    A rule counts when it changed the key of either while their keys still differed.
    """
    used = np.zeros((len(stages) - 1, len(label)), dtype=bool)
    for s in range(1, len(stages)):
        before, after = stages[s - 1][1], stages[s][1]
        apart = before[label] != before[canon]
        changed = (after[label] != before[label]) | (after[canon] != before[canon])
        used[s - 1] = apart & changed
    names = [name for name, _ in stages[1:]]
    return ["+".join(n for n, u in zip(names, column, strict=True) if u) for column in used.T]


def suggest_for(occurrences: KeywordOccurrences, *, rules: SuggestRules = ALL_RULES,
                min_occurrences: int = 1) -> pd.DataFrame:
    """:func:`suggest_thesaurus` for the keywords of a :class:`bibnet.keywords.KeywordOccurrences`.

    Uses the cleaned keys (not display labels) and the record-keyword pairs of its matrix, so
    bare acronyms can be matched to long forms used in the same records.
    """
    counts = pd.DataFrame({"keyword": occurrences.keys, "occurrences": occurrences.occurrences})
    coo = occurrences.matrix.tocoo()
    pairs = pd.DataFrame({"doc": coo.row, "keyword": occurrences.keys[coo.col]})
    return suggest_thesaurus(counts, pairs=pairs, rules=rules, min_occurrences=min_occurrences)
