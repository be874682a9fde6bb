"""Fuzzing: random bytes and mutated real exports either load (with a consistent report) or
raise InputError: never another exception."""

from __future__ import annotations

import codecs
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bibnet
from bibnet.errors import InputError

WOS = Path(__file__).parent / "data" / "wos"


def _head(path: Path, n_lines: int) -> bytes:
    """The first lines (plain text: records) of a real export: small, so examples are fast."""
    data = path.read_bytes()
    if b"\nER\n" in data:
        return b"\nER\n".join(data.split(b"\nER\n")[:n_lines]) + b"\nER\n\nEF\n"
    if data.startswith(codecs.BOM_UTF16_LE):
        text = data.decode("utf-16")
        sep = "\r" if "\n" not in text[:5000] else "\n"
        return codecs.BOM_UTF16_LE + sep.join(text.split(sep)[:n_lines]).encode("utf-16-le")
    return b"\n".join(data.split(b"\n")[:n_lines])


SEEDS = [
    _head(WOS / "tab" / "labnetwork_savedrecs.txt", 6),  # UTF-8 BOM, CRLF, trailing tab
    _head(WOS / "tab" / "ecolmodellingqrps_savedrecs.txt", 4),  # UTF-16LE, lone CR
    _head(WOS / "edge_cases" / "pavement_defect_analysis_savedrecs.txt", 4),  # AU twice
    _head(WOS / "plaintext" / "wosfile_wos_plaintext.txt", 2),  # plain text, 2 records
    _head(WOS / "plaintext" / "metaknowledge_savedrecs.txt", 2),
]
SPECIAL = [b"\t", b"\n", b"\r", b"\r\n", b"\x00", b'"', b"ER\n", b"EF\n", b"PT ", b"   ", b"\xff", codecs.BOM_UTF8, b"\xd8"]
STARTS = [b"PT\t", b"FN Web of Science\nVR 1.0\nPT ", codecs.BOM_UTF8 + b"PT\tUT\tTI\n", codecs.BOM_UTF16_LE]

_DIR = tempfile.TemporaryDirectory(prefix="bibnet-fuzz-")


def load(data: bytes, **options) -> None:
    path = Path(_DIR.name) / "export.txt"
    path.write_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            corpus = bibnet.read(path, **options)
        except InputError as exc:
            message = str(exc)
            assert message and "\n" not in message
            return
    report = corpus.report
    assert report.records_read == report.records + report.duplicates + report.skipped
    assert len(corpus.records) == report.records
    assert corpus.records["line"].is_monotonic_increasing
    assert list(corpus.records.columns)[-2:] == ["file", "line"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    load(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=500), st.sampled_from(STARTS))
def test_random_bytes_behind_a_plausible_start(data, start):
    load(start + data)


@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "truncate", "duplicate"]))
        if kind == "insert":
            data[at:at] = draw(st.sampled_from(SPECIAL) | st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 200))]
        elif kind == "replace" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind == "duplicate":
            end = min(len(data), at + draw(st.integers(1, 3000)))
            data[end:end] = data[at:end]
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.booleans())
def test_mutated_real_exports(data, strict):
    load(data, strict=strict)


@pytest.mark.parametrize("seed", range(len(SEEDS)))
def test_seeds_load(seed):
    corpus = bibnet.read(_write(SEEDS[seed]))
    assert len(corpus) >= 2 and corpus.report.skipped == 0


def _write(data: bytes) -> Path:
    path = Path(_DIR.name) / "seed.txt"
    path.write_bytes(data)
    return path
