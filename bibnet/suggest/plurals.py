"""English plurals: the head noun of a key becomes singular when the singular occurs."""

from __future__ import annotations

import re

import numpy as np

from bibnet.suggest.context import Context, vectorize

#: Never singularised: not plurals ("news", "series", "gas"), or plurals with a sense of their own
#: ("rights" is not "right", "values" not "value", "unions" not "the union").
PROTECTED_PLURALS: frozenset[str] = frozenset("""
    aids alias americas arms atlas bases bias blacks blues browns canvas chaos characters commons complexes
    cosmos customs damages demands diabetes drivers earnings ethos fairs futures gas glasses goods greens grounds
    headquarters heads herpes humanities interests kudos lens letters logos manners matters means measles
    minutes mumps news odds orders pampas pancreas papers pathos powers premises quarters rabies remains
    rights rickets savings scabies securities senses series species spirits surroundings thanks times
    troubles unions utilities values whites woods works
    calves elves halves knives leaves lives loaves selves shelves thieves wives wolves
""".split())
#: "-ics" words are fields ("physics", "economics", "genetics") unless they are listed here.
ICS_PLURALS: frozenset[str] = frozenset("""
    antibiotics probiotics prebiotics characteristics topics metrics clinics heuristics phenolics
    polyphenolics mosaics lyrics
""".split())
#: Singulars shorter than 4 letters are often acronyms ("ftm"/"ftms", "ga"/"gas"); these are not.
SHORT_NOUNS: frozenset[str] = frozenset("""
    ant art bat bee bog boy car cow day dog egg fan fat fig fly hen job law map oil pig rat sea tea toy
    war
""".split())
# The head noun: the word before the first " of " ("mechanisms of action"), else the last word.
_HEAD_WORD = re.compile(r"(?<![^\s/-])([a-z]+)(?= of )|(?<![^\s/-])([a-z]+)$")


def _singulars(word: str) -> tuple[str, ...]:
    """Candidate singulars of ``word``, most specific first; empty if it must stay as it is."""
    if (len(word) < 4 or word in PROTECTED_PLURALS or not word.endswith("s")
            or word.endswith(("ss", "us", "is")) or (word.endswith("ics") and word not in ICS_PLURALS)):
        return ()
    candidates: list[str] = []
    if word.endswith("ies"):
        candidates += [word[:-3] + "y", word[:-1]]  # studies -> study; calories -> calorie
    elif word.endswith("ses"):
        candidates += [word[:-3] + "sis", word[:-2], word[:-1]]  # analyses -> analysis; processes -> process
    elif word.endswith(("xes", "zes", "ches", "shes", "oes")):
        candidates += [word[:-2], word[:-1]]  # approaches -> approach; tomatoes -> tomato
    else:
        candidates.append(word[:-1])
    return tuple(c for c in candidates if len(c) >= 4 or c in SHORT_NOUNS)


def plural_rule(keys: np.ndarray, ctx: Context) -> np.ndarray:
    """The head noun of a key becomes singular when the singular form occurs (in any earlier form)."""

    def singular(key: str) -> str:
        if not key.endswith("s") and "s of " not in key:
            return key
        match = _HEAD_WORD.search(key)
        if match is None:
            return key
        before, after = key[:match.start()], key[match.end():]
        found = (ctx.resolve(before + s + after) for s in _singulars(match.group()))
        return next((k for k in found if k is not None), key)

    return vectorize(singular)(keys)
