"""--lang en|ru|kk: one catalogue per language, numbers written for it, English output unchanged.

The scan of translated outputs for English (:func:`english_left`) reads every file a reader
sees: tables, methods, the figures (HTML, and SVG of the Kazakh run) and report.html.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from same_outputs import same_files

from bibnet import AnalysisParams, OptionError
from bibnet.cli import main
from bibnet.cooccurrence import COUNTINGS
from bibnet.dynamics.params import ThemesParams
from bibnet.normalize import NORMALIZATIONS
from bibnet.options import options
from bibnet.tables import to_csv, to_latex, to_markdown, top_keywords, write_table
from bibnet.texts import (
    LANGUAGES,
    NBSP,
    PLURAL_FORMS,
    WORDS,
    catalogue,
    join,
    localize,
    number,
    placeholders,
    plural,
    text,
    word,
)

COFFEE = Path(__file__).parent / "data" / "gold_coffee_obesity" / "wos_plaintext"
#: Names kept in every language: databases, their fields, software.
NAMES = ("Keywords Plus", "Index Keywords", "MeSH terms", "Web of Science", "Scopus", "VOSviewer", "CiteSpace")


# -- the catalogue ------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_every_key_has_every_language_with_the_same_placeholders(lang):
    english, other = catalogue("en"), catalogue(lang)
    assert sorted(other) == sorted(english)
    assert {k: placeholders(v) for k, v in other.items()} == {k: placeholders(v) for k, v in english.items()}
    assert [k for k, v in other.items() if not v and not k.startswith("plural.")] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_words_have_the_forms_of_their_language(lang):
    forms = {k: v.split("|") for k, v in catalogue(lang).items() if k.startswith("plural.")}
    assert forms and {k: len(v) for k, v in forms.items()} == dict.fromkeys(forms, PLURAL_FORMS[lang])


def test_russian_plural_rule():
    assert [plural(n, "plural.record", lang="ru") for n in (1, 2, 5, 11, 12, 21, 22, 25, 111, 1387)] == [
        "запись", "записи", "записей", "записей", "записей", "запись", "записи", "записей", "записей", "записей"]
    assert plural(1, "plural.record_counted", lang="en") == "record" and plural(3, "plural.cluster", lang="kk") == "кластер"


def test_translations_are_written_in_their_language():
    for lang, letters in (("ru", "ыэъё"), ("kk", "әғқңөұүі")):
        values = " ".join(catalogue(lang).values())
        assert all(letter in values for letter in letters), lang
    assert "ә" not in " ".join(catalogue("ru").values())


def test_terms_follow_the_brief():
    assert text("score.total_link_strength", lang="ru") == "Общая сила связей"
    assert text("score.total_link_strength", lang="kk") == "Байланыстардың жалпы күші"
    assert text("field.author", lang="ru") == "Ключевые слова авторов"
    assert text("field.author", lang="kk") == "Авторлық кілт сөздер"
    assert "совместной встречаемости" in text("figure.network", lang="ru", field="x")
    assert "бірге кездесу" in text("figure.network", lang="kk", field="x")


def test_the_english_catalogue_holds_the_registries_texts():
    assert {k: text(f"counting.{k}") for k in COUNTINGS} == {k: c.methods for k, c in COUNTINGS.items()}
    assert {k: text(f"normalization.{k}") for k in NORMALIZATIONS} == {k: n.methods for k, n in NORMALIZATIONS.items()}
    assert all(word(w, lang="en") == w for w in WORDS) and word("motor", lang="ru") == "моторные"


# -- numbers ------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_numbers_have_a_decimal_comma_and_no_break_spaces(lang):
    assert number(0.5425, lang=lang) == "0,5425"
    assert number(12345, lang=lang) == f"12{NBSP}345" == "12\u00a0345"
    assert number(9543.887, lang=lang) == f"9{NBSP}543,887"
    assert number(1234567.25, lang=lang) == f"1{NBSP}234{NBSP}567,25"
    assert number(-0.5, lang=lang) == "-0,5" and number(2.0, lang=lang) == "2"
    assert localize("1,234.5", lang=lang) == f"1{NBSP}234,5"


def test_english_numbers_as_before():
    assert [number(v) for v in (0.5425, 12345, 9543.887, 0.01, 1.0, None, "x")] == [
        "0.5425", "12,345", "9,543.887", "0.01", "1", "n/a", "x"]
    assert number(None, lang="ru") == "н/д" and number(float("nan"), lang="kk") == "жоқ"


def test_lists_in_each_language():
    assert join(["a", "b", "c"]) == "a, b and c" and join(["a", "b"], lang="ru") == "a и b"
    assert join(["a, 1", "b", "c"], lang="kk", clauses=True) == "a, 1; b; c"


# -- the option ---------------------------------------------------------------------------------
def test_lang_is_one_declaration_checked_by_its_choices():
    assert options(AnalysisParams)["lang"] == options(ThemesParams)["lang"]
    assert options(AnalysisParams)["lang"].choices == ("en", "ru", "kk")
    with pytest.raises(OptionError, match=r"^unknown language 'de'; expected one of en, ru, kk$"):
        AnalysisParams(lang="de")
    with pytest.raises(OptionError, match="unknown language"):
        ThemesParams(lang="kz")
    assert "lang" not in AnalysisParams().to_dict() and AnalysisParams(lang="kk").to_dict()["lang"] == "kk"
    for command in ("analyze", "themes"):
        flag = [p for p in main.commands[command].params if "--lang" in p.opts]
        assert len(flag) == 1 and tuple(flag[0].type.choices) == LANGUAGES and flag[0].default == "en"


# -- tables -------------------------------------------------------------------------------------
def test_table_headers_and_numbers_per_language():
    counts = pd.DataFrame({"label": ["білім", "ғылым", "x"], "occurrences": [3, 2, 1]})
    wide, long = top_keywords(counts, n=3, pairs=1, lang="kk")
    assert list(wide.columns) == ["Кілт сөз", "Жиілік"] and list(long.columns) == ["Орны", "Кілт сөз", "Кездесу саны"]
    frame = pd.DataFrame({"Keyword": ["a"], "Score": [0.5425], "N": [12345]})
    assert to_markdown(frame, lang="ru").splitlines()[-1] == "| a | 0,5425 | 12345 |"
    assert to_latex(frame, lang="kk").splitlines()[-3] == r"a & 0,5425 & 12345 \\"
    assert to_csv(frame).splitlines()[-1] == '"a",0.5425,12345'  # CSV numbers keep the point in every language


TEX_DOCUMENT = r"""\documentclass{article}
\usepackage{booktabs}
\usepackage{fontspec}
\setmainfont{DejaVu Serif}
\begin{document}
\input{top.tex}
\input{long.tex}
\end{document}
"""


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.skipif(shutil.which("xelatex") is None, reason="xelatex is not installed (.ci/run installs texlive-xetex)")
def test_translated_tables_compile_with_xelatex(tmp_path, lang):
    counts = pd.DataFrame({"label": ["білім беру", "образование", "ұлттық бірыңғай тестілеу", "һ-әрпі"],
                           "occurrences": [4.5, 3.25, 2, 1]})
    wide, long = top_keywords(counts, n=4, pairs=2, lang=lang)
    write_table(wide, tmp_path / "top", lang=lang)
    write_table(long, tmp_path / "long", lang=lang)
    assert "4,5" in (tmp_path / "long.tex").read_text(encoding="utf-8")
    (tmp_path / "doc.tex").write_text(TEX_DOCUMENT, encoding="utf-8")
    run = subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    log = (tmp_path / "doc.log").read_text(encoding="utf-8", errors="replace")
    assert run.returncode == 0, log[-2000:]
    assert "Missing character" not in log


# -- whole runs ---------------------------------------------------------------------------------
def english_fragments(lang: str) -> dict[str, list[str]]:
    """Per key, the fixed parts of its English text that a ``lang`` output must not hold: those
    that differ from the translation, have a word of three letters or more and are not names."""
    other = " ".join(catalogue(lang).values())
    found = {}
    for key, value in catalogue("en").items():
        if value == catalogue(lang)[key] or key in ("page.html_lang",):
            continue
        parts = [p.strip(" ,;:()") for p in re.split(r"\{\w+\}|\|", value)]
        parts = [p for p in parts if re.search(r"[A-Za-z]{3}", p) and p not in other and p not in NAMES]
        if parts:
            found[key] = parts
    return found


def english_left(files: list[Path], lang: str, *, labels: set[str]) -> dict[str, list[str]]:
    """The English catalogue texts found in ``files`` of a ``lang`` run, by file.

    What is not reader text in the catalogue's sense is left out: keyword labels (``labels``,
    data), the names kept in every language, the references of a methods text (published
    titles), the comments of a .tex table, and in HTML the code (plotly.js, the report's script;
    the figures' data stay), the report's document data (titles and sources of documents are data too), JSON keys
    and snake_case identifiers (``id="all_overlay_citations"``).
    """
    fragments = english_fragments(lang)
    pattern = re.compile("(?<![A-Za-z])(" + "|".join(re.escape(p) for p in sorted(
        {p for parts in fragments.values() for p in parts}, key=len, reverse=True)) + ")(?![A-Za-z])")
    kept = sorted(labels | set(NAMES), key=len, reverse=True)
    left = {}
    for path in files:
        content = path.read_text(encoding="utf-8-sig")
        if path.suffix == ".md" and "\n- " in content:
            content = "\n".join(line for line in content.splitlines() if not line.startswith("- "))
        if path.suffix == ".tex":
            content = "\n".join(line for line in content.splitlines() if not line.startswith("%"))
        if path.suffix == ".html":
            content = re.sub(r"<script>\s*(?:/\*\*|// The report's).*?</script>", " ", content, flags=re.S)  # code
            content = re.sub(r'<script type="application/json" id="report-data">.*?</script>', " ", content, flags=re.S)
            content = re.sub(r"<li>[^<]*\((?:19|20)\d\d\)[^<]*</li>", " ", content)  # references
            content = re.sub(r'"\w+":', " ", content)
            content = re.sub(r"\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b", " ", content)
        hits = []
        for fragment in sorted(set(pattern.findall(content))):
            rest = content
            for label in kept:  # a fragment inside a keyword label or a name is data
                if fragment in label and label in rest:
                    rest = rest.replace(label, " ")
            if re.search(rf"(?<![A-Za-z]){re.escape(fragment)}(?![A-Za-z])", rest):
                hits.append(fragment)
        if hits:
            left[path.name] = hits
    return left


def keyword_labels(out: Path) -> set[str]:
    """Every keyword label of a run's maps (VOSviewer map files) and theme tables, in all spellings written."""
    labels: set[str] = set()
    for path in out.rglob("map.txt"):
        with path.open(encoding="utf-8") as f:
            labels.update(row["label"] for row in csv.DictReader(f, delimiter="\t"))
    for path in out.rglob("map.json"):
        labels.update(item["label"] for item in json.loads(path.read_text(encoding="utf-8"))["network"]["items"])
    escaped = {label.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for label in labels}
    return labels | escaped | {label[:30] + "..." for label in labels}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """``analyze --cuts`` of the coffee/obesity sample: by default, and with --lang en, ru, kk (kk with its PNG/SVG)."""
    outs = {}
    for name, extra in (("default", ["--no-static"]), ("en", ["--lang", "en", "--no-static"]),
                        ("ru", ["--lang", "ru", "--no-static"]), ("kk", ["--lang", "kk"])):
        out = tmp_path_factory.mktemp("lang") / name
        run = CliRunner().invoke(main, ["analyze", str(COFFEE), "--out", str(out), "--min-occurrences", "4",
                                        "--cuts", "2012,2018", *extra])
        assert run.exit_code == 0, run.output
        outs[name] = out
    return outs


def test_lang_en_is_byte_identical_to_the_default(runs):
    assert len(same_files(runs["default"], runs["en"])) > 60


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_translated_outputs_hold_no_english_catalogue_text(runs, lang):
    out = runs[lang]
    files = [*out.glob("tables/*.csv"), *out.glob("tables/*.md"), *out.glob("tables/*.tex"), out / "methods.md",
             *out.glob("themes/*.csv"), *out.glob("themes/*.md"), *out.glob("themes/*.tex"), out / "themes" / "methods.md",
             *out.glob("themes/figures/*.html"), *out.glob("themes/figures/*.svg"), *out.glob("figures/*.html"),
             *out.glob("figures/*.svg"), out / "report.html"]
    assert len(files) > 40 + 20 + (30 if lang == "kk" else 0)
    assert english_left(files, lang, labels=keyword_labels(out)) == {}


def test_the_scan_finds_english(runs, tmp_path):
    """english_left is not blind: an English header or sentence in a Russian file is found."""
    sample = tmp_path / "table.md"
    sample.write_text("| Ключевое слово | Occurrences |\n| design | 3 |\nThe maps have 3 связи.\n", encoding="utf-8")
    assert {"Occurrences", "The maps have"} <= set(english_left([sample], "ru", labels={"design"})["table.md"])
    sample.write_text("| Ключевое слово | Встречаемость |\n| design; maps; keywords | 3 |\n", encoding="utf-8")
    assert english_left([sample], "ru", labels={"design", "maps", "keywords"}) == {}
    english = runs["en"]  # the English report and figures, read as if they were Russian
    found = english_left([english / "report.html", english / "figures" / "all_network.html"], "ru",
                         labels=keyword_labels(english))
    assert set(found) == {"report.html", "all_network.html"}
    assert {"Summary", "Search keywords"} <= set(found["report.html"]) and "Cluster" in set(found["all_network.html"])


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_translated_runs_keep_machine_files_and_numbers(runs, lang):
    out, english = runs[lang], runs["en"]
    for name in ("all/map.txt", "all/network.txt", "all/map.json", "all/summary.json", "tables/author_vs_indexed_overlap.json"):
        assert (out / name).read_bytes() == (english / name).read_bytes(), name
    params = json.loads((out / "parameters.json").read_text(encoding="utf-8"))
    assert params["analysis"]["lang"] == lang and params["source"] == "Web of Science"
    assert json.loads((out / "themes" / "parameters.json").read_text(encoding="utf-8"))["themes"]["lang"] == lang
    methods = (out / "methods.md").read_text(encoding="utf-8")
    assert methods.startswith(text("methods.heading", lang=lang) + "\n\n")
    assert "\n" + text("themes_methods.heading", lang=lang) + "\n" in methods
    assert re.search(r"\d\u00a0\d{3}", methods) and re.search(r"0,\d{4}", methods)  # 1 234 and 0,5877
    assert not re.search(r"\d,\d{3}\b(?!\d)", methods.split(text("methods.references", lang=lang))[0].replace("0,", ""))
    summary = (out / "tables" / "summary.md").read_text(encoding="utf-8").splitlines()
    assert summary[0].startswith("| " + text("table.field", lang=lang) + " | " + text("table.records", lang=lang))
    assert re.search(r"\| 0,\d+ \|", summary[2])
    csv_text = (out / "tables" / "summary.csv").read_text(encoding="utf-8-sig")
    assert csv_text.startswith('"' + text("table.field", lang=lang) + '"') and re.search(r",0\.\d+,", csv_text)
