"""Decoding: the encodings scraped pages arrive in, and refusals that name the byte."""

from __future__ import annotations

import codecs

import pytest

from themesite.errors import InputError
from themesite.ingest.decode import decode_source

TEXT = "Marketing’s “speed” café — 3 years ago\nsecond line\n"


def test_utf8_with_and_without_bom():
    assert decode_source(TEXT.encode("utf-8"), "a.txt") == TEXT
    assert decode_source(codecs.BOM_UTF8 + TEXT.encode("utf-8"), "a.txt") == TEXT


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    assert decode_source(bom + TEXT.encode(codec), "a.txt") == TEXT


def test_cp1252_is_decoded_correctly():
    assert decode_source(TEXT.encode("cp1252"), "a.txt") == TEXT


def test_crlf_and_cr_become_newlines():
    assert decode_source(b"a\r\nb\rc\n", "a.txt") == "a\nb\nc\n"


def test_damaged_utf8_names_byte_offset_and_line():
    data = "ok line\ncafé\n".encode() + b"broken \xff here\n"
    with pytest.raises(InputError) as caught:
        decode_source(data, "bad.txt")
    offset = data.index(b"\xff")
    assert f"byte offset {offset}" in str(caught.value)
    assert caught.value.line == 3
    assert str(caught.value).startswith("bad.txt:3:")


def test_bytes_no_encoding_explains_are_refused():
    with pytest.raises(InputError, match="byte offset 5"):
        decode_source(b"hello\x81\x8d world", "bad.txt")


def test_binary_and_empty_files_are_refused():
    with pytest.raises(InputError, match="binary"):
        decode_source(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.txt")
    with pytest.raises(InputError, match="empty"):
        decode_source(b"", "empty.txt")
    with pytest.raises(InputError, match="empty"):
        decode_source(b"  \n\n \t\n", "blank.txt")


def test_forced_encoding():
    assert decode_source("é".encode("latin-1"), "a.txt", encoding="latin-1") == "é"
    with pytest.raises(InputError, match="--encoding"):
        decode_source(b"x", "a.txt", encoding="no-such-codec")
