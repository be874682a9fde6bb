"""VOSviewer JSON files, VOSviewer Online's native format (reference section 2): the writer.

``{"info": {...}, "config": {...}, "network": {"items": [...], "links": [...],
"clusters": [...]}}``. Items carry ``weights`` and ``scores`` objects keyed by plain names
(``"Occurrences"``); in memory these are the ``weight<Occurrences>`` columns of a map file,
so a map read from JSON writes the same map file as one read from text, and back.
:mod:`bibnet.readwrite.vosjson_reader` reads these files.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bibnet.errors import OptionError
from bibnet.readwrite import _format
from bibnet.readwrite.vosmap import MAX_CLUSTER, VOSviewerMap, check_links, column_kind, format_items, formatted_links

__all__ = ["write_json"]

#: Item keys with a fixed meaning, in the order they are written.
ITEM_KEYS = ("id", "label", "description", "url", "x", "y", "cluster")


def write_json(vmap: VOSviewerMap, path: str | Path, *, indent: int | None = 2) -> Path:
    """Write a VOSviewer JSON file (reference section 2).

    Keys in a stable order: ``info``, ``config`` (both as given, when given), then
    ``network`` with ``items``, ``links`` and ``clusters``. Each item has ``id``, ``label``,
    its other columns (``x``/``y`` left out when NaN, ``cluster`` when missing, other
    attributes when missing), then ``weights`` (every weight, by plain name) and ``scores``
    (those present; left out when none is). Numbers are rounded as in the map file. UTF-8
    without BOM, non-ASCII text written as is; identical input gives identical bytes.

    Parameters
    ----------
    vmap
        The map to write.
    path
        The file to write.
    indent
        Spaces per nesting level, with one item or link per line; ``None`` writes
        everything on a single line.

    Raises
    ------
    OptionError
        For what VOSviewer rejects (see :func:`bibnet.readwrite.write_map` and
        :func:`bibnet.readwrite.write_network`) and for cluster labels of clusters
        outside 1..1000.
    """
    items = _item_lines(vmap.items)
    links = check_links(vmap)
    clusters = _cluster_lines(vmap.clusters) if vmap.clusters is not None else None

    def sep(level: int) -> str:
        return "," + _pad(level, indent) if indent is not None else ", "

    def array(chunks: Iterator[pa.Array], level: int) -> Iterator[bytes]:
        """A JSON array of ready-made element texts, given a chunk at a time (Arrow joins
        them straight into bytes: there may be millions)."""
        first = True
        for chunk in chunks:
            if len(chunk):
                yield (("[" + _pad(level + 1, indent)) if first else sep(level + 1)).encode()
                yield _format.concat(chunk, sep(level + 1))
                first = False
        yield b"[]" if first else (_pad(level, indent) + "]").encode()

    top = [f'"{key}": {_value(value, 1, indent)}' for key, value in (("info", vmap.info), ("config", vmap.config))
           if value is not None]
    before = "{" + _pad(1, indent) + "".join(t + sep(1) for t in top) + '"network": {' + _pad(2, indent) + '"items": '
    after = "" if clusters is None else sep(2) + '"clusters": ' + _array(clusters, 2, indent)
    after += _pad(1, indent) + "}" + _pad(0, indent) + "}\n"
    link_lines = (
        _format.glue('{"source_id": ', source, ', "target_id": ', target, ', "strength": ', strength, "}")
        for source, target, strength in formatted_links(links)
    )

    def pieces() -> Iterator[bytes]:
        yield before.encode("utf-8")
        yield from array(iter([items]), 2)
        yield (sep(2) + '"links": ').encode()
        yield from array(link_lines, 2)
        yield after.encode("utf-8")

    return _format.write_bytes(path, pieces())


def _item_lines(items: pd.DataFrame) -> pa.Array:
    """One compact JSON object per item (what ``json.dumps`` writes for it), as Arrow text.

    Built a column at a time: json.dumps item by item took 1.3 s for 74,000 items.
    """
    formatted = format_items(items)  # checks the items as the map writer does
    values: dict[str, pa.Array] = {}  # each column's values as JSON text, null where missing
    for name, text in formatted.items():
        kind = column_kind(name)
        column = items[name]
        numeric_attribute = kind == "text" and pd.api.types.is_numeric_dtype(column.dtype)
        if kind in ("id", "cluster", "coordinate", "weight", "score") or numeric_attribute:
            values[name] = _json_numbers(text)
        else:  # text as it is (JSON keeps tabs and quotes), other objects (bool, list) too
            values[name] = pa.array(
                [None if is_missing(v) else json.dumps(_json_value(v, text=kind != "text"), ensure_ascii=False)
                 for v in column.tolist()],
                _format.STRING,
            )
    names = list(values)
    base = [n for n in names if column_kind(n) not in ("weight", "score")]
    base.sort(key=lambda n: ITEM_KEYS.index(n) if n in ITEM_KEYS else len(ITEM_KEYS))  # stable: attributes keep their order
    weights = [n for n in names if column_kind(n) == "weight"]
    scores = [n for n in names if column_kind(n) == "score"]

    def pair(name: str, key: str, *, lead: str = ", ") -> pa.Array:
        """``, "key": value`` where the value is present, "" where it is missing."""
        return pc.fill_null(_format.glue(lead + json.dumps(key, ensure_ascii=False) + ": ", values[name]), "")

    # "id" comes first and is never missing (format_items checks): every other pair has its
    # separator in front and can be left out on its own.
    parts: list[pa.Array | str] = ["{", pair("id", "id", lead=""), *(pair(n, n) for n in base[1:])]
    if weights:
        weight_pairs = [pc.fill_null(values[n], "null") for n in weights]
        inner = [_format.glue(("" if k == 0 else ", ") + json.dumps(_plain_name(n), ensure_ascii=False) + ": ", v)
                 for k, (n, v) in enumerate(zip(weights, weight_pairs, strict=True))]
        parts += [', "weights": {', *inner, "}"]
    if scores:  # only those present; no "scores" key when none is
        inner = _format.glue(*(pair(n, _plain_name(n)) for n in scores))
        present = pc.greater(pc.binary_length(inner), 0)
        parts.append(pc.if_else(present, _format.glue(', "scores": {', pc.utf8_slice_codeunits(inner, 2), "}"), ""))
    parts.append("}")
    return _format.glue(*parts)


def _json_numbers(text: pa.Array) -> pa.Array:
    """Map-file number text (``format_items``) as JSON numbers; null for an empty field.

    The text is the number as ``json.dumps`` writes it (no exponent, no trailing zeros) as long
    as it has at most 15 significant digits: 11 before the point, 4 after. Longer ones (rare)
    go through ``float`` as before.
    """
    long = pc.greater(pc.find_substring(text, "."), 11)
    if pc.any(long).as_py():
        fixed = [json.dumps(_number(t)) for t in text.filter(long).to_pylist()]
        text = pc.replace_with_mask(text, long, pa.array(fixed, _format.STRING))
    return pc.if_else(pc.equal(pc.binary_length(text), 0), pa.scalar(None, _format.STRING), text)


def _cluster_lines(clusters: pd.DataFrame) -> list[str]:
    for required in ("cluster", "label"):
        if required not in clusters:
            raise OptionError(f"clusters: no {required!r} column")
    numbers = pd.to_numeric(clusters["cluster"], errors="coerce")
    bad = numbers.isna() | (numbers != numbers.round()) | (numbers < 1) | (numbers > MAX_CLUSTER)
    if bad.any():
        raise OptionError(f"clusters: cluster {clusters['cluster'][bad].iloc[0]!r} is not an integer from 1 to {MAX_CLUSTER}")
    if numbers.duplicated().any():
        raise OptionError(f"clusters: cluster {int(numbers[numbers.duplicated()].iloc[0])} has two labels")
    order = np.argsort(numbers.to_numpy(), kind="stable")
    labels = clusters["label"].tolist()
    return [
        json.dumps({"cluster": int(numbers.iloc[i]), "label": "" if is_missing(labels[i]) else str(labels[i])},
                   ensure_ascii=False)
        for i in order
    ]


def _json_value(value: Any, *, text: bool) -> Any:
    """An attribute as JSON can hold it: labels as text, numpy scalars as Python ones."""
    if text or isinstance(value, str):
        return str(value)
    return value.item() if isinstance(value, np.generic) else value


def _plain_name(column: str) -> str:
    """``weight<Occurrences>`` -> ``Occurrences``; a plain ``weight``/``score`` column -> ``Weight``/``Score``."""
    return column[column.index("<") + 1 : -1] if "<" in column else column.capitalize()


def _number(text: str) -> int | float | None:
    """Map-file number text as a JSON number (``None`` for an empty field)."""
    if not text:
        return None
    return float(text) if "." in text else int(text)


def is_missing(value: Any) -> bool:
    """Whether a value read from or written to JSON is missing (None, <NA> or NaN)."""
    return value is None or value is pd.NA or isinstance(value, float) and math.isnan(value)


def _pad(level: int, indent: int | None) -> str:
    return "\n" + " " * (indent * level) if indent is not None else ""


def _value(value: Any, level: int, indent: int | None) -> str:
    """``value`` as JSON text nested ``level`` deep."""
    return json.dumps(value, indent=indent, ensure_ascii=False).replace("\n", _pad(level, indent))


def _array(elements: list[str], level: int, indent: int | None) -> str:
    """A JSON array from ready-made element texts, one per line when indented."""
    if not elements:
        return "[]"
    inner = _pad(level + 1, indent)
    return "[" + inner + ("," + inner if indent is not None else ", ").join(elements) + _pad(level, indent) + "]"
