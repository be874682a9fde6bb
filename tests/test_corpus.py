"""bibnet.read: paths, the records contract, de-duplication, the load report, broken files."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import bibnet
from bibnet.corpus import DEFAULT_COLUMNS, NETWORK_COLUMNS
from bibnet.dedup import deduplicate
from bibnet.errors import InputError, OptionError

DATA = Path(__file__).parent / "data"
WOS = DATA / "wos"
BROKEN = DATA / "broken"
IMAG = WOS / "imaginaries"

HEADER = "PT\tAU\tTI\tSO\tDE\tID\tTC\tZ9\tPY\tDI\tDA\tUT"


def tab_file(path: Path, rows: list[dict]) -> Path:
    """A small tab-delimited export with the given fields (others empty), trailing tab."""
    tags = HEADER.split("\t")
    lines = [HEADER] + ["\t".join(row.get(t, "") for t in tags) + "\t" for row in rows]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    return path


def check_totals(report: bibnet.LoadReport) -> None:
    assert report.records_read == report.records + report.duplicates + report.skipped
    assert report.records_read == sum(f.records + f.skipped for f in report.files)
    assert report.duplicates == sum(f.duplicates for f in report.files) == len(report.duplicates_detail)
    assert report.skipped == len(report.skipped_detail)


# -- the records contract -------------------------------------------------------------------


def test_records_contract():
    corpus = bibnet.read(WOS / "tab" / "labnetwork_savedrecs.txt", WOS / "tab" / "rmp_savedrecs.txt")
    records = corpus.records
    assert len(corpus) == len(records) == 683
    assert list(records.columns) == [*DEFAULT_COLUMNS, "DB", "file", "line"]
    assert isinstance(records.index, pd.RangeIndex) and records.index[-1] == 682
    for col in ("UT", "DI", "TI", "SO", "DT", "DE", "ID", "DA", "file"):
        assert records[col].dtype == "string[pyarrow]", col
    for col in ("PY", "TC", "Z9"):
        assert records[col].dtype == "Int64", col
    assert records["line"].dtype == np.int64
    # input order: files as given, then line order
    assert records["file"].iloc[0].endswith("labnetwork_savedrecs.txt")
    assert records["line"].iloc[:3].tolist() == [2, 3, 4]
    assert records["file"].iloc[212].endswith("rmp_savedrecs.txt") and records["line"].iloc[212] == 2
    # empty cells are <NA>, never ""
    assert not (records[["DE", "ID", "DI"]] == "").any().any()
    assert records["DE"].notna().sum() == 92 + 396
    assert records["ID"].notna().sum() == 164 + 297


def test_keywords_are_raw_strings():
    """DE and ID are the cells of the file exactly, '; '-separated and not split."""
    path = WOS / "tab" / "rmp_savedrecs.txt"
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    tags = lines[0].split("\t")
    cells = [dict(zip(tags, line.split("\t"), strict=True)) for line in lines[1:] if line]
    records = bibnet.read(path).records
    for tag in ("DE", "ID", "TI"):
        assert records[tag].fillna("").tolist() == [c[tag] for c in cells]
    assert records["DE"].str.contains("; ").sum() > 300


def test_early_access_records_are_kept_with_empty_year():
    records = bibnet.read(WOS / "tab" / "labnetwork_savedrecs.txt").records
    assert len(records) == 212
    assert records["PY"].isna().sum() == 3
    assert records["PY"].dropna().between(1979, 2021).all()


def test_extra_columns():
    corpus = bibnet.read(WOS / "tab" / "rmp_savedrecs.txt", columns=["AB", "AU", "C1"])
    assert list(corpus.records.columns) == [*DEFAULT_COLUMNS, "AB", "AU", "C1", "DB", "file", "line"]
    assert corpus.records["AU"].notna().all()
    # a tag absent from a file is <NA> for its records
    corpus = bibnet.read(WOS / "edge_cases" / "whs_climate_savedrecs_1.txt", columns=["AB"])
    assert corpus.records["DE"].isna().all() and corpus.records["ID"].isna().all()
    assert corpus.records["AB"].notna().sum() == round(corpus.report.fields["AB"] * 161)


def test_lean_read_keeps_what_networks_use_and_gives_the_same_network():
    """lean=True parses only NETWORK_COLUMNS; duplicates and the network do not change."""
    paths = (WOS / "tab", WOS / "plaintext")
    full, lean = bibnet.read(*paths), bibnet.read(*paths, lean=True)
    assert list(lean.records.columns) == [c for c in NETWORK_COLUMNS if c not in ("DE", "ID")] + ["DB", "file", "line"]
    assert full.keyword_fields == {} and list(lean.keyword_fields) == ["DE", "ID"]
    for tag in ("DE", "ID"):  # held split, not as text, and losslessly so
        text = full.records[tag].astype(object).where(full.records[tag].notna(), None).tolist()
        assert lean.keyword_fields[tag].to_text().to_pylist() == text
        assert len(lean.keyword_fields[tag]) == len(full)
    assert lean.report.records == full.report.records and lean.report.duplicates == full.report.duplicates > 0
    assert lean.records[["file", "line"]].equals(full.records[["file", "line"]])
    assert lean.report.fields == full.report.fields
    a, b = bibnet.build_network(full, min_occurrences=3), bibnet.build_network(lean, min_occurrences=3)
    assert len(a) > 10 and a.items.equals(b.items) and (a.cooccurrence != b.cooccurrence).nnz == 0
    assert list(bibnet.read(WOS / "tab", lean=True, columns=["AB"]).records.columns)[-4:] == ["AB", "DB", "file", "line"]


def test_documents_after_a_lean_read_have_their_keyword_fields():
    """The records behind a keyword come with DE and ID as text, as a full read has them."""
    paths = (WOS / "tab", WOS / "plaintext")
    full, lean = bibnet.read(*paths), bibnet.read(*paths, lean=True)
    a, b = bibnet.build_network(full, min_occurrences=3), bibnet.build_network(lean, min_occurrences=3)
    top = a.items.sort_values(["occurrences", "label"], ascending=[False, True])["label"].iloc[0]
    got, expected = b.documents(top), a.documents(top)
    assert len(got) == int(a.items.loc[a.items["label"] == top, "occurrences"].iloc[0]) > 5
    for tag in ("DE", "ID"):
        pd.testing.assert_series_equal(got[tag], expected[tag])


def test_records_columns_are_one_chunk_each():
    """Per-file chunks would pin the memory they were parsed among (see corpus._to_pandas)."""
    corpus = bibnet.read(WOS / "edge_cases", lean=True)  # 3 files, no duplicates
    assert len(corpus.report.files) == 3 and corpus.report.duplicates == 0
    for name in ("UT", "TI", "file"):
        column = corpus.records[name].array._pa_array  # pandas' Arrow storage (pa.array() would combine it)
        assert column.num_chunks == 1 and column.type == pa.large_string()


@pytest.mark.parametrize("bad", ["abstract", "ab", "A", 7, "file"])
def test_bad_columns_option(bad):
    with pytest.raises(OptionError, match="columns: .* is not a two-letter Web of Science field tag"):
        bibnet.read(WOS / "tab", columns=[bad])


def test_read_needs_a_path():
    with pytest.raises(OptionError):
        bibnet.read()


# -- every sample file --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "read_", "kept", "years"),
    [
        ("tab", 793, 743, (1979, 2023)),  # the UTF-8 and UTF-16 copies of 50 records merge
        ("plaintext", 82, 82, (1974, 2013)),
        ("edge_cases", 442, 442, (1991, 2025)),
        ("imaginaries", 1204, 704, (1960, 2005)),  # _4 and _5 are the same 500 records
    ],
)
def test_sample_folders(path, read_, kept, years):
    corpus = bibnet.read(WOS / path)
    report = corpus.report
    check_totals(report)
    assert (report.records_read, report.records, report.skipped) == (read_, kept, 0)
    assert report.years == years
    assert len(corpus.records) == kept


def test_tab_and_plain_of_the_same_records_dedup_to_50():
    corpus = bibnet.read(WOS / "tab" / "wosfile_*.txt", WOS / "plaintext" / "wosfile_wos_plaintext.txt")
    assert (corpus.report.records_read, len(corpus)) == (150, 50)
    # files are read in path order, and of identical copies the one read last is kept
    assert set(corpus.records["file"]) == {str(WOS / "tab" / "wosfile_wos_tab_delimited_win_utf8.txt")}


def test_file_warnings_for_missing_or_empty_fields():
    report = bibnet.read(WOS / "edge_cases").report
    notes = {Path(f.path).name: f.warnings for f in report.files}
    assert notes["whs_climate_savedrecs_1.txt"] == (
        "no DE column (author keywords)",
        "no ID column (Keywords Plus)",
    )
    assert "no ID column (Keywords Plus)" in notes["pavement_defect_analysis_savedrecs.txt"]
    assert "DE (author keywords) is empty in every record" in notes["pavement_defect_analysis_savedrecs.txt"]
    assert notes["ecolmodellingqrps_savedrecs-search_2019-02-13.txt"] == (
        "DE (author keywords) is empty in every record",
        "ID (Keywords Plus) is empty in every record",
        "TC (citation counts) is empty in every record",
    )


# -- paths ----------------------------------------------------------------------------------------


def test_paths_mix_files_directories_and_globs_read_in_path_order():
    corpus = bibnet.read(
        str(WOS / "plaintext" / "metaknowledge_savedrecs.txt"),
        WOS / "edge_cases",
        str(WOS / "tab" / "ecol*.txt"),
    )
    names = [Path(f.path).name for f in corpus.report.files]
    assert names == [  # edge_cases/ < plaintext/ < tab/, whatever the order given
        "ecolmodellingqrps_savedrecs-search_2019-02-13.txt",
        "pavement_defect_analysis_savedrecs.txt",
        "whs_climate_savedrecs_1.txt",
        "metaknowledge_savedrecs.txt",
        "ecolmodellingqrps_savedrecs.txt",
    ]
    first_rows = corpus.records.drop_duplicates("file")["file"].map(lambda p: Path(p).name).tolist()
    assert first_rows == names


def test_a_file_reached_twice_is_read_once():
    path = WOS / "tab" / "labnetwork_savedrecs.txt"
    corpus = bibnet.read(path, WOS / "tab" / "labnet*", path)
    assert len(corpus.report.files) == 1 and len(corpus) == 212


def test_missing_paths():
    with pytest.raises(InputError, match=re.escape("nope.txt: no such file or directory")):
        bibnet.read(WOS / "nope.txt")
    with pytest.raises(InputError, match="no file matches this pattern"):
        bibnet.read(str(WOS / "*.nothing"))


def test_directory_ignores_files_that_are_not_exports(tmp_path):
    shutil.copy(WOS / "tab" / "ecolmodellingqrps_savedrecs.txt", tmp_path)
    (tmp_path / "README.md").write_text("# my exports\n")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    (tmp_path / "sub").mkdir()
    corpus = bibnet.read(tmp_path)
    assert len(corpus) == 10
    assert [Path(i.split(":")[0]).name for i in corpus.report.ignored] == ["README.md"]
    # named explicitly, the same file is an error
    with pytest.raises(InputError, match="README.md: not an export bibnet reads"):
        bibnet.read(tmp_path / "README.md")


def test_directory_without_exports(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing here\n")
    with pytest.raises(InputError, match="no export found"):
        bibnet.read(tmp_path)


# -- de-duplication ---------------------------------------------------------------------------------


def test_identical_files_keep_the_file_read_last():
    """Files are read in path order whatever the order given; of identical copies the last read is kept."""
    first, last = IMAG / "imaginaries_savedrecs_4.txt", IMAG / "imaginaries_savedrecs_5.txt"
    for given in ((first, last), (last, first)):
        corpus = bibnet.read(*given)
        check_totals(corpus.report)
        assert (corpus.report.records_read, len(corpus), corpus.report.duplicates) == (1000, 500, 500)
        assert set(corpus.records["file"]) == {str(last)}
        assert [f.duplicates for f in corpus.report.files] == [500, 0]
        d = corpus.report.duplicates_detail[0]
        assert (d.file, d.line, d.kept_file, d.kept_line) == (str(first), 2, str(last), 2)
        assert (d.key, d.reason, d.differs) == ("UT", "file read later", "")
        assert "500 of " in str(corpus.report)


def test_most_recent_export_date_wins_and_differences_are_listed(tmp_path):
    new = tab_file(tmp_path / "a_new.txt", [{"UT": "WOS:1", "TI": "T", "PY": "2020", "TC": "9", "DA": "2024-05-01"}])
    old = tab_file(tmp_path / "b_old.txt", [{"UT": "WOS:1", "TI": "T", "PY": "2020", "TC": "4", "DA": "2021-01-01"}])
    corpus = bibnet.read(new, old)  # the older export is given last, yet the newer is kept
    assert corpus.records["TC"].tolist() == [9]
    (d,) = corpus.report.duplicates_detail
    assert (d.file, d.kept_file, d.reason, d.differs) == (str(old), str(new), "more recent export (DA)", "TC, DA")
    assert corpus.duplicates["differs"].tolist() == ["TC, DA"]


def test_lean_read_compares_the_keyword_fields_of_copies(tmp_path):
    """A lean read holds DE and ID split, yet lists them among the fields copies differ in."""
    rows = [
        {"UT": "WOS:1", "DE": "a; b", "ID": "X", "DA": "2024-01-01"},
        {"UT": "WOS:2", "DE": "c", "DA": "2024-01-01"},
        {"UT": "WOS:3", "DE": "d; e", "ID": "Y; Z", "DA": "2024-01-01"},
    ]
    copies = [
        {"UT": "WOS:1", "DE": "a; b", "ID": "X; W", "DA": "2023-01-01"},  # ID differs
        {"UT": "WOS:2", "DE": "c", "DA": "2023-01-01"},  # no difference
        {"UT": "WOS:3", "DE": "d", "ID": "Y; Z", "DA": "2023-01-01"},  # DE differs (prefix)
        {"UT": "WOS:4", "DE": "only", "DA": "2023-01-01"},
    ]
    new, old = tab_file(tmp_path / "a.txt", rows), tab_file(tmp_path / "b.txt", copies)
    full, lean = bibnet.read(new, old), bibnet.read(new, old, lean=True)
    expected = ["ID, DA", "DA", "DE, DA"]
    assert full.duplicates["differs"].tolist() == lean.duplicates["differs"].tolist() == expected
    assert lean.keyword_fields["DE"].to_text().to_pylist() == ["a; b", "c", "d; e", "only"]
    assert lean.keyword_fields["ID"].to_text().to_pylist() == ["X", None, "Y; Z", None]
    # the pieces of the dropped copies are gone: no keyword occurs zero times
    assert sorted(lean.keyword_fields["ID"].pieces.to_pylist()) == [" Z", "X", "Y"]
    assert lean.report.fields["ID"] == full.report.fields["ID"] == 0.5
    assert (bibnet.build_network(lean, min_occurrences=1).items["label"].tolist()
            == bibnet.build_network(full, min_occurrences=1).items["label"].tolist())


def test_same_file_duplicates_keep_the_later_line(tmp_path):
    path = tab_file(tmp_path / "x.txt", [{"UT": "WOS:1", "TC": "1"}, {"UT": "WOS:2"}, {"UT": "WOS:1", "TC": "2"}])
    corpus = bibnet.read(path)
    assert corpus.records["UT"].tolist() == ["WOS:2", "WOS:1"]
    assert corpus.records["line"].tolist() == [3, 4]
    assert corpus.report.duplicates_detail[0].reason == "later in the file"


def frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    for col in ("UT", "DI", "TI", "DA"):
        df[col] = df.get(col, pd.Series([None] * len(df))).astype("string[pyarrow]")
    df["PY"] = df.get("PY", pd.Series([None] * len(df))).astype("Int64")
    df["file"] = pd.array([f"f{i}" for i in range(len(df))], dtype="string[pyarrow]")
    df["line"] = np.arange(2, len(df) + 2)
    return df


def test_dedup_rounds():
    records = frame(
        [
            {"UT": "WOS:1", "DI": "10.1/A", "TI": "Alpha", "PY": 2020},
            {"UT": "MEDLINE:77", "DI": "https://doi.org/10.1/a", "TI": "Alpha!", "PY": 2020},  # DOI, other db
            {"UT": "WOS:2", "DI": "10.1/b", "TI": "Beta", "PY": 2019},
            {"UT": "WOS:3", "DI": "10.1/B", "TI": "Beta", "PY": 2019},  # same DOI, two WOS UTs: apart
            {"UT": "WOS:4", "TI": "Book review: Gamma", "PY": 2001},
            {"UT": "WOS:5", "TI": "Book Review - GAMMA", "PY": 2001},  # same title, two WOS UTs: apart
            {"TI": "Delta", "PY": 2010},
            {"TI": "Delta", "PY": 2011},  # another year
            {"UT": " wos:6 ", "TI": "delta.", "PY": 2010},  # title + year of line 8
            {"UT": "WOS:8", "TI": "Eps", "PY": 2015},
            {"UT": "WOS:8", "DI": "10.1/e", "TI": "Eps", "PY": 2015},  # UT of line 11
            {"DI": "10.1/E", "TI": "Eps", "PY": 2015},  # DOI of line 12
        ]
    )
    kept, dups = deduplicate(records)
    # Across databases the WOS: copy is kept, though read first (lines 2, 12).
    assert kept["line"].tolist() == [2, 4, 5, 6, 7, 9, 10, 12]
    assert isinstance(kept.index, pd.RangeIndex)
    assert dups[["line", "key", "kept_line"]].values.tolist() == [
        [3, "DOI", 2],
        [8, "title+year+author", 10],
        [11, "UT", 12],
        [13, "DOI", 12],
    ]
    assert dups["differs"].tolist() == ["UT, DI, TI", "UT, TI", "DI", "UT, DI"]  # raw values compared


def test_dedup_records_all_with_wos_uts_skip_the_doi_and_title_rounds(monkeypatch):
    """Every record has a WOS: UT: after the UT round none may merge, so the title keys (the
    costliest step) are not computed; one MEDLINE record makes the rounds run again."""
    import bibnet.dedup as dedup

    rows = [{"UT": f"WOS:{i}", "DI": "10.1/same", "TI": "Same title", "PY": 2020} for i in range(3)]
    called = []
    monkeypatch.setattr(dedup, "_title_year", lambda *a: called.append(1) or pa.nulls(len(a[0]), pa.large_string()))
    kept, dups = deduplicate(frame(rows + [{"UT": "WOS:1", "TI": "Copy", "PY": 2020}]))
    assert len(kept) == 3 and dups["key"].tolist() == ["UT"] and not called
    monkeypatch.undo()
    kept, dups = deduplicate(frame(rows[:1] + [{"UT": "MEDLINE:9", "TI": "Same title!", "PY": 2020}]))
    assert dups["key"].tolist() == ["title+year+author"]


def test_dedup_nothing_to_do():
    records = frame([{"UT": "WOS:1"}, {"UT": "WOS:2"}])
    kept, dups = deduplicate(records)
    assert kept.equals(records) and len(dups) == 0


TITLES = ["Effects of COVID-19 on SMEs: a review (2020)", "  --  ", "Étude des élèves, Қазақстан!", None,
          "Two  spaces__and_under_scores", "ÀB 12"]
AUTHORS = ["Smith, J; Doe, A", "O'Brien-Lee, K", "Ñúñez, M", None, "Ærø, B", "", "Жанғали, А", "van der Berg, P"]


@pytest.mark.parametrize("values", [TITLES, TITLES[:2] + TITLES[4:5], TITLES[2:3]], ids=["mixed", "ascii", "unicode"])
def test_normal_title_ascii_titles_as_the_unicode_rule_gives_them(values):
    from bibnet.match_keys import normal_title

    got = normal_title(pa.array(values, pa.large_string())).to_pylist()
    rule = {None: None} | {t: " ".join(re.sub(r"[\W_]+", " ", t.lower()).split()) or None for t in values if t}
    assert got == [rule[t] for t in values]
    if values[0] == TITLES[0]:
        assert got[:2] == ["effects of covid 19 on smes a review 2020", None]
    if TITLES[2] in values:
        assert "étude des élèves қазақстан" in got


def _every_character(exclude: str = "") -> list[str]:
    """Every code point up to U+323AF (the last assigned one below the tags and private use planes),
    and every 97th beyond, shuffled (fixed seed) into strings of 40, and two with ASCII."""
    points = [*range(0xD800), *range(0xE000, 0x323B0), *range(0x323B0, 0x110000, 97)]
    chars = np.array([chr(c) for c in points if chr(c) not in exclude])
    np.random.default_rng(0).shuffle(chars)
    return ["".join(chars[i:i + 40]) for i in range(0, len(chars), 40)] + ["Plain ASCII, a title", "Zoë Ünal"]


def test_normal_title_and_first_author_as_re2_unicode_classes_give_them_for_every_character():
    # What the titles and names were before the ASCII and per-character shortcuts: one RE2 pattern each.
    from bibnet.match_keys import first_author, normal_title

    titles = pa.array(_every_character(), pa.large_string())
    expected = pc.utf8_trim_whitespace(pc.replace_substring_regex(pc.utf8_lower(titles), r"[^\p{L}\p{N}]+", " "))
    expected = pc.if_else(pc.equal(expected, ""), pa.scalar(None, expected.type), expected)
    assert normal_title(titles).to_pylist() == expected.to_pylist()
    names = pa.array([f"{text}, A" for text in _every_character(exclude=",;")], pa.large_string())
    surname = pc.extract_regex(pc.utf8_trim_whitespace(names), r"^(?P<s>[^,]*),").field("s")
    letters = pc.utf8_lower(pc.replace_substring_regex(pc.utf8_normalize(surname, form="NFKD"), r"[^\p{L}]+|\p{M}+", ""))
    expected = pc.if_else(pc.equal(letters, ""), pa.scalar(None, letters.type), letters)
    assert first_author(names).to_pylist() == expected.to_pylist()


def test_normal_title_and_first_author_of_an_array_whose_offsets_do_not_start_at_zero():
    # As a file's column can come: pyarrow 26's ascii_lower read such an array's text from byte 0.
    from bibnet.match_keys import first_author, normal_title

    text = b"skipped textGenome-Wide Study, of Women.Kaya, C; Smith, J"
    title_at, authors_at = text.index(b"Genome"), text.index(b"Kaya")

    def value(start: int, end: int) -> pa.Array:
        offsets = pa.py_buffer(np.array([start, end], np.int64))
        return pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(text)])

    titles = value(title_at, authors_at)
    assert normal_title(titles).to_pylist() == ["genome wide study of women"]
    authors = value(authors_at, len(text))
    assert first_author(authors).to_pylist() == ["kaya"]


def test_first_author_ascii_names_as_the_unicode_rule_gives_them():
    from bibnet.match_keys import first_author

    assert first_author(pa.chunked_array([AUTHORS[:3], AUTHORS[3:]])).to_pylist() == [
        "smith", "obrienlee", "nunez", None, "ærø", None, "жанғали", "vanderberg"]


def test_first_author_without_a_comma_is_the_first_word():
    # A name of one word, or a group, as some Scopus and PubMed records have: not null.
    from bibnet.match_keys import first_author

    assert first_author(pa.array(["Aristotle", "WHO Collaboration; Smith, J", " Núñez ", ",", "  ;x"])).to_pylist() == [
        "aristotle", "who", "nunez", None, None]


# -- strictness, warnings, report -------------------------------------------------------------------


def test_malformed_record_skipped_with_warning_or_error_when_strict():
    path = BROKEN / "tab_truncated_last_line.txt"
    with pytest.warns(UserWarning, match="1 malformed record"):
        corpus = bibnet.read(path)
    assert len(corpus) == 4
    (skip,) = corpus.report.skipped_detail
    assert (skip.file, skip.line) == (str(path), 6)
    expected = r"tab_truncated_last_line.txt: line 6: truncated record .*\(strict: malformed records are not skipped\)"
    with pytest.raises(InputError, match=expected):
        bibnet.read(path, strict=True)


def test_report_dict_is_the_cli_contract():
    corpus = bibnet.read(WOS / "tab")
    d = corpus.report.to_dict()
    json.dumps(d)
    assert set(d) >= {"files", "records_read", "records", "duplicates", "skipped", "skipped_detail", "fields", "years"}
    assert set(d["files"][0]) >= {"path", "format", "encoding", "records"}
    assert d["files"][0] == {
        "path": str(WOS / "tab" / "ecolmodellingqrps_savedrecs.txt"),
        "format": "wos-tab",
        "source": "Web of Science",
        "encoding": "utf-16le",
        "newline": "CR",
        "records": 10,
        "skipped": 0,
        "duplicates": 0,
        "warnings": [],
    }
    assert (d["records_read"], d["records"], d["duplicates"], d["skipped"]) == (793, 743, 50, 0)
    assert list(d["fields"]) == ["DE", "ID", "PY", "TC", "AB"]
    records = corpus.records
    assert d["fields"]["DE"] == round(records["DE"].notna().mean(), 4)
    assert d["fields"]["PY"] == round(records["PY"].notna().mean(), 4)
    assert 0.9 < d["fields"]["AB"] < 1
    assert d["years"] == [1979, 2023]


def test_report_text():
    text = str(bibnet.read(WOS / "tab").report)
    assert text.splitlines()[0] == "Read 5 files, 793 records: 743 kept, 50 duplicates removed, 0 malformed skipped."
    assert "Years: 1979-2023" in text
    assert "utf-16le  CR" in text


# -- the broken corpus ---------------------------------------------------------------------------------

NOT_AN_EXPORT = {
    "empty.txt": "file is empty",
    "bom_only.txt": "file is empty",
    "blank_lines.txt": "file is empty",
    "binary.dat": "binary file",
    "excel_quoted.txt": "every field is in double quotes",
    "random_text.txt": "not an export bibnet reads",
    "login_page.html": "not an export bibnet reads",
    "header_only.txt": "header line but no records",
    "plain_header_only.txt": "no records",
    "truncated_utf16.txt": "truncated UTF-16 file",
    "unpaired_surrogate_utf16.txt": "line 2: invalid UTF-16",
    "latin1_no_bom.txt": "line 2: not valid UTF-8",
    "bad_header_tag.txt": "line 1: header field 'Title' is not a Web of Science field tag",
    "all_rows_malformed.txt": "line 2: 5 fields where the header has 67 tags; no well-formed record",
    "plain_only_truncated_record.txt": "no well-formed record (line 3: truncated record",
    "scopus_header_only.csv": "line 1: header line but no records (expected a Scopus CSV export",
    "openalex_invalid.json": "line 3: not valid JSON (Expecting property name enclosed in double quotes at column 23)",
    "gzip_cut_short.txt.gz": "damaged gzip file (Compressed file ended before the end-of-stream marker was reached)",
}

# name -> (records kept, [(line, start of reason)], file warning or None)
SKIPS = {
    "tab_truncated_last_line.txt": (4, [(6, "truncated record")], None),
    "tab_tab_inside_field.txt": (4, [(4, "malformed record: 69 fields")], None),
    "tab_newline_inside_field.txt": (4, [(3, "malformed record: 30 fields"), (4, "malformed record: 38 fields")], None),
    "tab_missing_fields.txt": (4, [(5, "malformed record: 40 fields")], None),
    "tab_empty_record.txt": (5, [(4, "empty record")], None),
    "tab_stray_cr_in_field.txt": (4, [(4, "malformed record"), (5, "malformed record")], None),
    "plain_truncated.txt": (2, [(209, "truncated record: no ER line")], None),
    "plain_stray_line.txt": (2, [(109, "line 159 is not a field")], None),
    "plain_orphan_continuation.txt": (2, [(109, "line 160 continues no field")], None),
    "plain_empty_record.txt": (3, [(208, "empty record (ER without fields)")], None),
    "plain_text_between_records.txt": (3, [], "2 line(s) outside any record ignored (first: line 109)"),
    "plain_no_ef.txt": (3, [], "no EF line at the end: the file may be cut short"),
    "tab_bad_numbers.txt": (5, [], "PY: 1 value(s) not a whole number, left empty (first 'In press' at line 2)"),
    "tab_mixed_trailing_tab.txt": (5, [], None),
    "gzipped_export.txt.gz": (5, [], None),
    "scopus_export.csv": (2, [], None),
    "records.bib": (1, [], "no UT column: duplicates are found by DOI and title only"),
    "scopus_unclosed_quote.csv": (2, [(4, "unterminated quoted field")], None),
    "pubmed_record_without_pmid.nbib": (1, [(385, "no PMID line: the record does not start with 'PMID- '")], None),
    "ris_last_er_lost.ris": (2, [(55, "truncated record: no ER line")], None),
    "bibtex_unbalanced_brace.bib": (2, [(28, "unbalanced braces: the entry is still open when the next entry starts")],
                                    None),
    "openalex_bad_line.jsonl": (2, [(2, "not valid JSON (Unterminated string")], None),
}


def test_broken_corpus_is_complete():
    names = sorted(p.name for p in BROKEN.iterdir() if p.name != "README.md")
    assert names == sorted([*NOT_AN_EXPORT, *SKIPS])
    assert len(names) >= 20


@pytest.mark.parametrize("name", sorted(NOT_AN_EXPORT))
def test_broken_file_is_a_one_line_input_error(name):
    path = BROKEN / name
    with pytest.raises(InputError) as err:
        bibnet.read(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert NOT_AN_EXPORT[name] in message


@pytest.mark.parametrize("name", sorted(SKIPS))
def test_broken_file_skips_records(name, recwarn):
    kept, skips, warning = SKIPS[name]
    corpus = bibnet.read(BROKEN / name)
    report = corpus.report
    check_totals(report)
    assert len(corpus) == kept
    # The pairs first, then the counts (the next line): a shorter list fails on the pairs it has.
    assert [(s.line, s.reason[: len(r)]) for s, (_, r) in zip(report.skipped_detail, skips, strict=False)] == skips
    assert len(report.skipped_detail) == len(skips)
    if warning:
        assert warning in report.files[0].warnings
    if skips:
        with pytest.raises(InputError, match=f"line {skips[0][0]}: "):
            bibnet.read(BROKEN / name, strict=True)
    else:
        bibnet.read(BROKEN / name, strict=True)


def test_non_numeric_year_is_left_empty():
    records = bibnet.read(BROKEN / "tab_bad_numbers.txt").records
    assert records["PY"].isna().tolist() == [True, False, False, True, False]  # line 5: early access
    assert records["PY"].iloc[1] == 2019  # " 2019 " is trimmed
