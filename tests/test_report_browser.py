"""The report's keyword explorer, used in a real headless Chromium (playwright drives /usr/bin/chromium).

A keyword typed into the search box and clicked lists as many documents as its occurrences in
map.txt; one of its links lists as many as the link's strength in network.txt (full counting);
a click on its circle in the figure opens it too; and the page logs no error.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bibnet.cli import main
from bibnet.readwrite import read_vosviewer

CHROMIUM = Path("/usr/bin/chromium")
EXPORT = Path(__file__).parent / "data" / "wos" / "tab" / "rmp_savedrecs.txt"

if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is not installed (apt-get install -y chromium); the report's explorer not checked "
                "in a browser", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install 'bibnet[test]'); "
                               "the report's explorer not checked in a browser")


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("explorer") / "run"
    result = CliRunner().invoke(main, ["analyze", str(EXPORT), "--min-occurrences", "3", "--no-static", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def page(run):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.errors = []  # type: ignore[attr-defined]
        page.on("console", lambda m: page.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: page.errors.append(f"page error: {e}"))
        page.goto((run / "report.html").as_uri())
        page.wait_for_function("document.querySelectorAll('div.figure .main-svg').length > 0")
        yield page
        browser.close()


def listed(page) -> int:
    """Documents listed in the panel, all of them drawn (a long list first shows 200)."""
    more = page.locator("#panel button.more")
    if more.count():
        more.click()
    count = int(page.locator("#panel .doc-count").get_attribute("data-count"))
    assert page.locator("#panel ol.docs > li").count() == count
    return count


def test_search_a_keyword_read_its_documents_and_a_links(page, run):
    vos = read_vosviewer(run / "all" / "map.txt", run / "all" / "network.txt")
    items = vos.items.set_index("id")
    linked = set(vos.links["source"]) | set(vos.links["target"])
    item_id = next(i for i in items["weight<Occurrences>"].sort_values(ascending=False, kind="stable").index if i in linked)
    label, occurrences = items.loc[item_id, "label"], int(items.loc[item_id, "weight<Occurrences>"])

    explorer = page.locator('section.explore[data-field="0"]')
    explorer.locator("input[type=search]").fill(label)
    found = explorer.get_by_role("button", name=label, exact=True)
    found.wait_for()  # the list follows the typing after a pause
    assert explorer.locator(".count").get_attribute("data-count") == str(explorer.locator("ol.matches button").count())
    found.click()
    page.wait_for_selector("#panel:not([hidden]) .doc-count")
    assert page.locator("#panel h3").text_content() == label
    assert listed(page) == occurrences
    assert page.locator("#panel ol.docs a[href^='https://doi.org/10.']").count() > 0  # DOIs are links

    link = page.locator("#panel ol.links button").first
    other = int(link.get_attribute("data-keyword")) + 1  # position in the items -> id
    strength = vos.links.loc[((vos.links["source"] == item_id) & (vos.links["target"] == other))
                             | ((vos.links["source"] == other) & (vos.links["target"] == item_id)), "strength"]
    assert len(strength) == 1
    assert re.search(rf": strength {int(strength.iloc[0])}$", link.text_content())
    link.click()
    assert page.locator("#panel h3").text_content() == f"{label} and {items.loc[other, 'label']}"
    assert "full counting" in page.locator("#panel .note").first.text_content()
    assert listed(page) == int(strength.iloc[0])
    assert page.errors == []


def test_cluster_filter_and_a_click_on_the_map(page, run):
    items = read_vosviewer(run / "all" / "map.txt").items
    page.keyboard.press("Escape")  # closes the keyword of the test before: no keyword selected
    explorer = page.locator('section.explore[data-field="0"]')
    explorer.locator("input[type=search]").fill("")
    explorer.locator("select").select_option("1")
    assert int(explorer.locator(".count").get_attribute("data-count")) == int((items["cluster"] == 1).sum())
    # The cluster's keywords are ringed in the network figure: click the first ring, as a reader would.
    figure = page.locator('div.figure[data-field="0"]').first
    figure.scroll_into_view_if_needed()
    point = page.evaluate("""(div) => {
        const t = div._fullData.find(t => t.name === 'highlight'), l = div._fullLayout, box = div.getBoundingClientRect();
        return {x: box.left + l._size.l + l.xaxis.l2p(t.x[0]), y: box.top + l._size.t + l.yaxis.l2p(t.y[0]), k: t.customdata[0],
                n: t.x.length};
    }""", figure.element_handle())
    assert point["n"] == (items["cluster"] == 1).sum()
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector("#panel:not([hidden]) .doc-count")
    ringed = items.sort_values("id").iloc[point["k"]]
    assert page.locator("#panel h3").text_content() == ringed["label"]
    assert listed(page) == int(ringed["weight<Occurrences>"])
    page.keyboard.press("Escape")
    assert page.locator("#panel").is_hidden()
    assert page.errors == []


def test_figures_fill_the_width_with_the_title_in_the_page(page):
    figure = page.locator("div.figure").first
    box = figure.bounding_box()
    assert box["width"] > 1000 and abs(box["width"] / box["height"] - 900 / 700) < 0.01
    assert page.locator("div.figure .gtitle").count() == 0  # titles are the page's headings, never under the toolbar
    assert page.locator("table").first.locator("th", has_text="Layout quality").count() == 0
