"""Turn a source file's bytes into text, or refuse with the byte that cannot be explained.

Scraped pages arrive as UTF-8, UTF-8 with a BOM, UTF-16 with a BOM (Windows
"Unicode" saves) or cp1252 (older Windows tools). Anything else is refused rather
than guessed: a wrong guess silently corrupts quotes, which the site promises are
verbatim.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from themesite.errors import InputError
from themesite.ingest.registry import UnrecognisedFile

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters never found in text people write; their presence after a
# cp1252 decode means the bytes were not cp1252 text.
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r", "\f"}


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_source(data: bytes, path: str | Path, encoding: str | None = None) -> str:
    """Decode `data`, normalizing line endings to '\\n'; raise InputError naming file and line."""
    if not data.strip():
        raise InputError(path, "the file is empty", hint="add a file with text in it")
    if encoding:
        try:
            return _newlines(data.decode(encoding))
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(
                path,
                f"cannot decode as {encoding}: {exc}",
                hint="check the --encoding value",
            ) from exc
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _newlines(data.decode(codec))
            except UnicodeDecodeError as exc:
                raise InputError(
                    path,
                    f"invalid {codec} at byte offset {exc.start}",
                    hint="re-save the file as UTF-8",
                ) from exc
    if b"\x00" in data:
        # No format reads binary files: in a folder an image or archive is passed over.
        offset = data.index(b"\x00")
        raise UnrecognisedFile(
            path,
            f"looks like a binary file (NUL byte at offset {offset})",
            reason="it looks like a binary file",
            line=_line_of(data, offset),
            hint="add text, CSV, JSONL or HTML files only",
        )
    try:
        return _newlines(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if _has_valid_multibyte(data):
        # Real UTF-8 sequences next to invalid ones: a damaged UTF-8 file, not cp1252.
        raise _utf8_error(path, data, utf8_error)
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise _utf8_error(path, data, utf8_error) from None
    if any(ch in _CONTROL for ch in text):
        raise _utf8_error(path, data, utf8_error)
    return _newlines(text)


def _has_valid_multibyte(data: bytes) -> bool:
    """True when some non-ASCII run decodes as UTF-8 on its own."""
    text = data.decode("utf-8", errors="replace")
    return any(ord(ch) > 127 and ch != "\ufffd" for ch in text)


def _utf8_error(path: str | Path, data: bytes, exc: UnicodeDecodeError) -> InputError:
    return InputError(
        path,
        f"invalid UTF-8 at byte offset {exc.start} that no supported encoding explains",
        line=_line_of(data, exc.start),
        hint="re-save the file as UTF-8, or pass --encoding with its real encoding",
    )


def _newlines(text: str) -> str:
    if "\r" not in text:  # the common case: one scan instead of two rewrites
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")
