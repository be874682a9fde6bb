"""Worker processes, in one place: how many cores there are and how workers start and end.

``analyze`` draws its static pictures in worker processes; clustering runs its random starts
in threads (see :mod:`bibnet.clustering`) and only asks :func:`cpus`. On Linux workers are
forked: cheap, and they inherit the loaded libraries and data; elsewhere the platform's
default start method is used.

Workers never outlive the run: a pool left through an exception (an error, Ctrl-C, SIGTERM
turned into an exception by the command line) cancels what is queued and terminates its
workers at once instead of waiting for them; on Linux each worker also asks the kernel to kill
it when its parent dies (``PR_SET_PDEATHSIG``), so even a parent killed outright (SIGKILL)
leaves none behind. Workers ignore SIGINT: Ctrl-C reaches the whole process group, and the
parent, not each worker, handles it.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor

#: prctl(2) option: the signal a process gets when the thread that created it ends.
_PR_SET_PDEATHSIG = 1
#: Seconds to wait for terminated workers to be gone (they end at the signal; this is a bound).
_JOIN_SECONDS = 5.0


def cpus() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class WorkerPool(ProcessPoolExecutor):
    """A process pool whose ``with`` block, left through an exception, ends its workers at once."""

    def __exit__(self, exc_type, exc_val, exc_tb):
        if exc_type is None:
            return super().__exit__(exc_type, exc_val, exc_tb)
        self.terminate()
        return False

    def terminate(self) -> None:
        """Cancel the queued tasks and end the workers now, without waiting for their tasks."""
        # _processes: the executor's own record of its workers (Python 3.14 adds terminate_workers()).
        processes = list((getattr(self, "_processes", None) or {}).values())
        self.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        deadline = time.monotonic() + _JOIN_SECONDS
        for process in processes:
            # The executor's own thread may reap a worker at the same moment (its join then
            # sees the exit status first), so wait until the exit is recorded, not just signalled.
            while process.exitcode is None and time.monotonic() < deadline:
                process.join(0.05)


def pool(workers: int) -> WorkerPool:
    """A pool of ``workers`` processes, forked where the platform allows it, that end with their parent."""
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    return WorkerPool(workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),))


def _start_worker(parent: int) -> None:
    """In each worker, first: SIGINT ignored, SIGTERM ends it, and it dies with its parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker inherits the parent's Python handler
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request above took effect
        os._exit(1)
