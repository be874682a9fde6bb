"""The one writer of a map folder: VOSviewer map, network and JSON files, summary, extras.

``bibnet map``, ``bibnet remap`` and ``bibnet analyze`` (once per keyword field) all write
through :func:`write_map_folder`. Each file is written under a temporary name and renamed
when complete, so a file of the folder is never half-written; the commands write the whole
folder at once through :func:`bibnet.readwrite.run_folder.output_folder`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from bibnet.errors import OptionError
from bibnet.readwrite import graphs
from bibnet.readwrite.convert import AUTHOR_SHARE_COLUMN, to_vosviewer
from bibnet.readwrite.run_folder import output_folder
from bibnet.readwrite.vosjson import write_json
from bibnet.readwrite.vosmap import VOSviewerMap, write_map, write_network

if TYPE_CHECKING:  # pragma: no cover
    from bibnet.network import Network

__all__ = ["GRAPH_FORMATS", "save", "write_map_folder", "write_vosviewer"]

#: Graph files for other tools: format -> (file name, writer) pairs.
GRAPH_FORMATS: dict[str, tuple[tuple[str, Callable[[VOSviewerMap, Path], Path]], ...]] = {
    "gexf": (("map.gexf", graphs.write_gexf),),
    "graphml": (("map.graphml", graphs.write_graphml),),
    "pajek": (("map.net", graphs.write_pajek), ("map.clu", graphs.write_pajek_partition)),
}


def write_map_folder(
    directory: str | Path,
    vmap: VOSviewerMap,
    *,
    summary: Mapping[str, Any] | None = None,
    formats: Sequence[str] = (),
    json_only: Sequence[str] = (),
    thesaurus: pd.DataFrame | None = None,
    stem: str = "",
) -> dict[str, Path]:
    """Write ``map.txt``, ``network.txt``, ``map.json`` and ``summary.json`` to ``directory``.

    Parameters
    ----------
    directory
        The folder (created if missing).
    vmap
        The map.
    summary
        JSON data for ``summary.json``; ``None`` writes no summary.
    formats
        Graph files to add (:data:`GRAPH_FORMATS`): ``"gexf"`` (Gephi, ``map.gexf``),
        ``"graphml"`` (``map.graphml``), ``"pajek"`` (``map.net`` and clusters ``map.clu``).
    json_only
        Item columns written to ``map.json`` but not to ``map.txt``.
    thesaurus
        A suggested thesaurus that was applied (:func:`bibnet.suggest.suggest_thesaurus`),
        written as ``thesaurus_auto.txt`` with its explanation ``thesaurus_auto.csv``.
    stem
        Put in front of every file name (``stem="coffee_"``: ``coffee_map.txt``, ...).

    Returns
    -------
    dict
        File name -> path, in the order written.
    """
    unknown = [f for f in formats if f not in GRAPH_FORMATS]
    if unknown:
        raise OptionError(f"unknown export format {unknown[0]!r}; expected one of {', '.join(GRAPH_FORMATS)}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {name: directory / f"{stem}{name}" for name in ("map.txt", "network.txt", "map.json")}
    map_items = vmap.items[[c for c in vmap.items.columns if c not in json_only]]
    _atomic(paths["map.txt"], lambda tmp: write_map(map_items, tmp))
    # The two long files at once: formatting (Arrow) and writing release the GIL.
    with ThreadPoolExecutor(max_workers=2) as threads:
        network = threads.submit(_atomic, paths["network.txt"], lambda tmp: write_network(vmap, tmp))
        _atomic(paths["map.json"], lambda tmp: write_json(vmap, tmp))
        network.result()
    if summary is not None:
        text = json.dumps(dict(summary), indent=2, ensure_ascii=False) + "\n"
        paths["summary.json"] = _atomic(directory / f"{stem}summary.json", lambda tmp: tmp.write_text(text, encoding="utf-8"))
    for fmt in formats:
        for name, writer in GRAPH_FORMATS[fmt]:
            paths[name] = _atomic(directory / f"{stem}{name}", partial(writer, vmap))  # writer(vmap, tmp)
    if thesaurus is not None:
        from bibnet.suggest import write_thesaurus

        txt, csv = directory / f"{stem}thesaurus_auto.txt", directory / f"{stem}thesaurus_auto.csv"
        csv_tmp = _temporary(csv)
        try:
            _atomic(txt, lambda tmp: write_thesaurus(thesaurus, tmp, explain_path=csv_tmp))
            os.replace(csv_tmp, csv)
        finally:
            csv_tmp.unlink(missing_ok=True)
        paths["thesaurus_auto.txt"], paths["thesaurus_auto.csv"] = txt, csv
    return paths


def write_vosviewer(vmap: VOSviewerMap, directory: str | Path, *, stem: str = "") -> dict[str, Path]:
    """Write ``<stem>map.txt``, ``<stem>network.txt`` and ``<stem>map.json`` into ``directory``.

    :func:`write_map_folder` without a summary.

    Returns
    -------
    dict
        ``{"map": path, "network": path, "json": path}``.
    """
    paths = write_map_folder(directory, vmap, stem=stem)
    return {"map": paths["map.txt"], "network": paths["network.txt"], "json": paths["map.json"]}


def save(net: Network, directory: str | Path, *, formats: Sequence[str] = ()) -> dict[str, Path]:
    """Write a network's map folder (:func:`write_map_folder`): VOSviewer files and ``summary.json``.

    The folder is checked first and built beside ``directory``, then swapped in
    (:func:`~bibnet.readwrite.run_folder.output_folder`): a failure leaves it as it was.
    """
    with output_folder(directory) as folder:
        paths = write_map_folder(folder, to_vosviewer(net), summary=net.summary().to_dict(), formats=formats,
                                 json_only=(AUTHOR_SHARE_COLUMN,), thesaurus=net.suggestions)
    return {name: Path(directory) / path.relative_to(folder) for name, path in paths.items()}


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _atomic(path: Path, write: Callable[[Path], Any]) -> Path:
    """Write ``path`` through ``write(temporary path)``, then rename: never half a file."""
    tmp = _temporary(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
