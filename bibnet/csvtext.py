"""CSV text of a table as bibnet writes it, and the number format all its table files share.

Every text cell is quoted, and a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab,
a carriage return or ``'`` gets one extra ``'`` in front: spreadsheets then show it as text
instead of running it as a formula, and :func:`csv_unescape` recovers the original exactly.
Numbers are never touched, so negative values stay numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def to_csv(df: pd.DataFrame) -> str:
    """CSV text: numbers bare, text quoted and defused against formula injection (module notes)."""
    numeric = numeric_columns(df)
    lines = [",".join(_csv_text(str(c)) for c in df.columns)]
    for row in df.itertuples(index=False, name=None):
        lines.append(",".join(format_number(v, exact=True) if num else ("" if is_missing(v) else _csv_text(str(v)))
                              for v, num in zip(row, numeric, strict=True)))
    return "\n".join(lines) + "\n"


def csv_escape(text: str) -> str:
    """A text cell's value as written to CSV (before quoting): ``'`` added before a formula start."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_unescape(text: str) -> str:
    """The original text of a CSV text cell written by :func:`to_csv`."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


def format_number(value: Any, *, exact: bool = False) -> str:
    """A table number as text: whole numbers without decimals, others exactly (``exact``, for CSV)
    or to at most 4 decimals (Markdown, LaTeX, HTML); missing values as an empty string."""
    if is_missing(value):
        return ""
    value = float(value) if not isinstance(value, (int, np.integer)) else int(value)
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return repr(value) if exact else f"{value:.4f}".rstrip("0").rstrip(".")


def numeric_columns(df: pd.DataFrame) -> list[bool]:
    """Whether each column holds numbers (booleans do not count: they are written as text)."""
    return [pd.api.types.is_numeric_dtype(df.iloc[:, i]) and not pd.api.types.is_bool_dtype(df.iloc[:, i])
            for i in range(df.shape[1])]


def is_missing(value: Any) -> bool:
    """Whether a cell is empty: ``None``, ``pd.NA`` or NaN."""
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _csv_text(text: str) -> str:
    return '"' + csv_escape(text).replace('"', '""') + '"'
