"""Quality of the map pictures (issue 20): labels that never overlap, measured in the font the SVG
names; a map that fills its drawing area; the size legend; SVG text; curved links."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from bibnet.cli import main
from bibnet.plotting import network_figure, save_static
from bibnet.plotting.labels import Labels, place_labels
from bibnet.plotting.legend import size_values
from bibnet.plotting.links import curves
from bibnet.readwrite import read_vosviewer
from bibnet.seeding import rng

WOS = Path(__file__).parent / "data" / "wos"
SAMPLES = [WOS / "imaginaries", WOS / "tab" / "rmp_savedrecs.txt", WOS / "tab" / "labnetwork_savedrecs.txt"]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    """``bibnet analyze`` of the imaginaries, RMP and lab-network samples, at least 4 occurrences."""
    out = tmp_path_factory.mktemp("quality") / "out"
    result = CliRunner().invoke(main, ["analyze", *map(str, SAMPLES), "--min-occurrences", "4", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def dejavu() -> tuple[float, float]:
    """Ascent and descent (em) of DejaVu Sans, read from the font file."""
    from matplotlib import font_manager, ft2font

    font = ft2font.FT2Font(font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"),
                                                 fallback_to_default=False))
    return font.ascender / font.units_per_EM, -font.descender / font.units_per_EM


def width_in_dejavu(text: str, size: float) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    return TextPath((0, 0), text, size=size, prop=FontProperties(family="DejaVu Sans")).get_extents().width


def svg_texts(path: Path) -> list[dict]:
    """Every unrotated ``<text>`` of an SVG: text, baseline anchor point, font size, anchor and family."""
    texts = []
    for node in ET.parse(path).getroot().iter(f"{SVG}text"):
        style = dict(part.split(":", 1) for part in node.get("style", "").split(";") if ":" in part)
        style = {k.strip(): v.strip() for k, v in style.items()}
        angle = re.match(r"rotate\((-?[\d.]+)", node.get("transform", "rotate(0"))
        texts.append({"text": "".join(node.itertext()), "x": float(node.get("x")), "y": float(node.get("y")),
                      "size": float(style["font-size"].removesuffix("px")), "anchor": style.get("text-anchor", "start"),
                      "family": style["font-family"], "angle": float(angle.group(1)) if angle else 0.0})
    return texts


def boxes(texts: list[dict]) -> np.ndarray:
    """x0, y0, x1, y1 of each text's line box (SVG coordinates, y down), in DejaVu Sans' metrics."""
    ascent, descent = dejavu()
    out = []
    for t in texts:
        w = width_in_dejavu(t["text"], t["size"])
        x0 = t["x"] - {"start": 0.0, "middle": w / 2, "end": w}[t["anchor"]]
        out.append((x0, t["y"] - ascent * t["size"], x0 + w, t["y"] + descent * t["size"]))
    return np.array(out).reshape(-1, 4)


def overlapping(b: np.ndarray, tolerance: float = 0.05) -> list[tuple[int, int]]:
    i, j = np.triu_indices(len(b), 1)
    hit = ((b[i, 0] < b[j, 2] - tolerance) & (b[j, 0] < b[i, 2] - tolerance)
           & (b[i, 1] < b[j, 3] - tolerance) & (b[j, 1] < b[i, 3] - tolerance))
    return list(zip(i[hit].tolist(), j[hit].tolist(), strict=True))


def plotly_spec(path: Path) -> dict:
    """The data and layout of a figure written by ``write_html``."""
    page = path.read_text(encoding="utf-8")
    start = page.index("Plotly.newPlot(")
    decoder, at = json.JSONDecoder(), page.index(",", start) + 1
    data, at = decoder.raw_decode(page, at + len(page[at:]) - len(page[at:].lstrip()))
    at = page.index(",", at) + 1
    layout, _ = decoder.raw_decode(page, at + len(page[at:]) - len(page[at:].lstrip()))
    return {"data": data, "layout": layout}


def main_component(folder: Path) -> pd.DataFrame:
    """The items of the largest connected set, from the map and network files."""
    net = read_vosviewer(folder / "map.txt", folder / "network.txt")
    items, links = net.items, net.links
    index = pd.Index(items["id"])
    n = len(items)
    graph = coo_matrix((np.ones(len(links)), (index.get_indexer(links["source"]), index.get_indexer(links["target"]))),
                       shape=(n, n))
    _, part = connected_components(graph, directed=False)
    return items[part == np.bincount(part).argmax()]


def share_of_drawing_area(items: pd.DataFrame, layout: dict) -> float:
    """The larger of the main component's width and height (item centres) as a share of the map's drawing area."""
    m, (x0, x1) = layout["margin"], layout["xaxis"]["range"]
    plot_w, plot_h = layout["width"] - m["l"] - m["r"], layout["height"] - m["t"] - m["b"]
    px = plot_w / (x1 - x0)
    map_w = layout["legend"]["x"] * plot_w  # the legends' column is not drawing area
    return max((items["x"].max() - items["x"].min()) * px / map_w, (items["y"].max() - items["y"].min()) * px / plot_h)


# -- the pictures of a real run -------------------------------------------------------------------
def test_no_two_texts_overlap_in_any_map_svg(run):
    figures = sorted((run / "figures").glob("*.svg"))
    assert len(figures) == 20  # networks, overlays, item and cluster densities, Figure 2
    for svg in figures:
        texts = svg_texts(svg)
        flat = [t for t in texts if t["angle"] == 0]
        assert len(texts) - len(flat) <= 1, svg.name  # only a colour bar's title is turned
        assert all(t["family"].startswith("'DejaVu Sans'") for t in texts), svg.name
        labels = set(read_vosviewer(run / svg.name.split("_")[0] / "map.txt").items["label"])
        drawn = [t for t in flat if t["text"] in labels]
        assert len(drawn) >= 10, svg.name
        clashes = overlapping(boxes(flat))
        assert clashes == [], (svg.name, [(flat[i]["text"], flat[j]["text"]) for i, j in clashes])


def test_main_component_fills_the_drawing_area_of_the_run(run):
    main_items = main_component(run / "all")
    spec = plotly_spec(run / "figures" / "all_network.html")
    assert share_of_drawing_area(main_items, spec["layout"]) >= 0.7


# -- label placement ------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(8))
def test_random_labels_never_overlap_nor_cover_a_larger_circle(seed):
    r = rng(seed)
    n = 300
    cx, cy = r.uniform(0, 800, n), r.uniform(0, 600, n)
    diameter = r.uniform(5, 60, n).round()  # ties: equal circles do not hide each other's centre
    font = 9 + diameter / 8
    labels = Labels(np.array([f"k{i}" for i in range(n)], dtype=object), font, r.uniform(10, 80, n),
                    0.68 * font, 0.49 * font)
    order = np.lexsort((np.arange(n), -diameter))
    keep = place_labels(cx, cy, labels, diameter, order, bounds=(0, 0, 800, 600))
    assert 0 < keep.sum() < n
    k = np.flatnonzero(keep)
    b = np.column_stack([cx - labels.half_w, cy - labels.down, cx + labels.half_w, cy + labels.up])
    assert overlapping(b[k], tolerance=0.0) == []
    assert np.all((b[k, 0] >= 0) & (b[k, 1] >= 0) & (b[k, 2] <= 800) & (b[k, 3] <= 600))
    for i in k:  # no larger circle's centre under a drawn label
        inside = (cx > b[i, 0]) & (cx < b[i, 2]) & (cy > b[i, 1]) & (cy < b[i, 3])
        assert not np.any(inside & (diameter > diameter[i]))
    first = order[0]  # the heaviest label is drawn when it fits
    if np.all(b[first, :2] >= 0) and b[first, 2] <= 800 and b[first, 3] <= 600:
        assert keep[first]


def test_a_label_over_a_larger_circle_is_left_out():
    cx, cy = np.array([0.0, 30.0, 200.0]), np.array([0.0, 0.0, 0.0])
    font = np.array([12.0, 12.0, 12.0])
    labels = Labels(np.array(["small item", "big", "far"], dtype=object), font, np.array([40.0, 10.0, 10.0]),
                    0.68 * font, 0.49 * font)
    diameter = np.array([5.0, 30.0, 5.0])
    # "small item" comes first but reaches over the centre of the larger "big" circle
    keep = place_labels(cx, cy, labels, diameter, np.array([0, 1, 2]))
    assert keep.tolist() == [False, True, True]
    diameter = np.array([30.0, 30.0, 5.0])  # equally large: the first label is drawn, the second overlaps it
    assert place_labels(cx, cy, labels, diameter, np.array([0, 1, 2])).tolist() == [True, False, True]


# -- size legend, SVG text, curved links ----------------------------------------------------------
def test_size_legend_values():
    assert size_values(np.array([4.0, 9.0, 20.0, 104.0])) == [100.0, 37.0, 4.0]  # 37: halfway in diameter
    assert size_values(np.array([5.0, 5.0, np.nan])) == [5.0]
    assert size_values(np.array([0.3, 2.57])) == [2.5, 1.2, 0.3]
    assert size_values(np.array([np.nan])) == []


def test_size_legend_in_the_figure_and_the_picture(tmp_path):
    items, links = _small_map()
    fig = network_figure(items, links)
    legend = [t for t in fig.data if t.name == "size legend"]
    numbers = next(t for t in legend if t.mode == "text" and len(t.text) > 1)
    assert list(numbers.text) == ["100", "37", "4"]
    circles = next(t for t in legend if t.mode == "markers" and len(t.x) == 3)
    x1 = fig.layout.xaxis.range[1]
    assert min(circles.x) > items["x"].max() and max(circles.x) < x1  # right of the map, inside the axes
    save_static(fig, None, tmp_path / "m.svg")
    texts = [t["text"] for t in svg_texts(tmp_path / "m.svg")]
    assert {"100", "37", "4", "Occurrences"} <= set(texts)


def test_svg_keeps_labels_as_text(tmp_path):
    items, links = _small_map()
    fig = network_figure(items, links, title="Map")
    save_static(fig, None, tmp_path / "m.svg")
    svg = (tmp_path / "m.svg").read_text(encoding="utf-8")
    label = next(t for t in fig.data if t.mode == "text" and t.name != "size legend")
    texts = svg_texts(tmp_path / "m.svg")
    assert {html.unescape(t) for t in label.text} <= {t["text"] for t in texts}
    assert all(t["family"] == "'DejaVu Sans', Arial, Helvetica, sans-serif" for t in texts)
    assert "<text" in svg and "glyph" not in svg and "<dc:date>" not in svg


def test_curved_links_are_deterministic_quadratic_curves():
    x, y = curves(np.array([0.0]), np.array([0.0]), np.array([1.0]), np.array([0.0]), n=4)
    assert np.isnan(x[-1]) and (x[0], y[0], x[4], y[4]) == (0.0, 0.0, 1.0, 0.0)
    assert y[2] == pytest.approx(-0.15 / 2)  # bends right of the direction, half the control point's offset
    items, links = _small_map()
    a = network_figure(items, links, curved_links=True)
    assert a.to_json() == network_figure(items.iloc[::-1], links.iloc[::-1], curved_links=True).to_json()
    one = links.iloc[:1]
    swapped = one.rename(columns={"source": "target", "target": "source"})
    assert network_figure(items, one, curved_links=True).to_json() == \
        network_figure(items, swapped, curved_links=True).to_json()  # whichever end a link file names first
    lines = [t for t in a.data if t.mode == "lines"]
    assert lines and all(len(t.x) % 14 == 0 for t in lines)  # 12 pieces + the gap per link
    assert network_figure(items, links).to_json() != a.to_json()


def _small_map() -> tuple[pd.DataFrame, pd.DataFrame]:
    r = rng(3)
    n = 40
    items = pd.DataFrame({"id": np.arange(1, n + 1), "label": [f"keyword {i}" for i in range(n)],
                          "x": r.normal(0, 1, n), "y": r.normal(0, 0.7, n),
                          "cluster": pd.array(r.integers(1, 4, n), dtype="Int64"),
                          "weight<Occurrences>": np.r_[104.0, 4.0, r.integers(5, 60, n - 2).astype(float)]})
    i, j = np.triu_indices(n, 1)
    keep = r.random(len(i)) < 0.1
    links = pd.DataFrame({"source": i[keep] + 1, "target": j[keep] + 1, "strength": r.integers(1, 5, keep.sum())})
    return items, links


def test_plot_passes_curved_links_on():
    import bibnet
    from bibnet.plotting import plot

    net = bibnet.build_network(bibnet.read(WOS / "tab" / "rmp_savedrecs.txt"), min_occurrences=5).cluster().layout()

    def points_per_link(fig) -> set[int]:
        """Points of each drawn link: the runs of coordinates between the NaN gaps of the line traces."""
        counts = set()
        for trace in (t for t in fig.data if t.mode == "lines"):
            x = np.asarray(trace.x, dtype=float)
            edges = np.flatnonzero(np.diff(np.r_[0, np.isfinite(x).astype(int), 0]))
            counts |= set((edges[1::2] - edges[::2]).tolist())
        return counts

    assert points_per_link(plot(net)) == {2}  # straight
    assert min(points_per_link(plot(net, curved_links=True))) > 2
