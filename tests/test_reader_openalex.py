"""OpenAlex works JSON (API pages, snapshot JSON Lines) and gzip-compressed inputs."""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest

import bibnet
from bibnet.errors import InputError
from bibnet.keywords import extract
from bibnet.readers import detect, load, peek, read_file
from bibnet.readers._names import surname_first, surnames_first
from bibnet.readers._openalex_work import abstract
from bibnet.readers.openalex_json import OpenAlexJson
from bibnet.readers.text import Skip

DATA = Path(__file__).parent / "data"
OPENALEX = DATA / "openalex"
PAGE = OPENALEX / "bibliographer_openalex.json"  # the real API page, pretty-printed
LINES = OPENALEX / "bibliographer_openalex_works.jsonl"  # its works, one per line
LINES_GZ = OPENALEX / "bibliographer_openalex_works.jsonl.gz"
FILES = (PAGE, LINES, LINES_GZ)
ALL = ("UT", "DI", "TI", "AU", "SO", "PY", "TC", "DT", "PT", "DE", "ID", "AB", "DA", "Z9")
TAGS = ("UT", "DI", "TI", "AU", "SO", "PY", "TC", "DT", "ID", "AB")
EXPECTED = "(expected OpenAlex works JSON ({\"results\": [...]} or one work per line))"
WORK = {"id": "https://openalex.org/W1", "publication_year": 2020, "authorships": [], "keywords": []}


def read(path: Path | str, columns=ALL):
    return OpenAlexJson().read(load(path), columns=columns)


def write(tmp_path: Path, content: str, name: str = "works.json") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def raw_works(path: Path) -> list[dict]:
    """The works of a fixture, parsed with json alone."""
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    if path.suffix == ".json":
        return json.loads(data)["results"]
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


# -- the real page and its works as JSON Lines ----------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_files_records_and_coverage(path):
    corpus = bibnet.read(path)
    records = corpus.records
    assert len(records) == 65  # SOURCES.md: 65 records
    filled = {tag: int(records[tag].notna().sum()) for tag in ("DE", "ID", "PY", "TC", "UT")}
    # SOURCES.md: keywords 64/65 (here ID: assigned by OpenAlex), PY 65/65, TC 65/65, UT 65/65; no DE
    assert filled == {"DE": 0, "ID": 64, "PY": 65, "TC": 65, "UT": 65}
    assert corpus.report.to_dict()["files"][0]["format"] == "openalex-json"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_keyword_occurrences_equal_an_independent_count(path):
    expected: Counter[str] = Counter()
    for work in raw_works(path):
        words = {" ".join((k.get("display_name") or k["keyword"]).split()).lower() for k in work["keywords"]}
        expected.update(words)
    counts = bibnet.build_network(bibnet.read(path), keywords="indexed", min_occurrences=1).keywords.counts()
    assert dict(zip(counts["label"], counts["occurrences"], strict=True)) == dict(expected)
    assert len(expected) == 177 and expected["mathematics"] == 57


def test_page_fields_tags_and_lines():
    result = read(PAGE)
    assert result.tags == TAGS  # no DE: OpenAlex has no author keywords
    assert result.table.column_names == list(TAGS)
    assert (result.skipped, result.warnings, result.source) == ((), (), None)
    lines = PAGE.read_text(encoding="utf-8").split("\n")
    assert result.lines[:3].tolist() == [26, 595, 1334]
    assert all(lines[n - 1] == "    {" for n in result.lines.tolist())  # each work's opening brace
    first = result.table.slice(0, 1).to_pylist()[0]
    assert first["UT"] == "W3122893125" and first["DI"] is None and first["PY"] == "2011" and first["TC"] == "53"
    assert first["TI"] == "Homotopy theory of non-symmetric operads" and first["AU"] == "Muro, Fernando"
    assert first["SO"].startswith("LA Referencia") and first["DT"] == "article"
    assert first["ID"].startswith("Mathematics; Homotopy; Symmetric monoidal category; ")
    assert first["AB"].startswith("We endow categories of nonsymmetric operads with natural model structures.")
    third = result.table.slice(2, 1).to_pylist()[0]
    assert (third["DI"], third["AU"]) == ("10.1016/j.aim.2007.05.008", "Muro, Fernando; Tonks, Andrew")
    table = result.table
    assert table["AB"].null_count == 20 and table["DI"].null_count == 11  # 45 abstracts, 54 DOIs
    assert "" not in table.to_pydict()["SO"]


@pytest.mark.parametrize("path", (LINES, LINES_GZ), ids=lambda p: p.name)
def test_json_lines_read_as_the_page(path):
    result = read(path)
    assert result.table.equals(read(PAGE).table)
    assert result.lines.tolist() == list(range(1, 66))
    assert result.tags == TAGS


def test_gzip_is_decompressed_by_the_opener():
    text = load(LINES_GZ)
    assert (text.encoding, text.newline) == ("utf-8 (gzip)", "LF")
    assert text.data == LINES.read_bytes()
    assert peek(LINES_GZ) == LINES.read_bytes()[:4096].decode("utf-8", errors="replace")
    assert detect(text).name == "openalex-json"


def test_only_the_asked_columns():
    result = read(PAGE, columns=("ID", "UT", "DE"))
    assert result.table.column_names == ["UT", "ID"]
    assert result.tags == TAGS


# -- shapes and field variants ------------------------------------------------------------------


def test_2024_keywords_and_semicolons(tmp_path):
    work = dict(WORK, keywords=[{"keyword": "climate change", "score": 0.6}, {"keyword": "a; b", "score": 0.4}])
    result = read(write(tmp_path, json.dumps(work) + "\n", "works.jsonl"))
    assert result.table["ID"].to_pylist() == ["climate change; a, b"]


def test_fields_missing_from_every_work_are_not_the_files_tags(tmp_path):
    # An API query with select=id,publication_year gives works with those fields only.
    lines = [{"id": "https://openalex.org/W1", "publication_year": 2001}, {"id": "W2", "publication_year": None}]
    result = read(write(tmp_path, "\n".join(map(json.dumps, lines)), "select.jsonl"))
    assert result.tags == ("UT", "PY")
    assert result.table.to_pydict() == {"UT": ["W1", "W2"], "PY": ["2001", None]}


def test_bare_list_single_work_and_concatenated_pages(tmp_path):
    works = [dict(WORK, id=f"https://openalex.org/W{i}") for i in range(3)]
    listed = read(write(tmp_path, json.dumps(works, indent=1)))
    assert listed.table["UT"].to_pylist() == ["W0", "W1", "W2"] and listed.lines.tolist() == [2, 8, 14]
    single = read(write(tmp_path, json.dumps(works[0], indent=2)))
    assert single.table["UT"].to_pylist() == ["W0"] and single.lines.tolist() == [1]
    pages = "".join(json.dumps({"meta": {"count": 3}, "results": works[i:i + 2]}, indent=2) + "\n" for i in (0, 2))
    both = read(write(tmp_path, pages))
    assert both.table["UT"].to_pylist() == ["W0", "W1", "W2"]
    assert both.lines.tolist() == [6, 12, 25] and both.warnings == ()


def test_a_page_of_a_larger_result_warns(tmp_path):
    page = {"meta": {"count": 5000, "per_page": 200}, "results": [WORK]}
    result = read(write(tmp_path, json.dumps(page)))
    assert result.warnings == ("the query found 5,000 works (meta.count) but the file's pages hold 1: "
                               "the other result pages were not saved?",)


def test_crlf_bom_and_blank_lines(tmp_path):
    path = tmp_path / "crlf.jsonl"
    line = json.dumps(WORK)
    path.write_bytes(b"\xef\xbb\xbf" + f"{line}\r\n\r\n  \r\n{line.replace('W1', 'W2')}\r\n".encode())
    result = read(path)
    assert result.table["UT"].to_pylist() == ["W1", "W2"] and result.lines.tolist() == [1, 4]


def test_surname_first():
    assert surname_first("Fernando Muro") == "Muro, Fernando"
    assert surname_first("Hans-Joachim  Baues") == "Baues, Hans-Joachim"
    assert surname_first("Maria da Silva") == "da Silva, Maria"
    assert surname_first("Ludwig van der Berg") == "van der Berg, Ludwig"
    assert surname_first("Martin Luther King Jr.") == "King, Martin Luther Jr."
    assert surname_first("Muro, F.") == "Muro, F."
    assert surname_first("Aristotle") == "Aristotle"
    assert surname_first("Gabriel García Márquez") == "Márquez, Gabriel García"  # the documented limit


def test_surnames_first_of_a_column_is_surname_first_of_each_name():
    # The vectorised common case and the one-by-one rest, against the definition, name by name:
    # every Lens sample's authors, and what takes the slow path (particles, suffixes, commas,
    # other whitespace than one space, one word, empty names).
    lists = [row["Author/s"] or None for path in sorted((DATA / "lens").glob("*.csv"))
             for row in csv.DictReader(path.open(encoding="utf-8-sig"))]
    lists += ["Maria da Silva; Ludwig van der Berg; x de y", "Martin Luther King Jr.; King Jr; A B III", "Aristotle",
              "", " ", "A  B; A\u00a0B C; A\tB;  A B ; A\u3000B", "Muro, F.; Fernando Muro", "A B; ; C D", None,
              "Ñúñez Ærø Жанғали", "JR Smith Jr", "Jason R. C. Nurse"]
    assert len(lists) == 1032 + 12
    expected = [None if v is None else "; ".join(surname_first(name) for name in v.split("; ")) for v in lists]
    assert surnames_first(pa.chunked_array([lists[:500], lists[500:]])).to_pylist() == expected
    assert expected[-1] == "Nurse, Jason R. C." and expected[-7] == "B, A; C, A B; B, A; B, A; B, A"


def test_abstract_from_the_inverted_index():
    index = {"The": [0, 4], "cat": [1], "sat": [2], "on": [3], "mat.": [5]}
    assert abstract({"abstract_inverted_index": index}) == "The cat sat on The mat."
    assert abstract({"abstract_inverted_index": {}}) is None
    assert abstract({"abstract_inverted_index": None}) is None
    assert abstract({"abstract_inverted_index": {"a": ["x", 1]}}) is None


def test_odd_values_count_as_absent(tmp_path):
    work = {"id": "W1", "doi": "https://doi.org/10.1/X", "display_name": "  ", "title": "T", "publication_year": "bad",
            "publication_date": "1999-02-01", "cited_by_count": True, "type": 3, "authorships": [None, {"author": None}],
            "primary_location": {"source": None}, "host_venue": {"display_name": "Old Venue"}, "keywords": ["kw", 1]}
    row = read(write(tmp_path, json.dumps(work))).table.to_pylist()[0]
    assert row == {"UT": "W1", "DI": "10.1/X", "TI": "T", "AU": None, "SO": "Old Venue", "PY": "1999", "TC": None,
                   "DT": None, "ID": "kw"}  # no AB: no work has an abstract_inverted_index


# -- sniffing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_sniff_and_detect_the_openalex_files(path):
    text = load(path)
    assert OpenAlexJson().sniff(text.head())
    assert detect(text).name == "openalex-json"


def other_samples() -> list[Path]:
    return sorted(p for p in DATA.rglob("*") if p.is_file() and OPENALEX not in p.parents and p.suffix != ".md")


def test_sniff_is_false_for_every_other_sample():
    claimed = [p.name for p in other_samples() if OpenAlexJson().sniff(peek(p, 1 << 16).lstrip("\ufeff"))]
    assert claimed == ["openalex_bad_line.jsonl", "openalex_invalid.json"]  # the damaged OpenAlex files of broken/
    assert len(other_samples()) > 40


@pytest.mark.parametrize("head", [
    '{"network": {"items": [{"id": 1, "url": "https://openalex.org/W1"}]}}',
    '{\n  "config": {"terminology": {}}, "network": {}}',
    '{"info": {"title": "openalex.org/W1"}}',
    '{"meta": {}, "results": []}',
    "[1, 2, 3]",
    "id,display_name,publication_year\nhttps://openalex.org/W1,x,2020\n",
])
def test_sniff_refuses(head):
    assert not OpenAlexJson().sniff(head)


def test_sniff_accepts_works_without_openalex_urls():
    assert OpenAlexJson().sniff('[{"id": "W1", "publication_year": 2001, "authorships": []}]')


# -- damage -------------------------------------------------------------------------------------


def error_of(path: Path) -> str:
    """The one-line error of reading ``path`` as OpenAlex JSON (damaged files may not be recognised)."""
    with pytest.raises(InputError) as err:
        read(path)
    message = str(err.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    return message


def test_invalid_page_names_line_and_column(tmp_path):
    text = PAGE.read_text(encoding="utf-8")
    cut = write(tmp_path, text[: text.index('"publication_year": 2007')])  # cut short inside the 2nd work
    assert error_of(cut) == (f"{cut}: line 600: not valid JSON (Expecting property name enclosed in double quotes "
                             f"at column 7) {EXPECTED}")
    garbage = write(tmp_path, text.replace('"doi": null,', '"doi": null,,', 1), "garbage.json")
    assert error_of(garbage) == (f"{garbage}: line 28: not valid JSON (Expecting property name enclosed in double "
                                 f"quotes at column 19) {EXPECTED}")
    comma = write(tmp_path, '{"meta": {},\n "results": [{"id": "W1"}]\n "x": 1}', "comma.json")
    assert error_of(comma) == f"{comma}: line 3: not valid JSON (Expecting ',' delimiter at column 2) {EXPECTED}"


def test_page_without_results_and_empty_results(tmp_path):
    meta = write(tmp_path, '{\n  "meta": {"count": 0}\n}\n')
    assert error_of(meta) == (f'{meta}: line 1: not a work (no "id") nor a page of works (no "results"); '
                              f"no well-formed work in the file {EXPECTED}")
    empty = write(tmp_path, '{"meta": {"count": 0}, "results": []}', "empty.json")
    assert error_of(empty) == f"{empty}: line 1: no works (an empty list of results) {EXPECTED}"
    api_error = write(tmp_path, '{"error": "Invalid query parameters error.", "message": "x"}', "error.json")
    assert error_of(api_error) == (f"{api_error}: line 1: an OpenAlex API error, not works ('Invalid query "
                                   f"parameters error.'); no well-formed work in the file {EXPECTED}")


def test_bad_json_lines_are_skipped(tmp_path):
    good = LINES.read_text(encoding="utf-8").split("\n")
    lines = [good[0], good[1][:500], "garbage", good[2], '"a string"', json.dumps({"title": "no id"}),
             json.dumps({"id": "https://openalex.org/A5015527081"}), good[3][:-1] + "}}", good[4][:1000]]
    path = write(tmp_path, "\n".join(lines), "damaged.jsonl")
    result = read(path)
    assert result.table.num_rows == 2 and result.lines.tolist() == [1, 4]
    assert result.skipped == (
        Skip(str(path), 2, "not valid JSON (Unterminated string starting at column 489)"),
        Skip(str(path), 3, "not valid JSON (Expecting value at column 1)"),
        Skip(str(path), 5, "not a work: a JSON string, not an object"),
        Skip(str(path), 6, "work without an id"),
        Skip(str(path), 7, "not an OpenAlex work (id 'https://openalex.org/A5015527081')"),
        Skip(str(path), 8, f"not valid JSON (Extra data at column {len(good[3]) + 1})"),
        Skip(str(path), 9, "not valid JSON (Expecting property name enclosed in double quotes at column 1001)"),
    )


def test_a_line_cut_inside_a_list_does_not_swallow_the_next(tmp_path):
    # The cut line's open list would take the next line's work as an element: the next line is kept.
    path = write(tmp_path, '{"id": "W1", "keywords": [1,\n' + json.dumps(WORK) + "\n", "cut.jsonl")
    result = read(path)
    assert result.table["UT"].to_pylist() == ["W1"] and result.lines.tolist() == [2]
    assert result.skipped == (Skip(str(path), 1, "not valid JSON (Expecting value at column 29)"),)


def test_every_line_bad_is_an_error(tmp_path):
    path = write(tmp_path, '{"id": "https://openalex.org/W1"}}\n{"title": "no id"}\n', "bad.jsonl")
    assert error_of(path) == (f"{path}: line 1: not valid JSON (Extra data at column 34); "
                              f"no well-formed work in the file {EXPECTED}")


def test_cut_lines_that_look_like_no_json_lines_are_a_document_error(tmp_path):
    # No line holds a whole object: the file is taken as one pretty-printed value, and json says where it breaks.
    path = write(tmp_path, '{"id": "W1", "x": \n{"id": "W2"\n', "cut.jsonl")
    assert error_of(path) == f"{path}: line 3: not valid JSON (Expecting ',' delimiter at column 1) {EXPECTED}"


def test_authors_page_is_not_works(tmp_path):
    path = write(tmp_path, json.dumps({"meta": {"count": 1}, "results": [{"id": "https://openalex.org/A1",
                                                                            "display_name": "X"}]}))
    assert error_of(path) == (f"{path}: line 1: not an OpenAlex work (id 'https://openalex.org/A1'); "
                              f"no well-formed work in the file {EXPECTED}")


def test_deep_nesting_is_no_crash(tmp_path):
    deep = write(tmp_path, '{"id": "https://openalex.org/W1", "x": ' + "[" * 100_000 + "]" * 100_000 + "}", "deep.json")
    assert "not valid JSON" in error_of(deep)


# -- gzip in the text opener -------------------------------------------------------------------


def test_damaged_gzip_is_a_one_line_error(tmp_path):
    data = LINES_GZ.read_bytes()
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) // 2])
    assert error_of(cut) == f"{cut}: damaged gzip file (Compressed file ended before the end-of-stream marker was reached)"
    crc = tmp_path / "crc.jsonl.gz"
    crc.write_bytes(data[:-8] + b"\0\0\0\0" + data[-4:])
    assert error_of(crc) == f"{crc}: damaged gzip file (CRC check failed)"
    assert peek(cut).startswith('{"id": "https://openalex.org/W3122893125"')  # the start still shows


def test_gzipped_wos_export_reads():
    path = DATA / "broken" / "gzipped_export.txt.gz"
    text = load(path)
    assert (text.encoding, text.newline) == ("utf-8-sig (gzip)", "CRLF")
    reader, _, result = read_file(str(path), columns=("UT", "DE"))
    assert (reader.name, result.table.num_rows, result.skipped) == ("wos-tab", 5, ())


def test_gzipped_utf16_and_empty(tmp_path):
    utf16 = tmp_path / "utf16.txt.gz"
    utf16.write_bytes(gzip.compress("\ufeffPT\tUT\r\nJ\tWOS:1\r\n".encode("utf-16-le")))
    text = load(utf16)
    assert (text.encoding, text.newline, text.data) == ("utf-16le (gzip)", "CRLF", b"PT\tUT\r\nJ\tWOS:1\r\n")
    empty = tmp_path / "empty.gz"
    empty.write_bytes(gzip.compress(b""))
    with pytest.raises(InputError, match=r"empty.gz: file is empty \(expected a Web of Science export\)$"):
        load(empty)


def test_extract_counts_match_the_reader_table():
    # The same counts from the reader's own table, without the corpus (dedup, cleaning of columns).
    records = read(PAGE).table.to_pandas()
    counts = extract(records, "indexed").counts()
    assert counts.iloc[0].tolist() == ["mathematics", 57]


def test_list_with_one_work_a_line_is_a_document(tmp_path):
    works = [json.dumps(dict(WORK, id=f"https://openalex.org/W{i}")) for i in range(3)]
    result = read(write(tmp_path, "[\n" + ",\n".join(works) + "\n]\n"))
    assert result.table["UT"].to_pylist() == ["W0", "W1", "W2"] and result.lines.tolist() == [2, 3, 4]
    assert result.skipped == ()


def test_json_lines_with_a_damaged_first_line(tmp_path):
    path = write(tmp_path, '{"id": "https://openalex.org/W0", "ti\n' + json.dumps(WORK) + "\n", "first.jsonl")
    result = read(path)
    assert result.table["UT"].to_pylist() == ["W1"] and result.lines.tolist() == [2]
    assert result.skipped == (Skip(str(path), 1, "not valid JSON (Unterminated string starting at column 35)"),)


@pytest.mark.parametrize("pretty", [True, False], ids=["page", "lines"])
def test_every_cut_is_read_or_a_one_line_error(tmp_path, pretty):
    works = raw_works(PAGE)[:3]
    whole = (json.dumps({"meta": {"count": 3}, "results": works}, indent=2) if pretty
             else "".join(json.dumps(w) + "\n" for w in works))
    path = tmp_path / "cut.json"
    for cut in range(1, len(whole), 997):
        path.write_text(whole[:cut], encoding="utf-8")
        try:
            result = read(path)
        except InputError as err:
            assert "\n" not in str(err) and str(err).startswith(f"{path}: line ")
            assert pretty or "\n" not in whole[:cut]  # JSON Lines: only a cut inside the first work
            continue
        assert not pretty  # a page cut short is no JSON
        complete = whole[:cut].count("\n")
        assert result.lines.tolist() == list(range(1, complete + 1))
        assert [s.line for s in result.skipped] == ([complete + 1] if not whole[:cut].endswith("\n") else [])
