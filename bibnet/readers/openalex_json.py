"""OpenAlex works as JSON: API result pages and snapshot JSON Lines, gzip-compressed or not.

Two shapes are read (:func:`bibnet.readers.text.load` has already decompressed a gzip file):

- an API response saved to a file, pretty-printed or on one line, ``{"meta": {"count": 65,
  ...}, "results": [work, ...]}``; also a bare list of works ``[work, ...]``, one work
  (``/works/W123``), and several pages one after another (``cat page*.json``);
- the snapshot's JSON Lines (``works/updated_date=.../part_000.gz``), one work per line;
  a line may also hold a page or a list of works.

Each row's line (:attr:`~bibnet.readers.text.ReadResult.lines`) is where the work starts:
its line in JSON Lines, the line of its opening brace in a pretty-printed page (the page is
walked one value at a time with :meth:`json.JSONDecoder.raw_decode`, which gives positions).

=====================================================  ====  =====================================
work field                                             tag   note
=====================================================  ====  =====================================
``id``                                                 UT    ``https://openalex.org/`` removed
``doi``                                                DI    ``https://doi.org/`` removed
``display_name`` (else ``title``)                      TI
``authorships[].author.display_name``                  AU    ``"Given Surname"`` turned into
                                                             ``"Surname, Given"``, see below
``primary_location.source.display_name``               SO    else ``host_venue`` (before 2023)
``publication_year`` (else ``publication_date``)       PY
``cited_by_count``                                     TC
``type``                                               DT    ``article``, ``preprint``, ...
``keywords[].display_name`` (2025) / ``.keyword``      ID    OpenAlex Keywords
``abstract_inverted_index``                            AB    text rebuilt from word positions
=====================================================  ====  =====================================

OpenAlex has no author keywords, so no ``DE``. Its ``keywords`` (a few per work, with a score)
are assigned by OpenAlex from the title and abstract, like Keywords Plus: they become ``ID``.
``concepts`` (a deprecated classification, still in the data) and ``topics`` /
``primary_topic`` (assigned by a classifier) are subject terms, not keywords: not read. The
shape of ``keywords`` changed in 2025 from ``{keyword, score}`` to ``{id, display_name,
score}``; both are read.

Author names come as ``"Fernando Muro"``; the last word (with particles such as ``da``,
``van``, and not a ``Jr.``) is taken as the surname: ``"Muro, Fernando"``. Compound surnames
and names written surname first are turned wrongly (``"Márquez, Gabriel García"``); the
names are not used for keyword maps.

Damage: invalid JSON in a page is an error naming the line and column of json's complaint; a
line of JSON Lines that is not valid JSON, or not an object, is skipped with its reason (a
file cut short loses its last line only); a work without ``id``, or whose ``id`` is not a
work's (an authors page), is skipped. A page whose ``meta.count`` is larger than the works in
the file gives a warning (the API gives at most 200 works a page).

VOSviewer takes OpenAlex data through the API in its Create Map wizard, not from files; how
it treats OpenAlex keywords was not compared.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from bibnet.errors import InputError
from bibnet.readers._openalex_work import FIELDS
from bibnet.readers.text import ReadResult, Skip, Text

_SCAN = json.JSONDecoder().raw_decode
_DECODE = json.JSONDecoder().decode
_SPACE = re.compile(r"[ \t\n\r]*")
_BLANKS = re.compile(r"[ \t]*")
#: A line that looks like a whole JSON object or array (JSON Lines), not the "{" of a pretty-printed one.
_ONE_LINE_VALUE = re.compile(r"[ \t]*[{\[][ \t]*[\"{].*[}\]][ \t]*")
#: The first key of a VOSviewer map or network JSON file.
_VOSVIEWER = re.compile(r'\s*\{\s*"(?:network|config|info)"\s*:')
_WORK_KEYS = ('"id"', '"publication_year"', '"authorships"')
_WORK_FIELDS = [keys for _, keys in FIELDS.values()]


class OpenAlexJson:
    """Reader of OpenAlex works JSON (API pages and snapshot JSON Lines)."""

    name = "openalex-json"
    source = "OpenAlex"
    expected = "OpenAlex works JSON ({\"results\": [...]} or one work per line)"

    def sniff(self, head: str) -> bool:
        """True if ``head`` starts a JSON object or array that names OpenAlex ids or has
        the keys of a work; a VOSviewer JSON file (``{"network": ...}``) is not one."""
        start = head.lstrip()
        if not start.startswith(("{", "[")) or _VOSVIEWER.match(start):
            return False
        return "openalex.org/" in head or all(key in head for key in _WORK_KEYS)

    def read(self, text: Text, *, columns: Sequence[str]) -> ReadResult:
        """Read the works of ``text``, keeping the tags in ``columns`` that the file has.

        Raises
        ------
        InputError
            If the file is not valid JSON (a page), or holds no well-formed work.
        """
        content = text.text()
        wanted = [tag for tag in FIELDS if tag in columns]
        first, following = _first_lines(content)
        works = _Works(text.path, wanted)
        if _ONE_LINE_VALUE.fullmatch(first):
            _read_lines(content, works)
            return works.result(self.expected)
        try:
            _read_document(content, works, text.path, self.expected)
        except InputError:
            # Not one JSON value. JSON Lines whose first line is damaged? Then that line is skipped.
            if not any(_ONE_LINE_VALUE.fullmatch(line) for line in following):
                raise
            works = _Works(text.path, wanted)
            _read_lines(content, works)
        return works.result(self.expected)


class _Works:
    """The rows read so far, one list per wanted tag, and the works left out."""

    def __init__(self, path: str, wanted: list[str]) -> None:
        self.path = path
        self.getters: list[Callable[[Any], str | None]] = [FIELDS[tag][0] for tag in wanted]
        self.values: list[list[str | None]] = [[] for _ in wanted]
        self.wanted = wanted
        self.lines: list[int] = []
        self.skipped: list[Skip] = []
        self.unseen = dict.fromkeys(FIELDS)  # tags no work has had the keys of yet
        self.pages = 0
        self.page_works = 0
        self.count = 0  # the largest meta.count of the pages

    def add(self, value: object, line: int) -> None:
        """Add a work (or the works of a page or list on one line) found at ``line``."""
        if isinstance(value, dict) and isinstance(value.get("results"), list):
            self.page(value.get("meta"), len(value["results"]))
            for work in value["results"]:
                self.add(work, line)
        elif isinstance(value, list):
            for work in value:
                self.add(work, line)
        elif not isinstance(value, dict):
            self.skip(line, f"not a work: a JSON {_kind(value)}, not an object")
        elif not isinstance(value.get("id"), str) or not value["id"]:
            self.skip(line, _without_id(value))
        elif not value["id"].removeprefix("https://openalex.org/").startswith("W"):
            self.skip(line, f"not an OpenAlex work (id {value['id']!r:.60})")
        else:
            if self.unseen:  # the file's tags: those some work has the keys of
                for tag in [t for t in self.unseen if any(k in value for k in FIELDS[t][1])]:
                    del self.unseen[tag]
            for values, get in zip(self.values, self.getters, strict=True):
                values.append(get(value))
            self.lines.append(line)

    def page(self, meta: object, size: int) -> None:
        """Note a page of ``size`` works and its ``meta.count``, to tell whether pages are missing."""
        count = meta.get("count") if isinstance(meta, dict) else None
        self.pages += 1
        self.page_works += size
        if isinstance(count, int) and not isinstance(count, bool):
            self.count = max(self.count, count)

    def skip(self, line: int, reason: str) -> None:
        self.skipped.append(Skip(self.path, line, reason))

    def result(self, expected: str) -> ReadResult:
        """The table of the works read; InputError if there is none."""
        if not self.lines:
            problem = (f"line {self.skipped[0].line}: {self.skipped[0].reason}; no well-formed work in the file"
                       if self.skipped else "line 1: no works (an empty list of results)")
            raise InputError(f"{self.path}: {problem} (expected {expected})")
        tags = tuple(tag for tag in FIELDS if tag not in self.unseen)
        table = pa.table({tag: pa.array(values, pa.string())
                          for tag, values in zip(self.wanted, self.values, strict=True) if tag in tags})
        warnings: tuple[str, ...] = ()
        if self.pages and self.count > self.page_works:
            warnings = (f"the query found {self.count:,} works (meta.count) but the file's pages hold "
                        f"{self.page_works:,}: the other result pages were not saved?",)
        return ReadResult(table=table, lines=np.asarray(self.lines, dtype=np.int64), tags=tags,
                          skipped=tuple(self.skipped), warnings=warnings)


def _first_lines(content: str) -> tuple[str, list[str]]:
    """The first non-blank line, and the two after it.

    JSON Lines start with a line that holds a whole object (or array); a pretty-printed
    file starts with a lone ``{`` or ``[``, a one-line page is both.
    """
    lines: list[str] = []
    start = 0
    while len(lines) < 3 and start < len(content):
        end = content.find("\n", start)
        end = len(content) if end < 0 else end
        if content[start:end].strip():
            lines.append(content[start:end])
        start = end + 1
    return (lines[0], lines[1:]) if lines else ("", [])


def _read_lines(content: str, works: _Works) -> None:
    """JSON Lines, each line parsed where it lies (no copy of the file as lines); a line that
    is not one JSON value is skipped with json's complaint about it."""
    position, number, size = 0, 0, len(content)
    while position < size:
        number += 1
        end = content.find("\n", position)
        end = size if end < 0 else end
        start = _skip_blanks(content, position)
        if start < end:
            try:
                value, stop = _SCAN(content, start)
                stop = _skip_blanks(content, stop)
            except (ValueError, RecursionError):
                stop = -1
            if stop == end:
                works.add(value, number)
            else:  # invalid, or a value that goes on past its line (a line cut short, joined to the next)
                works.skip(number, _line_error(content[position:end]))
        position = end + 1


def _line_error(line: str) -> str:
    """What json says is wrong with one line of JSON Lines, for the skip."""
    try:
        _DECODE(line)
    except json.JSONDecodeError as exc:
        return f"not valid JSON ({_message(exc)})"
    except RecursionError:
        return "not valid JSON (nested too deeply)"
    return "not valid JSON"


def _read_document(content: str, works: _Works, path: str, expected: str) -> None:
    """One or more JSON values (pages, lists of works, works), each work with the line it starts on.

    Works are handed on as they are parsed, not kept: a page of thousands of works held at once
    made the garbage collector take as long as the parse.
    """
    line, at = 1, 0

    def found(value: object, where: int) -> None:
        nonlocal line, at
        line += content.count("\n", at, where)
        at = where
        works.add(value, line)

    position = _skip_space(content, 0)
    while position < len(content):
        start = position
        try:
            position = _skip_space(content, _value(content, position, found, works))
        except (IndexError, ValueError, RecursionError):  # bad JSON: json's own message tells where
            _raise_json_error(content, start, path, expected)


def _value(content: str, position: int, found: Callable[[object, int], None], works: _Works) -> int:
    """Walk the top-level value at ``position``, handing its works (or itself) to ``found``
    with their positions; return where it ends. Raises ValueError or IndexError on bad JSON."""
    if content[position] == "[":
        return _array(content, position, found)[0]
    if content[position] != "{":
        value, end = _SCAN(content, position)
        found(value, position)
        return end
    # An object: a page, its "results" walked work by work; else a work.
    fields: dict[str, object] = {}
    results = -1  # the number of works in "results", once walked
    i = _skip_space(content, position + 1)
    while content[i] != "}":
        if content[i] != '"':
            raise ValueError("a key that is not a string")
        key, i = _SCAN(content, i)
        i = _skip_space(content, i)
        if content[i] != ":":
            raise ValueError("no colon")
        i = _skip_space(content, i + 1)
        if key == "results" and content[i] == "[" and results < 0:
            i, results = _array(content, i, found)
        else:
            fields[key], i = _SCAN(content, i)
        i = _skip_space(content, i)
        if content[i] == ",":
            i = _skip_space(content, i + 1)
            if content[i] == "}":
                raise ValueError("trailing comma")
        elif content[i] != "}":
            raise ValueError("no comma")
    if results >= 0:
        works.page(fields.get("meta"), results)
    else:
        found(fields, position)
    return i + 1


def _array(content: str, position: int, found: Callable[[object, int], None]) -> tuple[int, int]:
    """Walk an array at ``position``, handing each element to ``found`` with its position;
    return where it ends and its number of elements."""
    i = _skip_space(content, position + 1)
    if content[i] == "]":
        return i + 1, 0
    n = 0
    while True:
        value, end = _SCAN(content, i)
        found(value, i)
        n += 1
        i = _skip_space(content, end)
        if content[i] == "]":
            return i + 1, n
        if content[i] != ",":
            raise ValueError("no comma")
        i = _skip_space(content, i + 1)


def _skip_space(content: str, position: int) -> int:
    """Where the JSON white space at ``position`` ends."""
    return _SPACE.match(content, position).end()  # type: ignore[union-attr]  # matches anywhere


def _skip_blanks(content: str, position: int) -> int:
    """Where the spaces and tabs at ``position`` end (not line ends)."""
    return _BLANKS.match(content, position).end()  # type: ignore[union-attr]  # matches anywhere


def _raise_json_error(content: str, start: int, path: str, expected: str) -> None:
    """Raise the InputError for the invalid JSON value at ``start``, with json's message."""
    problem = "not valid JSON"
    try:
        _SCAN(content, start)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno}: not valid JSON ({_message(exc)}) (expected {expected})") from None
    except RecursionError:
        problem = "not valid JSON (nested too deeply)"
    line = content.count("\n", 0, start) + 1
    raise InputError(f"{path}: line {line}: {problem} (expected {expected})")


def _message(error: json.JSONDecodeError) -> str:
    """json's complaint and its column (``"Unterminated string starting at column 12"``)."""
    return f"{error.msg.removesuffix(' at')} at column {error.colno}"


def _without_id(value: dict) -> str:
    """Why an object without an ``id`` is no work, for the skip."""
    if "error" in value:  # what the API answers to a bad query
        return f"an OpenAlex API error, not works ({value['error']!r:.80})"
    if "results" in value:
        return '"results" is not a list of works'
    if not any(key in value for keys in _WORK_FIELDS for key in keys):
        return 'not a work (no "id") nor a page of works (no "results")'
    return "work without an id"


def _kind(value: object) -> str:
    """The JSON name of a value's type, for messages."""
    names = {str: "string", bool: "boolean", int: "number", float: "number", type(None): "null", list: "array"}
    return names.get(type(value), "value")
