"""What a whole analysis run is: its options besides the stages' and the facts of its inputs.

:class:`AnalysisParams` declares the options of ``bibnet analyze`` that are not network,
clustering or layout options; :class:`Run` records every input, option and software version
of a run (``parameters.json``), and is what the methods text is written from.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Any, ClassVar

from bibnet.clustering import ClusterParams
from bibnet.errors import OptionError
from bibnet.keywords import FIELD_ALIASES, FIELD_NAMES
from bibnet.layout import LayoutParams
from bibnet.options import Params, option
from bibnet.selection import NetworkParams
from bibnet.texts import lang_option

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.load_report import LoadReport

#: Distributions whose algorithms shape the results, recorded in ``parameters.json``.
SOFTWARE = ("bibnet", "numpy", "scipy", "pandas", "pyarrow", "python-igraph", "leidenalg", "numba", "plotly", "matplotlib")


@dataclass(frozen=True)
class AnalysisParams(Params):
    """Everything :func:`bibnet.analysis.analyze` does besides the network, clustering and layout."""

    kind: ClassVar[str] = "analysis options"

    fields: tuple[str, ...] = option(tuple(FIELD_NAMES), flag="", what="keyword fields",
                                     help="Keyword fields analysed, each with its own map.")
    top_keywords: int = option(40, min=1, help="Keywords in Table 1 (the most frequent keywords).")
    top_per_field: int = option(30, min=1, help="Keywords per field in Table 2 (author keywords vs "
                                                        "Keywords Plus, Index Keywords or MeSH terms).")
    figures: bool = option(True, flag="--no-figures", help="Draw the network, overlay and density figures; off "
                                                           "(--no-figures): VOSviewer files, tables and report only.")
    static: bool = option(True, flag="--no-static", help="Save the figures as PNG and SVG too; off (--no-static): "
                                                         "interactive HTML only.")
    lang: str = lang_option()

    def check(self) -> None:
        # "plus", the Web of Science name of "indexed", is recorded as "indexed", as NetworkParams does.
        object.__setattr__(self, "fields", tuple(FIELD_ALIASES.get(f, f) for f in self.fields))
        unknown = [f for f in self.fields if f not in FIELD_NAMES]
        if unknown or not self.fields:
            raise OptionError(f"unknown keyword field {unknown[0]!r}; expected some of {', '.join(FIELD_NAMES)}"
                              if unknown else "give at least one keyword field")

    def to_dict(self) -> dict[str, Any]:
        """The options by name; ``lang`` only when not English (English runs record what they always did)."""
        return {k: v for k, v in super().to_dict().items() if k != "lang" or v != "en"}


@dataclass(frozen=True)
class Run:
    """The inputs, options and software of one run (``parameters.json``)."""

    files: tuple[str, ...]
    records_read: int
    records: int
    duplicates: int
    skipped: int
    sources: dict[str, int]
    #: The order of preference among the run's databases (those of other databases left out).
    prefer: tuple[str, ...]
    network: NetworkParams
    clustering: ClusterParams
    layout: LayoutParams | None
    analysis: AnalysisParams
    software: dict[str, str]

    @classmethod
    def of(cls, report: LoadReport, *, network: NetworkParams, clustering: ClusterParams,
           layout: LayoutParams | None, analysis: AnalysisParams) -> Run:
        """The run of a load, its options and the installed software."""
        return cls(files=tuple(f.path for f in report.files), records_read=report.records_read,
                   records=report.records, duplicates=report.duplicates, skipped=report.skipped,
                   sources=dict(report.sources), prefer=tuple(p for p in report.prefer if p in report.sources),
                   network=network, clustering=clustering, layout=layout, analysis=analysis,
                   software=software_versions())

    @property
    def source(self) -> str:
        """The databases in words: ``"Web of Science"``, ``"Web of Science (1,200 records) and Scopus (800)"``."""
        if len(self.sources) <= 1:
            return next(iter(self.sources), "")
        parts = [f"{name} ({count:,} records)" if i == 0 else f"{name} ({count:,})"
                 for i, (name, count) in enumerate(self.sources.items())]
        return ", ".join(parts[:-1]) + " and " + parts[-1]

    def to_dict(self) -> dict[str, Any]:
        """JSON data for ``parameters.json``."""
        return {
            "files": list(self.files),
            "records_read": self.records_read,
            "records": self.records,
            "duplicates": self.duplicates,
            "skipped": self.skipped,
            "source": self.source,
            "sources": dict(self.sources),
            "prefer": list(self.prefer),
            "network": self.network.to_dict() | {"keywords": list(self.analysis.fields)},
            "clustering": self.clustering.to_dict(),
            "layout": self.layout.to_dict() if self.layout is not None else None,
            "analysis": self.analysis.to_dict(),
            "software": dict(self.software),
        }


def software_versions() -> dict[str, str]:
    """Installed versions of bibnet and the libraries whose algorithms shape the results."""
    versions = {}
    for name in SOFTWARE:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions
