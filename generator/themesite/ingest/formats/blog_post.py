"""Blog post with titled reader comments (seed 001).

    Title / article paragraphs / (two blank lines)
    Comment title / body paragraphs / Comment title / body paragraphs ...

Comments have a title line and no author line; the two blank lines after the
article are what separates it from the comments.
"""

from __future__ import annotations

from themesite.ingest import page_rules as rules
from themesite.ingest.article import parse_article
from themesite.ingest.parsed import LineMarks, ParsedComment, ParsedThread
from themesite.ingest.records import LineKind
from themesite.ingest.registry import Siblings, Source, register
from themesite.ingest.text import Block, Line, blocks

_TITLE_MAX_WORDS = 12


@register
class BlogPost:
    name = "blog-post"
    recognises = "an article, two blank lines, then comments that start with a title line"
    siblings = Siblings()
    text_layout = True

    def detect(self, source: Source) -> bool:
        if source.kind != "text" or any(rules.COUNT.match(line.text) for line in source.lines):
            return False
        split = _comments_start(source.lines)
        if split is None:
            return False
        comment_blocks = blocks(source.lines[split:])
        return len(comment_blocks) >= 2 and _title_shaped(comment_blocks[0])

    def parse(self, source: Source) -> list[ParsedThread]:
        lines = list(source.lines)
        split = _comments_start(lines)
        marks = LineMarks()
        parsed = parse_article(lines[:split], marks, self.name)
        parsed.lines = tuple(lines)
        current: ParsedComment | None = None
        for block in blocks(lines[split:]):
            if _title_shaped(block):
                marks.mark(block, LineKind.COMMENT_META, "comment title")
                current = ParsedComment(
                    paragraphs=[],
                    line_start=block.first,
                    line_end=block.last,
                    title=block.text.strip(),
                )
                parsed.comments.append(current)
            elif current is not None:
                marks.mark(block, LineKind.COMMENT_TEXT, "comment paragraph")
                current.paragraphs.append(block.text)
                current.line_end = block.last
        return [parsed]


def _comments_start(lines: tuple[Line, ...] | list[Line]) -> int | None:
    """Index of the first line after the first run of two or more blank lines following text."""
    seen_text, blank_run = False, 0
    for i, line in enumerate(lines):
        if line.blank:
            blank_run += 1
            continue
        if seen_text and blank_run >= 2:
            return i
        seen_text, blank_run = True, 0
    return None


def _title_shaped(block: Block) -> bool:
    """A comment title: one short line that is not a sentence ending in '.', ',', ';' or ':'."""
    if len(block.lines) != 1:
        return False
    text = block.text.strip()
    return len(text.split()) <= _TITLE_MAX_WORDS and not text.endswith((".", ",", ";", ":"))
