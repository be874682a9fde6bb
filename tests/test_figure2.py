"""Figure 2 of the published workflow: the most frequent keywords, author vs database keywords;
and what `bibnet analyze` writes and counts for the figures added with it (and the cluster density)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_plotting import demo_map

import bibnet
from bibnet.analysis import AnalysisParams, analyze, count_steps
from bibnet.errors import OptionError
from bibnet.layout import LayoutParams, layout
from bibnet.normalize import normalize
from bibnet.plotting import score_colors, viridis
from bibnet.plotting.top_keywords import top_items, top_keywords_figure
from bibnet.readwrite import VOSviewerMap
from bibnet.remap import adjacency

ROOT = Path(__file__).resolve().parents[1]
SHARE = "score<Author keyword share>"


@pytest.fixture(scope="module")
def demo():
    items, links = demo_map()
    items.loc[items["label"] == "keyword 20", "weight<Occurrences>"] = items["weight<Occurrences>"].max()  # a tie
    return items, links


def markers(fig):
    return [t for t in fig.data if t.mode == "markers" and t.x is not None and t.x[0] is not None
            and t.name != "size legend"]


def test_the_n_most_frequent_ties_by_label():
    items = pd.DataFrame({"id": [1, 2, 3, 4], "label": ["d", "b", "a", "c"], "x": [0.0, 1, 2, np.nan],
                          "y": [0.0, 1, 2, 3], "weight<Occurrences>": [5.0, 9.0, 5.0, 99.0]})
    assert top_items(items, n=2)["label"].tolist() == ["b", "a"]  # "c" has no place; "a" before "d"
    assert top_items(items, n=10)["id"].tolist() == [1, 2, 3]


@pytest.mark.parametrize("n", [30, 7])
def test_n_markers_links_among_them_colours_are_the_shares(demo, n):
    items, links = demo
    fig = top_keywords_figure(items, links, n=n, title="All keywords", relayout=None)  # the whole map's places
    ranked = items.assign(key=-items["weight<Occurrences>"]).sort_values(["key", "label"], kind="stable")
    top = ranked.head(n).sort_values("id")
    (dots,) = markers(fig)  # every share is known: one trace of n circles
    assert len(dots.x) == n
    at = {(round(x, 5), round(y, 5)): i for i, x, y in zip(top["id"], top["x"], top["y"], strict=True)}
    drawn = [at[(x, y)] for x, y in zip(dots.x, dots.y, strict=True)]
    assert sorted(drawn) == sorted(top["id"]) and list(dots.customdata) == drawn  # markers carry their ids
    share = top.set_index("id")[SHARE]
    assert list(dots.marker.color) == list(score_colors(share[drawn].to_numpy(), 0.0, 1.0))  # the 0-1 scale
    (labels,) = [t for t in fig.data if t.mode == "text" and t.name != "size legend"]
    escaped = [t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for t in ranked.head(n)["label"]]
    assert set(labels.text) <= set(escaped) and escaped[0] in labels.text  # VOSviewer's rule; the heaviest first
    bar = next(t for t in fig.data if t.marker is not None and t.marker.showscale)
    assert (bar.marker.cmin, bar.marker.cmax) == (0.0, 1.0) and bar.marker.colorscale[-1][1] == viridis([1.0])[0]
    ends = {}
    for line in (t for t in fig.data if t.mode == "lines"):
        xy = np.column_stack([line.x, line.y]).reshape(-1, 3, 2)[:, :2]
        for a, b in xy:
            ends[tuple(sorted((at[tuple(a)], at[tuple(b)])))] = True
    ids = set(top["id"])
    among = {tuple(sorted(p)) for p in zip(links["source"], links["target"], strict=True) if set(p) <= ids}
    assert set(ends) == among and len(among) > 0  # all links among the n, none to the others


def test_the_n_keywords_are_laid_out_on_their_own_links(demo):
    """By default as VOSviewer maps those keywords: the VOS layout of the association strengths among them."""
    items, links = demo
    top = top_items(items, n=12)
    ids = top["id"].to_numpy()
    among = links[links["source"].isin(ids) & links["target"].isin(ids)]
    weights = normalize(adjacency(VOSviewerMap(items=top, links=among)), method="association")
    expected = dict(zip(top["id"], map(tuple, layout(weights, LayoutParams()).coords.round(5)), strict=True))
    (dots,) = markers(top_keywords_figure(items, links, n=12))
    assert {i: (x, y) for i, x, y in zip(dots.customdata, dots.x, dots.y, strict=True)} == expected
    kept = top_keywords_figure(items, links, n=12, relayout=None)
    assert sorted(markers(kept)[0].x) == sorted(top["x"].round(5)) != sorted(dots.x)


def test_other_scores_keep_the_overlay_range_and_bad_n_is_refused(demo):
    items, links = demo
    fig = top_keywords_figure(items, links, n=12, color="year")
    bar = next(t for t in fig.data if t.marker is not None and t.marker.showscale)
    assert (bar.marker.cmin, bar.marker.cmax) != (0.0, 1.0)
    with pytest.raises(OptionError, match="n must be at least 1, got 0"):
        top_keywords_figure(items, links, n=0)


def test_analyze_writes_figure_2_and_the_cluster_densities_and_counts_their_steps(tmp_path):
    corpus = bibnet.read(ROOT / "wos_exports")
    steps: list[tuple[str, int]] = []
    params = AnalysisParams(top_per_field=12, static=False)
    done = analyze(corpus, tmp_path / "out", network_params=bibnet.NetworkParams(min_occurrences=6), params=params,
                   progress=lambda text, total: steps.append((text, total)))
    assert len(steps) == steps[0][1] == count_steps(params, laid_out=True)  # the bar ends where it says
    figures = tmp_path / "out" / "figures"
    views = ["network", "overlay_year", "overlay_citations", "overlay_norm_citations", "density", "density_cluster"]
    expected = {f"{field}_{view}.html" for field in ("all", "author", "indexed") for view in views}
    expected |= {"all_overlay_author_share.html", "all_top12_author_vs_indexed.html"}
    assert {p.name for p in figures.iterdir()} == expected | {"plotly.min.js"}  # 20 figures, 4 of them new
    assert sum(p.parent == figures for p in done.files) == 20
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    for caption in ("All keywords: the 12 most frequent, author keywords vs Keywords Plus", "All keywords: cluster density",
                    "Author keywords: cluster density", "Keywords Plus: cluster density"):
        assert f"<h2>{caption}</h2>" in report
    page = (figures / "all_top12_author_vs_indexed.html").read_text(encoding="utf-8")
    table = pd.read_csv(tmp_path / "out" / "tables" / "author_vs_indexed.csv", encoding="utf-8-sig")
    assert len(table) == 12  # Table 2 and the figure have the same size
    net = done.networks["all"]
    top = net.items.sort_values(["occurrences", "label"], ascending=[False, True], kind="stable").head(12)
    assert all(label in page for label in top["label"] if "<" not in label)  # hover texts name every one
    assert f'"{top["label"].iloc[0]}"' in page  # the heaviest label is drawn
