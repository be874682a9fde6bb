"""What a load did: the reports of :func:`bibnet.corpus.read`, per file and for the corpus.

The reports are plain frozen values (``str()`` for people, ``to_dict()`` for
``bibnet info --json``); :func:`build_report` assembles one from the loaded records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from bibnet.keyword_fields import SplitKeywords
from bibnet.readers import READERS, Skip
from bibnet.sources import SOURCES

#: Tags whose share of non-empty values the report gives.
COVERAGE = ("DE", "ID", "PY", "TC", "AB")


class SkippedInputWarning(UserWarning):
    """Malformed records or unreadable files that a load left out (all listed in its
    :class:`LoadReport`). The command line, which prints the report, silences it."""


@dataclass(frozen=True)
class FileReport:
    """How one file was read.

    ``records`` counts its well-formed records (duplicates included), ``skipped`` its
    malformed ones, ``duplicates`` those of its records dropped as copies of another;
    ``source`` is the database the file comes from (a key of :data:`~bibnet.sources.SOURCES`).
    """

    path: str
    format: str
    source: str
    encoding: str
    newline: str
    records: int
    skipped: int = 0
    duplicates: int = 0
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "source": self.source,
            "encoding": self.encoding,
            "newline": self.newline,
            "records": self.records,
            "skipped": self.skipped,
            "duplicates": self.duplicates,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class Duplicate:
    """A record dropped as a copy of another (see :func:`bibnet.dedup.deduplicate`)."""

    file: str
    line: int
    UT: str | None
    key: str
    kept_file: str
    kept_line: int
    reason: str
    differs: str

    def __str__(self) -> str:
        differs = f"; differs in {self.differs}" if self.differs else ""
        return (
            f"{self.file}: line {self.line} ({self.UT or 'no UT'}) same {self.key} as "
            f"{self.kept_file}: line {self.kept_line}, kept that one ({self.reason}{differs})"
        )


@dataclass(frozen=True)
class LoadReport:
    """What a load did: per file, and for the corpus as a whole.

    Attributes
    ----------
    files
        One :class:`FileReport` per file read, in reading order.
    records_read
        All records met, well-formed or not: ``records + duplicates + skipped``.
    records
        Records kept.
    duplicates
        Records dropped as copies of another (details in :attr:`duplicates_detail`).
    skipped
        Malformed records left out (details in :attr:`skipped_detail`).
    fields
        Share (0-1) of kept records with a non-empty ``DE``, ``ID``, ``PY``, ``TC``, ``AB``.
    sources
        Kept records per database (keys of :data:`~bibnet.sources.SOURCES`, in its order).
    source_fields
        :attr:`fields` per database: the share of the database's kept records with each field;
        a field none of its files has is left out (not 0).
    prefer
        The databases in the order their copies are kept when copies of several merge.
    years
        ``(first, last)`` publication year of the kept records, or ``None``.
    ignored
        Files met in a directory that are not exports (a README, ..., a named pipe), each as
        ``"path: why"``.
    unreadable
        Exports that could not be read (another encoding, cut short, ...), left out because
        ``read(..., skip_unreadable=True)`` asked so, each as ``"path: why"``; their records
        are in no count.
    """

    files: tuple[FileReport, ...]
    records_read: int
    records: int
    duplicates: int
    skipped: int
    skipped_detail: tuple[Skip, ...] = ()
    duplicates_detail: tuple[Duplicate, ...] = ()
    fields: dict[str, float] = field(default_factory=dict)
    years: tuple[int, int] | None = None
    ignored: tuple[str, ...] = ()
    unreadable: tuple[str, ...] = ()
    sources: dict[str, int] = field(default_factory=dict)
    source_fields: dict[str, dict[str, float]] = field(default_factory=dict)
    prefer: tuple[str, ...] = ()

    def file_warnings(self) -> tuple[str, ...]:
        """Every file's warnings (missing or empty fields, ...), each as ``"path: warning"``."""
        return tuple(f"{f.path}: {w}" for f in self.files for w in f.warnings)

    def to_dict(self) -> dict[str, Any]:
        """The report as the JSON object of ``bibnet info --json``."""
        return {
            "files": [f.to_dict() for f in self.files],
            "records_read": self.records_read,
            "records": self.records,
            "duplicates": self.duplicates,
            "skipped": self.skipped,
            "skipped_detail": [{"file": s.file, "line": s.line, "reason": s.reason} for s in self.skipped_detail],
            "duplicates_detail": [vars(d).copy() for d in self.duplicates_detail],
            "fields": dict(self.fields),
            "years": list(self.years) if self.years else None,
            "ignored": list(self.ignored),
            "unreadable": list(self.unreadable),
            "sources": dict(self.sources),
            "source_fields": {name: dict(shares) for name, shares in self.source_fields.items()},
            "prefer": list(self.prefer),
        }

    def __str__(self) -> str:
        n_files = len(self.files)
        n_bad = len(self.unreadable)
        unreadable = f" {n_bad} unreadable file{'s' * (n_bad != 1)} skipped." if n_bad else ""
        lines = [
            f"Read {n_files} file{'s' * (n_files != 1)}, {self.records_read} records: {self.records} kept, "
            f"{self.duplicates} duplicates removed, {self.skipped} malformed skipped.{unreadable}"
        ]
        width = max((len(f.path) for f in self.files), default=0)
        enc = max([9, *(len(f.encoding) for f in self.files)])
        fmt = max([9, *(len(_format(f)) for f in self.files)])
        for f in self.files:
            extra = "".join(
                f", {n} {what}" for n, what in ((f.skipped, "skipped"), (f.duplicates, "duplicates")) if n
            )
            lines.append(
                f"  {f.path:<{width}}  {_format(f):<{fmt}}  {f.encoding:<{enc}} {f.newline:<5} {f.records:>6} records{extra}"
            )
            lines.extend(f"      warning: {w}" for w in f.warnings)
        if self.years:
            lines.append(f"Years: {self.years[0]}-{self.years[1]}")
        if self.fields:
            shares = ", ".join(f"{tag} {share:.1%}" for tag, share in self.fields.items())
            lines.append(f"Records with a non-empty field: {shares}")
        for name, count in self.sources.items():
            lines.append(f"{name}: {count} records; {_coverage_text(name, self.source_fields.get(name, {}))}")
        lines.extend(f"Ignored (not an export): {i}" for i in self.ignored)
        lines.extend(f"Skipped (unreadable): {u}" for u in self.unreadable)
        if self.skipped_detail:
            lines.append("Skipped (malformed):")
            lines.extend(f"  {s}" for s in self.skipped_detail)
        if self.duplicates_detail:
            lines.append("Duplicates removed:")
            groups = Counter((d.file, d.key, d.kept_file, d.reason) for d in self.duplicates_detail)
            for (file, key, kept_file, reason), count in groups.items():
                lines.append(f"  {count} of {file}: same {key} as in {kept_file}, kept that copy ({reason})")
            differs = Counter(f for d in self.duplicates_detail for f in d.differs.split(", ") if f)
            if differs:
                lines.append("  copies differ in: " + ", ".join(f"{f} ({n})" for f, n in differs.items()))
        return "\n".join(lines)


def _format(f: FileReport) -> str:
    """The file's format, with its database where the format does not tell it: ``"ris (Scopus)"``."""
    implied = next((r.source for r in READERS if r.name == f.format), f.source)
    return f.format if f.source == implied else f"{f.format} ({f.source})"


#: What each covered tag holds, in words, where the database gives no name of its own.
_TAG_WORDS = {"PY": "years", "TC": "citations", "AB": "abstracts"}


def _coverage_text(source: str, shares: dict[str, float]) -> str:
    """``"author keywords 85.6%, Keywords Plus 99.0%, years 100.0%, ..."``: each field in the
    database's own words; a field it has no column for is named as missing."""
    db = SOURCES[source]
    words = {"DE": db.author, "ID": db.indexed, **_TAG_WORDS}
    parts = [f"{words[tag]} {shares[tag]:.1%}" if tag in shares else f"no {words[tag]}"
             for tag in COVERAGE if words[tag]]
    absent = [what for tag, what in (("DE", "author keywords"), ("ID", "database-assigned keywords"))
              if words[tag] is None]
    return ", ".join(parts + [f"no {what} in this database" for what in absent])


def build_report(
    files: list[FileReport],
    *,
    skips: list[Skip],
    kept: pd.DataFrame,
    fields: dict[str, SplitKeywords],
    has_ab: np.ndarray,
    duplicates: pd.DataFrame,
    ignored: list[str],
    unreadable: Sequence[str] = (),
    prefer: Sequence[str] = (),
    filled: Mapping[str, np.ndarray] | None = None,
) -> LoadReport:
    """The :class:`LoadReport` of a finished load.

    Parameters
    ----------
    files
        The file reports, in reading order, before de-duplication (their ``duplicates`` are
        filled in here).
    skips
        The malformed records left out.
    kept
        The kept records (``PY`` and, unless split into ``fields``, the :data:`COVERAGE` tags).
    fields
        The split keyword fields of a lean read, by tag; their coverage is taken from them.
    has_ab
        Whether each kept record has an abstract (``AB`` is read for its coverage only).
    duplicates
        The dropped copies, as :func:`bibnet.dedup.deduplicate` describes them.
    ignored
        Files in a directory that are not exports, each as ``"path: why"``.
    unreadable
        Exports left out because they could not be read, each as ``"path: why"``.
    prefer
        The databases in the order their copies were kept (:func:`bibnet.read`'s ``prefer``).
    filled
        Whether each kept record has ``DE`` and ``ID``, where neither ``kept`` nor ``fields``
        holds them (the passes over files that keep no records, :mod:`bibnet.passes`).
    """
    per_file = duplicates["file"].value_counts() if len(duplicates) else pd.Series(dtype=int)
    files = [replace(f, duplicates=int(per_file.get(f.path, 0))) for f in files]
    n = len(kept)
    given = dict(filled or {})
    filled = {tag: given[tag] if tag in given else fields[tag].lengths > 0 if tag in fields
              else kept[tag].notna().to_numpy(dtype=bool) for tag in COVERAGE if tag != "AB"} | {"AB": has_ab}
    shares = {tag: float(filled[tag].mean()) if n else 0.0 for tag in COVERAGE}
    years = kept["PY"].dropna()
    sources, source_fields = _per_source(files, kept, filled)
    detail = tuple(
        Duplicate(
            file=row.file,
            line=int(row.line),
            UT=None if pd.isna(row.UT) else row.UT,
            key=row.key,
            kept_file=row.kept_file,
            kept_line=int(row.kept_line),
            reason=row.reason,
            differs=row.differs,
        )
        for row in duplicates.itertuples(index=False)
    )
    return LoadReport(
        files=tuple(files),
        records_read=sum(f.records + f.skipped for f in files),
        records=n,
        duplicates=len(duplicates),
        skipped=len(skips),
        skipped_detail=tuple(skips),
        duplicates_detail=detail,
        fields={tag: round(share, 4) for tag, share in shares.items()},
        years=(int(years.min()), int(years.max())) if len(years) else None,
        ignored=tuple(ignored),
        unreadable=tuple(unreadable),
        sources=sources,
        source_fields=source_fields,
        prefer=tuple(prefer),
    )


def _per_source(
    files: list[FileReport], kept: pd.DataFrame, filled: dict[str, np.ndarray]
) -> tuple[dict[str, int], dict[str, dict[str, float]]]:
    """Kept records per database, and the share of them with each field its files have."""
    db = kept["DB"].to_numpy(dtype=object) if "DB" in kept.columns else np.full(len(kept), "")
    sources: dict[str, int] = {}
    shares: dict[str, dict[str, float]] = {}
    for name in SOURCES:
        mine = db == name
        count = int(mine.sum())
        if not count:
            continue
        sources[name] = count
        own = [f for f in files if f.source == name]
        has = {tag for tag in COVERAGE if not all(any(w.startswith(f"no {tag} column") for w in f.warnings) for f in own)}
        shares[name] = {tag: round(float(filled[tag][mine].mean()), 4) for tag in COVERAGE if tag in has}
    return sources, shares
