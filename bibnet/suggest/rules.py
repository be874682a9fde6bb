"""The variant rules: which exist, the order they run in, and which to apply."""

from __future__ import annotations

from dataclasses import dataclass

from bibnet.suggest.acronyms import acronym_rule
from bibnet.suggest.context import Rule
from bibnet.suggest.plurals import plural_rule
from bibnet.suggest.spelling import spelling_rule
from bibnet.suggest.typography import case_space_rule, hyphen_rule, unicode_rule


@dataclass(frozen=True)
class SuggestRules:
    """Which variant rules :func:`~bibnet.suggest.suggest_thesaurus` applies (all on by default).

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
        singulars under 4 letters ("gas" / "ga"), see :data:`~bibnet.suggest.plurals.PROTECTED_PLURALS`.
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


#: Every rule on (the default).
ALL_RULES = SuggestRules()

#: The rules in the order they run; names are the ``rule`` column values and SuggestRules fields.
RULES: dict[str, Rule] = {
    "unicode": unicode_rule,
    "case_space": case_space_rule,
    "hyphen": hyphen_rule,
    "spelling": spelling_rule,
    "plural": plural_rule,
    "acronym": acronym_rule,
}
