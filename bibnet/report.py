"""The methods paragraph of a keyword analysis and its self-contained HTML report.

:func:`methods_text` writes the paragraph a paper needs, every number and parameter filled in;
:func:`write_report` (:mod:`bibnet.report_page`) writes one HTML file with the summary, tables,
interactive figures, a keyword explorer and links to the VOSviewer files; it works offline.
"""

from __future__ import annotations

import importlib.metadata
import platform
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from bibnet.cooccurrence import COUNTINGS
from bibnet.keywords import FIELD_NAMES, field_name
from bibnet.normalize import NORMALIZATIONS
from bibnet.report_page import write_report

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.clustering import ClusterParams
    from bibnet.layout import LayoutParams
    from bibnet.network import NetworkSummary
    from bibnet.run import Run
    from bibnet.selection import NetworkParams

__all__ = ["methods_text", "write_report"]

#: Software whose versions the methods text names (distribution name -> name in the text).
SOFTWARE: dict[str, str] = {
    "bibnet": "bibnet", "leidenalg": "leidenalg", "igraph": "python-igraph", "numpy": "NumPy",
    "scipy": "SciPy", "pandas": "pandas",
}
REFERENCES = {
    "vos": "van Eck, N. J., & Waltman, L. (2010). Software survey: VOSviewer, a computer program for "
           "bibliometric mapping. Scientometrics, 84(2), 523-538.",
    "as": "van Eck, N. J., & Waltman, L. (2009). How to normalize cooccurrence data? An analysis of some "
          "well-known similarity measures. JASIST, 60(8), 1635-1651.",
    "leiden": "Traag, V. A., Waltman, L., & van Eck, N. J. (2019). From Louvain to Leiden: guaranteeing "
              "well-connected communities. Scientific Reports, 9, 5233.",
    "unified": "Waltman, L., van Eck, N. J., & Noyons, E. C. M. (2010). A unified approach to mapping and "
               "clustering of bibliometric networks. Journal of Informetrics, 4(4), 629-635.",
}


def _field_set(s: NetworkSummary) -> str:
    """The keyword set of a summary, for the methods text ("author keywords (DE) only")."""
    indexed = field_name("indexed", s.sources)
    if s.field == "all":
        return (f"all keywords (author keywords, DE, and {indexed}, ID, together; a keyword in both fields of "
                "a publication counted once)")
    return "author keywords (DE) only" if s.field == "author" else f"{indexed} (ID) only"


def _field_phrase(s: NetworkSummary) -> str:
    """The keywords of a summary's field in running text ("keywords (author keywords and Keywords Plus together)")."""
    indexed = field_name("indexed", s.sources)
    return {"all": f"keywords (author keywords and {indexed} together)", "author": "author keywords"}.get(s.field, indexed)


# -- methods text ------------------------------------------------------------------------------------
def methods_text(summaries: Sequence[NetworkSummary], *, run: Run | None = None) -> str:
    """A Markdown methods paragraph (plus references) with every number and parameter filled in.

    Parameters
    ----------
    summaries
        One :class:`~bibnet.network.NetworkSummary` per keyword field
        (:meth:`Network.summary() <bibnet.network.Network.summary>`).
    run
        The run (:class:`~bibnet.run.Run`): records read, duplicates, files, source and
        software, and the clustering and layout options when a summary has none. Without it
        the paragraph names the records of the first summary and the installed software.

    Returns
    -------
    str
        Markdown: a "Methods" heading, one paragraph, and the references it cites.
    """
    rows = list(summaries)
    if not rows:
        return "## Methods\n\nNo keyword field was analysed.\n"
    first = rows[0]
    net = first.network
    sentences = [_corpus_sentence(run, first)]
    sets = [_field_set(s) for s in rows]
    sentences.append(("The keyword set analysed was " if len(sets) == 1 else "The keyword sets analysed were ")
                     + _join(sets) + ".")
    sentences.append(_cleaning_sentence(net))

    parts = []
    for s in rows:
        part = (f"of the {_n(s.keywords_total)} {_field_phrase(s)}, {_n(s.keywords_meeting_threshold)} meet "
                f"the threshold of at least {_n(s.network.min_occurrences)} occurrences")
        if s.network.top is not None:
            part += (f" and the {_n(s.keywords_selected)} with the greatest total link strength "
                     f"(at most {_n(s.network.top)}) were mapped")
        parts.append(part)
    sentences.append(_capitalize("; ".join(parts)) + ".")
    sentences.append("The maps have " + _join([
        f"{_n(s.keywords_selected)} keywords, {_n(s.links)} links and a total link strength of "
        f"{_n(s.total_link_strength)} ({_field_name(s)})"
        for s in rows]) + ".")

    sentences.append(f"Link strengths were {NORMALIZATIONS[net.normalization].methods}.")
    clustering = first.clustering or (run.clustering if run is not None else None)
    if clustering is not None:
        sentences.append(_clustering_sentence(clustering, first.engine, net.normalization, rows))
    layout = first.layout or (run.layout if run is not None else None)
    if layout is not None:
        sentences.append(_layout_sentence(layout, rows))
    sentences.append(_software_sentence(run.software if run is not None else None))

    cited = ["vos", "as"] + (["leiden"] if clustering is not None else []) + (["unified"] if layout is not None else [])
    refs = "\n".join(f"- {REFERENCES[key]}" for key in cited)
    return f"## Methods\n\n{' '.join(sentences)}\n\n### References\n\n{refs}\n"


def _corpus_sentence(run: Run | None, first: NetworkSummary) -> str:
    if run is None:
        return f"We analysed the metadata of {_n(first.records)} publications."
    n_files = len(run.files)
    mixed = len(run.sources) > 1
    how = "accession number, DOI, or title, year and first author" if mixed else "accession number"
    details = [f"{_n(run.records_read)} records read from {_n(n_files)} export file{'s' if n_files != 1 else ''}",
               f"{_n(run.duplicates)} duplicate{'s' if run.duplicates != 1 else ''}, identified by {how}, removed"]
    text = f"We analysed the metadata of {_n(run.records)} publications from {run.source} ({'; '.join(details)})."
    if mixed:
        indexed = field_name("indexed", run.sources)
        text += (f" Of a publication found in several databases, the copy of the first in the order "
                 f"{', '.join(run.prefer)} was kept; the author keywords of all copies were united, while the "
                 f"keywords the databases assigned ({indexed}) are different vocabularies and were taken from the "
                 "kept copy only. Citation counts come from the kept copy's database and are not comparable "
                 "across databases; normalised citations were normalised within each database.")
    return text


def _cleaning_sentence(net: NetworkParams) -> str:
    steps = ["trimmed"] + (["lower-cased"] if net.label_case == "lower" else [])
    text = f"Keywords were {' and '.join(steps)}"
    if net.thesaurus:
        text += f", synonyms were merged with a thesaurus ({Path(net.thesaurus).name})"
    text += ", and each keyword was counted at most once per publication"
    return text + f"; co-occurrences were {COUNTINGS[net.counting].methods}."


def _clustering_sentence(c: ClusterParams, engine: str | None, normalization: str, rows: list[NetworkSummary]) -> str:
    weights = "association strengths" if normalization == "association" else "link strengths"
    name = {"bibnet-leiden": "bibnet", "igraph-leiden": "python-igraph"}.get(engine or "", engine or "leidenalg")
    text = (f"Keywords were clustered with the Leiden algorithm (Traag et al., 2019), as implemented in "
            f"{name}, maximising the constant Potts model (CPM) quality of the {weights} "
            f"(resolution {_n(c.resolution)}, minimum cluster size {_n(c.min_cluster_size)}"
            + (", smaller clusters merged into larger ones" if c.merge_small_clusters
               else ", items of smaller clusters left unclustered")
            + f"; {_starts(c.random_starts)} with {_n(c.iterations)} iterations each, "
            f"randomness {_n(c.randomness)}, random seed {_n(c.seed)})")
    results = [f"{_n(s.clusters)} cluster{'' if s.clusters == 1 else 's'} with quality {_n(s.quality)} ({_field_name(s)})"
               for s in rows if s.clusters is not None]
    return text + (", giving " + _join(results) if results else "") + "."


def _layout_sentence(layout: LayoutParams, rows: list[NetworkSummary]) -> str:
    text = (f"The maps were laid out with the VOS mapping technique (van Eck & Waltman, 2010; Waltman et al., 2010) "
            f"with attraction {_n(layout.attraction)} and repulsion {_n(layout.repulsion)}"
            f" ({_starts(layout.random_starts)}, random seed {_n(layout.seed)}")
    if layout.method == "approximate" or any(str(s.layout_method).startswith("barnes-hut") for s in rows):
        text += ", approximate optimisation for large maps"
    quality = [f"{_n(s.layout_quality)} ({_field_name(s)})" for s in rows if s.layout_quality is not None]
    return text + ")" + (", with layout quality (VOS objective) " + _join(quality) if quality else "") + "."


def _software_sentence(software: Mapping[str, str] | None) -> str:
    if software is None:
        software = {}
        for dist, name in SOFTWARE.items():
            try:
                software[name] = importlib.metadata.version(dist)
            except importlib.metadata.PackageNotFoundError:
                continue
    names = [f"{name} {version}" for name, version in software.items()]
    main, rest = (names[0], names[1:]) if names else ("bibnet", [])
    return f"The analysis was run with {main} (Python {platform.python_version()}" + "".join(f", {n}" for n in rest) + ")."


def _starts(n: int) -> str:
    return "a single random start" if n == 1 else f"best of {_n(n)} random starts"


def _field_name(s: NetworkSummary) -> str:
    """The field in running text: "all keywords", but "Keywords Plus" as the database writes it."""
    return s.field_name.lower() if s.field_name in FIELD_NAMES.values() else s.field_name


def _n(value: Any) -> str:
    """A number as written in a paper: thousands separators, at most 4 decimals."""
    if value is None or value is pd.NA:
        return "n/a"
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        return str(value)
    number = float(value)
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.4f}".rstrip("0").rstrip(".")


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1] if parts else ""


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]
