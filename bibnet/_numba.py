"""numba, set up in one place for bibnet's JIT-compiled kernels (layout and UTF-16 decoding).

Kernels are cached on disk so that only the first process pays their compilation: numba
writes the cache to ``NUMBA_CACHE_DIR`` when that is set, else next to the kernel's module
(``__pycache__``), else, if the package folder is read-only, to the user's cache folder
(``~/.cache/numba``). If none of these is writable, bibnet uses a private folder in the temp
dir (``bibnet-numba-<uid>``); failing that too, the kernels are compiled in every process.
"""

from __future__ import annotations

import getpass
import os
import tempfile

import numba


def jit(fn=None, *, nogil: bool = False):
    """``numba.njit`` with an on-disk cache in the first writable place (see module docstring).

    ``nogil=True`` lets threads run the kernel in parallel (it must not touch Python objects).
    """
    if fn is None:
        return lambda f: jit(f, nogil=nogil)
    try:
        return numba.njit(cache=True, nogil=nogil)(fn)
    except RuntimeError:  # "no locator available": package and user cache folders read-only
        pass
    folder = _private_temp_folder()
    if folder is not None:
        # numba reads CACHE_DIR when the function is decorated; restore it for everyone else.
        # (numba.config sets its settings in its globals() at run time, hence vars(): a type
        # checker sees no CACHE_DIR attribute.)
        config = vars(numba.config)
        saved = config["CACHE_DIR"]
        config["CACHE_DIR"] = folder
        try:
            return numba.njit(cache=True, nogil=nogil)(fn)
        except RuntimeError:
            pass
        finally:
            config["CACHE_DIR"] = saved
    return numba.njit(nogil=nogil)(fn)  # compiled in every process


def helper(fn):
    """A function compiled into the kernels that call it, where LLVM inlines it.

    (numba's own inlining only made compilation 30% slower, not the kernels faster.)
    """
    return numba.njit(fn)


def _private_temp_folder() -> str | None:
    """A cache folder in the temp dir that only this user can write, or None."""
    user = os.getuid() if hasattr(os, "getuid") else getpass.getuser()
    folder = os.path.join(tempfile.gettempdir(), f"bibnet-numba-{user}")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.stat(folder)
    except OSError:
        return None
    mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return folder if mine and not info.st_mode & 0o022 and os.access(folder, os.W_OK) else None
