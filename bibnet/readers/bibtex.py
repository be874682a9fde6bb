"""BibTeX exports of Scopus and Web of Science (and BibTeX from other tools).

::

    Scopus
    EXPORT DATE: 08 July 2023

    @ARTICLE{Haseli202079,
    <TAB>author = {Haseli, Gholamreza and Sheikh, Reza},
    <TAB>author_keywords = {consistency ratio; incomplete data},
    <TAB>note = {Cited by: 52}
    }

    @article{ WOS:000719584000015,
    Author = {Figueira, Jose Rui and Greco, Salvatore},
    Keywords = {{Multiple criteria analysis; ELECTRE methods; Scoring methods;
       Non-compensatory composite indicators}},
    Unique-ID = {{WOS:000719584000015}},
    }

Scopus starts newer exports (2023 on) with the lines ``Scopus`` / ``EXPORT DATE: ...``,
TAB-indents ``name = {value}`` and writes Unicode (no LaTeX at all in the exports seen);
older ones write ``name={value}`` and separate keywords with ``";  "``. Scopus citation keys
may hold blanks (``Bozkurt Altan2016103``). Web of Science writes ``@article{ WOS:...,``,
doubles the braces (``{{...}}``), wraps long values onto lines indented by 3 spaces, escapes
``\\&``, ``\\_``, ``\\%`` and literal braces (``\\{``, unbalanced), writes ``{[}`` for ``[``
and ``{''}`` for a closing quote, and has a field name with blanks (``Early Access Date``).

Fields (names in any case) -> schema: ``title`` TI; ``author`` AU (``"A and B"`` -> ``"A; B"``,
names as written, ``and others`` dropped); ``journal`` (else ``journaltitle``, ``booktitle``)
SO; ``year`` (else ``date``) PY, its 4 digits; ``doi`` DI; ``abstract`` AB; ``type`` (else
``document_type``, else the entry type) DT. Scopus: ``author_keywords`` DE, ``keywords`` ID
(index keywords), ``note`` ``"Cited by: N"`` TC, ``eid=2-s2.0-...`` in ``url`` UT. Web of
Science: ``Keywords`` DE, ``Keywords-Plus`` ID, ``Times-Cited`` TC, ``Unique-ID`` UT, ``DA``
DA. An entry is Scopus's if it has ``author_keywords``/``abbrev_source_title`` or a Scopus
``url``, Web of Science's if it has ``Unique-ID``/``Keywords-Plus``/``Times-Cited``; the others
follow the file's majority; in a file with neither (Zotero, JabRef), ``keywords`` is DE,
split on ``,`` when it has no ``;``. The file's source is its majority's database ("BibTeX", the
generic placeholder, when neither).

Values: a value that spans lines has its white space runs made one space, as BibTeX reads it
(so a Web of Science wrap, even inside a keyword, becomes one space); LaTeX becomes text
(accents ``{\\"o}`` ``\\'{e}`` ``\\c{c}``, letters ``\\ss`` ``\\o`` ``\\l`` ..., escapes
``\\& \\% \\$ \\# \\_ \\{ \\}``, Greek letters, ````...''`` quotes, commands before a group such
as ``\\textit{x}`` dropped), then grouping braces are removed. Left as written: other commands,
math other than Greek letters, ``~``, ``--``, ``@string`` macros.

Damage: an entry with unbalanced braces, an unterminated quote, text that is no
``name = value`` or a missing ``,`` is skipped with its line and why; reading goes on at the
next line that starts an entry. Fields outside any entry (an ``@type{key,`` line lost) are a
skipped record too; other text between entries is ignored, with a warning; a field given twice
in an entry keeps its first value, with a warning.

VOSviewer does not read BibTeX files at all: it reads the same records as Scopus CSV or Web
of Science tab/plain text exports, whose keyword fields these are.

The structure is found by one compiled pass (:mod:`bibnet.readers._bibtex_parse`), the values
copied out by another, all columns at once in file order (:mod:`bibnet.readers._bibtex_many`), which
notes the few that need braces removed or LaTeX turned into text (:mod:`bibnet.readers._bibtex_text`);
numba is imported when the first BibTeX file comes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bibnet.errors import InputError
from bibnet.readers._bibtex_damage import reason, stray
from bibnet.readers.text import ReadResult, Skip, Text
from bibnet.readers.wos_tab import at_lines

_ENTRY = re.compile(r"[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]")
#: Fields that mark an entry as Scopus's or Web of Science's.
_SCOPUS_NAMES = ("author_keywords", "abbrev_source_title")
_WOS_NAMES = ("unique-id", "keywords-plus", "times-cited", "web-of-science-categories")
_SCOPUS_KEYWORDS = "keywords (scopus)"  # "keywords" in a Scopus entry: the index keywords
#: Schema tag -> the fields it is taken from, first found first.
FIELDS: dict[str, tuple[str, ...]] = {
    "UT": ("unique-id", "url"),
    "DI": ("doi",),
    "TI": ("title",),
    "AU": ("author",),
    "SO": ("journal", "journaltitle", "booktitle"),
    "PY": ("year", "date"),
    "TC": ("times-cited", "note"),
    "DT": ("type", "document_type"),
    "DE": ("author_keywords", "keywords"),
    "ID": ("keywords-plus", _SCOPUS_KEYWORDS),
    "AB": ("abstract",),
    "DA": ("da",),
}
#: Fields whose value holds the tag's value somewhere in it (a pattern with one group).
_INSIDE = {"url": r"eid=(?P<v>2-s2\.0-[0-9]+)", "note": r"(?i)cited\s+by\s*:?\s*(?P<v>[0-9]+)",
           "year": r"(?P<v>[0-9]{4})", "date": r"^\s*(?P<v>[0-9]{4})"}
#: The field names bibnet reads (ids are positions; ``len(_NAMES)`` stands for _SCOPUS_KEYWORDS).
_NAMES = tuple(dict.fromkeys([n for names in FIELDS.values() for n in names if n != _SCOPUS_KEYWORDS]
                             + [*_SCOPUS_NAMES, *_WOS_NAMES]))
_ID = {name: i for i, name in enumerate(_NAMES)}
_SCHEMA = ("UT", "DI", "TI", "AU", "SO", "PY", "TC", "DT", "PT", "DE", "ID", "AB", "DA", "Z9")
_GENERIC, _SCOPUS, _WOS = 0, 1, 2  # an entry's layout
_DATABASE = {_GENERIC: "BibTeX", _SCOPUS: "Scopus", _WOS: "Web of Science"}


class Bibtex:
    """Reader of BibTeX exports of Scopus and Web of Science."""

    name = "bibtex"
    source = "Scopus"
    expected = "a Scopus or Web of Science BibTeX export (entries starting '@')"

    def sniff(self, head: str) -> bool:
        """True if the first line that is not blank (nor a ``%`` comment) starts an entry
        (``@type{``), or follows the Scopus lines ``Scopus`` / ``EXPORT DATE: ...``."""
        lines = (line for line in head.split("\n") if line.strip() and not line.lstrip().startswith("%"))
        first = next(lines, "")
        if first.strip() == "Scopus" and next(lines, "").startswith("EXPORT DATE:"):
            first = next(lines, "")
        return _ENTRY.match(first) is not None

    def read(self, text: Text, *, columns: Sequence[str]) -> ReadResult:
        """Read the records of ``text``, keeping the tags in ``columns`` that the file has."""
        from bibnet.readers import _bibtex_parse as bp  # it imports numba: only when a BibTeX file comes

        data = text.lf()
        parsed = bp.parse(data)
        entries = parsed.entries
        records = np.flatnonzero(entries[:, bp.KIND] == 0)
        reasons = {int(e): reason(data, entries[e]) for e in records[entries[records, bp.STATUS] != 0]}
        lost, early, notes = stray(parsed.stray, entries)
        reasons |= early
        if records.size == 0 and not lost:
            raise InputError(f"{text.path}: no BibTeX entry (expected {self.expected})")
        ok = np.zeros(entries.shape[0], dtype=bool)
        ok[records] = True
        ok[np.array(list(reasons), dtype=np.int64)] = False
        good = np.flatnonzero(ok)
        fields = _Fields(text, data, parsed.fields, ok, good)
        notes += fields.mixed

        out: dict[str, pa.Array] = {}
        tags = []
        fields.read_ahead([tag for tag in _SCHEMA if tag in FIELDS and (tag in columns or tag == "DT")])
        for tag in _SCHEMA:
            if tag in FIELDS and (tag in columns or tag == "DT"):
                column, present, repeated = fields.column(tag)
                if tag == "DT":  # the entry type where the file has no document type
                    kinds = fields.cut(entries[good, bp.TYPE0], entries[good, bp.TYPE1])
                    column, present = pc.coalesce(column, pc.utf8_capitalize(kinds)), good.size > 0
                notes += repeated
                tags += [tag] if present else []
                if tag in columns:
                    out[tag] = column.cast(pa.string())
        empty = np.ones(good.size, dtype=bool)
        for tag, column in out.items():
            if tag != "DT":
                empty &= column.is_null().to_numpy(zero_copy_only=False)
        for r in np.flatnonzero(empty).tolist():
            reasons[int(good[r])] = "empty record (no value in any field read)"
        line_of = entries[:, bp.LINE]
        skipped = sorted([Skip(text.path, int(line_of[e]), why) for e, why in reasons.items()]
                         + [Skip(text.path, line, why) for line, why in lost], key=lambda s: s.line)
        if empty.all():
            first = skipped[0]
            raise InputError(f"{text.path}: line {first.line}: {first.reason}; no well-formed record "
                             f"(expected {self.expected})")
        kept = np.flatnonzero(~empty)
        table = pa.table(out)
        return ReadResult(
            table=table if kept.size == good.size else table.take(pa.array(kept)),  # a copy only when needed
            lines=line_of[good[kept]].astype(np.int64),
            tags=tuple(tags),
            skipped=tuple(skipped),
            warnings=tuple(notes),
            source=fields.source,
        )


class _Fields:
    """The fields of a file's well-formed entries: their names recognised, each entry's layout.

    Attributes
    ----------
    rows
        The fields with a name bibnet reads (rows of the parse's field table), of well-formed entries.
    record
        The record (0 .. n-1, among the well-formed entries) each field belongs to.
    ids
        Each field's name as an index into :data:`_NAMES` (``len(_NAMES)``: ``keywords`` of a
        Scopus entry).
    layout, source, mixed
        Each record's layout (:data:`_SCOPUS`, :data:`_WOS` or :data:`_GENERIC`), the file's
        database, and a warning if it has both Scopus and Web of Science entries.
    """

    def __init__(self, text: Text, data: bytes, rows: np.ndarray, ok: np.ndarray, good: np.ndarray) -> None:
        from bibnet.readers import _bibtex_parse as bp

        self.text, self.data, self.n = text, data, good.size
        self._read: list[tuple[np.ndarray, pa.Array, np.ndarray]] = []  # fields, values, flags read before
        self._chosen: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        # Names known by their hash (64-bit: a field bibnet does not read taking a known
        # name's place is not to be expected); cutting out a million names took longer than the parse.
        known = np.array([bp.name_hash(name) for name in _NAMES], dtype=np.int64)
        order = np.argsort(known)
        at = np.minimum(np.searchsorted(known[order], rows[:, bp.F_HASH]), known.size - 1)
        ids = np.where(known[order][at] == rows[:, bp.F_HASH], order[at], -1)
        keep = (ids >= 0) & ok[rows[:, bp.F_ENTRY]]  # the fields read, of well-formed entries
        self.rows, self.ids = rows[keep], ids[keep]
        row = np.full(ok.size, -1, dtype=np.int64)
        row[good] = np.arange(good.size)
        self.record = row[self.rows[:, bp.F_ENTRY]]
        self.layout, self.source, self.mixed = self._layouts()
        scopus_keywords = (self.ids == _ID["keywords"]) & (self.layout[self.record] == _SCOPUS)
        self.ids = np.where(scopus_keywords, len(_NAMES), self.ids)
        self._sorted = np.argsort(self.ids.astype(np.int8), kind="stable")  # each name's fields together (radix sort)
        self._bounds = np.searchsorted(self.ids[self._sorted], np.arange(len(_NAMES) + 2))

    def named(self, ids: Sequence[int]) -> np.ndarray:
        """The fields (indices into :attr:`rows`) whose name is one of ``ids``, in file order."""
        return np.sort(np.concatenate([self._sorted[self._bounds[i]:self._bounds[i + 1]] for i in ids]))

    def cut(self, starts: np.ndarray, ends: np.ndarray) -> pa.Array:
        """The pieces ``[starts, ends)`` of the file as strings, white space collapsed."""
        return self.values_at(starts, ends)[0]

    def values_at(self, starts: np.ndarray, ends: np.ndarray) -> tuple[pa.Array, np.ndarray]:
        """The pieces ``[starts, ends)`` and what they hold (:func:`~bibnet.readers._bibtex_text.extract`)."""
        from bibnet.readers._bibtex_text import extract

        try:
            return extract(self.data, starts, ends)
        except ValueError:
            raise self.text.utf8_error() from None

    def values(self, at: np.ndarray) -> tuple[pa.Array, np.ndarray]:
        """The values of the fields ``at`` (indices into :attr:`rows`), and what they hold."""
        from bibnet.readers import _bibtex_parse as bp
        from bibnet.readers._bibtex_text import BACKSLASH, BRACES, TEX, joined

        done = [(v, f.copy()) for fields, v, f in self._read if np.array_equal(at, fields)]
        values, flags = done[0] if done else self.values_at(self.rows[at, bp.F_VAL0], self.rows[at, bp.F_VAL1])
        if not done:
            self._read.append((at, values, flags.copy()))  # the urls: read for the layouts, then for UT
        parts = self.rows[at, bp.F_KIND] == bp.JOINED
        if parts.any():  # "a" # {b}: rare, in Python
            mask = pa.array(parts)
            texts = [joined(v) for v in values.filter(mask).to_pylist()]
            values = pc.replace_with_mask(values, mask, pa.array(texts, pa.large_string()))
            flags[parts] = BRACES | BACKSLASH | TEX
        return values, flags

    def read_ahead(self, tags: Sequence[str]) -> None:
        """Copy out the values the columns ``tags`` will take, all in one pass in file order."""
        from bibnet.readers import _bibtex_parse as bp
        from bibnet.readers._bibtex_many import extract_many

        ats = [at for at in (self.chosen(tag)[1] for tag in tags) if at.size]
        ats = [at for at in ats if not any(np.array_equal(at, fields) for fields, _, _ in self._read)]
        if not ats:
            return
        try:
            done = extract_many(self.data, [self.rows[at, bp.F_VAL0] for at in ats], [self.rows[at, bp.F_VAL1] for at in ats])
        except ValueError:
            raise self.text.utf8_error() from None
        self._read += [(at, values, flags) for at, (values, flags) in zip(ats, done, strict=True)]

    def _layouts(self) -> tuple[np.ndarray, str, list[str]]:
        scopus = np.zeros(self.n, dtype=bool)
        wos = np.zeros(self.n, dtype=bool)
        scopus[self.record[np.isin(self.ids, [_ID[x] for x in _SCOPUS_NAMES])]] = True
        wos[self.record[np.isin(self.ids, [_ID[x] for x in _WOS_NAMES])]] = True
        url = np.flatnonzero(self.ids == _ID["url"])
        if url.size:
            eid = pc.match_substring(self.values(url)[0], "eid=2-s2.0-").to_numpy(zero_copy_only=False)
            scopus[self.record[url[eid]]] = True
        scopus &= ~wos
        n_scopus, n_wos = int(np.count_nonzero(scopus)), int(np.count_nonzero(wos))
        majority = _GENERIC if n_scopus + n_wos == 0 else _WOS if n_wos >= n_scopus else _SCOPUS
        layout = np.where(scopus, _SCOPUS, np.where(wos, _WOS, majority)).astype(np.int8)
        mixed = []
        if n_scopus and n_wos:
            mixed.append(f"{n_scopus} Scopus and {n_wos} Web of Science entries in one file: each entry's keywords "
                         f"are read by its own layout; the file counts as {_DATABASE[majority]}")
        return layout, _DATABASE[majority], mixed

    def chosen(self, tag: str) -> tuple[np.ndarray, np.ndarray]:
        """The fields of the tag's names, and the one each record takes its value from."""
        if tag in self._chosen:
            return self._chosen[tag]
        wanted = [_ID.get(name, len(_NAMES)) for name in FIELDS[tag]]
        mine = self.named(wanted)
        if mine.size == 0:
            return mine, mine
        rank_of = np.zeros(len(_NAMES) + 1, dtype=np.int64)
        rank_of[wanted] = np.arange(len(wanted))
        order = np.lexsort((mine, rank_of[self.ids[mine]], self.record[mine]))  # by record, rank, place
        first = np.r_[True, np.diff(self.record[mine][order]) != 0]
        self._chosen[tag] = mine, mine[order][first]  # in record order, which is file order
        return self._chosen[tag]

    def column(self, tag: str) -> tuple[pa.Array, bool, list[str]]:
        """One schema column (null where a record has none of the tag's fields), whether the
        file has the tag, and warnings about a field given twice in an entry."""
        mine, chosen = self.chosen(tag)
        if mine.size == 0:
            return pa.nulls(self.n, pa.large_string()), False, []
        from bibnet.readers._bibtex_text import clean

        values = clean(*self.values(chosen), authors=tag == "AU")
        present = True
        names = self.ids[chosen]
        for name, pattern in _INSIDE.items():
            at = names == _ID[name]
            if at.any():
                inside = pc.struct_field(pc.extract_regex(values, pattern), [0])  # null where no match
                if name in ("year", "date"):  # a year that is no number stays, for the corpus to report
                    inside = pc.coalesce(inside, values)
                values = pc.if_else(pa.array(at), inside, values)
                if tag in ("UT", "TC") and not np.any(names == _ID[FIELDS[tag][0]]):
                    present = bool(pc.any(pc.is_valid(values)).as_py())
        if tag in ("DE", "ID"):
            generic = self.layout[self.record[chosen]] == _GENERIC
            if generic.any():  # a reference manager's list: "a, b" unless it has a ";"
                commas = pc.and_(pa.array(generic), pc.invert(pc.match_substring(values, ";")))
                values = pc.if_else(commas, pc.replace_substring_regex(values, ",\\s*", "; "), values)
            if pc.any(pc.match_substring_regex(values, r";[^ ]|;$|; \s")).as_py():  # a look is 10x faster
                values = pc.replace_substring_regex(values, ";\\s*", "; ")  # older Scopus exports: ";  "
        if chosen.size < self.n:  # else every record has a value, in order
            index = np.full(self.n, -1, dtype=np.int64)
            index[self.record[chosen]] = np.arange(chosen.size)
            values = values.take(pa.array(index, mask=index < 0))
        return values, present, self._repeated(mine)

    def _repeated(self, mine: np.ndarray) -> list[str]:
        """Warnings about a field given twice in an entry (the first value is used)."""
        from bibnet.readers import _bibtex_parse as bp

        key = self.record[mine] * (len(_NAMES) + 1) + self.ids[mine]
        unique, counts = np.unique(key, return_counts=True)
        notes = []
        for k in unique[counts > 1].tolist():
            again = mine[key == k]
            name = (_NAMES + ("keywords",))[self.ids[again[0]]]
            lines = at_lines(self.rows[again, bp.F_LINE])
            notes.append(f"field '{name}' appears {again.size} times in one entry ({lines}); the first value is used")
        return notes
