"""Loading export files into a :class:`Corpus`: records, de-duplicated, with a load report.

:func:`read` expands paths (files, directories, glob patterns), has each file read by the
reader that recognises its content (:mod:`bibnet.readers`), puts all records in one
DataFrame, removes duplicates (:mod:`bibnet.dedup`) and reports every step, so that
``records_read == records + duplicates + skipped`` always holds.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bibnet.dedup import deduplicate
from bibnet.errors import InputError, OptionError
from bibnet.input_paths import expand, path_of
from bibnet.keyword_fields import SplitKeywords
from bibnet.load_report import (
    Duplicate,  # noqa: F401  (re-exported with the other report types)
    FileReport,
    LoadReport,
    SkippedInputWarning,
    build_report,
)
from bibnet.match_keys import first_author
from bibnet.memory import release
from bibnet.readers import ReadResult, Skip, detect, load, looks_like_export, peek
from bibnet.readers.text import regular_file_problem
from bibnet.sources import SOURCES

#: Tags kept by default, in column order (then ``DB``, ``file`` and ``line``).
DEFAULT_COLUMNS = ("UT", "PT", "DI", "TI", "SO", "DT", "DE", "ID", "PY", "TC", "Z9", "DA")
#: Tags a keyword network uses (``read(..., lean=True)``): the keyword fields, year and
#: citations for the scores, and what duplicates are recognised and chosen by.
NETWORK_COLUMNS = ("UT", "PT", "DI", "TI", "SO", "DE", "ID", "PY", "TC", "DA")  # SO: the report lists sources
#: Column of :attr:`Corpus.records` naming each record's database (a key of :data:`~bibnet.sources.SOURCES`).
SOURCE_COLUMN = "DB"
#: Keyword fields, which a lean read keeps split (:attr:`Corpus.keyword_fields`), not as text.
KEYWORD_COLUMNS = ("DE", "ID")
#: Tags converted to nullable integers.
INTEGER_COLUMNS = ("PY", "TC", "Z9")
#: Text column dtype of :attr:`Corpus.records`.
STRING = pd.StringDtype("pyarrow")

_TAG = re.compile(r"[A-Z][A-Z0-9]")
_HAS_AB = "#has_AB"
_FIRST_AUTHOR = "#first_author"  # the first author's surname, which matches copies across databases
_ROW = "#row"
_WORKERS = 2  # files read at once (the machines bibnet targets have 2+ cores)
_WHAT = {"PY": "publication years", "TC": "citation counts"}


@dataclass(frozen=True, eq=False)
class Corpus:
    """De-duplicated records of one or more export files, and how they were loaded.

    Attributes
    ----------
    records
        One row per kept record, RangeIndex, in reading order (files by path, then line). Columns: the tags
        (:data:`DEFAULT_COLUMNS`, or for a lean read :data:`NETWORK_COLUMNS` but the keyword
        fields, and any asked for), then ``file`` and ``line``.
        Text columns are ``string[pyarrow]`` (missing or empty = ``<NA>``); ``PY``, ``TC``,
        ``Z9`` are ``Int64``; ``line`` (1-based, where the record starts) is ``int64``.
        Keyword fields ``DE``/``ID`` are the raw ``"; "``-separated strings.
    report
        The :class:`LoadReport`.
    duplicates
        The dropped copies (see :func:`bibnet.dedup.deduplicate`).
    keyword_fields
        Lean read: ``DE`` and ``ID`` of every kept record as
        :class:`~bibnet.keyword_fields.SplitKeywords` (``.to_text()`` gives the text back), split
        file by file as the files are read; empty otherwise.
    """

    records: pd.DataFrame
    report: LoadReport
    duplicates: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    keyword_fields: dict[str, SplitKeywords] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.records)

    @property
    def sources(self) -> dict[str, int]:
        """Kept records per database, in the order of :data:`~bibnet.sources.SOURCES`."""
        return dict(self.report.sources)


@dataclass(frozen=True)
class _LeftOut:
    """A file not read: not an export (``ignored``), or an export that cannot be read, left out
    as asked (``unreadable``); ``why`` is ``"path: problem"``."""

    why: str
    unreadable: bool


def read(
    *paths: str | os.PathLike,
    strict: bool = False,
    columns: Iterable[str] | None = None,
    lean: bool = False,
    skip_unreadable: bool = False,
    prefer: Sequence[str] = (),
) -> Corpus:
    """Read exports of Web of Science, Scopus, Lens, PubMed, Dimensions, OpenAlex or RIS/BibTeX
    files, in any mix, into a de-duplicated :class:`Corpus`.

    Parameters
    ----------
    *paths
        Files, directories (their files, not recursing) and glob patterns, in any mix; read
        in the order of their paths, whatever the order given. The format of each file is recognised from its content.
        In a directory, files that are clearly not exports (a README, a picture, a VOSviewer
        map, and named pipes or devices) are left out and listed in
        :attr:`LoadReport.ignored`; a file that looks like an export (its first line) but
        cannot be read (another encoding, cut short) is an error there too. A file named
        explicitly or matched by a pattern must be an export, and a regular file. A file
        reached twice is read once.
    strict
        Raise :class:`~bibnet.errors.InputError` on the first malformed record instead of
        skipping it with a warning.
    columns
        Extra tags to keep besides :data:`DEFAULT_COLUMNS` (e.g. ``["AB", "AU", "C1"]``).
    lean
        Keep only :data:`NETWORK_COLUMNS` (and ``columns``): the other tags are not even
        parsed, and the keyword fields are split as each file is read and kept as
        :attr:`Corpus.keyword_fields`, not as text columns (half the memory). For
        keyword networks, which need nothing else; the duplicates report then compares
        copies on these fields only.
    skip_unreadable
        Leave out exports that cannot be read (damaged encoding, cut short, no well-formed
        record) instead of raising, and list them in :attr:`LoadReport.unreadable`, with a
        :class:`~bibnet.load_report.SkippedInputWarning`. Files that are not exports at all
        are errors still when named.
    prefer
        When copies of one record come from several databases, keep the copy of the database
        named first here (e.g. ``["Scopus"]``); the databases not named follow in the order of
        :data:`~bibnet.sources.SOURCES` (Web of Science, Scopus, Lens, PubMed, Dimensions,
        OpenAlex, RIS, BibTeX). The kept copy gets the author keywords of all copies; its own
        database-assigned keywords and citations stay (see :mod:`bibnet.dedup`).

    Raises
    ------
    InputError
        A file is missing, unreadable or not an export, or (``strict``) has a malformed record.
    OptionError
        No path, a path that is not a ``str`` or ``os.PathLike``, or a column that is not a
        two-letter tag.
    """
    if not paths:
        raise OptionError("read: give at least one file, directory or glob pattern")
    names = [path_of(given) for given in paths]
    tags = _columns(columns, NETWORK_COLUMNS if lean else DEFAULT_COLUMNS)
    prefer = _prefer(prefer)
    # AB's coverage is reported, and AU's first author matches copies, even if they are not kept.
    wanted = (*tags, *(tag for tag in ("AB", "AU") if tag not in tags))
    files: list[FileReport] = []
    tables: list[pa.Table] = []
    split: dict[str, list[SplitKeywords]] = {}
    skips: list[Skip] = []
    ignored: list[str] = []
    unreadable: list[str] = []
    # Two files at a time: reading, transcoding and parsing release the GIL (numpy, pyarrow),
    # so the second core works too. Results come back, and errors are raised, in file order.
    expanded = expand(names)
    pool = ThreadPoolExecutor(max_workers=_WORKERS)
    try:
        read_one = lambda item: _read_file(item[0], item[1], wanted, tags, lean, skip_unreadable)  # noqa: E731
        for (path, _), loaded in zip(expanded, pool.map(read_one, expanded), strict=True):
            if isinstance(loaded, _LeftOut):
                (unreadable if loaded.unreadable else ignored).append(loaded.why)
                continue
            table, fields, skipped, notes, (fmt, source, encoding, newline) = loaded
            if strict and skipped:
                raise InputError(f"{skipped[0]} (strict: malformed records are not skipped)")
            tables.append(table)
            for tag, part in fields.items():
                split.setdefault(tag, []).append(part)
            skips.extend(skipped)
            files.append(
                FileReport(
                    path=path,
                    format=fmt,
                    source=source,
                    encoding=encoding,
                    newline=newline,
                    records=table.num_rows,
                    skipped=len(skipped),
                    warnings=tuple(notes),
                )
            )
    finally:
        pool.shutdown(cancel_futures=True)  # an error stops the files not yet started
    if not files:
        left_out = [*unreadable, *ignored]
        raise InputError(f"no export found ({left_out[0] if left_out else 'no files'})")

    records = _to_pandas(pa.concat_tables(tables))
    del tables
    # The fields of all files with one set of pieces; the files' own sets go.
    fields = {tag: SplitKeywords.concat(split.pop(tag)) for tag in list(split)}
    records[_ROW] = np.arange(len(records))
    kept, dups = deduplicate(records, fields=fields, prefer=prefer)
    kept.pop(_FIRST_AUTHOR)
    fields = _unite_author_keywords(records, kept, dups, fields)
    del records
    rows = kept.pop(_ROW).to_numpy()
    fields = {tag: f.take(rows) for tag, f in fields.items()}
    has_ab = kept.pop(_HAS_AB).to_numpy(dtype=bool)
    release()
    report = build_report(files, skips=skips, kept=kept, fields=fields, has_ab=has_ab, duplicates=dups, ignored=ignored,
                          unreadable=unreadable, prefer=prefer)
    if skips:
        warnings.warn(f"{len(skips)} malformed record(s) skipped; first: {skips[0]}", SkippedInputWarning, stacklevel=2)
    if unreadable:
        warnings.warn(f"{len(unreadable)} unreadable file(s) skipped; first: {unreadable[0]}", SkippedInputWarning,
                      stacklevel=2)
    return Corpus(records=kept, report=report, duplicates=dups, keyword_fields=fields)


def _read_file(
    path: str, explicit: bool, wanted: tuple[str, ...], tags: tuple[str, ...], lean: bool, skip_unreadable: bool
) -> tuple[pa.Table, dict[str, SplitKeywords], tuple[Skip, ...], list[str], tuple[str, str, str, str]] | _LeftOut:
    """Read one file: its standard table, its split keyword fields (lean), skipped records,
    notes and (format, database, encoding, line ends); or why it is left out (:func:`_left_out`)."""
    try:
        text = load(path)
        reader = detect(text)
        result = reader.read(text, columns=wanted)
    except InputError as exc:
        return _left_out(path, exc, explicit=explicit, skip_unreadable=skip_unreadable)
    source = result.source or reader.source
    meta = (reader.name, source, text.encoding, text.newline)
    del text  # the file's bytes, parsed
    table, notes = _standard(path, result, wanted, keep=tags, source=source)
    fields = {}
    if lean:  # the keyword text goes as soon as it is split
        fields = {tag: SplitKeywords.from_text(table[tag]) for tag in KEYWORD_COLUMNS}
        table = table.drop_columns(list(KEYWORD_COLUMNS))
    return table, fields, result.skipped, notes, meta


def _prefer(prefer: Sequence[str]) -> tuple[str, ...]:
    """The databases in the order their copies are kept: those named, then the others."""
    names = [prefer] if isinstance(prefer, str) else list(prefer)
    unknown = [name for name in names if name not in SOURCES]
    if unknown:
        raise OptionError(f"prefer: unknown database {unknown[0]!r}; expected some of {', '.join(SOURCES)}")
    return tuple(dict.fromkeys([*names, *SOURCES]))


def _unite_author_keywords(
    records: pd.DataFrame, kept: pd.DataFrame, dups: pd.DataFrame, fields: dict[str, SplitKeywords]
) -> dict[str, SplitKeywords]:
    """The kept copy of a record found in several databases gets the author keywords of every
    copy (``DE`` in ``kept``, or in the split ``fields`` of a lean read); the keywords the
    databases assign are different vocabularies and stay the kept copy's own."""
    lost, into = dups.pop("row").to_numpy(), dups.pop("kept_row").to_numpy()
    db = records[SOURCE_COLUMN].to_numpy(dtype=object)
    across = db[lost] != db[into]
    if not across.any():
        return fields
    if "DE" in fields:
        return fields | {"DE": fields["DE"].unite(into[across], lost[across])}
    if "DE" in kept.columns:
        united = SplitKeywords.from_text(records["DE"]).unite(into[across], lost[across]).to_text()
        kept["DE"] = pd.array(united.take(pa.array(kept[_ROW].to_numpy())), dtype=STRING)
    return fields


def _left_out(path: str, error: InputError, *, explicit: bool, skip_unreadable: bool) -> _LeftOut:
    """A file that could not be read, left out; or ``error`` raised.

    An export that cannot be read is left out only when asked (``skip_unreadable``): its
    records would be lost. A file in a directory that is clearly something else is ignored.
    """
    if explicit and not skip_unreadable:
        raise error
    export = _looks_like_export(path)
    if export and skip_unreadable:
        return _LeftOut(str(error), unreadable=True)
    if export or explicit:
        raise error
    return _LeftOut(str(error), unreadable=False)


def _looks_like_export(path: str) -> bool:
    """Whether a file that could not be read still looks like an export (its first line)."""
    if regular_file_problem(path):  # a pipe or a device: never opened, even to look
        return False
    try:
        return looks_like_export(peek(path))
    except InputError:
        return True  # it cannot even be opened (permissions): it may well be an export


def _columns(columns: Iterable[str] | None, base: tuple[str, ...]) -> tuple[str, ...]:
    extra = [columns] if isinstance(columns, str) else list(columns or ())
    for tag in extra:
        if not isinstance(tag, str) or not _TAG.fullmatch(tag):
            raise OptionError(f"columns: {tag!r} is not a two-letter Web of Science field tag (e.g. 'AB')")
    return tuple(dict.fromkeys([*base, *extra]))


def _standard(
    path: str, result: ReadResult, tags: tuple[str, ...], *, keep: tuple[str, ...], source: str
) -> tuple[pa.Table, list[str]]:
    """The file's records with every column of ``tags`` (all-null where the file lacks a
    tag), integers converted, plus ``DB`` (``source``), ``file`` and ``line``; and the file's warnings.

    Columns not in ``keep`` are dropped once the notes are made (AB, read for its coverage
    only, is the largest field: its text is not carried further)."""
    table, n = result.table, len(result.lines)
    notes = list(result.warnings)
    columns: dict[str, pa.Array] = {}
    for tag in tags:
        col = table[tag] if tag in table.column_names else pa.nulls(n, pa.string())
        if tag in INTEGER_COLUMNS:
            col, note = _integers(col, tag, result.lines)
            if note:
                notes.append(note)
        columns[tag] = col
    # Read unless not asked for (a second pass over a file, which knows its duplicates already).
    if "AB" in columns:
        columns[_HAS_AB] = pc.is_valid(columns["AB"])
    if "AU" in columns:
        columns[_FIRST_AUTHOR] = first_author(columns["AU"])
    database = SOURCES[source]
    # A database without such a field (OpenAlex: no author keywords) is not warned about it file by file:
    # the load report says it once per database.
    keyword_names = {tag: what for tag, what in (("DE", database.author), ("ID", database.indexed)) if what}
    for tag, what in (keyword_names | _WHAT).items():
        if tag not in result.tags:
            notes.append(f"no {tag} column ({what})")
        elif n and columns[tag].null_count == n:
            notes.append(f"{tag} ({what}) is empty in every record")
    if "UT" not in result.tags:
        notes.append("no UT column: duplicates are found by DOI and title only")
    columns = {tag: col for tag, col in columns.items() if tag in keep or tag in (_HAS_AB, _FIRST_AUTHOR)}
    columns[SOURCE_COLUMN] = pa.array([source] * n, type=pa.string())
    columns["file"] = pa.array([path] * n, type=pa.string())
    columns["line"] = pa.array(result.lines, type=pa.int64())
    return pa.table(columns), notes


def _integers(col: pa.ChunkedArray | pa.Array, tag: str, lines: np.ndarray) -> tuple[pa.Array, str | None]:
    """Whole numbers of a text column; other values become null and are reported."""
    text = pc.utf8_trim_whitespace(col)
    ok = pc.match_substring_regex(text, r"^[0-9]{1,18}$")
    values = pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), pa.int64())
    bad = np.flatnonzero(pc.and_(pc.is_valid(text), pc.invert(ok)).to_numpy(zero_copy_only=False))
    if bad.size == 0:
        return values, None
    first = int(bad[0])
    value, line = text[first].as_py(), lines[first]
    return values, f"{tag}: {bad.size} value(s) not a whole number, left empty (first {value!r} at line {line})"


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    """One DataFrame of the files' tables, each column in one contiguous chunk.

    Left as one chunk per file and block, the columns would pin the memory pool's pages
    they were parsed among: at 1,000,000 records, 200 MB of freed memory stayed resident.
    Text goes to 64-bit offsets first (pandas' own string storage), which also lets a
    column pass 2 GB.
    """
    large = pa.schema([f.with_type(pa.large_string()) if f.type == pa.string() else f for f in table.schema])
    table = table.cast(large).combine_chunks()
    mapping = {pa.large_string(): STRING, pa.int64(): pd.Int64Dtype()}
    records = table.to_pandas(types_mapper=mapping.get)
    records["line"] = records["line"].astype(np.int64)
    return records
