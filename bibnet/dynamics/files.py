"""The one writer of a themes-over-time folder.

Layout (``bibnet themes --out DIR``, and ``themes/`` of ``bibnet analyze --cuts``)::

    periods/<first-last>/   map.txt, network.txt, map.json, summary.json of each period
    periods.*               records, keywords and themes per period (+ records without a year)
    themes.*                the theme table (centrality, density, quadrant)
    evolution.*             links between the themes of consecutive periods, themes appearing, vanishing
    trends.*                year quartiles of every keyword meeting the threshold
    bursts.*                every keyword burst, strongest first
    figures/                strategic_<period>, evolution, trends, bursts: .html, and .png (300 dpi), .svg
    methods.md, parameters.json

Tables are written as CSV, Markdown and LaTeX (:func:`bibnet.tables.write_table`); each map
folder through :func:`bibnet.readwrite.folder.save`. :meth:`bibnet.dynamics.result.Themes.write`
says what goes in.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from bibnet.readwrite.folder import save

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from bibnet.network import Network


@dataclass(frozen=True)
class Written:
    """What :func:`write_folder` wrote: the files, the tables and figures by caption and the
    methods text (for a report)."""

    files: list[Path] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    methods: str = ""


def write_folder(folder: Path, *, networks: Mapping[str, Network], tables: Mapping[str, pd.DataFrame],
                 figures: Mapping[str, go.Figure], methods: str, parameters: Mapping[str, Any],
                 save_static: Callable[..., None] | None, lang: str = "en") -> Written:
    """Write a themes folder into ``folder`` (which exists).

    Parameters
    ----------
    networks
        Each period's network by label: ``periods/<label>/``.
    tables
        By file stem: ``<stem>.csv``, ``.md``, ``.tex``.
    figures
        By file stem: ``figures/<stem>.html``, and PNG and SVG through ``save_static``
        (:func:`bibnet.plotting.static_writer`; none when ``None``).
    methods, parameters
        ``methods.md`` and ``parameters.json``.
    lang
        The decimal mark of the tables' Markdown and LaTeX numbers (:func:`bibnet.tables.write_table`).

    Returns
    -------
    Written
        The files, the figures by title and the methods text (``tables`` left for the caller).
    """
    from bibnet.tables import write_table

    files: list[Path] = []
    for label, net in networks.items():
        files.extend(save(net, folder / "periods" / label).values())
    for stem, table in tables.items():
        files.extend(write_table(table, folder / stem, lang=lang).values())
    drawn = {}
    if figures:
        (folder / "figures").mkdir(parents=True, exist_ok=True)
    for stem, fig in figures.items():
        path = folder / "figures" / stem
        fig.write_html(path.with_suffix(".html"), include_plotlyjs="directory", full_html=True, div_id=stem)
        files.append(path.with_suffix(".html"))
        if save_static is not None:
            save_static(fig, path.with_suffix(".png"), path.with_suffix(".svg"))
            files.extend([path.with_suffix(".png"), path.with_suffix(".svg")])
        drawn[fig.layout.title.text or stem] = fig
    (folder / "methods.md").write_text(methods, encoding="utf-8")
    (folder / "parameters.json").write_text(json.dumps(dict(parameters), indent=2, ensure_ascii=False) + "\n",
                                            encoding="utf-8")
    files.extend([folder / "methods.md", folder / "parameters.json"])
    return Written(files=files, figures=drawn, methods=methods)
