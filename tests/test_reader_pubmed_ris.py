"""PubMed MEDLINE and RIS readers: real exports (counts from the reference collection's SOURCES.md),
keyword counts checked against an independent parse, format detection, and damaged files."""

from __future__ import annotations

import re
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import bibnet
from bibnet.errors import InputError
from bibnet.readers import READERS, detect
from bibnet.readers.pubmed import PubMed
from bibnet.readers.ris import SCOPUS_KEYWORDS, WOS_KEYWORDS, Ris
from bibnet.readers.text import Skip, load

DATA = Path(__file__).parent / "data"
ALL = ("UT", "DI", "TI", "AU", "SO", "PY", "TC", "DT", "PT", "DE", "ID", "AB", "DA", "Z9")

# file -> records and the records with DE / ID / PY / TC / UT filled (None: the file has no such field),
# as SOURCES.md counts them (PubMed: DE = OT, ID = MH; RIS: DE = all KW lines).
PUBMED = {
    "pybibx_pubmed.txt": (335, 220, 279, 335, None, 335),
    "metaknowledge_medline_test.medline": (175, 120, 0, 175, None, 175),
    "asian-study_citations.nbib": (1, 1, 1, 1, None, 1),
}
RIS = {
    "bibliotobler_scopus.ris": (81, 44, None, 81, 76, 81, "Scopus"),
    "bibliotobler_wos_savedrecs.ris": (81, 20, None, 81, None, 81, "Web of Science"),
    "salmon-network_lens-export.ris": (34, 5, None, 34, None, 34, "Lens"),
}


def read(reader, path: Path, columns=ALL):
    return reader.read(load(path), columns=columns)


def filled(result, tag: str) -> int | None:
    if tag not in result.tags:
        return None
    return len(result.table) - result.table[tag].null_count


# -- real files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PUBMED)
def test_pubmed_files_counts(name):
    records, de, id_, py, tc, ut = PUBMED[name]
    result = read(PubMed(), DATA / "pubmed" / name)
    assert len(result.table) == len(result.lines) == records
    assert result.skipped == () and result.warnings == ()
    assert [filled(result, t) for t in ("DE", "ID", "PY", "TC", "UT")] == [de, id_, py, tc, ut]
    assert result.tags == ("UT", "DI", "TI", "AU", "SO", "PY", "DT", "DE", "ID", "AB")  # no TC: no citation counts
    assert all(re.fullmatch(r"PMID:\d+", ut) for ut in result.table["UT"].to_pylist())
    assert all(re.fullmatch(r"\d{4}", py) for py in result.table["PY"].to_pylist())


def test_pubmed_values_of_one_record():
    result = read(PubMed(), DATA / "pubmed" / "asian-study_citations.nbib")
    row = {tag: result.table[tag][0].as_py() for tag in result.table.column_names}
    assert result.lines.tolist() == [2]  # the file starts with an empty line
    assert row["UT"] == "PMID:30898391"
    assert row["DI"] == "10.1016/j.ygyno.2019.02.023"  # "LID - ... [doi]", not the [pii] one
    assert row["PY"] == "2019"
    assert row["SO"] == "Gynecologic oncology"
    assert row["TI"].startswith("Genome-wide association studies identify susceptibility loci for epithelial ovarian")
    assert "  " not in row["TI"] and "  " not in row["AB"]  # continuation lines joined with one space
    assert row["AU"].startswith("Lawrenson, K; Song, F; Hazelett, DJ; ")
    assert row["DE"].startswith("Asian ancestry; Enhancer; Epithelial ovarian cancer; ")  # '*' removed
    mesh = row["ID"].split("; ")
    assert "Carcinoma, Ovarian Epithelial" in mesh and "Asian Continental Ancestry Group" in mesh
    assert not any("*" in m or "/" in m for m in mesh)
    assert row["DT"].startswith("Journal Article; Research Support, N.I.H., Extramural; ")


def test_pubmed_authors_with_suffixes_and_accented_initials():
    table = read(PubMed(), DATA / "pubmed" / "pybibx_pubmed.txt").table
    authors = {a for row in table["AU"].to_pylist() if row for a in row.split("; ")}
    assert {"Garrison, LP Jr", "Casado, MÁ", "Kutoğlu, HŞ", "Medsger, TA Jr"} <= authors
    table = read(PubMed(), DATA / "pubmed" / "metaknowledge_medline_test.medline").table
    authors = {a for row in table["AU"].to_pylist() if row for a in row.split("; ")}
    assert {"Shaffer, AL 3rd", "Gadzalski, M"} <= authors


@pytest.mark.parametrize("name", RIS)
def test_ris_files_counts(name):
    records, kw, id_, py, tc, ut, source = RIS[name]
    result = read(Ris(), DATA / "ris" / name)
    assert len(result.table) == len(result.lines) == records
    assert result.skipped == ()
    assert result.source == source
    assert [filled(result, t) for t in ("PY", "TC", "UT")] == [py, tc, ut]
    de = result.table["DE"].is_valid().to_numpy(zero_copy_only=False)
    if source == "Web of Science":  # KW split into DE and ID: together they are the KW lines
        ids = result.table["ID"].is_valid().to_numpy(zero_copy_only=False)
        assert (int((de | ids).sum()), int(de.sum()), int(ids.sum())) == (kw, 13, 14)
    else:
        assert int(de.sum()) == kw and filled(result, "ID") == id_
    assert "PT" not in result.tags and "DA" not in result.tags


def test_ris_identifiers_years_and_sources():
    scopus = read(Ris(), DATA / "ris" / "bibliotobler_scopus.ris").table
    uts = scopus["UT"].to_pylist()
    assert uts[0] == "2-s2.0-85016520957"  # the EID of UR
    assert sum(u.startswith("2-s2.0-") for u in uts) == 78
    assert uts[1] == "DOI:10.18335/region.v3i1.120"  # no UR: the DOI
    assert scopus["TC"][0].as_py() == "2" and scopus["DT"][0].as_py() == "JOUR"
    assert scopus["SO"][0].as_py() == "Cartography and Geographic Information Science"
    wos = read(Ris(), DATA / "ris" / "bibliotobler_wos_savedrecs.ris").table
    assert wos["UT"][0].as_py() == "WOS:000425064400008" and wos["AU"][0].as_py() == "Tobler, W"
    lens = read(Ris(), DATA / "ris" / "salmon-network_lens-export.ris")
    assert lens.table["UT"][0].as_py() == "000-752-861-088-617"
    assert lens.table["SO"][0].as_py() == "Animals : an open access journal from MDPI"  # JF
    assert lens.lines[:3].tolist() == [1, 34, 55]  # no blank line between records


def test_ris_keyword_warnings():
    assert read(Ris(), DATA / "ris" / "bibliotobler_scopus.ris").warnings == (SCOPUS_KEYWORDS,)
    assert read(Ris(), DATA / "ris" / "bibliotobler_wos_savedrecs.ris").warnings == (WOS_KEYWORDS,)
    assert read(Ris(), DATA / "ris" / "salmon-network_lens-export.ris").warnings == ()


def test_wos_ris_keywords_plus_are_the_trailing_upper_case_run():
    table = read(Ris(), DATA / "ris" / "bibliotobler_wos_savedrecs.ris").table
    de, ids = table["DE"].to_pylist(), table["ID"].to_pylist()
    row = next(i for i, d in enumerate(de) if d and d.startswith("spool valve"))
    assert de[row].endswith("gray box; nondimensional artificial neural network (NDANN)")
    assert ids[row] == "FRICTION COMPONENT MODEL; ARTIFICIAL NEURAL-NETWORKS; SYSTEM DYNAMIC-ANALYSIS"
    only_plus = [i for i, (d, k) in enumerate(zip(de, ids, strict=True)) if k and not d]
    assert len(only_plus) == 7 and ids[only_plus[0]] == "DYNAMICS; PREDICTION; MODEL"


# -- keyword counts: bibnet against an independent parse ------------------------------------------


def _records(path: Path, start: str) -> list[list[tuple[str, str]]]:
    """(tag, value) fields of each record, continuation lines joined with a space."""
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    records: list[list[tuple[str, str]]] = []
    for line in text.split("\n"):
        tag = re.match(r"([A-Z][A-Z0-9 ]{3})-( |$)", line)
        if tag:
            name = tag.group(1).strip()
            if name == start:
                records.append([])
            records[-1].append((name, line[6:].strip()))
        elif line.strip() and records and records[-1]:
            name, value = records[-1][-1]
            records[-1][-1] = (name, f"{value} {line.strip()}")
    return records


def _count(lists) -> Counter:
    """Occurrences of each keyword, cleaned as bibnet documents it: ASCII white space collapsed
    (a no-break space is kept: 'toxoplasma\xa0gondii' in pybibx_pubmed.txt), trimmed, lower case;
    once per record."""
    counts: Counter = Counter()
    for keywords in lists:
        counts.update({re.sub(r"[ \t\n\r\f\v]+", " ", k).strip(" ").lower() for k in keywords} - {""})
    return counts


def _bibnet_counts(path: Path, keywords: str) -> Counter:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = bibnet.read(path)
    counts = bibnet.build_network(corpus, keywords=keywords, min_occurrences=1).keywords.counts()
    return Counter(dict(zip(counts["label"], counts["occurrences"].astype(int), strict=True)))


@pytest.mark.parametrize("name", PUBMED)
def test_pubmed_keyword_counts_match_an_independent_count(name):
    path = DATA / "pubmed" / name
    records = _records(path, "PMID")
    ot = [[v.lstrip("*") for t, v in r if t == "OT"] for r in records]
    mh = [[v.replace("*", "").split("/")[0] for t, v in r if t == "MH"] for r in records]
    assert _bibnet_counts(path, "author") == _count(ot)
    if any(mh):
        assert _bibnet_counts(path, "indexed") == _count(mh)


@pytest.mark.parametrize("name", RIS)
def test_ris_keyword_counts_match_an_independent_count(name):
    path = DATA / "ris" / name
    kw = [[v for t, v in r if t == "KW"] for r in _records(path, "TY")]
    if RIS[name][-1] == "Web of Science":
        def author(words: list[str]) -> list[str]:
            n = len(words)
            while n and words[n - 1].isupper():
                n -= 1
            return words[:n]

        assert _bibnet_counts(path, "author") == _count(author(k) for k in kw)
        assert _bibnet_counts(path, "all") == _count(kw)
    else:
        assert _bibnet_counts(path, "author") == _count(kw)


def test_corpus_names_the_database_of_each_file():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = bibnet.read(DATA / "ris", DATA / "pubmed")
    files = {Path(f.path).name: (f.format, f.source, f.records) for f in corpus.report.files}
    assert files == {
        "asian-study_citations.nbib": ("pubmed", "PubMed", 1),
        "metaknowledge_medline_test.medline": ("pubmed", "PubMed", 175),
        "pybibx_pubmed.txt": ("pubmed", "PubMed", 335),
        "bibliotobler_scopus.ris": ("ris", "Scopus", 81),
        "bibliotobler_wos_savedrecs.ris": ("ris", "Web of Science", 81),
        "salmon-network_lens-export.ris": ("ris", "Lens", 34),
    }
    # The Scopus and Web of Science RIS files hold the same 81 records: the WoS copies are kept.
    assert corpus.sources["Web of Science"] == 81 and corpus.sources["PubMed"] == 511


# -- detection ------------------------------------------------------------------------------------

OTHERS = sorted(p for folder in ("wos", "scopus", "lens", "dimensions", "openalex", "openalex_csv", "bibtex")
                for p in (DATA / folder).rglob("*") if p.is_file() and p.suffix not in (".md", ".gz"))


MINE = [DATA / "pubmed" / name for name in PUBMED] + [DATA / "ris" / name for name in RIS]


@pytest.mark.parametrize("path", MINE, ids=lambda p: p.name)
def test_my_files_are_detected(path):
    reader = detect(load(path))
    assert reader.name == ("ris" if path.suffix == ".ris" else "pubmed")
    others = [r.name for r in READERS if r.name not in ("pubmed", "ris") and r.sniff(load(path).head())]
    assert others == []


@pytest.mark.parametrize("path", OTHERS, ids=lambda p: p.name)
def test_other_files_are_not_claimed(path):
    head = load(path).head()
    assert not PubMed().sniff(head) and not Ris().sniff(head)


@pytest.mark.parametrize("head, pubmed, ris", [
    ("\n\r\nPMID- 1\nTI  - x\n", True, False),
    ("TY  - JOUR\nER  - \n", False, True),
    ("\n  \nTY  - JOUR\n", False, True),
    ("%0 Journal Article\n", False, False),
    ("TI  - no start tag\nPMID- 1\n", False, False),
    ("TY - JOUR\n", False, False),  # one space: not RIS
    ("PT J\nAU Smith, J\n", False, False),
])
def test_sniff(head, pubmed, ris):
    assert (PubMed().sniff(head), Ris().sniff(head)) == (pubmed, ris)


# -- damaged files --------------------------------------------------------------------------------

RECORD = "PMID- {n}\nDP  - 2019 Mar 12\nTI  - Title {n}\n      goes on\nOT  - word {n}\n"


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_pubmed_crlf_and_records_without_blank_lines(tmp_path):
    path = write(tmp_path, "a.txt", (RECORD.format(n=1) + RECORD.format(n=2) + "\n" + RECORD.format(n=3)).replace("\n", "\r\n"))
    result = read(PubMed(), path)
    assert result.table["UT"].to_pylist() == ["PMID:1", "PMID:2", "PMID:3"]
    assert result.table["TI"].to_pylist() == ["Title 1 goes on", "Title 2 goes on", "Title 3 goes on"]
    assert result.table["PY"].to_pylist() == ["2019"] * 3
    assert result.lines.tolist() == [1, 6, 12]


def test_pubmed_damage_is_reported_with_its_line(tmp_path):
    text = (RECORD.format(n=1) + "\n" + "TI  - a record whose PMID line is lost\n"
            + "\n" + RECORD.format(n=3).replace("      goes on", "garbage here") + "\n" + RECORD.format(n=4))
    path = write(tmp_path, "b.txt", text)
    result = read(PubMed(), path)
    assert result.table["UT"].to_pylist() == ["PMID:1", "PMID:4"]
    assert result.skipped == (
        Skip(str(path), 7, "no PMID line: the record does not start with 'PMID- ' (its first line lost?)"),
        Skip(str(path), 9, "line 12 is neither a field ('TAG - value') nor an indented continuation line"),
    )


def test_pubmed_cut_short(tmp_path):
    path = write(tmp_path, "c.txt", RECORD.format(n=1) + "\n" + RECORD.format(n=2)[:35])
    result = read(PubMed(), path)
    assert len(result.table) == 2
    assert result.warnings == ("no line end after the last line (line 9): the file may be cut short",)


@pytest.mark.parametrize("text, message", [
    ("TI  - x\nAB  - y\n", "line 1: no 'PMID- ' line"),
    ("\nPMID- 1\n\nPMID- 2\n", "line 2: empty record (a PMID line only)"),
])
def test_pubmed_errors(tmp_path, text, message):
    path = write(tmp_path, "d.txt", text)
    with pytest.raises(InputError) as info:
        read(PubMed(), path)
    assert str(info.value) == f"{path}: {message} (expected {PubMed().expected})"


def test_empty_file_is_an_error(tmp_path):
    path = write(tmp_path, "e.nbib", "\n\n")
    with pytest.raises(InputError, match=re.escape(f"{path}: file is empty")):
        bibnet.read(path)


RIS_RECORD = "TY  - JOUR\nTI  - Title {n}\nAU  - Smith, J.\nPY  - 2020///\nKW  - one; two\nKW  - three\nER  - \n"


def test_ris_damage(tmp_path):
    text = (RIS_RECORD.format(n=1).replace("ER  - \n", "")  # ER lost: the next TY starts a record
            + RIS_RECORD.format(n=2) + "\n"
            + "some stray text\n\n"
            + RIS_RECORD.format(n=3).replace("TY  - JOUR\n", "")  # TY lost
            + RIS_RECORD.format(n=4)
            + "TY  - JOUR\nER  - \n"  # empty
            + RIS_RECORD.format(n=6).replace("ER  - \n", ""))  # cut short
    path = write(tmp_path, "a.ris", text)
    result = read(Ris(), path)
    assert result.table["TI"].to_pylist() == ["Title 1", "Title 2", "Title 4"]
    assert result.lines.tolist() == [1, 7, 23]
    assert result.table["DE"].to_pylist() == ["one; two; three"] * 3  # a KW line with ";" holds several
    assert result.table["PY"].to_pylist() == ["2020"] * 3
    assert result.source == "RIS"
    assert result.skipped == (
        Skip(str(path), 17, "no TY line before the fields of lines 17-22: a record without its start (TY line lost?)"),
        Skip(str(path), 30, "empty record (no field but TY)"),
        Skip(str(path), 32, "truncated record: no ER line (file cut short?)"),
    )
    assert result.warnings == (
        "line 7: TY inside a record (its ER line missing?): a new record starts there",
        "1 line(s) outside any record ignored (line 15)",
    )


def test_ris_untagged_lines_continue_the_field(tmp_path):
    path = write(tmp_path, "b.ris", "TY  - JOUR\nAB  - first line\nsecond line\n  third\nN2  - other\nER  -\n")
    assert read(Ris(), path).table["AB"].to_pylist() == ["first line second line third"]


def test_ris_files_joined_byte_for_byte(tmp_path):
    one = (DATA / "ris" / "bibliotobler_wos_savedrecs.ris").read_bytes()
    path = write(tmp_path, "c.ris", one + one)  # the second BOM starts a line
    result = read(Ris(), path)
    assert len(result.table) == 162 and result.skipped == ()


@pytest.mark.parametrize("text, message", [
    ("AU  - x\nER  - \n", "line 1: no 'TY  - ' line"),
    ("TY  - JOUR\nER  - \n", "line 1: empty record (no field but TY)"),
    ("TY  - JOUR\nTI  - cut", "line 1: truncated record: no ER line (file cut short?)"),
])
def test_ris_errors(tmp_path, text, message):
    path = write(tmp_path, "d.ris", text)
    with pytest.raises(InputError) as info:
        read(Ris(), path)
    assert str(info.value) == f"{path}: {message} (expected {Ris().expected})"


def test_invalid_utf8_after_a_bom(tmp_path):
    path = write(tmp_path, "e.ris", b"\xef\xbb\xbfTY  - JOUR\nTI  - caf\xe9\nER  - \n")
    with pytest.raises(InputError, match=re.escape(f"{path}: line 2: not valid UTF-8 text")):
        read(Ris(), path)


def test_only_the_columns_asked_for(tmp_path):
    result = read(Ris(), DATA / "ris" / "bibliotobler_scopus.ris", columns=("UT", "DE"))
    assert result.table.column_names == ["UT", "DE"]
    assert result.tags == ("UT", "DI", "TI", "AU", "SO", "PY", "TC", "DT", "DE", "AB")
    result = read(Ris(), DATA / "ris" / "bibliotobler_wos_savedrecs.ris", columns=("ID",))
    assert result.table.column_names == ["ID"] and "DE" in result.tags
    result = read(PubMed(), DATA / "pubmed" / "pybibx_pubmed.txt", columns=("ID",))
    assert result.table.column_names == ["ID"] and np.all(result.lines > 0)


def test_a_file_without_the_fields_asked_for(tmp_path):
    path = write(tmp_path, "f.ris", "TY  - JOUR\nTI  - x\nER  -\n")
    result = read(Ris(), path, columns=("DE",))
    assert result.table.column_names == [] and len(result.lines) == 1
    assert result.tags == ("TI", "DT")


def test_mixed_line_ends(tmp_path):
    path = write(tmp_path, "g.ris", b"TY  - JOUR\r\nTI  - a\r\nER  - \nTY  - JOUR\nTI  - b\r\nER  -")
    result = read(Ris(), path)
    assert load(path).newline == "mixed"
    assert result.table["TI"].to_pylist() == ["a", "b"] and result.lines.tolist() == [1, 4]
