"""A map as a graph for other tools: networkx and igraph objects, GEXF, GraphML and Pajek files.

Node attributes use clean names: ``label``, ``x``, ``y``, ``cluster``, and each weight or
score as a snake_case name (``weight<Total link strength>`` -> ``total_link_strength``,
``score<Avg. pub. year>`` -> ``avg_pub_year``); missing values are left out. The link
strength is the edge attribute ``weight``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bibnet.errors import InputError, OptionError
from bibnet.palette import circle_diameters, cluster_colors, hex_rgb
from bibnet.readwrite import _format
from bibnet.readwrite.vosmap import VOSviewerMap, check_links, column_kind, merge_links

if TYPE_CHECKING:  # pragma: no cover
    import igraph
    import networkx

__all__ = [
    "attribute_names", "read_pajek", "read_pajek_partition", "read_pajek_vector", "to_igraph", "to_networkx",
    "write_gexf", "write_graphml", "write_pajek", "write_pajek_partition", "write_pajek_vector",
]

_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
#: GEXF positions are map coordinates times this (pixels at 100 per unit, about VOSviewer Online's zoom),
#: so that Gephi's node sizes in pixels fit the distances between nodes.
GEXF_SCALE = 100.0


def attribute_names(columns) -> dict[str, str]:
    """The attribute name of each item column except ``id``.

    ``weight<...>``/``score<...>`` become snake_case names of what is inside the brackets;
    other columns keep their names. A name already taken gets ``weight_``/``score_`` in front.
    """
    columns = [str(c) for c in columns if c != "id"]
    taken = {c for c in columns if column_kind(c) not in ("weight", "score")}
    names = {}
    for column in columns:
        kind = column_kind(column)
        if kind in ("weight", "score"):
            inner = column[column.index("<") + 1 : -1] if "<" in column else kind
            name = re.sub(r"[\W_]+", "_", inner.lower()).strip("_") or kind
            if name in taken:
                name = f"{kind}_{name}"
            taken.add(name)
            names[column] = name
        else:
            names[column] = column
    return names


def to_networkx(vmap: VOSviewerMap) -> networkx.Graph:
    """The map as an undirected :class:`networkx.Graph`.

    Nodes are the item ids, in item order, with the attributes of :func:`attribute_names`
    (missing values left out); edges carry ``weight`` = link strength.
    """
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(zip(vmap.items["id"].tolist(), _node_attributes(vmap.items), strict=True))
    links = check_links(vmap)
    edges = zip(links["source"].tolist(), links["target"].tolist(), links["strength"].tolist(), strict=True)
    graph.add_weighted_edges_from(edges)
    return graph


def to_igraph(vmap: VOSviewerMap) -> igraph.Graph:
    """The map as an undirected :class:`igraph.Graph`.

    Vertices in item order with attributes ``id``, ``name`` (= label) and those of
    :func:`attribute_names` (NaN for a missing number, None for a missing cluster or text);
    edges carry ``weight``.
    """
    import igraph as ig

    items, links = vmap.items, check_links(vmap)
    index = pd.Index(items["id"])
    edges = np.column_stack([index.get_indexer(links["source"]), index.get_indexer(links["target"])])
    attributes: dict[str, list] = {"id": items["id"].tolist(), "name": items["label"].astype("str").tolist()}
    for column, name in attribute_names(items.columns).items():
        values = items[column]
        if column_kind(column) in ("coordinate", "weight", "score"):
            attributes[name] = values.to_numpy(dtype=np.float64, na_value=np.nan).tolist()
        else:
            attributes[name] = [None if _missing(v) else _plain(v) for v in values.tolist()]
    weights = {"weight": links["strength"].tolist()}
    return ig.Graph(n=len(items), edges=edges.tolist(), vertex_attrs=attributes, edge_attrs=weights)


def write_gexf(vmap: VOSviewerMap, path: str | Path) -> Path:
    """Write a GEXF 1.2 file (Gephi) through networkx.

    Nodes carry the attributes of :func:`to_networkx` plus ``viz`` attributes, so that Gephi
    draws the map as VOSviewer does: ``color`` of the cluster (VOSviewer's palette, grey
    without a cluster); ``position`` = map coordinates × :data:`GEXF_SCALE` (Gephi's units are
    pixels; the map's mean distance between items is 1); ``size`` = VOSviewer Online's circle
    diameter in those pixels, ``max(16 * (w / mean w) ** 0.5, 5)``, with ``w`` the
    Occurrences weight (else the first weight column). The file has no date in it, so
    identical input gives identical bytes.
    """
    import networkx as nx

    graph = to_networkx(vmap)
    items = vmap.items
    colors = cluster_colors(items["cluster"]) if "cluster" in items else None
    if ("x" in items) != ("y" in items):  # as write_map refuses it
        raise OptionError(f"items: column {'x' if 'x' in items else 'y'!r} without {'y' if 'x' in items else 'x'!r}")
    x = items["x"].to_numpy(np.float64, na_value=np.nan) * GEXF_SCALE if "x" in items else None
    y = items["y"].to_numpy(np.float64, na_value=np.nan) * GEXF_SCALE if "y" in items else None
    sizes = _circle_diameters(items)
    rgb = hex_rgb(colors).tolist() if colors is not None else None
    for i, node in enumerate(items["id"].tolist()):
        viz: dict[str, Any] = {}
        if rgb is not None:
            r, g, b = rgb[i]
            viz["color"] = {"r": r, "g": g, "b": b, "a": 1.0}
        if x is not None and y is not None and np.isfinite(x[i]) and np.isfinite(y[i]):
            viz["position"] = {"x": round(float(x[i]), 4), "y": round(float(y[i]), 4), "z": 0.0}
        if sizes is not None:
            viz["size"] = round(float(sizes[i]), 4)
        if viz:
            graph.nodes[node]["viz"] = viz
    text = "\n".join(nx.generate_gexf(graph, version="1.2draft"))
    # networkx stamps today's date and its version; leave both out for byte-identical files
    meta = r'<meta lastmodifieddate="[^"]*">\s*<creator>[^<]*</creator>'
    text = re.sub(meta, "<meta>\n    <creator>bibnet</creator>", text, count=1)
    return _format.write_bytes(path, (_XML_DECLARATION + text + "\n").encode("utf-8"))


def _circle_diameters(items: pd.DataFrame) -> np.ndarray | None:
    """VOSviewer Online's circle diameters of the Occurrences weight (else the first weight), or None without weights."""
    weights = [c for c in items.columns if column_kind(str(c)) == "weight"]
    if not weights:
        return None
    return circle_diameters(items["weight<Occurrences>" if "weight<Occurrences>" in weights else weights[0]])


def write_graphml(vmap: VOSviewerMap, path: str | Path) -> Path:
    """Write a GraphML file through networkx (attributes of :func:`to_networkx`)."""
    import networkx as nx

    text = "\n".join(nx.generate_graphml(to_networkx(vmap)))
    return _format.write_bytes(path, (_XML_DECLARATION + text + "\n").encode("utf-8"))


# -- Pajek -------------------------------------------------------------------------------------


def write_pajek(vmap: VOSviewerMap, path: str | Path) -> Path:
    """Write a Pajek ``.net`` file as VOSviewer does.

    ``*Vertices N``, then ``k "label" x y`` per item (numbered 1..N in item order, as Pajek
    needs; coordinates left out when missing), then ``*Edges`` and ``i j strength`` per link
    with ``i < j``. Pajek cannot escape a ``"`` inside a label, so it becomes ``'``.
    """
    items, links = vmap.items, check_links(vmap)
    n = len(items)
    labels = pc.replace_substring(_format.clean_text(items["label"]), '"', "'")
    vertex_lines = _format.glue(_format.integers(np.arange(1, n + 1)), ' "', labels, '"')
    if "x" in items and "y" in items:
        x, y = (items[c].to_numpy(np.float64, na_value=np.nan) for c in ("x", "y"))
        xy = _format.glue(" ", _format.numbers(x), " ", _format.numbers(y))
        vertex_lines = _format.glue(vertex_lines, pc.if_else(pa.array(np.isfinite(x) & np.isfinite(y)), xy, _format.scalar("")))
    index = pd.Index(items["id"])
    i, j = index.get_indexer(links["source"]) + 1, index.get_indexer(links["target"]) + 1
    i, j = np.minimum(i, j), np.maximum(i, j)  # item order need not be id order
    order = np.lexsort((j, i))
    edges = [_format.integers(i[order]), _format.integers(j[order]), _format.numbers(links["strength"].to_numpy()[order])]
    data = _format.join_lines([vertex_lines], header=f"*Vertices {n}") + _format.join_lines(edges, sep=" ", header="*Edges")
    return _format.write_bytes(path, data)


def write_pajek_partition(vmap: VOSviewerMap, path: str | Path) -> Path:
    """Write a Pajek partition (``.clu``): ``*Vertices N``, then each item's cluster (0 = none)."""
    if "cluster" not in vmap.items:
        raise OptionError("items: no 'cluster' column to write as a partition")
    clusters = pd.array(vmap.items["cluster"], dtype="Int64").fillna(0)
    return _format.write_bytes(path, _format.join_lines([_format.integers(clusters)], header=f"*Vertices {len(clusters)}"))


def write_pajek_vector(vmap: VOSviewerMap, path: str | Path, *, weight: str | None = None) -> Path:
    """Write a Pajek vector (``.vec``) of one weight column, as VOSviewer writes the item sizes.

    ``weight`` is a column name such as ``"weight<Occurrences>"``; by default the first weight
    that is neither Links nor Total link strength (VOSviewer's default size), else the first.
    """
    weights = [c for c in vmap.items.columns if column_kind(str(c)) == "weight"]
    if weight is None:
        sizes = [c for c in weights if c not in ("weight<Links>", "weight<Total link strength>")]
        if not (sizes or weights):
            raise OptionError("items: no weight column to write as a vector")
        weight = (sizes or weights)[0]
    if weight not in weights:
        raise OptionError(f"items: no weight column {weight!r}; have {', '.join(map(str, weights)) or 'none'}")
    values = vmap.items[weight].to_numpy(np.float64, na_value=np.nan)
    return _format.write_bytes(path, _format.join_lines([_format.numbers(values)], header=f"*Vertices {len(values)}"))


def read_pajek(path: str | Path, *, partition: str | Path | None = None) -> VOSviewerMap:
    """Read a Pajek ``.net`` file (``*Vertices``, ``*Edges``/``*Arcs`` sections).

    Items are the vertices (id = vertex number, label, ``x``/``y`` when given); arcs are
    merged into undirected links as VOSviewer merges a network file (both directions
    summed); a missing weight is 1. ``partition`` names a ``.clu`` file for ``cluster``.

    Raises
    ------
    InputError
        For a file without ``*Vertices``, list or matrix sections, a bad vertex or edge line.
    """
    name = str(path)
    lines = _pajek_lines(path)
    vertices: dict[int, tuple[str, float, float]] = {}
    edge_lines: list[tuple[int, str]] = []
    n, section = None, None
    for lineno, line in lines:
        if line.startswith("*"):
            keyword = line.split()[0].lower()
            if keyword == "*vertices":
                n = _count(line, name, lineno)
                section = "vertices"
            elif keyword in ("*edges", "*arcs"):
                section = "edges"
            elif keyword == "*network":
                section = None
            else:
                section_name = line.split()[0]
                raise InputError(
                    f"{name} line {lineno}: Pajek section {section_name} is not supported (only *Vertices, *Edges, *Arcs)")
            continue
        if section == "vertices":
            match = re.match(r'(\d+)\s+(?:"([^"]*)"|(\S+))(?:\s+(\S+)\s+(\S+))?', line)
            if not match:
                raise InputError(f"{name} line {lineno}: expected a vertex line 'number \"label\" [x y]'")
            x, y = (_float_or_nan(v) for v in match.group(4, 5))
            vertices[int(match[1])] = (match[2] if match[2] is not None else match[3], x, y)
        elif section == "edges":
            edge_lines.append((lineno, line))
        else:
            raise InputError(f"{name} line {lineno}: data before *Vertices")
    if n is None:
        raise InputError(f"{name}: no *Vertices line (not a Pajek .net file)")
    ids = np.arange(1, n + 1, dtype=np.int64)
    rows = [vertices.get(int(k), (str(k), np.nan, np.nan)) for k in ids]
    items = pd.DataFrame({"id": ids, "label": pd.Series([r[0] for r in rows], dtype="str")})
    if any(np.isfinite(r[1]) for r in rows):
        items["x"] = np.array([r[1] for r in rows])
        items["y"] = np.array([r[2] for r in rows])
    if partition is not None:
        items["cluster"] = read_pajek_partition(partition, vertices=n)
    source, target, strength = _edges(edge_lines, name, n)
    return VOSviewerMap(items=items, links=merge_links(source, target, strength))


def read_pajek_partition(path: str | Path, *, vertices: int | None = None) -> pd.Series:
    """Read a Pajek partition (``.clu``) as an Int64 series of clusters (0 -> <NA>)."""
    values = _pajek_values(path, vertices)
    if (values != np.round(values)).any():
        raise InputError(f"{path}: partition values must be integers")
    known = values > 0
    return pd.Series(pd.array(values.astype(np.int64), dtype="Int64")).where(known)


def read_pajek_vector(path: str | Path, *, vertices: int | None = None) -> np.ndarray:
    """Read a Pajek vector (``.vec``) as a float64 array."""
    return _pajek_values(path, vertices)


def _pajek_lines(path: str | Path) -> list[tuple[int, str]]:
    """Non-blank, non-comment lines with their numbers."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read Pajek file ({exc.strerror})") from None
    try:
        text = raw.decode("utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: Pajek file is not UTF-8 text (bad byte at offset {exc.start})") from None
    lines = re.split(r"\r\n|\r|\n", text)
    return [(i, line.strip()) for i, line in enumerate(lines, start=1) if line.strip() and not line.lstrip().startswith("%")]


def _pajek_values(path: str | Path, vertices: int | None) -> np.ndarray:
    lines = _pajek_lines(path)
    if not lines or not lines[0][1].lower().startswith("*vertices"):
        raise InputError(f"{path} line 1: expected '*Vertices N'")
    n = _count(lines[0][1], str(path), lines[0][0])
    values = np.array([_float_or_nan(line) for _, line in lines[1:]])
    bad = np.isnan(values)
    if bad.any():
        lineno, line = lines[1 + int(np.argmax(bad))]
        raise InputError(f"{path} line {lineno}: {line!r} is not a number")
    if len(values) != n or vertices is not None and n != vertices:
        raise InputError(f"{path}: {len(values)} values for {n if vertices is None else vertices} vertices")
    return values


def _edges(lines: list[tuple[int, str]], name: str, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    fields = [line.split() for _, line in lines]
    try:
        source = np.array([int(f[0]) for f in fields], np.int64)
        target = np.array([int(f[1]) for f in fields], np.int64)
        strength = np.array([float(f[2]) if len(f) > 2 else 1.0 for f in fields], np.float64)
    except (ValueError, IndexError):
        for (lineno, line), f in zip(lines, fields, strict=True):
            try:
                int(f[0]), int(f[1]), float(f[2]) if len(f) > 2 else 1.0
            except (ValueError, IndexError):
                raise InputError(f"{name} line {lineno}: expected an edge line 'i j [weight]', found {line!r}") from None
        raise
    bad = (source < 1) | (source > n) | (target < 1) | (target > n) | ~np.isfinite(strength) | (strength < 0)
    if bad.any():
        lineno, line = lines[int(np.argmax(bad))]
        raise InputError(f"{name} line {lineno}: vertex out of 1..{n} or bad weight in {line!r}")
    return source, target, strength


def _count(line: str, name: str, lineno: int) -> int:
    parts = line.split()
    if len(parts) < 2 or not parts[1].isdigit():
        raise InputError(f"{name} line {lineno}: expected '*Vertices N'")
    return int(parts[1])


def _float_or_nan(text: str | None) -> float:
    try:
        return float(text) if text is not None else np.nan
    except ValueError:
        return np.nan


# -- attributes --------------------------------------------------------------------------------


def _node_attributes(items: pd.DataFrame) -> list[dict[str, Any]]:
    """One attribute dict per item (missing values left out), Python scalars only."""
    columns = []
    for column, name in attribute_names(items.columns).items():
        values = items[column]
        if column_kind(column) in ("coordinate", "weight", "score"):
            values = values.to_numpy(dtype=np.float64, na_value=np.nan)
            columns.append((name, [None if np.isnan(v) else v for v in values.tolist()]))
        elif column_kind(column) == "label":
            columns.append((name, values.astype("str").tolist()))
        else:
            columns.append((name, [None if _missing(v) else _plain(v) for v in values.tolist()]))
    return [{name: vals[i] for name, vals in columns if vals[i] is not None} for i in range(len(items))]


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or isinstance(value, float) and np.isnan(value)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
