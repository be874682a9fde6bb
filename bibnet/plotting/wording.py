"""The words and numbers of the map figures in the reader's language (:mod:`bibnet.texts`).

Legend entries, hover lines, colour-bar titles and the size legend's title name clusters, weights
and scores through the catalogue's ``network.`` and ``score.`` texts; numbers are written for the
language (``2015,5``, ``1 234`` in Russian and Kazakh). A weight or score column is named by its
``score.`` text: the English catalogue holds the column names (``Occurrences``, ``Avg. pub. year``,
the texts of :data:`bibnet.tables.SCORE_KEYS`), so a column name finds its key there; other
columns keep their names. Keyword labels are data and never translated. English output is what
bibnet wrote before it had languages.
"""

from __future__ import annotations

import functools
import html

import numpy as np
import pandas as pd

from bibnet.texts import catalogue, localize, number, text

__all__ = ["cluster_name", "column_name", "count", "hover_texts", "missing_name", "value_text"]


@functools.cache
def _column_keys() -> dict[str, str]:
    """Catalogue key of each weight and score name, found by its English text (``score.`` keys)."""
    return {name: key for key, name in catalogue("en").items() if key.startswith("score.")}


def column_name(column: str, *, lang: str = "en") -> str:
    """The name a reader sees of a ``weight<...>`` or ``score<...>`` column (or of a bare name) in ``lang``."""
    name = column[column.index("<") + 1:-1] if column.endswith(">") and "<" in column else column
    key = _column_keys().get(name)
    return text(key, lang=lang) if key is not None else name


def count(n: int, *, lang: str = "en") -> str:
    """A count in a legend entry: as English always wrote it (``1234``), thousands separated in Russian and Kazakh."""
    return str(n) if lang == "en" else number(n, lang=lang)


def cluster_name(k: float, n: int, *, lang: str = "en") -> str:
    """Legend entry of cluster ``k`` (NaN: the items without a cluster) with ``n`` items."""
    if np.isnan(k):
        return text("network.no_cluster", lang=lang, n=count(n, lang=lang))
    return text("network.cluster", lang=lang, k=int(k), n=count(n, lang=lang))


def missing_name(n: int, *, lang: str = "en") -> str:
    """Legend entry of the ``n`` items of an overlay without a score."""
    return text("network.no_score", lang=lang, n=count(n, lang=lang))


def value_text(value: float, column: str, *, lang: str = "en") -> str:
    """A weight or score in a hover text: shares in percent, weights whole or with two decimals, scores with two."""
    if not np.isfinite(value):
        return text("number.missing", lang=lang)
    if column == "score<Author keyword share>":
        return localize(f"{value:.0%}", lang=lang)
    if column.startswith("weight<"):
        return localize(f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}", lang=lang)
    return localize(f"{value:.2f}", lang=lang)


def hover_texts(items: pd.DataFrame, *, lang: str = "en") -> np.ndarray:
    """Hover text of each item: label (escaped), cluster, weights and scores, in ``lang``."""
    lines = [np.array([f"<b>{html.escape(str(t), quote=False)}</b>" for t in items["label"]], dtype=object)]
    cluster = items["cluster"].to_numpy(dtype=np.float64, na_value=np.nan)
    none = text("network.hover_no_cluster", lang=lang)
    lines.append(np.array([text("network.hover_cluster", lang=lang, k=int(c)) if np.isfinite(c) else none
                           for c in cluster], dtype=object))
    for column in items.columns:
        if column.startswith(("weight<", "score<")):
            values = items[column].to_numpy(dtype=np.float64, na_value=np.nan)
            name = html.escape(column_name(column, lang=lang), quote=False)
            lines.append(np.array([f"{name}: {value_text(v, column, lang=lang)}" for v in values], dtype=object))
    return np.array(["<br>".join(parts) for parts in zip(*lines, strict=True)], dtype=object)
