"""Vectorised, byte-stable text for the writers: numbers, quoted text, whole files.

Every writer goes through these helpers, so a value is written the same way in a map file,
a network file, a JSON file and a Pajek file, and a million links are formatted by Arrow
kernels rather than by a Python loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Decimals of every number written (VOSviewer's own files use 4).
DECIMALS = 4
_SCALE = 10**DECIMALS
#: Beyond this magnitude ``value * 10**4`` no longer fits an int64 exactly; such rare values
#: are formatted one by one.
_HUGE = 1e14
#: The string type of all formatted text (offsets that never overflow).
STRING = pa.large_string()
#: Rows formatted at a time by the writers of long files: the text of a million links is
#: never held whole (at 315,000 links that kept 125 MB of transient text out of a JSON write;
#: 2**16 rows a chunk still took 17 MB, 2**14 take 4 MB, in no measurable extra time).
CHUNK = 1 << 14


def scalar(text: str) -> pa.Scalar:
    """A ``large_string`` scalar (Arrow kernels need both sides of the same type)."""
    return pa.scalar(text, STRING)


def glue(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of string arrays and literal text."""
    return pc.binary_join_element_wise(*(scalar(p) if isinstance(p, str) else p for p in parts), scalar(""))


@lru_cache(maxsize=1)
def _fractions() -> pa.Array:
    """``""``, ``".0001"``, ..., ``".9999"`` without trailing zeros, indexed by the 4 decimals."""
    return pa.array([""] + [f".{i:04d}".rstrip("0") for i in range(1, _SCALE)], STRING)


def numbers(values) -> pa.Array:
    """Decimal text of each value rounded to 4 decimals, without trailing zeros or exponent.

    ``2012.5000`` is written ``2012.5``, ``124.0`` as ``124``, ``-0.00001`` as ``0``; NaN
    (and other non-finite values, which callers reject beforehand) as ``""``.

    Parameters
    ----------
    values
        Array-like of numbers (nullable pandas arrays allowed).

    Returns
    -------
    pyarrow.Array
        ``large_string`` array, one entry per value.
    """
    a = pd.array(values, dtype="Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    missing = ~np.isfinite(a)
    huge = ~missing & (np.abs(a) >= _HUGE)
    q = np.rint(np.where(missing | huge, 0.0, a) * _SCALE)
    negative = q < 0  # after rounding, so that tiny negatives give "0", not "-0"
    whole, frac = np.divmod(np.abs(q).astype(np.int64), _SCALE)
    sign = pc.if_else(pa.array(negative), scalar("-"), scalar(""))
    text = glue(sign, pc.cast(pa.array(whole), STRING), _fractions().take(pa.array(frac)))
    text = pc.if_else(pa.array(missing), scalar(""), text)
    if huge.any():
        patched = np.array(text.to_pylist(), dtype=object)
        patched[huge] = [f"{v:.{DECIMALS}f}".rstrip("0").rstrip(".") for v in a[huge]]
        text = pa.array(patched, STRING)
    return text


def rounded(values: np.ndarray) -> np.ndarray:
    """``values`` rounded as :func:`numbers` writes them."""
    return np.rint(np.asarray(values, dtype=np.float64) * _SCALE) / _SCALE


def integers(values) -> pa.Array:
    """Decimal text of integer values (ids, cluster numbers); ``""`` for missing ones."""
    return pc.fill_null(pc.cast(pa.array(pd.array(values, dtype="Int64")), STRING), scalar(""))


def clean_text(values) -> pa.Array:
    """Text with tabs and line breaks replaced by a space (they would break a line-based file);
    missing values become ``""``."""
    arr = pa.array(pd.Series(values).astype("str"), STRING)
    return pc.fill_null(pc.replace_substring_regex(arr, r"\r\n|[\t\r\n]", " "), scalar(""))


def quoted_text(values) -> pa.Array:
    """:func:`clean_text`, double-quoted where VOSviewer needs it.

    VOSviewer requires quotes around a field containing ``,`` or ``;`` even in a
    tab-delimited file. A field containing ``"`` is quoted too, with the quote doubled, so
    that a label starting with a quote reads back unchanged.
    """
    text = clean_text(values)
    needs = pc.match_substring_regex(text, '[,;"]')
    quoted = glue('"', pc.replace_substring(text, '"', '""'), '"')
    return pc.if_else(needs, quoted, text)


def join_lines(columns: Sequence[pa.Array], *, sep: str = "\t", header: str | None = None) -> bytes:
    """The UTF-8 bytes of a text file: one line per row, fields joined by ``sep``, LF ends."""
    body = b""
    if columns and len(columns[0]):
        rows = pc.binary_join_element_wise(*columns, scalar(sep)) if len(columns) > 1 else columns[0]
        body = concat(glue(rows, "\n"))
    return (header.encode("utf-8") + b"\n" if header is not None else b"") + body


def concat(strings: pa.Array, sep: str = "") -> bytes:
    """The UTF-8 bytes of all ``strings`` joined by ``sep`` (by Arrow, without Python strings)."""
    whole = pa.LargeListArray.from_arrays(pa.array([0, len(strings)], pa.int64()), strings.cast(STRING))
    return pc.binary_join(whole, scalar(sep))[0].as_buffer().to_pybytes()


def chunks(n: int) -> Iterator[slice]:
    """Slices covering ``range(n)`` in pieces of :data:`CHUNK` rows (none for ``n == 0``)."""
    size = CHUNK
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


def write_bytes(path: str | Path, data: bytes | Iterable[bytes]) -> Path:
    """Write ``data``, or its pieces one after the other, to ``path`` (directories must
    exist); return the path."""
    path = Path(path)
    with open(path, "wb") as fh:
        if isinstance(data, bytes):
            fh.write(data)
        else:
            for piece in data:
                fh.write(piece)
    return path
