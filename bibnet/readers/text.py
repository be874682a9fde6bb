"""What every reader gets and gives back: decoded text in, a table of records out.

:func:`load` (and :func:`decode`, for bytes in memory) is bibnet's one way to open a text
file: it turns the bytes into UTF-8 bytes with known line ends, whatever the encoding (UTF-8
with or without BOM, UTF-16 LE/BE with BOM) and line ends (CRLF, LF, or the lone CR of old
"Mac" exports). The Web of Science readers, the VOSviewer map, network and JSON readers and
the thesaurus reader all open their files with it. A gzip-compressed file (first bytes
``1f 8b``, whatever its name: an OpenAlex snapshot part, an export gzipped to save space) is
decompressed first, then decoded the same way. Readers then work on UTF-8 bytes only,
which is what pyarrow parses fastest, and return a :class:`ReadResult`.

Only regular files are read: a named pipe would block and a device like ``/dev/zero`` never
ends, so they are refused by name before a byte is read (:func:`peek` too, which shows the
start of a file that cannot be decoded, to tell a damaged export from a README).
"""

from __future__ import annotations

import codecs
import dataclasses
import gzip
import mmap
import os
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa

from bibnet.errors import InputError

#: What a file is expected to be unless the caller says otherwise (used in messages).
WOS_EXPORT = "a Web of Science export"

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16le"),
    (codecs.BOM_UTF16_BE, "utf-16be"),
)
_GZIP_MAGIC = b"\x1f\x8b"
#: Compressed bytes :func:`peek` reads at most to show the start of a gzip file.
_PEEK_GZIP_LIMIT = 1 << 20


@dataclass(frozen=True)
class Text:
    """The content of one input file as UTF-8.

    Attributes
    ----------
    path
        The file, as given by the caller (used in messages).
    data
        UTF-8 bytes without BOM. Lines end with ``"\\n"`` or ``"\\r\\n"``; lone CRs have been
        turned into ``"\\n"`` so that a line is what a text editor shows as a line.
    encoding
        ``"utf-8"``, ``"utf-8-sig"`` (with BOM), ``"utf-16le"``, ``"utf-16be"`` or
        ``"utf-16le (no BOM)"``; ``" (gzip)"`` is appended for a gzip-compressed file
        (``"utf-8 (gzip)"``).
    newline
        ``"CRLF"``, ``"LF"``, ``"CR"``, ``"mixed"`` or ``""`` (a single line).
    expected
        What the file was opened as, for messages (``"a VOSviewer map file"``).
    """

    path: str
    data: bytes
    encoding: str
    newline: str
    expected: str = WOS_EXPORT

    def head(self, size: int = 1 << 16) -> str:
        """The first ``size`` bytes as text (bad bytes replaced), for format sniffing."""
        return self.data[:size].decode("utf-8", errors="replace")

    def lf(self) -> bytes:
        """:attr:`data` with ``"\\n"`` line ends only."""
        return self.data.replace(b"\r\n", b"\n") if b"\r" in self.data else self.data

    def text(self) -> str:
        """The content as a string with ``"\\n"`` line ends.

        Raises
        ------
        InputError
            If :attr:`data` is not valid UTF-8 (possible after a UTF-8 BOM, which
            :func:`load` trusts without checking the rest).
        """
        try:
            return self.lf().decode("utf-8")
        except UnicodeDecodeError:
            raise self.utf8_error() from None

    def utf8_error(self) -> InputError:
        """The error to raise when :attr:`data` turns out not to be valid UTF-8."""
        try:
            self.data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = self.data.count(b"\n", 0, exc.start) + 1
            return InputError(
                f"{self.path}: line {line}: not valid UTF-8 text (expected {self.expected} "
                "in UTF-8 or UTF-16 with byte-order mark)"
            )
        return InputError(f"{self.path}: not valid UTF-8 text")


@dataclass(frozen=True)
class Skip:
    """A record left out because it is malformed."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: line {self.line}: {self.reason}"


@dataclass(frozen=True)
class ReadResult:
    """The records of one file, as a reader returns them.

    Attributes
    ----------
    table
        One ``string`` column per requested tag that the file has (empty cells are null),
        one row per well-formed record, in file order.
    lines
        1-based line where each row of :attr:`table` starts (int64).
    tags
        Every field tag the file has, in file order (repeats removed).
    skipped
        Malformed records left out, with line and reason.
    warnings
        Anything else the user should know about this file (one line each).
    source
        The database the file comes from, a key of :data:`bibnet.sources.SOURCES`, where the
        content tells it (a RIS file's ``DB`` line); None: the reader's own ``source``.
    """

    table: pa.Table
    lines: np.ndarray
    tags: tuple[str, ...]
    skipped: tuple[Skip, ...] = ()
    warnings: tuple[str, ...] = ()
    source: str | None = None


def load(path: str | Path, *, expected: str = WOS_EXPORT, allow_empty: bool = False) -> Text:
    """Read and decode a file (the BOM is skipped while reading, not copied away).

    Parameters
    ----------
    path
        The file.
    expected
        What the file should be, with its article (``"a VOSviewer map file"``), for messages.
    allow_empty
        Return an empty (or blank) file instead of refusing it; for formats where the
        caller knows what an empty file means.

    Raises
    ------
    InputError
        If the file cannot be read, is not a regular file (a named pipe, a device, a
        directory), is a damaged gzip file, or :func:`decode` rejects it.
    """
    path = str(path)
    body: bytes | memoryview
    try:
        with _open_regular(path) as fh:
            first = fh.read(4)
            if first.startswith(_GZIP_MAGIC):
                fh.seek(0)
                return _gzipped(_gunzip(fh.read(), path), path, expected=expected, allow_empty=allow_empty)
            encoding, skip = _bom(first)
            if encoding is not None and encoding.startswith("utf-16"):
                # Transcoded straight from the page cache: reading the (twice as large) UTF-16
                # bytes into memory first took 7 ms of a 1,000-record file's 10. The map is
                # closed when the last view of it goes.
                body = memoryview(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))[skip:]
            else:
                fh.seek(skip)
                body = fh.read()
    except OSError as exc:
        raise InputError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    return _decode_body(body, encoding, path, expected=expected, allow_empty=allow_empty)


def peek(path: str | Path, size: int = 4096) -> str:
    """The first ``size`` bytes of a file as text, however damaged, for telling what it is.

    The BOM names the encoding, else UTF-16LE if it looks so, else UTF-8; bytes that do not
    decode are replaced, so a Latin-1 file or a UTF-16 file cut short still shows its first line.
    A gzip file shows the start of its content, as far as it decompresses.

    Raises
    ------
    InputError
        If the file cannot be opened or is not a regular file.
    """
    path = str(path)
    try:
        with _open_regular(path) as fh:
            head = fh.read(size)
            if head.startswith(_GZIP_MAGIC):
                head = _gunzip_head(fh, head, size)
    except OSError as exc:
        raise InputError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    encoding, skip = _bom(head[:4])
    if encoding is None and _looks_like_bomless_utf16(head):
        encoding = "utf-16le"
    return head[skip:].decode(encoding or "utf-8", errors="replace")


def regular_file_problem(path: str | Path) -> str | None:
    """Why ``path`` is not a regular file (``"not a regular file (a named pipe)"``), or None if
    it is one (symbolic links followed); the file is not opened, so a named pipe cannot block."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # missing or unreachable: opening it says why
    return None if stat.S_ISREG(mode) else f"not a regular file ({_kind(mode)})"


def decode(raw: bytes, *, path: str) -> Text:
    """Decode the bytes of a file into :class:`Text`.

    Raises
    ------
    InputError
        If the file is empty, binary, a damaged gzip file, or truncated/invalid UTF-16.
    """
    if raw.startswith(_GZIP_MAGIC):
        return _gzipped(_gunzip(raw, path), path, expected=WOS_EXPORT, allow_empty=False)
    encoding, skip = _bom(raw[:4])
    return _decode_body(raw[skip:] if skip else raw, encoding, path, expected=WOS_EXPORT, allow_empty=False)


def _gunzip(raw: bytes, path: str) -> bytes:
    """The content of a gzip file (all its members, as ``zcat`` gives them)."""
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:  # BadGzipFile is an OSError; EOFError: cut short
        raise InputError(f"{path}: damaged gzip file ({str(exc) or type(exc).__name__})") from None


def _gzipped(raw: bytes, path: str, *, expected: str, allow_empty: bool) -> Text:
    """Decode the decompressed content of a gzip file; its encoding says it was compressed."""
    encoding, skip = _bom(raw[:4])
    body = memoryview(raw)[skip:] if skip else raw  # a view: no copy of a large file for a BOM
    text = _decode_body(body, encoding, path, expected=expected, allow_empty=allow_empty)
    return dataclasses.replace(text, encoding=f"{text.encoding} (gzip)")


def _gunzip_head(fh: BinaryIO, head: bytes, size: int) -> bytes:
    """The first ``size`` bytes of the content of a gzip file whose first bytes are ``head``,
    or as many as decompress before the stream is damaged or ends."""
    stream = zlib.decompressobj(zlib.MAX_WBITS | 16)  # 16: a gzip header and trailer
    out, data, read = b"", head, len(head)
    try:
        while len(out) < size and not stream.eof:
            if not data:
                if read >= _PEEK_GZIP_LIMIT or not (data := fh.read(size)):
                    break
                read += len(data)
            # 1 KB at a time, so that what comes before a damaged block is kept
            piece, data = data[:1024], data[1024:]
            out += stream.decompress(stream.unconsumed_tail + piece, size - len(out))
    except zlib.error:
        pass  # damaged further on: the start is what peek is for
    return out


def _open_regular(path: str) -> BinaryIO:
    """Open a regular file for reading; anything else is refused before a byte is read.

    A named pipe would block the open until something writes to it, and a device like
    ``/dev/zero`` never ends: the open does not wait (``O_NONBLOCK``, which regular files
    ignore) and the file's type is checked on the open descriptor, so that a file swapped
    for a pipe after a check of its name is refused too.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        problem = regular_file_problem(path)  # a socket cannot be opened at all: say what it is
        if problem:
            raise InputError(f"{path}: {problem}") from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"{path}: not a regular file ({_kind(mode)})")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, for messages."""
    kinds = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "a special file")


def _bom(head: bytes) -> tuple[str | None, int]:
    """The encoding a byte-order mark names, and the BOM's length."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, len(bom)
    return None, 0


def _decode_body(raw: bytes | memoryview, encoding: str | None, path: str, *, expected: str,
                 allow_empty: bool) -> Text:
    if encoding is None:
        encoding = "utf-8"
        if _looks_like_bomless_utf16(raw[:4096]):
            encoding = "utf-16le (no BOM)"
        elif b"\x00" in raw[:4096]:
            raise InputError(f"{path}: binary file, not {expected} (expected text)")
        elif not is_utf8(raw):  # no BOM: make sure it is UTF-8 (not Latin-1, say) before trusting any of it
            raise Text(path, bytes(raw), encoding, "", expected).utf8_error()
    counts = None
    if encoding.startswith("utf-16"):
        data, counts = _utf16_to_utf8(raw, big_endian=encoding == "utf-16be", path=path)
    else:
        data = bytes(raw)  # no copy: only UTF-16 is mapped (a memoryview), anything else was read as bytes
    if not allow_empty and len(data) < 1 << 16 and not data.strip():
        raise InputError(f"{path}: file is empty (expected {expected})")
    data, newline = _line_ends(data, counts)
    return Text(path=path, data=data, encoding=encoding, newline=newline, expected=expected)


def is_utf8(raw: bytes | memoryview) -> bool:
    """Whether ``raw`` is valid UTF-8: Arrow's check, 6x faster than ``bytes.decode`` (which
    also builds the text) and without holding the GIL while the other file is read."""
    offsets = pa.py_buffer(np.array([0, len(raw)], dtype=np.int64))
    try:
        pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(raw)]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _looks_like_bomless_utf16(head: bytes | memoryview) -> bool:
    # ASCII text in UTF-16LE: every odd byte is 0, no even byte is.
    head = head[: len(head) // 2 * 2]
    return len(head) >= 8 and not any(head[1::2]) and all(head[0::2])


def _line_ends(data: bytes, counts: tuple[int, int, int] | None = None) -> tuple[bytes, str]:
    """Name the line ends of ``data`` and turn lone CRs into LFs.

    ``counts`` (CRs, CR-LFs, LFs), when the transcoder counted them, spares a pass.
    """
    if counts is None and b"\r" not in data:  # the usual UTF-8 file: one fast scan, no numpy pass
        return data, "LF" if b"\n" in data else ""
    if counts is None:
        raw = np.frombuffer(data, dtype=np.uint8)
        is_cr = raw == 13  # numpy passes; bytes.count(b"\r\n") is 3x slower
        n_cr, n_lf = int(np.count_nonzero(is_cr)), int(np.count_nonzero(raw == 10))
        n_crlf = int(np.count_nonzero(raw[1:][is_cr[:-1]] == 10)) if n_cr else 0
    else:
        n_cr, n_crlf, n_lf = counts
    if n_cr == 0:
        return data, "LF" if n_lf else ""
    if n_crlf == n_cr:
        return data, "CRLF" if n_lf == n_crlf else "mixed"
    if n_crlf == 0 and not n_lf:
        return data.replace(b"\r", b"\n"), "CR"
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n"), "mixed"


def _utf16_to_utf8(raw: bytes | memoryview, *, big_endian: bool, path: str) -> tuple[bytes, tuple[int, int, int]]:
    """Transcode UTF-16 to UTF-8; also the numbers of CRs, CR-LFs and LFs (for :func:`_line_ends`)."""
    if len(raw) % 2:
        raise InputError(f"{path}: truncated UTF-16 file (odd number of bytes)")
    # numba is imported when the first UTF-16 file comes, not with every read
    from bibnet.readers._utf16 import utf16_to_utf8

    units = np.frombuffer(raw, "<u2")
    if big_endian:
        units = units.byteswap()
    out, bad, cr, crlf, lf = utf16_to_utf8(units)
    if bad >= 0:
        line = int(np.count_nonzero(units[:bad] == 0x0A)) + 1
        what = "truncated UTF-16 file" if bad == units.size - 1 else "invalid UTF-16 (unpaired surrogate)"
        raise InputError(f"{path}: line {line}: {what}")
    return out.tobytes(), (int(cr), int(crlf), int(lf))
