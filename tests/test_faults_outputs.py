"""Faulty and interrupted output: every output folder is a complete run or untouched.

``--out`` is checked before anything is read (a folder that cannot be written, is a device, lies
under a file, is or holds an input, or holds files without bibnet's manifest); the run is built
in a temporary sibling folder and swapped in when complete; a write that fails (a full disk,
injected here as ENOSPC) or a run stopped by SIGTERM or SIGINT leaves the previous folder byte
for byte, no temporary folder and no worker process. Reruns replace bibnet's own files (listed
in ``.bibnet-manifest.json``) and keep the user's.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

import bibnet
from bibnet.cli import main
from bibnet.readwrite import folder as folder_module
from bibnet.readwrite.run_folder import MANIFEST, OutputError, output_folder
from bibnet.workers import cpus, pool

DATA = Path(__file__).parent / "data"
SMALL = DATA / "wos" / "tab" / "wosfile_wos_tab_delimited_win_utf8.txt"  # 50 records
#: the sample of `bibnet analyze` (683 records): its figures take long enough to stop the run among them
SAMPLE = [DATA / "wos" / "tab" / "rmp_savedrecs.txt", DATA / "wos" / "tab" / "labnetwork_savedrecs.txt"]
MAP = ["map", str(SMALL), "--no-layout", "--min-occurrences", "2"]
MAP_FILES = ["map.json", "map.txt", "network.txt", "summary.json"]
NOTE = "Files bibnet wrote in this folder. A new run replaces them and keeps every other file."
BIBNET = [sys.executable, "-m", "bibnet"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes), hidden ones too."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(parent: Path) -> list[str]:
    """Temporary or old folders of bibnet's beside the outputs."""
    return sorted(p.name for p in parent.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


def manifest(folder: Path) -> list[str]:
    data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert data["note"] == NOTE
    return data["files"]


@pytest.fixture
def previous(tmp_path) -> Path:
    """A complete `bibnet map` run in tmp_path/out."""
    out = tmp_path / "out"
    code, _, stderr = run(*MAP, "--out", str(out))
    assert code == 0, stderr
    return out


# -- --out checked before reading --------------------------------------------------------------
def test_out_in_proc_is_one_line_before_reading(tmp_path):
    """The input does not exist: the error is about --out, so nothing was read first."""
    proc = subprocess.run([*BIBNET, "map", str(tmp_path / "missing.txt"), "--out", "/proc/x"],
                          capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stderr) == (
        2, "bibnet: error: cannot write --out /proc/x: cannot create a folder in /proc: No such file or directory\n")
    assert proc.stdout == ""


def test_out_under_a_file_is_refused(tmp_path):
    file = tmp_path / "notes.txt"
    file.write_text("mine\n", encoding="utf-8")
    code, _, stderr = run("map", str(tmp_path / "missing.txt"), "--out", str(file / "out"))
    assert (code, stderr) == (2, f"bibnet: error: cannot write --out {file}/out: {file} is a file, not a folder\n")
    assert file.read_text(encoding="utf-8") == "mine\n"


def test_out_dev_null_is_refused():
    code, _, stderr = run("analyze", "missing.txt", "--out", "/dev/null")
    assert (code, stderr) == (2, "bibnet: error: --out /dev/null is not a folder\n")


@contextmanager
def read_only(folder: Path) -> Iterator[str]:
    """``folder`` made read-only, for root too (chattr +i); yields the error text of creating in it."""
    folder.chmod(0o555)
    immutable = os.geteuid() == 0
    if immutable and subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        folder.chmod(0o755)
        pytest.skip("running as root and chattr +i is not available: root writes into any folder")
    try:
        yield os.strerror(errno.EPERM if immutable else errno.EACCES)
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


def test_read_only_out_and_out_in_a_read_only_folder(previous, tmp_path):
    before = snapshot(previous)
    with read_only(previous) as denied:
        code, _, stderr = run(*MAP, "--out", str(previous))
        assert (code, stderr) == (2, f"bibnet: error: cannot write --out {previous}: the folder is read-only\n")
        code, _, stderr = run(*MAP, "--out", str(previous / "sub"))
        assert (code, stderr) == (2, f"bibnet: error: cannot write --out {previous}/sub: cannot create a folder in "
                                     f"{previous}: {denied}\n")
    assert snapshot(previous) == before and leftovers(tmp_path) == []


# -- --out must not replace an input -----------------------------------------------------------
def test_out_equal_to_the_input_folder_is_refused(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    shutil.copy(SMALL, exports / SMALL.name)
    code, _, stderr = run("map", str(exports), "--out", str(exports))
    assert (code, stderr) == (2, f"bibnet: error: --out {exports} is an input of this run; writing it would replace "
                                 "the input: choose another folder\n")
    assert [p.name for p in exports.iterdir()] == [SMALL.name] and leftovers(tmp_path) == []


def test_remap_into_the_folder_of_its_network_is_refused(previous):
    before = snapshot(previous)
    code, _, stderr = run("remap", str(previous / "network.txt"), "--map", str(previous / "map.txt"), "--out", str(previous))
    assert (code, stderr) == (2, f"bibnet: error: --out {previous} holds the input {previous}/network.txt; writing the "
                                 "folder would replace it: choose another folder\n")
    assert snapshot(previous) == before


def test_thesaurus_inside_out_is_refused(previous):
    thesaurus = previous / "thesaurus.txt"
    thesaurus.write_text("label\treplace by\n", encoding="utf-8")
    code, _, stderr = run(*MAP, "--out", str(previous), "--thesaurus", str(thesaurus))
    assert (code, stderr) == (2, f"bibnet: error: --out {previous} holds the input {thesaurus}; writing the folder "
                                 "would replace it: choose another folder\n")


def test_working_folder_as_out_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for out in (".", ".."):
        code, _, stderr = run(*MAP, "--out", out)
        assert (code, stderr) == (2, f"bibnet: error: --out {out} is the working folder or holds it; bibnet replaces the "
                                     "whole folder: give a folder of its own (e.g. results)\n")
    assert list(tmp_path.iterdir()) == []


# -- a folder bibnet did not write; reruns ------------------------------------------------------
def test_folder_with_files_but_no_manifest_is_refused_untouched(tmp_path):
    out = tmp_path / "results"
    (out / "old").mkdir(parents=True)
    (out / "old" / "map.txt").write_text("an old map\n", encoding="utf-8")
    (out / "notes.md").write_text("my notes\n", encoding="utf-8")
    before = snapshot(out)
    code, _, stderr = run(*MAP, "--out", str(out))
    assert (code, stderr) == (2, f"bibnet: error: --out {out} holds files but no {MANIFEST} (2 entries, e.g. notes.md): "
                                 "bibnet cannot tell its own files from others; empty or remove the folder, or choose "
                                 "another one\n")
    assert snapshot(out) == before and leftovers(tmp_path) == []


def test_empty_existing_folder_is_used_and_listed_in_the_manifest(tmp_path):
    code, stdout, _ = run(*MAP, "--out", str(tmp_path), "--export", "gexf")
    assert code == 0
    assert stdout.splitlines()[-1] == "wrote " + ", ".join(str(tmp_path / n) for n in
                                                          ("map.txt", "network.txt", "map.json", "summary.json", "map.gexf"))
    assert manifest(tmp_path) == ["map.gexf", *MAP_FILES]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([MANIFEST, "map.gexf", *MAP_FILES])


def test_rerun_drops_stale_files_and_keeps_the_users(previous, tmp_path):
    code, _, _ = run(*MAP, "--out", str(previous), "--export", "gexf", "--export", "pajek")
    assert code == 0 and manifest(previous) == sorted(["map.clu", "map.gexf", "map.net", *MAP_FILES])
    (previous / "notes.md").write_text("my notes\n", encoding="utf-8")
    (previous / "mine" / "empty").mkdir(parents=True)
    (previous / "mine" / "thesaurus.txt").write_text("label\treplace by\n", encoding="utf-8")
    inode = (previous / "notes.md").stat().st_ino

    code, _, _ = run(*MAP, "--out", str(previous))
    assert code == 0
    assert manifest(previous) == MAP_FILES  # the graph files of the run before are gone
    assert sorted(p.relative_to(previous).as_posix() for p in previous.rglob("*")) == sorted(
        [MANIFEST, *MAP_FILES, "mine", "mine/empty", "mine/thesaurus.txt", "notes.md"])
    assert (previous / "notes.md").read_text(encoding="utf-8") == "my notes\n"
    assert (previous / "notes.md").stat().st_ino == inode  # carried over, not rewritten
    assert leftovers(tmp_path) == []


def test_users_file_with_the_name_of_an_output_is_refused_at_the_end(previous, tmp_path):
    (previous / "map.gexf").write_text("my own graph\n", encoding="utf-8")
    before = snapshot(previous)
    code, _, stderr = run(*MAP, "--out", str(previous), "--export", "gexf")
    assert (code, stderr.splitlines()[-1]) == (2, f"bibnet: error: --out {previous} holds map.gexf, which bibnet did not "
                                                  "write and this run writes too; move it away and run again (the folder "
                                                  "was left as it was)")
    assert snapshot(previous) == before and leftovers(tmp_path) == []


# -- failed writes ------------------------------------------------------------------------------
def _no_space(with_name: bool):
    def write_network(vmap, path):
        Path(path).write_text("half a net", encoding="utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), *([str(path)] if with_name else []))

    return write_network


def test_disk_full_keeps_the_previous_folder(previous, tmp_path, monkeypatch):
    before = snapshot(previous)
    monkeypatch.setattr(folder_module, "write_network", _no_space(with_name=True))
    code, stdout, stderr = run(*MAP, "--out", str(previous))
    assert (code, stderr.splitlines()[-1]) == (2, f"bibnet: error: cannot write {previous}/network.txt: No space left on "
                                                  f"device; {previous} was left as it was")
    assert stdout == "" and snapshot(previous) == before and leftovers(tmp_path) == []


def test_disk_full_without_a_previous_folder_leaves_none(tmp_path, monkeypatch):
    monkeypatch.setattr(folder_module, "write_network", _no_space(with_name=False))
    out = tmp_path / "new" / "deeper" / "out"
    code, _, stderr = run(*MAP, "--out", str(out))
    assert (code, stderr.splitlines()[-1]) == (2, f"bibnet: error: cannot write {out}: No space left on device; "
                                                  "nothing was written")
    assert list(tmp_path.iterdir()) == []  # the parents made for it are gone too


def test_other_os_error_is_one_line(tmp_path, monkeypatch):
    def denied(*paths, **options):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(SMALL))

    monkeypatch.setattr("bibnet.passes.count_files", denied)  # how map reads, in passes
    code, _, stderr = run(*MAP, "--out", str(tmp_path / "out"))
    assert (code, stderr) == (2, f"bibnet: error: {SMALL}: Permission denied\n")
    assert list(tmp_path.iterdir()) == []


def test_a_bug_keeps_its_traceback_and_the_previous_folder(previous, tmp_path, monkeypatch):
    def broken(vmap, path):
        raise RuntimeError("a bug")

    before = snapshot(previous)
    monkeypatch.setattr(folder_module, "write_network", broken)
    result = CliRunner().invoke(main, [*MAP, "--out", str(previous)])
    assert isinstance(result.exception, RuntimeError) and str(result.exception) == "a bug"
    assert result.exit_code == 1 and "bibnet: error" not in result.stderr
    assert snapshot(previous) == before and leftovers(tmp_path) == []


def test_library_analyze_is_all_or_nothing(tmp_path, monkeypatch):
    from bibnet import tables

    corpus = bibnet.read(SMALL)
    out = tmp_path / "results"
    params = bibnet.NetworkParams(min_occurrences=2)
    done = bibnet.analyze(corpus, out, network_params=params, laid_out=False)
    assert all(out in p.parents for p in done.files) and manifest(out) == sorted(
        p.relative_to(out).as_posix() for p in done.files)
    before = snapshot(out)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(tables, "write_table", full)
    with pytest.raises(OutputError, match=rf"^cannot write {out}: No space left on device; {out} was left as it was$"):
        bibnet.analyze(corpus, out, network_params=params, laid_out=False)
    assert snapshot(out) == before and leftovers(tmp_path) == []


def test_nested_output_folder_is_the_enclosing_one(tmp_path):
    with output_folder(tmp_path / "out") as outer:
        with output_folder(outer) as inner:
            assert inner == outer
            (inner / "a.txt").write_text("a", encoding="utf-8")
        assert not (tmp_path / "out").exists()
    assert manifest(tmp_path / "out") == ["a.txt"]


@pytest.fixture
def ctrl_c_interrupts():
    """Ctrl-C raises KeyboardInterrupt here, as in a terminal: a shell that starts a job in the
    background without job control (``cmd &`` in a script) hands it SIGINT ignored."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_a_stop_whose_exception_was_lost_is_not_committed(tmp_path, ctrl_c_interrupts):
    """Python drops an exception raised in an at-fork hook: a Ctrl-C then does not stop the run,
    but the folder is not swapped in all the same."""
    with pytest.raises(KeyboardInterrupt):
        with output_folder(tmp_path / "out") as folder:
            (folder / "a.txt").write_text("a", encoding="utf-8")
            try:
                signal.raise_signal(signal.SIGINT)
            except KeyboardInterrupt:
                pass  # lost, as in the hook
    assert list(tmp_path.iterdir()) == []


def test_pool_left_by_an_exception_ends_its_workers():
    with pytest.raises(KeyboardInterrupt):
        with pool(2) as executor:
            futures = [executor.submit(time.sleep, 60) for _ in range(8)]
            processes = list(executor._processes.values())
            raise KeyboardInterrupt
    assert [p.is_alive() for p in processes] == [False, False]  # not after their minute of sleep
    deadline = time.monotonic() + 30
    while not all(f.done() for f in futures) and time.monotonic() < deadline:
        time.sleep(0.05)
    # queued: cancelled; taken by a worker: failed with the pool, not run to the end
    assert all(f.cancelled() or isinstance(f.exception(), BrokenProcessPool) for f in futures)


# -- stopped runs (subprocesses, each in a session of its own) ---------------------------------
def processes() -> list[tuple[int, list[str]]]:
    """(pid, stat fields after the name) of every process, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                found.append((int(entry), Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()))
            except OSError:
                continue
    return found


def group_alive(pgid: int) -> list[int]:
    """Processes (not zombies) in process group ``pgid``."""
    return [pid for pid, fields in processes() if int(fields[2]) == pgid and fields[0] != "Z"]


def workers_of(pid: int) -> list[int]:
    """Children of ``pid``."""
    return [child for child, fields in processes() if int(fields[1]) == pid]


def _default_sigint() -> None:
    """SIGINT as in a terminal, even when this test run was started in the background (which
    ignores it, and the child would inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_analyze(out: Path) -> subprocess.Popen:
    """`bibnet analyze` on the sample, stopped once it draws figures (and, with 2 cores or more, has forked workers)."""
    proc = subprocess.Popen([*BIBNET, "analyze", *map(str, SAMPLE), "--out", str(out), "--min-occurrences", "4"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=_default_sigint)
    figures = out.parent / f".{out.name}.tmp-{proc.pid}" / "figures"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if figures.is_dir() and any(figures.iterdir()) and (cpus() < 2 or workers_of(proc.pid)):
            return proc
        time.sleep(0.01)
    proc.kill()
    pytest.fail(f"bibnet analyze ended or took too long before drawing figures (exit {proc.poll()})")


def stop(proc: subprocess.Popen, sig: int) -> tuple[int, str]:
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert group_alive(proc.pid) == []
    return proc.returncode, stderr.decode().splitlines()[-1]


@pytest.fixture(scope="module")
def analysed(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("analysed") / "results"
    proc = subprocess.run([*BIBNET, "analyze", *map(str, SAMPLE), "--out", str(out), "--min-occurrences", "4"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert (out / "figures" / "all_network.png").exists()
    return out


def test_sigterm_during_figures_keeps_the_previous_results(analysed, tmp_path):
    out = tmp_path / "results"
    shutil.copytree(analysed, out)
    before = snapshot(out)
    proc = start_analyze(out)
    assert stop(proc, signal.SIGTERM) == (-signal.SIGTERM, "bibnet: stopped by SIGTERM")
    assert snapshot(out) == before and leftovers(tmp_path) == []


def test_sigint_during_figures_of_a_first_run_leaves_no_folder(tmp_path):
    proc = start_analyze(tmp_path / "results")
    assert stop(proc, signal.SIGINT) == (-signal.SIGINT, "bibnet: stopped by SIGINT")
    assert list(tmp_path.iterdir()) == []


def test_sigkill_leaves_no_worker_and_the_next_run_clears_its_folder(tmp_path):
    out = tmp_path / "results"
    proc = start_analyze(out)
    proc.kill()
    proc.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while group_alive(proc.pid) and time.monotonic() < deadline:  # the workers die with their parent
        time.sleep(0.05)
    assert group_alive(proc.pid) == []
    assert leftovers(tmp_path) == [f".results.tmp-{proc.pid}"]  # a killed process cannot clean up
    code, _, _ = run(*MAP, "--out", str(out))
    assert code == 0 and leftovers(tmp_path) == [] and manifest(out) == MAP_FILES


def test_save_from_python_checks_the_folder_and_writes_it_whole(tmp_path):
    import pandas as pd

    import bibnet
    from bibnet.readwrite import save

    records = pd.DataFrame({"DE": ["a; b; c", "a; b", "a; c"], "PY": [2020, 2021, 2022], "TC": [1, 2, 3]})
    net = bibnet.build_network(records, min_occurrences=1)
    with pytest.raises(bibnet.BibnetError, match=r"^cannot write output folder /proc/x: "):
        save(net, "/proc/x")
    paths = save(net, tmp_path / "out")
    assert paths["map.txt"] == tmp_path / "out" / "map.txt" and paths["map.txt"].is_file()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        ".bibnet-manifest.json", "map.json", "map.txt", "network.txt", "summary.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary folder left
