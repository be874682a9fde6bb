"""Readers: decoding, format detection, and the WoS tab-delimited and plain-text parsers."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bibnet.errors import InputError
from bibnet.readers import READERS, ReadResult, Text, decode, detect, load, read_file
from bibnet.readers import text as text_module
from bibnet.readers.wos_plain import WosPlain
from bibnet.readers.wos_tab import WosTab
from bibnet.sources import SOURCES

DATA = Path(__file__).parent / "data" / "wos"
COLUMNS = ("UT", "DI", "TI", "SO", "DT", "DE", "ID", "PY", "TC", "Z9", "DA")


def read_bytes(data: bytes, columns=COLUMNS, path: str = "test.txt") -> ReadResult:
    text = decode(data, path=path)
    return detect(text).read(text, columns=columns)


# -- decoding ------------------------------------------------------------------------------

CONTENT = "PT\tTI\tUT\nJ\tCaf\u00e9 \u2013 \U0001f600 \ufffd\tWOS:1\t\n"


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (CONTENT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + CONTENT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + CONTENT.encode("utf-16-le"), "utf-16le"),
        (codecs.BOM_UTF16_BE + CONTENT.encode("utf-16-be"), "utf-16be"),
    ],
)
def test_decode_encodings_give_the_same_utf8(raw, encoding):
    text = decode(raw, path="x")
    assert text.encoding == encoding
    assert text.data == CONTENT.encode("utf-8")
    assert text.newline == "LF"


def test_decode_bomless_utf16_ascii():
    text = decode("PT\tUT\nJ\tWOS:1\n".encode("utf-16-le"), path="x")
    assert text.encoding == "utf-16le (no BOM)"
    assert text.data == b"PT\tUT\nJ\tWOS:1\n"


@pytest.mark.parametrize(
    ("raw", "newline", "data"),
    [
        (b"a\r\nb\r\n", "CRLF", b"a\r\nb\r\n"),
        (b"a\nb\n", "LF", b"a\nb\n"),
        (b"a\rb\r", "CR", b"a\nb\n"),  # old Mac exports: lone CR
        (b"a\r\nb\nc\r\n", "mixed", b"a\r\nb\nc\r\n"),
        (b"a\r\nb\rc\r\n", "mixed", b"a\nb\nc\n"),  # a stray CR is a line end, as in an editor
        (b"abc", "", b"abc"),
    ],
)
def test_line_ends(raw, newline, data):
    text = decode(raw, path="x")
    assert (text.newline, text.data) == (newline, data)
    assert text.lf() == data.replace(b"\r\n", b"\n")
    # UTF-16: the transcoder counts the line ends on its way
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        text = decode(bom + raw.decode().encode(codec), path="x")
        assert (text.newline, text.data) == (newline, data)


def test_decode_keeps_unicode_line_separators():
    # U+2028, U+0085 and form feed are text inside a field, not line ends.
    raw = "PT\tTI\nJ\ta\u2028b\x85c\x0cd\n".encode("utf-8")
    assert decode(raw, path="x").data == raw


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "file is empty"),
        (codecs.BOM_UTF8, "file is empty"),
        (b" \r\n\n", "file is empty"),
        (b"PT\x00\x01\x02\xff" * 10, "binary file"),
        (codecs.BOM_UTF16_LE + b"P\x00T\x00\t", "truncated UTF-16 file (odd number of bytes)"),
        (codecs.BOM_UTF16_LE + "PT\n".encode("utf-16-le") + b"\x00\xd8", "line 2: truncated UTF-16 file"),
        (codecs.BOM_UTF16_LE + "P\n\n".encode("utf-16-le") + b"\x00\xdcA\x00", "line 3: invalid UTF-16"),
        (b"PT\tTI\nJ\tCaf\xe9\n", "line 2: not valid UTF-8"),
    ],
)
def test_decode_errors(raw, message):
    with pytest.raises(InputError, match=re.escape(message)) as err:
        decode(raw, path="some/file.txt")
    assert str(err.value).startswith("some/file.txt: ")
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (codecs.BOM_UTF16_LE + "PT\tTI\n".encode("utf-16-le") + b"\x00", "truncated UTF-16 file (odd number of bytes)"),
        (codecs.BOM_UTF16_LE + "PT\n".encode("utf-16-le") + b"\x00\xdcA\x00", "line 2: invalid UTF-16"),
        (codecs.BOM_UTF16_BE, "file is empty"),
    ],
)
def test_load_utf16_errors_from_the_memory_map(tmp_path, raw, message):
    """UTF-16 files are transcoded from a memory map: errors still name file and line."""
    path = tmp_path / "savedrecs.txt"
    path.write_bytes(raw)
    with pytest.raises(InputError, match=re.escape(message)) as err:
        load(str(path))
    assert str(err.value).startswith(str(path)) and "\n" not in str(err.value)
    path.unlink()  # the map is gone with the error: the file can be removed


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300))
def test_utf16_transcoder_matches_codecs(s):
    for big in (False, True):
        raw = s.encode("utf-16-be" if big else "utf-16-le")
        data, (cr, crlf, lf) = text_module._utf16_to_utf8(raw, big_endian=big, path="x")
        assert data == s.encode("utf-8")
        assert (cr, crlf, lf) == (s.count("\r"), s.count("\r\n"), s.count("\n"))


#: Pieces whose joins fall on and around the transcoder's 128-unit blocks: ASCII runs of
#: every length near a block, line ends, and characters of 2, 3 and 4 UTF-8 bytes.
_BLOCK_PIECES = ["x" * k for k in (1, 63, 126, 127, 128, 129, 255)] + ["\r\n", "\r", "\n", "é", "漢", "😀"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_BLOCK_PIECES), max_size=40))
def test_utf16_transcoder_at_block_edges(pieces):
    """ASCII blocks are copied whole: a character or a surrogate pair at a block's edge still comes out right."""
    s = "".join(pieces)
    data, (cr, crlf, lf) = text_module._utf16_to_utf8(s.encode("utf-16-le"), big_endian=False, path="x")
    assert data == s.encode("utf-8")
    assert (cr, crlf, lf) == (s.count("\r"), s.count("\r\n"), s.count("\n"))


@pytest.mark.parametrize("ascii_before", [0, 127, 128, 300])
def test_utf16_transcoder_finds_an_unpaired_surrogate_after_ascii_blocks(ascii_before):
    raw = ("x" * ascii_before + "\n\ud800x").encode("utf-16-le", "surrogatepass")
    with pytest.raises(InputError, match="x: line 2: invalid UTF-16"):
        text_module._utf16_to_utf8(raw, big_endian=False, path="x")


def test_load_reads_bom_and_reports_encoding():
    text = load(str(DATA / "tab" / "wosfile_wos_tab_delimited_win_utf16.txt"))
    assert (text.encoding, text.newline) == ("utf-16le", "CRLF")
    assert text.data.startswith(b"PT\tAU\t")
    with pytest.raises(InputError, match="cannot read file"):
        load(str(DATA / "no such file.txt"))


# -- format detection ----------------------------------------------------------------------


def test_registry_has_one_reader_per_format():
    assert [r.name for r in READERS] == ["wos-tab", "wos-plain", "scopus-csv", "lens-csv", "dimensions-csv",
                                         "openalex-csv", "pubmed", "ris", "bibtex", "openalex-json"]
    assert {r.source for r in READERS} <= set(SOURCES)
    for reader in READERS:
        assert reader.expected


@pytest.mark.parametrize(
    ("head", "name"),
    [
        ("PT\tAU\tTI\n", "wos-tab"),
        ("FN Clarivate Analytics Web of Science\nVR 1.0\n", "wos-plain"),
        ("FN Thomson Reuters Web of Knowledge\nVR 1.0\n", "wos-plain"),
        ("PT J\nAU Smith, J\n", "wos-plain"),  # plain text without the FN header (.ciw)
    ],
)
def test_detect_by_content(head, name):
    assert detect(Text("x", head.encode(), "utf-8", "LF")).name == name


@pytest.mark.parametrize(
    ("head", "message"),
    [
        ('"PT"\t"AU"\n"J"\t"Smith"\n', "double quotes"),
        ("hello world\n", "not an export bibnet reads"),
    ],
)
def test_detect_explains_what_it_found(head, message):
    with pytest.raises(InputError, match=message) as err:
        detect(Text("f.csv", head.encode(), "utf-8", "LF"))
    assert str(err.value).startswith("f.csv: ")
    assert "expected an export of Web of Science" in str(err.value)


def test_a_new_format_is_one_registry_line(monkeypatch):
    """A reader registered in READERS is found by content and dispatched to."""

    class Scopus:
        name = "scopus-csv"
        expected = "Scopus CSV"

        def sniff(self, head: str) -> bool:
            return head.startswith("Authors,")

        def read(self, text, *, columns):
            return ReadResult(pa.table({"TI": ["t"]}), np.array([2]), ("TI",))

    import bibnet.readers as readers

    monkeypatch.setattr(readers, "READERS", (*readers.READERS, Scopus()))
    text = Text("s.csv", b"Authors,Title\nA,t\n", "utf-8", "LF")
    assert detect(text).name == "scopus-csv"


# -- tab-delimited ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encoding", "newline", "records", "de", "id_"),
    [
        ("tab/wosfile_wos_tab_delimited_win_utf16.txt", "utf-16le", "CRLF", 50, 24, 41),
        ("tab/wosfile_wos_tab_delimited_win_utf8.txt", "utf-8-sig", "LF", 50, 24, 41),
        ("tab/rmp_savedrecs.txt", "utf-8-sig", "LF", 471, 396, 297),
        ("tab/labnetwork_savedrecs.txt", "utf-8-sig", "CRLF", 212, 92, 164),
        ("tab/ecolmodellingqrps_savedrecs.txt", "utf-16le", "CR", 10, 8, 10),
        ("edge_cases/ecolmodellingqrps_savedrecs-search_2019-02-13.txt", "utf-16le", "CR", 243, 0, 0),
        ("edge_cases/pavement_defect_analysis_savedrecs.txt", "utf-8-sig", "CRLF", 38, 0, None),
        ("edge_cases/whs_climate_savedrecs_1.txt", "utf-16le", "CR", 161, None, None),
        ("imaginaries/imaginaries_savedrecs_8.txt", "utf-8-sig", "CRLF", 204, 0, 0),
    ],
)
def test_tab_files(name, encoding, newline, records, de, id_):
    reader, text, result = read_file(str(DATA / name), columns=COLUMNS)
    assert reader.name == "wos-tab"
    assert (text.encoding, text.newline) == (encoding, newline)
    assert result.table.num_rows == records
    assert result.skipped == ()
    # One record per line after the header, whatever the line ends.
    assert result.lines.tolist() == list(range(2, records + 2))
    for tag, filled in (("DE", de), ("ID", id_)):
        if filled is None:
            assert tag not in result.tags and tag not in result.table.column_names
        else:
            assert result.table.num_rows - result.table[tag].null_count == filled


def test_tab_columns_are_found_by_tag_whatever_the_layout():
    # Three layouts: 59 columns ending 'GA UT', 68 ending 'HP DA', 71 with UT last.
    for name, last in (
        ("tab/wosfile_wos_tab_delimited_win_utf8.txt", "UT"),
        ("tab/labnetwork_savedrecs.txt", "DA"),
        ("tab/rmp_savedrecs.txt", "UT"),
    ):
        _, _, result = read_file(str(DATA / name), columns=("UT", "PY"))
        assert result.tags[-1] == last
        assert all(str(ut).startswith("WOS:") for ut in result.table["UT"].to_pylist())
        assert all(1900 < int(py) < 2030 for py in result.table["PY"].drop_null().to_pylist())


def test_tab_no_quoting_double_quotes_are_text():
    path = DATA / "tab" / "rmp_savedrecs.txt"
    tags = read_file(str(path), columns=())[2].tags
    table = read_file(str(path), columns=tags)[2].table
    with_quote = np.zeros(table.num_rows, dtype=bool)
    for col in table.columns:
        with_quote |= np.array(['"' in (v or "") for v in col.to_pylist()])
    assert with_quote.sum() == 79  # rows with a '"' (SOURCES.md: rows_with_doublequote)


def test_tab_literal_replacement_character_is_kept():
    _, _, result = read_file(str(DATA / "tab" / "rmp_savedrecs.txt"), columns=("CR",))
    assert sum("\ufffd" in (v or "") for v in result.table["CR"].to_pylist()) == 1


def test_tab_repeated_tag_takes_first_non_empty():
    _, _, result = read_file(str(DATA / "edge_cases" / "pavement_defect_analysis_savedrecs.txt"), columns=("AU", "UT"))
    assert result.tags.count("AU") == 1
    assert "tag AU appears 2 times in the header; the first non-empty value is used" in result.warnings
    assert result.table["AU"].null_count == 0
    prefixes = sorted({ut.split(":")[0] for ut in result.table["UT"].to_pylist()})
    assert prefixes == ["DIIDW", "KJD", "WOS"]


def test_tab_rows_with_and_without_trailing_tab_mix():
    raw = b"PT\tTI\tUT\nJ\tone\tWOS:1\t\nJ\ttwo\tWOS:2\nJ\tthree\tWOS:3\t\n"
    result = read_bytes(raw)
    assert result.table["TI"].to_pylist() == ["one", "two", "three"]
    assert result.lines.tolist() == [2, 3, 4]


def test_tab_odd_rows_are_rescued_or_skipped():
    # Most rows have no trailing tab here; a row with one is rescued, unless the extra field has text.
    raw = b"PT\tTI\tUT\nJ\tone\tWOS:1\nJ\ttwo\tWOS:2\t\nJ\tthree\tWOS:3\tjunk\nJ\tfour\tWOS:4\n"
    result = read_bytes(raw)
    assert result.table["TI"].to_pylist() == ["one", "two", "four"]
    assert result.lines.tolist() == [2, 3, 5]
    assert [(s.line, s.reason) for s in result.skipped] == [
        (4, "one field more than the header has tags (a tab inside a field?)")
    ]
    with pytest.raises(InputError, match="line 3: not valid UTF-8"):
        read_bytes(b"PT\tTI\tUT\nJ\tone\tWOS:1\nJ\tt\xe9\tWOS:2\t\nJ\tx\tWOS:3\n")


def test_tab_blank_lines_are_not_records_but_count_for_line_numbers():
    raw = b"PT\tTI\tUT\n\nJ\tone\tWOS:1\t\n\n\nJ\ttwo\tWOS:2\t\n  \n"
    result = read_bytes(raw)
    assert result.lines.tolist() == [3, 6]
    assert result.skipped == ()


def test_tab_malformed_rows_are_skipped_with_line():
    rows = [
        "J\tone\tWOS:1\t",
        "J\ttwo",  # too few fields
        "J\tthree\tWOS:3\tjunk",  # text past the last tag
        "J\tfour\tWOS:4\t\t\t",  # too many fields
        "\t\t\t",  # nothing in it
        "J\tfive\tWOS:5\t",
        "J\tsi",  # last line cut short
    ]
    result = read_bytes(("PT\tTI\tUT\n" + "\n".join(rows)).encode())
    assert result.table["TI"].to_pylist() == ["one", "five"]
    assert result.lines.tolist() == [2, 7]
    assert [(s.line, s.reason.split(":")[0]) for s in result.skipped] == [
        (3, "malformed record"),
        (4, "one field more than the header has tags (a tab inside a field?)"),
        (5, "malformed record"),
        (6, "empty record (no value in any field read)"),
        (8, "truncated record (file cut short?)"),
    ]


def test_tab_line_longer_than_a_parser_block():
    title = "long " * 300_000
    result = read_bytes(f"PT\tTI\tUT\nJ\t{title}\tWOS:1\t\nJ\tb\tWOS:2\t\n".encode())
    assert result.table["TI"].to_pylist() == [title, "b"]


def test_tab_invalid_utf8_in_a_read_column_names_the_line():
    raw = codecs.BOM_UTF8 + b"PT\tTI\tUT\nJ\tok\tWOS:1\nJ\tCaf\xe9\tWOS:2\n"
    with pytest.raises(InputError, match=r"^x\.txt: line 3: not valid UTF-8"):
        read_bytes(raw, path="x.txt")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"PT\tTI\tUT\n", "header line but no records"),
        (b"PT\tTitle\tUT\nJ\tt\tWOS:1\n", "line 1: header field 'Title' is not a Web of Science field tag"),
        (b"PT\tTI\tUT\tPY\tDE\nJ\tt\nJ\n", "line 2: 2 fields where the header has 5 tags; no well-formed record"),
        (b"PT\tTI\tUT\n\t\t\n", "no well-formed record \\(line 2: empty record"),
    ],
)
def test_tab_errors(raw, message):
    with pytest.raises(InputError, match=message):
        read_bytes(raw)


# -- plain text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "records", "de", "id_", "first_line"),
    [
        ("plaintext/wosfile_wos_plaintext.txt", 50, 24, 41, 3),
        ("plaintext/metaknowledge_savedrecs.txt", 32, 3, 10, 3),
    ],
)
def test_plain_files(name, records, de, id_, first_line):
    reader, text, result = read_file(str(DATA / name), columns=COLUMNS)
    assert reader.name == "wos-plain"
    assert text.encoding == "utf-8-sig"
    assert result.table.num_rows == records
    assert result.skipped == () and result.warnings == ()
    assert result.lines[0] == first_line
    assert records - result.table["DE"].null_count == de
    assert records - result.table["ID"].null_count == id_


def test_same_50_records_tab_utf8_utf16_and_plain_text_agree():
    """DE and ID (and every other field read) are identical across the three exports."""
    columns = (*COLUMNS, "AB", "AU", "AF", "C1", "CR", "WC", "FU", "EM")
    tables = {}
    for name in (
        "tab/wosfile_wos_tab_delimited_win_utf8.txt",
        "tab/wosfile_wos_tab_delimited_win_utf16.txt",
        "plaintext/wosfile_wos_plaintext.txt",
    ):
        table = read_file(str(DATA / name), columns=columns)[2].table
        tables[name] = table.sort_by("UT")
    utf8, utf16, plain = tables.values()
    assert utf8.num_rows == 50
    assert utf8.column_names == [c for c in columns if c != "DA"]  # a 2013 export: no DA yet
    for tag in utf8.column_names:
        assert utf8[tag].to_pylist() == utf16[tag].to_pylist() == plain[tag].to_pylist(), tag


PLAIN = """FN Clarivate Analytics Web of Science
VR 1.0
PT J
AU Smith, J
   Doe, A
TI A title that is
   wrapped
DE climate
   change; sea level; ocean acid
   ification
ID OCEAN; CLIMATE
PY 2020
TC 3
UT WOS:1
ER

PT J
TI Second
PY
UT WOS:2
ER

EF
"""


def test_plain_continuation_lines_join_with_one_space_or_semicolon():
    result = read_bytes(PLAIN.encode(), columns=(*COLUMNS, "AU"))
    row = result.table.slice(0, 1).to_pylist()[0]
    assert row["DE"] == "climate change; sea level; ocean acid ification"  # never "; "-joined
    assert row["TI"] == "A title that is wrapped"
    assert row["AU"] == "Smith, J; Doe, A"  # one author per line
    assert row["ID"] == "OCEAN; CLIMATE"
    second = result.table.slice(1, 1).to_pylist()[0]
    assert second["PY"] is None and second["DE"] is None  # empty or missing tag -> null
    assert result.lines.tolist() == [3, 17]


def test_plain_crlf_cr_and_no_bom_read_the_same():
    base = read_bytes(PLAIN.encode())
    crlf, cr = PLAIN.replace("\n", "\r\n"), PLAIN.replace("\n", "\r")
    for raw in (crlf.encode(), cr.encode(), codecs.BOM_UTF8 + PLAIN.encode()):
        other = read_bytes(raw)
        assert other.table.equals(base.table)
        assert other.lines.tolist() == base.lines.tolist()


def test_plain_without_header_and_ef():
    body = PLAIN.split("VR 1.0\n", 1)[1].replace("EF\n", "")
    result = read_bytes(body.encode())
    assert result.table["UT"].to_pylist() == ["WOS:1", "WOS:2"]
    assert result.lines.tolist() == [1, 15]
    assert result.warnings == ("no EF line at the end: the file may be cut short",)


def test_plain_malformed_records_are_skipped():
    broken = PLAIN.replace("TI Second\n", "TI Second\nnot a field line\n")
    result = read_bytes(broken.encode())
    assert result.table["UT"].to_pylist() == ["WOS:1"]
    assert [(s.line, s.reason) for s in result.skipped] == [(17, "line 19 is not a field (no two-letter tag)")]

    cut = PLAIN[: PLAIN.index("UT WOS:2")]
    result = read_bytes(cut.encode())
    assert result.table["UT"].to_pylist() == ["WOS:1"]
    assert [(s.line, s.reason) for s in result.skipped] == [(17, "truncated record: no ER line (file cut short?)")]


def test_plain_errors():
    with pytest.raises(InputError, match="no records"):
        read_bytes(b"FN Clarivate Analytics Web of Science\nVR 1.0\nEF\n")
    with pytest.raises(InputError, match="no well-formed record"):
        read_bytes(b"FN x\nVR 1.0\nPT J\nTI cut")
    with pytest.raises(InputError, match="line 5: not valid UTF-8"):
        read_bytes(codecs.BOM_UTF8 + b"FN x\nVR 1.0\nPT J\nUT WOS:1\nTI Caf\xe9\nER\nEF\n")


def test_reader_objects_are_reusable():
    assert isinstance(READERS[0], WosTab) and isinstance(READERS[1], WosPlain)
    first = read_bytes(PLAIN.encode())
    second = read_bytes(PLAIN.encode())
    assert first.table.equals(second.table)
