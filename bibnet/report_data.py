"""The documents and links behind every keyword of the report, as compact JSON data.

The report lets a reader click a keyword and read its documents and strongest links. The
documents are stored once for all fields: one table of the records any mapped keyword
occurs in (columns, not one object per record, so field names are not repeated), and each
keyword's documents as a delta-encoded list of row numbers into that table (sorted, so the
gaps are small numbers). A link's documents are not stored: the page intersects the two
keywords' lists, which are exactly the records that make the link's strength under full
counting. The data also tells the page how to write numbers and pick plural forms (``format``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from bibnet.texts import localize

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.network import Network

#: Columns of the document table (name in the report data -> column of ``Network.records``).
DOC_COLUMNS: dict[str, str] = {"title": "TI", "year": "PY", "source": "SO", "doi": "DI", "cites": "TC"}
#: Strongest links listed per keyword.
TOP_LINKS = 10


def report_data(networks: Mapping[str, Network], *, top_links: int = TOP_LINKS, lang: str = "en") -> dict[str, Any]:
    """The keywords, documents and strongest links of each network, ready for ``json.dumps``.

    Parameters
    ----------
    networks
        Networks by the name the report shows ("All keywords", ...), in the report's order.
    top_links
        Strongest links kept per keyword (by strength, ties by the other keyword's position).
    lang
        Language of the page: its numbers' separators and plural rule (``format``).

    Returns
    -------
    dict
        ``docs``: the shared document table, one list per column of :data:`DOC_COLUMNS` the
        records have (missing values ``None``); ``fields``: one dict per network with ``name``,
        ``counting``, and per keyword (in ``Network.items`` order) ``labels``, ``clusters``
        (0 = none), ``occurrences``, ``docs`` (delta-encoded row numbers of the document
        table), ``links`` (positions of the strongest linked keywords) and ``strengths``;
        ``format``: ``lang``, and the thousands ``group`` and ``decimal`` separators that
        :func:`bibnet.texts.number` writes in it.
    """
    if top_links < 0:
        raise ValueError(f"top_links must be at least 0, got {top_links}")
    # Networks of one run share one records table; networks of other records get rows of their own.
    groups: list[tuple[pd.DataFrame, np.ndarray]] = []
    for net in networks.values():
        rows = np.unique(_incidence(net).tocoo().row)
        for i, (records, kept) in enumerate(groups):
            if records is net.records:
                groups[i] = (records, np.union1d(kept, rows))
                break
        else:
            groups.append((net.records, rows))
    offsets = np.cumsum([0] + [len(kept) for _, kept in groups])
    docs = _documents(groups)

    fields = []
    for name, net in networks.items():
        group = next(i for i, (records, _) in enumerate(groups) if records is net.records)
        fields.append({"name": name, "counting": net.params.counting,
                       **_keywords(net, groups[group][1], int(offsets[group]), top_links)})
    number_format = {"lang": lang, "group": localize(",", lang=lang), "decimal": localize(".", lang=lang)}
    return {"docs": docs, "fields": fields, "format": number_format}


def keyword_documents(data: Mapping[str, Any], field: int, keyword: int) -> list[int]:
    """Rows of the document table holding one keyword: the delta list of :func:`report_data` decoded.

    Parameters
    ----------
    data
        The output of :func:`report_data`.
    field, keyword
        Positions of the network in ``data["fields"]`` and of the keyword in its items.
    """
    return [int(v) for v in np.cumsum(data["fields"][field]["docs"][keyword])]


def _documents(groups: list[tuple[pd.DataFrame, np.ndarray]]) -> dict[str, list[Any]]:
    """The document table: the referenced rows of each records table, one after the other."""
    out: dict[str, list[Any]] = {}
    for name, column in DOC_COLUMNS.items():
        if not any(column in records.columns for records, _ in groups):
            continue  # e.g. no SO in a lean read: the page shows what there is
        values: list[Any] = []
        for records, kept in groups:
            if column not in records.columns:
                values += [None] * len(kept)
                continue
            series = records[column].iloc[kept]
            values += [None if pd.isna(v) else (int(v) if name in ("year", "cites") else str(v)) for v in series]
        out[name] = values
    return out


def _keywords(net: Network, kept: np.ndarray, offset: int, top_links: int) -> dict[str, list[Any]]:
    """Per keyword of ``net``: label, cluster, occurrences, documents and strongest links."""
    items = net.items
    incidence = _incidence(net).tocsc()
    incidence.sort_indices()
    docs = []
    for j in range(incidence.shape[1]):
        rows = offset + np.searchsorted(kept, incidence.indices[incidence.indptr[j]:incidence.indptr[j + 1]])
        docs.append(np.diff(rows, prepend=0).tolist())  # gaps: small numbers in the JSON
    cooc = net.cooccurrence.tocsr()
    links, strengths = [], []
    for i in range(cooc.shape[0]):
        cols = cooc.indices[cooc.indptr[i]:cooc.indptr[i + 1]]
        values = cooc.data[cooc.indptr[i]:cooc.indptr[i + 1]].astype(np.float64)
        order = np.lexsort((cols, -values))[:top_links]
        links.append(cols[order].astype(int).tolist())
        strengths.append([_strength(v) for v in values[order]])
    cluster = items["cluster"].astype("Int64").fillna(0).to_numpy(np.int64)
    return {"labels": items["label"].astype(str).tolist(), "clusters": cluster.tolist(),
            "occurrences": items["occurrences"].astype(np.int64).tolist(), "docs": docs, "links": links,
            "strengths": strengths}


def _incidence(net: Network) -> sp.csr_matrix:
    """The network's records x keywords matrix; a network counted in passes has its records read
    back first (:func:`bibnet.passes.documents.for_report`)."""
    if net.incidence is None:
        raise ValueError("the report lists documents: read a counted network's records back first "
                         "(bibnet.passes.documents.for_report)")
    return net.incidence


def _strength(value: float) -> float | int:
    """A link strength as network.txt writes it: whole numbers as ints, others to 4 decimals."""
    return int(value) if float(value).is_integer() else round(float(value), 4)
