"""Network, overlay and density figures, VOSviewer's colours, and static PNG/SVG output."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bibnet.errors import OptionError
from bibnet.plotting import (
    CLUSTER_COLORS,
    cluster_colors,
    density_figure,
    network_figure,
    nice_range,
    save_static,
    score_colors,
    score_range,
    viridis,
)
from bibnet.plotting.colors import viridis_rgb
from bibnet.plotting.density import item_density, mean_distance
from bibnet.plotting.network import item_sizes, label_boxes
from bibnet.seeding import rng

NASTY = ["<script>alert(1)</script>", "=cmd|' /C calc'!A0", "50% & 100\\%"]
COFFEE = Path(__file__).parent / "data" / "gold_coffee_obesity" / "vosviewer" / "coffee-obesity_Keyword_map.csv"


def demo_map(n: int = 60, *, seed: int = 0, clusters: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A seeded, realistic map: clustered random layout, skewed occurrences, denser links inside clusters."""
    r = rng(seed)
    cluster = np.sort(r.integers(1, clusters + 1, n))
    xy = r.normal(0, 1.0, (clusters, 2))[cluster - 1] + r.normal(0, 0.35, (n, 2))
    labels = NASTY + [f"keyword {i:02d}" for i in range(len(NASTY), n)]
    i, j = np.triu_indices(n, 1)
    keep = r.random(len(i)) < np.where(cluster[i] == cluster[j], 0.35, 0.04)
    links = pd.DataFrame({"source": i[keep] + 1, "target": j[keep] + 1,
                          "strength": np.ceil(r.exponential(2.0, keep.sum()))})
    ends = np.concatenate([links["source"], links["target"]]) - 1
    strength = np.concatenate([links["strength"], links["strength"]])
    citations = r.lognormal(2.5, 0.8, n)
    year = 2012 + cluster * 1.5 + r.normal(0, 1.2, n)
    year[5] = np.nan
    items = pd.DataFrame({
        "id": np.arange(1, n + 1), "label": labels, "x": xy[:, 0], "y": xy[:, 1],
        "cluster": pd.array(cluster, dtype="Int64"),
        "weight<Links>": np.bincount(ends, minlength=n).astype(float),
        "weight<Total link strength>": np.bincount(ends, strength, minlength=n),
        "weight<Occurrences>": np.floor(5 + r.pareto(1.2, n) * 8),
        "score<Avg. pub. year>": year,
        "score<Avg. citations>": citations,
        "score<Avg. norm. citations>": citations / citations.mean(),
        "score<Author keyword share>": r.beta(2, 2, n),
    })
    return items, links


@pytest.fixture(scope="module")
def demo():
    return demo_map()


def marker_traces(fig):
    """The items' circles (not the size legend's)."""
    return [t for t in fig.data if t.mode == "markers" and t.x is not None and t.x[0] is not None
            and t.name != "size legend"]


def label_trace_of(fig):
    return next(t for t in fig.data if t.mode == "text" and t.name != "size legend")


# -- colours --------------------------------------------------------------------------------------
def test_cluster_palette_cycles_and_marks_missing():
    colors = cluster_colors(pd.array([1, 2, 18, 19, None], dtype="Int64"))
    assert colors.tolist() == ["#d62728", "#2ca02c", "#f7b6d2", "#d62728", "#bfbfbf"]
    assert len(CLUSTER_COLORS) == 18


def test_vosviewer_viridis_is_matplotlib_viridis_from_0_19():
    from matplotlib import colormaps

    table = np.asarray(colormaps["viridis"].colors)
    assert np.allclose(viridis_rgb([0.0, 1.0]) * 255, [[66, 64, 134], [253, 231, 37]], atol=0.5)
    stops = np.arange(208) / 207  # VOSviewer's 208 stops are matplotlib's entries 48..255
    assert np.allclose(viridis_rgb(stops), table[48:], atol=1e-12)
    assert viridis([-1.0, 2.0]).tolist() == viridis([0.0, 1.0]).tolist()  # clamped


def test_nice_range_and_percentile_colour_range():
    assert nice_range(2013.3, 2019.8) == (2014.0, 2020.0)
    assert nice_range(0.213, 0.87) == (0.2, 0.8)
    assert nice_range(3.1, 47.6) == (0.0, 50.0)
    assert score_range(np.arange(100.0)) == (20.0, 80.0)  # values at positions 10 and 89, rounded
    assert score_range([5.0, 5.0, 5.0, 5.0, 6.0]) == (5.0, 6.0)  # equal percentiles: full range
    assert score_range([np.nan, 7.0]) == (7.0, 7.0)
    assert all(np.isnan(score_range([])))


def test_overlay_range_of_a_real_vosviewer_map():
    items = pd.read_csv(COFFEE)
    years = items["score<Avg. pub. year>"]
    lo, hi = score_range(years)
    # 52 items: positions 5 and 46 hold 2014.8205 and 2018.4655; range 3.6 -> 5, tick distance 1.25 -> 1
    assert (lo, hi) == (2015.0, 2018.0)
    inside = ((years >= lo) & (years <= hi)).mean()
    assert 0.6 <= inside <= 0.95  # most items inside the range, as VOSviewer intends
    assert score_range(items["score<Avg. citations>"]) == (30.0, 50.0)  # 28.07 and 52.23, tick distance 10


def test_score_colors_clamp_and_grey_for_missing():
    colors = score_colors([np.nan, 1990.0, 2014.0, 2020.0, 2030.0], 2014.0, 2020.0)
    assert colors.tolist() == ["#cccccc", "#424086", "#424086", "#fde725", "#fde725"]


# -- network figure -------------------------------------------------------------------------------
def test_network_has_one_legend_entry_per_cluster(demo):
    items, links = demo
    fig = network_figure(items, links, title="All keywords")
    markers = marker_traces(fig)
    sizes = items["cluster"].value_counts().sort_index()
    assert [t.name for t in markers] == [f"Cluster {k} ({n})" for k, n in sizes.items()]
    assert sum(len(t.x) for t in markers) == len(items)
    assert [t.marker.color for t in markers] == list(CLUSTER_COLORS[: len(sizes)])
    assert fig.layout.title.text == "All keywords"


def test_circle_sizes_follow_vosviewer_online(demo):
    items, links = demo
    diameter, font = item_sizes(items["weight<Occurrences>"])
    w = items["weight<Occurrences>"].to_numpy()
    k = int(np.argmax(w))
    assert diameter[k] == pytest.approx(max(16 * (w[k] / w.mean()) ** 0.5, 5))
    assert font[k] == pytest.approx(9 + 4 * (w[k] / w.mean()) ** 0.5)
    fig = network_figure(items, links)  # 900 px wide: circles 900/1400 of VOSviewer Online's 1400 x 1000 window
    drawn = np.concatenate([np.asarray(t.marker.size) for t in marker_traces(fig)])
    assert sorted(drawn.round(2)) == sorted((diameter * 900 / 1400).round(2))
    fig = network_figure(items, links, width=1400, height=1000)
    drawn = np.concatenate([np.asarray(t.marker.size) for t in marker_traces(fig)])
    assert sorted(drawn.round(2)) == sorted(diameter.round(2))


def test_only_the_strongest_links_are_drawn(demo):
    items, links = demo
    fig = network_figure(items, links, max_links=25)
    lines = [t for t in fig.data if t.mode == "lines"]
    x = np.concatenate([np.asarray(t.x, dtype=float) for t in lines])
    assert np.isnan(x[2::3]).all() and len(x) == 3 * 25
    best = links.sort_values(["strength", "source", "target"], ascending=[False, True, True]).head(25)
    xs = items.set_index("id")["x"].round(5)
    expected = sorted(zip(xs[best["source"]].to_numpy(), xs[best["target"]].to_numpy(), strict=True))
    assert np.array_equal(np.array(sorted(zip(x[0::3], x[1::3], strict=True))), np.array(expected))
    widths = sorted({t.line.width for t in lines})
    assert widths[0] >= 0.1 and widths[-1] <= 1.5 * (best["strength"].max() / best["strength"].mean()) ** 0.5 + 0.125
    assert len([t for t in network_figure(items, links, max_links=0).data if t.mode == "lines"]) == 0


def test_labels_do_not_overlap_and_the_largest_is_shown(demo):
    items, links = demo
    fig = network_figure(items, links)
    text = label_trace_of(fig)
    shown = [html.unescape(t) for t in text.text]
    assert 10 < len(shown) < len(items)  # some labels left out, most shown
    biggest = items.loc[items["weight<Occurrences>"].idxmax(), "label"]
    assert biggest in shown
    # recompute the pixel boxes of the shown labels from DejaVu Sans' metrics: no two overlap
    _, font = item_sizes(items["weight<Occurrences>"])
    boxes = label_boxes(items, font)
    (x0, x1), y0 = fig.layout.xaxis.range, fig.layout.yaxis.range[0]
    px = (fig.layout.width - fig.layout.margin.l - fig.layout.margin.r) / (x1 - x0)
    rows = items.index[items["label"].isin(shown)].to_numpy()
    cx, cy = (items["x"].to_numpy()[rows] - x0) * px, (items["y"].to_numpy()[rows] - y0) * px
    hw, up, down = boxes.half_w[rows], boxes.up[rows], boxes.down[rows]
    assert boxes.half_w[0] > 0 and np.all(up > down)  # the baseline is below the centre
    overlap = (np.abs(cx[:, None] - cx[None, :]) < hw[:, None] + hw[None, :]) & (
        (cy[:, None] - down[:, None] < cy[None, :] + up[None, :]) & (cy[None, :] - down[None, :] < cy[:, None] + up[:, None]))
    assert overlap.sum() == len(rows)  # only each box with itself


def test_every_item_stays_inside_the_canvas(demo):
    items, links = demo
    fig = network_figure(items, links)
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    assert (items["x"] > x0).all() and (items["x"] < x1).all()
    assert (items["y"] > y0).all() and (items["y"] < y1).all()
    # equal scale on both axes: the ranges have the plot area's aspect ratio
    m, w, h = fig.layout.margin, fig.layout.width, fig.layout.height
    assert (x1 - x0) / (y1 - y0) == pytest.approx((w - m.l - m.r) / (h - m.t - m.b))
    assert w == 900 and 0.5 * w <= h <= 1.4 * w  # the height follows the map


def test_hover_shows_weights_and_scores(demo):
    items, links = demo
    fig = network_figure(items, links)
    hover = {h.split("<br>")[0]: h for t in marker_traces(fig) for h in t.hovertext}
    row = items.iloc[10]
    text = hover[f"<b>{row['label']}</b>"]
    assert f"Cluster: {row['cluster']}" in text
    assert f"Occurrences: {row['weight<Occurrences>']:,.0f}" in text
    assert f"Avg. pub. year: {row['score<Avg. pub. year>']:.2f}" in text
    assert f"Author keyword share: {row['score<Author keyword share>']:.0%}" in text


def test_labels_are_escaped_in_the_figure_json(demo):
    items, links = demo
    items = items.assign(**{"weight<Occurrences>": np.where(items["id"] == 1, 1000.0, items["weight<Occurrences>"])})
    fig = network_figure(items, links, title="<b>t</b>")  # the heaviest item's label is always drawn
    text = fig.to_json()
    assert "<script>" not in text and "alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;" in text
    data = json.loads(text)
    labels = [html.unescape(t) for trace in data["data"] if trace.get("mode") == "text" and trace.get("name") != "size legend"
              for t in trace["text"]]
    hovers = [html.unescape(h.split("<br>")[0][3:-4]) for trace in data["data"] for h in trace.get("hovertext") or []]
    for label in NASTY:  # intact once unescaped
        assert label in hovers
    assert set(labels) <= set(items["label"]) and NASTY[0] in labels
    assert data["layout"]["title"]["text"] == "&lt;b&gt;t&lt;/b&gt;"


def test_same_input_same_figure_whatever_the_row_order(demo):
    items, links = demo
    first = network_figure(items, links, color="year").to_json()
    shuffled = network_figure(items.sample(frac=1, random_state=1), links.sample(frac=1, random_state=2), color="year")
    assert shuffled.to_json() == first


# -- overlays -------------------------------------------------------------------------------------
def test_overlay_colours_and_colour_bar(demo):
    items, links = demo
    fig = network_figure(items, links, color="year")
    column = items["score<Avg. pub. year>"]
    lo, hi = score_range(column)
    bar = next(t for t in fig.data if t.marker is not None and t.marker.showscale)
    assert (bar.marker.cmin, bar.marker.cmax) == (lo, hi)
    assert bar.marker.colorbar.title.text == "Avg. pub. year"
    assert list(bar.marker.colorbar.tickvals) == pytest.approx(np.linspace(lo, hi, 5))
    scored = next(t for t in marker_traces(fig) if t.name == "Avg. pub. year")
    expected = dict(zip(items["x"].round(5), score_colors(column, lo, hi), strict=True))
    assert [expected[x] for x in scored.x] == list(scored.marker.color)
    missing = next(t for t in marker_traces(fig) if t.name.startswith("No score"))
    assert missing.name == "No score (1)" and missing.marker.color == "#cccccc"


def test_overlay_aliases_and_explicit_range(demo):
    items, links = demo
    a = network_figure(items, links, color="author_share", color_range=(0.0, 1.0))
    b = network_figure(items, links, color="score<Author keyword share>", color_range=(0.0, 1.0))
    assert a.to_json() == b.to_json()
    bar = next(t for t in a.data if t.marker is not None and t.marker.showscale)
    assert (bar.marker.cmin, bar.marker.cmax) == (0.0, 1.0)


def test_bad_options_and_missing_layout(demo):
    items, links = demo
    with pytest.raises(OptionError, match="cannot colour by 'score<Nope>'"):
        network_figure(items, links, color="score<Nope>")
    with pytest.raises(OptionError, match="cannot size by"):
        network_figure(items, links, size="weight<Nope>")
    with pytest.raises(OptionError, match="no layout"):
        network_figure(items.assign(x=np.nan, y=np.nan), links)
    empty = network_figure(items.iloc[:0], links.iloc[:0], title="Keywords Plus")
    assert empty.layout.annotations[0].text == "No keywords to show"


# -- density --------------------------------------------------------------------------------------
def test_item_density_matches_the_kernel_sum():
    x, y, w = np.array([0.0, 1.0, 0.2]), np.array([0.0, 0.5, -1.0]), np.array([3.0, 1.0, 2.0])
    gx, gy = np.linspace(-1, 2, 7), np.linspace(-2, 1, 5)
    d = np.mean([np.hypot(x[a] - x[b], y[a] - y[b]) for a in range(3) for b in range(3) if a != b])
    assert mean_distance(x, y) == pytest.approx(d)
    expected = np.array([[sum(w[i] * np.exp(-(np.hypot(px - x[i], py - y[i]) / (d * 0.5)) ** 2) for i in range(3))
                          for px in gx] for py in gy])
    assert item_density(x, y, w, gx, gy, kernel_width=0.5) == pytest.approx(expected)


def test_density_figure_peaks_at_the_heaviest_item(demo):
    items, _ = demo
    one = items.iloc[[0, 1]].assign(x=[0.0, 3.0], y=[0.0, 0.0], **{"weight<Occurrences>": [100.0, 1.0]})
    fig = density_figure(one)
    heat = fig.data[0]
    z = np.asarray(heat.z)
    assert z.max() == pytest.approx(1.0) and z.min() >= 0
    row, col = np.unravel_index(np.argmax(z), z.shape)
    step = heat.x[1] - heat.x[0]
    assert abs(heat.x[col]) <= step and abs(heat.y[row]) <= step
    assert heat.colorscale[0][1] == "#424086"  # VOSviewer's viridis
    full = density_figure(items, title="Density")
    assert [t.type for t in full.data] == ["heatmap", "scatter", "scatter"]
    assert "&lt;script&gt;alert(1)&lt;" in full.to_json() and "<script>" not in full.to_json()


# -- static pictures ------------------------------------------------------------------------------
def test_static_png_and_svg_are_deterministic(demo, tmp_path):
    from PIL import Image

    items, links = demo
    fig = network_figure(items, links, title="All keywords")
    save_static(fig, tmp_path / "a.png", tmp_path / "a.svg")
    save_static(json.loads(fig.to_json()), tmp_path / "b.png", tmp_path / "b.svg")  # plotly JSON works too
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    with Image.open(tmp_path / "a.png") as im:
        assert im.size == (2700, 3 * fig.layout.height)  # 9 inches wide at 300 dpi
        assert round(im.info["dpi"][0]) == 300
        pixels = np.asarray(im.convert("RGB")).reshape(-1, 3)
    red = np.all(np.abs(pixels.astype(int) - [214, 39, 40]) <= 2, axis=1).sum()
    assert red > 1000  # cluster 1 circles are there
    svg = (tmp_path / "a.svg").read_text()
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert "<script" not in svg  # labels are escaped text, never markup


def test_static_output_is_identical_in_another_process(demo, tmp_path):
    items, links = demo
    fig = density_figure(items.iloc[:20], width=300, height=240)
    save_static(fig, None, tmp_path / "here.svg")
    spec = tmp_path / "fig.json"
    spec.write_text(fig.to_json())
    code = ("import json, sys; from bibnet.plotting import save_static; "
            "save_static(json.load(open(sys.argv[1])), None, sys.argv[2])")
    subprocess.run([sys.executable, "-c", code, str(spec), str(tmp_path / "there.svg")], check=True,
                   env={**os.environ, "PYTHONHASHSEED": "123"})
    assert (tmp_path / "here.svg").read_bytes() == (tmp_path / "there.svg").read_bytes()


def test_static_overlay_has_a_colour_bar(demo, tmp_path):
    items, links = demo
    save_static(network_figure(items, links, color="citations", width=450, height=350), None, tmp_path / "o.svg")
    svg = (tmp_path / "o.svg").read_text()
    assert svg.count('id="image') >= 1 or svg.count("<image") >= 1  # the colour bar gradient
