"""Themes over time: one map per period, strategic diagrams, thematic evolution, trends, bursts.

:func:`themes` splits a corpus into periods (:mod:`bibnet.dynamics.periods`), builds, clusters
and lays out each period's map with the options of ``bibnet map`` (the threshold applies within
each period), and computes the themes' centrality and density
(:mod:`bibnet.dynamics.strategic`), the links between the themes of consecutive periods
(:mod:`bibnet.dynamics.evolution`), the trend topics of the whole corpus
(:mod:`bibnet.dynamics.trends`) and the keyword bursts (:mod:`bibnet.dynamics.bursts`). The
:class:`~bibnet.dynamics.result.Themes` it returns draws the figures (``plot_*``) and writes
every file (:meth:`~bibnet.dynamics.result.Themes.write`).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from bibnet.clustering import ClusterParams
from bibnet.dynamics.bursts import find_bursts
from bibnet.dynamics.evolution import evolution
from bibnet.dynamics.params import ThemesParams, require_periods
from bibnet.dynamics.periods import record_years, split_years
from bibnet.dynamics.result import BURST_COLUMNS, Themes
from bibnet.dynamics.strategic import THEME_COLUMNS, theme_members, theme_table
from bibnet.dynamics.trends import trend_topics
from bibnet.layout import LayoutParams
from bibnet.network import Network, build_network
from bibnet.options import resolve, takes
from bibnet.selection import NetworkParams, NoKeywordsError, occurrences, select_columns

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.corpus import Corpus


@takes(ThemesParams)
def themes(
    corpus: Corpus | pd.DataFrame,
    *,
    network_params: NetworkParams | None = None,
    clustering: ClusterParams | None = None,
    layout: LayoutParams | None = None,
    laid_out: bool = True,
    params: ThemesParams | None = None,
    **options: Any,
) -> Themes:
    """The themes of each period of ``corpus`` and how they evolve.

    Parameters
    ----------
    corpus
        A :class:`bibnet.Corpus` (or its records).
    network_params, clustering, layout
        The options of each period's map, as for :func:`bibnet.build_network` (default: their
        defaults); the threshold applies within each period.
    laid_out
        ``False`` leaves the period maps without a layout.
    params
        A :class:`ThemesParams`, or its options as keywords (``cuts=[2015, 2020]``), not both.

    Returns
    -------
    Themes

    Raises
    ------
    OptionError
        No cut years or periods given.
    NoKeywordsError
        No period can be mapped (each period's reason is in the message).
    """
    params = resolve(ThemesParams, params, options)
    require_periods(params)
    network_params = network_params or NetworkParams()
    clustering = clustering or ClusterParams()
    layout = (layout or LayoutParams()) if laid_out else None
    records = corpus if isinstance(corpus, pd.DataFrame) else corpus.records
    years = record_years(records)
    split = split_years(years, cuts=params.cuts, periods=params.periods)
    skipped = {label: "no records" for label in split.empty}
    nets: dict[str, Network] = {}
    for index, period in enumerate(split.periods):
        try:
            net = build_network(_subset(corpus, split.rows(index)), params=network_params)
        except NoKeywordsError as exc:
            skipped[period.label] = exc.reason
            continue
        net = net.cluster(params=clustering)
        nets[period.label] = net.layout(params=layout) if layout is not None else net
    if not nets:
        reasons = "; ".join(f"{label}: {why}" for label, why in skipped.items())
        raise NoKeywordsError(network_params.keywords, f"no period can be mapped ({reasons})",
                              "lower --min-occurrences or make the periods longer")
    table = pd.concat([theme_table(net, period=label) for label, net in nets.items()], ignore_index=True)
    table = table[list(THEME_COLUMNS)]
    flow = evolution({label: theme_members(net) for label, net in nets.items()}, periods=list(nets))
    trends, bursts, span = _whole_corpus(corpus, years, network_params, params)
    return Themes(periods=split.periods, networks=nets, themes=table, evolution=flow, trends=trends, bursts=bursts,
                  years=span, records=len(records), without_year=split.without_year, outside=split.outside,
                  params=params, network_params=network_params, clustering=clustering, layout=layout,
                  skipped=skipped)


def _subset(corpus: Corpus | pd.DataFrame, rows: np.ndarray) -> Corpus | pd.DataFrame:
    """The records at ``rows`` (ascending), as a corpus of the same kind."""
    if isinstance(corpus, pd.DataFrame):
        return corpus.iloc[rows].reset_index(drop=True)
    return dataclasses.replace(corpus, records=corpus.records.iloc[rows].reset_index(drop=True),
                               keyword_fields={tag: f.take(rows) for tag, f in corpus.keyword_fields.items()})


def _whole_corpus(corpus: Corpus | pd.DataFrame, years: np.ndarray, network_params: NetworkParams,
                  params: ThemesParams) -> tuple[pd.DataFrame, pd.DataFrame, tuple[int, int]]:
    """Trend topics and bursts of the keywords meeting the threshold in the whole corpus, and its years."""
    occ = occurrences(corpus, params=network_params).keywords
    kept = np.flatnonzero(occ.occurrences >= network_params.min_occurrences)
    incidence = select_columns(occ.matrix, kept)
    labels = occ.labels[kept]
    trends = trend_topics(incidence, years, labels)
    has = ~np.isnan(years)
    if not has.any():
        return trends, pd.DataFrame(columns=list(BURST_COLUMNS)), (0, 0)
    first, last = int(years[has].min()), int(years[has].max())
    column = (years[has] - first).astype(np.int64)
    by_year = sp.csr_matrix((np.ones(column.size), (np.flatnonzero(has), column)), shape=(len(years), last - first + 1))
    counts = (sp.csr_matrix(incidence, dtype=np.int64).T @ by_year.astype(np.int64)).tocsr()
    totals = np.bincount(column, minlength=last - first + 1)
    found = find_bursts(counts, totals, s=params.burst_s, gamma=params.burst_gamma)
    rows = found["row"].to_numpy(dtype=np.int64)
    bursts = pd.DataFrame({
        "keyword": labels[rows].astype(object),
        "occurrences": np.asarray(incidence.getnnz(axis=0), dtype=np.int64)[rows],
        "strength": found["strength"].to_numpy(dtype=np.float64),
        "start": found["start"].to_numpy(dtype=np.int64) + first,
        "end": found["end"].to_numpy(dtype=np.int64) + first,
    }, columns=list(BURST_COLUMNS))
    bursts = bursts.sort_values(["strength", "keyword", "start"], ascending=[False, True, True], kind="stable")
    return trends, bursts.reset_index(drop=True), (first, last)


__all__ = ["themes"]
