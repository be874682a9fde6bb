"""Reading VOSviewer JSON files (reference section 2).

The format is described in :mod:`bibnet.readwrite.vosjson`, which writes it. Files are opened
like every text file bibnet reads (:func:`bibnet.readers.text.load`): UTF-8, with or without
BOM, or UTF-16 with BOM.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bibnet.errors import InputError
from bibnet.readers.text import load
from bibnet.readwrite.vosjson import ITEM_KEYS, is_missing
from bibnet.readwrite.vosmap import MAX_CLUSTER, WEIGHT_OR_SCORE, VOSviewerMap, merge_links

__all__ = ["read_json"]


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
    # an empty file is refused below, as invalid JSON
    text = load(path, expected="a VOSviewer JSON file", allow_empty=True).text()
    try:
        doc = json.loads(text)
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
            elif key in ITEM_KEYS:
                put(base, key, i, value)
            elif match := WEIGHT_OR_SCORE.match(key):
                put(flat[match[1].lower()], match[2], i, value)
            else:
                put(attributes, key, i, value)
    def where(i: int) -> str:
        return f"network.items[{i}]"

    def field(suffix: str) -> Callable[[int], str]:
        """``where`` for one field of every item: ``field(".x")(3)`` is ``network.items[3].x``."""
        return lambda i: f"{where(i)}{suffix}"

    ids = _ids(base.get("id", [None] * n), name, where, required=bool(n) and "id" in base)
    repeated = pd.Series(ids).duplicated().to_numpy()
    if repeated.any():
        raise InputError(f"{name}: {where(int(np.argmax(repeated)))}: duplicate id {ids[int(np.argmax(repeated))]}")
    labels = base.get("label", [None] * n)
    columns: dict[str, Any] = {
        "id": ids,
        "label": pd.Series([str(ids[i]) if is_missing(v) else str(v) for i, v in enumerate(labels)], dtype="str"),
    }
    for key in ("description", "url"):
        if key in base:
            columns[key] = _texts(base[key])
    if ("x" in base) != ("y" in base):
        raise InputError(f"{name}: items have {'x' if 'x' in base else 'y'!r} but no {'y' if 'x' in base else 'x'!r}")
    for key in ("x", "y"):
        if key in base:
            columns[key] = _floats(base[key], name, field(f".{key}"))
    if "cluster" in base:
        clusters = _floats(base["cluster"], name, field(".cluster"))
        bad = ~np.isnan(clusters) & ((clusters != np.round(clusters)) | (clusters < 1) | (clusters > MAX_CLUSTER))
        if bad.any():
            i = int(np.argmax(bad))
            raise InputError(f"{name}: {where(i)}: cluster {clusters[i]:g} is not an integer from 1 to {MAX_CLUSTER}")
        known = ~np.isnan(clusters)
        columns["cluster"] = pd.Series(pd.array(np.where(known, clusters, 0).astype(np.int64), dtype="Int64")).where(known)
    for key, values in attributes.items():
        columns[key] = _attribute(values)
    for kind in ("weight", "score"):
        for key in dict.fromkeys([*nested[kind], *flat[kind]]):  # nested first, as VOSviewer's order
            pairs = zip(nested[kind].get(key, [None] * n), flat[kind].get(key, [None] * n), strict=True)
            values = [a if not is_missing(a) else b for a, b in pairs]
            numbers = _floats(values, name, field(f".{kind}s[{key!r}]"))
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
    labels = ["" if is_missing(e.get("label")) else str(e.get("label")) for e in entries]
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
        if is_missing(v):
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
    return pd.Series([None if is_missing(v) else str(v) for v in values], dtype="str")


def _attribute(values: list) -> pd.Series:
    """An extra item attribute: text, numbers (float64) or, mixed, the Python values."""
    present = [v for v in values if not is_missing(v)]
    if all(isinstance(v, str) for v in present):
        return _texts(values)
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return pd.Series([np.nan if is_missing(v) else float(v) for v in values], dtype=np.float64)
    return pd.Series([None if is_missing(v) else v for v in values], dtype=object)

