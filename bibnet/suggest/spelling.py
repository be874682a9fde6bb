"""British and American spelling: every word of a key spelled the American way."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pyarrow.compute as pc

from bibnet.suggest.context import Context, as_arrow, as_numpy, vectorize

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


def spelling_rule(keys: np.ndarray, ctx: Context) -> np.ndarray:
    """Every word spelled the American way (a key only; the canonical form is the most frequent)."""
    arr = as_arrow(keys)
    words = pc.unique(pc.list_flatten(pc.split_pattern_regex(arr, r"[^a-z]+")))
    changed = {w: a for w in words.to_pylist() if (a := _american(w)) != w}
    out = keys.copy()
    if not changed:
        return out
    # longest first, so that a word is never replaced by a shorter alternative it starts with
    alternatives = "|".join(sorted(changed, key=lambda w: (-len(w), w)))
    pattern = re.compile(rf"(?<![a-z])(?:{alternatives})(?![a-z])")
    todo = as_numpy(pc.match_substring_regex(arr, alternatives))  # a cheap superset of the keys to rewrite
    out[todo] = vectorize(lambda key: pattern.sub(lambda m: changed[m.group()], key))(keys[todo])
    return out
