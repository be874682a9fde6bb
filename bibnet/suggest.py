"""Suggested thesaurus: spelling variants of one keyword, found in the corpus itself.

Published keyword maps are full of split terms ("system" / "systems", "behaviour" /
"behavior", "crm" / "customer relationship management"). :func:`suggest_thesaurus` finds
such variants among the keywords of a corpus and proposes a VOSviewer thesaurus that merges
each group of variants into its canonical form; :func:`write_thesaurus` writes it, with a side
CSV that explains every line, so the user can review it before using it.

How it works. Each rule is a small function that rewrites the *matching key* of every
keyword (e.g. the plural rule turns the key ``"learning functions"`` into
``"learning function"`` when that form also occurs). The rules run one after the other, each
on the keys left by the previous one; keywords that end with the same key are variants of
one another. Every rule can be switched off with :class:`SuggestRules`.

Precision comes first: a rule only rewrites what it can rewrite safely, and two keywords are
merged only when both occur in the corpus. There is no stemming ("organic" and
"organization" never meet), plurals are only merged with a singular that occurs in the
corpus, and short or protected words ("gas", "aids", "analysis", "physics", "series") are
left alone.

Canonical form: the most frequent variant (ties: the alphabetically first). Acronyms are the
exception: a full term beats its "full term (acronym)" form, which beats the bare acronym,
because a map label "customer relationship management" is readable without the paper.
Every label maps straight to its canonical form (VOSviewer applies a thesaurus in one pass).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.keywords import KeywordOccurrences
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from bibnet.errors import OptionError
from bibnet.tables import to_csv

COLUMNS: tuple[str, ...] = ("label", "replace_by", "rule", "label_occurrences", "canonical_occurrences")


@dataclass(frozen=True)
class SuggestRules:
    """Which variant rules :func:`suggest_thesaurus` applies (all on by default).

    Attributes
    ----------
    unicode
        Unicode variants: NFKC (ligatures, full-width letters, composed accents), curly
        quotes, en/em dashes and minus signs, non-breaking and zero-width spaces, soft hyphens.
    case_space
        Case and white space (as keyword cleaning does), spaces around hyphens and slashes
        (``"food - mood"``) and a trailing slash or hyphen.
    hyphen
        Hyphens, spaces and closed compounds: ``"meta-analysis"`` = ``"meta analysis"`` =
        ``"metaanalysis"`` (joined only when both parts have 3+ letters, or one is a number, and
        the joined form occurs); possessives: ``"alzheimer's disease"`` = ``"alzheimer disease"``.
    spelling
        British and American spelling: -isation/-ization and -ise/-ize (all inflections),
        -our/-or, -yse/-yze, -tre/-ter, -lled/-led, ae/oe (``"haemoglobin"``) and a few words
        (``"ageing"``, ``"programme"``, ``"sulphate"``), each from a word list where needed.
    plural
        English plurals of the head noun (the last word, or the word before "of": "mechanisms
        of action") - -s, -es, -ies, -ses/-sis - when the singular form occurs; never for
        protected words and endings (-ss, -us, -is, -ics, "series", "news", "rights", ...) or
        singulars under 4 letters ("gas" / "ga"), see :data:`PROTECTED_PLURALS`.
    acronym
        Acronyms defined in the data: ``"customer relationship management (crm)"`` and
        ``"crm"`` join ``"customer relationship management"``; so does an acronym that shares
        records with a full term whose initials it spells.
    """

    unicode: bool = True
    case_space: bool = True
    hyphen: bool = True
    spelling: bool = True
    plural: bool = True
    acronym: bool = True


# -- the rules: each maps the unique current keys to new keys ------------------------------------------
# A rule gets the distinct current keys (object array, in no set order) and the corpus context and returns
# one new key per key. "Does the other form occur?" is answered by ctx.resolve.

@dataclass(frozen=True)
class _Context:
    """What rules may look at besides the keys.

    Attributes
    ----------
    keys
        The current keys.
    renamed
        Every earlier form of a keyword (the keyword itself, its key after an earlier rule)
        that is no longer a key -> its current key: the plural rule finds the singular
        "learning-function" although the hyphen rule renamed it "learningfunction".
    incidence
        Documents x current keys, 1 where the document has the key; ``None`` without
        document-keyword pairs.
    """

    keys: frozenset[str]
    renamed: dict[str, str]
    incidence: sp.csr_matrix | None = None

    def resolve(self, form: str) -> str | None:
        """The current key of a form some keyword had (or has), else ``None``."""
        return form if form in self.keys else self.renamed.get(form)


_Rule = Callable[[np.ndarray, _Context], np.ndarray]


def _vectorize(fn: Callable[[str], str]) -> Callable[[np.ndarray], np.ndarray]:
    """Apply a string function to an object array (the rules work on unique keys only)."""
    return lambda keys: np.array([fn(k) for k in keys], dtype=object)


def _arrow(keys: np.ndarray) -> pa.Array:
    return pa.array(keys, type=pa.large_string())


def _numpy(values: pa.Array) -> np.ndarray:
    return values.to_numpy(zero_copy_only=False)


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


def unicode_rule(keys: np.ndarray, ctx: _Context) -> np.ndarray:
    """NFKC, straight quotes, ASCII hyphens, plain spaces, then clean again."""
    return _vectorize(_unicode_key)(keys)


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


def case_space_rule(keys: np.ndarray, ctx: _Context) -> np.ndarray:
    """Lower case, single spaces, no spaces around ``-``/``/``, no trailing ``-``/``/``."""
    return _vectorize(_case_space_key)(keys)


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


def hyphen_rule(keys: np.ndarray, ctx: _Context) -> np.ndarray:
    """Hyphens and possessive apostrophes become spaces; a spaced form joins an occurring closed form."""
    separated = _vectorize(_separated_key)(keys)
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


# British / American spelling ------------------------------------------------------------------------
# Word lists keep the rules away from look-alikes: "-our" only for these stems (never "four", "tour",
# "flour"), "-tre" only for these (never "genre", "acre"), "-ll-" only for these ("filling" is not
# "filing"). "-ise" is any stem of 3+ letters except true -ise words ("exercise", "advertise").
_OUR_STEMS = ("behavi", "col", "fav", "flav", "lab", "tum", "hum", "hon", "neighb", "od", "rum", "vap",
              "harb", "vig", "sav", "arm", "endeav", "cand", "clam", "parl", "splend", "val", "ferv", "rig",
              "savi", "ard", "ranc", "demean")
_TRE_STEMS = ("cent", "fib", "theat", "met", "lit", "calib", "sab", "somb", "spect", "lust", "meag", "scept",
              "goit", "mit")
_LL_STEMS = ("model", "label", "travel", "fuel", "signal", "cancel", "level", "channel", "counsel", "tunnel",
             "total", "equal", "dial", "marvel", "pedal", "panel", "rival", "jewel", "shovel", "funnel",
             "libel", "duel", "ravel", "snorkel", "initial", "quarrel", "barrel", "pencil", "tranquil")
_ISE_NOT_IZE = ("advert", "adv", "chast", "circumc", "compr", "comprom", "dem", "desp", "dev", "disgu",
                "enterpr", "exc", "exerc", "expert", "franch", "improv", "inc", "merchand", "parad",
                "prec", "conc", "prem", "prom", "rev", "superv", "surpr", "telev", "treat", "cru", "bru",
                "pra", "chem", "turquo", "val", "an", "repr", "appr", "upr")
_SPELLING: tuple[tuple[re.Pattern, str], ...] = tuple((re.compile(p), r) for p, r in (
    # -ise/-isation -> -ize/-ization with every inflection
    (rf"^(?!(?:{'|'.join(_ISE_NOT_IZE)})is)([a-z]{{3,}})is(e|es|ed|ing|er|ers|ation|ations|ational|able|ability)$",
     r"\1iz\2"),
    (r"^([a-z]{2,})lys(e|ed|er|ers|ing)$", r"\1lyz\2"),  # not "-lyses": the plural of "-lysis"
    (rf"^([a-z]*(?:{'|'.join(_OUR_STEMS)}))our([a-z]*)$", r"\1or\2"),
    (rf"^([a-z]*(?:{'|'.join(_TRE_STEMS)}))re(s?)$", r"\1er\2"),  # centre(s) -> center(s)
    (rf"^([a-z]*(?:{'|'.join(_TRE_STEMS)}))r(ed|ing)$", r"\1er\2"),  # centred -> centered
    (rf"^([a-z]*(?:{'|'.join(_LL_STEMS)}))l(ing|ed|er|ers|ings)$", r"\1\2"),
    # ae/oe in (mostly medical) words: anaemia, glycaemic, haemoglobin, paediatric, oestrogen, foetal
    (r"aemi", "emi"), (r"haem", "hem"), (r"paed", "ped"), (r"^oestr", "estr"),
    (r"^foet", "fet"), (r"^oesophag", "esophag"), (r"^oedem", "edem"), (r"^anaesth", "anesth"),
    (r"^aetiol", "etiol"), (r"^gynaec", "gynec"), (r"^coeliac", "celiac"), (r"^faec", "fec"),
    (r"^palaeo", "paleo"), (r"^homoeo", "homeo"), (r"rrhoea", "rrhea"), (r"pnoea", "pnea"),
    (r"^manoeuvr", "maneuver"), (r"^caesar(e|i)an", r"cesar\1an"),
    # single words
    (r"^ageing$", "aging"), (r"^grey(s|er|est|ish|scale)?$", r"gray\1"), (r"^programme(s)?$", r"program\1"),
    (r"^(catalog|analog)ue(s|d)?$", r"\1\2"), (r"^(defen|offen|licen)ce(s)?$", r"\1se\2"),
    (r"^sulph", "sulf"), (r"^aluminium$", "aluminum"), (r"^(judg|acknowledg)ement(s)?$", r"\1ment\2"),
    (r"^(enrol|fulfil|instal)ment(s)?$", r"\1lment\2"), (r"^(skil|wil)ful(ly|ness)?$", r"\1lful\2"),
    (r"^artefact(s)?$", r"artifact\1"), (r"^sceptic", "skeptic"), (r"^mould", "mold"),
    (r"^plough", "plow"), (r"^cosy$", "cozy"), (r"^jewellery$", "jewelry"), (r"^mediaeval$", "medieval"),
))


@lru_cache(maxsize=1 << 16)
def _american(word: str) -> str:
    for pattern, replacement in _SPELLING:
        word = pattern.sub(replacement, word)
    return word


def spelling_rule(keys: np.ndarray, ctx: _Context) -> np.ndarray:
    """Every word spelled the American way (a key only; the canonical form is the most frequent)."""
    arr = _arrow(keys)
    words = pc.unique(pc.list_flatten(pc.split_pattern_regex(arr, r"[^a-z]+")))
    changed = {w: a for w in words.to_pylist() if (a := _american(w)) != w}
    out = keys.copy()
    if not changed:
        return out
    # longest first, so that a word is never replaced by a shorter alternative it starts with
    alternatives = "|".join(sorted(changed, key=lambda w: (-len(w), w)))
    pattern = re.compile(rf"(?<![a-z])(?:{alternatives})(?![a-z])")
    todo = _numpy(pc.match_substring_regex(arr, alternatives))  # a cheap superset of the keys to rewrite
    out[todo] = _vectorize(lambda key: pattern.sub(lambda m: changed[m.group()], key))(keys[todo])
    return out


# plurals ----------------------------------------------------------------------------------------------
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


def plural_rule(keys: np.ndarray, ctx: _Context) -> np.ndarray:
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

    return _vectorize(singular)(keys)


# acronyms ---------------------------------------------------------------------------------------------
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

    @lru_cache(maxsize=None)
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
    lists = pc.split_pattern_regex(_arrow(keys), r"[^\pL\pN]+")
    words = pc.list_flatten(lists)
    keep = _numpy(pc.not_equal(words, ""))
    parent = _numpy(pc.list_parent_indices(lists))[keep]
    words = words.filter(pa.array(keep))
    heads = _numpy(pc.if_else(pc.utf8_is_digit(words), words, pc.utf8_slice_codeunits(words, 0, 1)))
    stop = _numpy(pc.is_in(words, value_set=pa.array(sorted(_STOPWORDS), pa.large_string())))
    multi = np.bincount(parent, minlength=len(keys)) >= 2

    def join(mask: np.ndarray) -> np.ndarray:
        offsets = np.r_[0, np.cumsum(np.bincount(parent[mask], minlength=len(keys)))]
        lists = pa.LargeListArray.from_arrays(pa.array(offsets, pa.int64()), _arrow(heads[mask]))
        joined = _numpy(pc.binary_join(lists, pa.scalar("", pa.large_string()))).astype(object)
        joined[~multi] = ""
        return joined

    return join(np.ones(len(heads), dtype=bool)), join(~stop)


def acronym_rule(keys: np.ndarray, ctx: _Context) -> np.ndarray:
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
        for i in np.flatnonzero(pd.Series(initials).isin(bare).to_numpy()):
            forms.setdefault((initials[i], keys[i]), [])
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
    for (acronym, long), n in zip(candidates, shared):
        if n > 0:
            supported.setdefault(acronym, []).append(long)
    for acronym, longs in supported.items():
        if len(longs) == 1:
            out[index[acronym]] = longs[0]
    return out


# -- driver ---------------------------------------------------------------------------------------------
#: The rules in the order they run; names are the ``rule`` column values and SuggestRules fields.
RULES: dict[str, _Rule] = {
    "unicode": unicode_rule,
    "case_space": case_space_rule,
    "hyphen": hyphen_rule,
    "spelling": spelling_rule,
    "plural": plural_rule,
    "acronym": acronym_rule,
}


def suggest_thesaurus(
    counts: pd.DataFrame,
    *,
    pairs: pd.DataFrame | None = None,
    rules: SuggestRules = SuggestRules(),
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
            renamed.update(zip(forms[moved], current[moved]))
        incidence = _incidence(keywords, inverse, pairs, len(uniq)) if name == "acronym" else None
        ctx = _Context(frozenset(uniq), renamed, incidence)
        stages.append((name, rule(uniq, ctx)[inverse]))
    return stages


def _incidence(keywords: np.ndarray, key_of: np.ndarray, pairs: pd.DataFrame | None, n_keys: int) -> sp.csr_matrix | None:
    """Documents x current keys, from the document-keyword pairs."""
    if pairs is None:
        return None
    position = pc.index_in(pa.array(pairs["keyword"], pa.large_string()), value_set=_arrow(keywords))
    position = _numpy(position.fill_null(-1))
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
    return ["+".join(n for n, u in zip(names, column) if u) for column in used.T]


# -- files ----------------------------------------------------------------------------------------------
def _vos_field(text: str) -> str:
    """A field as VOSviewer writes it: one line, double-quoted when it holds ``,`` ``;`` or ``"``."""
    text = re.sub(r"[\t\r\n]+", " ", text)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',;"') else text


def write_thesaurus(df: pd.DataFrame, path: str | Path, *, explain_path: str | Path | None = None) -> Path:
    """Write suggestions as a VOSviewer thesaurus file (and optionally a CSV explaining them).

    Parameters
    ----------
    df
        The table of :func:`suggest_thesaurus` (``label`` and ``replace_by``; the explanation
        also uses ``rule``, ``label_occurrences`` and ``canonical_occurrences``).
    path
        The thesaurus: UTF-8, header ``label<TAB>replace by``, one line per label, LF line
        ends; a value with ``,``, ``;`` or ``"`` is double-quoted, as in VOSviewer's files.
    explain_path
        If given, a CSV (as bibnet writes tables: UTF-8 with BOM, text quoted) with the
        columns of ``df`` and ``variants``: every variant of the label's group with its
        occurrences, most frequent first.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = (f"{_vos_field(a)}\t{_vos_field(b)}" for a, b in zip(df["label"], df["replace_by"]))
    path.write_text("\n".join(["label\treplace by", *rows]) + "\n", encoding="utf-8", newline="")
    if explain_path is not None:
        explain_path = Path(explain_path)
        explain_path.parent.mkdir(parents=True, exist_ok=True)
        explain_path.write_text(to_csv(explain(df)), encoding="utf-8-sig", newline="")
    return path


def explain(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with a ``variants`` column: ``"system (120); systems (45)"`` for each label's group."""
    columns = ["group", "variant", "n"]
    members = pd.concat([
        df[["replace_by", "label", "label_occurrences"]].set_axis(columns, axis=1),
        df[["replace_by", "replace_by", "canonical_occurrences"]].set_axis(columns, axis=1).drop_duplicates(),
    ]).sort_values(["group", "n", "variant"], ascending=[True, False, True], kind="stable")
    text = (members["variant"] + " (" + members["n"].astype(str) + ")").groupby(members["group"]).agg("; ".join)
    return df.assign(variants=df["replace_by"].map(text))


def suggest_for(occurrences: KeywordOccurrences, *, rules: SuggestRules = SuggestRules(), min_occurrences: int = 1) -> pd.DataFrame:
    """:func:`suggest_thesaurus` for the keywords of a :class:`bibnet.keywords.KeywordOccurrences`.

    Uses the cleaned keys (not display labels) and the record-keyword pairs of its matrix, so
    bare acronyms can be matched to long forms used in the same records.
    """
    counts = pd.DataFrame({"keyword": occurrences.keys, "occurrences": occurrences.occurrences})
    coo = occurrences.matrix.tocoo()
    pairs = pd.DataFrame({"doc": coo.row, "keyword": occurrences.keys[coo.col]})
    return suggest_thesaurus(counts, pairs=pairs, rules=rules, min_occurrences=min_occurrences)
