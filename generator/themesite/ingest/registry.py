"""The registry of input formats and the detection that picks exactly one of them.

A format is a module in `themesite.ingest.formats` that defines a `Format` and
registers it with `@register`. Detection asks every format whether it recognises
the source; zero or several answers are both errors, so a new format can never
silently steal files from an old one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from themesite.errors import InputError
from themesite.ingest.parsed import ParsedThread
from themesite.ingest.text import Line


@dataclass(frozen=True)
class Source:
    """A source as parsers see it: its name for messages, decoded text as lines, raw bytes.

    `companions` are sibling files a format may read (e.g. a Polis summary.csv),
    keyed by file name.
    """

    path: str
    data: bytes
    lines: tuple[Line, ...]
    companions: dict[str, bytes]
    #: "text", "html", "csv" or "jsonl": what the file is, before any layout is known.
    kind: str

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


_KINDS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".html": "html", ".htm": "html"}


def source_kind(path: str | Path) -> str:
    return _KINDS.get(Path(path).suffix.lower(), "text")


class Format(Protocol):
    name: str
    #: What the format recognises, shown when detection fails.
    recognises: str
    #: Sibling file names this format reads; they are not sources themselves.
    companions: tuple[str, ...]
    #: True for formats whose input is plain text lines (HTML hands off to these).
    text_layout: bool

    def detect(self, source: Source) -> bool: ...

    def parse(self, source: Source) -> list[ParsedThread]: ...


_FORMATS: dict[str, Format] = {}


def register(cls: type) -> type:
    """Class decorator: instantiate and register a format under its `name`."""
    instance = cls()
    if instance.name in _FORMATS:
        raise ValueError(f"format {instance.name!r} registered twice")
    _FORMATS[instance.name] = instance
    return cls


def formats() -> list[Format]:
    import themesite.ingest.formats  # noqa: F401  (registers the built-in formats)

    return [_FORMATS[name] for name in sorted(_FORMATS)]


def companion_names() -> set[str]:
    return {name for fmt in formats() for name in fmt.companions}


def detect(source: Source, keep: Callable[[Format], bool] = lambda fmt: True) -> Format:
    """The one format that recognises `source`; InputError lists what was tried."""
    candidates = [fmt for fmt in formats() if keep(fmt)]
    matches = [fmt for fmt in candidates if fmt.detect(source)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        tried = "; ".join(f"{fmt.name} ({fmt.recognises})" for fmt in candidates)
        raise InputError(
            source.path,
            f"no input format recognises this file; tried {tried}",
            hint="convert it to one of these layouts or add a format module",
        )
    names = ", ".join(fmt.name for fmt in matches)
    raise InputError(
        source.path,
        f"several input formats claim this file ({names})",
        hint="report this as a bug: formats must be mutually exclusive",
    )
