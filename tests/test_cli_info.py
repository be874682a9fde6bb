"""`bibnet info`: the load report on the command line (text and the --json contract)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bibnet.cli import main

ROOT = Path(__file__).parents[1]
DATA = Path(__file__).parent / "data"
WOS = DATA / "wos"
BROKEN = DATA / "broken"


def run(*args: str):
    return CliRunner().invoke(main, ["info", *args])


def test_json_contract():
    result = run(str(WOS / "tab"), str(WOS / "plaintext"), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [Path(f["path"]).name for f in report["files"]] == [  # read in path order: plaintext/ before tab/
        "metaknowledge_savedrecs.txt",
        "wosfile_wos_plaintext.txt",
        "ecolmodellingqrps_savedrecs.txt",
        "labnetwork_savedrecs.txt",
        "rmp_savedrecs.txt",
        "wosfile_wos_tab_delimited_win_utf16.txt",
        "wosfile_wos_tab_delimited_win_utf8.txt",
    ]
    first = report["files"][2]
    assert (first["format"], first["encoding"], first["records"]) == ("wos-tab", "utf-16le", 10)
    assert report["files"][0]["format"] == "wos-plain"
    # the UTF-8 tab copy of the 50 wosfile records is read last: it is kept
    assert (report["records_read"], report["records"], report["duplicates"], report["skipped"]) == (875, 775, 100, 0)
    assert report["skipped_detail"] == []
    assert set(report["fields"]) == {"DE", "ID", "PY", "TC", "AB"}
    assert all(0 <= v <= 1 for v in report["fields"].values())
    assert report["years"] == [1974, 2023]
    assert len(report["duplicates_detail"]) == 100
    assert report["duplicates_detail"][0]["kept_file"].endswith("wosfile_wos_tab_delimited_win_utf8.txt")


def test_text_report():
    result = run(str(WOS / "tab" / "labnetwork_savedrecs.txt"))
    assert result.exit_code == 0
    assert result.stdout.startswith("Read 1 file, 212 records: 212 kept, 0 duplicates removed, 0 malformed skipped.")
    assert "labnetwork_savedrecs.txt  wos-tab    utf-8-sig CRLF     212 records" in result.stdout


def test_default_reads_wos_exports_here(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert [f["path"] for f in report["files"]] == [
        str(Path("wos_exports") / "labnetwork_savedrecs.txt"),
        str(Path("wos_exports") / "rmp_savedrecs.txt"),
    ]
    assert report["records"] == 683
    assert [Path(i.split(": ")[0]).name for i in report["ignored"]] == ["SOURCES.md"]


def test_default_falls_back_to_the_repository_copy(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    result = run("--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["records"] == 683


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("excel_quoted.txt", "every field is in double quotes"),
        ("binary.dat", "binary file"),
        ("empty.txt", "file is empty"),
        ("header_only.txt", "header line but no records"),
        ("truncated_utf16.txt", "truncated UTF-16"),
        ("scopus_header_only.csv", "line 1: header line but no records"),
        ("openalex_invalid.json", "line 3: not valid JSON"),
        ("gzip_cut_short.txt.gz", "damaged gzip file"),
    ],
)
def test_not_an_export_exits_2_with_one_line(name, message):
    result = run(str(BROKEN / name))
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"bibnet: error: {BROKEN / name}: ")
    assert message in line


def test_missing_path_exits_2():
    result = run("no/such/file.txt")
    assert result.exit_code == 2
    assert result.stderr == "bibnet: error: no/such/file.txt: no such file or directory\n"


def test_malformed_record_warns_or_fails_with_strict():
    path = str(BROKEN / "tab_truncated_last_line.txt")
    result = run(path, "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["skipped"] == 1
    assert report["skipped_detail"] == [
        {
            "file": path,
            "line": 6,
            "reason": "truncated record (file cut short?): 9 fields where the other records have 68",
        }
    ]
    assert result.stderr == "bibnet: warning: 1 malformed record(s) skipped (see the report)\n"

    strict = run(path, "--strict")
    assert strict.exit_code == 2
    assert strict.stderr.startswith(f"bibnet: error: {path}: line 6: truncated record")
    assert len(strict.stderr.splitlines()) == 1


def test_python_dash_m_has_no_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "bibnet", "info", str(BROKEN / "random_text.txt")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("bibnet: error: ")
