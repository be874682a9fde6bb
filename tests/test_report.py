"""Methods text and the self-contained HTML report, checked in a real headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bibnet import AnalysisParams, ClusterParams, LayoutParams, NetworkParams, NetworkSummary, Run
from bibnet.plotting import density_figure, network_figure
from bibnet.report import methods_text, write_report
from bibnet.tables import cluster_table, top_keywords
from bibnet.texts import PLURAL_FORMS, catalogue, number, plural

NASTY = ["<script>alert(1)</script>", "=cmd|' /C calc'!A0", "50% & 100\\%"]
DATA = Path(__file__).parent / "data" / "gold_coffee_obesity" / "vosviewer"
CHROMIUM = Path("/usr/bin/chromium")
CLUSTERING = ClusterParams(min_cluster_size=100)
LAYOUT = LayoutParams()


def summary(field: str, total: int, meeting: int, links: int, tls: float, clusters: int, quality: float,
            **network: object) -> NetworkSummary:
    return NetworkSummary(field=field, records=39680, records_with_keywords=39680, keywords_total=total,
                          keywords_meeting_threshold=meeting, keywords_selected=meeting, links=links, components=1,
                          total_link_strength=tls, network=NetworkParams(keywords=field, min_occurrences=4, **network),
                          clusters=clusters, quality=quality, clustering=CLUSTERING, engine="leidenalg",
                          layout_quality=0.5, layout=LAYOUT, sources={"Web of Science": 39680})


# The numbers of the published analysis quoted in issue 5.
SUMMARIES = [summary("all", 4334, 240, 12000, 45000.0, 2, 0.31234), summary("author", 2855, 92, 900, 1500.0, 1, 0.2),
             summary("indexed", 1724, 133, 3000, 8000.5, 1, 0.25)]
RUN = Run(files=tuple(f"savedrecs_{i}.txt" for i in range(81)), records_read=39900, records=39680, duplicates=220,
          skipped=0, sources={"Web of Science": 39680}, prefer=("Web of Science", "Scopus"),
          network=NetworkParams(min_occurrences=4),
          clustering=CLUSTERING, layout=LAYOUT, analysis=AnalysisParams(),
          software={"bibnet": "0.1.0", "leidenalg": "0.10.2"})


@pytest.fixture(scope="module")
def coffee() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The real VOSviewer map of tests/data, with three nasty labels on its largest items."""
    items = pd.read_csv(DATA / "coffee-obesity_Keyword_map.csv")
    links = pd.read_csv(DATA / "coffee-obesity_Keyword_net.csv", header=None, names=["source", "target", "strength"],
                        encoding="utf-8-sig")
    largest = items["weight<Occurrences>"].sort_values(ascending=False).index[:3]
    items.loc[largest, "label"] = NASTY
    items["cluster"] = items["cluster"].astype("Int64")
    return items, links


# -- methods text ---------------------------------------------------------------------------------
def test_methods_text_fills_in_every_number():
    text = methods_text(SUMMARIES, run=RUN)
    assert text.startswith("## Methods\n\n")
    assert ("We analysed the metadata of 39,680 publications from Web of Science "
            "(39,900 records read from 81 export files; 220 duplicates, identified by accession number, removed).") in text
    assert "all keywords (author keywords, DE, and Keywords Plus, ID, together;" in text
    assert ("Of the 4,334 keywords (author keywords and Keywords Plus together), 240 meet the threshold of at least "
            "4 occurrences; of the 2,855 author keywords, 92 meet the threshold of at least 4 occurrences; "
            "of the 1,724 Keywords Plus, 133 meet the threshold of at least 4 occurrences.") in text
    assert "full counting" in text
    assert "association strength (van Eck & Waltman, 2009)" in text
    assert ("Leiden algorithm (Traag et al., 2019), as implemented in leidenalg, maximising the constant Potts model "
            "(CPM) quality of the association strengths (resolution 1, minimum cluster size 100") in text
    assert "best of 10 random starts with 10 iterations each, randomness 0.01, random seed 0" in text
    assert "giving 2 clusters with quality 0.3123 (all keywords), 1 cluster with quality 0.2 (author keywords)" in text
    assert "VOS mapping technique" in text and "attraction 2 and repulsion 0 (a single random start, random seed 0" in text
    assert "12,000 links and a total link strength of 45,000 (all keywords)" in text
    assert "8,000.5 (Keywords Plus)" in text
    assert text.rstrip().endswith("Journal of Informetrics, 4(4), 629-635.")
    assert "The analysis was run with bibnet 0.1.0 (Python " in text and ", leidenalg 0.10.2)." in text
    assert "n/a" not in text and "None" not in text


def test_methods_text_fractional_counting_thesaurus_and_defaults():
    s = summary("author", 10, 5, 7, 2.5, 2, 0.1, counting="fractional", thesaurus="/home/me/thesaurus_terms.txt", top=3)
    text = methods_text([s])
    assert "The keyword set analysed was author keywords (DE) only." in text
    assert "counted fractionally" in text and "thesaurus (thesaurus_terms.txt)" in text
    assert "the 5 with the greatest total link strength (at most 3) were mapped" in text
    assert "metadata of 39,680 publications" in text  # records from the summary when the run has none
    assert re.search(r"bibnet \S+ \(Python \d+\.\d+", text)  # installed versions by default


# -- the HTML file --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def report(coffee, tmp_path_factory) -> Path:
    items, links = coffee
    counts = items[["label"]].assign(occurrences=items["weight<Occurrences>"])
    wide, _ = top_keywords(counts, n=40)
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(
        path,
        summaries=SUMMARIES,
        tables={"Table 1. The 40 most frequent keywords": wide, "Clusters": cluster_table(items)},
        figures={"Figure 1. Co-occurrence network": network_figure(items, links, title="All keywords"),
                 "Overlay: average publication year": network_figure(items, links, color="year"),
                 "Density": density_figure(items)},
        links={"All keywords: VOSviewer map": "all/map.txt", "JSON <all>": "all/map json.json",
               "evil": "javascript:alert(1)"},
        methods=methods_text(SUMMARIES, run=RUN),
    )
    return path


def without_plotly_js(text: str) -> str:
    """The report without the embedded plotly.js bundle (whose code names web addresses)."""
    start = text.index("* plotly.js v")
    return text[:start] + text[text.index("</script>", start):]


def test_report_is_self_contained(report):
    text = report.read_text(encoding="utf-8")
    assert text.count("* plotly.js v") == 1  # embedded once
    page = without_plotly_js(text)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, flags=re.I)  # nothing fetched
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert "default-src 'none'" in text  # and the browser may not fetch anything either
    assert '<a href="all/map.txt">All keywords: VOSviewer map</a>' in text
    assert '<a href="all/map%20json.json">JSON &lt;all&gt;</a>' in text
    assert 'href="javascript%3Aalert%281%29"' in text  # a link can only be a relative file path
    assert text.count('<div class="figure"') == 3


def test_labels_are_inert_in_the_html(report):
    page = without_plotly_js(report.read_text(encoding="utf-8"))
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # tables, escaped once
    assert "=cmd|&#x27; /C calc&#x27;!A0" in page
    assert "50% &amp; 100\\%" in page
    # in the figure JSON '<', '>' and '&' are \\u escapes, so no markup can end the script element
    specs = re.findall(r'<script type="application/json" id="figure-\d-data">(.*?)</script>', page, flags=re.S)
    assert len(specs) == 3 and not any(re.search("[<>&]", s) for s in specs)
    assert "\\u0026lt;script\\u0026gt;alert(1)" in specs[0]


def test_report_is_deterministic(report, coffee, tmp_path):
    items, links = coffee
    again = tmp_path / "again.html"
    write_report(again, summaries=SUMMARIES, tables={"Clusters": cluster_table(items)},
                 figures={"Figure 1. Co-occurrence network": network_figure(items, links, title="All keywords")},
                 links={})
    first = without_plotly_js(report.read_text(encoding="utf-8"))
    second = without_plotly_js(again.read_text(encoding="utf-8"))
    assert second.split('<h2>Figure 1.')[1].split("</div>")[0] == first.split('<h2>Figure 1.')[1].split("</div>")[0]
    spec = re.compile(r'id="figure-1-data">(.*?)</script>', flags=re.S)
    assert spec.search(first).group(1) == spec.search(second).group(1)  # same figure, same bytes
    assert not re.search(r"20\d\d-\d\d-\d\d|\d\d:\d\d:\d\d", first)  # no date or time stamp


def _chromium(*args: str, user_dir: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={user_dir}", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def test_report_renders_in_headless_chromium(report, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install -y chromium); report not checked in a browser")
    url = report.as_uri()
    dom = _chromium("--dump-dom", url, user_dir=tmp_path / "profile1")
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert html.count('class="plot-container plotly"') == 3  # plotly ran and built every figure
    assert html.count('class="main-svg"') >= 6
    assert html.count("class=\"legendtext\"") >= 3  # cluster legend of the network view
    # labels are drawn as text, never parsed as markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</text>" in html or ">&lt;script&gt;alert(1)&lt;/script&gt;<" in html
    assert "<script>alert(1)" not in html
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    assert console == [], "\n".join(console)

    shot = tmp_path / "report.png"
    run = _chromium(f"--screenshot={shot}", "--window-size=1100,2600", url, user_dir=tmp_path / "profile2")
    assert run.returncode == 0 and shot.is_file(), run.stderr[-2000:]
    from PIL import Image

    with Image.open(shot) as im:
        pixels = np.asarray(im.convert("RGB")).reshape(-1, 3).astype(int)
    assert len(np.unique(pixels[::7], axis=0)) > 200  # not blank
    cluster_red = np.all(np.abs(pixels - [214, 39, 40]) <= 3, axis=1).sum()
    assert cluster_red > 200  # circles of cluster 1 of the first figure are on screen


@pytest.mark.skipif(shutil.which("chromium") is None and not CHROMIUM.exists(), reason="no chromium")
def test_chromium_reports_console_errors(tmp_path):
    """The console check above can fail: a page with an error is caught."""
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><script>throw new Error('bad')</script>")
    run = _chromium("--dump-dom", page.as_uri(), user_dir=tmp_path / "profile")
    assert any("Uncaught Error: bad" in line for line in run.stderr.splitlines())


def test_numbers_for_readers(report):
    page = without_plotly_js(report.read_text(encoding="utf-8"))
    summary = page.split("<h2>Summary</h2>")[1].split("</table>")[0]
    assert "Layout quality" not in summary  # a raw optimisation value: in summary.json, not for readers
    assert "<td class=num>39,680</td>" in summary and "<td class=num>0.3123</td>" in summary
    assert "<td class=num>45,000</td>" in summary and "<td class=num>8,000.5</td>" in summary
    clusters = page.split("<h2>Clusters</h2>")[1].split("</table>")[0]
    head = re.findall(r"<th[^>]*>(.*?)</th>", clusters)
    years = [re.findall(r"<td[^>]*>(.*?)</td>", row)[head.index("Avg. pub. year")] for row in clusters.split("<tr>")[2:]]
    assert years and all(re.fullmatch(r"\d{4}\.\d", y) for y in years), years  # one decimal
    assert "compares clusterings of one map only" in page


def test_figures_are_full_width_with_their_title_in_the_page(report):
    page = without_plotly_js(report.read_text(encoding="utf-8"))
    assert '<h2>Figure 1. Co-occurrence network</h2>\n<p class="subtitle">All keywords</p>' in page
    ratio = re.search(r'id="figure-1" style="aspect-ratio: 900 / (\d+)"', page)  # the map's own aspect
    assert ratio and 450 <= int(ratio.group(1)) <= 1260
    spec = json.loads(re.search(r'id="figure-1-data">(.*?)</script>', page, flags=re.S).group(1))
    assert not spec["layout"].get("title") and "width" not in spec["layout"] and spec["layout"]["autosize"] is True
    assert spec["layout"]["margin"]["t"] >= 30  # plotly's toolbar sits above the plot and its legend


def test_report_in_kazakh(coffee, tmp_path):
    items, links = coffee
    path = tmp_path / "kk.html"
    write_report(path, summaries=SUMMARIES, tables={"Кластерлер": cluster_table(items, lang="kk")}, figures={},
                 links={"Барлық кілт сөздер: VOSviewer картасы": "all/map.txt"}, lang="kk")
    page = without_plotly_js(path.read_text(encoding="utf-8"))
    assert page.startswith('<!DOCTYPE html>\n<html lang="kk">')
    assert "<title>Кілт сөздердің бірге кездесуін талдау</title>" in page
    assert "<h1>Кілт сөздердің бірге кездесуін талдау</h1>" in page
    assert "<h2>Жиынтық</h2>" in page and "<h2>VOSviewer файлдары</h2>" in page
    assert "<h2>Summary</h2>" not in page and "VOSviewer files" not in page
    summary = page.split("<h2>Жиынтық</h2>")[1].split("</table>")[0]
    assert "<th>Өріс</th>" in summary and "Орналастыру сапасы" not in summary  # no layout quality for readers
    assert "<td class=num>39\u00a0680</td>" in summary and "<td class=num>0,3123</td>" in summary
    assert "<td class=num>8\u00a0000,5</td>" in summary and "<td>Барлық кілт сөздер</td>" in summary
    assert "кластерлеудің сапасы" in page  # the note on quality
    clusters = page.split("<h2>Кластерлер</h2>")[1].split("</table>")[0]
    head = re.findall(r"<th[^>]*>(.*?)</th>", clusters)
    years = [re.findall(r"<td[^>]*>(.*?)</td>", row)[head.index("Орт. жарияланым жылы")] for row in clusters.split("<tr>")[2:]]
    assert years and all(re.fullmatch(r"\d{4},\d", y) for y in years), years  # one decimal, after a comma
    texts = json.loads(re.search(r'id="report-text">(.*?)</script>', page, flags=re.S).group(1))
    assert texts["search"] == "Кілт сөздерді іздеу" and texts["links"] == "Ең күшті байланыстар"
    assert texts["cites"] == "{count} дәйексөз" and "|" not in texts["matches"]  # a Kazakh noun after a number: one form
    data = json.loads(re.search(r'id="report-data">(.*?)</script>', page, flags=re.S).group(1))
    assert data["format"] == {"lang": "kk", "group": "\u00a0", "decimal": ","}


def test_the_pages_texts_are_in_every_catalogue():
    english = {k: v for k, v in catalogue("en").items() if k.startswith("page.")}
    assert "page.search" in english and "page.link_fractional" in english
    for lang in ("ru", "kk"):
        other = catalogue(lang)
        forms = {k: len(other[k].split("|")) for k in english}
        counted = {k for k in english if "{count}" in english[k]}
        assert {k for k, n in forms.items() if n > 1} <= counted  # forms only where the script has a count
        assert set(forms.values()) <= {1, PLURAL_FORMS[lang]}
    assert plural(3, "page.matches", lang="ru") == "{count} ключевых слова"
    assert plural(21, "page.cites", lang="ru") == "{count} цитирование" and plural(11, "page.cites", lang="ru").endswith("й")
    assert all("|" not in v for v in english.values())  # English texts as the page wrote them before it had languages


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed; the script's number() not checked")
def test_the_script_writes_numbers_and_picks_forms_as_bibnet_texts():
    """report.js's number() and form() against bibnet.texts.number and plural, run by node."""
    script = (Path(__file__).parents[1] / "bibnet" / "report_assets" / "report.js").read_text(encoding="utf-8")
    functions = "\n".join(re.search(rf"  function {name}\(n\) {{.*?\n  }}", script, flags=re.S).group(0)
                          for name in ("number", "form"))
    values = [0, 1, 2, 5, 11, 12, 14, 21, 22, 25, 111, 999, 1000, 12345, 1234567, 0.5, 2.5, 1234.5678, 9543.887, 0.33333,
              -0.5, -1234.25, 1e-5]
    for lang in ("en", "ru", "kk"):
        data = {"lang": lang, "group": "," if lang == "en" else "\u00a0", "decimal": "." if lang == "en" else ","}
        program = (f"var F = {json.dumps(data)};\n{functions}\n"
                   f"console.log(JSON.stringify({json.dumps(values)}.map(function (v) {{ return [number(v), form(v)]; }})));")
        out = json.loads(subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True).stdout)
        forms = catalogue(lang)["plural.cluster"].split("|")
        assert [s for s, _ in out] == [number(v, lang=lang) for v in values], lang
        assert [forms[min(i, len(forms) - 1)] for _, i in out] == [plural(v, "plural.cluster", lang=lang) for v in values]
