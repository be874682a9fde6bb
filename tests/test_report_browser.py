"""The report's keyword explorer, used in a real headless Chromium (playwright drives /usr/bin/chromium).

A keyword typed into the search box and clicked lists as many documents as its occurrences in
map.txt; one of its links lists as many as the link's strength in network.txt (full counting);
a click on its circle in the figure opens it too; and the page logs no error. In Russian
(``--lang ru``), everything the page and its script write is in Russian: the counted texts in
the form bibnet.texts.plural picks, numbers as bibnet.texts.number writes them, and no English
text of the page's catalogue is left.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from bibnet.cli import main
from bibnet.readwrite import read_vosviewer
from bibnet.texts import catalogue, number, plural

CHROMIUM = Path("/usr/bin/chromium")
EXPORT = Path(__file__).parent / "data" / "wos" / "tab" / "rmp_savedrecs.txt"

if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is not installed (apt-get install -y chromium); the report's explorer not checked "
                "in a browser", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install 'bibnet[test]'); "
                               "the report's explorer not checked in a browser")


def analyze(out: Path, *args: str) -> Path:
    result = CliRunner().invoke(main, ["analyze", str(EXPORT), "--min-occurrences", "3", "--no-static", "--out", str(out),
                                       *args])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:  # one at a time: the pages share it
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


@contextmanager
def browse(browser, report: Path) -> Iterator:
    """The report open in headless Chromium, its figures drawn; ``page.errors``: what it logged as errors."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.errors = []  # type: ignore[attr-defined]
    page.on("console", lambda m: page.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(f"page error: {e}"))
    page.goto(report.as_uri())
    page.wait_for_function("document.querySelectorAll('div.figure .main-svg').length > 0")
    yield page
    page.close()


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    return analyze(tmp_path_factory.mktemp("explorer") / "run")


@pytest.fixture(scope="module")
def page(browser, run):
    with browse(browser, run / "report.html") as page:
        yield page


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


# -- in Russian -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def russian(tmp_path_factory) -> Path:
    return analyze(tmp_path_factory.mktemp("explorer") / "ru", "--lang", "ru", "--counting", "fractional")


def say(key: str, lang: str, **values: object) -> str:
    """A ``page.`` text as the script should write it: the form for ``count`` that bibnet.texts.plural
    picks, numbers as bibnet.texts.number writes them."""
    out = plural(values["count"], key, lang=lang) if "count" in values else catalogue(lang)[key]  # type: ignore[arg-type]
    for name, value in values.items():
        out = out.replace("{" + name + "}", number(value, lang=lang) if isinstance(value, (int, float)) else str(value))
    return out


def written_by_the_page(page) -> str:
    """What the page itself writes: headings and notes, the explorers, the panel, and the titles,
    labels and placeholders of their controls (not the figures, which plotly draws, nor the methods)."""
    return page.evaluate("""() => {
        const parts = [];
        document.querySelectorAll("main > h1, main > h2, main > p.note, section.explore, #panel")
            .forEach(e => parts.push(e.innerText));
        document.querySelectorAll("section.explore *, #panel *").forEach(e => ["title", "aria-label", "placeholder"]
            .forEach(a => { if (e.getAttribute(a)) parts.push(e.getAttribute(a)); }));
        return parts.join("\\n");
    }""")


def english_left(seen: str, data: dict, lang: str) -> list[str]:
    """English words of the page's catalogue texts (words their translation does not keep, such as
    VOSviewer) found in ``seen``, once the data (labels, titles, sources, DOIs, field names) is taken out."""
    strings = {f["name"] for f in data["fields"]} | {label for f in data["fields"] for label in f["labels"]}
    strings |= {str(v) for column in ("title", "source", "doi") for v in data["docs"].get(column, []) if v}
    for value in sorted(strings, key=len, reverse=True):
        seen = seen.replace(value, " ")
    english, other = catalogue("en"), catalogue(lang)
    words = set()
    for key, value in english.items():
        if key.startswith("page.") and value != other[key]:
            kept = set(re.findall(r"[A-Za-z]+", other[key]))
            words |= {w for w in re.findall(r"[A-Za-z][A-Za-z'-]{2,}", re.sub(r"\{\w+\}", " ", value)) if w not in kept}
    return sorted(w for w in words if re.search(rf"\b{re.escape(w)}\b", seen))


def test_the_page_and_its_script_write_russian(browser, russian):
    with browse(browser, russian / "report.html") as page:
        assert page.evaluate("document.documentElement.lang") == "ru"
        data = json.loads(page.locator("#report-data").text_content())
        field, seen = data["fields"][0], []
        explorer = page.locator('section.explore[data-field="0"]')
        search = explorer.locator("input[type=search]")
        assert search.get_attribute("placeholder") == "Введите ключевое слово"
        assert search.get_attribute("aria-label") == "Поиск ключевых слов"
        assert explorer.locator("h2").inner_text() == f"Исследование карты: {field['name']}"

        search.fill("e")  # more keywords than the list shows
        explorer.locator(".more-matches").wait_for()
        found = int(explorer.locator(".count").get_attribute("data-count"))
        assert found > 100 and explorer.locator(".count").inner_text() == say("page.matches", "ru", count=found)
        assert explorer.locator(".more-matches").inner_text() == say("page.more_matches", "ru", count=found - 100)
        seen.append(written_by_the_page(page))

        search.fill("")
        page.wait_for_timeout(400)  # the list follows the typing after a pause
        explorer.locator("select").select_option("1")
        size = field["clusters"].count(1)
        assert explorer.locator("select option[value='1']").inner_text() == say("page.cluster", "ru", n="1", count=size)
        assert explorer.locator(".count").inner_text() == say("page.matches", "ru", count=size)
        first = explorer.locator("ol.matches button").first
        k = int(first.get_attribute("data-keyword"))
        assert first.get_attribute("title") == say("page.occurrences", "ru", count=field["occurrences"][k])
        first.click()
        page.wait_for_selector("#panel:not([hidden]) .doc-count")
        panel = page.locator("#panel")
        assert panel.locator("p.note").first.inner_text() == say("page.keyword_meta", "ru", field=field["name"], cluster="1",
                                                                 count=field["occurrences"][k])
        assert panel.locator("h4").first.inner_text() == "Самые сильные связи"
        assert panel.locator(".doc-count").inner_text() == f"Документы ({field['occurrences'][k]})"
        strengths = field["strengths"][k]
        assert any(not float(v).is_integer() for v in strengths)  # fractional counting: decimal commas
        links = zip(field["links"][k], strengths, strict=True)
        assert [b.inner_text() for b in panel.locator("ol.links button").all()] == [
            say("page.link_item", "ru", label=field["labels"][j], strength=v) for j, v in links]
        rows = [int(li.get_attribute("data-doc")) for li in panel.locator("ol.docs > li").all()]
        cited = {say("page.cites", "ru", count=data["docs"]["cites"][r]) for r in rows if data["docs"]["cites"][r] is not None}
        assert cited and cited <= set(panel.locator("ol.docs .meta span").all_inner_texts())
        seen.append(written_by_the_page(page))

        panel.locator("ol.links button").first.click()
        both = int(panel.locator(".doc-count").get_attribute("data-count"))
        assert panel.locator("h3").inner_text() == f"{field['labels'][k]} и {field['labels'][field['links'][k][0]]}"
        assert panel.locator("p.note").first.inner_text() == say("page.link_fractional", "ru", count=both, strength=strengths[0])
        assert panel.locator("button.back").inner_text() == f"Назад к «{field['labels'][k]}»"
        seen.append(written_by_the_page(page))

        page.keyboard.press("Escape")
        explorer.locator("select").select_option("")
        search.fill("zzzz")
        explorer.locator(".count", has_text="Подходящих ключевых слов нет.").wait_for()
        seen.append(written_by_the_page(page))
        assert english_left("\n".join(seen), data, "ru") == []
        assert page.errors == []


def test_english_left_finds_english():
    data = {"fields": [{"name": "Все ключевые слова", "labels": ["strength"]}], "docs": {"title": ["Search keywords"]}}
    assert english_left("Поиск ключевых слов; strength; Search keywords; VOSviewer", data, "ru") == []
    assert english_left("Search keywords; Документы (3)", {"fields": [], "docs": {}}, "ru") == ["Search", "keywords"]
