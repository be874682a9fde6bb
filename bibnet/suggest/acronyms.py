"""Acronyms: "long form (short)", "short (long form)" and bare acronyms join the long form."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from bibnet.suggest.context import Context, as_arrow, as_numpy

_STOPWORDS = frozenset({"a", "an", "and", "by", "de", "for", "in", "of", "on", "or", "the", "to", "with"})
#: English words that spell initials ("us" = "united states") but are too often just words.
NOT_ACRONYMS: frozenset[str] = frozenset("""
    a am an as at be by do go he if in is it me my no of on or so to up us we all and any are but can
    for has her him his how its may not now one our out she the was way who why yes you
""".split())
_DEFINED = re.compile(r"^(.+?) \(([^()]+)\)$")  # "long form (short)" or "short (long form)"
_ACRONYM = re.compile(r"^(?=.*[a-z])[a-z0-9][a-z0-9-]{1,9}$")
_TERM_WORDS = re.compile(r"[^\W_]+")


def _spells(acronym: str, term: str) -> bool:
    """Whether ``acronym`` abbreviates all of ``term``.

    Its letters, in order, start every word of the term (stop words and numbers may be
    skipped) and may continue inside the word they started: "bmi" = "body mass index",
    "eeg" = "electroencephalography", "iot" = "internet of things", "egcg" =
    "epigallocatechin-3-gallate" - but not "al" = "artificial intelligence".
    """
    letters = acronym.replace("-", "")
    words = _TERM_WORDS.findall(term)

    @cache
    def match(i: int, w: int) -> bool:
        # letters[i:] spell words[w:]: letters[i] starts words[w], unless that word may be skipped
        if w == len(words):
            return i == len(letters)
        word = words[w]
        if (word in _STOPWORDS or word.isdigit()) and match(i, w + 1):
            return True
        if i == len(letters) or letters[i] != word[0]:
            return False
        pos = 1  # after the first letter, further letters may come from inside the same word
        for j in range(i + 1, len(letters) + 1):
            if match(j, w + 1):
                return True
            if j == len(letters) or (pos := word.find(letters[j], pos) + 1) == 0:
                return False
        return False

    return bool(words) and match(0, 0)


def _initials(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Initials of every key of 2+ words (else ""), with and without stop words:
    "internet of things" -> "iot", "it". A number counts whole: "type 2 diabetes" -> "t2d"."""
    lists = pc.split_pattern_regex(as_arrow(keys), r"[^\pL\pN]+")
    words = pc.list_flatten(lists)
    keep = as_numpy(pc.not_equal(words, ""))
    parent = as_numpy(pc.list_parent_indices(lists))[keep]
    words = words.filter(pa.array(keep))
    heads = as_numpy(pc.if_else(pc.utf8_is_digit(words), words, pc.utf8_slice_codeunits(words, 0, 1)))
    stop = as_numpy(pc.is_in(words, value_set=pa.array(sorted(_STOPWORDS), pa.large_string())))
    multi = np.bincount(parent, minlength=len(keys)) >= 2

    def join(mask: np.ndarray) -> np.ndarray:
        offsets = np.r_[0, np.cumsum(np.bincount(parent[mask], minlength=len(keys)))]
        lists = pa.LargeListArray.from_arrays(pa.array(offsets, pa.int64()), as_arrow(heads[mask]))
        joined = as_numpy(pc.binary_join(lists, pa.scalar("", pa.large_string()))).astype(object)
        joined[~multi] = ""
        return joined

    return join(np.ones(len(heads), dtype=bool)), join(~stop)


def acronym_rule(keys: np.ndarray, ctx: Context) -> np.ndarray:
    """"long (short)" and "short (long)" become "long"; a bare acronym becomes the one long form
    it shares records with.

    A long form is defined in the data ("long (short)") or is a term of 2+ words whose initials
    the acronym spells. A bare acronym joins a long form only if a record uses both (the
    acronym and the long form or its definition): "ir" in one paper may be
    "insulin resistance" and in another "international relations". With two such long forms,
    or without ``ctx.incidence``, it is left alone.
    """
    out = keys.copy()
    index = {k: i for i, k in enumerate(keys)}
    forms: dict[tuple[str, str], list[int]] = {}  # (acronym, long form) -> keys naming it
    for i, key in enumerate(keys):
        match = _DEFINED.match(key) if key.endswith(")") else None
        if match is None:
            continue
        long, short = match.groups()
        if not _ACRONYM.match(short):
            long, short = short, long  # "ai (artificial intelligence)"
        if _ACRONYM.match(short) and _spells(short, long):
            out[i] = long = ctx.resolve(long) or long
            forms.setdefault((short, long), []).append(i)
    bare = {k for k in keys if len(k) <= 10 and _ACRONYM.match(k) and k not in NOT_ACRONYMS}
    for initials in _initials(keys):
        for j in np.flatnonzero(pd.Series(initials).isin(bare).to_numpy()):
            forms.setdefault((initials[j], keys[j]), [])
    candidates = sorted((a, long) for a, long in forms if a in bare)
    if not candidates or ctx.incidence is None:
        return out

    # records that use each candidate long form (itself or a definition of it) and its acronym
    rows = [index[long] for _, long in candidates if long in index]
    cols = [c for c, (_, long) in enumerate(candidates) if long in index]
    for c, pair in enumerate(candidates):
        rows += forms[pair]
        cols += [c] * len(forms[pair])
    names = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(keys), len(candidates)))
    inc = ctx.incidence.tocsc()
    uses_long = (inc @ names) > 0
    uses_acronym = inc[:, [index[a] for a, _ in candidates]]
    shared = np.asarray(uses_long.multiply(uses_acronym).sum(axis=0)).ravel()

    supported: dict[str, list[str]] = {}
    for (acronym, long), n in zip(candidates, shared, strict=True):
        if n > 0:
            supported.setdefault(acronym, []).append(long)
    for acronym, longs in supported.items():
        if len(longs) == 1:
            out[index[acronym]] = longs[0]
    return out
