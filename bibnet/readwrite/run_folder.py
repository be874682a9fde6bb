"""A run's output folder, all or nothing: built beside the target and swapped in when complete.

``bibnet map``, ``remap`` and ``analyze`` (and :func:`bibnet.analysis.analyze`) write through
:func:`output_folder`. The run writes into a temporary sibling folder ``.OUT.tmp-<pid>``;
only when the run succeeds does that folder replace ``OUT`` (the old folder is renamed aside,
the new one renamed in, the old one removed). A run that fails or is interrupted (SIGINT, and
SIGTERM where the command line turns it into an exception) removes its temporary folder and
leaves ``OUT`` as it was: the previous results, or no folder at all.

Every file of the new folder belongs to the run that wrote it, and the folder's
:data:`MANIFEST` (``.bibnet-manifest.json``) lists them. A later run into the same folder
replaces exactly those files and keeps every other one: the files a user added (notes, a
thesaurus, a sub-folder) are carried into the new folder, hard-linked where the file system
allows (so the old folder still has them until the swap), copied where not. A folder that holds
files but no manifest (written by someone else, or by a bibnet older than the manifest) is
refused before anything is read, because bibnet cannot tell its own old files from the user's.

The checks happen on entering :func:`output_folder`, before the run reads its inputs: the target
must be a folder or creatable (its temporary sibling is created there and then), must not be, or
hold, an input of the run, and must not be the working folder or hold it.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from bibnet.errors import BibnetError

__all__ = ["MANIFEST", "OutputError", "output_folder"]

#: The list of files bibnet wrote in an output folder (relative paths, ``/``-separated).
MANIFEST = ".bibnet-manifest.json"
_NOTE = "Files bibnet wrote in this folder. A new run replaces them and keeps every other file."
#: Temporary folders this process is building (real paths): a nested output_folder uses them as they are.
_ACTIVE: set[str] = set()
#: OSErrors without a file name that are about the disk being written, not about an input.
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}


class OutputError(BibnetError):
    """The output folder cannot be used or written; the previous folder (if any) is left as it was."""


@contextmanager
def output_folder(path: str | os.PathLike[str], *, inputs: Iterable[str | os.PathLike[str]] = (),
                  name: str = "output folder") -> Iterator[Path]:
    """Build a run's output folder beside ``path`` and swap it in when the ``with`` block succeeds.

    Parameters
    ----------
    path
        The output folder (created with its parents if missing).
    inputs
        Files, folders and glob patterns the run reads: none may be ``path`` or lie inside it.
    name
        How messages call the folder (the command line: ``"--out"``).

    Yields
    ------
    Path
        The temporary folder to write into (``.NAME.tmp-<pid>`` beside ``path``). When ``path``
        is itself a temporary folder that an enclosing ``output_folder`` yielded, it is yielded
        as it is and the enclosing block commits.

    Raises
    ------
    OutputError
        Before the block runs: ``path`` is not a folder, cannot be written, is or holds an input
        or the working folder, or holds files but no :data:`MANIFEST`. When the block fails with
        an OSError while writing (a full disk): the message names the file and says that
        ``path`` was left as it was. At the end: a file the user added has the name of a file
        the run wrote.
    """
    given = Path(path)
    target = Path(os.path.realpath(given))  # a symbolic link to a folder: the folder it points to is replaced
    if any(target == Path(active) or Path(active) in target.parents for active in _ACTIVE):
        # Inside a folder this process is building (analyze's per-field folders): that one is swapped in whole.
        target.mkdir(parents=True, exist_ok=True)
        yield given
        return
    label = f"{name} {os.fspath(path)}"
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}"
    if str(tmp) in _ACTIVE:
        raise OutputError(f"{label} is being written already (by this process)")
    _check_target(target, label, inputs)
    owned = _owned_files(target, label)
    existed = target.exists()
    _remove_stale(target)
    created = _make_temporary(tmp, label, existed=existed)
    _ACTIVE.add(str(tmp))
    try:
        with _noting_signals() as stops:
            try:
                yield tmp
                stops.deliver_again()  # a stop whose exception was lost must not be committed
                _commit(tmp, target, owned, label)
            except OSError as exc:
                raise _write_error(exc, tmp, given, existed=existed) from exc
            finally:
                _ACTIVE.discard(str(tmp))
    except BaseException:
        with _signals_held():
            shutil.rmtree(tmp, ignore_errors=True)
            _remove_empty(created)
        raise


def _check_target(target: Path, label: str, inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Refuse a target that is not a folder, lies under a file, is the working folder or holds an input."""
    if target.exists() and not target.is_dir():
        raise OutputError(f"{label} is not a folder")
    if target.is_dir() and not os.access(target, os.W_OK | os.X_OK):  # also sees chattr +i, even for root
        raise OutputError(f"cannot write {label}: the folder is read-only")
    ancestor = next(p for p in target.parents if p.exists() or p == p.parent)
    if not ancestor.is_dir():
        raise OutputError(f"cannot write {label}: {ancestor} is a file, not a folder")
    cwd = Path.cwd().resolve()
    if target == target.parent or target == cwd or target in cwd.parents:
        raise OutputError(f"{label} is the working folder or holds it; bibnet replaces the whole folder: give a folder "
                          "of its own (e.g. results)")
    for given, real in _input_paths(inputs):
        if real == target:
            raise OutputError(f"{label} is an input of this run; writing it would replace the input: choose another folder")
        if target in real.parents:
            raise OutputError(f"{label} holds the input {given}; writing the folder would replace it: choose another folder")


def _input_paths(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[str, Path]]:
    """Each input (glob patterns expanded) as given and as a real path."""
    import glob

    for given in inputs:
        text = os.fspath(given)
        matches = sorted(glob.glob(text)) if glob.has_magic(text) and not os.path.exists(text) else [text]
        for match in matches:
            yield match, Path(os.path.realpath(match))


def _owned_files(target: Path, label: str) -> set[str]:
    """The files of ``target`` that bibnet wrote (its manifest); refuses a non-empty folder without one."""
    if not target.is_dir():
        return set()
    if not (target / MANIFEST).exists():
        entries = sorted(_entries(target))
        if entries:
            count = f"{len(entries)} {'entry' if len(entries) == 1 else 'entries'}"
            raise OutputError(f"{label} holds files but no {MANIFEST} ({count}, e.g. {entries[0]}): bibnet cannot tell its "
                              "own files from others; empty or remove the folder, or choose another one")
        return set()
    try:
        return _read_manifest(target / MANIFEST)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else exc
        raise OutputError(f"{label}: cannot read {MANIFEST} ({reason}); remove the folder or choose another one") from exc


def _read_manifest(path: Path) -> set[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise ValueError("no list of file names under 'files'")
    return set(files)


def _entries(folder: Path) -> Iterator[str]:
    """Relative ``/``-paths of the files (and symbolic links, and empty folders, with a final ``/``) under ``folder``."""

    def fail(exc: OSError) -> None:
        raise exc  # a folder that cannot be listed may hold the user's files: never pass over it

    for root, dirs, files in os.walk(folder, onerror=fail):
        base = Path(root).relative_to(folder)
        for entry in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            yield (base / entry).as_posix()
        if not dirs and not files and root != os.fspath(folder):
            yield base.as_posix() + "/"


def _remove_stale(target: Path) -> None:
    """Remove what killed runs into ``target`` left (their process is gone): temporary folders, and old
    folders renamed aside once the new one is in place."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(tmp|old)-(\d+)")
    try:
        siblings = list(target.parent.iterdir())
    except OSError:
        return
    for sibling in siblings:
        match = pattern.fullmatch(sibling.name)
        if (match is None or str(sibling) in _ACTIVE or not sibling.is_dir() or sibling.is_symlink()
                or _alive(int(match.group(2))) or (match.group(1) == "old" and not target.exists())):
            continue  # an old folder without the new one in place is the only copy of the results: kept
        shutil.rmtree(sibling, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # not in _ACTIVE: left by an earlier process of the same id
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _make_temporary(tmp: Path, label: str, *, existed: bool) -> list[Path]:
    """Create ``tmp`` (and its missing parents): the test that the target can be written. Returns the parents made."""
    created = _make_parents(tmp.parent, label)
    try:
        tmp.mkdir()
    except OSError as exc:
        _remove_empty(created)
        beside = " (bibnet builds the new folder beside the old one)" if existed else ""
        raise OutputError(f"cannot write {label}: cannot create a folder in {tmp.parent}{beside}: {exc.strerror}") from exc
    return created


def _make_parents(folder: Path, label: str) -> list[Path]:
    """Create ``folder`` and its missing parents; returns those created, deepest last."""
    missing = [p for p in [folder, *folder.parents] if not p.exists()][::-1]
    for i, parent in enumerate(missing):
        try:
            parent.mkdir()
        except OSError as exc:
            _remove_empty(missing[:i])
            raise OutputError(f"cannot write {label}: cannot create a folder in {parent.parent}: {exc.strerror}") from exc
    return missing


def _remove_empty(folders: list[Path]) -> None:
    for folder in reversed(folders):
        try:
            folder.rmdir()
        except OSError:
            return


def _commit(tmp: Path, target: Path, owned: set[str], label: str) -> None:
    """List the run's files in the manifest, carry the user's files over, swap ``tmp`` in for ``target``."""
    written = sorted(e for e in _entries(tmp) if e != MANIFEST)
    if target.is_dir():
        try:  # another run may have replaced the folder meanwhile: its manifest lists bibnet's files now
            owned = owned | _read_manifest(target / MANIFEST)
        except (OSError, ValueError):
            pass
        _carry_over(target, tmp, owned, label)
        shutil.copymode(target, tmp)
    text = json.dumps({"note": _NOTE, "files": written}, indent=2, ensure_ascii=False) + "\n"
    (tmp / MANIFEST).write_text(text, encoding="utf-8")
    with _signals_held():  # the swap is short; an interrupt in it would leave no folder under the name
        if not target.exists():
            os.rename(tmp, target)
            return
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        os.rename(target, old)
        try:
            os.rename(tmp, target)
        except BaseException:
            os.rename(old, target)
            raise
        shutil.rmtree(old, ignore_errors=True)


def _carry_over(target: Path, tmp: Path, owned: set[str], label: str) -> None:
    """Link (or copy) every entry of ``target`` that bibnet did not write into ``tmp``."""
    for entry in sorted(_entries(target)):
        path = entry.rstrip("/")
        if entry == MANIFEST or entry in owned:
            continue
        source, dest = target / path, tmp / path
        is_dir = entry.endswith("/")
        clash = (os.path.lexists(dest) and not (is_dir and dest.is_dir() and not dest.is_symlink())
                 or any(os.path.lexists(tmp / p) and not (tmp / p).is_dir() for p in _parents(path)))
        if clash:
            raise OutputError(f"{label} holds {path}, which bibnet did not write and this run writes too; "
                              "move it away and run again (the folder was left as it was)")
        if is_dir:
            dest.mkdir(parents=True, exist_ok=True)
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(source, dest)


def _parents(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def _link_or_copy(source: Path, dest: Path) -> None:
    try:
        os.link(source, dest, follow_symlinks=False)
    except (OSError, NotImplementedError):  # no hard links here (another file system type): a copy
        if source.is_symlink():
            os.symlink(os.readlink(source), dest)
        elif stat.S_ISREG(source.lstat().st_mode):
            shutil.copy2(source, dest)
        else:
            raise


def _write_error(exc: OSError, tmp: Path, given: Path, *, existed: bool) -> BaseException:
    """A failed write as one line naming the file (as it would have been called) and what was kept."""
    filename = exc.filename if isinstance(exc.filename, (str, os.PathLike)) else None
    inside = filename is not None and (Path(filename) == tmp or tmp in Path(filename).parents)
    if not inside and not (filename is None and exc.errno in _WRITE_ERRNOS):
        return exc  # not about the output folder: as it was
    where = given
    if inside and filename is not None:
        relative = Path(filename).relative_to(tmp)
        where = given / relative.parent / re.sub(r"^\.(.+)\.\d+\.tmp$", r"\1", relative.name) if relative.parts else given
    kept = f"{os.fspath(given)} was left as it was" if existed else "nothing was written"
    return OutputError(f"cannot write {where}: {exc.strerror or exc}; {kept}")


class _Stops:
    """SIGINT and SIGTERM received during a run, and the handlers they went to."""

    def __init__(self) -> None:
        self.received: list[int] = []
        self.handlers: dict[int, Callable[[int, FrameType | None], Any]] = {}

    def note(self, signum: int, frame: FrameType | None) -> None:
        self.received.append(signum)
        self.handlers[signum](signum, frame)

    def deliver_again(self) -> None:
        """Call the handler of each signal received once more: it raises (KeyboardInterrupt, or what the
        command line raises for SIGTERM) unless it chose to let the run go on."""
        for signum in dict.fromkeys(self.received):
            self.handlers[signum](signum, None)


@contextmanager
def _noting_signals() -> Iterator[_Stops]:
    """Note SIGINT and SIGTERM while a run goes on, and pass each on to its handler as before.

    The handler's exception (KeyboardInterrupt) can be lost: Python ignores exceptions raised in
    at-fork hooks, so a signal that arrives while a worker process is forked does not stop the
    run. The note lets :func:`output_folder` refuse to commit such a run all the same.
    """
    stops = _Stops()
    if threading.current_thread() is not threading.main_thread():
        yield stops
        return
    for sig in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(sig)
        if callable(handler):  # SIG_DFL ends the process, SIG_IGN ignores: nothing to note
            stops.handlers[sig] = handler
            signal.signal(sig, stops.note)
    try:
        yield stops
    finally:
        for signum, handler in stops.handlers.items():
            signal.signal(signum, handler)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM (their Python handlers) until the block ends, then deliver them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    held = {s: h for s, h in previous.items() if h is not None}  # None: set outside Python, left alone
    for sig in held:
        signal.signal(sig, lambda signum, _frame: received.append(signum))
    try:
        yield
    finally:
        for signum, handler in held.items():
            signal.signal(signum, handler)
        for number in dict.fromkeys(received):
            signal.raise_signal(number)
