"""Thematic evolution: which theme of one period continues in which theme of the next.

Cobo et al. (2011): theme ``U`` of a period is linked to theme ``V`` of the next when they
share keywords, weighted by the inclusion index ``|U & V| / min(|U|, |V|)`` (1 when the smaller
theme lies wholly in the other) and described by the Jaccard index ``|U & V| / |U | V|`` too.
Keywords are matched by their cleaned form, so a label spelled differently in two periods
(``label_case="original"``) is the same keyword.

Each link is named by what happens to its themes: ``continues`` (one link out of ``U``, one
into ``V``), ``splits`` (``U`` has several successors), ``merges`` (``V`` has several
predecessors), ``splits and merges``. Themes of a period with no successor in the next are
listed as ``vanishes``, themes with no predecessor in the previous period as ``appears``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

#: A theme's keywords in order (occurrences, then label): cleaned key -> label
#: (:func:`bibnet.dynamics.strategic.theme_members`).
Members = Mapping[str, str]
#: Columns of the evolution table, in order.
EVOLUTION_COLUMNS = ("from_period", "from_theme", "from_name", "to_period", "to_theme", "to_name", "shared",
                     "n_shared", "inclusion", "jaccard", "event")


def evolution(themes: Mapping[str, Sequence[Members]], *, periods: Sequence[str]) -> pd.DataFrame:
    """The links between the themes of consecutive periods, and the themes that appear or vanish.

    Parameters
    ----------
    themes
        Per period label, its themes in number order (theme 1 first), each as :data:`Members`.
    periods
        The period labels in time order (those of ``themes``).

    Returns
    -------
    pandas.DataFrame
        :data:`EVOLUTION_COLUMNS`. A link row has both ends; an ``appears`` row has no
        ``from_*`` values, a ``vanishes`` row no ``to_*`` values (and no shared keywords).
        ``shared`` lists the shared keywords in the order of ``U`` (labels of ``U``), joined by
        ``"; "``. Rows: per pair of consecutive periods, the links by (from theme, to theme),
        then the themes that vanish, then those that appear.
    """
    rows: list[dict[str, object]] = []
    for before, after in zip(periods, periods[1:], strict=False):
        olds, news = themes[before], themes[after]
        pairs = [(u, v, [label for key, label in old.items() if key in new])
                 for u, old in enumerate(olds, start=1) for v, new in enumerate(news, start=1)]
        pairs = [(u, v, shared) for u, v, shared in pairs if shared]
        out = np.bincount([u for u, _, _ in pairs], minlength=len(olds) + 1)
        into = np.bincount([v for _, v, _ in pairs], minlength=len(news) + 1)
        for u, v, shared in pairs:
            old, new = olds[u - 1], news[v - 1]
            rows.append({"from_period": before, "from_theme": u, "from_name": _name(old),
                         "to_period": after, "to_theme": v, "to_name": _name(new),
                         "shared": "; ".join(shared), "n_shared": len(shared),
                         "inclusion": len(shared) / min(len(old), len(new)),
                         "jaccard": len(shared) / (len(old) + len(new) - len(shared)),
                         "event": _event(splits=out[u] > 1, merges=into[v] > 1)})
        rows += [{"from_period": before, "from_theme": u, "from_name": _name(old), "event": "vanishes"}
                 for u, old in enumerate(olds, start=1) if out[u] == 0]
        rows += [{"to_period": after, "to_theme": v, "to_name": _name(new), "event": "appears"}
                 for v, new in enumerate(news, start=1) if into[v] == 0]
    table = pd.DataFrame(rows, columns=list(EVOLUTION_COLUMNS))
    for column in ("from_theme", "to_theme", "n_shared"):
        table[column] = pd.array(table[column], dtype="Int64")
    for column in ("inclusion", "jaccard"):
        table[column] = table[column].astype(np.float64)
    return table


def _name(members: Members) -> str:
    return next(iter(members.values()), "")


def _event(*, splits: bool, merges: bool) -> str:
    if splits and merges:
        return "splits and merges"
    return "splits" if splits else "merges" if merges else "continues"
