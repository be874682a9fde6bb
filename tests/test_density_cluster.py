"""The cluster density view (reference 7.2): exact cell colours, determinism, static pictures, plot()."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bibnet.errors import OptionError
from bibnet.plotting import CLUSTER_COLORS, save_static
from bibnet.plotting.density import cluster_density_figure, density_figure
from bibnet.plotting.raster import png_pixels

RED, GREEN = (214, 39, 40), (44, 160, 44)  # VOSviewer's clusters 1 and 2: #d62728, #2ca02c


def two_clusters(**columns) -> pd.DataFrame:
    """Two keywords 10 apart, one per cluster, equal weights."""
    items = pd.DataFrame({"id": [1, 2], "label": ["alpha", "beta"], "x": [0.0, 10.0], "y": [0.0, 0.0],
                          "cluster": pd.array([1, 2], dtype="Int64"), "weight<Occurrences>": [5.0, 5.0]})
    return items.assign(**columns)


def cells(fig):
    """The image trace's pixels and its cell centres (x of each column, y of each row)."""
    image = fig.data[0]
    assert image.type == "image" and image.zsmooth == "fast"
    rgb = png_pixels(image.source)
    rows, cols = rgb.shape[:2]
    return rgb, image.x0 + image.dx * np.arange(cols), image.y0 + image.dy * np.arange(rows)


def documented(items: pd.DataFrame, gx: np.ndarray, gy: np.ndarray, h: float) -> np.ndarray:
    """The transform of the module docstring, written out from the definitions: per-cluster kernel
    sums, colours mixed in proportion to them, opacity D / max D over white, rounded."""
    x, y = items["x"].to_numpy(), items["y"].to_numpy()
    w = items["weight<Occurrences>"].to_numpy()
    d = np.mean([np.hypot(x[a] - x[b], y[a] - y[b]) for a in range(len(x)) for b in range(len(x)) if a != b])
    px, py = np.meshgrid(gx, gy)
    per_cluster = {c: sum(w[i] * np.exp(-(np.hypot(px - x[i], py - y[i]) / (d * h)) ** 2)
                          for i in range(len(x)) if items["cluster"].iloc[i] == c) for c in (1, 2)}
    total = per_cluster[1] + per_cluster[2]
    colour = {c: np.array([int(CLUSTER_COLORS[c - 1][k:k + 2], 16) for k in (1, 3, 5)], dtype=float) for c in (1, 2)}
    mixed = (per_cluster[1][..., None] * colour[1] + per_cluster[2][..., None] * colour[2]) / total[..., None]
    alpha = (total / total.max())[..., None]
    return np.rint(255 - alpha * (255 - mixed)).astype(np.uint8)


def test_cells_near_each_item_take_its_cluster_colour_and_far_away_white():
    fig = cluster_density_figure(two_clusters(), width=300, height=900)  # tall: the canvas reaches far from both
    rgb, gx, gy = cells(fig)
    assert np.array_equal(rgb, documented(two_clusters(), gx, gy, 0.2))  # every cell, exactly
    for x, colour in ((0.0, RED), (10.0, GREEN)):
        row, col = np.argmin(np.abs(gy)), np.argmin(np.abs(gx - x))
        assert tuple(rgb[row, col]) == colour  # the other cluster, 10 away, adds exp(-25): nothing
    assert tuple(rgb[0, 0]) == tuple(rgb[-1, -1]) == (255, 255, 255)  # corners, about 17 away: white
    assert gy[0] < -15 and gy[-1] > 15


def test_midway_the_two_colours_mix_in_proportion_to_their_densities():
    h = 0.5  # wide kernels, so that both clusters reach the middle
    fig = cluster_density_figure(two_clusters(), kernel_width=h)
    rgb, gx, gy = cells(fig)
    expected = documented(two_clusters(), gx, gy, h)
    assert np.array_equal(rgb, expected)
    row, col = np.argmin(np.abs(gy)), np.argmin(np.abs(gx - 5.0))
    r, g, b = (int(v) for v in rgb[row, col])
    # equal densities: the mean of red and green, (129, 99.5, 42), at opacity ~ 2 exp(-1) / (1 + exp(-4))
    alpha = 2 * np.exp(-1) / (1 + np.exp(-4))  # each item 5 away, kernel 10 * 0.5 wide; peak 1 + exp(-4)
    assert abs(r - (255 - alpha * (255 - 129))) < 3 and abs(g - (255 - alpha * (255 - 99.5))) < 3
    assert 255 - alpha * (255 - GREEN[0]) < r < 255 - alpha * (255 - RED[0])  # between pure green and pure red
    assert 255 - alpha * (255 - RED[1]) < g < 255 - alpha * (255 - GREEN[1])
    heavier = cluster_density_figure(two_clusters(**{"weight<Occurrences>": [15.0, 5.0]}), kernel_width=h)
    r2, g2, _ = (int(v) for v in cells(heavier)[0][row, col])
    # three times the weight on cluster 1: redder in the middle (green's share of the tint falls; the
    # tint's ratio is that of the mixed colour, whatever the opacity: 1.23 for 1:1, 2.22 for 3:1)
    assert (255 - g2) / (255 - r2) == pytest.approx(185.75 / 83.5, abs=0.05)
    assert (255 - g) / (255 - r) == pytest.approx(155.5 / 126, abs=0.05)


def test_the_same_map_gives_the_same_bytes_and_static_pictures(tmp_path):
    items = two_clusters()
    first, second = cluster_density_figure(items, title="Density"), cluster_density_figure(items, title="Density")
    assert first.to_json() == second.to_json()
    assert [t.type for t in first.data] == ["image", "scatter", "scatter"]  # picture, hover circles, labels
    assert list(first.data[2].text) == ["alpha", "beta"]  # labels as in the item density view
    assert list(first.data[2].text) == list(density_figure(items, title="Density").data[2].text)
    save_static(first, tmp_path / "a.png", tmp_path / "a.svg")
    save_static(json.loads(second.to_json()), tmp_path / "b.png", tmp_path / "b.svg")
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    from PIL import Image

    with Image.open(tmp_path / "a.png") as im:
        pixels = np.asarray(im.convert("RGB")).reshape(-1, 3).astype(int)
    for colour in (RED, GREEN):  # both clusters' colours are in the picture, where plotly puts them
        assert (np.abs(pixels - colour).max(axis=1) <= 2).sum() > 100
    assert "<image" in (tmp_path / "a.svg").read_text()


def test_static_picture_puts_each_cluster_where_its_item_is(tmp_path):
    from PIL import Image

    items = two_clusters(y=[0.0, 10.0])  # cluster 1 bottom left, cluster 2 top right
    save_static(cluster_density_figure(items, width=400, height=400), tmp_path / "c.png", None)
    with Image.open(tmp_path / "c.png") as im:
        rgb = np.asarray(im.convert("RGB")).astype(int)
    h, w = rgb.shape[:2]
    bottom_left, top_right = rgb[h // 2:, : w // 2].reshape(-1, 3), rgb[: h // 2, w // 2:].reshape(-1, 3)
    assert (np.abs(bottom_left - RED).max(axis=1) <= 2).sum() > 100
    assert (np.abs(top_right - GREEN).max(axis=1) <= 2).sum() > 100


def test_items_without_cluster_are_grey_and_a_map_without_clusters_is_refused():
    rgb, gx, gy = cells(cluster_density_figure(two_clusters(cluster=pd.array([1, pd.NA], dtype="Int64"))))
    row, col = np.argmin(np.abs(gy)), np.argmin(np.abs(gx - 10.0))
    assert tuple(rgb[row, col]) == (191, 191, 191)  # #bfbfbf, as the network view draws them
    with pytest.raises(OptionError, match="the cluster density needs clusters"):
        cluster_density_figure(two_clusters(cluster=pd.array([pd.NA, pd.NA], dtype="Int64")))


def test_plot_offers_both_density_views_and_refuses_others():
    import bibnet
    from bibnet.plotting import plot

    corpus = bibnet.read(Path(__file__).parent / "data" / "gold_coffee_obesity" / "wos_plaintext")
    net = bibnet.build_network(corpus, min_occurrences=10).cluster().layout()
    assert plot(net, density=True).data[0].type == plot(net, density="item").data[0].type == "heatmap"
    assert plot(net, density="cluster").data[0].type == "image"
    assert plot(net).data[-1].mode == "text" and plot(net, density=False).to_json() == plot(net).to_json()
    with pytest.raises(OptionError, match=r"^density must be True, False, 'item' or 'cluster', got 'clusters'$"):
        plot(net, density="clusters")  # type: ignore[arg-type]
