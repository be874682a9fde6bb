"""The same files in any order give the same records and byte-identical outputs."""

from __future__ import annotations

import filecmp
from pathlib import Path

from click.testing import CliRunner

import bibnet
from bibnet.cli import main

WOS = Path(__file__).parent / "data" / "wos"
FILES = [WOS / "tab", WOS / "plaintext" / "wosfile_wos_plaintext.txt", WOS / "plaintext" / "metaknowledge_savedrecs.txt"]


def test_records_do_not_depend_on_the_order_of_the_paths():
    one, other = bibnet.read(*FILES), bibnet.read(*reversed(FILES))
    assert one.records.equals(other.records) and one.duplicates.equals(other.duplicates)
    assert [f.path for f in one.report.files] == [f.path for f in other.report.files]
    assert str(one.report) == str(other.report) and one.report.duplicates > 0


def test_map_folder_does_not_depend_on_the_order_of_the_paths(tmp_path):
    runner = CliRunner()
    for name, paths in (("a", FILES), ("b", list(reversed(FILES)))):
        result = runner.invoke(main, ["map", *map(str, paths), "--out", str(tmp_path / name), "--min-occurrences", "3"])
        assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir()) and "map.txt" in names
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)
    assert mismatch == [] and errors == []
