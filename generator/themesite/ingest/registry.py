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


@dataclass(frozen=True)
class Siblings:
    """The other files a tool's export folder holds beside the sources a format parses.

    None of them is a source. `companions` are read by the format (a Polis
    summary.csv) and `kept` files hold data a later stage reads (Polis votes): both
    are copied into raw/ byte for byte beside their source. `ignored` files are
    parts of the export themesite has no use for: never copied, but named when met,
    so the user sees that nothing was dropped by accident. A companion or kept name
    counts only beside a source (alone it may be someone's own export); an ignored
    name counts anywhere, as some of them (Polis comment-groups.csv) would otherwise
    read as a second copy of the comments.
    """

    #: The tool that writes these files, for messages ("a Polis export file").
    tool: str = ""
    companions: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()


class UnrecognisedFile(InputError):
    """No input format reads this file: an error for a file given alone, a note in a folder.

    `reason` is the short form for the note, e.g. "tried blog-post, export-table".
    """

    def __init__(
        self,
        path: str | Path,
        message: str,
        *,
        reason: str,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(path, message, line=line, hint=hint)
        self.reason = reason


class Format(Protocol):
    name: str
    #: What the format recognises, shown when detection fails.
    recognises: str
    #: Files beside its sources that this format reads, keeps or knows to ignore.
    siblings: Siblings
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
    return {name for fmt in formats() for name in fmt.siblings.companions}


def kept_names() -> set[str]:
    return {name for fmt in formats() for name in fmt.siblings.kept}


def ignored_names() -> dict[str, str]:
    """Ignored file name -> the tool whose export writes it."""
    return {name: fmt.siblings.tool for fmt in formats() for name in fmt.siblings.ignored}


def detect(source: Source, keep: Callable[[Format], bool] = lambda fmt: True) -> Format:
    """The one format that recognises `source`; InputError lists what was tried."""
    candidates = [fmt for fmt in formats() if keep(fmt)]
    matches = [fmt for fmt in candidates if fmt.detect(source)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        tried = "; ".join(f"{fmt.name} ({fmt.recognises})" for fmt in candidates)
        raise UnrecognisedFile(
            source.path,
            f"no input format recognises this file; tried {tried}",
            reason="tried " + ", ".join(fmt.name for fmt in candidates),
            hint="convert it to one of these layouts or add a format module",
        )
    names = ", ".join(fmt.name for fmt in matches)
    raise InputError(
        source.path,
        f"several input formats claim this file ({names})",
        hint="report this as a bug: formats must be mutually exclusive",
    )
