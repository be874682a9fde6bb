"""Skipping, 8 bytes at a time, the plain text of a BibTeX value (used by :mod:`bibnet.readers._bibtex_parse`).

A value's scan stops only at ``\\``, ``{``, ``}``, ``"`` and line ends; most bytes are none of
them. :func:`skip_plain` tests a whole 64-bit word for them at once (the "has a zero byte"
bit trick on the word XOR each stop byte repeated), instead of one table look-up per byte.
"""

from __future__ import annotations

import numpy as np

from bibnet._numba import helper

_ONES, _HIGHS = np.uint64(0x0101010101010101), np.uint64(0x8080808080808080)
_BACKSLASHES, _LBRACES, _RBRACES = (np.uint64(0x0101010101010101 * b) for b in (92, 123, 125))
_QUOTES, _NEWLINES = (np.uint64(0x0101010101010101 * b) for b in (34, 10))


def words(raw: np.ndarray) -> np.ndarray:
    """``raw`` as 64-bit words (the whole ones), or none if its buffer is not 8-byte aligned."""
    if raw.ctypes.data % 8:
        return np.zeros(0, np.uint64)
    return raw[: raw.size // 8 * 8].view(np.uint64)


@helper
def _zero_byte(x):
    return (x - _ONES) & ~x & _HIGHS


@helper
def skip_plain(w, i):
    """From byte ``i`` (a multiple of 8), the first word of ``w`` that may hold a stop byte, as a
    byte position (``8 * w.size`` if none)."""
    k = i >> 3
    while k < w.size:
        x = w[k]
        if _zero_byte(x ^ _BACKSLASHES) | _zero_byte(x ^ _LBRACES) | _zero_byte(x ^ _RBRACES) \
                | _zero_byte(x ^ _QUOTES) | _zero_byte(x ^ _NEWLINES):
            break
        k += 1
    return k << 3
