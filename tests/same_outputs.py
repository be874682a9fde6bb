"""Comparisons of networks and output folders that several test files share."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import bibnet


def assert_same_network(a: bibnet.Network, b: bibnet.Network) -> None:
    """``a`` and ``b`` equal to the bit: items, co-occurrences, summary, keyword counts, threshold."""
    pd.testing.assert_frame_equal(a.items, b.items, check_exact=True)
    ca, cb = a.cooccurrence, b.cooccurrence
    assert ca.shape == cb.shape and ca.dtype == cb.dtype
    assert (ca != cb).nnz == 0
    assert np.array_equal(ca.indptr, cb.indptr) and np.array_equal(ca.indices, cb.indices)
    assert np.array_equal(ca.data, cb.data)
    assert a.summary().to_dict() == b.summary().to_dict()
    pd.testing.assert_frame_equal(a.keywords.counts(), b.keywords.counts(), check_exact=True)
    assert a.keywords_meeting_threshold == b.keywords_meeting_threshold


def same_files(a: Path, b: Path) -> list[str]:
    """The files of folders ``a`` and ``b``, which must be the same names with the same bytes."""
    names = sorted(str(p.relative_to(a)) for p in a.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(b)) for p in b.rglob("*") if p.is_file())
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    return names
