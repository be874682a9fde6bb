"""Reading VOSviewer map and network files (reference sections 1.2 and 1.3).

Both are read the way VOSviewer reads them, so that VOSviewer's files open in bibnet; see
:mod:`bibnet.readwrite.vosmap` for the formats, :class:`VOSviewerMap` and the writers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from bibnet.errors import InputError, OptionError
from bibnet.readwrite import _table
from bibnet.readwrite.vosmap import MAX_CLUSTER, WEIGHT_OR_SCORE, VOSviewerMap, column_kind, empty_links, merge_links

__all__ = ["read_map", "read_network", "read_vosviewer"]


def read_map(path: str | Path) -> pd.DataFrame:
    """Read a VOSviewer map file into the ``items`` frame of :class:`VOSviewerMap`.

    Tab, comma or semicolon delimited (guessed), UTF-8 (optional BOM) or UTF-16 with BOM,
    any line ending, double-quoted fields. Header names are matched in any case (``Label``) and order; the
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
    columns = {name: _parse(rows, name, field.slice(1)) for name, field in zip(names, fields, strict=True)}
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
