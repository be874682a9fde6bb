"""Every text a reader sees, in English, Russian and Kazakh, and numbers written for each language.

The catalogue of a language is one JSON file beside this module (``en.json``, ``ru.json``,
``kk.json``): keys to texts with ``{name}`` placeholders, filled by :func:`text`. The English
catalogue holds exactly the texts bibnet wrote before it had languages, so English output is
unchanged. Keys are grouped by prefix: ``table.`` (table headers), ``caption.``, ``figure.``,
``link.``, ``page.`` (the HTML report), ``network.`` (network figures), ``score.`` (weights and
scores), ``methods.``, ``counting.``, ``normalization.``, ``themes.``, ``themes_methods.``,
``quadrant.``, ``event.``, ``field.``, ``join.``, ``number.`` and ``plural.``.

A ``plural.`` text holds the forms of a word after a number, separated by ``|``: English
``one|other``, Russian ``one|few|many`` (1, 21 запись; 2-4, 22 записи; 5-20, 25 записей),
Kazakh one form (a noun after a numeral stays singular); :func:`plural` picks the form.

Numbers (:func:`number`): English as before, ``1,234.5``; Russian and Kazakh with a decimal
comma and thousands separated by a no-break space, ``1 234,5``. Keyword labels are data and are
never translated; neither are machine-readable files (VOSviewer, JSON).
"""

from __future__ import annotations

import functools
import json
import math
import re
from importlib import resources
from typing import Any

from bibnet.errors import OptionError
from bibnet.options import option

__all__ = ["LANGUAGES", "NBSP", "WORDS", "catalogue", "check_lang", "field_label", "in_sentence", "join", "lang_option",
           "localize", "number", "placeholders", "plural", "text", "word"]

#: The languages, English (the default) first.
LANGUAGES = ("en", "ru", "kk")
#: Thousands separator of Russian and Kazakh numbers.
NBSP = "\u00a0"
#: Number of plural forms per language.
PLURAL_FORMS = {"en": 2, "ru": 3, "kk": 1}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def lang_option() -> Any:
    """The declaration of the ``lang`` option (:func:`bibnet.options.option`), shared by the
    parameter classes whose outputs a reader sees."""
    return option("en", choices=LANGUAGES, what="language",
                  help="Language of every text a reader sees (tables, figures, methods, report): en, ru or kk. "
                       "Keywords, VOSviewer and JSON files are never translated.")


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """The texts of ``lang`` by key (read once)."""
    check_lang(lang)
    data = resources.files(__name__).joinpath(f"{lang}.json").read_text(encoding="utf-8")
    return dict(json.loads(data))


def text(key: str, *, lang: str = "en", **values: Any) -> str:
    """The text ``key`` in ``lang``, its placeholders filled with ``values`` (as given: format
    numbers with :func:`number` first).

    Raises
    ------
    KeyError
        No such key.
    """
    template = catalogue(lang)[key]
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template) if values else template


def plural(n: float, key: str, *, lang: str = "en") -> str:
    """The form of the word ``key`` (a ``plural.`` text) that follows the number ``n`` in ``lang``."""
    forms = catalogue(lang)[key].split("|")
    if lang != "ru":
        index = 0 if n == 1 else 1
    elif not float(n).is_integer():
        index = 1  # 2,5 записи: a fraction takes the genitive singular
    else:
        i = int(abs(n))
        index = 0 if i % 10 == 1 and i % 100 != 11 else 1 if 2 <= i % 10 <= 4 and not 12 <= i % 100 <= 14 else 2
    return forms[min(index, len(forms) - 1)]


def number(value: Any, *, lang: str = "en", decimals: int = 4) -> str:
    """A number as written in a paper: thousands separated, at most ``decimals`` decimals (trailing
    zeros dropped); ``None``, NA and NaN as ``number.missing`` ("n/a"); text as it is.

    English: ``9,543.887``; Russian and Kazakh: ``9 543,887`` (no-break space, decimal comma).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value) == "<NA>":
        return text("number.missing", lang=lang)
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        return str(value)
    x = float(value)
    if x.is_integer():
        return localize(f"{int(x):,}", lang=lang)
    return localize(f"{x:,.{decimals}f}".rstrip("0").rstrip("."), lang=lang)


def localize(digits: str, *, lang: str = "en") -> str:
    """A number written the English way (``1,234.5``) as ``lang`` writes it (``1 234,5``)."""
    check_lang(lang)
    return digits if lang == "en" else digits.translate(_DIGITS)


_DIGITS = str.maketrans({",": NBSP, ".": ","})


def join(parts: list[str], *, lang: str = "en", clauses: bool = False) -> str:
    """``a, b and c`` in ``lang``; ``clauses``: parts that hold commas themselves (Russian and
    Kazakh separate those with semicolons)."""
    sep, last = ("join.item_sep", "join.item_last") if clauses else ("join.sep", "join.last")
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return text(sep, lang=lang).join(parts[:-1]) + text(last, lang=lang) + parts[-1]


def field_label(field: str, name: str, *, lang: str = "en") -> str:
    """A keyword field's name in ``lang``: the generic names (``All keywords``, ``Author keywords``,
    ``Indexed keywords``) translated, a database's own (``Keywords Plus``, ``MeSH terms``) kept."""
    from bibnet.keywords import FIELD_NAMES

    return text(f"field.{field}", lang=lang) if lang != "en" and FIELD_NAMES.get(field) == name else name


def in_sentence(field: str, name: str, *, lang: str = "en") -> str:
    """A keyword field's name inside a sentence: generic names lower-cased, database names as written."""
    from bibnet.keywords import FIELD_NAMES

    label = field_label(field, name, lang=lang)
    return label.lower() if FIELD_NAMES.get(field) == name else label


#: Catalogue keys of the words bibnet's data holds in English: quadrants and evolution events.
WORDS = {"motor": "quadrant.motor", "basic": "quadrant.basic", "niche": "quadrant.niche",
         "emerging or declining": "quadrant.emerging", "continues": "event.continues", "splits": "event.splits",
         "merges": "event.merges", "splits and merges": "event.splits_merges", "appears": "event.appears",
         "vanishes": "event.vanishes"}


def word(value: Any, *, lang: str = "en") -> Any:
    """A quadrant or evolution event (:data:`WORDS`) in ``lang``; any other value as it is."""
    return text(WORDS[value], lang=lang) if isinstance(value, str) and value in WORDS else value


def placeholders(template: str) -> set[str]:
    """The names of the ``{name}`` placeholders of a text."""
    return set(_PLACEHOLDER.findall(template))


def check_lang(lang: str) -> str:
    """``lang`` if it is one of :data:`LANGUAGES`.

    Raises
    ------
    OptionError
        Unknown language (one line naming the languages).
    """
    if lang not in LANGUAGES:
        raise OptionError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang
