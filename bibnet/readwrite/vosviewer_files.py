"""The three files of a VOSviewer map: map file, network file and JSON file, written together."""

from __future__ import annotations

from pathlib import Path

from bibnet.readwrite.vosjson import write_json
from bibnet.readwrite.vosmap import VOSviewerMap, write_map, write_network

__all__ = ["write_vosviewer"]


def write_vosviewer(vmap: VOSviewerMap, directory: str | Path, *, stem: str = "") -> dict[str, Path]:
    """Write ``<stem>map.txt``, ``<stem>network.txt`` and ``<stem>map.json`` into ``directory``.

    Returns
    -------
    dict
        ``{"map": path, "network": path, "json": path}``.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return {
        "map": write_map(vmap, directory / f"{stem}map.txt"),
        "network": write_network(vmap, directory / f"{stem}network.txt"),
        "json": write_json(vmap, directory / f"{stem}map.json"),
    }
