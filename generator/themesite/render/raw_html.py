"""An MkDocs plugin that hands the pages' raw HTML blocks past the Markdown converter.

Most of a themesite page is HTML its templates wrote (comments, tables, quotes), with
Markdown headings between. Python-Markdown finds raw HTML blocks by running Python's
HTMLParser over the whole page, and MkDocs runs it over the page once more to collect
anchor ids: at 10k comments those two passes were 44% of MkDocs' time, to hand the
blocks on unchanged. This plugin lifts each raw HTML block (a paragraph that starts
with a block-level tag, outside code fences) out of the Markdown before conversion,
leaves a placeholder, and puts the block back into the converted page, byte for byte.

Corpus text cannot start such a block or forge a placeholder: the templates escape it,
so it has no `<`. The result is exact for such pages (a property test compares it with
Python-Markdown's own); a project template that writes a bare `<` into text may not be.
Ids inside lifted blocks are not among the anchors MkDocs validates Markdown links
against (themesite's own links are HTML, which MkDocs never validates).
"""

from __future__ import annotations

import re

from mkdocs.plugins import BasePlugin, event_priority

#: Python-Markdown's block-level tags that themesite's templates start blocks with.
BLOCK_TAGS = (
    "article",
    "blockquote",
    "details",
    "div",
    "dl",
    "figure",
    "h1",
    "h2",
    "h3",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
)
_START = re.compile(rf"<({'|'.join(BLOCK_TAGS)})[\s>]")
#: Python-Markdown's tab stop (MkDocs keeps its default).
TAB_LENGTH = 4
_FENCE = re.compile(r"^\s*(```|~~~)")
_PLACEHOLDER = '<div data-themesite-raw="{}"></div>'
_LIFTED = re.compile(r'<div data-themesite-raw="(\d+)"></div>')


class RawHtml(BasePlugin):
    def on_config(self, config):
        self.lifted: dict[str, list[str]] = {}
        return config

    @event_priority(-50)  # after other plugins' Markdown, before the page cache's key
    def on_page_markdown(self, markdown, page, config, files):
        text, blocks = lift(markdown)
        self.lifted[page.file.src_uri] = blocks
        return text

    @event_priority(100)  # first: the other plugins see the page whole
    def on_page_content(self, html, page, config, files):
        return restore(html, self.lifted.pop(page.file.src_uri, []))


def lift(markdown: str) -> tuple[str, list[str]]:
    """The Markdown with every raw HTML block replaced by a placeholder, and the blocks.

    A block starts with a block-level tag on a line after a blank line (or right after
    another block) and, as in Python-Markdown, runs to the line that closes that tag,
    blank lines inside included (a `<pre>` may hold some)."""
    lines = _normalised(markdown).split("\n")
    kept: list[str] = []
    blocks: list[str] = []
    fenced = after_block = False
    row = 0
    while row < len(lines):
        line = lines[row]
        if _FENCE.match(line):
            fenced = not fenced
        opened = None if fenced else _START.match(line)
        if opened is None or not (after_block or row == 0 or not lines[row - 1].strip()):
            kept.append(line)
            after_block = False
            row += 1
            continue
        end = _closing(lines, row, opened.group(1))
        kept.append(_PLACEHOLDER.format(len(blocks)))
        blocks.append("\n".join(lines[row:end]))
        after_block = True
        row = end

    return "\n".join(kept), blocks


def _normalised(text: str) -> str:
    """The text as Python-Markdown reads it (its NormalizeWhitespace, which runs first):
    the blocks must be what it would have stashed."""
    text = text.replace("\x02", "").replace("\x03", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(TAB_LENGTH)
    return re.sub(r"(?<=\n) +\n", "\n", text)


def _closing(lines: list[str], row: int, tag: str) -> int:
    """The row after the one where the element opened at `row` is closed (or the end)."""
    opening, closing = re.compile(rf"<{tag}[\s>]"), f"</{tag}>"
    depth = 0
    for end in range(row, len(lines)):
        depth += len(opening.findall(lines[end])) - lines[end].count(closing)
        if depth <= 0:
            return end + 1
    return len(lines)


def restore(html: str, blocks: list[str]) -> str:
    return _LIFTED.sub(lambda found: blocks[int(found.group(1))], html) if blocks else html
