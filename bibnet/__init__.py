"""bibnet: keyword co-occurrence maps from Web of Science, Scopus, Lens, PubMed, Dimensions and OpenAlex exports.

The pipeline, one stage a module: :func:`read` (files -> records, :class:`Corpus`),
:func:`build_network` (records -> keywords -> selection -> :class:`Network`),
:meth:`Network.cluster` and :meth:`Network.layout`, then :mod:`bibnet.readwrite`,
:mod:`bibnet.plotting`, :mod:`bibnet.tables`, :mod:`bibnet.report` and :func:`analyze` for
the outputs; :func:`themes` for the themes of each period and how they evolve (:mod:`bibnet.dynamics`);
:func:`count_files` counts corpora too large for memory in two passes over the files, in
worker processes or on a Dask cluster (:mod:`bibnet.passes`).
"""

from typing import Any

from bibnet.clustering import Clustering, ClusterParams
from bibnet.corpus import Corpus, read
from bibnet.errors import BibnetError, InputError, OptionError
from bibnet.layout import Layout, LayoutParams
from bibnet.load_report import LoadReport
from bibnet.network import Network, NetworkSummary, build_network
from bibnet.run import AnalysisParams, Run
from bibnet.selection import NetworkParams

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # The analysis pulls in plotting (plotly, matplotlib): import it only when used.
    if name in ("analyze", "compare_fields", "Analysis"):
        from bibnet import analysis

        return getattr(analysis, name)
    if name in ("count_files", "Counted", "EngineParams"):
        from bibnet import passes

        return getattr(passes, name)
    if name in ("themes", "Themes", "ThemesParams"):
        from bibnet import dynamics

        return getattr(dynamics, name)
    raise AttributeError(f"module 'bibnet' has no attribute {name!r}")


__all__ = [
    "Analysis", "AnalysisParams", "BibnetError", "ClusterParams", "Clustering", "Corpus", "Counted", "EngineParams",
    "InputError", "Layout", "LayoutParams", "LoadReport", "Network", "NetworkParams", "NetworkSummary", "OptionError",
    "Run", "Themes", "ThemesParams", "__version__", "analyze", "build_network", "compare_fields", "count_files", "read",
    "themes",
]
