"""Typed records for the normalized corpus: what ingest promises every later stage.

A `Thread` is one discussion (an article and its comments) taken from one source
file. Records are frozen: once ingest has validated them, nothing downstream edits
them. `SCHEMA_VERSION` is written into every thread file and bumped whenever a
field changes meaning; `thread.schema.json` documents the same shape for tools
outside Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

SCHEMA_VERSION = 1


class LineKind(StrEnum):
    """What a source line turned out to be; every non-blank line gets exactly one."""

    TITLE = "title"
    ARTICLE = "article"
    ARTICLE_META = "article-meta"  # dateline, byline, photo credit, caption
    QUESTIONS = "questions"
    COMMENT_TEXT = "comment-text"
    COMMENT_META = "comment-meta"  # author, role, reply marker, age, comment title
    HIGHLIGHT = "highlight"
    CHROME = "chrome"  # recognised page furniture: sort controls, share bars, headings
    UNRECOGNISED = "unrecognised"  # kept as text in Thread.unrecognised and reported


@dataclass(frozen=True)
class LedgerEntry:
    """Adjacent non-blank source lines [start, end] (1-based, inclusive) of one kind."""

    start: int
    end: int
    kind: LineKind
    label: str


@dataclass(frozen=True)
class SourceLine:
    """A line kept verbatim because no parser rule explained it."""

    line: int
    text: str


@dataclass(frozen=True)
class Comment:
    """One comment, its paragraphs exactly as written.

    `id` is derived from the thread id, author and normalized text, so it
    survives re-ingestion and re-ordering; an export row repeating an earlier
    row's author and text also hashes its source id, or its occurrence number
    (see `assemble`). `excluded` names why a comment is kept out of analysis
    (e.g. rejected by a moderator) while still being counted.
    """

    id: str
    position: int
    author: str | None
    role: str | None
    age: str | None
    timestamp: str | None
    reply_to: str | None
    title: str | None
    paragraphs: tuple[str, ...]
    line_start: int
    line_end: int
    source_id: str | None = None
    excluded: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The comment body: paragraphs joined by a blank line, verbatim."""
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Highlight:
    """A pull-quote shown beside the discussion and the comment it was taken from.

    `match` says how the quote was found: "exact" (a verbatim substring),
    "normalized" (after folding case, whitespace and a trailing ellipsis or
    period the editor added) or "none" (not found; `comment_id` is None).
    """

    quote: str
    author: str
    affiliation: str | None
    comment_id: str | None
    match: str
    line_start: int
    line_end: int


@dataclass(frozen=True)
class Thread:
    """One normalized discussion taken from one source file."""

    id: str
    title: str
    source: str
    source_sha256: str
    format: str
    published: str | None
    byline: str | None
    article: tuple[str, ...]
    questions: tuple[str, ...]
    declared_comments: int | None
    comments: tuple[Comment, ...]
    highlights: tuple[Highlight, ...]
    ledger: tuple[LedgerEntry, ...]
    unrecognised: tuple[SourceLine, ...] = ()
    duplicates_removed: int = 0
    warnings: tuple[str, ...] = ()
    attributes: dict[str, str] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    @property
    def replies(self) -> int:
        return sum(1 for c in self.comments if c.reply_to)
