"""The methods paragraph of a themes-over-time run: periods, measures, parameters and references."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from bibnet.report import REFERENCES as MAP_REFERENCES
from bibnet.texts import join, localize, number, plural, text

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.dynamics.params import ThemesParams
    from bibnet.dynamics.periods import Period

REFERENCES = {
    "callon": "Callon, M., Courtial, J. P., & Laville, F. (1991). Co-word analysis as a tool for describing the "
              "network of interactions between basic and technological research: The case of polymer chemistry. "
              "Scientometrics, 22(1), 155-205.",
    "cobo": "Cobo, M. J., López-Herrera, A. G., Herrera-Viedma, E., & Herrera, F. (2011). An approach for detecting, "
            "quantifying, and visualizing the evolution of a research field: A practical application to the Fuzzy "
            "Sets Theory field. Journal of Informetrics, 5(1), 146-166.",
    "bibliometrix": "Aria, M., & Cuccurullo, C. (2017). bibliometrix: An R-tool for comprehensive science mapping "
                    "analysis. Journal of Informetrics, 11(4), 959-975.",
    "kleinberg": "Kleinberg, J. (2002). Bursty and hierarchical structure in streams. Proceedings of the 8th ACM "
                 "SIGKDD International Conference on Knowledge Discovery and Data Mining, 91-101.",
    "citespace": "Chen, C. (2006). CiteSpace II: Detecting and visualizing emerging trends and transient patterns "
                 "in scientific literature. JASIST, 57(3), 359-377.",
}


def themes_methods(*, periods: Sequence[Period], mapped: Sequence[str], skipped: Mapping[str, str], without_year: int,
                   outside: int, params: ThemesParams, min_occurrences: int, bursts: int,
                   years: tuple[int, int]) -> str:
    """Markdown: a "Themes over time" heading, one paragraph with every number filled in, references.

    Parameters
    ----------
    periods, mapped, skipped
        The periods with records; the labels of those mapped; why the others were not.
    without_year, outside
        Records without a publication year, and of years outside every period.
    params, min_occurrences
        The themes options (``params.lang``: the language of the paragraph; the references stay
        as published) and the threshold applied within each period.
    bursts, years
        Number of bursts found, and the first and last year they were looked for in.
    """
    p, lang = params, params.lang

    def t(key: str, **values: object) -> str:
        return text(key, lang=lang, **values)

    listed = [t("themes_methods.period_item", label=period.label, n=number(period.records, lang=lang),
                records=plural(period.records, "plural.record", lang=lang)) for period in periods]
    how = t("themes_methods.cut_at", cuts=join([str(c) for c in p.cuts], lang=lang)) if p.cuts else t("themes_methods.ranges")
    sentences = [t("themes_methods.periods", n=number(len(periods), lang=lang), how=how, listed=join(listed, lang=lang),
                   periods=plural(len(periods), "plural.period", lang=lang))]
    left = []
    for key, n in (("themes_methods.without_year", without_year), ("themes_methods.other_years", outside)):
        if n:
            left.append(t(key, n=number(n, lang=lang), records=plural(n, "plural.record_counted", lang=lang)))
    if left:
        sentences.append(t("themes_methods.left_out", items=_capitalize(join(left, lang=lang)),
                           verb=plural(without_year + outside, "plural.left_out", lang=lang)))
    not_mapped = [f"{label} ({t('themes.no_records') if why == 'no records' else why})" for label, why in skipped.items()]
    sentences.append(t("themes_methods.period_maps", min=number(min_occurrences, lang=lang))
                     + (t("themes_methods.not_mapped", periods=join(not_mapped, lang=lang)) if not_mapped else "") + ".")
    sentences.append(t("themes_methods.strategic"))
    if len(mapped) > 1:
        sentences.append(t("themes_methods.evolution"))
    s, gamma = (localize(f"{value:g}", lang=lang) for value in (p.burst_s, p.burst_gamma))
    sentences.append(t("themes_methods.trends", s=s, gamma=gamma, n=number(bursts, lang=lang),
                       bursts=plural(bursts, "plural.burst", lang=lang), first=years[0], last=years[1]))
    cited = ["callon", "cobo", "bibliometrix", "kleinberg", "citespace"]
    refs = "\n".join(f"- {REFERENCES[key]}" for key in cited)
    return (f"{t('themes_methods.heading')}\n\n{' '.join(sentences)}\n\n{t('methods.references')}\n\n{refs}\n"
            f"- {MAP_REFERENCES['vos']}\n")


def _capitalize(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]
