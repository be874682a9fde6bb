"""Several databases in one run: the record schema, mixed corpora and their duplicates, field names
taken from each database, and a Scopus-only analysis that never mentions Web of Science."""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import bibnet
from bibnet.cli import main
from bibnet.errors import OptionError
from bibnet.keywords import field_name
from bibnet.selection import NoKeywordsError
from bibnet.sources import SOURCES

DATA = Path(__file__).parent / "data"
MIXED = DATA / "mixed"
SCOPUS = DATA / "scopus" / "bibliotobler_scopus.csv"


def read(*paths, **options) -> bibnet.Corpus:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bibnet.read(*paths, **options)


def copies(corpus: bibnet.Corpus) -> list[tuple[str, int, str, str, int, str]]:
    return [(Path(d.file).name, d.line, d.key, Path(d.kept_file).name, d.kept_line, d.reason)
            for d in corpus.report.duplicates_detail]


# -- mixed corpus: WoS tab-delimited, WoS plain text and Scopus CSV -------------------------------
def test_mixed_corpus_duplicates_copy_by_copy():
    corpus = read(MIXED, SCOPUS)
    report = corpus.report
    assert (report.records_read, report.records, report.duplicates, report.skipped) == (87, 83, 4, 0)
    assert report.sources == {"Web of Science": 5, "Scopus": 78}
    assert copies(corpus) == [
        # the same WoS record in two WoS exports: the file read later (tab after plain)
        ("wos_plain.txt", 3, "UT", "wos_tab.txt", 2, "file read later"),
        # the Scopus copy of a WoS record, found by DOI: Web of Science preferred
        ("bibliotobler_scopus.csv", 2, "DOI", "wos_tab.txt", 2, "Web of Science preferred to Scopus"),
        # no DOI in the WoS copy: found by title, year and first author (Tobler)
        ("bibliotobler_scopus.csv", 8, "title+year+author", "wos_tab.txt", 3, "Web of Science preferred to Scopus"),
        # the DOI written as a URL in upper case in WoS, as given in Scopus
        ("bibliotobler_scopus.csv", 10, "DOI", "wos_plain.txt", 16, "Web of Science preferred to Scopus"),
    ]
    # Same title and year as a Scopus record, another first author (Smith, not Tobler): kept apart.
    assert corpus.records["UT"].isin(["WOS:000400000000005", "2-s2.0-84953205071"]).sum() == 2



def test_a_lens_copy_written_given_name_first_is_found_by_title_year_and_first_author(tmp_path):
    # Lens writes "Waldo R. Tobler"; read as "Tobler, Waldo R.", its first author is WoS's "Tobler, W".
    header = (DATA / "lens" / "bibliometrix_lens_sample.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    names = next(csv.reader([header]))
    row = dict.fromkeys(names, "") | {"Lens ID": "000-000-000-000-001", "Title": "Unusual Map Projections",
                                      "Publication Year": "2008", "Author/s": "Waldo R. Tobler; Maria da Silva"}
    lens = tmp_path / "lens.csv"
    with lens.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, quoting=csv.QUOTE_ALL).writerows([names, [row[name] for name in names]])
    corpus = read(MIXED / "wos_tab.txt", lens, columns=["AU"])
    assert copies(corpus) == [("lens.csv", 2, "title+year+author", "wos_tab.txt", 3, "Web of Science preferred to Lens")]
    alone = read(lens, columns=["AU"]).records
    assert alone["AU"].tolist() == ["Tobler, Waldo R.; da Silva, Maria"]

def test_mixed_corpus_unites_author_keywords_and_keeps_the_kept_copys_own_indexed_keywords():
    records = read(MIXED, SCOPUS).records.set_index("UT")
    # WoS DE "Mercator; map projection; cartography history" + Scopus DE "equal area; Map projection; Mercator":
    # only "equal area" is new (case and spaces aside)
    assert records.loc["WOS:000400000000001", "DE"] == "Mercator; map projection; cartography history; equal area"
    assert records.loc["WOS:000400000000001", "ID"] == "PROJECTION"  # not Scopus's Index Keywords
    assert records.loc["WOS:000400000000001", "TC"] == 3  # the kept copy's citations
    assert records.loc["WOS:000400000000001", "DB"] == "Web of Science"
    # WoS "Unusual map projections" has no ID: Scopus's Index Keywords are not taken over
    assert pd.isna(records.loc["WOS:000400000000002", "ID"])
    assert records.loc["WOS:000400000000002", "DE"] == (
        "Azimuthal projections; Distance; Equal area maps; Simplifying coordinates")


def test_lean_read_unites_the_same_author_keywords():
    full, lean = read(MIXED, SCOPUS), read(MIXED, SCOPUS, lean=True)
    assert lean.keyword_fields["DE"].to_text().to_pylist() == [
        None if pd.isna(v) else v for v in full.records["DE"]]
    a = bibnet.build_network(full, keywords="author", min_occurrences=1).keywords.counts()
    b = bibnet.build_network(lean, keywords="author", min_occurrences=1).keywords.counts()
    assert a.equals(b)
    # "equal area": only in Scopus record 2's DE, merged into its WoS copy: one record, not two
    assert a.set_index("label").loc["equal area", "occurrences"] == 1


def test_prefer_keeps_the_copy_of_the_database_named_first():
    corpus = read(MIXED, SCOPUS, prefer=["Scopus"])
    assert corpus.report.prefer == ("Scopus", "Web of Science", "Lens", "PubMed", "Dimensions", "OpenAlex", "RIS", "BibTeX")
    assert [(c[0], c[2], c[3], c[5]) for c in copies(corpus)] == [
        ("wos_plain.txt", "UT", "bibliotobler_scopus.csv", "file read later"),
        ("wos_plain.txt", "DOI", "bibliotobler_scopus.csv", "Scopus preferred to Web of Science"),
        ("wos_tab.txt", "DOI", "bibliotobler_scopus.csv", "Scopus preferred to Web of Science"),
        ("wos_tab.txt", "title+year+author", "bibliotobler_scopus.csv", "Scopus preferred to Web of Science"),
    ]
    kept = corpus.records.set_index("UT")
    assert kept.loc["2-s2.0-85016520957", "DE"] == "equal area; Map projection; Mercator; cartography history"
    with pytest.raises(OptionError, match=r"^prefer: unknown database 'Scopis'; expected some of Web of Science, "):
        bibnet.read(SCOPUS, prefer=["Scopis"])


def test_info_shows_each_database_and_its_fields(tmp_path):
    result = CliRunner().invoke(main, ["info", str(MIXED), str(SCOPUS), "--prefer", "scopus"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert ("Web of Science: 2 records; author keywords 100.0%, Keywords Plus 50.0%, years 100.0%, citations 100.0%, "
            "abstracts 0.0%") in lines
    # the 81 Scopus records kept (--prefer scopus): 16 with author keywords, 40 with Index Keywords (SOURCES.md)
    assert "Scopus: 81 records; author keywords 19.8%, Index Keywords 49.4%, years 100.0%, citations 93.8%, " \
           "abstracts 60.5%" in lines
    data = json.loads(CliRunner().invoke(main, ["info", "--json", str(MIXED), str(SCOPUS)]).stdout)
    assert data["sources"] == {"Web of Science": 5, "Scopus": 78}
    assert [f["source"] for f in data["files"]] == ["Web of Science", "Web of Science", "Scopus"]
    assert set(data["source_fields"]["Scopus"]) == {"DE", "ID", "PY", "TC", "AB"}
    bad = CliRunner().invoke(main, ["info", str(SCOPUS), "--prefer", "Scopus,Embase"])
    assert bad.exit_code == 2 and "unknown database 'Embase'" in bad.stderr


def test_normalised_citations_are_normalised_within_each_database():
    records = pd.DataFrame({"PY": pd.array([2020, 2020, 2020, 2020], "Int64"), "TC": pd.array([10, 30, 1, 3], "Int64"),
                            "DB": ["Web of Science", "Web of Science", "Scopus", "Scopus"]})
    from bibnet.scores import normalized_citations

    assert normalized_citations(records).tolist() == [0.5, 1.5, 0.5, 1.5]
    assert normalized_citations(records.drop(columns="DB")).tolist() == [10 / 11, 30 / 11, 1 / 11, 3 / 11]


# -- field names as each database writes them -----------------------------------------------------
@pytest.mark.parametrize(
    ("sources", "name"),
    [
        ((), "Indexed keywords"),
        (("Web of Science",), "Keywords Plus"),
        (("Scopus",), "Index Keywords"),
        (("PubMed",), "MeSH terms"),
        (("Web of Science", "Scopus"), "Keywords Plus / Index Keywords"),
        (("Lens", "PubMed", "Dimensions"), "MeSH terms"),
        (("OpenAlex",), "OpenAlex keywords"),
    ],
)
def test_indexed_field_is_named_as_its_databases_name_it(sources, name):
    assert field_name("indexed", sources) == name
    assert field_name("plus", sources) == name
    assert field_name("author", sources) == "Author keywords"


def test_plus_is_the_web_of_science_name_of_indexed():
    corpus = read(MIXED)
    a = bibnet.build_network(corpus, keywords="plus", min_occurrences=1)
    b = bibnet.build_network(corpus, keywords="indexed", min_occurrences=1)
    assert a.params.keywords == b.params.keywords == "indexed"
    assert a.items.equals(b.items)
    assert a.summary().field_name == "Keywords Plus"


def test_a_database_without_author_keywords_says_so():
    records = pd.DataFrame({"ID": ["Humans; Obesity", "Humans"], "DB": ["Dimensions", "Dimensions"]})
    with pytest.raises(NoKeywordsError) as info:
        bibnet.build_network(records, keywords="author", min_occurrences=1)
    assert str(info.value) == ("Author keywords: the records have no author keywords (Dimensions exports have none); "
                               "map the MeSH terms instead (--keywords indexed)")


def test_every_reader_names_a_known_database():
    from bibnet.readers import READERS

    assert {reader.source for reader in READERS} <= set(SOURCES)


# -- a Scopus-only analysis ----------------------------------------------------------------------
def test_scopus_only_analysis_names_scopus_fields_and_never_web_of_science(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["analyze", str(DATA / "scopus" / "public-datasets_scopus.csv"), "--out", str(out),
                                       "--min-occurrences", "5", "--no-static", "--layout-starts", "1"])
    assert result.exit_code == 0, result.output
    texts = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*")
             if p.is_file() and p.suffix in (".md", ".csv", ".tex", ".json", ".html") and p.name != "plotly.min.js"}
    assert len(texts) > 30
    mentions = sorted(name for name, text in texts.items() if "Web of Science" in text or "Keywords Plus" in text
                      or "Keyword Plus" in text)
    assert mentions == []
    methods = texts["methods.md"]
    assert "publications from Scopus (580 records read from 1 export file;" in methods
    assert "Index Keywords (ID) only" in methods
    assert "| Index Keyword |" in texts["tables/author_vs_indexed.md"]
    assert json.loads(texts["indexed/summary.json"])["field_name"] == "Index Keywords"
    assert json.loads(texts["parameters.json"])["sources"] == {"Scopus": 580}
    assert "Index Keywords: co-occurrence network" in texts["report.html"]


def test_real_exports_of_one_search_from_two_databases_merge():
    """The RIS exports of one search (W. Tobler's works) from Web of Science and Scopus: 43 of the 81
    Scopus records are WoS records too (32 found by DOI; 11 without a DOI in one copy, by title, year and
    first author: the WoS titles are in capitals, e.g. 'BIDIMENSIONAL REGRESSION', 1994)."""
    corpus = read(DATA / "ris")
    assert corpus.report.sources == {"Web of Science": 81, "Scopus": 38, "Lens": 34}
    keys = corpus.duplicates.groupby(["key", "reason"]).size().to_dict()
    assert keys == {("DOI", "Web of Science preferred to Scopus"): 32,
                    ("title+year+author", "Web of Science preferred to Scopus"): 11}
    assert set(corpus.duplicates["file"].map(lambda f: Path(f).name)) == {"bibliotobler_scopus.ris"}
    lines = CliRunner().invoke(main, ["info", str(DATA / "ris")]).stdout.splitlines()
    files = [line.split()[1:3] for line in lines if line.startswith(f"  {DATA / 'ris'}")]  # one line per file
    assert files == [
        ["ris", "(Scopus)"], ["ris", "(Web"], ["ris", "(Lens)"]]
