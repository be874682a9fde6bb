"""Network, overlay and density figures in Russian and Kazakh: legends, hover texts, colour bars and
size legends from the catalogue, numbers with a decimal comma, keyword labels untouched, English unchanged."""

from __future__ import annotations

import html
import json
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from test_plotting import demo_map

from bibnet.cli import main
from bibnet.errors import OptionError
from bibnet.plotting import cluster_density_figure, density_figure, network_figure, plot, save_static, top_keywords_figure
from bibnet.plotting.wording import column_name
from bibnet.tables import SCORE_KEYS
from bibnet.texts import NBSP, catalogue, localize, text

RMP = Path(__file__).parent / "data" / "wos" / "tab" / "rmp_savedrecs.txt"
GROUPS = ("network.", "score.", "number.")


@pytest.fixture(scope="module")
def demo():
    items, links = demo_map()
    return items, links


def english_fragments(lang: str) -> list[str]:
    """The English texts of the figure keys that the translation does not share, cut at their placeholders."""
    en, other = catalogue("en"), catalogue(lang)
    parts = {p.strip() for key, value in en.items() if key.startswith(GROUPS) and value != other[key]
             for p in re.split(r"\{\w+\}", value)}
    return sorted(p for p in parts if re.search(r"[A-Za-z]", p))


def strings(node) -> list[str]:
    """Every string value of a figure's JSON (keys are plotly's, not text a reader sees)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return []


def english_in(fig, lang: str, labels) -> list[str]:
    """English catalogue texts anywhere in the figure's JSON, keyword labels (in all their spellings) taken out."""
    return english_left(strings(json.loads(fig.to_json())), lang, labels)


def english_left(values: list[str], lang: str, labels) -> list[str]:
    """The English fragments (:func:`english_fragments`) in ``values`` once keyword labels are taken out."""
    spelled = {str(t) for t in labels}
    spelled |= {t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for t in spelled}
    spelled |= {t[:30] + "..." for t in spelled}
    found = set()
    for value in values:
        for label in sorted(spelled, key=len, reverse=True):
            value = value.replace(label, " ")
        found |= {p for p in english_fragments(lang) if re.search(rf"(?<![A-Za-z]){re.escape(p)}(?![A-Za-z])", value)}
    return sorted(found)


def circles(fig):
    return [t for t in fig.data if t.mode == "markers" and t.x is not None and t.x[0] is not None
            and t.name != "size legend"]


def size_legend(fig) -> tuple[list[str], str]:
    """The size legend's numbers and title."""
    texts = [t for t in fig.data if t.name == "size legend" and t.mode == "text"]
    return list(texts[0].text), texts[1].text[0]


def hover_of(fig, label: str) -> list[str]:
    hover = {h.split("<br>")[0]: h for t in fig.data if t.hovertext is not None for h in t.hovertext}
    return hover[f"<b>{html.escape(label, quote=False)}</b>"].split("<br>")


# -- the network and overlay views -------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_network_legend_hover_and_size_legend_in_the_language(demo, lang):
    items, links = demo
    items = items.assign(**{"weight<Occurrences>": items["weight<Occurrences>"] * 1000})  # thousands in the numbers
    fig = network_figure(items, links, lang=lang)
    sizes = items.groupby("cluster").size()
    assert [t.name for t in circles(fig)] == [text("network.cluster", lang=lang, k=k, n=n) for k, n in sizes.items()]
    row = items.iloc[10]
    lines = hover_of(fig, row["label"])
    assert lines[1] == text("network.hover_cluster", lang=lang, k=row["cluster"])
    occurrences = f"{row['weight<Occurrences>']:,.0f}"
    assert NBSP in localize(occurrences, lang=lang)
    assert f"{text('score.occurrences', lang=lang)}: {localize(occurrences, lang=lang)}" in lines
    year = f"{row['score<Avg. pub. year>']:.2f}"
    assert f"{text('score.avg_pub_year', lang=lang)}: {year.replace('.', ',')}" in lines
    assert f"{text('score.author_share', lang=lang)}: {row['score<Author keyword share>']:.0%}" in lines
    assert f"{text('score.avg_pub_year', lang=lang)}: {text('number.missing', lang=lang)}" in hover_of(fig, items["label"][5])
    numbers, title = size_legend(fig)
    english_numbers, english_title = size_legend(network_figure(items, links))
    assert title == text("score.occurrences", lang=lang) and english_title == "Occurrences"
    assert numbers == [localize(n, lang=lang) for n in english_numbers] and all(NBSP in n for n in numbers[:1])
    assert english_in(fig, lang, items["label"]) == []


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_overlay_colour_bar_and_no_score_entry(demo, lang):
    items, links = demo
    fig = network_figure(items, links, color="author_share", color_range=(0.0, 1.0), lang=lang)
    bar = next(t.marker.colorbar for t in fig.data if t.marker is not None and t.marker.showscale)
    assert bar.title.text == text("score.author_share", lang=lang)
    assert list(bar.ticktext) == ["0", "0,25", "0,5", "0,75", "1"]
    year = network_figure(items, links, color="year", lang=lang)
    bar = next(t.marker.colorbar for t in year.data if t.marker is not None and t.marker.showscale)
    assert bar.title.text == text("score.avg_pub_year", lang=lang)
    assert [t.name for t in circles(year) if t.showlegend is not False] == [text("network.no_score", lang=lang, n=1)]
    fractions = network_figure(items.assign(**{"weight<Occurrences>": items["weight<Occurrences>"] / 1000}), links,
                               color="norm_citations", lang=lang)
    numbers, _ = size_legend(fractions)
    assert numbers and all("," in n and "." not in n for n in numbers)  # 0,45: a decimal comma
    assert all(re.fullmatch(r"-?\d+(,\d+)?", t) for t in next(
        t.marker.colorbar for t in fractions.data if t.marker is not None and t.marker.showscale).ticktext)
    for figure in (fig, year, fractions, top_keywords_figure(items, links, n=20, lang=lang)):
        assert english_in(figure, lang, items["label"]) == []


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_no_cluster_entry_and_empty_canvas(demo, lang):
    items, links = demo
    items = items.assign(cluster=items["cluster"].where(items["id"] > 3))  # three items without a cluster
    fig = network_figure(items, links, lang=lang)
    assert circles(fig)[-1].name == text("network.no_cluster", lang=lang, n=3)
    assert hover_of(fig, "keyword 03")[1] == text("network.hover_cluster", lang=lang, k=items["cluster"][3])
    assert hover_of(fig, items["label"][0])[1] == text("network.hover_no_cluster", lang=lang)
    empty = network_figure(items.iloc[:0], links.iloc[:0], lang=lang)
    assert [a.text for a in empty.layout.annotations] == [text("network.no_keywords", lang=lang)]
    assert english_in(fig, lang, items["label"]) == [] and english_in(empty, lang, []) == []


# -- the density views ------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("view", [density_figure, cluster_density_figure])
def test_density_hover_in_the_language(demo, lang, view):
    items, _ = demo
    fig = view(items, lang=lang)
    row = items.iloc[12]
    lines = hover_of(fig, row["label"])
    assert lines[1] == text("network.hover_cluster", lang=lang, k=row["cluster"])
    citations = f"{row['score<Avg. norm. citations>']:.2f}"
    assert f"{text('score.avg_norm_citations', lang=lang)}: {citations.replace('.', ',')}" in lines
    assert english_in(fig, lang, items["label"]) == []
    if view is density_figure:  # the cluster density of no items is an error (no clusters)
        assert [a.text for a in view(items.iloc[:0], lang=lang).layout.annotations] == [text("network.no_keywords", lang=lang)]


# -- English, options, names ----------------------------------------------------------------------
def test_english_is_the_figure_without_lang(demo):
    items, links = demo
    for draw in (lambda **k: network_figure(items, links, **k), lambda **k: network_figure(items, links, color="year", **k),
                 lambda **k: density_figure(items, **k), lambda **k: cluster_density_figure(items, **k),
                 lambda **k: top_keywords_figure(items, links, **k)):
        assert draw(lang="en").to_json() == draw().to_json()
    assert "Cluster 1 (" in network_figure(items, links).to_json()
    english = english_in(network_figure(items, links, color="year"), "kk", items["label"])  # the scan is not blind
    assert {"Cluster", "Occurrences", "Avg. pub. year", "n/a", "No score ("} <= set(english)


def test_unknown_language_is_a_one_line_option_error(demo):
    items, links = demo
    for draw in (lambda: network_figure(items, links, lang="de"), lambda: density_figure(items, lang="de"),
                 lambda: cluster_density_figure(items, lang="de"), lambda: top_keywords_figure(items, links, lang="de"),
                 lambda: plot(None, lang="de")):
        with pytest.raises(OptionError, match="unknown language 'de'; expected one of en, ru, kk") as err:
            draw()
        assert "\n" not in str(err.value)


def test_column_names_are_the_tables_score_names():
    for lang in ("en", "ru", "kk"):
        assert {name: column_name(f"score<{name}>", lang=lang) for name in SCORE_KEYS} == \
            {name: text(key, lang=lang) for name, key in SCORE_KEYS.items()}
        assert column_name("weight<Total link strength>", lang=lang) == text("score.total_link_strength", lang=lang)
    assert column_name("score<Something else>", lang="ru") == "Something else"  # a column bibnet does not know: its name


# -- static pictures and fonts --------------------------------------------------------------------
def test_dejavu_sans_has_every_letter_of_the_figure_texts():
    from matplotlib import font_manager, ft2font

    path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"), fallback_to_default=False)
    charmap = ft2font.FT2Font(path).get_charmap()
    for lang in ("ru", "kk"):
        letters = {c for key, value in catalogue(lang).items() if key.startswith(GROUPS) for c in value} | {NBSP}
        assert {c for c in letters if ord(c) not in charmap} == set(), lang


def static_glyph_warnings(draw, tmp_path: Path, monkeypatch) -> list[str]:
    """Make the figure (labels and legends are measured in DejaVu Sans) and its PNG and SVG (save_static's
    "Glyph missing" filter switched off); the "Glyph ... missing" warnings of both."""
    monkeypatch.setattr(warnings, "filterwarnings", lambda *args, **kwargs: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        save_static(draw(), tmp_path / "f.png", tmp_path / "f.svg")
    return [str(w.message) for w in caught if "Glyph" in str(w.message)]


def test_static_kazakh_picture_has_the_texts_and_every_glyph(demo, tmp_path, monkeypatch):
    items, links = demo
    items = items.iloc[:25].copy()
    items.loc[7, "score<Author keyword share>"] = np.nan
    overlay = lambda: network_figure(items, links, color="author_share", color_range=(0.0, 1.0),  # noqa: E731
                                     width=600, lang="kk")
    assert static_glyph_warnings(overlay, tmp_path, monkeypatch) == []
    svg = (tmp_path / "f.svg").read_text(encoding="utf-8")
    texts = set(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    assert {text("score.author_share", lang="kk"), text("score.occurrences", lang="kk"), "0,25", "0,75",
            text("network.no_score", lang="kk", n=1)} <= texts
    assert any(re.search("[әғқңөұүһі]", t) for t in texts)  # Kazakh letters, drawn as text
    clusters = lambda: network_figure(items, links, width=600, lang="kk")  # noqa: E731
    assert static_glyph_warnings(clusters, tmp_path, monkeypatch) == []
    texts = set(re.findall(r"<text[^>]*>([^<]*)</text>", (tmp_path / "f.svg").read_text(encoding="utf-8")))
    assert text("network.cluster", lang="kk", k=1, n=int((items["cluster"] == 1).sum())) in texts
    cjk = lambda: network_figure(items.assign(label=["关键词"] * len(items)), links, width=600, lang="kk")  # noqa: E731
    assert static_glyph_warnings(cjk, tmp_path, monkeypatch)  # the check is not blind: DejaVu Sans has no CJK


# -- bibnet analyze --lang -----------------------------------------------------------------------------
def test_analyze_draws_its_figures_in_the_language(tmp_path):
    out = tmp_path / "kk"
    run = CliRunner().invoke(main, ["analyze", str(RMP), "--out", str(out), "--min-occurrences", "3", "--lang", "kk",
                                    "--no-static"])
    assert run.exit_code == 0, run.output
    labels = set()
    for path in out.rglob("map.json"):
        labels |= {item["label"] for item in json.loads(path.read_text(encoding="utf-8"))["network"]["items"]}
    pages = sorted((out / "figures").glob("*.html"))
    assert len(pages) >= 15
    for path in pages:
        content = path.read_text(encoding="utf-8")
        content = content[content.index("Plotly.newPlot"):]
        values = [json.loads(f'"{v}"') for v in re.findall(r'"((?:[^"\\]|\\.)*)"', content)]
        assert english_left(values, "kk", labels) == [], path.name
        if path.name == "all_network.html":
            assert text("network.cluster", lang="kk", k=1, n=29) in values
            assert text("score.occurrences", lang="kk") in values
