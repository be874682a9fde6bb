"""Periods of a corpus: cut years or explicit year ranges, and which record falls in which.

``cuts=(2015, 2020)`` starts a new period at each cut year: ...-2014, 2015-2019, 2020-...,
the open ends closed at the first and last publication year of the records.
``periods=((2005, 2014), (2015, 2024))`` names the ranges instead; records of other years are
then outside every period, counted and reported. Records without a publication year are
counted and reported too, and left out of every period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bibnet.errors import OptionError

#: Period index of a record without a publication year, and of one outside every period.
NO_YEAR, OUTSIDE = -1, -2

_RANGE = re.compile(r"^\s*(\d{1,4})\s*[-\u2013\u2014]\s*(\d{1,4})\s*$")


@dataclass(frozen=True)
class Period:
    """One period: its first and last year (inclusive) and its records.

    ``label`` (``"2015-2019"``) names it in tables, figures and folder names.
    """

    first: int
    last: int
    records: int

    @property
    def label(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


@dataclass(frozen=True, eq=False)  # holds an array
class Split:
    """The records of a corpus split into periods.

    Attributes
    ----------
    periods
        The periods with at least one record, in time order.
    of_record
        Per record, its period's position in ``periods``; :data:`NO_YEAR` or :data:`OUTSIDE`.
    without_year, outside
        Records without a publication year, and with a year outside every period.
    empty
        Labels of the periods asked for that have no record (left out of ``periods``).
    """

    periods: tuple[Period, ...]
    of_record: np.ndarray
    without_year: int
    outside: int
    empty: tuple[str, ...] = ()

    def rows(self, index: int) -> np.ndarray:
        """Positions of the records of period ``index``, ascending."""
        return np.flatnonzero(self.of_record == index)


def parse_cuts(text: str) -> tuple[int, ...]:
    """``"2015,2020"`` as ``(2015, 2020)``."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts or not all(part.isdigit() and len(part) <= 4 for part in parts):
        raise OptionError(f"cut years must be years separated by commas, e.g. 2015,2020; got {text!r}")
    return tuple(int(part) for part in parts)


def parse_periods(text: str) -> tuple[tuple[int, int], ...]:
    """``"2005-2014,2015-2024"`` as ``((2005, 2014), (2015, 2024))``."""
    found = []
    for part in (p for p in text.split(",") if p.strip()):
        match = _RANGE.match(part)
        if not match:
            raise OptionError(f"periods must be year ranges separated by commas, e.g. 2005-2014,2015-2024; "
                              f"got {part.strip()!r}")
        found.append((int(match.group(1)), int(match.group(2))))
    if not found:
        raise OptionError(f"periods must be year ranges separated by commas, e.g. 2005-2014,2015-2024; got {text!r}")
    return tuple(found)


def check_cuts(cuts: tuple[int, ...]) -> None:
    """Cut years strictly ascending."""
    for before, after in zip(cuts, cuts[1:], strict=False):
        if after <= before:
            raise OptionError(f"cut years must be ascending and distinct, got {before} before {after}")


def check_periods(periods: tuple[tuple[int, int], ...]) -> None:
    """Each range first <= last, the ranges ascending and not overlapping."""
    for first, last in periods:
        if first > last:
            raise OptionError(f"period {first}-{last} ends before it starts")
    for (_, end), (start, last) in zip(periods, periods[1:], strict=False):
        if start <= end:
            raise OptionError(f"periods must be in time order without overlap: {start}-{last} starts by {end}")


def record_years(records: pd.DataFrame) -> np.ndarray:
    """Publication year of each record (``PY``) as floats, NaN where missing."""
    if "PY" not in records.columns:
        return np.full(len(records), np.nan)
    return records["PY"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)


def split_years(years: np.ndarray, *, cuts: tuple[int, ...] = (), periods: tuple[tuple[int, int], ...] = ()) -> Split:
    """The periods of ``cuts`` or ``periods`` (one of them) and the period of each record.

    Parameters
    ----------
    years
        Publication year of each record, NaN where unknown (:func:`record_years`).
    cuts, periods
        See the module notes.
    """
    if bool(cuts) == bool(periods):
        raise OptionError("give cut years (e.g. cuts=[2015, 2020]) or periods (e.g. periods=[(2005, 2014), "
                          "(2015, 2024)]), one of the two")
    has = ~np.isnan(years)
    known = years[has].astype(np.int64)
    if periods:
        check_periods(periods)
        ranges = list(periods)
    else:
        check_cuts(cuts)
        low = int(known.min()) if known.size else cuts[0]
        high = int(known.max()) if known.size else cuts[-1]
        bounds = [min(low, cuts[0]), *cuts, max(high + 1, cuts[-1])]
        ranges = [(a, b - 1) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
    index = np.full(len(years), NO_YEAR, dtype=np.int64)
    index[has] = OUTSIDE
    kept: list[Period] = []
    empty: list[str] = []
    for i, (first, last) in enumerate(ranges):
        inside = has & (years >= first) & (years <= last)
        count = int(inside.sum())
        if count == 0:
            empty.append(Period(first, last, 0).label)
            continue
        if cuts and i == 0:  # the open ends of cut periods: the years the records have
            first = int(years[inside].min())
        if cuts and i == len(ranges) - 1:
            last = int(years[inside].max())
        index[inside] = len(kept)
        kept.append(Period(first, last, count))
    return Split(periods=tuple(kept), of_record=index, without_year=int((~has).sum()),
                 outside=int((index == OUTSIDE).sum()), empty=tuple(empty))
