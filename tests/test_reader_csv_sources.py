"""The CSV readers: Scopus, Lens.org, Dimensions and the OpenAlex web CSV.

Real exports (``tests/data/scopus``, ``lens``, ``openalex_csv``; the Dimensions file is
synthetic, see its README) give the record counts and field coverage of ``SOURCES.md``, and
keyword occurrences equal to a count made here with the csv module, without bibnet's readers.
"""

from __future__ import annotations

import csv
import random
import re
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest

import bibnet
from bibnet.errors import InputError
from bibnet.readers import decode, detect, load, peek
from bibnet.readers.dimensions_csv import DimensionsCsv
from bibnet.readers.lens_csv import LensCsv
from bibnet.readers.openalex_csv import OpenAlexCsv
from bibnet.readers.scopus_csv import ScopusCsv, authors

DATA = Path(__file__).parent / "data"
ALL = ("UT", "DI", "TI", "AU", "SO", "PY", "TC", "DT", "DE", "ID", "AB")
READERS = {r.name: r for r in (ScopusCsv(), LensCsv(), DimensionsCsv(), OpenAlexCsv())}

# file -> reader, records, then records with a non-empty DE, ID, PY, TC, UT (None: no such column),
# from SOURCES.md; the Excel-saved file's are those of its restored rows (see test_excel_resaved).
FILES = {
    "scopus/litstudy_scopus.csv": ("scopus-csv", 58, 35, 46, 58, 43, 58),
    "scopus/bibliotobler_scopus.csv": ("scopus-csv", 81, 16, 40, 81, 76, 81),
    "scopus/metaknowledge_scopus_testing.csv": ("scopus-csv", 220, 55, 192, 220, 196, 220),
    "scopus/public-datasets_scopus.csv": ("scopus-csv", 580, 481, 494, 580, 580, 580),
    "scopus/lpwan-review_scopus_citation_only.csv": ("scopus-csv", 61, None, None, 61, 29, 61),
    "scopus/bibliometrix_scopus_sample.csv": ("scopus-csv", 8, 8, 5, 8, 8, 8),
    "scopus/scopusdata_scopus_excel_resaved.csv": ("scopus-csv", 819, None, None, 819, 714, 819),
    "lens/public-datasets_lens-export.csv": ("lens-csv", 1000, 56, 87, 986, 1000, 1000),
    "lens/salmon-network_lens-export.csv": ("lens-csv", 24, 4, 4, 24, 24, 24),
    "lens/bibliometrix_lens_sample.csv": ("lens-csv", 8, 8, 0, 8, 8, 8),
    "dimensions/dimensions_synthetic.csv": ("dimensions-csv", 7, None, 3, 7, 7, 7),
    "openalex_csv/bibliometrix_openalex_sample.csv": ("openalex-csv", 8, None, None, 8, 8, 8),
}
# file -> (keyword column of each field, header lines before the records), for the independent count
KEYWORD_COLUMNS = {
    "scopus-csv": {"author": "Author Keywords", "indexed": "Index Keywords"},
    "lens-csv": {"author": "Keywords", "indexed": "MeSH Terms"},
    "dimensions-csv": {"indexed": "MeSH terms"},
    "openalex-csv": {},
}


def read(name: str, columns=ALL):
    text = load(DATA / name)
    return READERS[FILES[name][0]].read(text, columns=columns)


def raw_rows(name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (start line, fields) of every record, by the csv module."""
    with open(DATA / name, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        if name.startswith("dimensions/"):
            next(reader)
        header, rows, before = next(reader), [], reader.line_num
        for row in reader:
            line, before = before + 1, reader.line_num
            if row:
                rows.append((line, row))
    return header, rows


@pytest.mark.parametrize("name", FILES)
def test_real_files_counts_and_coverage(name):
    fmt, records, *coverage = FILES[name]
    text = load(DATA / name)
    assert detect(text).name == fmt
    result = READERS[fmt].read(text, columns=ALL)
    assert result.table.num_rows == records == len(result.lines)
    assert result.skipped == ()
    for tag, expected in zip(("DE", "ID", "PY", "TC", "UT"), coverage, strict=True):
        if expected is None:
            assert tag not in result.tags and tag not in result.table.column_names
        else:
            assert tag in result.tags
            assert records - result.table[tag].null_count == expected, tag
    assert list(result.tags) == [t for t in ALL if t in result.tags]  # schema order
    for column in result.table.columns:
        assert column.type == pa.string()
        assert "" not in column.to_pylist()


@pytest.mark.parametrize("name", [n for n in FILES if "excel" not in n])
def test_lines_are_where_records_start(name):
    _, rows = raw_rows(name)
    result = read(name, columns=("UT",))
    assert result.lines.tolist() == [line for line, _ in rows]


@pytest.mark.parametrize(("name", "field"), [(n, f) for n in FILES for f in KEYWORD_COLUMNS[FILES[n][0]]
                                             if FILES[n][2 if f == "author" else 3]])
def test_keyword_occurrences_match_an_independent_count(name, field):
    header, rows = raw_rows(name)
    column = header.index(KEYWORD_COLUMNS[FILES[name][0]][field])
    expected: Counter[str] = Counter()
    for _, row in rows:
        # bibnet (as VOSviewer?) collapses ASCII white space only: a no-break space stays
        expected.update({re.sub(r"\s+", " ", k, flags=re.ASCII).strip(" ").lower() for k in row[column].split(";")} - {""})
    corpus = bibnet.read(DATA / name)
    counts = bibnet.build_network(corpus, keywords=field, min_occurrences=1).keywords.counts()
    assert dict(zip(counts["label"], counts["occurrences"], strict=True)) == dict(expected)


def test_scopus_shifted_rows_are_realigned_with_a_warning():
    header, rows = raw_rows("scopus/litstudy_scopus.csv")
    result = read("scopus/litstudy_scopus.csv")
    assert Counter(len(r) for _, r in rows) == {46: 56, 45: 2}
    eids = [r[-1] for _, r in rows]  # EID is the last field of every row
    assert result.table["UT"].to_pylist() == eids
    assert set(result.table["DT"].to_pylist()) <= {"Article", "Review", "Conference Paper", "Conference Review",
                                                   "Book Chapter", "Book", "Short Survey"}
    (warning,) = result.warnings
    assert warning.startswith("lines 4, 6, 7, 8, 9 and 51 more: 56 record(s) with 1 more field(s) than the header names")
    assert "after 'Funding Text 1'" in warning


def test_scopus_rows_that_cannot_be_realigned_are_skipped(tmp_path):
    header = "Authors,Title,Year,Funding Text 1,Document Type,EID\n"
    good = '"Doe J.","A",2020,"",Article,2-s2.0-1\n'
    shifted = '"Roe K.","B",2021,"f1","f2",Article,2-s2.0-2\n'
    wrong = '"Poe L.","C",2022,"f1",Article,2-s2.0-3,"extra"\n'
    path = tmp_path / "s.csv"
    path.write_text(header + good + shifted + wrong, encoding="utf-8")
    result = ScopusCsv().read(load(path), columns=ALL)
    assert result.table["UT"].to_pylist() == ["2-s2.0-1", "2-s2.0-2"]
    assert result.table["DT"].to_pylist() == ["Article", "Article"]
    assert [str(s) for s in result.skipped] == [
        f"{path}: line 4: malformed record: 7 fields where the header has 6 (UT would be 'extra' even with "
        "the extra field(s) after 'Funding Text 1')"]


def test_excel_resaved():
    """Every line is restored: each EID equals the one in the line's Link, each year is a year."""
    result = read("scopus/scopusdata_scopus_excel_resaved.csv")
    (warning,) = result.warnings
    assert warning.startswith("re-saved by Excel with ';' separators")
    assert "819 record(s) restored" in warning
    lines = (DATA / "scopus/scopusdata_scopus_excel_resaved.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert result.lines.tolist() == list(range(2, 821))
    assert result.table["UT"].to_pylist() == [re.search(r"eid=(2-s2\.0-\d+)", line)[1] for line in lines]
    assert all(re.fullmatch(r"(19|20)\d\d", y) for y in result.table["PY"].to_pylist())
    assert result.table["AU"][0].as_py() == "Yu, X.; Xing, S.; Yang, Y."
    assert result.table["TI"][100].as_py() == '"The Role of Psychological Resilience in Athletic Injury Recovery and Performance"'


def test_excel_resaved_line_that_cannot_be_restored(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(
        "Authors,Author(s) ID,Title,Year,EID;;\r\n"
        '"Doe, J.,""1";2;",A title"",2020,2-s2.0-1";\r\n'
        '"Roe, K.,""3";",Other"",2021";;\r\n',
        encoding="utf-8-sig",
    )
    result = ScopusCsv().read(load(path), columns=ALL)
    assert result.table.to_pylist() == [{"UT": "2-s2.0-1", "TI": "A title", "AU": "Doe, J.", "PY": "2020"}]
    assert [str(s) for s in result.skipped] == [
        f"{path}: line 3: re-saved by Excel: no reading of the line with 5 fields has plausible values"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Liu F.; Li C.; Van Der Spoel D.", "Liu, F.; Li, C.; Van Der Spoel, D."),
        ("Phillips J.C., Braun R., Kalé L.", "Phillips, J.C.; Braun, R.; Kalé, L."),
        ("Fecil'ak, P., Pekár, A., Ádám, N.", "Fecil'ak, P.; Pekár, A.; Ádám, N."),
        ("Triyono L.; Prayitno; Cholil S.R.", "Triyono, L.; Prayitno; Cholil, S.R."),
        ("MacKerell Jr. A.D.; Tobler W.", "MacKerell Jr., A.D.; Tobler, W."),
        ("Tobler W.", "Tobler, W."),
        ("Newell, K.M.", "Newell, K.M."),
        ("Anon", "Anon"),
        ("Olsen, David L.; Smith J.", "Olsen, David L.; Smith J."),  # ambiguous: as written
        ("Janko Wolfgang, Smith J.", "Janko Wolfgang, Smith J."),
        ("[No author name available]", None),
    ],
)
def test_scopus_authors(given, expected):
    assert authors(pa.array([given])).to_pylist() == [expected]


def test_scopus_placeholders_are_null():
    result = read("scopus/litstudy_scopus.csv")
    raw = [r for _, r in raw_rows("scopus/litstudy_scopus.csv")[1]]
    assert result.table["AU"].null_count == sum(r[0] == "[No author name available]" for r in raw) == 9
    assert "[No abstract available]" not in result.table["AB"].to_pylist()


def test_openalex_values():
    result = read("openalex_csv/bibliometrix_openalex_sample.csv")
    first = result.table.slice(0, 1).to_pylist()[0]
    assert first["UT"] == "W2755950973"
    assert first["DI"] == "10.1016/j.joi.2017.08.007"
    assert first["AU"] == "Aria, Massimo; Cuccurullo, Corrado"  # "Massimo Aria|Corrado Cuccurullo" in the file
    assert first["TI"] == "bibliometrix : An R-tool for comprehensive science mapping analysis"
    assert first["SO"] == "Journal of Informetrics"
    assert first["AB"] is None


def test_openalex_keywords_become_indexed_keywords(tmp_path):
    path = tmp_path / "works.csv"
    path.write_text('"id","display_name","publication_year","authorships.author.display_name","keywords.display_name"\n'
                    '"https://openalex.org/W1","T",2020,"A B|C D","Deep learning|Graphs; networks"\n', encoding="utf-8")
    result = OpenAlexCsv().read(load(path), columns=ALL)
    assert result.tags == ("UT", "TI", "AU", "PY", "ID")
    assert result.table["ID"].to_pylist() == ["Deep learning; Graphs, networks"]


def test_dimensions_values():
    result = read("dimensions/dimensions_synthetic.csv")
    assert result.tags == ("UT", "DI", "TI", "AU", "SO", "PY", "TC", "DT", "ID", "AB")
    rows = result.table.to_pylist()
    assert rows[1]["TI"] == 'Caffeine, sleep and "energy drinks" in adolescents'
    assert rows[1]["AB"] == "A survey of 800 students.\nEnergy drink use was common; sleep was shorter in users."
    assert rows[0]["ID"] == "Adult; Body Weight; Coffee; Cohort Studies; Humans; Obesity"
    assert rows[6]["AU"] is None


def test_dimensions_without_its_first_line(tmp_path):
    lines = (DATA / "dimensions/dimensions_synthetic.csv").read_bytes().split(b"\r\n", 1)[1]
    path = tmp_path / "d.csv"
    path.write_bytes(lines)
    text = load(path)
    assert detect(text).name == "dimensions-csv"
    result = DimensionsCsv().read(text, columns=ALL)
    assert result.table.num_rows == 7
    assert result.lines.tolist() == [2, 5, 7, 8, 9, 10, 13]


# -- recognising the formats ------------------------------------------------------------------


def _expected_format(path: Path) -> str | None:
    for folder, name in (("scopus", "scopus-csv"), ("lens", "lens-csv"), ("dimensions", "dimensions-csv"),
                         ("openalex_csv", "openalex-csv")):
        if path.parent == DATA / folder:
            return name
    return "scopus-csv" if "scopus" in path.name and path.suffix == ".csv" else None


@pytest.mark.parametrize("path", sorted(p for p in DATA.rglob("*") if p.is_file() and p.name != "README.md"),
                         ids=lambda p: str(p.relative_to(DATA)))
def test_each_reader_sniffs_its_own_files_only(path):
    head = peek(path, 1 << 16).lstrip("\ufeff")
    claimed = [name for name, reader in READERS.items() if reader.sniff(head)]
    expected = _expected_format(path)
    assert claimed == ([expected] if expected else [])


# -- damaged files ------------------------------------------------------------------------------

HEADER = "Authors,Title,Year,Source title,Cited by,DOI,Document Type,Author Keywords,Index Keywords,Abstract,EID\n"
ROW1 = '"Doe J.","T1",2020,"S",1,"10.1/a","Article","a; b","c","ab",2-s2.0-1\n'
ROW2 = '"Roe K.","T2",2021,"S",2,"10.1/b","Article","b","","ab",2-s2.0-2\n'
EXPECTED = "(expected a Scopus CSV export (header with 'Authors', 'Title', 'Year', ... 'EID'))"


def scopus(tmp_path, content: str):
    path = tmp_path / "s.csv"
    path.write_text(content, encoding="utf-8")
    return path, ScopusCsv().read(load(path), columns=("UT", "TI", "DE"))


@pytest.mark.parametrize(
    ("content", "uts", "lines", "skips"),
    [
        (HEADER + ROW1 + "hello world\n" + ROW2, ["2-s2.0-1", "2-s2.0-2"], [2, 4],
         [(3, "malformed record: 1 field where the header has 11")]),
        (HEADER + ROW1 + '"Roe K.","T2",2021,"S"', ["2-s2.0-1"], [2],
         [(3, "truncated record (file cut short?): 4 fields where the header has 11")]),
        (HEADER + ROW1 + '"Roe K.","T2",2021,"S",2,"10.1/b","Article","b","","ab\nmore text\n', ["2-s2.0-1"], [2],
         [(3, "unterminated quoted field: a '\"' in this record is never closed, so it runs to the end of the file (line 4)")]),
        (HEADER + ROW1 + ROW2.replace(',"S",', ',"S","x",'), ["2-s2.0-1"], [2],
         [(3, "malformed record: 12 fields where the header has 11")]),
        (HEADER + "\n" + ROW1 + "\r\n   \n" + ROW2 + "\n\n", ["2-s2.0-1", "2-s2.0-2"], [3, 6], []),
        # a stray quote inside an unquoted field: kept as text, as pyarrow and the csv module do
        (HEADER + ROW1 + 'Roe K.,T"2,2021,S,2,10.1/b,Article,b,,"multi\nline",2-s2.0-2\n', ["2-s2.0-1", "2-s2.0-2"],
         [2, 3], []),
    ],
    ids=["garbage line", "truncated", "unterminated quote", "extra field", "blank lines", "stray quote"],
)
def test_damaged_records_are_skipped_with_line_and_reason(tmp_path, content, uts, lines, skips):
    path, result = scopus(tmp_path, content)
    assert result.table["UT"].to_pylist() == uts
    assert result.lines.tolist() == lines
    assert [(s.file, s.line, s.reason) for s in result.skipped] == [(str(path), line, why) for line, why in skips]


def test_two_exports_joined(tmp_path):
    _, result = scopus(tmp_path, HEADER + ROW1 + "\ufeff" + HEADER + ROW2)
    assert result.table["UT"].to_pylist() == ["2-s2.0-1", "2-s2.0-2"]
    assert result.lines.tolist() == [2, 4]
    assert result.warnings == ("line 3: the header line again (two exports joined into one file?); not read as a record",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (HEADER, "line 1: header line but no records"),
        (HEADER + "x,y\n" + "z\n", "line 2: malformed record: 2 fields where the header has 11; no well-formed record"),
        (HEADER + '"Doe J.","T1\n', "line 2: unterminated quoted field: a '\"' in this record is never closed, so it runs "
         "to the end of the file (line 2); no well-formed record"),
        ('Authors,"Title\nYear,EID\n', "line 1: a '\"' in the header line is never closed"),
        ("PT\tAU\tTI\nJ\tDoe\tT\n", "line 1: no known column in the header ('PT\\tAU\\tTI', ...)"),
    ],
    ids=["header only", "all malformed", "only record unterminated", "header unterminated", "not a csv"],
)
def test_unreadable_files_give_one_line_errors(tmp_path, content, message):
    with pytest.raises(InputError) as err:
        scopus(tmp_path, content)
    (line,) = str(err.value).splitlines()
    assert line == f"{tmp_path / 's.csv'}: {message} {EXPECTED}"


def test_empty_file(tmp_path):
    with pytest.raises(InputError, match=r"s\.csv: file is empty"):
        scopus(tmp_path, "")


@pytest.mark.parametrize("reader", list(READERS.values()), ids=list(READERS))
def test_every_reader_refuses_a_foreign_file_in_one_line(reader):
    text = load(DATA / "wos/tab/wosfile_wos_tab_delimited_win_utf8.txt")
    with pytest.raises(InputError) as err:
        reader.read(text, columns=ALL)
    (line,) = str(err.value).splitlines()
    assert "line 1: no known column in the header" in line and line.endswith(f"(expected {reader.expected})")


def test_citation_only_export_has_no_keyword_columns():
    corpus = bibnet.read(DATA / "scopus/lpwan-review_scopus_citation_only.csv")
    assert len(corpus.records) == 61
    (report,) = corpus.report.files
    assert "no DE column (author keywords)" in report.warnings


def test_crlf_gives_the_same_records(tmp_path):
    path = tmp_path / "crlf.csv"
    path.write_bytes((DATA / "scopus/litstudy_scopus.csv").read_bytes().replace(b"\n", b"\r\n"))
    lf, crlf = read("scopus/litstudy_scopus.csv"), ScopusCsv().read(load(path), columns=ALL)
    assert crlf.lines.tolist() == lf.lines.tolist()
    assert crlf.table.drop_columns(["AB"]).equals(lf.table.drop_columns(["AB"]))


def test_bad_utf8_after_a_bom_is_a_one_line_error(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + ROW1).encode() + b'"Ro\xe9 K.","T2"\n')
    with pytest.raises(InputError) as err:
        ScopusCsv().read(load(path), columns=ALL)
    assert str(err.value) == (f"{path}: line 3: not valid UTF-8 text (expected {ScopusCsv.expected} "
                              "in UTF-8 or UTF-16 with byte-order mark)")


@pytest.mark.parametrize("name", ["scopus/litstudy_scopus.csv", "lens/salmon-network_lens-export.csv",
                                  "dimensions/dimensions_synthetic.csv"])
def test_damaged_copies_never_lose_records_silently(name):
    """Random damage (quotes, commas, line breaks inserted; bytes cut): an InputError of one line,
    or records and skips on distinct, increasing lines, every line of the file accounted for once."""
    rng = random.Random(7)
    original = (DATA / name).read_bytes()[:20000]
    reader = READERS[FILES[name][0]]
    for _ in range(60):
        data = bytearray(original)
        for _ in range(rng.randint(1, 5)):
            at = rng.randrange(len(data))
            if rng.random() < 0.6:
                data.insert(at, ord(rng.choice('",\n')))
            else:
                del data[at:at + rng.randint(1, 40)]
        try:
            result = reader.read(decode(bytes(data), path="f.csv"), columns=ALL)
        except InputError as exc:
            assert "\n" not in str(exc)
            continue
        lines = result.lines.tolist()
        assert result.table.num_rows == len(lines) and lines == sorted(set(lines))
        assert not set(lines) & {s.line for s in result.skipped}


def test_no_wanted_column_still_counts_the_records():
    result = ScopusCsv().read(load(DATA / "scopus/litstudy_scopus.csv"), columns=("Z9",))
    assert result.table.column_names == [] and result.table.num_rows == len(result.lines) == 58
    assert "DE" in result.tags


@pytest.mark.parametrize("first", ['Authors,Author(s) ID,Title,Year,EID;;;;',
                                   '"Authors,""Author full names"",""Title"",""Year"",""EID""";;;'])
def test_scopus_sniffs_an_excel_resaved_header(first):
    assert ScopusCsv().sniff(first + "\r\n")
    assert not LensCsv().sniff(first) and not DimensionsCsv().sniff(first) and not OpenAlexCsv().sniff(first)


def _as_excel_saves_it(text: str) -> str:
    """``text`` (CSV) as Excel with ';' as list separator reads and saves it: fields split at
    ';'; a quote opens a quoted part at a field's start only and the next lone quote ends it."""
    rows: list[list[str]] = []
    row: list[str] = []
    field: list[str] = []
    start, quoted, i = True, False, 0
    while i < len(text):
        char = text[i]
        if quoted and char == '"' and text[i + 1:i + 2] == '"':
            field.append('"')
            i += 1
        elif quoted:
            quoted = char != '"'
            field.extend(char if quoted else "")
        elif start and char == '"':
            quoted = True
        elif char in ";\n":
            row.append("".join(field))
            field = []
            if char == "\n":
                rows.append(row)
                row = []
        else:
            field.append(char)
        start = not quoted and char in ";\n"
        i += 1
    width = max(map(len, rows))
    quote = [['"' + f.replace('"', '""') + '"' if set(f) & set('";\n') else f for f in r] for r in rows]
    return "".join(";".join(r + [""] * (width - len(r))) + "\r\n" for r in quote)


def test_excel_layer_of_a_full_quoted_export_comes_off_exactly(tmp_path):
    """A 2026 export (header and every field quoted, '; ' in authors, ids, keywords, references)."""
    name = "scopus/bibliometrix_scopus_sample.csv"
    path = tmp_path / "excel.csv"
    path.write_text(_as_excel_saves_it((DATA / name).read_text(encoding="utf-8")), encoding="utf-8-sig")
    assert path.read_text(encoding="utf-8-sig").startswith('"Authors,""Author full names"",')
    text = load(path)
    assert detect(text).name == "scopus-csv"
    restored, original = ScopusCsv().read(text, columns=ALL), read(name)
    assert restored.table.equals(original.table)
    assert restored.lines.tolist() == original.lines.tolist()
    assert restored.skipped == () and "8 record(s) restored" in restored.warnings[0]
