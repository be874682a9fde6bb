"""Where the passes run: worker processes on this machine, or a Dask cluster.

An engine runs ``func(job, shared)`` for every job, and returns what each job keeps (in the
order of the jobs) and the sum of what they add up, summed in a tree. The sums are whole
numbers, so the tree's shape does not change the result; the parts are put back in job order,
so neither does the order in which jobs finish.

:class:`LocalEngine` runs the jobs in batches of consecutive files in worker processes
(:mod:`bibnet.workers`); each batch sums its own jobs and settles the sum (the second pass
multiplies out its records' pair counts there, where the work spreads), so a worker sends back
one sum. Batches hold at most :data:`JOBS_PER_BATCH` files, so a worker's memory does not grow
with the corpus, and the running sum keeps at most :data:`LEVELS` partial sums.
:class:`DaskEngine` runs each job as a task of a ``dask.distributed`` cluster and sums on the
workers; a worker lost mid-run has its tasks run again by Dask, from the files.
"""

from __future__ import annotations

import contextlib
import operator
import pickle
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar

from bibnet.errors import OptionError
from bibnet.options import Params, option
from bibnet.workers import cpus, pool

J = TypeVar("J")
S = TypeVar("S")
#: Sums combined at once at each level of a tree.
FANOUT = 8
#: Batches per worker process of the local engine, at least: enough to keep all busy to the end.
_BATCHES_PER_WORKER = 4
#: Jobs (files) of a local batch, at most: a worker holds one batch's sums, whatever the corpus.
JOBS_PER_BATCH = 64
#: Partial sums a running sum keeps, at most (each may be as large as the whole sum).
LEVELS = 4
#: The names of the engines (``--engine``); the first is the default.
ENGINES = ("local", "dask")
#: What to install for the Dask engine.
DASK_MISSING = "the dask engine needs Dask: pip install 'bibnet[dask]'"



@dataclass(frozen=True)
class EngineParams(Params):
    """Where the files are counted (:func:`bibnet.count_files`)."""

    kind: ClassVar[str] = "engine options"

    engine: str = option(ENGINES[0], choices=ENGINES,
                         help="Count the files in worker processes of this machine (local), or on a Dask cluster "
                              "(dask: --scheduler, or --workers for one on this machine).")
    workers: int | None = option(None, min=1, help="Worker processes (local engine, or the Dask cluster started for "
                                                   "the run); default: one per core.")
    scheduler: str | None = option(None, help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 "
                                              "(--engine dask).")
    keep_records: str | None = option(None,
                                      help="Folder where the first pass leaves each file's records (Arrow files), "
                                           "which later passes and document lists read instead of the exports; "
                                           "default: a temporary folder on this machine, removed after the run.")

    def check(self) -> None:
        if self.scheduler and self.engine != "dask":
            raise OptionError("--scheduler is for --engine dask")
        if self.scheduler and self.workers:
            raise OptionError("give --scheduler or --workers, not both: the scheduler's cluster has its own workers")


Job = Callable[[Any, Any], tuple[Any, Any]]
Combine = Callable[[Sequence[Any]], Any]
Settle = Callable[[Any], Any]


def _as_is(value: Any) -> Any:
    return value


class Engine(Protocol):
    """What the passes need of an engine."""

    name: str

    def map_reduce(self, func: Job, jobs: Sequence[Any], shared: Any, combine: Combine, *,
                   settle: Settle = _as_is) -> tuple[list[Any], Any]:
        """``func(job, shared)`` for each job, which returns ``(part, summand)``: the parts in job
        order, and the summands combined (``combine`` of a list gives one). ``settle`` turns a
        partial sum into the same sum in the form to send on (e.g. pair counts multiplied out);
        an engine may apply it to any partial sum, where the work spreads best."""
        ...


@dataclass
class Traffic:
    """Bytes the tasks of a run sent to the reduction, per pass (measured by the Dask engine)."""

    tasks: list[int] = field(default_factory=list)
    sent: list[int] = field(default_factory=list)


class _Sum:
    """A running sum kept as a binary counter: partial sums of 1, 2, 4, ... summands, so that a
    summand is combined about log2(n) times, not n. Sums of sparse counts stop growing once they
    hold every pair, so at most :data:`LEVELS` are kept: beyond, the two smallest are combined."""

    def __init__(self, combine: Combine) -> None:
        self.combine = combine
        self.levels: list[tuple[int, Any]] = []

    def add(self, value: Any) -> None:
        size = 1
        while self.levels and (self.levels[-1][0] <= size or len(self.levels) >= LEVELS):
            below, previous = self.levels.pop()
            value, size = self.combine([previous, value]), size + below
        self.levels.append((size, value))

    def result(self) -> Any:
        values = [value for _, value in self.levels]
        return values[0] if len(values) == 1 else self.combine(values)  # none: combine([]), the empty sum


def _batch(func: Job, shared: Any, combine: Combine, settle: Settle, jobs: Sequence[Any]) -> tuple[list[Any], Any]:
    """Run ``jobs`` one after the other: their parts, and the settled sum of their summands.

    The summands of one file are small, and a batch holds at most :data:`JOBS_PER_BATCH`: they
    are combined at once, which costs a fifth of adding them one by one (the keyword tallies of
    64 files: 80 ms against 440 ms, the keys encoded and sorted once, not six times).
    """
    parts, summands = [], []
    for job in jobs:
        part, summand = func(job, shared)
        parts.append(part)
        summands.append(summand)
    return parts, settle(summands[0] if len(summands) == 1 else combine(summands))


@dataclass
class LocalEngine:
    """The passes in ``workers`` processes of this machine (default: one per core; 1: in this process)."""

    workers: int | None = None
    name: str = "local"

    def map_reduce(self, func: Job, jobs: Sequence[Any], shared: Any, combine: Combine, *,
                   settle: Settle = _as_is) -> tuple[list[Any], Any]:
        n = min(self.workers or cpus(), len(jobs))
        if n <= 1:
            return _batch(func, shared, combine, settle, jobs)
        count = min(len(jobs), max(n * _BATCHES_PER_WORKER, -(-len(jobs) // JOBS_PER_BATCH)))
        bounds = [len(jobs) * i // count for i in range(count + 1)]
        batches = [jobs[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
        parts: list[list[Any]] = [[] for _ in batches]
        total = _Sum(combine)
        with pool(n) as workers:
            running = {workers.submit(_batch, func, shared, combine, settle, batch): i for i, batch in enumerate(batches)}
            # Summed as they finish (the sum does not depend on the order), so that no finished
            # batch waits in memory for a slower one before it.
            for done in as_completed(running):
                parts[running.pop(done)], summand = done.result()
                total.add(summand)
        return [part for batch in parts for part in batch], total.result()


class DaskEngine:
    """The passes as tasks of a ``dask.distributed`` cluster, through ``client``."""

    name = "dask"

    def __init__(self, client: Any) -> None:
        self.client = client
        self.traffic = Traffic()

    def map_reduce(self, func: Job, jobs: Sequence[Any], shared: Any, combine: Combine, *,
                   settle: Settle = _as_is) -> tuple[list[Any], Any]:
        # The tree's combines settle by themselves when their sums grow large (the second pass
        # multiplies out at :data:`bibnet.passes.sums.PENDING`); what is left is settled by the caller.
        client = self.client
        if not jobs:
            return [], combine([])
        [common] = client.scatter([shared], broadcast=True, hash=False)
        results = client.map(func, list(jobs), [common] * len(jobs), pure=False)
        parts = client.map(operator.itemgetter(0), results, pure=False)
        summands = client.map(operator.itemgetter(1), results, pure=False)
        level = summands
        while len(level) > 1:
            level = [client.submit(_combine, combine, *level[i:i + FANOUT], pure=False)
                     for i in range(0, len(level), FANOUT)]
        total = level[0].result()
        self.traffic.tasks.append(len(jobs))
        self.traffic.sent.append(sum(client.gather(client.map(_pickled, results, pure=False))))
        return client.gather(parts), total


def _combine(combine: Combine, *values: Any) -> Any:
    return combine(list(values))


def _pickled(result: Any) -> int:
    """Bytes a task's result takes on the wire (pickled, as Dask sends it)."""
    return len(pickle.dumps(result, protocol=5))


@contextlib.contextmanager
def engine(params: EngineParams, *, client: Any = None) -> Iterator[Engine]:
    """The engine of ``params`` for the length of a ``with`` block; on ``client`` (a
    ``dask.distributed.Client``) when one is given, which implies the Dask engine.

    A Dask engine without ``client`` connects to ``params.scheduler``, or else starts a
    ``LocalCluster`` of ``params.workers`` processes (one per core by default), closed at the end.

    Raises
    ------
    OptionError
        The Dask engine is asked for and Dask is not installed (the message says how to install it).
    """
    if client is not None:
        yield DaskEngine(client)
        return
    if params.engine == "local":
        yield LocalEngine(params.workers)
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise OptionError(DASK_MISSING) from None
    if params.scheduler:
        with Client(params.scheduler) as remote:
            yield DaskEngine(remote)
        return
    # dashboard on a free port: a second cluster on this machine would find 8787 taken
    with LocalCluster(n_workers=params.workers or cpus(), threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as local:
        yield DaskEngine(local)
