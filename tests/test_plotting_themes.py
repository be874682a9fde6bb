"""Themes over time: strategic diagram, thematic evolution, trend topics, keyword bursts; and their static pictures."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from bibnet.errors import OptionError
from bibnet.palette import CLUSTER_COLORS
from bibnet.plotting import save_static
from bibnet.plotting.themes import bursts_figure, evolution_figure, strategic_figure, trends_figure

LONG = "a theme name that is much longer than thirty characters"


def strategic_themes() -> pd.DataFrame:
    return pd.DataFrame({
        "theme": [2, 1, 3, 4], "name": ["coffee <b>&</b> risk", "obesity", LONG, "diet"],
        "occurrences": [40, 160, 2, 90], "centrality": [3.0, 8.0, 1.0, 6.0], "density": [55.0, 40.0, 12.0, 20.0],
        "quadrant": ["niche", "motor", "emerging or declining", "basic"],
    })


PERIODS = ["2000-2009", "2010-2014", "2015-2020", "2021-2024"]


def evolution_input() -> tuple[pd.DataFrame, pd.DataFrame]:
    themes = pd.DataFrame({"period": ["2000-2009", "2000-2009", "2010-2014", "2010-2014", "2010-2014", "2015-2020"],
                           "theme": [1, 2, 1, 2, 3, 1],
                           "name": ["obesity", "coffee", "obesity", "<i>caffeine</i>", "diet", "bmi"],
                           "occurrences": [30, 10, 50, 20, 12, 80]})
    links = pd.DataFrame({"from_period": ["2000-2009", "2000-2009", "2010-2014", "2000-2009"], "from_theme": [1, 2, 1, 1],
                          "to_period": ["2010-2014", "2010-2014", "2015-2020", "2015-2020"], "to_theme": [1, 2, 1, 1],
                          "shared": ["obesity; bmi", "coffee", "obesity; weight; bmi; fat; diet; exercise", "<b>x</b>"],
                          "n_shared": [2, 1, 6, 1], "inclusion": [0.8, 0.5, 1.0, 0.2], "jaccard": [0.4, 0.2, 0.6, 0.05]})
    return themes, links  # 2021-2024 has no theme; theme 3 of 2010-2014 ("diet") has no link


def trends_input() -> pd.DataFrame:
    return pd.DataFrame({"keyword": ["late", "early", "middle small", "middle big", "<script>"],
                         "occurrences": [10, 30, 5, 50, 8], "year_q1": [2016, 2005, 2009, 2008, 2001],
                         "year_median": [2018, 2007, 2011, 2011, 2003], "year_q3": [2020, 2009, 2013, 2014, 2004]})


def bursts_input() -> pd.DataFrame:
    return pd.DataFrame({"keyword": ["obesity", "coffee", "caffeine <em>intake</em>"], "strength": [12.345, 8.1, 3.0],
                         "start": [2000, 2005, 2012], "end": [2003, 2010, 2012]})


def all_figures() -> dict[str, go.Figure]:
    themes, links = evolution_input()
    return {
        "strategic": strategic_figure(strategic_themes(), title="Themes <2020>"),
        "evolution": evolution_figure(themes, links, periods=PERIODS, title="Evolution"),
        "trends": trends_figure(trends_input(), title="Trend topics"),
        "bursts": bursts_figure(bursts_input(), first_year=2000, last_year=2020, title="Bursts"),
    }


def filled(fig: go.Figure, prefix: str) -> list:
    return [t for t in fig.data if t.fill == "toself" and (t.name or "").startswith(prefix)]


# -- strategic diagram ------------------------------------------------------------------------------
def test_strategic_bubbles_sit_at_centrality_and_density_with_area_by_occurrences():
    themes = strategic_themes()
    fig = strategic_figure(themes)
    bubbles = next(t for t in fig.data if t.mode == "markers")
    by_theme = themes.set_index("theme")
    assert list(bubbles.x) == list(by_theme.loc[list(bubbles.customdata), "centrality"])
    assert list(bubbles.y) == list(by_theme.loc[list(bubbles.customdata), "density"])
    size = dict(zip(bubbles.customdata, bubbles.marker.size, strict=True))
    assert size[1] == 60.0  # the most frequent theme
    assert size[4] ** 2 / size[1] ** 2 == pytest.approx(90 / 160, abs=1e-3)  # area proportional to occurrences
    assert size[2] ** 2 / size[1] ** 2 == pytest.approx(40 / 160, abs=1e-3)
    assert size[3] == 12.0  # 60 * sqrt(2 / 160) = 6.7 px: raised to the smallest bubble
    colors = dict(zip(bubbles.customdata, bubbles.marker.color, strict=True))
    assert colors[1] == "rgba(214,39,40,0.75)" and colors[3].startswith("rgba(31,119,180,")  # cluster 1 and 3 colours
    assert list(bubbles.marker.size) == sorted(bubbles.marker.size, reverse=True)  # small bubbles drawn last, on top


def test_strategic_median_lines_quadrant_names_and_axes():
    themes = strategic_themes()
    fig = strategic_figure(themes)
    lines = next(t for t in fig.data if t.mode == "lines")
    assert lines.line.dash == "dash"
    assert lines.x[0] == lines.x[1] == np.median(themes["centrality"]) == 4.5
    assert lines.y[3] == lines.y[4] == np.median(themes["density"]) == 30.0
    assert (lines.y[0], lines.y[1]) == tuple(fig.layout.yaxis.range) and (lines.x[3], lines.x[4]) == tuple(fig.layout.xaxis.range)
    corners = {(a.x, a.y): a.text for a in fig.layout.annotations}
    assert corners == {(1, 1): "Motor themes", (1, 0): "Basic themes", (0, 1): "Niche themes",
                       (0, 0): "Emerging or declining themes"}
    assert all(a.xref == "paper" and a.yref == "paper" and a.showarrow is False for a in fig.layout.annotations)
    assert fig.layout.xaxis.title.text == "Centrality (relevance degree)"
    assert fig.layout.yaxis.title.text == "Density (development degree)"
    for axis, values in ((fig.layout.xaxis, themes["centrality"]), (fig.layout.yaxis, themes["density"])):
        lo, hi = axis.range
        span = values.max() - values.min()
        assert lo <= values.min() - 0.1 * span + 1e-9 and hi >= values.max() + 0.1 * span - 1e-9  # 10% margin at least
        assert all(lo <= v <= hi for v in axis.tickvals) and len(axis.tickvals) == len(axis.ticktext) >= 3
    assert (fig.layout.width, fig.layout.height) == (900, 700)


def test_strategic_labels_are_shortened_and_escaped():
    fig = strategic_figure(strategic_themes(), title="<b>t</b>")
    labels = next(t for t in fig.data if t.mode == "text")
    assert LONG[:30] + "..." in labels.text
    assert "coffee &lt;b&gt;&amp;&lt;/b&gt; risk" in labels.text
    assert not any("<" in t for t in labels.text)
    hover = next(t for t in fig.data if t.mode == "markers").hovertext
    assert any("Quadrant: motor" in h and "Occurrences: 160" in h and "Centrality: 8" in h for h in hover)
    assert fig.layout.title.text == "&lt;b&gt;t&lt;/b&gt;"


def test_strategic_one_theme_or_equal_values_still_have_a_range(tmp_path):
    one = strategic_themes().iloc[[1]]
    same = strategic_themes().assign(centrality=2.5, density=7.0)
    for themes in (one, same, one.assign(centrality=0.0, density=0.0)):
        fig = strategic_figure(themes, width=400, height=300)
        for axis in (fig.layout.xaxis, fig.layout.yaxis):
            assert axis.range[1] > axis.range[0]
        save_static(fig, tmp_path / "one.png", tmp_path / "one.svg")
    empty = strategic_figure(strategic_themes().iloc[:0])
    assert empty.layout.annotations[0].text == "No themes to show"
    with pytest.raises(OptionError, match="missing: quadrant"):
        strategic_figure(strategic_themes().drop(columns="quadrant"))


# -- thematic evolution -----------------------------------------------------------------------------
def band_ends(trace) -> tuple[float, float, float, float, float, float]:
    """x and width of a band at its source and target end, and the y of its top at both ends."""
    x, y = np.asarray(trace.x, dtype=float), np.asarray(trace.y, dtype=float)
    n = (len(x) - 1) // 2
    return x[0], y[0] - y[2 * n - 1], x[n - 1], y[n - 1] - y[n], y[0], y[n - 1]


def test_evolution_nodes_are_proportional_to_occurrences():
    themes, links = evolution_input()
    fig = evolution_figure(themes, links, periods=PERIODS)
    nodes = filled(fig, "node")
    assert len(nodes) == len(themes)
    heights = np.array([max(n.y[:5]) - min(n.y[:5]) for n in nodes])
    occurrences = themes.sort_values(["period", "theme"])["occurrences"].to_numpy(float)
    assert heights / heights[0] == pytest.approx(occurrences / occurrences[0], rel=1e-3)
    assert [n.fillcolor for n in nodes] == [CLUSTER_COLORS[k - 1] for k in themes.sort_values(["period", "theme"])["theme"]]
    tops = [max(n.y[:5]) for n in nodes[2:5]]
    assert tops == sorted(tops, reverse=True)  # stacked in theme order, top down
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False


def test_evolution_bands_one_per_link_width_by_inclusion_and_node_fitting_their_nodes():
    themes, links = evolution_input()
    fig = evolution_figure(themes, links, periods=PERIODS)
    bands, nodes = filled(fig, "link"), filled(fig, "node")
    assert len(bands) == len(links)
    ends = np.array([band_ends(b) for b in bands])
    # At each end: the node's height x inclusion, over the node's total inclusion on that side when above 1.
    # Nodes in order: 2000-2009 themes 1, 2; 2010-2014 themes 1, 2, 3; 2015-2020 theme 1.
    height = [max(n.y[:5]) - min(n.y[:5]) for n in nodes]
    src, dst, inclusion = [0, 1, 2, 0], [2, 3, 5, 5], links["inclusion"].to_numpy()
    into_bmi = 1.0 + 0.2  # theme 1 of 2015-2020 receives two bands
    assert ends[:, 1] == pytest.approx([height[s] * i for s, i in zip(src, inclusion, strict=True)], abs=2e-3)
    assert ends[:, 3] == pytest.approx([height[t] * i / (into_bmi if t == 5 else 1)
                                        for t, i in zip(dst, inclusion, strict=True)], abs=2e-3)
    boxes = [(n.x[0], n.x[1], min(n.y[:5]) - 2e-3, max(n.y[:5]) + 2e-3) for n in nodes]
    for x0, w0, x1, w1, top0, top1 in ends:  # each band leaves the right edge of a node and enters the left edge of another
        assert any(right == x0 and low <= top0 - w0 and top0 <= high for _, right, low, high in boxes)
        assert any(left == x1 and low <= top1 - w1 and top1 <= high for left, _, low, high in boxes)
    hover = bands[2].text
    assert hover.startswith("<b>obesity → bmi</b>") and "2010-2014 → 2015-2020" in hover
    assert "obesity; weight; bmi; fat; diet<br>exercise" in hover and "Inclusion: 1.000" in hover and "Jaccard: 0.600" in hover
    assert "&lt;b&gt;x&lt;/b&gt;" in bands[3].text and bands[3].hoveron == "fills"
    assert bands[0].fillcolor == "rgba(214,39,40,0.35)"  # the source theme's colour


def test_evolution_bands_fill_at_most_their_nodes():
    themes, links = evolution_input()
    fig = evolution_figure(themes, links, periods=PERIODS)
    bands, nodes = filled(fig, "link"), filled(fig, "node")
    ends = np.array([band_ends(b) for b in bands])
    for node in nodes:
        bottom, top = min(node.y[:5]), max(node.y[:5])
        leaving = ends[ends[:, 0] == node.x[1]]
        leaving = leaving[(leaving[:, 4] <= top + 2e-3) & (leaving[:, 4] >= bottom - 2e-3)]
        assert leaving[:, 1].sum() <= top - bottom + 2e-3
    assert ends[:, 1].min() > 0


def test_evolution_labels_periods_and_empty_cases(tmp_path):
    themes, links = evolution_input()
    fig = evolution_figure(themes, links, periods=PERIODS, height=500)
    texts = [t for t in fig.data if t.mode == "text"]
    shown = [s for t in texts for s in t.text]
    assert all(p in shown for p in PERIODS)  # the empty period keeps its column name
    assert "&lt;i&gt;caffeine&lt;/i&gt;" in shown
    no_links = evolution_figure(themes, links.iloc[:0], periods=PERIODS)
    assert filled(no_links, "link") == [] and len(filled(no_links, "node")) == len(themes)
    save_static(no_links, tmp_path / "a.png", None)
    save_static(evolution_figure(themes.iloc[:1], links.iloc[:0], periods=PERIODS[:1]), tmp_path / "b.png", None)
    with pytest.raises(OptionError, match="no such theme|earlier and a later period"):
        evolution_figure(themes, links.assign(to_theme=9), periods=PERIODS)
    with pytest.raises(OptionError, match="every theme's period"):
        evolution_figure(themes, links, periods=PERIODS[1:])


# -- trend topics ---------------------------------------------------------------------------------
def test_trend_rows_by_median_then_occurrences_lines_from_q1_to_q3():
    trends = trends_input()
    fig = trends_figure(trends)
    axis = fig.layout.yaxis
    order = [html.unescape(t) for t in axis.ticktext]
    assert order == ["<script>", "early", "middle small", "middle big", "late"]  # bottom to top: latest at the top
    assert list(axis.tickvals) == [0, 1, 2, 3, 4]
    lines = next(t for t in fig.data if t.mode == "lines")
    x, y = np.asarray(lines.x, dtype=float), np.asarray(lines.y, dtype=float)
    by_keyword = trends.set_index("keyword")
    assert list(x[0::3]) == list(by_keyword.loc[order, "year_q1"]) and list(x[1::3]) == list(by_keyword.loc[order, "year_q3"])
    assert list(y[0::3]) == list(y[1::3]) == [0, 1, 2, 3, 4]
    bubbles = next(t for t in fig.data if t.mode == "markers")
    assert list(bubbles.x) == list(by_keyword.loc[order, "year_median"])
    assert max(bubbles.marker.size) == 18.0 and bubbles.marker.size[3] == 18.0  # "middle big": 50 occurrences
    assert fig.layout.height == 120 + 22 * 5 and fig.layout.xaxis.title.text == "Year"
    assert all(float(v).is_integer() and str(int(v)) == t for v, t in zip(fig.layout.xaxis.tickvals, fig.layout.xaxis.ticktext,
                                                                          strict=True))
    lo, hi = fig.layout.xaxis.range
    assert lo < 2001 and hi > 2020
    assert trends_figure(trends, height=300).layout.height == 300


# -- keyword bursts -------------------------------------------------------------------------------
def test_burst_bars_cover_their_years_in_the_given_order():
    bursts = bursts_input()
    fig = bursts_figure(bursts, first_year=2000, last_year=2020)
    red = filled(fig, "burst")
    assert [t.fillcolor for t in red] == ["#d62728"] * 3
    for trace, (_, row) in zip(red, bursts.iterrows(), strict=True):
        assert (min(trace.x), max(trace.x)) == (row["start"] - 0.5, row["end"] + 0.5)
    rows = [np.mean(t.y[:4]) for t in red]
    assert rows == sorted(rows, reverse=True)  # first burst at the top
    labels = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext, strict=True))
    assert [labels[round(r)] for r in rows] == ["obesity", "coffee", "caffeine &lt;em&gt;intake&lt;/em&gt;"]
    grey = filled(fig, "time line")[0]
    x = np.asarray(grey.x, dtype=float)
    assert np.nanmin(x) == 1999.5 and np.nanmax(x) == 2020.5
    thin = np.nanmax(np.asarray(grey.y, dtype=float)[:5]) - np.nanmin(np.asarray(grey.y, dtype=float)[:5])
    assert thin < max(red[0].y) - min(red[0].y)
    notes = [a.text for a in fig.layout.annotations]
    assert notes[:4] == ["Strength", "Begin–End", "12.35", "2000–2003"] and "2012" in notes  # a one-year burst: its year once
    with pytest.raises(OptionError, match="not within 2001–2020"):
        bursts_figure(bursts, first_year=2001, last_year=2020)


# -- static pictures ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["strategic", "evolution", "trends", "bursts"])
def test_static_pictures_are_300_dpi_deterministic_and_not_blank(name, tmp_path):
    from PIL import Image

    fig = all_figures()[name]
    save_static(fig, tmp_path / "a.png", tmp_path / "a.svg")
    save_static(fig.to_plotly_json(), tmp_path / "b.png", tmp_path / "b.svg")
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    svg = (tmp_path / "a.svg").read_text()
    assert svg.startswith("<?xml") and "<script" not in svg and "<em>" not in svg
    with Image.open(tmp_path / "a.png") as im:
        assert im.size == (fig.layout.width // 100 * 300, fig.layout.height * 3) == (fig.layout.width * 3, fig.layout.height * 3)
        assert round(im.info["dpi"][0]) == 300
        pixels = np.asarray(im.convert("RGB")).astype(int)
    m = fig.layout.margin
    plot = pixels[3 * m.t:3 * (fig.layout.height - m.b), 3 * m.l:3 * (fig.layout.width - m.r)]
    assert (plot.sum(axis=2) < 600).mean() > 0.01  # coloured or dark pixels, not a blank plot area


def test_static_axes_and_bars_land_where_plotly_puts_them(tmp_path):
    from PIL import Image

    fig = all_figures()["bursts"]
    save_static(fig, tmp_path / "b.png", None)
    with Image.open(tmp_path / "b.png") as im:
        pixels = np.asarray(im.convert("RGB")).astype(int)
    m, width, height = fig.layout.margin, fig.layout.width, fig.layout.height
    (x0, x1), plot_w = fig.layout.xaxis.range, width - m.l - m.r
    red = np.all(np.abs(pixels - [214, 39, 40]) <= 3, axis=2)
    top_row = red.any(axis=1).nonzero()[0][0] + 3  # inside the first red bar
    columns = red[top_row].nonzero()[0] / 3
    expected = m.l + (np.array([1999.5, 2003.5]) - x0) / (x1 - x0) * plot_w
    assert columns.min() == pytest.approx(expected[0], abs=1) and columns.max() == pytest.approx(expected[1], abs=1)
    line_row = round(3 * (height - m.b + 0.5))  # the x axis line, 1 px wide below the plot area
    dark = np.all(np.abs(pixels[line_row - 1:line_row + 2, 3 * m.l:3 * (width - m.r)] - 0x44) <= 40, axis=2)
    assert dark.any(axis=0).mean() > 0.95


def test_every_new_figure_is_drawn_without_option_error(tmp_path):
    for name, fig in all_figures().items():
        save_static(fig, None, tmp_path / f"{name}.svg")  # raises OptionError if anything is refused
        assert (tmp_path / f"{name}.svg").stat().st_size > 1000
