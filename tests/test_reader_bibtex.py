"""The BibTeX reader (Scopus and Web of Science exports): real files counted independently,
sniffing, LaTeX, and damaged files ending in a skip or a one-line error naming file and line."""

from __future__ import annotations

import random
import re
import warnings
from collections import Counter
from pathlib import Path

import pytest

import bibnet
from bibnet.errors import InputError
from bibnet.readers import decode, detect, load, peek
from bibnet.readers._bibtex_text import latex
from bibnet.readers.bibtex import Bibtex

DATA = Path(__file__).parent / "data"
BIB = DATA / "bibtex"
SCOPUS_2023 = BIB / "pybibx_scopus_m.bib"
SCOPUS_2026 = BIB / "dns-eq_scopus_export_2026.bib"
WOS = BIB / "pybibx_wos.bib"
ALL = ("UT", "DI", "TI", "AU", "SO", "PY", "TC", "DT", "PT", "DE", "ID", "AB", "DA", "Z9")

#: file -> (records, DE, ID, PY, TC, UT filled, source): every entry of the file.
COUNTS = {
    SCOPUS_2023: (24, 21, 14, 24, 24, 24, "Scopus"),
    WOS: (236, 221, 197, 233, 236, 236, "Web of Science"),
    SCOPUS_2026: (232, 226, 30, 232, 232, 232, "Scopus"),
}
#: The reference collection's SOURCES.md counts (records, DE, ID, PY, TC, UT), made by a tool
#: that dropped the Scopus entries whose key holds a blank (1 and 6 of them).
SOURCES_MD = {SCOPUS_2023: (23, 20, 13, 23, 23, 23), SCOPUS_2026: (226, 220, 28, 226, 226, 226)}


def read(path: Path, columns=ALL):
    return Bibtex().read(load(path), columns=columns)


def filled(result, tag: str, rows=None) -> int:
    column = result.table[tag] if rows is None else result.table[tag].take(rows)
    return len(column) - column.null_count


# -- real files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", list(COUNTS), ids=lambda p: p.name)
def test_real_file_counts(path):
    records, de, id_, py, tc, ut, source = COUNTS[path]
    result = read(path)
    assert result.table.num_rows == records
    assert [filled(result, tag) for tag in ("DE", "ID", "PY", "TC", "UT")] == [de, id_, py, tc, ut]
    assert result.source == source
    assert result.skipped == () and result.warnings == ()
    assert result.tags == ("UT", "DI", "TI", "AU", "SO", "PY", "TC", "DT", "DE", "ID", "AB") + (
        ("DA",) if source == "Web of Science" else ())
    # one line per entry, where its "@" is
    lines = load(path).text().split("\n")
    assert all(lines[n - 1].startswith("@") for n in result.lines)
    assert len(set(result.lines.tolist())) == records


@pytest.mark.parametrize("path", list(SOURCES_MD), ids=lambda p: p.name)
def test_sources_md_counts_come_back_without_the_keys_with_a_blank(path):
    result = read(path)
    lines = load(path).text().split("\n")
    rows = [r for r, n in enumerate(result.lines) if " " not in lines[n - 1].split("{", 1)[1]]
    assert (len(rows), *(filled(result, tag, rows) for tag in ("DE", "ID", "PY", "TC", "UT"))) == SOURCES_MD[path]


def test_sources_md_counts_of_the_wos_file():
    """SOURCES.md: 147 records (the counting stopped at the entry of line 16303, whose '\\{' it
    took for a brace), DE 128, PY 144, TC 132, UT 147; it lost the fields after 'Early Access Date'."""
    result = read(WOS)
    entries = load(WOS).text().split("\n@")[1:148]
    assert result.lines[146] == 16303 and "\\{" in entries[146]
    early = [r for r, entry in enumerate(entries) if "\nEarly Access Date = " in entry]
    assert len(early) == 14
    rows = list(range(147))
    assert filled(result, "PY", rows) == 144 and filled(result, "UT", rows) == 147
    after = [r for r in rows if r not in early]
    assert filled(result, "DE", after) == 128
    assert filled(result, "TC", after[:-1]) == 132  # nor the last one's, after its '\{'


def test_first_records_as_read():
    scopus, wos = read(SCOPUS_2023).table.to_pylist()[0], read(WOS).table.to_pylist()[0]
    assert {k: scopus[k] for k in ("UT", "AU", "PY", "TC", "DT", "DI", "SO")} == {
        "UT": "2-s2.0-85083087417", "AU": "Haseli, Gholamreza; Sheikh, Reza; Sana, Shib Sankar", "PY": "2020",
        "TC": "52", "DT": "Article", "DI": "10.1080/17509653.2019.1633964",
        "SO": "International Journal of Management Science and Engineering Management"}
    assert scopus["DE"] == ("consistency ratio; incomplete data; multi-attribute decision making; "
                            "Multi-criteria decision making; pairwise comparison")
    assert wos["TI"] == "ELECTRE-SCORE : A first outranking based method for scoring actions"  # {{...}} gone
    assert wos["DE"] == ("Multiple criteria analysis; ELECTRE methods; Scoring methods; "
                         "Non-compensatory composite indicators; Healthcare system evaluation")  # wrap joined
    assert wos["ID"].startswith("COMPENSATORY COMPOSITE INDICATORS; CRITERIA HIERARCHY PROCESS; DECISION; PREFERENCE")
    assert (wos["UT"], wos["PY"], wos["TC"], wos["DA"], wos["AU"]) == (
        "WOS:000719584000015", "2022", "0", "2021-12-11", "Figueira, Jose Rui; Greco, Salvatore; Roy, Bernard")
    wos_all = read(WOS).table
    assert "Operations Research & Management Science" not in str(wos_all["SO"].to_pylist())  # not a field we read
    assert not any("\\&" in (so or "") for so in wos_all["SO"].to_pylist())


def independent_author_keywords(path: Path) -> Counter:
    """Author keywords counted from the raw text, once per entry, without bibnet's reader."""
    text = path.read_text(encoding="utf-8-sig")
    counts: Counter = Counter()
    for entry in text.split("\n@")[1:]:
        scopus = re.search(r"^\s*author_keywords = \{(.*)\},?$", entry, re.M)
        wos = re.search(r"^Keywords = \{\{(.*?)\}\},?$", entry, re.M | re.S)
        value = scopus[1] if scopus else wos[1] if wos else ""
        value = value.replace("\n   ", " ").replace("\\&", "&").replace("\\_", "_").replace("{", "").replace("}", "")
        # as bibnet.keywords cleans: zero-width characters go; ASCII white space only is collapsed
        # (RE2's \s), so a no-break space stays inside a keyword
        value = re.sub("[\u200b-\u200d\u2060\ufeff]", "", value)
        counts.update({re.sub(r"[ \t\n\r\f\v]+", " ", k).strip(" ").lower() for k in value.split(";")} - {""})
    return counts


@pytest.mark.parametrize("path", list(COUNTS), ids=lambda p: p.name)
def test_author_keyword_occurrences_equal_an_independent_count(path):
    corpus = bibnet.read(path)
    assert len(corpus) == COUNTS[path][0]  # no duplicates in these files
    counts = bibnet.build_network(corpus, keywords="author", min_occurrences=1).keywords.counts()
    assert dict(zip(counts["label"], counts["occurrences"], strict=True)) == independent_author_keywords(path)


def test_bibnet_read_names_the_database_and_format():
    corpus = bibnet.read(SCOPUS_2023, WOS)
    assert corpus.sources == {"Web of Science": 236, "Scopus": 24}
    assert [(f.format, f.source) for f in corpus.report.files] == [("bibtex", "Scopus"), ("bibtex", "Web of Science")]


# -- sniffing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(BIB.glob("*.bib")), ids=lambda p: p.name)
def test_sniff_recognises_the_exports(path):
    assert Bibtex().sniff(load(path).head())
    assert detect(load(path)).name == "bibtex"


OTHERS = sorted(p for p in DATA.rglob("*") if p.is_file() and p.suffix != ".bib" and p.name != "README.md")


@pytest.mark.parametrize("path", OTHERS, ids=lambda p: str(p.relative_to(DATA)))
def test_sniff_leaves_other_files_alone(path):
    assert not Bibtex().sniff(peek(path, 1 << 16).lstrip("\ufeff"))


@pytest.mark.parametrize(("head", "yes"), [
    ("@article{x,\n", True),
    ("\n\n  @ARTICLE {x,\n", True),
    ("% Encoding: UTF-8\n\n@Article{x,\n", True),  # JabRef
    ("Scopus\nEXPORT DATE: 08 July 2023\n\n@ARTICLE{Haseli202079,\n", True),
    ("Scopus\nEXPORT DATE: 08 July 2023\n\nTY  - JOUR\n", False),
    ("Scopus\n@ARTICLE{x,\n", False),
    ("@ 2020 someone\n", False),
    ("@article x\n", False),
    ('{"meta": {}}', False),
    ("TY  - JOUR\n", False),
])
def test_sniff_rules(head, yes):
    assert Bibtex().sniff(head) is yes


# -- values ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "text"), [
    ('M{\\"u}ller and Zo\\"{e}', "Müller and Zoë"),
    ("{\\'E}mile \\c{c}a \\v s \\k{a} \\H{o}", "Émile ça š ą ő"),
    ("Stra{\\ss}e {\\o} \\L\\'od\\'z \\aa", "Straße ø Łódź å"),
    ("R\\&D 50\\% a\\_b \\$5 \\#1 \\{x\\}", "R&D 50% a_b $5 #1 {x}"),
    ("The {$\\alpha$}-synuclein and $\\Omega$", "The α-synuclein and Ω"),
    ("\\textit{in vivo} ``quoted{''}", "in vivo “quoted”"),
    ("\\'{\\i}ndice", "índice"),
    ("a\\\\b", "a b"),
    ("\\mbox x ~ -- $x^2$", "\\mbox x ~ -- $x^2$"),  # left as written
])
def test_latex_to_text(raw, text):
    assert latex(raw) == text


def test_authors_are_split_outside_braces():
    assert latex("{Barnes and Noble} and Smith, J. and others", authors=True) == "Barnes and Noble; Smith, J."


def bib(tmp_path: Path, body: str, name: str = "x.bib", newline: str = "\n") -> Path:
    path = tmp_path / name
    path.write_bytes(body.replace("\n", newline).encode())
    return path


A = "@article{a,\n  title = {First},\n  year = {2020},\n  keywords = {x; y}\n}\n\n"  # lines 1-5
B = "@article{b,\n  title = {Second},\n  year = {2021}\n}\n\n"  # lines 7-10 after A
C = "@article{c,\n  title = {Third},\n  year = {2022}\n}\n"


def test_generic_bibtex_from_a_reference_manager(tmp_path):
    path = bib(tmp_path, '@string{jan = "January"}\n@comment{jabref-meta: x;}\n'
               '@Article{k1,\n  author = "Smith, John and Doe, A.",\n  title = "A {T}itle, " # "with parts",\n'
               "  journal = {J. Test}, year = 2019, month = jan,\n  keywords = {deep learning, neural networks},\n"
               "  date = {2018-03-01}\n}\n@InProceedings(k2, booktitle={Proc}, date={2021-05}, keywords={a; b, c})\n")
    result = read(path)
    assert result.source == "BibTeX"  # no Scopus or Web of Science sign: the generic placeholder
    assert result.table.to_pylist() == [
        {"UT": None, "DI": None, "TI": "A Title, with parts", "AU": "Smith, John; Doe, A.", "SO": "J. Test",
         "PY": "2019", "TC": None, "DT": "Article", "DE": "deep learning; neural networks", "ID": None, "AB": None,
         "DA": None},
        {"UT": None, "DI": None, "TI": None, "AU": None, "SO": "Proc", "PY": "2021", "TC": None,
         "DT": "Inproceedings", "DE": "a; b, c", "ID": None, "AB": None, "DA": None}]
    assert result.lines.tolist() == [3, 10]
    assert result.tags == ("TI", "AU", "SO", "PY", "DT", "DE")


def test_crlf_and_one_line_entries(tmp_path):
    result = read(bib(tmp_path, A + "@article{d, title={D}}@article{e, title={E}}\n" + C, newline="\r\n"))
    assert result.table["TI"].to_pylist() == ["First", "D", "E", "Third"]
    assert result.lines.tolist() == [1, 7, 7, 8]


def test_old_scopus_layout(tmp_path):
    """Before 2023: no preamble, 'name={value}', keywords separated by ';  ', 'cited By N' in note."""
    path = bib(tmp_path, "@ARTICLE{Smith2015,\nauthor={Smith, J. and M{\\\"u}ller, K.},\ntitle={T},\n"
               "note={cited By 7},\nurl={https://www.scopus.com/inward/record.uri?eid=2-s2.0-84920&partnerID=40},\n"
               "author_keywords={One;  Two},\nkeywords={Three;  Four},\ndocument_type={Article},\nsource={Scopus},\n}\n")
    row = read(path).table.to_pylist()[0]
    assert (row["UT"], row["TC"], row["DE"], row["ID"], row["DT"], row["AU"]) == (
        "2-s2.0-84920", "7", "One; Two", "Three; Four", "Article", "Smith, J.; Müller, K.")


def test_scopus_and_wos_entries_in_one_file(tmp_path):
    scopus = "@ARTICLE{s,\n\tauthor_keywords = {ak},\n\tkeywords = {index kw}\n}\n"
    wos = "@article{ WOS:1,\nKeywords = {{dk}},\nKeywords-Plus = {{PLUS}},\nUnique-ID = {{WOS:1}},\n}\n"
    result = read(bib(tmp_path, scopus + wos + wos.replace("WOS:1", "WOS:2")))
    assert result.table.select(["DE", "ID"]).to_pylist() == [
        {"DE": "ak", "ID": "index kw"}, {"DE": "dk", "ID": "PLUS"}, {"DE": "dk", "ID": "PLUS"}]
    assert result.source == "Web of Science"
    assert result.warnings == ("1 Scopus and 2 Web of Science entries in one file: each entry's keywords are read "
                               "by its own layout; the file counts as Web of Science",)


def test_a_scopus_file_without_keyword_fields_has_no_de_tag(tmp_path):
    result = read(bib(tmp_path, "@ARTICLE{s,\n\ttitle = {T},\n\tabbrev_source_title = {J},\n\tnote = {Cited by: 3}\n}\n"))
    assert (result.tags, result.source) == (("TI", "TC", "DT"), "Scopus")


# -- damage ----------------------------------------------------------------------------------------

#: name -> (file body, lines of the records kept, skips as "line: reason", warnings)
DAMAGED = {
    "unbalanced_brace": (A + "@article{b,\n  title = {Sec{ond},\n  year = {2021}\n}\n\n" + C, [1, 12],
                         ["7: unbalanced braces: the entry is still open when the next entry starts (line 12)"], []),
    "value_open_at_end": (A + B + "@article{c,\n  title = {Third},\n  year = {20", [1, 7],
                          ["12: unbalanced braces: the value of 'year' (line 14) is still open at the end of the file "
                           "(file cut short?)"], []),
    "entry_open_at_end": (A + B + "@article{c,\n  title = {Third},\n", [1, 7],
                          ["12: entry not closed: no '}' at the end of the file (file cut short?)"], []),
    "missing_start_line": (A + "  title = {Second},\n  year = {2021}\n}\n\n" + C, [1, 11],
                           ["7: fields outside any entry (its '@type{key,' line missing, or a '}' too many above?)"], []),
    "garbage_in_entry": (A + "@article{b,\n  title = {Second},\n xxxx garbage\n  year = {2021}\n}\n\n" + C, [1, 13],
                         ["7: 'xxxx garbage' at line 9 is not a field (expected name = {value})"], []),
    "missing_comma": (A + "@article{b,\n  title = {Second}\n  year = {2021}\n}\n\n" + C, [1, 12],
                      ["7: expected ',' or '}' at line 9 after the value of 'title', found 'year = {2021}'"], []),
    "brace_too_many": (A + "@article{b,\n  title = {Second}},\n  year = {2021}\n}\n\n" + C, [1, 12],
                       ["7: unbalanced braces: a '}' too many closes the entry at line 8 (more of it follows, line 9)"], []),
    "unterminated_quote": (A + '@article{b,\n  title = "Second,\n  year = {2021}\n}\n\n' + C, [1, 12],
                           ["7: unterminated quote: the value of 'title' (line 8) is still open when the next entry "
                            "starts (line 12)"], []),
    "no_value": (A + "@article{b,\n  title = ,\n  year = {2021}\n}\n\n" + C, [1, 12],
                 ["7: field 'title' at line 8 has no value"], []),
    "empty_entry": (A + "@article{b,}\n\n" + C, [1, 9], ["7: empty entry (no fields)"], []),
    "no_field_read": (A + "@article{b,\n  pages = {1--2}\n}\n\n" + C, [1, 11],
                      ["7: empty record (no value in any field read)"], []),
    "field_twice": (A + "@article{b,\n  title = {Second},\n  title = {Again},\n  year = {2021}\n}\n\n" + C, [1, 7, 13],
                    [], ["field 'title' appears 2 times in one entry (lines 8 and 9); the first value is used"]),
    "text_between_entries": (A + "some words\n\n" + B + "% a comment line\n" + C, [1, 9, 15], [],
                             ["text outside entries ignored (line 7)"]),
}


@pytest.mark.parametrize("name", list(DAMAGED))
def test_damaged_file(tmp_path, name):
    body, kept, skips, notes = DAMAGED[name]
    path = bib(tmp_path, body)
    result = read(path)
    assert result.lines.tolist() == kept
    assert [str(s) for s in result.skipped] == [f"{path}: line {s}" for s in skips]
    assert list(result.warnings) == notes
    assert result.table.num_rows == len(kept)


def test_skips_reach_the_load_report(tmp_path):
    path = bib(tmp_path, DAMAGED["missing_comma"][0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = bibnet.read(path)
    report = corpus.report
    assert (report.records_read, report.records, report.skipped) == (3, 2, 1)
    assert [(s.line, s.reason) for s in report.skipped_detail] == [
        (7, "expected ',' or '}' at line 9 after the value of 'title', found 'year = {2021}'")]


@pytest.mark.parametrize(("body", "message"), [
    ("@comment{nothing here}\n", "no BibTeX entry"),
    ("@article{a,\n  title = {Open\n", "line 1: unbalanced braces: the value of 'title' (line 2) is still open at the "
                                       "end of the file (file cut short?); no well-formed record"),
    ("@article{a,\n  pages = {1}\n}\n", "line 1: empty record (no value in any field read); no well-formed record"),
])
def test_no_record_is_a_one_line_input_error(tmp_path, body, message):
    path = bib(tmp_path, body)
    with pytest.raises(InputError) as err:
        read(path)
    assert str(err.value) == f"{path}: {message} (expected {Bibtex.expected})"
    with pytest.raises(InputError) as err:
        bibnet.read(path)
    assert "\n" not in str(err.value) and str(path) in str(err.value)


def test_invalid_utf8_after_a_bom_is_a_one_line_error(tmp_path):
    path = tmp_path / "latin1.bib"
    path.write_bytes(b"\xef\xbb\xbf" + A.encode() + b"@article{b,\n  title = {Caf\xe9}\n}\n")
    with pytest.raises(InputError) as err:
        read(path)
    assert str(err.value) == (f"{path}: line 8: not valid UTF-8 text (expected a Web of Science export in UTF-8 "
                              "or UTF-16 with byte-order mark)")


@pytest.mark.parametrize("seed", range(4))
def test_damage_anywhere_loses_no_entry_in_silence(seed):
    """Random bytes inserted, deleted or the file cut short: a read or a one-line error, and
    every entry line ('@type{') is a record read or skipped."""
    rng = random.Random(seed)
    source = WOS.read_bytes()[:30000] if seed % 2 else SCOPUS_2026.read_bytes()[:30000]
    for _ in range(60):
        data = bytearray(source)
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(data))
            if rng.random() < 0.6:
                data[at:at] = bytes([rng.choice(b'{}"@,=#\\\n ()')])
            else:
                del data[at:at + rng.randint(1, 40)]
        try:
            text = decode(bytes(data.lstrip(b"\xef\xbb\xbf")), path="f.bib")  # a cut may split a character
            result = Bibtex().read(text, columns=ALL)
        except InputError as err:
            assert "\n" not in str(err) and str(err).startswith("f.bib: ")
            continue
        heads = [t for t in re.findall(rb"(?m)^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(]", text.lf())
                 if t.lower() not in (b"comment", b"string", b"preamble")]
        entries_skipped = [s for s in result.skipped if not s.reason.startswith("fields outside")]
        assert len(heads) == result.table.num_rows + len(entries_skipped)
