"""What a format parser returns: the page's structure, before ids, dedupe and linking.

Parsers describe what they saw (names, not ids; a reply's parent by author name
or source id) and mark every line they explained. `assemble.py` turns this into
validated `Thread` records, so the rules for ids, duplicates, replies and
highlights live in one place for every format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from themesite.ingest.records import LineKind
from themesite.ingest.text import Block, Line


@dataclass
class LineMarks:
    """Which lines a parser explained, and as what."""

    marks: dict[int, tuple[LineKind, str]] = field(default_factory=dict)

    def mark(self, item: Line | Block, kind: LineKind, label: str) -> None:
        lines = item.lines if isinstance(item, Block) else (item,)
        for line in lines:
            if not line.blank:
                self.marks[line.number] = (kind, label)

    def relabel(self, first: int, last: int, label: str) -> None:
        """Give the marked lines in [first, last] a new label, keeping their kind."""
        for number in range(first, last + 1):
            if number in self.marks:
                self.marks[number] = (self.marks[number][0], label)


@dataclass
class ParsedComment:
    paragraphs: list[str]
    line_start: int
    line_end: int
    author: str | None = None
    role: str | None = None
    age: str | None = None
    timestamp: str | None = None
    title: str | None = None
    reply_to_author: str | None = None
    reply_to_source_id: str | None = None
    source_id: str | None = None
    excluded: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedRow(ParsedComment):
    """A comment that is one record of an export: one response, never merged by its content.

    Survey answers often have no author and short, equal texts ("No.", "Agree"):
    two such rows are two responses, and `assemble` keeps both. Only a row that
    repeats an earlier one's comment id, author and text is the same row twice.
    """


@dataclass
class ParsedHighlight:
    quote: str
    author: str
    affiliation: str | None
    line_start: int
    line_end: int


@dataclass
class ParsedThread:
    title: str
    format: str
    marks: LineMarks
    #: The source lines this thread covers; lines left unmarked are reported.
    lines: tuple[Line, ...]
    article: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    comments: list[ParsedComment] = field(default_factory=list)
    highlights: list[ParsedHighlight] = field(default_factory=list)
    published: str | None = None
    byline: str | None = None
    declared_comments: int | None = None
    #: Distinguishes threads that share a source (a CSV with a thread column).
    key: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
