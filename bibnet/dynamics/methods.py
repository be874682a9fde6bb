"""The methods paragraph of a themes-over-time run: periods, measures, parameters and references."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from bibnet.report import REFERENCES as MAP_REFERENCES

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
        The themes options and the threshold applied within each period.
    bursts, years
        Number of bursts found, and the first and last year they were looked for in.
    """
    p = params
    listed = [f"{period.label} ({period.records:,} records)" for period in periods]
    how = f"cut at {_join([str(c) for c in p.cuts])}" if p.cuts else "given as year ranges"
    sentences = [f"To follow the field over time, the records were divided into {_count(len(periods), 'period')} "
                 f"({how}): {_join(listed)}."]
    left = []
    if without_year:
        left.append(f"{without_year:,} record{'' if without_year == 1 else 's'} without a publication year")
    if outside:
        left.append(f"{outside:,} record{'' if outside == 1 else 's'} of other years")
    if left:
        verb = "was" if without_year + outside == 1 else "were"
        sentences.append(f"{_capitalize(_join(left))} {verb} left out of the periods.")
    not_mapped = [f"{label} ({why})" for label, why in skipped.items()]
    sentences.append(f"For each period a keyword map was made with the same selection, counting, "
                     f"clustering and layout options, the threshold of {min_occurrences:,} occurrences applied "
                     "within the period; its clusters are the period's themes"
                     + (f"; not mapped: {_join(not_mapped)}" if not_mapped else "") + ".")
    sentences.append(
        "Each theme was placed in a strategic diagram (Callon et al., 1991; Cobo et al., 2011) by its centrality, "
        "10 times the sum of the equivalence index e_ij = c_ij^2 / (c_i c_j) over its links to keywords of other "
        "themes, and its density, 100 times the sum of e_ij over the links among its own keywords divided by "
        "their number; the quadrants split at the period's median centrality and density (motor, basic, niche, "
        "emerging or declining themes).")
    if len(mapped) > 1:
        sentences.append("Themes of consecutive periods sharing keywords were linked, weighted by the inclusion "
                         "index |U ∩ V| / min(|U|, |V|), with the Jaccard index |U ∩ V| / |U ∪ V| (Cobo et al., 2011).")
    sentences.append(
        "Trend topics give, for each keyword meeting the threshold in the whole corpus, the first quartile, median "
        "and third quartile of its records' publication years (Aria & Cuccurullo, 2017); keyword bursts were found "
        f"with Kleinberg's (2002) two-state automaton on yearly counts, s = {_g(p.burst_s)} and "
        f"γ = {_g(p.burst_gamma)} as in CiteSpace (Chen, 2006): "
        f"{_count(bursts, 'burst')} in {years[0]}-{years[1]}.")
    cited = ["callon", "cobo", "bibliometrix", "kleinberg", "citespace"]
    refs = "\n".join(f"- {REFERENCES[key]}" for key in cited)
    return f"## Themes over time\n\n{' '.join(sentences)}\n\n### References\n\n{refs}\n- {MAP_REFERENCES['vos']}\n"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _g(value: float) -> str:
    return f"{value:g}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1] if parts else ""


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]
