"""Themes over time: periods, strategic diagram measures, evolution, trend topics, bursts, files."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import bibnet
from bibnet import OptionError
from bibnet.dynamics import Themes, ThemesParams, themes
from bibnet.dynamics.bursts import find_bursts
from bibnet.dynamics.evolution import evolution
from bibnet.dynamics.periods import NO_YEAR, OUTSIDE, parse_periods, split_years
from bibnet.dynamics.strategic import centrality_density, quadrants
from bibnet.dynamics.trends import trend_topics, trending, year_quartiles
from bibnet.readwrite.vosmap_reader import read_map, read_network

DATA = Path(__file__).parent / "data"
IMAGINARIES = DATA / "wos" / "imaginaries"
COFFEE = DATA / "gold_coffee_obesity" / "wos_plaintext"


@pytest.fixture(scope="module")
def coffee() -> bibnet.Corpus:
    return bibnet.read(COFFEE, lean=True)


@pytest.fixture(scope="module")
def coffee_themes(coffee) -> Themes:
    return themes(coffee, cuts=[2012, 2018], network_params=bibnet.NetworkParams(min_occurrences=4))


@pytest.fixture(scope="module")
def coffee_folder(coffee_themes, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("themes") / "out"
    coffee_themes.write(out, figures=False)
    return out


# -- periods -----------------------------------------------------------------------------------------
def test_cut_years_start_new_periods_and_open_ends_take_the_records_years():
    years = np.array([1960, 2014, 2015, 2019, 2020, 2016, np.nan, 2030.0])
    split = split_years(years, cuts=(2015, 2020))
    assert [(p.label, p.records) for p in split.periods] == [("1960-2014", 2), ("2015-2019", 3), ("2020-2030", 2)]
    assert split.of_record.tolist() == [0, 0, 1, 1, 2, 1, NO_YEAR, 2]
    assert (split.without_year, split.outside) == (1, 0)


def test_explicit_periods_leave_other_years_outside_and_empty_periods_are_named():
    years = np.array([1960, 2014, 2015, 2019, 2020, 2016, np.nan, 2030.0])
    split = split_years(years, periods=parse_periods("2005-2014, 2015-2019,2021-2025"))
    assert [(p.label, p.records) for p in split.periods] == [("2005-2014", 1), ("2015-2019", 3)]
    assert split.of_record.tolist() == [OUTSIDE, 0, 1, 1, OUTSIDE, 1, NO_YEAR, OUTSIDE]
    assert (split.without_year, split.outside, split.empty) == (1, 3, ("2021-2025",))


@pytest.mark.parametrize(("options", "message"), [
    ({"cuts": "2015;2020"}, "cut years must be years separated by commas, e.g. 2015,2020; got '2015;2020'"),
    ({"cuts": (2020, 2015)}, "cut years must be ascending and distinct, got 2020 before 2015"),
    ({"periods": "2005-2014,2010-2020"}, "periods must be in time order without overlap: 2010-2020 starts by 2014"),
    ({"periods": "2014-2005"}, "period 2014-2005 ends before it starts"),
    ({"periods": "2005 to 2014"}, "periods must be year ranges separated by commas, e.g. 2005-2014,2015-2024; "
                                  "got '2005 to 2014'"),
    ({"cuts": (2015,), "periods": ((2005, 2014),)}, "give cut years or periods, not both"),
    ({"burst_s": 1.0}, "burst rate ratio s must be a number > 1, got 1.0"),
])
def test_bad_period_options_are_one_line_errors(options, message):
    with pytest.raises(OptionError) as error:
        ThemesParams(**options)
    assert str(error.value) == message


def test_options_read_from_text_as_on_the_command_line():
    assert ThemesParams(cuts="2015, 2020").cuts == (2015, 2020)
    assert ThemesParams(periods="2005-2014,2015\u20132024").periods == ((2005, 2014), (2015, 2024))


def test_themes_without_periods_is_an_error(coffee):
    with pytest.raises(OptionError, match=r"^themes: give cut years \(cuts=\[2015, 2020\]"):
        themes(coffee)


# -- strategic diagram -------------------------------------------------------------------------------
def test_centrality_and_density_by_hand():
    """Keywords a, b, c in theme 1, d in theme 2; occurrences 4, 2, 2, 5.

    e_ab = 2^2/(4*2) = 0.5, e_ac = 1/(4*2) = 0.125, e_bc = 1/(2*2) = 0.25, e_ad = 2^2/(4*5) = 0.2,
    e_cd = 1/(2*5) = 0.1. Theme 1: density 100 * (0.5 + 0.125 + 0.25) / 3 = 29.1666...,
    centrality 10 * (0.2 + 0.1) = 3. Theme 2: density 0 (one keyword), centrality 3.
    """
    rows, cols, vals = [0, 0, 1, 0, 2], [1, 2, 2, 3, 3], [2, 1, 1, 2, 1]
    upper = sp.csr_matrix((vals, (rows, cols)), shape=(4, 4))
    cooc = sp.csr_matrix(upper + upper.T)
    centrality, density = centrality_density(cooc, np.array([4, 2, 2, 5]), np.array([1, 1, 1, 2]))
    assert centrality == pytest.approx([3.0, 3.0], rel=1e-15)
    assert density == pytest.approx([100 * 0.875 / 3, 0.0], rel=1e-15)


def test_quadrants_split_at_the_medians():
    centrality = np.array([5.0, 1.0, 4.0, 2.0])
    density = np.array([5.0, 5.0, 1.0, 1.0])
    assert quadrants(centrality, density) == ["motor", "niche", "basic", "emerging or declining"]
    assert quadrants(np.array([2.0]), np.array([0.0])) == ["motor"]  # at both medians: high


@pytest.fixture(scope="module")
def imaginaries_folder(tmp_path_factory) -> tuple[Themes, Path]:
    result = themes(bibnet.read(IMAGINARIES, lean=True), cuts=[2000, 2003],
                    network_params=bibnet.NetworkParams(min_occurrences=3, counting="fractional"), laid_out=False)
    out = tmp_path_factory.mktemp("imaginaries") / "out"
    result.write(out, figures=False)
    return result, out


@pytest.mark.parametrize("sample", ["coffee", "imaginaries"])
def test_theme_table_equals_a_recomputation_from_the_period_files(sample, request):
    """Centrality and density of every theme from the period's own map.txt and network.txt: exact
    with full counting (coffee); with fractional counting (imaginaries) within what the 4 decimals
    of network.txt's strengths allow."""
    if sample == "coffee":
        result, folder = request.getfixturevalue("coffee_themes"), request.getfixturevalue("coffee_folder")
    else:
        result, folder = request.getfixturevalue("imaginaries_folder")
    table = pd.read_csv(folder / "themes.csv", encoding="utf-8-sig")
    assert len(table) == len(result.themes) > 0 and len(result.labels) >= 2
    for label in result.labels:
        items = read_map(folder / "periods" / label / "map.txt")
        links = read_network(folder / "periods" / label / "network.txt")
        index = {int(i): n for n, i in enumerate(items["id"])}
        occ = items["weight<Occurrences>"].to_numpy(dtype=float)
        theme = items["cluster"].to_numpy(dtype=int)
        e, slack = {}, {}
        half = 0.0 if sample == "coffee" else 0.00005  # network.txt keeps 4 decimals: whole counts are exact
        for s, t, w in links[["source", "target", "strength"]].itertuples(index=False):
            i, j = index[int(s)], index[int(t)]
            e[min(i, j), max(i, j)] = w * w / (occ[i] * occ[j])
            slack[min(i, j), max(i, j)] = (2 * w * half + half * half) / (occ[i] * occ[j])
        rows = table[table["Period"] == label].sort_values("Theme")
        assert rows["Theme"].tolist() == list(range(1, theme.max() + 1))
        for row in rows.itertuples(index=False):
            t = row.Theme
            pairs_in = [(i, j) for i, j in e if theme[i] == t and theme[j] == t]
            pairs_out = [(i, j) for i, j in e if (theme[i] == t) != (theme[j] == t)]
            size = int((theme == t).sum())
            bound_in, bound_out = sum(slack[p] for p in pairs_in), sum(slack[p] for p in pairs_out)
            centrality, density = 10 * sum(e[p] for p in pairs_out), 100 * sum(e[p] for p in pairs_in) / size
            assert abs(row.Centrality - centrality) <= 10 * bound_out + 1e-12 * max(1.0, centrality)
            assert abs(row.Density - density) <= 100 * bound_in / size + 1e-12 * max(1.0, density)
            assert row._4 == size  # "Number of keywords"
            assert row.Occurrences == occ[theme == t].sum()
            members = items.loc[theme == t].sort_values(["weight<Occurrences>", "label"], ascending=[False, True])
            assert row.Keywords == "; ".join(members["label"]) and row.Name == members["label"].iloc[0]


def test_period_records_add_up_to_the_records_with_a_year(coffee, coffee_themes, coffee_folder):
    periods = pd.read_csv(coffee_folder / "periods.csv", encoding="utf-8-sig")
    assert periods["Period"].tolist() == ["2004-2011", "2012-2017", "2018-2025"]
    assert periods["Records"].sum() == len(coffee) == 1047
    for label, net in coffee_themes.networks.items():
        first, last = map(int, label.split("-"))
        years = coffee.records["PY"].astype(int)
        assert len(net.records) == int(((years >= first) & (years <= last)).sum())


def test_records_without_a_year_are_counted_and_left_out(coffee, tmp_path):
    records = coffee.records.copy()
    records.loc[records.index[:40], "PY"] = pd.NA
    result = themes(dataclasses.replace(coffee, records=records), cuts=[2012, 2018],
                    network_params=bibnet.NetworkParams(min_occurrences=4), laid_out=False)
    assert result.without_year == 40
    assert sum(p.records for p in result.periods) == len(coffee) - 40
    result.write(tmp_path / "out", figures=False)
    periods = pd.read_csv(tmp_path / "out" / "periods.csv", encoding="utf-8-sig")
    assert periods["Records"].sum() == len(coffee)
    assert periods["Period"].iloc[-1] == "no publication year" and periods["Records"].iloc[-1] == 40
    assert "40 records without a publication year were left out of the periods." in \
        (tmp_path / "out" / "methods.md").read_text(encoding="utf-8")


# -- evolution ---------------------------------------------------------------------------------------
def test_evolution_links_equal_a_direct_computation_from_the_memberships(coffee_themes):
    table = coffee_themes.themes
    members = {(r.period, r.theme): r.keywords.split("; ") for r in table.itertuples(index=False)}
    labels = coffee_themes.labels
    expected = set()
    for before, after in zip(labels, labels[1:], strict=False):
        for (p, u), a in members.items():
            for (q, v), b in members.items():
                if p == before and q == after and set(a) & set(b):
                    common = len(set(a) & set(b))
                    expected.add((p, u, q, v, common, round(common / min(len(a), len(b)), 12),
                                  round(common / len(set(a) | set(b)), 12)))
    links = coffee_themes.evolution.dropna(subset=["from_theme", "to_theme"])
    found = {(r.from_period, r.from_theme, r.to_period, r.to_theme, r.n_shared, round(r.inclusion, 12),
              round(r.jaccard, 12)) for r in links.itertuples(index=False)}
    assert found == expected and len(expected) > 0
    # every theme without a successor vanishes, without a predecessor appears
    vanish = coffee_themes.evolution[coffee_themes.evolution["event"] == "vanishes"]
    have_next = {(r.from_period, r.from_theme) for r in links.itertuples(index=False)}
    assert {(r.from_period, r.from_theme) for r in vanish.itertuples(index=False)} == \
        {k for k in members if k[0] != labels[-1] and k not in have_next}


def test_evolution_names_splits_merges_appearances_and_vanishings():
    themes_by_period = {
        "A": [{"x": "x", "y": "y"}, {"z": "z"}, {"q": "q"}],
        "B": [{"x": "x"}, {"y": "y", "z": "z", "w": "w"}, {"new": "new"}],
    }
    table = evolution(themes_by_period, periods=["A", "B"])
    rows = [(r.from_theme, r.to_theme, r.shared, r.event) for r in table.itertuples(index=False)]
    assert [tuple(None if pd.isna(v) else v for v in row) for row in rows] == [
        (1, 1, "x", "splits"), (1, 2, "y", "splits and merges"), (2, 2, "z", "merges"),
        (3, None, None, "vanishes"), (None, 3, None, "appears")]
    assert table["inclusion"].iloc[1] == pytest.approx(1 / 2) and table["jaccard"].iloc[1] == pytest.approx(1 / 4)


# -- trend topics ------------------------------------------------------------------------------------
def test_year_quartiles_are_rs_type_7_rounded_half_to_even():
    """Years 2000, 2001, 2002, 2010: q1 = 2000.75 -> 2001, median 2001.5 -> 2002 (half to even),
    q3 = 2002 + 0.25 * 8 = 2004. Second keyword: one record of 2003 and one without a year."""
    incidence = sp.csr_matrix(np.array([[1, 0], [1, 1], [1, 0], [1, 0], [0, 1]]))
    years = np.array([2000, 2001, 2002, 2010, np.nan])
    quartiles = year_quartiles(incidence, years)
    assert quartiles.tolist() == [[2001, 2002, 2004], [2001, 2001, 2001]]


def test_trend_topics_match_numpy_per_keyword(coffee):
    occ = bibnet.build_network(coffee, min_occurrences=4)
    years = coffee.records["PY"].astype(float).to_numpy()
    table = trend_topics(occ.incidence, years, occ.items["label"].to_numpy())
    for column, label in enumerate(occ.items["label"]):
        rows = occ.incidence[:, column].nonzero()[0]
        expected = np.round(np.quantile(years[rows], [0.25, 0.5, 0.75]))
        row = table[table["keyword"] == label].iloc[0]
        assert [row.year_q1, row.year_median, row.year_q3] == expected.tolist()
        assert row.occurrences == len(rows)
    picked = trending(table, per_year=2)
    assert picked.groupby("year_median").size().max() == 2
    assert picked["year_median"].is_monotonic_decreasing


# -- bursts ------------------------------------------------------------------------------------------
def test_bursts_are_those_of_the_yearly_counts(coffee, coffee_themes):
    occ = bibnet.build_network(coffee, min_occurrences=4)  # same threshold, whole corpus: same keywords
    years = coffee.records["PY"].astype(int).to_numpy()
    first, last = years.min(), years.max()
    assert coffee_themes.years == (first, last)
    span = last - first + 1
    counts = np.zeros((len(occ), span), dtype=np.int64)
    coo = occ.incidence.tocoo()
    np.add.at(counts, (coo.col, years[coo.row] - first), 1)
    found = find_bursts(counts, np.bincount(years - first, minlength=span), s=2.0, gamma=1.0)
    expected = sorted((occ.items["label"].iloc[r], s + first, e + first, round(w, 9))
                      for r, s, e, w in found[["row", "start", "end", "strength"]].itertuples(index=False))
    got = sorted((r.keyword, r.start, r.end, round(r.strength, 9)) for r in coffee_themes.bursts.itertuples())
    assert got == expected and len(got) > 0
    assert coffee_themes.bursts["strength"].is_monotonic_decreasing


# -- files -------------------------------------------------------------------------------------------
def test_the_folder_has_every_table_and_period_map(coffee_folder):
    names = sorted(p.relative_to(coffee_folder).as_posix() for p in coffee_folder.rglob("*") if p.is_file())
    tables = [f"{stem}.{ext}" for stem in ("bursts", "evolution", "periods", "themes", "trends")
              for ext in ("csv", "md", "tex")]
    maps = [f"periods/{label}/{name}" for label in ("2004-2011", "2012-2017", "2018-2025")
            for name in ("map.json", "map.txt", "network.txt", "summary.json")]
    assert names == sorted([".bibnet-manifest.json", "methods.md", "parameters.json", *tables, *maps])
    text = (coffee_folder / "methods.md").read_text(encoding="utf-8")
    assert text.startswith("## Themes over time\n\nTo follow the field over time, the records were divided into "
                           "3 periods (cut at 2012 and 2018): 2004-2011 (")
    assert "s = 2 and γ = 1" in text and "Kleinberg, J. (2002)" in text


def test_same_outputs_whatever_the_order_of_the_files(tmp_path):
    files = sorted(IMAGINARIES.iterdir())
    outs = []
    for n, order in enumerate((files, files[::-1])):
        corpus = bibnet.read(*order, lean=True)
        out = tmp_path / f"run{n}"
        themes(corpus, cuts=[1990, 2000], network_params=bibnet.NetworkParams(min_occurrences=3)).write(
            out, figures=False)
        outs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert outs[0] == outs[1] and len(outs[0]) > 20


def test_a_period_without_keywords_is_skipped_and_said(tmp_path):
    """Web of Science records before 1990 have no keywords: those periods are counted, not mapped."""
    corpus = bibnet.read(IMAGINARIES, lean=True)
    result = themes(corpus, cuts=[1970, 2000], network_params=bibnet.NetworkParams(min_occurrences=5),
                    laid_out=False)
    none = "the records have no keywords (DE and ID are empty in every record)"
    assert result.skipped == {"1960-1969": none, "1970-1999": none}
    assert list(result.networks) == ["2000-2005"]
    assert sum(p.records for p in result.periods) == len(corpus)
    result.write(tmp_path / "out", figures=False)
    periods = pd.read_csv(tmp_path / "out" / "periods.csv", encoding="utf-8-sig")
    assert periods["Note"].iloc[0] == "not mapped: the records have no keywords (DE and ID are empty in every record)"
    assert "; not mapped: 1960-1969 (the records have no keywords" in \
        (tmp_path / "out" / "methods.md").read_text(encoding="utf-8")


# -- command line --------------------------------------------------------------------------------
def test_themes_command_needs_periods_and_leaves_the_folder_untouched(tmp_path):
    from click.testing import CliRunner

    from bibnet.cli import main

    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    for args, message in ((["--out", str(out)], "bibnet: error: themes: give cut years (cuts=[2015, 2020], --cuts "
                                                "2015,2020) or periods (periods=[(2005, 2014), (2015, 2024)], --periods "
                                                "2005-2014,2015-2024)\n"),
                          (["--out", str(out), "--cuts", "2015-2020"], "bibnet: error: cut years must be years "
                                                                       "separated by commas, e.g. 2015,2020; got "
                                                                       "'2015-2020'\n")):
        run = CliRunner().invoke(main, ["themes", str(COFFEE), *args])
        assert (run.exit_code, run.output) == (2, message)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_themes_command_writes_the_folder(tmp_path):
    from click.testing import CliRunner

    from bibnet.cli import main

    out = tmp_path / "out"
    run = CliRunner().invoke(main, ["themes", str(COFFEE), "--out", str(out), "--periods", "2004-2011,2012-2017",
                                    "--min-occurrences", "4", "--no-static"])
    assert run.exit_code == 0, run.output
    assert run.stdout.splitlines()[-4:] == [
        "2004-2011: 214 records, 140 keywords, 6 themes", "2012-2017: 300 records, 192 keywords, 5 themes",
        "533 records outside the periods left out", run.stdout.splitlines()[-1]]
    periods = pd.read_csv(out / "periods.csv", encoding="utf-8-sig")
    assert periods["Records"].tolist() == [214, 300, 533] and periods["Records"].sum() == 1047
    assert sorted(p.name for p in (out / "figures").glob("*.html")) == [
        "bursts.html", "evolution.html", "strategic_2004-2011.html", "strategic_2012-2017.html", "trends.html"]


# -- analyze --cuts: the report --------------------------------------------------------------------
CHROMIUM = Path("/usr/bin/chromium")


def test_analyze_with_cuts_writes_the_themes_section_and_chromium_draws_it(tmp_path):
    from click.testing import CliRunner

    from bibnet.cli import main

    out = tmp_path / "out"
    run = CliRunner().invoke(main, ["analyze", str(COFFEE), "--out", str(out), "--min-occurrences", "4",
                                    "--cuts", "2012,2018", "--no-static"])
    assert run.exit_code == 0, run.output
    assert sorted(p.name for p in (out / "themes" / "periods").iterdir()) == ["2004-2011", "2012-2017", "2018-2025"]
    methods = (out / "methods.md").read_text(encoding="utf-8")
    assert methods.startswith("## Methods\n\n") and "\n## Themes over time\n\nTo follow the field over time" in methods
    page = (out / "report.html").read_text(encoding="utf-8")
    captions = ["Themes over time: Strategic diagram, 2004-2011", "Themes over time: Thematic evolution",
                "Themes over time: Trend topics", "Themes over time: themes per period: centrality, density and quadrant",
                "Themes over time: thematic evolution: links between the themes of consecutive periods"]
    for caption in captions:
        assert f"<h2>{caption}</h2>" in page
    figures = page.count('<div class="figure"')
    assert figures == 20 + 6  # three fields' views, then 3 strategic diagrams, evolution, trends, bursts
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed; report not checked in a browser")
    import subprocess

    dom = subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
                          "--virtual-time-budget=20000", "--dump-dom", (out / "report.html").as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count('class="plot-container plotly"') == figures  # plotly built every figure
    assert ">Motor themes<" in dom.stdout and ">Emerging or declining themes<" in dom.stdout
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    assert console == [], "\n".join(console)
