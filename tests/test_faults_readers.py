"""Damaged exports in the two Web of Science readers: each ends in a correct read, or in a skip or a
warning naming file, line and reason; never in records merged, shifted or dropped in silence.

Every input is built in ``tmp_path`` from a real export in ``tests/data/wos``: an ``ER`` line lost
or mangled, a tag twice in a record, a tab lost in a row, two exports joined into one file.
"""

from __future__ import annotations

import codecs
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

import bibnet
from bibnet.errors import InputError

WOS = Path(__file__).parent / "data" / "wos"
PLAIN = WOS / "plaintext" / "wosfile_wos_plaintext.txt"  # UTF-8 BOM, LF, 50 records
LABNETWORK = WOS / "tab" / "labnetwork_savedrecs.txt"  # UTF-8 BOM, CRLF, 67 tags + trailing tab
WOSFILE_TAB = WOS / "tab" / "wosfile_wos_tab_delimited_win_utf8.txt"  # UTF-8 BOM, LF, 59 tags + trailing tab
ECOL_UTF16 = WOS / "tab" / "ecolmodellingqrps_savedrecs.txt"  # UTF-16LE, lone CR, 68 tags + trailing tab
IMAGINARIES = WOS / "imaginaries" / "imaginaries_savedrecs_8.txt"  # UTF-8 BOM, CRLF, 58 tags + trailing tab

#: The first three records of PLAIN: lines 3-107, 109-207 and 209-337 (ER at 107, 207, 337).
UT3 = ["WOS:000220015600001", "WOS:000243494600113", "WOS:000285831700110"]


@dataclass(frozen=True)
class Outcome:
    """What bibnet.read made of one file."""

    read: int
    kept: int
    duplicates: int
    skipped: tuple[tuple[int, str], ...]
    warnings: tuple[str, ...]
    uts: tuple[str | None, ...]


def outcome(path: Path, **options) -> Outcome:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the skip warning is checked through the report
        corpus = bibnet.read(path, **options)
    report = corpus.report
    assert report.records_read == report.records + report.duplicates + report.skipped
    assert all(s.file == str(path) for s in report.skipped_detail)
    uts = tuple(None if pd.isna(ut) else ut for ut in corpus.records["UT"].tolist())
    return Outcome(
        read=report.records_read,
        kept=report.records,
        duplicates=report.duplicates,
        skipped=tuple((s.line, s.reason) for s in report.skipped_detail),
        warnings=report.files[0].warnings,
        uts=uts,
    )


def plain_lines(n_records: int = 3) -> list[bytes]:
    """The header and first records of PLAIN, then a blank line and EF (each line without its LF)."""
    lines = PLAIN.read_bytes().split(b"\n")
    ends = [i for i, line in enumerate(lines) if line == b"ER"]
    return lines[: ends[n_records - 1] + 1] + [b"", b"EF"]


def write(path: Path, lines: list[bytes], sep: bytes = b"\n") -> Path:
    path.write_bytes(sep.join(lines) + sep)
    return path


def records(path: Path) -> dict[str, dict]:
    """The records of a file by UT (DE, ID, PY, line)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = bibnet.read(path).records
    return {row.UT: {"DE": row.DE, "ID": row.ID, "PY": row.PY, "line": row.line} for row in frame.itertuples()}


# -- plain text: a record's ER line lost or mangled --------------------------------------------------------


PT_208 = "line 208: PT inside a record (its ER line missing?): a new record starts there"


def test_plain_er_missing_splits_at_pt(tmp_path):
    lines = plain_lines()
    clean = records(write(tmp_path / "clean.txt", lines))
    damaged = write(tmp_path / "no_er.txt", lines[:206] + lines[207:])  # line 207 (ER) gone
    assert outcome(damaged) == Outcome(3, 3, 0, (), (PT_208,), tuple(UT3))
    got = records(damaged)
    # The second record keeps its own keywords (today they were the first one's, its UT lost).
    for ut in UT3:
        assert {k: v for k, v in got[ut].items() if k != "line"} == {k: v for k, v in clean[ut].items() if k != "line"}
    assert [got[ut]["line"] for ut in UT3] == [3, 109, 208]


def test_plain_er_turned_into_another_tag(tmp_path):
    lines = plain_lines()
    damaged = write(tmp_path / "er_ex.txt", lines[:206] + [b"EX"] + lines[207:])
    warning = "line 209: PT inside a record (its ER line missing?): a new record starts there"
    assert outcome(damaged) == Outcome(3, 3, 0, (), (warning,), tuple(UT3))


def test_plain_er_turned_into_ef(tmp_path):
    lines = plain_lines()
    damaged = write(tmp_path / "er_ef.txt", lines[:206] + [b"EF"] + lines[207:])
    warning = "line 207: EF inside a record (its ER line missing?): the record ends there"
    assert outcome(damaged) == Outcome(3, 3, 0, (), (warning,), tuple(UT3))


def test_plain_er_turned_into_an_empty_pt(tmp_path):
    """A bare ``PT`` (no type) starts nothing: the ``PT J`` after it does, and no empty record is counted."""
    lines = plain_lines()
    damaged = write(tmp_path / "er_pt.txt", lines[:206] + [b"PT"] + lines[207:])
    warnings = ("line 209: PT inside a record (its ER line missing?): a new record starts there",
                "tag PT appears 2 times in the record at line 109 (lines 109 and 207); the first value is used")
    assert outcome(damaged) == Outcome(3, 3, 0, (), warnings, tuple(UT3))


def test_plain_er_and_pt_missing_split_at_the_second_ut(tmp_path):
    lines = plain_lines()
    damaged = write(tmp_path / "no_er_pt.txt", lines[:206] + lines[209:])  # ER, blank line and PT J gone
    warning = ("line 333: a second UT in the record of line 109 (its ER and PT lines missing?): "
               "a new record starts at line 207")
    assert outcome(damaged) == Outcome(3, 3, 0, (), (warning,), tuple(UT3))
    got = records(damaged)
    clean = records(write(tmp_path / "clean.txt", lines))
    assert got[UT3[2]]["ID"] == clean[UT3[2]]["ID"] and got[UT3[1]]["ID"] == clean[UT3[1]]["ID"]
    assert got[UT3[2]]["line"] == 207  # the third record starts at its AU line, where its PT was


def test_plain_every_er_missing(tmp_path):
    damaged = write(tmp_path / "no_er_at_all.txt", [line for line in plain_lines() if line != b"ER"])
    assert outcome(damaged) == Outcome(3, 3, 0, (), (
        "line 336: EF inside a record (its ER line missing?): the record ends there",
        "lines 108 and 207: PT inside a record (its ER line missing?): a new record starts at each",
    ), tuple(UT3))


def test_plain_last_er_and_ef_missing_is_still_a_truncated_record(tmp_path):
    lines = plain_lines()
    damaged = write(tmp_path / "cut.txt", lines[:336])  # cut after the third record's UT line
    assert outcome(damaged) == Outcome(
        3, 2, 0, ((209, "truncated record: no ER line (file cut short?)"),), (), tuple(UT3[:2])
    )


def test_plain_strict_does_not_stop_at_a_warning(tmp_path):
    lines = plain_lines()
    damaged = write(tmp_path / "no_er.txt", lines[:206] + lines[207:])
    assert len(bibnet.read(damaged, strict=True)) == 3


# -- plain text: a tag twice in one record ------------------------------------------------------------------


def test_plain_repeated_tag_keeps_the_first_value_and_says_so(tmp_path):
    lines = plain_lines()
    assert lines[12].startswith(b"DE knowledge networks")  # line 13, the first record's DE (two lines)
    damaged = write(tmp_path / "two_de.txt", lines[:14] + [b"DE second; list"] + lines[14:])
    warning = "tag DE appears 2 times in the record at line 3 (lines 13 and 15); the first value is used"
    assert outcome(damaged) == Outcome(3, 3, 0, (), (warning,), tuple(UT3))
    clean = records(write(tmp_path / "clean.txt", lines))
    assert records(damaged)[UT3[0]]["DE"] == clean[UT3[0]]["DE"]


def test_plain_repeated_tag_in_several_records(tmp_path):
    lines = plain_lines()
    # An ID line added at the end of the first and of the second record (before UT).
    damaged = write(tmp_path / "two_id.txt", lines[:105] + [b"ID EXTRA"] + lines[105:205] + [b"ID EXTRA"] + lines[205:])
    warning = "tag ID appears more than once in 2 records (lines 3 and 110); the first value of each is used"
    assert outcome(damaged) == Outcome(3, 3, 0, (), (warning,), tuple(UT3))


def test_plain_repeated_tag_not_read_is_not_reported(tmp_path):
    lines = plain_lines()
    damaged = write(tmp_path / "two_la.txt", lines[:11] + [b"LA French"] + lines[11:])  # LA is not read
    assert outcome(damaged) == Outcome(3, 3, 0, (), (), tuple(UT3))


# -- plain text: two exports in one file ------------------------------------------------------------------


HEADER_341 = "line 341: a second FN/VR header (two exports in one file?): the records after it are read too"


def test_plain_two_exports_joined(tmp_path):
    lines = plain_lines()
    joined = write(tmp_path / "joined.txt", lines + [b""] + lines)  # the second one with its BOM
    assert outcome(joined) == Outcome(6, 3, 3, (), (HEADER_341,), tuple(UT3))


def test_plain_two_exports_joined_byte_for_byte_without_final_line_end(tmp_path):
    """``cat`` of exports that end ``EF`` without a line end: the second BOM and FN follow EF."""
    data = b"\n".join(plain_lines())  # no final LF
    joined = tmp_path / "cat.txt"
    joined.write_bytes(data + data + b"\n")
    warning = "line 339: a second FN/VR header (two exports in one file?): the records after it are read too"
    assert outcome(joined) == Outcome(6, 3, 3, (), (warning,), tuple(UT3))


def test_plain_second_export_after_a_cut_record(tmp_path):
    lines = plain_lines()
    joined = write(tmp_path / "cut_then_joined.txt", lines[:150] + lines)  # record 2 cut at line 150
    skip = (109, "truncated record: no ER line before the header at line 151 (file cut short?)")
    warning = "line 151: a second FN/VR header (two exports in one file?): the records after it are read too"
    assert outcome(joined) == Outcome(5, 3, 1, (skip,), (warning,), tuple(UT3))


def test_plain_vr_header_without_fn(tmp_path):
    lines = plain_lines()
    joined = write(tmp_path / "vr.txt", lines + lines[1:])  # second export without its FN line
    warning = "line 340: a second FN/VR header (two exports in one file?): the records after it are read too"
    assert outcome(joined) == Outcome(6, 3, 3, (), (warning,), tuple(UT3))


# -- tab-delimited: a tab lost in a row of an export whose rows end with a tab ------------------------------


LOST_TAB = "(a tab missing inside it: it ends with the trailing tab)"


def tab_rows(path: Path) -> tuple[list[bytes], bytes]:
    """The lines of a UTF-8 tab-delimited export (BOM kept on line 1) and its line end."""
    data = path.read_bytes()
    sep = b"\r\n" if b"\r\n" in data else b"\n"
    lines = data.split(sep)
    return (lines[:-1] if lines[-1] == b"" else lines), sep


def lose_tab(row: bytes, header: bytes, tag: str) -> bytes:
    """The row with the tab after field ``tag`` lost (that field and the next run together)."""
    k = header.decode("utf-8-sig").split("\t").index(tag)
    fields = row.split(b"\t")
    return b"\t".join(fields[:k] + [fields[k] + fields[k + 1]] + fields[k + 2 :])


def first_uts(path: Path, n: int) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bibnet.read(path).records["UT"].tolist()[:n]


def test_tab_lost_tab_is_skipped_not_shifted(tmp_path):
    lines, sep = tab_rows(LABNETWORK)
    lines = lines[:8]  # header and 7 records
    uts = first_uts(write(tmp_path / "clean.txt", lines, sep), 7)
    lines[3] = lose_tab(lines[3], lines[0], "AB")  # line 4: AB and C1 run together
    reason = f"malformed record: 67 fields where the other records have 68 {LOST_TAB}"
    assert outcome(write(tmp_path / "lost.txt", lines, sep)) == Outcome(7, 6, 0, ((4, reason),), (), tuple(uts[:2] + uts[3:]))
    with pytest.raises(InputError, match=r"lost\.txt: line 4: malformed record: 67 fields"):
        bibnet.read(tmp_path / "lost.txt", strict=True)


def test_tab_lost_tab_in_a_59_column_export(tmp_path):
    lines, sep = tab_rows(WOSFILE_TAB)
    lines = lines[:6]
    uts = first_uts(write(tmp_path / "clean.txt", lines, sep), 5)
    lines[2] = lose_tab(lines[2], lines[0], "TI")
    reason = f"malformed record: 59 fields where the other records have 60 {LOST_TAB}"
    assert outcome(write(tmp_path / "lost.txt", lines, sep)) == Outcome(5, 4, 0, ((3, reason),), (), tuple(uts[:1] + uts[2:]))


def test_tab_lost_tab_in_a_utf16_export_with_cr_line_ends(tmp_path):
    text = ECOL_UTF16.read_bytes().decode("utf-16")
    lines = text.split("\r")
    header = lines[0].encode("utf-8")
    lines[5] = lose_tab(lines[5].encode(), header, "DE").decode()
    damaged = tmp_path / "lost16.txt"
    damaged.write_bytes(codecs.BOM_UTF16_LE + "\r".join(lines).encode("utf-16-le"))
    reason = f"malformed record: 68 fields where the other records have 69 {LOST_TAB}"
    got = outcome(damaged)
    assert (got.read, got.kept, got.skipped, got.warnings) == (10, 9, ((6, reason),), ())


def test_tab_lost_tab_in_the_last_row_is_a_truncated_record(tmp_path):
    lines, sep = tab_rows(IMAGINARIES)
    lines = lines[:5]
    lines[4] = lose_tab(lines[4], lines[0], "SO")
    reason = "truncated record (file cut short?): 58 fields where the other records have 59"
    got = outcome(write(tmp_path / "lost_last.txt", lines, sep))
    empty = ("DE (author keywords) is empty in every record", "ID (Keywords Plus) is empty in every record")
    assert (got.read, got.kept, got.skipped, got.warnings) == (4, 3, ((5, reason),), empty)


def test_tab_row_without_its_trailing_tab_is_still_read(tmp_path):
    lines, sep = tab_rows(LABNETWORK)
    lines = lines[:6]
    uts = first_uts(write(tmp_path / "clean.txt", lines, sep), 5)
    assert lines[2].endswith(b"\t")
    lines[2] = lines[2][:-1]  # its last field, DA, has text: a row without the trailing tab, not shifted
    damaged = write(tmp_path / "no_trailing_tab.txt", lines, sep)
    assert outcome(damaged) == Outcome(5, 5, 0, (), (), tuple(uts))
    assert records(damaged) == records(tmp_path / "clean.txt")


def test_tab_shifted_row_that_fits_is_reported(tmp_path):
    """A tab lost (PD and PY run together) and one added at the end: the field count fits, but the row
    has no UT (it reads PM, empty) and no year (it reads VL, empty): kept, and named in a warning."""
    lines, sep = tab_rows(LABNETWORK)
    lines = lines[:6]
    uts = first_uts(write(tmp_path / "clean.txt", lines, sep), 5)
    lines[2] = lose_tab(lines[2], lines[0], "PD") + b"\t"  # line 3: VL and PM are empty in this record
    warning = "line 3: no UT and no year (PY empty): columns shifted by a missing or extra tab? kept as read"
    assert outcome(write(tmp_path / "shifted.txt", lines, sep)) == Outcome(
        5, 5, 0, (), (warning,), (uts[0], None, *uts[2:])
    )


# -- tab-delimited: two exports in one file -------------------------------------------------------------


SECOND_HEADER = "line {}: a second header line (two exports in one file?): the rows after it are read by its columns"


def test_tab_two_exports_joined(tmp_path):
    lines, sep = tab_rows(LABNETWORK)
    part = lines[:6]
    uts = first_uts(write(tmp_path / "clean.txt", part, sep), 5)
    joined = write(tmp_path / "joined.txt", part + part, sep)  # the second header with its BOM
    assert outcome(joined) == Outcome(10, 5, 5, (), (SECOND_HEADER.format(7),), tuple(uts))


def test_tab_header_repeated_after_line_100(tmp_path):
    lines, sep = tab_rows(LABNETWORK)
    header = lines[0].removeprefix(codecs.BOM_UTF8)
    damaged = write(tmp_path / "repeated.txt", lines[:101] + [header] + lines[101:131], sep)
    got = outcome(damaged)
    assert (got.read, got.kept, got.duplicates, got.skipped, got.warnings) == (130, 130, 0, (), (SECOND_HEADER.format(102),))
    assert got.uts == tuple(first_uts(LABNETWORK, 130))
    line = records(damaged)[got.uts[100]]["line"]
    assert line == 103  # the record after the repeated header keeps its own line number


def test_tab_two_exports_with_different_columns(tmp_path):
    """A 68-column export (with DA) followed by a 60-column one (UT last, no DA): each part is read
    by its own header, so UT and PY come from the right columns in both."""
    first, sep = tab_rows(LABNETWORK)
    second, _ = tab_rows(WOSFILE_TAB)
    joined = write(tmp_path / "mixed.txt", first[:4] + second[:4], sep)
    got = outcome(joined)
    expected = first_uts(LABNETWORK, 3) + first_uts(WOSFILE_TAB, 3)
    assert got == Outcome(6, 6, 0, (), (SECOND_HEADER.format(5),), tuple(expected))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = bibnet.read(joined).records
    assert frame["PY"].fillna(0).tolist() == [2021, 0, 2021, 2004, 2007, 2011]  # line 3: early access, no PY
    assert frame["line"].tolist() == [2, 3, 4, 6, 7, 8]
    assert frame["DA"].isna().tolist() == [False] * 3 + [True] * 3


def test_tab_two_utf16_exports_joined_byte_for_byte(tmp_path):
    data = ECOL_UTF16.read_bytes()  # UTF-16LE with BOM, ends with a line end
    joined = tmp_path / "cat16.txt"
    joined.write_bytes(data + data)
    got = outcome(joined)
    assert (got.read, got.kept, got.duplicates, got.skipped, got.warnings) == (20, 10, 10, (), (SECOND_HEADER.format(12),))


def test_tab_header_at_the_end_with_no_rows(tmp_path):
    lines, sep = tab_rows(LABNETWORK)
    damaged = write(tmp_path / "header_last.txt", lines[:4] + [lines[0]], sep)
    got = outcome(damaged)
    assert (got.read, got.kept, got.skipped) == (3, 3, ())
    assert got.warnings == (SECOND_HEADER.format(5), "line 5: header line with no records after it")


def test_tab_second_part_all_malformed(tmp_path):
    lines, sep = tab_rows(LABNETWORK)
    short = b"J\tSmith, J\t\t\tshort row"
    damaged = write(tmp_path / "bad_second.txt", lines[:3] + [lines[0], short, short], sep)
    got = outcome(damaged)
    reason = "malformed record: 5 fields where the header has 67 tags"
    assert (got.read, got.kept, got.skipped, got.warnings) == (4, 2, ((5, reason), (6, reason)), (SECOND_HEADER.format(4),))


def test_tab_second_header_with_a_bad_tag_is_an_input_error(tmp_path):
    lines, sep = tab_rows(LABNETWORK)
    bad = lines[0].removeprefix(codecs.BOM_UTF8).replace(b"\tTI\t", b"\tTitle\t")
    damaged = write(tmp_path / "bad_header.txt", lines[:3] + [bad] + lines[3:5], sep)
    with pytest.raises(InputError) as err:
        bibnet.read(damaged)
    assert str(err.value) == f"{damaged}: line 4: header field 'Title' is not a Web of Science field tag"
