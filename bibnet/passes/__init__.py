"""Counting corpora too large for memory: two passes over the files, locally or on Dask.

:func:`count_files` counts the keyword fields of export files without holding their records:
each file is a task of two passes (:mod:`bibnet.passes.counted`), run in worker processes of
this machine or on a ``dask.distributed`` cluster (:mod:`bibnet.passes.engines`). Memory
grows with the keywords and links, not the records. :func:`network` then selects a field's
network from the counts, which equals :func:`bibnet.build_network`'s of the same files, to
the bit; cluster, lay out and write it as any network.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections.abc import Sequence
from typing import Any

from bibnet.errors import OptionError
from bibnet.keywords import FIELD_ALIASES, FIELD_NAMES
from bibnet.passes.build import network
from bibnet.passes.counted import Counted, count
from bibnet.passes.engines import EngineParams, engine
from bibnet.passes.tasks import Plan
from bibnet.selection import NetworkParams


def count_files(
    *paths: str | os.PathLike,
    fields: Sequence[str] = ("all",),
    network_params: NetworkParams | None = None,
    engine_params: EngineParams | None = None,
    client: Any = None,
    strict: bool = False,
    skip_unreadable: bool = False,
    prefer: Sequence[str] = (),
) -> Counted:
    """Count the keyword fields of export files in two passes, holding no record in memory.

    Parameters
    ----------
    *paths
        Files, folders and glob patterns, as :func:`bibnet.read` takes them.
    fields
        The keyword fields to count (``"all"``, ``"author"``, ``"indexed"``); each can then be
        mapped with :func:`network`.
    network_params
        The thesaurus, label case and counting the keywords are counted with, and the
        threshold: the counts keep pair counts of keywords that may reach
        ``min_occurrences`` only (``keywords`` is ignored: ``fields`` are counted).
    engine_params
        Where to count (:class:`~bibnet.passes.engines.EngineParams`; default: worker
        processes of this machine).
    client
        A ``dask.distributed.Client`` to count on (then ``engine_params`` is not used).
    strict, skip_unreadable, prefer
        As in :func:`bibnet.read`.

    Returns
    -------
    Counted
        The counts of each field and the load report.

    Raises
    ------
    InputError
        As :func:`bibnet.read`, for the same first file.
    OptionError
        An unknown field, or the Dask engine without Dask installed.
    """
    params = network_params or NetworkParams()
    names = tuple(FIELD_ALIASES.get(f, f) for f in ([fields] if isinstance(fields, str) else fields))
    unknown = [f for f in names if f not in FIELD_NAMES]
    if unknown or not names:
        raise OptionError(f"unknown keyword field {unknown[0]!r}; expected some of {', '.join(FIELD_NAMES)}"
                          if unknown else "give at least one keyword field")
    thesaurus: dict[str, str] = {}
    if params.thesaurus:
        from bibnet.thesaurus import read_thesaurus

        thesaurus = read_thesaurus(params.thesaurus)
    if not paths:
        raise OptionError("count_files: give at least one file, directory or glob pattern")
    where = engine_params or EngineParams()
    # The records the first pass leaves for the later ones: in the folder asked for, else in a
    # temporary one that lives as long as the counts (document lists read it too).
    folder = where.keep_records or tempfile.mkdtemp(prefix="bibnet-records-")
    os.makedirs(folder, exist_ok=True)
    plan = Plan(fields=tuple(dict.fromkeys(names)), thesaurus=thesaurus, label_case=params.label_case,
                counting=params.counting, skip_unreadable=skip_unreadable, spill=folder)
    try:
        with engine(where, client=client) as runner:
            counted = count([os.fspath(p) for p in paths], plan=plan, params=params, engine=runner, strict=strict,
                            prefer=prefer)
    except BaseException:
        if not where.keep_records:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    if not where.keep_records:
        weakref.finalize(counted, shutil.rmtree, folder, ignore_errors=True)
    return counted


__all__ = ["Counted", "EngineParams", "count_files", "network"]
