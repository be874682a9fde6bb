"""VOSviewer maps in memory, and writing map and network files (reference sections 1.2 and 1.3).

A *map file* has a header line and one line per item (``id``, ``label``, ``x``, ``y``,
``cluster``, ``weight<...>``, ``score<...>`` columns); a *network file* has no header and one
line ``id1 id2 strength`` per link. :class:`VOSviewerMap` holds a map in memory. Both files
are written the way VOSviewer writes them, so that bibnet's files open in VOSviewer;
:mod:`bibnet.readwrite.vosmap_reader` reads them the way VOSviewer reads them.

The other VOSviewer modules build on this one, which imports none of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bibnet.errors import OptionError
from bibnet.readwrite import _format

__all__ = ["VOSviewerMap", "column_kind", "merge_links", "write_map", "write_network"]

ColumnKind = Literal["id", "label", "text", "coordinate", "cluster", "weight", "score"]

#: Columns of VOSviewer's map file format with a fixed meaning besides weights and scores.
_KINDS: dict[str, ColumnKind] = {
    "id": "id", "label": "label", "x": "coordinate", "y": "coordinate", "cluster": "cluster",
}
#: A ``weight<Name>`` or ``score<Name>`` header, in any case.
WEIGHT_OR_SCORE = re.compile(r"^(weight|score)\s*<(.*)>$", re.IGNORECASE | re.DOTALL)
#: Highest cluster number VOSviewer accepts.
MAX_CLUSTER = 1000


@dataclass(frozen=True)
class VOSviewerMap:
    """A VOSviewer map: items (the map file), links (the network file) and JSON extras.

    Attributes
    ----------
    items
        One row per item, columns in file order: ``id`` (int64), ``label`` (str), optional
        ``description``, ``url`` (str), ``x``, ``y`` (float64, NaN = empty), ``cluster``
        (Int64, <NA> = none), then ``weight<Name>`` columns (float64) and ``score<Name>``
        columns (float64, NaN = missing), named exactly as in a map file header. Columns
        of other names are kept as attributes (text from a map file).
    links
        ``source``, ``target`` (int64 ids) and ``strength`` (float64); each undirected pair
        once, ``source < target``, sorted by (source, target).
    clusters
        Optional cluster labels: ``cluster`` (int), ``label`` (str).
    info
        JSON ``info`` (``title``, ``description``).
    config
        JSON ``config`` (``terminology``, ``parameters``, ...).
    """

    items: pd.DataFrame
    links: pd.DataFrame
    clusters: pd.DataFrame | None = None
    info: dict | None = None
    config: dict | None = None


def column_kind(name: str) -> ColumnKind:
    """What a map-file column holds: ``"weight"`` for ``weight<...>`` (and plain ``weight``),
    ``"score"`` likewise, ``"coordinate"`` for x/y, and ``"text"`` for description, url and
    any other column."""
    if name in _KINDS:
        return _KINDS[name]
    if name in ("weight", "score") or name.startswith(("weight<", "score<")) and name.endswith(">"):
        return "weight" if name.startswith("weight") else "score"
    return "text"


def empty_links() -> pd.DataFrame:
    """A links frame without rows."""
    return pd.DataFrame({
        "source": np.array([], np.int64), "target": np.array([], np.int64), "strength": np.array([], np.float64)
    })


def merge_links(source, target, strength) -> pd.DataFrame:
    """Links as VOSviewer reads them: each undirected pair once (``source < target``),
    repeated pairs and both directions summed, self-links dropped, sorted by pair."""
    source, target = np.asarray(source, np.int64), np.asarray(target, np.int64)
    keep = source != target
    links = pd.DataFrame({
        "source": np.minimum(source, target)[keep],
        "target": np.maximum(source, target)[keep],
        "strength": np.asarray(strength, np.float64)[keep],
    })
    return links.groupby(["source", "target"], sort=True, as_index=False)["strength"].sum()


# -- writing -----------------------------------------------------------------------------------


def write_map(vmap_or_items: VOSviewerMap | pd.DataFrame, path: str | Path) -> Path:
    """Write a VOSviewer map file.

    Tab-separated, UTF-8 without BOM, LF line ends; the header is the frame's column names;
    rows in frame order (ids 1..N in label order, as VOSviewer writes them, are the caller's
    choice). Text containing ``,``, ``;`` or ``"`` is double-quoted (inner quotes doubled),
    tabs and line breaks in text become spaces; coordinates, weights and scores are rounded
    to 4 decimals and written without trailing zeros; missing clusters and scores are empty
    fields. When no item has coordinates (a map without layout), the ``x`` and ``y`` columns
    are left out: VOSviewer Online rejects empty coordinates and lays such a map out itself.
    Maps with fewer than 3 items are written although VOSviewer Online refuses them (desktop
    VOSviewer opens them).

    Raises
    ------
    OptionError
        For what VOSviewer rejects: no ``id``/``label`` column, duplicate columns or ids,
        ``x`` without ``y``, non-numeric or non-finite coordinates/weights/scores, empty or
        negative weights, a cluster outside 1..1000.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    items = vmap_or_items.items if isinstance(vmap_or_items, VOSviewerMap) else vmap_or_items
    columns = format_items(items)
    if len(items) and "x" in columns and all(pc.all(pc.equal(columns[c], "")).as_py() for c in ("x", "y")):
        del columns["x"], columns["y"]
    header = "\t".join(_format.quoted_text(pd.Series(list(columns), dtype="str")).to_pylist())
    return _format.write_bytes(path, _format.join_lines(list(columns.values()), header=header))


def write_network(vmap_or_links: VOSviewerMap | pd.DataFrame, path: str | Path) -> Path:
    """Write a VOSviewer network file: ``id1<TAB>id2<TAB>strength`` per link, no header.

    Each undirected pair once with ``id1 < id2`` (reversed pairs are turned round), sorted;
    strengths formatted like weights; self-links and links whose strength is 0 at 4
    decimals are left out (VOSviewer ignores self-links and reads a zero strength as 1).

    Raises
    ------
    OptionError
        If a pair appears twice (VOSviewer would add the two strengths), a strength is
        negative or not finite, or - given a :class:`VOSviewerMap` - a link id is not an item.
    """
    links = check_links(vmap_or_links)
    return _format.write_bytes(path, (_format.join_lines(list(columns)) for columns in formatted_links(links)))


def formatted_links(links: pd.DataFrame) -> Iterator[tuple[pa.Array, pa.Array, pa.Array]]:
    """Source id, target id and strength of checked ``links`` as text, :data:`_format.CHUNK`
    rows at a time (the network and JSON writers never hold the text of all links)."""
    source, target, strength = (links[c].to_numpy() for c in ("source", "target", "strength"))
    for rows in _format.chunks(len(links)):
        yield _format.integers(source[rows]), _format.integers(target[rows]), _format.numbers(strength[rows])

def format_items(items: pd.DataFrame) -> dict[str, pa.Array]:
    """Check ``items`` as VOSviewer would and format every column as map-file text.

    Raises :class:`OptionError` for what VOSviewer rejects (see :func:`write_map`).
    """
    names = [str(c) for c in items.columns]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise OptionError(f"items: duplicate column {name!r}")
    for required in ("id", "label"):
        if required not in names:
            raise OptionError(f"items: no {required!r} column")
    if ("x" in names) != ("y" in names):
        raise OptionError(f"items: column {'x' if 'x' in names else 'y'!r} without {'y' if 'x' in names else 'x'!r}")
    ids = _integral(items["id"], "id")
    if pd.isna(ids).any():
        raise OptionError("items: an id is missing")
    repeated = ids.duplicated()
    if repeated.any():
        raise OptionError(f"items: duplicate id {ids[repeated].iloc[0]}")
    out: dict[str, pa.Array] = {}
    for name in names:
        column = items[name]
        kind = column_kind(name)
        if kind == "id":
            out[name] = _format.integers(ids)
        elif kind == "cluster":
            clusters = _integral(column, name)
            bad = clusters.notna() & ((clusters < 1) | (clusters > MAX_CLUSTER))
            if bad.any():
                raise OptionError(f"items: cluster {clusters[bad].iloc[0]} of id {ids[bad].iloc[0]} is not in 1..{MAX_CLUSTER}")
            out[name] = _format.integers(clusters)
        elif kind in ("coordinate", "weight", "score") or kind == "text" and _numeric(column):
            values = _floats(column, name)
            finite = np.isfinite(values) | np.isnan(values)
            bad = ~finite | ((np.isnan(values) | (values < 0)) if kind == "weight" else False)
            if np.any(bad):
                v = values[np.argmax(bad)]
                problem = "is empty" if np.isnan(v) else ("is not finite" if not np.isfinite(v) else f"{v:g} is negative")
                raise OptionError(f"items: {name} of id {ids.iloc[int(np.argmax(bad))]} {problem}")
            out[name] = _format.numbers(values)
        else:
            out[name] = _format.quoted_text(column)
    return out


def check_links(vmap_or_links: VOSviewerMap | pd.DataFrame) -> pd.DataFrame:
    """Links ready to write: ``source < target``, sorted, no zero strengths or self-links.

    Raises :class:`OptionError` for repeated pairs, bad strengths or (given a map) unknown ids.
    """
    vmap = vmap_or_links if isinstance(vmap_or_links, VOSviewerMap) else None
    links = vmap_or_links.links if isinstance(vmap_or_links, VOSviewerMap) else vmap_or_links
    for required in ("source", "target", "strength"):
        if required not in links:
            raise OptionError(f"links: no {required!r} column")
    s, t = _link_ids(links["source"], "source"), _link_ids(links["target"], "target")
    strength = _floats(links["strength"], "strength")
    bad = ~np.isfinite(strength) | (strength < 0)
    if bad.any():
        raise OptionError(f"links: strength {strength[np.argmax(bad)]:g} is negative or not finite")
    keep = (s != t) & (_format.rounded(strength) > 0)  # a written "0" would read as 1 in VOSviewer
    if keep.all():  # the usual case: no copies of what may be millions of links
        s, t = (s, t) if np.all(s < t) else (np.minimum(s, t), np.maximum(s, t))
    else:
        s, t, strength = np.minimum(s, t)[keep], np.maximum(s, t)[keep], strength[keep]
    if not _increasing(s, t):  # the usual input is sorted already: skip the sort
        order = np.lexsort((t, s))
        s, t, strength = s[order], t[order], strength[order]
        repeated = (s[1:] == s[:-1]) & (t[1:] == t[:-1])
        if repeated.any():
            i = int(np.argmax(repeated))
            raise OptionError(f"links: pair ({s[i]}, {t[i]}) appears twice (VOSviewer would add the strengths)")
    if vmap is not None and len(s):
        known = np.unique(vmap.items["id"].to_numpy())
        # Item ids are usually 1..N: then the smallest and largest link id tell.
        contiguous = len(known) and known[-1] - known[0] == len(known) - 1
        for ids in (s, t):
            if contiguous and known[0] <= ids.min() and ids.max() <= known[-1]:
                continue
            # a link id is an item's if it is found where searchsorted puts it
            at = np.minimum(np.searchsorted(known, ids), max(len(known) - 1, 0))
            unknown = known[at] != ids if len(known) else np.ones(len(ids), dtype=bool)
            if unknown.any():
                raise OptionError(f"links: id {ids[int(np.argmax(unknown))]} is not an item")
    return pd.DataFrame({"source": s, "target": t, "strength": strength}, copy=False)


def _increasing(s: np.ndarray, t: np.ndarray) -> bool:
    """Whether the pairs (s, t) are strictly increasing (sorted, no pair twice)."""
    return bool(np.all((s[1:] > s[:-1]) | ((s[1:] == s[:-1]) & (t[1:] > t[:-1]))))


def _numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype)


def _floats(column: pd.Series, name: str) -> np.ndarray:
    """A column as float64 (NaN for missing); :class:`OptionError` if it is not numeric."""
    if column.dtype == np.float64:
        return column.to_numpy()  # no copy (the strengths of millions of links)
    if not _numeric(column) and not column.isna().all():
        raise OptionError(f"items: column {name!r} is not numeric")
    return pd.array(column, dtype="Float64").to_numpy(dtype=np.float64, na_value=np.nan)


def _link_ids(column: pd.Series, name: str) -> np.ndarray:
    """Link ids as int64; :class:`OptionError` if one is missing or not a whole number."""
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iu":
        return column.to_numpy(dtype=np.int64)  # no copy for int64, nothing can be missing
    ids = _integral(column, name)
    if ids.isna().any():
        raise OptionError("links: an id is missing")
    return ids.to_numpy(dtype=np.int64)


def _integral(column: pd.Series, name: str) -> pd.Series:
    """A column of whole numbers as Int64 (<NA> for missing); :class:`OptionError` otherwise."""
    values = _floats(column, name)
    finite = np.isfinite(values)
    if (np.isinf(values) | (finite & (values != np.round(values)))).any():
        raise OptionError(f"column {name!r} must hold whole numbers")
    return pd.Series(pd.array(np.where(finite, values, 0).astype(np.int64), dtype="Int64"), index=column.index).where(finite)

