"""What :func:`bibnet.themes` found, typed, with its tables, figures, methods text and files."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from bibnet.dynamics.files import Written, write_folder
from bibnet.dynamics.methods import themes_methods
from bibnet.dynamics.params import ThemesParams
from bibnet.dynamics.periods import Period
from bibnet.dynamics.trends import trending
from bibnet.errors import OptionError
from bibnet.readwrite.run_folder import output_folder
from bibnet.texts import plural, text, word

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from bibnet.clustering import ClusterParams
    from bibnet.layout import LayoutParams
    from bibnet.network import Network
    from bibnet.selection import NetworkParams

#: Columns of the burst table, in order.
BURST_COLUMNS = ("keyword", "occurrences", "strength", "start", "end")
#: Catalogue keys (:mod:`bibnet.texts`) of the readable headings of the tables' columns, by table.
HEADINGS = {
    "themes": {"period": "themes.period", "theme": "themes.theme", "name": "themes.name", "keywords": "themes.keywords",
               "n_keywords": "themes.n_keywords", "documents": "themes.documents", "occurrences": "score.occurrences",
               "centrality": "themes.centrality", "density": "themes.density", "quadrant": "themes.quadrant"},
    "evolution": {"from_period": "themes.from_period", "from_theme": "themes.from_theme", "from_name": "themes.from_name",
                  "to_period": "themes.to_period", "to_theme": "themes.to_theme", "to_name": "themes.to_name",
                  "shared": "themes.shared", "n_shared": "themes.n_shared", "inclusion": "themes.inclusion",
                  "jaccard": "themes.jaccard", "event": "themes.event"},
    "trends": {"keyword": "table.keyword", "occurrences": "score.occurrences", "year_q1": "themes.year_q1",
               "year_median": "themes.year_median", "year_q3": "themes.year_q3"},
    "bursts": {"keyword": "table.keyword", "occurrences": "score.occurrences", "strength": "themes.strength",
               "start": "themes.begin", "end": "themes.end"},
}
#: Catalogue keys of the captions of the tables, by file stem.
CAPTIONS = {stem: f"themes.caption_{stem}" for stem in ("periods", "themes", "evolution", "trends", "bursts")}


def readable(frame: pd.DataFrame, stem: str, *, lang: str = "en") -> pd.DataFrame:
    """A table of :class:`Themes` with the headings (:data:`HEADINGS`) and the quadrants and events
    (:data:`bibnet.texts.WORDS`) in ``lang``."""
    frame = frame.copy()
    for column in ("quadrant", "event"):
        if column in frame.columns:
            frame[column] = frame[column].map(lambda v: word(v, lang=lang))
    return frame.rename(columns={c: text(key, lang=lang) for c, key in HEADINGS[stem].items()})


@dataclass(frozen=True, eq=False)  # holds DataFrames
class Themes:
    """What :func:`bibnet.themes` found.

    Attributes
    ----------
    periods
        The periods with records, in time order (first and last year, records); those not
        mapped are in ``skipped``.
    networks
        Each period's clustered (and laid out) network, by period label.
    themes
        The theme table (:data:`~bibnet.dynamics.strategic.THEME_COLUMNS`), periods in order.
    evolution
        Links between themes of consecutive periods, and themes that appear or vanish
        (:data:`~bibnet.dynamics.evolution.EVOLUTION_COLUMNS`).
    trends
        Every keyword meeting the threshold in the whole corpus with its occurrences and year
        quartiles (:data:`~bibnet.dynamics.trends.TREND_COLUMNS`).
    bursts
        Every burst (:data:`BURST_COLUMNS`, years inclusive), strongest first.
    years
        First and last publication year of the corpus.
    records, without_year, outside
        Records in all; without a publication year; with a year outside every period.
    skipped
        Periods not mapped, by label, with why (no records, no keyword meeting the threshold).
    """

    periods: tuple[Period, ...]
    networks: dict[str, Network]
    themes: pd.DataFrame
    evolution: pd.DataFrame
    trends: pd.DataFrame
    bursts: pd.DataFrame
    years: tuple[int, int]
    records: int
    without_year: int
    outside: int
    params: ThemesParams
    network_params: NetworkParams
    clustering: ClusterParams
    layout: LayoutParams | None
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        """The labels of the periods mapped, in time order."""
        return [p.label for p in self.periods if p.label in self.networks]

    def plot_strategic(self, period: str, *, title: str | None = None) -> go.Figure:
        """The strategic diagram of one period (by label)."""
        from bibnet.plotting.themes import strategic_figure

        if period not in self.networks:
            raise OptionError(f"no period {period!r}; the periods are {', '.join(self.labels)}")
        rows = self.themes[self.themes["period"] == period].reset_index(drop=True)
        lang = self.params.lang
        return strategic_figure(rows, title=title or text("themes.title_strategic", lang=lang, period=period), lang=lang)

    def plot_evolution(self, *, title: str | None = None) -> go.Figure:
        """The thematic evolution across the periods (alluvial diagram)."""
        from bibnet.plotting.themes import evolution_figure

        links = self.evolution.dropna(subset=["from_theme", "to_theme"]).reset_index(drop=True)
        lang = self.params.lang
        return evolution_figure(self.themes, links, periods=self.labels, title=title or text("themes.title_evolution", lang=lang),
                                lang=lang)

    def plot_trends(self, *, title: str | None = None) -> go.Figure:
        """Trend topics: the most frequent keywords of each median year, with their quartile years."""
        from bibnet.plotting.themes import trends_figure

        lang = self.params.lang
        return trends_figure(trending(self.trends, per_year=self.params.trend_keywords),
                             title=title or text("themes.title_trends", lang=lang), lang=lang)

    def plot_bursts(self, *, title: str | None = None) -> go.Figure:
        """The keywords with the strongest bursts, by the year their burst begins."""
        from bibnet.plotting.themes import bursts_figure

        top = self.bursts.head(self.params.top_bursts).sort_values(["start", "strength", "keyword"],
                                                                   ascending=[True, False, True], kind="stable")
        n, lang = len(top), self.params.lang
        title = title or text("themes.title_bursts", lang=lang, n=n, keywords=plural(n, "plural.keyword", lang=lang))
        return bursts_figure(top.reset_index(drop=True), first_year=self.years[0], last_year=self.years[1], title=title,
                             lang=lang)

    # -- tables, figures, text ---------------------------------------------------------------
    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables of the files by stem (``periods``, ``themes``, ``evolution``, ``trends``,
        ``bursts``), with readable headings, in the language of ``params.lang`` (:func:`readable`)."""
        tables = {"periods": self.period_table()}
        for stem, frame in (("themes", self.themes), ("evolution", self.evolution), ("trends", self.trends),
                            ("bursts", self.bursts)):
            tables[stem] = readable(frame, stem, lang=self.params.lang)
        return tables

    def report_tables(self, *, tables: dict[str, pd.DataFrame] | None = None) -> dict[str, pd.DataFrame]:
        """The tables for a report, by caption: those of the files (``tables``, default
        :meth:`tables`), but of the trend topics only the keywords of the figure, and of the
        bursts only the strongest (the files have them all)."""
        tables = dict(tables if tables is not None else self.tables())
        per_year, top, lang = self.params.trend_keywords, self.params.top_bursts, self.params.lang
        tables["trends"] = readable(trending(self.trends, per_year=per_year), "trends", lang=lang)
        tables["bursts"] = tables["bursts"].head(top)
        captions = {stem: text(key, lang=lang) for stem, key in CAPTIONS.items()}
        captions.update(trends=text("themes.caption_trends_top", lang=lang, n=per_year),
                        bursts=text("themes.caption_bursts_top", lang=lang, n=top))
        return {captions[stem]: table for stem, table in tables.items()}

    def period_table(self) -> pd.DataFrame:
        """One row per period (mapped or not), then the records without a year and outside every
        period: the ``Records`` column adds up to all records."""
        lang = self.params.lang

        def why(label: str) -> str:
            reason = self.skipped[label]
            return text("themes.not_mapped", lang=lang, reason=text("themes.no_records", lang=lang)
                        if reason == "no records" else reason)

        rows = []
        for period in self.periods:
            net = self.networks.get(period.label)
            summary = net.summary() if net is not None else None
            rows.append({"Period": period.label, "Records": period.records,
                         "Keywords": summary.keywords_total if summary else None,
                         "Mapped keywords": summary.keywords_selected if summary else None,
                         "Links": summary.links if summary else None,
                         "Themes": summary.clusters if summary else None,
                         "Note": "" if summary else why(period.label)})
        if self.without_year:
            rows.append({"Period": text("themes.no_year", lang=lang), "Records": self.without_year,
                         "Note": text("themes.left_out_all", lang=lang)})
        if self.outside:
            rows.append({"Period": text("themes.outside", lang=lang), "Records": self.outside,
                         "Note": text("themes.left_out", lang=lang)})
        columns = ["Period", "Records", "Keywords", "Mapped keywords", "Links", "Themes", "Note"]
        table = pd.DataFrame(rows, columns=columns)
        for column in columns[1:-1]:
            table[column] = pd.array(table[column], dtype="Int64")
        keys = ["themes.period", "table.records", "table.n_keywords", "themes.mapped_keywords", "score.links",
                "themes.themes", "themes.note"]
        return table.set_axis([text(key, lang=lang) for key in keys], axis=1)

    def figures(self) -> dict[str, go.Figure]:
        """Every figure by file stem: a strategic diagram per period mapped, the evolution (two
        periods or more), the trend topics and the bursts (when there are any)."""
        figures = {f"strategic_{label}": self.plot_strategic(label) for label in self.labels}
        if len(self.labels) > 1:
            figures["evolution"] = self.plot_evolution()
        if self.trends["year_median"].notna().any():
            figures["trends"] = self.plot_trends()
        if len(self.bursts):
            figures["bursts"] = self.plot_bursts()
        return figures

    def methods(self) -> str:
        """The methods text (:func:`bibnet.dynamics.methods.themes_methods`)."""
        return themes_methods(periods=self.periods, mapped=self.labels, skipped=self.skipped,
                              without_year=self.without_year, outside=self.outside, params=self.params,
                              min_occurrences=self.network_params.min_occurrences, bursts=len(self.bursts),
                              years=self.years)

    def to_dict(self) -> dict[str, Any]:
        """JSON data of the run's inputs and options (``parameters.json``)."""
        return {
            "records": self.records,
            "records_without_year": self.without_year,
            "records_outside_periods": self.outside,
            "years": list(self.years),
            "periods": [{"period": p.label, "first": p.first, "last": p.last, "records": p.records,
                         "mapped": p.label in self.networks,
                         **({"skipped": self.skipped[p.label]} if p.label in self.skipped else {})}
                        for p in self.periods],
            "themes": {**self.params.to_dict(), "cuts": list(self.params.cuts),
                       "periods": [list(p) for p in self.params.periods]},
            "network": self.network_params.to_dict(),
            "clustering": self.clustering.to_dict(),
            "layout": self.layout.to_dict() if self.layout is not None else None,
        }

    # -- files ------------------------------------------------------------------------------
    def write(self, out: str | Path, *, figures: bool = True, static: bool = True) -> list[Path]:
        """Write every map, table, figure, the methods text and the parameters to the folder
        ``out`` (:mod:`bibnet.dynamics.files`): built beside it and swapped in when complete.

        Returns
        -------
        list of pathlib.Path
            The files written.
        """
        from bibnet.plotting import static_writer

        out = Path(out)
        drawing = figures and static and self.layout is not None
        with output_folder(out) as folder, static_writer(workers=None if drawing else 1) as save_static:
            written = self.write_into(folder, figures=figures, save_static=save_static if static else None)
        return [out / path.relative_to(folder) for path in written.files]

    def write_into(self, folder: Path, *, figures: bool = True,
                   save_static: Callable[..., None] | None = None) -> Written:
        """Write every file into ``folder`` (which exists), static pictures through ``save_static``
        (:func:`bibnet.plotting.static_writer`; none when ``None``); figures only with a layout."""
        drawn = self.figures() if figures and self.layout is not None else {}
        tables = self.tables()
        written = write_folder(folder, networks=self.networks, tables=tables, figures=drawn,
                               methods=self.methods(), parameters=self.to_dict(), save_static=save_static,
                               lang=self.params.lang)
        return dataclasses.replace(written, tables=self.report_tables(tables=tables))
