"""Source text as numbered lines, and the small text rules every parser shares.

Parsers never see a bare string: they see `Line`s that remember where they came
from, so every record can point back to its source lines, and HTML pages can
carry the line numbers of the markup they were extracted from.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    number: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True)
class Block:
    """A run of consecutive non-blank lines: a paragraph or a header."""

    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def first(self) -> int:
        return self.lines[0].number

    @property
    def last(self) -> int:
        return self.lines[-1].number


def split_lines(text: str, first_number: int = 1) -> list[Line]:
    """Split on line breaks only; lines keep their exact text, trailing spaces included."""
    pieces = text.split("\n")
    if pieces and pieces[-1] == "":
        pieces.pop()
    return [Line(first_number + i, piece) for i, piece in enumerate(pieces)]


def blocks(lines: Sequence[Line]) -> list[Block]:
    """Group lines into blocks separated by blank lines."""
    found: list[Block] = []
    current: list[Line] = []
    for line in lines:
        if line.blank:
            if current:
                found.append(Block(tuple(current)))
                current = []
        else:
            current.append(line)
    if current:
        found.append(Block(tuple(current)))
    return found


_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Fold the differences that do not change what a person wrote: case, spacing, Unicode form."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()


def short_hash(*parts: str, length: int = 10) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 48) -> str:
    """An ASCII slug for ids and URLs; empty titles give 'thread'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_WORD.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug or "thread"


def non_blank(lines: Sequence[Line]) -> Iterator[Line]:
    return (line for line in lines if not line.blank)
