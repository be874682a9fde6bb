"""Typographic variants: Unicode forms, case and white space, hyphens, joins and apostrophes.

``"Meta-Analysis"`` (with any Unicode dash) and ``"meta - analysis"`` are one keyword, and so are
``"meta-analysis"``, ``"meta analysis"`` and ``"metaanalysis"`` when the closed form occurs.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from bibnet.suggest.context import Context, vectorize

# unicode --------------------------------------------------------------------------------------------
_UNICODE_MAP = str.maketrans({
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", None),  # zero-width characters, soft hyphen
})
_WHITESPACE = re.compile(r"\s+")  # Unicode-aware: also no-break and thin spaces


def _unicode_key(key: str) -> str:
    if key.isascii():  # nothing to fold (white space and case are the next rule's job)
        return key
    # Translate after NFKC: NFKC turns some characters into the ones the table folds.
    text = unicodedata.normalize("NFKC", key).translate(_UNICODE_MAP)
    return _WHITESPACE.sub(" ", text).strip().lower()


def unicode_rule(keys: np.ndarray, ctx: Context) -> np.ndarray:
    """NFKC, straight quotes, ASCII hyphens, plain spaces, then clean again."""
    return vectorize(_unicode_key)(keys)


# case and white space ---------------------------------------------------------------------------------
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_SPACED_HYPHEN = re.compile(r" - ")  # not "low- and middle-income": a one-sided space is meaningful
_SPACED_SLASH = re.compile(r" ?/ ?")
_CASE_SPACE_WORK = re.compile(r"[\t\n\r\f\v]|  |^ | $| - | /|/ |[-/]$")


def _case_space_key(key: str) -> str:
    if key == key.lower() and not _CASE_SPACE_WORK.search(key):
        return key
    key = _ASCII_SPACE.sub(" ", key).strip(" ").lower()
    key = _SPACED_SLASH.sub("/", _SPACED_HYPHEN.sub("-", key))
    return key.rstrip("/-").strip(" ") or key


def case_space_rule(keys: np.ndarray, ctx: Context) -> np.ndarray:
    """Lower case, single spaces, no spaces around ``-``/``/``, no trailing ``-``/``/``."""
    return vectorize(_case_space_key)(keys)


# hyphen, joins and apostrophes -----------------------------------------------------------------------
_INNER_HYPHEN = re.compile(r"(?<=[^\W_])-(?=[^\W_])")
_POSSESSIVE = re.compile(r"(?<=[^\W\d_])'s?(?=\s|$)")  # "alzheimer's" -> "alzheimer", "nurses'" -> "nurses"
_JOIN_PREFIXES = frozenset({"co"})  # short prefixes that are safe to join ("co-operation")


def _separated_key(key: str) -> str:
    """``"alzheimer's meta-analysis"`` -> ``"alzheimer meta analysis"``."""
    if "-" not in key and "'" not in key:
        return key
    return _INNER_HYPHEN.sub(" ", _POSSESSIVE.sub("", key))


def _joinable(left: str, right: str) -> bool:
    """Whether two words may be written as one: ``meta``+``analysis``, ``covid``+``19``."""
    if left.isalpha() and right.isalpha():
        return (len(left) >= 3 or left in _JOIN_PREFIXES) and len(right) >= 3
    # a number next to a word: "covid 19" = "covid19", "il 6" = "il6"
    return (left.isdigit() and right.isalpha()) or (left.isalpha() and right.isdigit())


def _joins(key: str) -> list[str]:
    """``key`` with one pair of neighbouring words written as one, at each place that allows it."""
    words = key.split(" ")
    return [" ".join(words[:i] + [words[i] + words[i + 1]] + words[i + 2:])
            for i in range(len(words) - 1) if _joinable(words[i], words[i + 1])]


def hyphen_rule(keys: np.ndarray, ctx: Context) -> np.ndarray:
    """Hyphens and possessive apostrophes become spaces; a spaced form joins an occurring closed form."""
    separated = vectorize(_separated_key)(keys)
    # only keys that equal another key but for spaces can be joined: test those alone
    squashed = pd.Series(separated).str.replace(" ", "", regex=False)
    spaced = pd.Series(separated).str.contains(" ", regex=False).to_numpy()
    candidates = np.flatnonzero(squashed.duplicated(keep=False).to_numpy())
    occurring = set(separated[candidates])

    # union-find over "one join apart"; the root is the form with the fewest spaces, then the first
    root: dict[str, str] = {}

    def find(key: str) -> str:
        while root.get(key, key) != key:
            key = root[key]
        return key

    def rank(key: str) -> tuple[int, str]:
        return key.count(" "), key

    for key in separated[candidates[spaced[candidates]]]:
        for joined in _joins(key):
            if joined in occurring:
                a, b = sorted((find(key), find(joined)), key=rank)
                if a != b:
                    root[b] = a
    separated[candidates] = [find(k) for k in separated[candidates]]
    return separated
