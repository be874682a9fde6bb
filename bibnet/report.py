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

from bibnet.keywords import field_name
from bibnet.report_page import write_report
from bibnet.texts import field_label, in_sentence, join, number, plural, text

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


def _field_set(s: NetworkSummary, lang: str) -> str:
    """The keyword set of a summary, for the methods text ("author keywords (DE) only")."""
    indexed = field_label("indexed", field_name("indexed", s.sources), lang=lang)
    return text({"all": "methods.set_all", "author": "methods.set_author"}.get(s.field, "methods.set_indexed"),
                lang=lang, indexed=indexed)


def _field_phrase(s: NetworkSummary, lang: str) -> str:
    """The keywords of a summary's field in running text ("keywords (author keywords and Keywords Plus together)")."""
    indexed = field_label("indexed", field_name("indexed", s.sources), lang=lang)
    key = {"all": "methods.phrase_all", "author": "methods.phrase_author"}.get(s.field)
    return text(key, lang=lang, indexed=indexed) if key else indexed


# -- methods text ------------------------------------------------------------------------------------
def methods_text(summaries: Sequence[NetworkSummary], *, run: Run | None = None, lang: str = "en") -> str:
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
    lang
        Language of the paragraph (``en``, ``ru``, ``kk``; :mod:`bibnet.texts`), its numbers
        written for it (``0,5877`` and ``9 543,887`` in Russian and Kazakh); the references stay
        as published.

    Returns
    -------
    str
        Markdown: a "Methods" heading, one paragraph, and the references it cites.
    """
    rows = list(summaries)
    if not rows:
        return f"{text('methods.heading', lang=lang)}\n\n{text('methods.none', lang=lang)}\n"
    first = rows[0]
    net = first.network
    sentences = [_corpus_sentence(run, first, lang)]
    sets = join([_field_set(s, lang) for s in rows], lang=lang, clauses=True)
    sentences.append(text("methods.set_one" if len(rows) == 1 else "methods.set_many", lang=lang, sets=sets))
    sentences.append(_cleaning_sentence(net, lang))

    parts = []
    for s in rows:
        part = text("methods.threshold", lang=lang, total=_n(s.keywords_total, lang), phrase=_field_phrase(s, lang),
                    meet=_n(s.keywords_meeting_threshold, lang), min=_n(s.network.min_occurrences, lang))
        if s.network.top is not None:
            part += text("methods.threshold_top", lang=lang, selected=_n(s.keywords_selected, lang), top=_n(s.network.top, lang))
        parts.append(part)
    sentences.append(_capitalize("; ".join(parts)) + ".")
    sentences.append(text("methods.maps", lang=lang, items=join([text(
        "methods.map_item", lang=lang, selected=_n(s.keywords_selected, lang), field=_field_name(s, lang),
        keywords=plural(s.keywords_selected, "plural.keyword_mapped", lang=lang), links=_n(s.links, lang),
        links_word=plural(s.links, "plural.link", lang=lang), strength=_n(s.total_link_strength, lang))
        for s in rows], lang=lang, clauses=True)))

    normalization = text(f"normalization.{net.normalization}", lang=lang)
    sentences.append(text("methods.normalization", lang=lang, normalization=normalization))
    clustering = first.clustering or (run.clustering if run is not None else None)
    if clustering is not None:
        sentences.append(_clustering_sentence(clustering, first.engine, net.normalization, rows, lang))
    layout = first.layout or (run.layout if run is not None else None)
    if layout is not None:
        sentences.append(_layout_sentence(layout, rows, lang))
    sentences.append(_software_sentence(run.software if run is not None else None, lang))

    cited = ["vos", "as"] + (["leiden"] if clustering is not None else []) + (["unified"] if layout is not None else [])
    refs = "\n".join(f"- {REFERENCES[key]}" for key in cited)
    heading, references = text("methods.heading", lang=lang), text("methods.references", lang=lang)
    return f"{heading}\n\n{' '.join(sentences)}\n\n{references}\n\n{refs}\n"


def _corpus_sentence(run: Run | None, first: NetworkSummary, lang: str) -> str:
    if run is None:
        return text("methods.corpus_plain", lang=lang, records=_n(first.records, lang),
                    publications=plural(first.records, "plural.publication", lang=lang))
    n_files = len(run.files)
    mixed = len(run.sources) > 1
    how = text("methods.by_accession_doi" if mixed else "methods.by_accession", lang=lang)
    details = [text("methods.read", lang=lang, read=_n(run.records_read, lang), files=_n(n_files, lang),
                    records=plural(run.records_read, "plural.record", lang=lang),
                    export_files=plural(n_files, "plural.export_file", lang=lang)),
               text("methods.duplicates", lang=lang, n=_n(run.duplicates, lang), how=how,
                    duplicates=plural(run.duplicates, "plural.duplicate", lang=lang))]
    out = text("methods.corpus", lang=lang, records=_n(run.records, lang), source=_source(run, lang),
               publications=plural(run.records, "plural.publication", lang=lang), details="; ".join(details))
    if mixed:
        indexed = field_label("indexed", field_name("indexed", run.sources), lang=lang)
        out += text("methods.mixed", lang=lang, order=", ".join(run.prefer), indexed=indexed)
    return out


def _source(run: Run, lang: str) -> str:
    """The databases in words (:attr:`Run.source <bibnet.run.Run.source>`, which ``parameters.json`` records) in ``lang``."""
    if len(run.sources) <= 1:
        return next(iter(run.sources), "")
    parts = [text("methods.source_first", lang=lang, name=name, count=_n(count, lang),
                  records=plural(count, "plural.record", lang=lang)) if i == 0 else f"{name} ({_n(count, lang)})"
             for i, (name, count) in enumerate(run.sources.items())]
    return join(parts, lang=lang)


def _cleaning_sentence(net: NetworkParams, lang: str) -> str:
    steps = [text("methods.trimmed", lang=lang)] + ([text("methods.lower_cased", lang=lang)] if net.label_case == "lower" else [])
    out = text("methods.clean", lang=lang, steps=text("join.last", lang=lang).join(steps))
    if net.thesaurus:
        out += text("methods.thesaurus", lang=lang, file=Path(net.thesaurus).name)
    out += text("methods.once", lang=lang)
    return out + text("methods.counting", lang=lang, counting=text(f"counting.{net.counting}", lang=lang))


def _clustering_sentence(c: ClusterParams, engine: str | None, normalization: str, rows: list[NetworkSummary],
                         lang: str) -> str:
    name = {"bibnet-leiden": "bibnet", "igraph-leiden": "python-igraph"}.get(engine or "", engine or "leidenalg")
    out = text("methods.clustering", lang=lang, engine=name,
               weights=text("methods.weights_association" if normalization == "association" else "methods.weights_links",
                            lang=lang),
               resolution=_n(c.resolution, lang), min_size=_n(c.min_cluster_size, lang),
               small=text("methods.small_merged" if c.merge_small_clusters else "methods.small_left", lang=lang),
               starts=_starts(c.random_starts, lang), iterations=_n(c.iterations, lang),
               randomness=_n(c.randomness, lang), seed=_n(c.seed, lang))
    results = [text("methods.cluster_result", lang=lang, n=_n(s.clusters, lang), quality=_n(s.quality, lang),
                    clusters=plural(s.clusters, "plural.cluster", lang=lang), field=_field_name(s, lang))
               for s in rows if s.clusters is not None]
    return out + (text("methods.cluster_results", lang=lang, results=join(results, lang=lang, clauses=True))
                  if results else "") + "."


def _layout_sentence(layout: LayoutParams, rows: list[NetworkSummary], lang: str) -> str:
    out = text("methods.layout", lang=lang, attraction=_n(layout.attraction, lang), repulsion=_n(layout.repulsion, lang),
               starts=_starts(layout.random_starts, lang), seed=_n(layout.seed, lang))
    if layout.method == "approximate" or any(str(s.layout_method).startswith("barnes-hut") for s in rows):
        out += text("methods.approximate", lang=lang)
    quality = [f"{_n(s.layout_quality, lang)} ({_field_name(s, lang)})" for s in rows if s.layout_quality is not None]
    packed = any(s.components > 1 and s.layout_quality is not None for s in rows)
    return out + ")" + (text("methods.layout_quality", lang=lang, quality=join(quality, lang=lang, clauses=True))
                        if quality else "") + "." + (text("methods.packed", lang=lang) if packed else "")


def _software_sentence(software: Mapping[str, str] | None, lang: str) -> str:
    if software is None:
        software = {}
        for dist, name in SOFTWARE.items():
            try:
                software[name] = importlib.metadata.version(dist)
            except importlib.metadata.PackageNotFoundError:
                continue
    names = [f"{name} {version}" for name, version in software.items()]
    main, rest = (names[0], names[1:]) if names else ("bibnet", [])
    return text("methods.software", lang=lang, main=main, python=platform.python_version(), rest="".join(f", {n}" for n in rest))


def _starts(n: int, lang: str) -> str:
    return text("methods.one_start", lang=lang) if n == 1 else text("methods.best_of", lang=lang, n=_n(n, lang))


def _field_name(s: NetworkSummary, lang: str) -> str:
    """The field in running text: "all keywords", but "Keywords Plus" as the database writes it."""
    return in_sentence(s.field, s.field_name, lang=lang)


def _n(value: Any, lang: str = "en") -> str:
    """A number as written in a paper: thousands separators, at most 4 decimals (:func:`bibnet.texts.number`)."""
    return number(value, lang=lang)


def _capitalize(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]

