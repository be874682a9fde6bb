"""VOSviewer map and network files (reference sections 1.2 and 1.3).

A *map file* has a header line and one line per item (``id``, ``label``, ``x``, ``y``,
``cluster``, ``weight<...>``, ``score<...>`` columns); a *network file* has no header and one
line ``id1 id2 strength`` per link. Both are read the way VOSviewer reads them and written
the way VOSviewer writes them, so that bibnet's files open in VOSviewer and VOSviewer's
files open in bibnet. :class:`VOSviewerMap` holds a map in memory.
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

from bibnet.errors import InputError, OptionError
from bibnet.readwrite import _format, _table

__all__ = [
    "VOSviewerMap", "column_kind", "read_map", "read_network", "read_vosviewer", "write_map", "write_network",
    "write_vosviewer",
]

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


# -- reading -----------------------------------------------------------------------------------


def read_map(path: str | Path) -> pd.DataFrame:
    """Read a VOSviewer map file into the ``items`` frame of :class:`VOSviewerMap`.

    Tab, comma or semicolon delimited (guessed), optional UTF-8 BOM, any line ending,
    double-quoted fields. Header names are matched in any case (``Label``) and order; the
    name inside ``weight<...>``/``score<...>`` keeps its case. Values are trimmed; empty,
    ``null`` and ``nan`` mean missing. Without an ``id`` column ids are 1..N; without a
    ``label`` column the id is the label, as in VOSviewer. An empty last column (a
    delimiter at the end of every line, as spreadsheets write) is ignored.

    Raises
    ------
    InputError
        For what VOSviewer rejects: duplicate or empty column names, a line with a different
        number of fields, a missing or repeated id, ``x`` without ``y``, a non-numeric
        coordinate, weight or score, an empty or negative weight, a cluster number that is
        not an integer in 1..1000.
    """
    rows = _table.read_rows(path, what="map file")
    if not rows.fields:
        raise InputError(f"{rows.path}: empty map file (no header line)")
    fields = list(rows.fields)
    while len(fields) > 1 and not fields[-1][0].as_py() and not any(fields[-1].to_pylist()):
        fields.pop()  # a trailing delimiter on every line (spreadsheet exports): an empty column
    names = [_column_name(field[0].as_py()) for field in fields]
    for i, name in enumerate(names):
        if not name:
            raise InputError(f"{rows.path} line {rows.line(0)}: column {i + 1} has no name")
        if name in names[:i]:
            raise InputError(f"{rows.path}: duplicate column {name!r}")
    if ("x" in names) != ("y" in names):
        raise InputError(f"{rows.path}: column {'x' if 'x' in names else 'y'!r} without {'y' if 'x' in names else 'x'!r}")
    columns = {name: _parse(rows, name, field.slice(1)) for name, field in zip(names, fields)}
    items = pd.DataFrame(columns)
    if "id" not in items:
        items.insert(0, "id", np.arange(1, len(items) + 1, dtype=np.int64))
    if "label" not in items:
        items.insert(int(items.columns.get_loc("id")) + 1, "label", items["id"].astype("str"))
    return items


def read_network(path: str | Path) -> pd.DataFrame:
    """Read a VOSviewer network file into the ``links`` frame of :class:`VOSviewerMap`.

    Lines ``id1 id2 [strength]`` without a header, tab/comma/semicolon delimited; with two
    columns (or an empty third field) the strength is 1. As in VOSviewer, repeated pairs and
    the two directions of a pair are merged by adding their strengths and self-links are
    dropped. Zero strengths are kept as read.

    Raises
    ------
    InputError
        For a line whose field count differs from the first line's, a header line, an id
        that is not an integer, or a strength that is not a number or is negative.
    """
    source, target, strength, _ = _read_network_rows(path)
    return merge_links(source, target, strength)


def read_vosviewer(map_path: str | Path | None = None, network_path: str | Path | None = None) -> VOSviewerMap:
    """Read a map file, a network file or both, as VOSviewer's *Create map* does.

    Without a map file the items are the ids of the network (label = id); without a
    network file there are no links.

    Raises
    ------
    OptionError
        If both paths are None.
    InputError
        As :func:`read_map` and :func:`read_network`, and for a link id missing from the map.
    """
    if map_path is None and network_path is None:
        raise OptionError("read_vosviewer needs a map file, a network file or both")
    items = read_map(map_path) if map_path is not None else None
    if network_path is None:
        return VOSviewerMap(items=items, links=empty_links())
    source, target, strength, rows = _read_network_rows(network_path)
    if items is None:
        ids = np.unique(np.concatenate([source, target]))
        items = pd.DataFrame({"id": ids, "label": pd.Series(ids).astype("str")})
    else:
        known = items["id"].to_numpy()
        for ids in (source, target):
            missing = ~np.isin(ids, known)
            if missing.any():
                i = int(np.argmax(missing))
                raise rows.error(i, f"id {ids[i]} not in the map file {map_path}")
    return VOSviewerMap(items=items, links=merge_links(source, target, strength))


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


def _column_name(header: str) -> str:
    """A header as a column name: weight/score names keep their inner case, others lower-case."""
    header = header.strip()
    match = WEIGHT_OR_SCORE.match(header)
    return f"{match[1].lower()}<{match[2]}>" if match else header.lower()


def _parse(rows: _table.Rows, name: str, field: pa.Array) -> pd.Series | np.ndarray:
    """Parse one map-file column (data rows start at row 1) into its in-memory type."""
    kind = column_kind(name)
    if kind == "label":
        return pd.Series(field.to_pylist(), dtype="str")
    if kind == "text":
        text = pd.Series(field.to_pylist(), dtype="str")
        return text.where(text != "")
    if kind == "id":
        ids = _table.integers(rows, field, first_row=1, column="id")
        repeated = pd.Series(ids).duplicated().to_numpy()
        if repeated.any():
            i = int(np.argmax(repeated))
            raise rows.error(1 + i, f"duplicate id {ids[i]}")
        return ids
    values = _table.floats(rows, field, first_row=1, column=name)
    if kind == "weight":
        bad = np.isnan(values) | (values < 0)
        if bad.any():
            i = int(np.argmax(bad))
            problem = "is empty (every item needs a weight)" if np.isnan(values[i]) else f"{values[i]:g} is negative"
            raise rows.error(1 + i, f"{name} {problem}")
    if kind == "cluster":
        bad = ~np.isnan(values) & ((values != np.round(values)) | (values < 1) | (values > MAX_CLUSTER))
        if bad.any():
            i = int(np.argmax(bad))
            raise rows.error(1 + i, f"cluster {field[i].as_py()!r} is not an integer from 1 to {MAX_CLUSTER}")
        known = ~np.isnan(values)
        return pd.Series(pd.array(np.where(known, values, 0).astype(np.int64), dtype="Int64")).where(known)
    return values


def _read_network_rows(path: str | Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, _table.Rows]:
    """The links of a network file as read, before merging, and the rows (for line numbers)."""
    rows = _table.read_rows(path, what="network file")
    if rows.fields and len(rows.fields) not in (2, 3):
        raise rows.error(0, f"expected 2 or 3 fields (id1, id2, strength), found {len(rows.fields)}")
    if not rows.fields:
        return np.array([], np.int64), np.array([], np.int64), np.array([], np.float64), rows
    hint = " (network files have no header line)"
    source = _table.integers(rows, rows.fields[0], first_row=0, column="id", hint=hint)
    target = _table.integers(rows, rows.fields[1], first_row=0, column="id", hint=hint)
    if len(rows.fields) == 2:
        return source, target, np.ones(len(source)), rows
    strength = _table.floats(rows, rows.fields[2], first_row=0, column="strength")
    if (strength < 0).any():
        i = int(np.argmax(strength < 0))
        raise rows.error(i, f"strength {strength[i]:g} is negative")
    # an empty strength means 1, as in VOSviewer
    return source, target, np.where(np.isnan(strength), 1.0, strength), rows


# -- writing -----------------------------------------------------------------------------------


def write_map(vmap_or_items: VOSviewerMap | pd.DataFrame, path: str | Path) -> Path:
    """Write a VOSviewer map file.

    Tab-separated, UTF-8 without BOM, LF line ends; the header is the frame's column names;
    rows in frame order (ids 1..N in label order, as VOSviewer writes them, are the caller's
    choice). Text containing ``,``, ``;`` or ``"`` is double-quoted (inner quotes doubled),
    tabs and line breaks in text become spaces; coordinates, weights and scores are rounded
    to 4 decimals and written without trailing zeros; missing coordinates, clusters and
    scores are empty fields. Maps with fewer than 3 items are written although VOSviewer
    Online refuses them (desktop VOSviewer opens them).

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


def write_vosviewer(vmap: VOSviewerMap, directory: str | Path, *, stem: str = "") -> dict[str, Path]:
    """Write ``<stem>map.txt``, ``<stem>network.txt`` and ``<stem>map.json`` into ``directory``.

    Returns
    -------
    dict
        ``{"map": path, "network": path, "json": path}``.
    """
    from bibnet.readwrite.vosjson import write_json

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return {
        "map": write_map(vmap, directory / f"{stem}map.txt"),
        "network": write_network(vmap, directory / f"{stem}network.txt"),
        "json": write_json(vmap, directory / f"{stem}map.json"),
    }


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
    links = vmap.links if vmap is not None else vmap_or_links
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
