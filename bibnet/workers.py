"""Worker processes, in one place: how many cores there are and how workers start.

``analyze`` draws its static pictures in worker processes; clustering runs its random starts
in threads (see :mod:`bibnet.clustering`) and only asks :func:`cpus`. On Linux workers are
forked: cheap, and they inherit the loaded libraries and data; elsewhere the platform's
default start method is used.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor


def cpus() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes, forked where the platform allows it."""
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    return ProcessPoolExecutor(workers, mp_context=context)
