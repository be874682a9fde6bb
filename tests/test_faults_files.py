"""Faulty input files: damaged exports in a folder, pipes and devices, file warnings on every
command, and the Python API's path checks.

A damaged export (re-saved as Latin-1, UTF-16 cut short or with a broken surrogate pair) is an
error wherever it is met, unless ``--skip-unreadable``/``skip_unreadable=True`` asks to leave it
out and list it; only files that are clearly something else are ignored in a folder. Named pipes
and devices are never opened for reading (they would block or never end): the command-line runs
that could hang run in a subprocess with a timeout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import bibnet
from bibnet.cli import main
from bibnet.errors import InputError, OptionError
from bibnet.load_report import SkippedInputWarning
from bibnet.readers import EXPECTED
from bibnet.thesaurus import read_thesaurus

DATA = Path(__file__).parent / "data"
BROKEN = DATA / "broken"
GOOD = DATA / "wos" / "tab" / "labnetwork_savedrecs.txt"  # 212 records, UTF-8 with BOM
NO_KEYWORDS = DATA / "wos" / "edge_cases" / "whs_climate_savedrecs_1.txt"  # 161 records, no DE nor ID column
UTF8_HINT = "(expected a Web of Science export in UTF-8 or UTF-16 with byte-order mark)"
TAB = "WoS tab-delimited (first line 'PT<TAB>AU<TAB>...')"
PLAIN = "WoS plain text (first line 'FN ...', records ending 'ER')"

#: damaged export -> the problem its error names
DAMAGED = {
    "latin1_no_bom.txt": f"line 2: not valid UTF-8 text {UTF8_HINT}",
    "truncated_utf16.txt": "truncated UTF-16 file (odd number of bytes)",
    "unpaired_surrogate_utf16.txt": "line 2: invalid UTF-16 (unpaired surrogate)",
}


def cli(*args: str):
    """``bibnet ARGS`` in this process (for runs that cannot hang); never a traceback."""
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr
    return result


def cli_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m bibnet ARGS`` in a subprocess that is killed if it hangs (pipes, devices)."""
    proc = subprocess.run([sys.executable, "-m", "bibnet", *args], capture_output=True, text=True, timeout=20,
                          cwd=cwd, check=False)
    assert "Traceback" not in proc.stderr + proc.stdout
    return proc


def folder_with(tmp_path: Path, *names: str) -> Path:
    """A folder holding the good export and copies of ``names`` from tests/data/broken/."""
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(GOOD, folder)
    for name in names:
        shutil.copy(BROKEN / name, folder)
    return folder


# -- a damaged export in a folder ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_damaged_export_in_a_folder_is_an_error(tmp_path, name):
    folder = folder_with(tmp_path, name)
    result = cli("info", str(folder))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"bibnet: error: {folder / name}: {DAMAGED[name]}\n"
    with pytest.raises(InputError) as err:
        bibnet.read(folder)
    assert str(err.value) == f"{folder / name}: {DAMAGED[name]}"


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_damaged_export_in_a_folder_is_skipped_and_listed_when_asked(tmp_path, name):
    folder = folder_with(tmp_path, name)
    entry = f"{folder / name}: {DAMAGED[name]}"
    result = cli("info", str(folder), "--skip-unreadable", "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert (report["records_read"], report["records"], report["ignored"]) == (212, 212, [])
    assert report["unreadable"] == [entry]
    assert result.stderr == "bibnet: warning: 1 unreadable file(s) skipped (see the report)\n"

    text = cli("info", str(folder), "--skip-unreadable").stdout.splitlines()
    assert text[0] == "Read 1 file, 212 records: 212 kept, 0 duplicates removed, 0 malformed skipped. 1 unreadable file skipped."
    assert text[-1] == f"Skipped (unreadable): {entry}"


def test_skip_unreadable_in_the_library_warns_and_reports(tmp_path):
    folder = folder_with(tmp_path, *sorted(DAMAGED))
    with pytest.warns(SkippedInputWarning) as caught:
        corpus = bibnet.read(folder, skip_unreadable=True)
    entries = [f"{folder / name}: {DAMAGED[name]}" for name in sorted(DAMAGED)]
    assert [str(w.message) for w in caught] == [f"3 unreadable file(s) skipped; first: {entries[0]}"]
    assert issubclass(SkippedInputWarning, UserWarning)  # library users filtering UserWarning still see it
    assert (len(corpus), corpus.report.records_read) == (212, 212)
    assert corpus.report.unreadable == tuple(entries)
    assert corpus.report.to_dict()["unreadable"] == entries


def test_skip_unreadable_covers_files_named_explicitly_but_not_files_that_are_not_exports(tmp_path):
    latin1 = BROKEN / "latin1_no_bom.txt"
    with pytest.warns(SkippedInputWarning):
        corpus = bibnet.read(GOOD, latin1, skip_unreadable=True)
    assert corpus.report.unreadable == (f"{latin1}: {DAMAGED['latin1_no_bom.txt']}",)
    readme = tmp_path / "README.md"
    readme.write_text("# my exports\n")
    with pytest.raises(InputError) as err:
        bibnet.read(GOOD, readme, skip_unreadable=True)
    assert str(err.value) == f"{readme}: not an export bibnet reads (first line '# my exports'); expected {EXPECTED}"


def test_export_without_records_in_a_folder_is_unreadable_not_ignored(tmp_path):
    folder = folder_with(tmp_path, "header_only.txt", "plain_header_only.txt")
    with pytest.raises(InputError) as err:
        bibnet.read(folder)
    message = f"{folder / 'header_only.txt'}: header line but no records (expected {TAB})"
    assert str(err.value) == message
    with pytest.warns(SkippedInputWarning):
        report = bibnet.read(folder, skip_unreadable=True).report
    assert report.unreadable == (
        message,
        f"{folder / 'plain_header_only.txt'}: no records (expected {PLAIN})",
    )


def test_only_unreadable_exports_is_still_an_error(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(BROKEN / "truncated_utf16.txt", folder)
    result = cli("info", str(folder), "--skip-unreadable")
    assert result.exit_code == 2
    assert result.stderr == (
        f"bibnet: error: no export found ({folder / 'truncated_utf16.txt'}: "
        "truncated UTF-16 file (odd number of bytes))\n"
    )


def test_files_that_are_clearly_something_else_are_ignored(tmp_path):
    folder = folder_with(tmp_path)
    (folder / "README.md").write_text("# Exports of 2024-05-01\n")
    (folder / "notes.txt").write_text("search string: TS=(coral reef*)\n")
    (folder / "figure.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "paper.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    (folder / "exports.zip").write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)))
    shutil.copy(DATA / "vosviewer" / "vosviewer-online-docs_example.json", folder / "map.json")
    shutil.copy(DATA / "vosviewer" / "vosviewer-online-docs_example_map.txt", folder / "map.txt")
    shutil.copy(DATA / "vosviewer" / "vosviewer-online-docs_example_network.txt", folder / "network.txt")
    corpus = bibnet.read(folder)
    assert len(corpus) == 212 and corpus.report.unreadable == ()
    assert [entry.split(": ", 1)[0] for entry in corpus.report.ignored] == [
        str(folder / name)
        for name in ("README.md", "exports.zip", "figure.png", "map.json", "map.txt", "network.txt", "notes.txt", "paper.pdf")
    ]


# -- named pipes and devices ------------------------------------------------------------------------------


@pytest.fixture
def pipe_folder(tmp_path) -> Path:
    """The good export and a named pipe (no writer: opening it for reading would block)."""
    folder = folder_with(tmp_path)
    os.mkfifo(folder / "pipe.txt")
    return folder


def test_pipe_in_a_folder_is_ignored(pipe_folder):
    proc = cli_process("info", str(pipe_folder), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["records"] == 212
    assert report["ignored"] == [f"{pipe_folder / 'pipe.txt'}: not a regular file (a named pipe)"]


@pytest.mark.parametrize("how", ["glob", "named"])
def test_pipe_by_glob_or_name_is_an_error(pipe_folder, how):
    path = str(pipe_folder / "*.txt") if how == "glob" else str(pipe_folder / "pipe.txt")
    proc = cli_process("info", path, "--skip-unreadable")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"bibnet: error: {pipe_folder / 'pipe.txt'}: not a regular file (a named pipe)\n"


def test_device_by_glob_is_an_error_not_an_endless_read():
    proc = cli_process("info", "/dev/zer[o]")
    assert (proc.returncode, proc.stderr) == (2, "bibnet: error: /dev/zero: not a regular file (a character device)\n")


def test_pipe_as_thesaurus_is_an_error(pipe_folder, tmp_path):
    proc = cli_process("map", str(GOOD), "--out", str(tmp_path / "out"), "--thesaurus", str(pipe_folder / "pipe.txt"))
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == f"bibnet: error: {pipe_folder / 'pipe.txt'}: not a regular file (a named pipe)"
    assert not (tmp_path / "out").exists()


def test_directory_as_thesaurus_is_an_error(tmp_path):
    proc = cli_process("map", str(GOOD), "--out", str(tmp_path / "out"), "--thesaurus", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == f"Error: Invalid value for '--thesaurus': File '{tmp_path}' is a directory."
    with pytest.raises(InputError) as err:
        read_thesaurus(tmp_path)
    assert str(err.value) == f"{tmp_path}: not a regular file (a directory)"


# -- every command prints the file warnings and the load report, not Python's warning ---------------------


def test_map_prints_file_warnings_and_unreadable_files_in_the_load_report(tmp_path):
    folder = folder_with(tmp_path, "latin1_no_bom.txt")
    shutil.copy(NO_KEYWORDS, folder)
    result = cli("map", str(folder), "--skip-unreadable", "--out", str(tmp_path / "out"), "--no-layout")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "read 373 records from 2 files: 373 kept, 0 duplicates removed, 0 skipped, 1 unreadable file(s) skipped",
        f"  warning: {folder / NO_KEYWORDS.name}: no DE column (author keywords)",
        f"  warning: {folder / NO_KEYWORDS.name}: no ID column (Keywords Plus)",
        f"  unreadable, skipped: {folder / 'latin1_no_bom.txt'}: {DAMAGED['latin1_no_bom.txt']}",
    ]


def test_skipped_records_are_one_bibnet_line_not_a_python_warning(tmp_path):
    truncated = BROKEN / "tab_truncated_last_line.txt"  # the first 5 records of GOOD, the last cut short
    proc = cli_process("map", str(GOOD), str(truncated), "--out", str(tmp_path / "out"), "--no-layout")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        "read 217 records from 2 files: 212 kept, 4 duplicates removed, 1 skipped",
        f"  skipped: {truncated}: line 6: truncated record (file cut short?): 9 fields where the other records have 68",
    ]
    with warnings.catch_warnings(record=True) as caught:  # the library still warns
        warnings.simplefilter("always")
        bibnet.read(GOOD, truncated)
    assert [w.category for w in caught] == [SkippedInputWarning]


@pytest.mark.parametrize("command", [["map"], ["analyze"], ["resolution"], ["thesaurus", "suggest"], ["info"]])
def test_every_reading_command_has_skip_unreadable(command):
    result = cli(*command, "--help")
    assert result.exit_code == 0
    assert "--skip-unreadable" in result.stdout


def test_thesaurus_suggest_skips_unreadable_files(tmp_path):
    folder = folder_with(tmp_path, "truncated_utf16.txt")
    out = tmp_path / "thesaurus.txt"
    failed = cli("thesaurus", "suggest", str(folder), "--out", str(out))
    assert failed.exit_code == 2
    assert failed.stderr == f"bibnet: error: {folder / 'truncated_utf16.txt'}: {DAMAGED['truncated_utf16.txt']}\n"
    assert not out.exists()
    result = cli("thesaurus", "suggest", str(folder), "--out", str(out), "--skip-unreadable")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        "read 212 records from 1 files: 212 kept, 0 duplicates removed, 0 skipped, 1 unreadable file(s) skipped"
    )


# -- the Python API's paths ------------------------------------------------------------------------------------

HINT = "expected a file, directory or glob pattern as str or os.PathLike"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (None, f"read: None is not a path ({HINT})"),
        (123, f"read: 123 is not a path ({HINT})"),
        (b"exports", f"read: b'exports' is not a path ({HINT})"),
        ("", f"read: '' is not a path ({HINT})"),
        (["a.txt", "b.txt"], f"read: ['a.txt', 'b.txt'] is not a path ({HINT}; give several paths as separate "
                             "arguments: read(*paths))"),
    ],
)
def test_read_of_something_that_is_not_a_path(given, message):
    with pytest.raises(OptionError) as err:
        bibnet.read(GOOD, given)
    assert str(err.value) == message
