"""Which files a read covers: paths (files, directories, glob patterns) expanded to files, in one order.

The first step of :func:`bibnet.read`, kept apart from the reading itself.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable

from bibnet.errors import InputError, OptionError


def path_of(given: object) -> str:
    """``given`` as a path string, or a one-line OptionError (not Python's TypeError from deep inside)."""
    try:
        path = os.fspath(given)  # type: ignore[call-overload]  # anything may come from callers
    except TypeError:
        path = None
    if isinstance(path, str) and path:
        return path
    hint = "; give several paths as separate arguments: read(*paths)" if isinstance(given, (list, tuple, set)) else ""
    raise OptionError(
        f"read: {given!r:.60} is not a path (expected a file, directory or glob pattern as str or os.PathLike{hint})"
    )


def expand(paths: Iterable[str]) -> list[tuple[str, bool]]:
    """Files to read, each with whether it was named explicitly (not found in a directory).

    In the order of their real paths. A file reached twice (e.g. a directory and a pattern
    inside it) is read once. A named
    pipe or device given is passed on, to be refused by name when read.
    """
    files: list[tuple[str, bool]] = []
    for path in paths:
        if os.path.isdir(path):
            files.extend(directory(path))
        elif os.path.exists(path):
            files.append((path, True))
        elif glob.has_magic(path):
            matches = sorted(glob.glob(path))
            if not matches:
                raise InputError(f"{path}: no file matches this pattern")
            for match in matches:
                files.extend(directory(match) if os.path.isdir(match) else [(match, True)])
        else:
            raise InputError(f"{path}: no such file or directory")
    once: dict[str, tuple[str, bool]] = {}
    for path, explicit in files:
        once.setdefault(os.path.realpath(path), (path, explicit))
    # Files are read in one canonical order (by real path), so that records, duplicates kept
    # and every sum over records are the same whatever order the paths were given in.
    return [once[real] for real in sorted(once)]


def directory(path: str) -> list[tuple[str, bool]]:
    """The entries of a directory but hidden ones and subdirectories, in name order; a named
    pipe or a device among them is ignored (and listed) when read."""
    names = sorted(n for n in os.listdir(path) if not n.startswith(".") and not os.path.isdir(os.path.join(path, n)))
    return [(os.path.join(path, n), False) for n in names]
