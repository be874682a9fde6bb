"""The values of several columns of a BibTeX file copied out in one pass, in file order.

Copied one column after the other, each value was a fetch from somewhere else in the file
(10 ms for the 45,000 DOIs of a 150 MB file, whose bytes take a tenth of that); in file
order, the fields of an entry are fetched together. Used by :mod:`bibnet.readers.bibtex`;
each column comes out as :func:`bibnet.readers._bibtex_text.extract` makes it.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from bibnet._numba import jit
from bibnet.readers._bibtex_text import _CLASS, _piece


def extract_many(data: bytes, starts: list[np.ndarray], ends: list[np.ndarray]) -> list[tuple[pa.Array, np.ndarray]]:
    """:func:`~bibnet.readers._bibtex_text.extract` of each pair ``starts[c], ends[c]``.

    Raises
    ------
    ValueError
        If a piece is not valid UTF-8 (possible after a UTF-8 BOM, which the loader trusts).
    """
    sizes = [s.size for s in starts]
    first = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)]).astype(np.int64)
    s = np.concatenate([*starts, np.zeros(0, np.int64)]).astype(np.int64)
    e = np.concatenate([*ends, np.zeros(0, np.int64)]).astype(np.int64)
    lengths = e - s
    dest = np.zeros(s.size + 1, np.int64)
    np.cumsum(lengths, out=dest[1:])
    out = np.empty(max(1, int(dest[-1])), np.uint8)  # made here: numpy asks for huge pages
    order = np.argsort(s, kind="stable")  # file order
    flags, offsets = _extract_in_order(np.frombuffer(data, dtype=np.uint8), s, e, order, dest, _CLASS, out)
    whole = pa.LargeBinaryArray.from_buffers(pa.large_binary(), s.size, [None, pa.py_buffer(offsets),
                                                                          pa.py_buffer(out[:int(offsets[-1])])])
    try:
        text = whole.cast(pa.large_string())
    except pa.ArrowInvalid:
        raise ValueError("not UTF-8") from None
    return [(text.slice(first[c], sizes[c]), flags[first[c]:first[c + 1]].copy()) for c in range(len(sizes))]


@jit(nogil=True)
def _extract_in_order(raw, starts, ends, order, dest, classes, out):
    """Each piece copied to its place ``dest`` (white space collapsed, so it may come out
    shorter), in the order ``order``; then the pieces moved together. Returns their flags and offsets."""
    n = starts.size
    flags = np.zeros(n, np.uint8)
    used = np.empty(n, np.int64)
    shrunk = False
    for o in range(n):
        k = order[o]
        s, e, j = starts[k], ends[k], dest[k]
        flag, u = _piece(raw, s, e, out, j, classes)
        flags[k], used[k] = flag, u
        shrunk |= u < e - s
    offsets = np.empty(n + 1, np.int64)
    offsets[0] = 0
    for k in range(n):
        a, b, u = offsets[k], dest[k], used[k]
        if shrunk and a != b:  # moved down: never onto a piece not yet moved
            if b - a >= u:  # apart: a plain copy
                out[a:a + u] = out[b:b + u]
            else:
                for i in range(u):
                    out[a + i] = out[b + i]
        offsets[k + 1] = offsets[k] + used[k]
    return flags, offsets
