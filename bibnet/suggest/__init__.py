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

Modules: :mod:`~bibnet.suggest.context` (what a rule is given), one module per kind of
variant (:mod:`~bibnet.suggest.typography`, :mod:`~bibnet.suggest.spelling`,
:mod:`~bibnet.suggest.plurals`, :mod:`~bibnet.suggest.acronyms`), :mod:`~bibnet.suggest.rules`
(their order and switches), :mod:`~bibnet.suggest.merges` (the suggestion table) and
:mod:`~bibnet.suggest.thesaurus_file` (the files).
"""

from bibnet.suggest.acronyms import (
    NOT_ACRONYMS,
    _spells,  # noqa: F401  (the acronym matcher, tested on its own)
    acronym_rule,
)
from bibnet.suggest.merges import COLUMNS, suggest_for, suggest_thesaurus
from bibnet.suggest.plurals import ICS_PLURALS, PROTECTED_PLURALS, SHORT_NOUNS, plural_rule
from bibnet.suggest.rules import ALL_RULES, RULES, SuggestRules
from bibnet.suggest.spelling import spelling_rule
from bibnet.suggest.thesaurus_file import explain, write_thesaurus
from bibnet.suggest.typography import case_space_rule, hyphen_rule, unicode_rule

__all__ = [
    "ALL_RULES", "COLUMNS", "ICS_PLURALS", "NOT_ACRONYMS", "PROTECTED_PLURALS", "RULES", "SHORT_NOUNS", "SuggestRules",
    "acronym_rule", "case_space_rule", "explain", "hyphen_rule", "plural_rule", "spelling_rule",
    "suggest_for", "suggest_thesaurus", "unicode_rule", "write_thesaurus",
]
