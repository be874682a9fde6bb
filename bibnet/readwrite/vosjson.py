"""VOSviewer JSON files, VOSviewer Online's native format (reference section 2).

``{"info": {...}, "config": {...}, "network": {"items": [...], "links": [...],
"clusters": [...]}}``. Items carry ``weights`` and ``scores`` objects keyed by plain names
(``"Occurrences"``); in memory these are the ``weight<Occurrences>`` columns of a map file,
so a map read from JSON writes the same map file as one read from text, and back.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bibnet.errors import InputError, OptionError
from bibnet.readwrite import _format
from bibnet.readwrite.vosmap import (
    MAX_CLUSTER, WEIGHT_OR_SCORE, VOSviewerMap, check_links, column_kind, format_items, formatted_links, merge_links,
)

__all__ = ["read_json", "write_json"]

#: Item keys with a fixed meaning, in the order they are written.
_BASE = ("id", "label", "description", "url", "x", "y", "cluster")


# -- writing -----------------------------------------------------------------------------------


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
                [None if _missing(v) else json.dumps(_json_value(v, text=kind != "text"), ensure_ascii=False)
                 for v in column.tolist()],
                _format.STRING,
            )
    names = list(values)
    base = [n for n in names if column_kind(n) not in ("weight", "score")]
    base.sort(key=lambda n: _BASE.index(n) if n in _BASE else len(_BASE))  # stable: attributes keep their order
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
                 for k, (n, v) in enumerate(zip(weights, weight_pairs))]
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
        json.dumps({"cluster": int(numbers.iloc[i]), "label": "" if _missing(labels[i]) else str(labels[i])}, ensure_ascii=False)
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


def _missing(value: Any) -> bool:
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


# -- reading -----------------------------------------------------------------------------------


def read_json(path: str | Path) -> VOSviewerMap:
    """Read a VOSviewer JSON file into a :class:`VOSviewerMap`.

    Items become the columns of a map file (``weights``/``scores`` entries become
    ``weight<Name>``/``score<Name>`` columns, in the order first seen); other item keys are
    kept as attribute columns. Links are merged as in a network file (repeated pairs and both
    directions summed, self-links dropped, a missing strength is 1). Without items, the
    items are the ids of the links. ``clusters``, ``info`` and ``config`` are kept.

    Raises
    ------
    InputError
        If the file is not JSON, has no ``network.items``/``network.links``, or holds what
        VOSviewer rejects: a missing, repeated or non-integer id (bibnet's ids are
        integers), an item lacking a weight another item has, a negative weight, a
        non-numeric value, a cluster outside 1..1000, a link id that is not an item.
    """
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot read JSON file ({exc.strerror})") from None
    try:
        doc = json.loads(raw.decode("utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: JSON file is not UTF-8 text (bad byte at offset {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{name} line {exc.lineno}: not valid JSON ({exc.msg})") from None
    network = doc.get("network") if isinstance(doc, dict) else None
    if not isinstance(network, dict) or not ("items" in network or "links" in network):
        raise InputError(f"{name}: no network.items or network.links (not a VOSviewer JSON file)")
    source, target, strength = _links(_list(network.get("links"), name, "network.links"), name)
    if "items" in network:
        items = _items(_list(network["items"], name, "network.items"), name)
        known = items["id"].to_numpy()
        for ids in (source, target):
            unknown = ~np.isin(ids, known)
            if unknown.any():
                i = int(np.argmax(unknown))
                raise InputError(f"{name}: network.links[{i}]: id {ids[i]} not in network.items")
    else:
        ids = np.unique(np.concatenate([source, target]))
        items = pd.DataFrame({"id": ids, "label": pd.Series(ids).astype("str")})
    clusters = _clusters(network["clusters"], name) if network.get("clusters") is not None else None
    extras = {}
    for key in ("info", "config"):
        if doc.get(key) is not None and not isinstance(doc[key], dict):
            raise InputError(f"{name}: {key} is not an object")
        extras[key] = doc.get(key)
    return VOSviewerMap(items=items, links=merge_links(source, target, strength), clusters=clusters, **extras)


def _list(value: Any, name: str, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"{name}: {where} is not a list")
    return value


def _items(entries: list, name: str) -> pd.DataFrame:
    """The items frame from ``network.items`` (one Python pass over the items, not the links)."""
    n = len(entries)
    base: dict[str, list] = {}
    nested: dict[str, dict[str, list]] = {"weight": {}, "score": {}}
    flat: dict[str, dict[str, list]] = {"weight": {}, "score": {}}  # "weight<X>" keys some VOSviewer files repeat
    attributes: dict[str, list] = {}

    def put(table: dict[str, list], key: str, i: int, value: Any) -> None:
        if key not in table:
            table[key] = [None] * n
        table[key][i] = value

    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise InputError(f"{name}: network.items[{i}] is not an object")
        for key, value in entry.items():
            if key in ("weights", "scores"):
                if not isinstance(value, dict):
                    raise InputError(f"{name}: network.items[{i}].{key} is not an object")
                for inner, v in value.items():
                    put(nested[key[:-1]], inner, i, v)
            elif key in _BASE:
                put(base, key, i, value)
            elif match := WEIGHT_OR_SCORE.match(key):
                put(flat[match[1].lower()], match[2], i, value)
            else:
                put(attributes, key, i, value)
    def where(i: int) -> str:
        return f"network.items[{i}]"

    ids = _ids(base.get("id", [None] * n), name, where, required=bool(n) and "id" in base)
    repeated = pd.Series(ids).duplicated().to_numpy()
    if repeated.any():
        raise InputError(f"{name}: {where(int(np.argmax(repeated)))}: duplicate id {ids[int(np.argmax(repeated))]}")
    labels = base.get("label", [None] * n)
    columns: dict[str, Any] = {
        "id": ids,
        "label": pd.Series([str(ids[i]) if _missing(v) else str(v) for i, v in enumerate(labels)], dtype="str"),
    }
    for key in ("description", "url"):
        if key in base:
            columns[key] = _texts(base[key])
    if ("x" in base) != ("y" in base):
        raise InputError(f"{name}: items have {'x' if 'x' in base else 'y'!r} but no {'y' if 'x' in base else 'x'!r}")
    for key in ("x", "y"):
        if key in base:
            columns[key] = _floats(base[key], name, lambda i, key=key: f"{where(i)}.{key}")
    if "cluster" in base:
        values = _floats(base["cluster"], name, lambda i: f"{where(i)}.cluster")
        bad = ~np.isnan(values) & ((values != np.round(values)) | (values < 1) | (values > MAX_CLUSTER))
        if bad.any():
            i = int(np.argmax(bad))
            raise InputError(f"{name}: {where(i)}: cluster {values[i]:g} is not an integer from 1 to {MAX_CLUSTER}")
        known = ~np.isnan(values)
        columns["cluster"] = pd.Series(pd.array(np.where(known, values, 0).astype(np.int64), dtype="Int64")).where(known)
    for key, values in attributes.items():
        columns[key] = _attribute(values)
    for kind in ("weight", "score"):
        for key in dict.fromkeys([*nested[kind], *flat[kind]]):  # nested first, as VOSviewer's order
            pairs = zip(nested[kind].get(key, [None] * n), flat[kind].get(key, [None] * n))
            values = [a if not _missing(a) else b for a, b in pairs]
            numbers = _floats(values, name, lambda i, kind=kind, key=key: f"{where(i)}.{kind}s[{key!r}]")
            if kind == "weight":
                bad = np.isnan(numbers) | (numbers < 0)
                if bad.any():
                    i = int(np.argmax(bad))
                    problem = "missing (every item needs every weight)" if np.isnan(numbers[i]) else f"{numbers[i]:g} is negative"
                    raise InputError(f"{name}: {where(i)} (id {ids[i]}): weight {key!r} {problem}")
            columns[f"{kind}<{key}>"] = numbers
    return pd.DataFrame(columns)


def _links(entries: list, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    try:
        columns = [[e["source_id"] for e in entries], [e["target_id"] for e in entries], [e.get("strength") for e in entries]]
    except (TypeError, KeyError, AttributeError):
        i = next(i for i, e in enumerate(entries) if not isinstance(e, dict) or "source_id" not in e or "target_id" not in e)
        raise InputError(f"{name}: network.links[{i}] needs source_id and target_id") from None
    def where(i: int) -> str:
        return f"network.links[{i}]"

    source = _ids(columns[0], name, where, required=True)
    target = _ids(columns[1], name, where, required=True)
    strength = _floats(columns[2], name, lambda i: f"{where(i)}.strength")
    if (strength < 0).any():
        i = int(np.argmax(strength < 0))
        raise InputError(f"{name}: network.links[{i}]: strength {strength[i]:g} is negative")
    return source, target, np.where(np.isnan(strength), 1.0, strength)  # a missing strength is 1, as in VOSviewer


def _clusters(entries: Any, name: str) -> pd.DataFrame:
    entries = _list(entries, name, "network.clusters")
    if any(not isinstance(e, dict) for e in entries):
        raise InputError(f"{name}: network.clusters holds something that is not an object")
    def where(i: int) -> str:
        return f"network.clusters[{i}]"

    numbers = _ids([e.get("cluster") for e in entries], name, where, required=True)
    bad = (numbers < 1) | (numbers > MAX_CLUSTER)
    if bad.any():
        raise InputError(f"{name}: {where(int(np.argmax(bad)))}: cluster {numbers[bad][0]} is not from 1 to {MAX_CLUSTER}")
    labels = ["" if _missing(e.get("label")) else str(e.get("label")) for e in entries]
    return pd.DataFrame({"cluster": numbers, "label": pd.Series(labels, dtype="str")})


def _floats(values: list, name: str, where: Callable[[int], str]) -> np.ndarray:
    """Numbers (or numeric text) as float64, NaN for null; :class:`InputError` for anything else.

    ``where(i)`` names the place of value ``i`` in the file for messages.
    """
    try:  # fast path: numbers and nulls only
        out = np.asarray(values, dtype=np.float64).reshape(len(values))
        if np.isfinite(out[~np.isnan(out)]).all() and not any(isinstance(v, (bool, str)) for v in values[:1]):
            return out
    except (TypeError, ValueError):
        pass
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):  # only to find and name a bad value
        if _missing(v):
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            raise InputError(f"{name}: {where(i)}: {v!r} is not a number")
        try:
            out[i] = float(v)
        except ValueError:
            raise InputError(f"{name}: {where(i)}: {v!r} is not a number") from None
        if math.isinf(out[i]):
            raise InputError(f"{name}: {where(i)}: {v!r} is not a finite number")
    return out


def _ids(values: list, name: str, where: Callable[[int], str], *, required: bool) -> np.ndarray:
    """Integer ids; without any id (and ``required`` False) the ids are 1..N."""
    if not required:
        return np.arange(1, len(values) + 1, dtype=np.int64)
    if not values:
        return np.array([], np.int64)
    try:
        numbers = _floats(values, name, where)
    except InputError:
        numbers = np.array([_float_or_nan(v) for v in values])  # to name the first bad id below
    bad = ~np.isfinite(numbers) | (numbers != np.round(numbers)) | (np.abs(numbers) > 2**53)
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(f"{name}: {where(i)}: id {values[i]!r} is not an integer (bibnet needs integer ids)")
    return numbers.astype(np.int64)


def _float_or_nan(value: Any) -> float:
    try:
        return np.nan if isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        return np.nan


def _texts(values: list) -> pd.Series:
    return pd.Series([None if _missing(v) else str(v) for v in values], dtype="str")


def _attribute(values: list) -> pd.Series:
    """An extra item attribute: text, numbers (float64) or, mixed, the Python values."""
    present = [v for v in values if not _missing(v)]
    if all(isinstance(v, str) for v in present):
        return _texts(values)
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return pd.Series([np.nan if _missing(v) else float(v) for v in values], dtype=np.float64)
    return pd.Series([None if _missing(v) else v for v in values], dtype=object)
