"""One text-file opener (bibnet.readers.text.load) for every reader: WoS exports, VOSviewer
map, network and JSON files, thesaurus files; the same encodings and line ends for all."""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest

from bibnet.errors import InputError
from bibnet.readers.text import load
from bibnet.readwrite import read_json, read_vosviewer
from bibnet.thesaurus import read_thesaurus

VOS = Path(__file__).parent / "data" / "vosviewer"
QSS_MAP = VOS / "vosviewer-online_QSS_SM_2020-2021_co-authorship_map.txt"  # UTF-8 with BOM, non-ASCII labels
QSS_NETWORK = VOS / "vosviewer-online_QSS_SM_2020-2021_co-authorship_network.txt"
QSS_JSON = VOS / "QSS_SM_2020-2021_co-authorship_network.json"
DOCS_JSON = VOS / "vosviewer-online-docs_example.json"

THESAURUS = "label\treplace by\nNeural  Networks\tdeep learning\nÉducation\teducation\ngraphs\t\n"
MAPPING = {"neural networks": "deep learning", "éducation": "education", "graphs": ""}


def as_utf16(source: Path, target: Path, *, big_endian: bool = False, crlf: bool = True) -> Path:
    """``source`` (UTF-8, optional BOM) rewritten as UTF-16 with BOM, CRLF line ends by default."""
    text = source.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    return write_utf16(target, text, big_endian=big_endian, crlf=crlf)


def write_utf16(path: Path, text: str, *, big_endian: bool = False, crlf: bool = True) -> Path:
    if crlf:
        text = text.replace("\n", "\r\n")
    bom, codec = (codecs.BOM_UTF16_BE, "utf-16-be") if big_endian else (codecs.BOM_UTF16_LE, "utf-16-le")
    path.write_bytes(bom + text.encode(codec))
    return path


# -- thesaurus ------------------------------------------------------------------------------------
def test_utf16_thesaurus_with_bom_and_crlf_reads_as_its_utf8_version(tmp_path):
    utf8 = tmp_path / "utf8.txt"
    utf8.write_bytes(THESAURUS.encode("utf-8"))
    utf16 = write_utf16(tmp_path / "utf16.txt", THESAURUS)
    assert utf16.read_bytes()[:6] == b"\xff\xfel\x00a\x00" and b"\r\x00\n\x00" in utf16.read_bytes()
    assert read_thesaurus(utf8) == MAPPING
    assert read_thesaurus(utf16) == MAPPING
    assert read_thesaurus(write_utf16(tmp_path / "be.txt", THESAURUS, big_endian=True)) == MAPPING


def test_thesaurus_with_utf8_bom_and_lone_cr_line_ends(tmp_path):
    path = tmp_path / "mac.txt"
    path.write_bytes(codecs.BOM_UTF8 + THESAURUS.replace("\n", "\r").encode("utf-8"))
    assert read_thesaurus(path) == MAPPING


def test_non_utf8_thesaurus_is_a_one_line_error_naming_the_file(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(THESAURUS.encode("latin-1"))
    with pytest.raises(InputError) as error:
        read_thesaurus(path)
    assert str(error.value) == (
        f"{path}: line 3: not valid UTF-8 text (expected a VOSviewer thesaurus file in UTF-8 or UTF-16 "
        "with byte-order mark)"
    )


def test_missing_and_empty_thesaurus_files(tmp_path):
    with pytest.raises(InputError) as error:
        read_thesaurus(tmp_path / "none.txt")
    assert str(error.value) == f"{tmp_path / 'none.txt'}: cannot read file (No such file or directory)"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(codecs.BOM_UTF16_LE)
    with pytest.raises(InputError, match=r"empty.txt line 1: expected the header 'label<TAB>replace by'"):
        read_thesaurus(empty)


# -- VOSviewer map, network and JSON files ----------------------------------------------------------
@pytest.mark.parametrize("big_endian", [False, True])
def test_utf16_map_and_network_files(tmp_path, big_endian):
    expected = read_vosviewer(QSS_MAP, QSS_NETWORK)
    vmap = read_vosviewer(as_utf16(QSS_MAP, tmp_path / "map.txt", big_endian=big_endian),
                          as_utf16(QSS_NETWORK, tmp_path / "network.txt", big_endian=big_endian))
    pd.testing.assert_frame_equal(vmap.items, expected.items)
    pd.testing.assert_frame_equal(vmap.links, expected.links)
    assert vmap.items.shape == (112, 13) and len(vmap.links) == 225 and vmap.links["strength"].sum() == 351.0
    row = vmap.items.set_index("id").loc[462]
    assert (row["label"], row["x"], row["y"], row["cluster"]) == ("d’angelo, ciriaco andrea", -0.7723, -0.7328, 17)
    assert vmap.links.iloc[0].tolist() == [14, 462, 4.0]


def test_utf16_map_file_errors_keep_their_line_numbers(tmp_path):
    path = write_utf16(tmp_path / "map.txt", "id\tlabel\tweight<A>\n1\ta\t1\n2\tb\t-3\n")
    with pytest.raises(InputError) as error:
        read_vosviewer(path)
    assert str(error.value) == f"{path} line 3: weight<A> -3 is negative"


@pytest.mark.parametrize("source", [QSS_JSON, DOCS_JSON])
def test_utf16_json_files(tmp_path, source):
    expected = read_json(source)
    vmap = read_json(as_utf16(source, tmp_path / "map.json"))
    pd.testing.assert_frame_equal(vmap.items, expected.items)
    pd.testing.assert_frame_equal(vmap.links, expected.links)
    assert (vmap.clusters, vmap.info, vmap.config) == (expected.clusters, expected.info, expected.config)


def test_utf16_json_exact_values(tmp_path):
    vmap = read_json(as_utf16(DOCS_JSON, tmp_path / "docs.json", big_endian=True))
    assert vmap.items.shape == (10, 11) and len(vmap.links) == 24 and vmap.links["strength"].sum() == 507.0
    assert vmap.items.iloc[0].to_dict() == {
        "id": 1, "label": "James", "x": 1.0551, "y": -0.2935, "cluster": 2, "weight<Documents>": 88.0,
        "weight<Citations>": 4221.0, "weight<Norm. citations>": 109.3879, "score<Avg. pub. year>": 1996.8409,
        "score<Avg. citations>": 47.9659, "score<Avg. norm. citations>": 1.243,
    }


def test_non_utf8_json_and_network_files_name_the_kind_and_line(tmp_path):
    doc = tmp_path / "map.json"
    doc.write_bytes('{"network": {"items": [\n{"id": 1, "label": "café"}]}}'.encode("latin-1"))
    with pytest.raises(InputError) as error:
        read_json(doc)
    assert str(error.value) == (
        f"{doc}: line 2: not valid UTF-8 text (expected a VOSviewer JSON file in UTF-8 or UTF-16 with byte-order mark)"
    )
    network = tmp_path / "network.txt"
    network.write_bytes(b"1\t2\t1\n\x00\x01\x02")
    with pytest.raises(InputError) as error:
        read_vosviewer(None, network)
    assert str(error.value) == f"{network}: binary file, not a VOSviewer network file (expected text)"


# -- the opener itself ------------------------------------------------------------------------------
def test_load_text_has_lf_line_ends_and_knows_what_it_expected(tmp_path):
    path = write_utf16(tmp_path / "x.txt", "a\tb\nc\rd\n")  # CR LF line ends and a lone CR
    text = load(path, expected="a VOSviewer map file")
    assert (text.encoding, text.newline, text.expected, text.path) == ("utf-16le", "mixed", "a VOSviewer map file", str(path))
    assert text.text() == "a\tb\nc\nd\n"


def test_load_empty_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(InputError) as error:
        load(empty, expected="a VOSviewer map file")
    assert str(error.value) == f"{empty}: file is empty (expected a VOSviewer map file)"
    assert load(empty, allow_empty=True).text() == ""
