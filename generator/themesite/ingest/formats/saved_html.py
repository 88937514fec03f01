"""Saved HTML pages: render the page to the text a reader sees, then parse that text.

A page whose comment section a blog or forum engine made (WordPress, Discourse) is
read by that engine instead (see `themesite.ingest.engines`): its markup says where
each comment's author, date, text and parent are, which the text cannot.

A saved page holds the same thread as its text save, wrapped in markup, menus and
scripts. Rendered to text the way a text browser shows it, it goes to the text layout
that recognises it (thread page, blog post, plain article): one set of page rules,
and both copies of a page give the same thread and ids.

The rendering: head, script, style, noscript, template, svg, iframe, nav, aside, form,
button, select, comments, `hidden`, role="navigation", "banner" and "contentinfo" and
aria-hidden="true" elements,
WordPress's visually hidden `screen-reader-text` (the "Skip to content" link)
and the page's own header and footer are not shown (a header inside an article, like
the entry header holding the title, is content). p, h1-h6, blockquote, pre,
figcaption, tr, dt, dd and lists are paragraphs (a blank line); article, section and
main are sections (two blank lines: the gap text saves show between a post and its
comments, which the blog layout relies on); div and other blocks start a line; br
breaks one. A list item of inline text gets a text browser's marker ("  • ", "  1. ");
layout lists (WordPress comment lists) do not. ASCII whitespace collapses and lines
are trimmed as browsers render; &nbsp; stays; pre keeps its whitespace. Entities are
decoded and nothing else changes: `&lt;script&gt;` is the text "<script>".

Line numbers: each text line remembers the HTML line its text starts on. The layout
parses the lines numbered 1..n (its rules need one number per line) and the result is
renumbered to HTML lines, so ledger, comment and highlight lines point into the .html
file. That needs each non-blank text line on an HTML line of its own, in order; a
minified page, where HTML numbers would merge ledger marks, keeps the 1..n numbering
of its extracted text. `attributes["line_numbers"]` says which ("html" or
"extracted-text"); either way every extracted non-blank line has its own ledger line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import TypeVar

import lxml.html
from lxml import etree

from themesite.errors import InputError
from themesite.ingest.engines import Section, build_thread, find_section
from themesite.ingest.parsed import LineMarks, ParsedComment, ParsedHighlight, ParsedThread
from themesite.ingest.registry import Siblings, Source, detect, register
from themesite.ingest.text import Line

_NOT_SHOWN = frozenset(
    {"head", "script", "style", "noscript", "template", "svg", "iframe", "nav", "aside"}
    | {"form", "button", "select", "textarea", "math", "canvas", "video", "audio", "object"}
)
#: A header or footer is the page's banner or footer unless it sits in one of these.
_SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})
#: How many line breaks an element's start and end ask for (2 = a blank line).
_BREAKS = {
    **dict.fromkeys(("p", "blockquote", "pre", "figcaption", "tr", "dt", "dd"), 2),
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl"), 2),
    **dict.fromkeys(("article", "section", "main"), 3),
    **dict.fromkeys(("div", "li", "table", "figure", "header", "footer", "hr", "address"), 1),
    **dict.fromkeys(("caption", "details", "summary", "fieldset", "center"), 1),
}
#: ARIA roles of page furniture: a div with role="banner" is the page's header, and so on.
_LANDMARKS = frozenset({"navigation", "banner", "contentinfo"})
_Spanned = TypeVar("_Spanned", ParsedComment, ParsedHighlight)
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*>")


@register
class SavedHtml:
    name = "saved-html"
    recognises = (
        "an HTML page (.html, .htm): a WordPress or Discourse comment section read from its "
        "markup, or a page whose text is one of the text layouts"
    )
    siblings = Siblings()
    text_layout = False

    def detect(self, source: Source) -> bool:
        if source.kind != "html":
            return False
        root, _ = _document(source)
        return root is not None and (root.find("body") is not None or bool(root.text_content()))

    def parse(self, source: Source) -> list[ParsedThread]:
        document = _document(source)
        root, stopped = document
        section = find_section(root) if root is not None else None
        if section is not None:
            _refuse_damaged(source, stopped)
            return [self._engine_thread(source, root, section)]
        lines = page_lines(source, document)
        if all(line.blank for line in lines):
            raise InputError(
                source.path,
                "the page has no text",
                hint="save the page after it has loaded, or save it as text",
            )
        numbered = tuple(Line(i, line.text) for i, line in enumerate(lines, 1))
        text = replace(source, kind="text", lines=numbered)
        try:
            layout = detect(text, keep=lambda fmt: fmt.text_layout)
        except InputError as exc:
            message = f"in the text of this page, {exc.message}"
            raise InputError(source.path, message, hint=exc.hint) from exc
        html_lines = {i: line.number for i, line in enumerate(lines, 1)}
        return [
            _renumber(replace(parsed, format=f"{self.name}+{layout.name}"), html_lines)
            for parsed in layout.parse(text)
        ]

    def _engine_thread(
        self, source: Source, root: etree._Element, section: Section
    ) -> ParsedThread:
        """A page whose comment section an engine reads from the markup (see `engines`)."""
        renderer = _Renderer(section.roles())
        rows = renderer.render(root)
        lines = [Line(i, text) for i, (_, text) in enumerate(rows, 1)]
        fmt = f"{self.name}+{section.engine}"
        parsed = build_thread(source.path, lines, renderer.row_roles, section, fmt)
        return _renumber(parsed, {i: number for i, (number, _) in enumerate(rows, 1)})


def _refuse_damaged(source: Source, stopped: etree._LogEntry | None) -> None:
    if stopped is not None:
        raise InputError(
            source.path,
            f"lxml stopped reading the page: {stopped.message}",
            line=stopped.line,
            hint="the page is damaged or nested too deeply; save it again, or save it as text",
        )


def page_lines(
    source: Source,
    document: tuple[lxml.html.HtmlElement | None, etree._LogEntry | None] | None = None,
) -> list[Line]:
    """The page's text as a reader sees it; each line numbered with the HTML line it starts on."""
    root, stopped = document or _document(source)
    _refuse_damaged(source, stopped)
    rows = _Renderer().render(root) if root is not None else []
    return [Line(number, text) for number, text in rows]


def _document(source: Source) -> tuple[lxml.html.HtmlElement | None, etree._LogEntry | None]:
    """The parsed page (None if lxml finds no document) and the error that cut it short."""
    # lxml refuses a str that declares its encoding; the bytes are already decoded.
    text = _XML_DECLARATION.sub(lambda m: "\n" * m.group().count("\n"), source.text, count=1)
    # huge_tree: without it libxml2 drops everything nested over 256 deep, and says nothing.
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        return None, None
    return root, next((e for e in parser.error_log if e.level_name == "FATAL"), None)


def _renumber(parsed: ParsedThread, html_lines: dict[int, int]) -> ParsedThread:
    """Point line numbers into the HTML file when each text line has an HTML line of its own."""
    numbers = [html_lines[line.number] for line in parsed.lines if not line.blank]
    if any(a >= b for a, b in zip(numbers, numbers[1:], strict=False)):
        parsed.attributes["line_numbers"] = "extracted-text"
        return parsed
    parsed.attributes["line_numbers"] = "html"
    return replace(
        parsed,
        lines=tuple(Line(html_lines[line.number], line.text) for line in parsed.lines),
        marks=LineMarks({html_lines[n]: mark for n, mark in parsed.marks.marks.items()}),
        comments=[_span(c, html_lines) for c in parsed.comments],
        highlights=[_span(h, html_lines) for h in parsed.highlights],
    )


def _span(item: _Spanned, html_lines: dict[int, int]) -> _Spanned:
    return replace(item, line_start=html_lines[item.line_start], line_end=html_lines[item.line_end])


def _shown(element: etree._Element) -> bool:
    if not isinstance(element.tag, str) or element.tag in _NOT_SHOWN:
        return False
    if element.tag in ("header", "footer") and not any(
        ancestor.tag in _SECTIONING for ancestor in element.iterancestors()
    ):
        return False
    attrs = element.attrib
    return not (
        "hidden" in attrs
        or attrs.get("role") in _LANDMARKS
        or attrs.get("aria-hidden") == "true"
        or "screen-reader-text" in (attrs.get("class") or "").split()
    )


def _marker(item: etree._Element, depth: int, number: int | None) -> str:
    """A text browser's list marker, for items holding inline text only."""
    if any(child.tag in _BREAKS and child.tag not in ("ul", "ol") for child in item):
        return ""
    return "  " * depth + ("• " if number is None else f"{number}. ")


class _Renderer:
    """Walks the tree in document order and writes (HTML line, text) rows.

    With `roles` (element -> role), each row also records the role of the innermost
    element with one around the row's first text (`row_roles`): a comment engine says
    which elements are a comment's author, date or text, and learns which rows they are.
    """

    def __init__(self, roles: Mapping[etree._Element, object] | None = None) -> None:
        self.roles = roles or {}
        self.role_stack: list[object] = [None]
        self.row_role: object = None
        self.row_roles: list[object] = []
        self.rows: list[tuple[int, str]] = []
        self.parts: list[str] = []
        self.start: int | None = None  # HTML line of the current row's first text
        self.prefix = ""  # list marker for the current row
        self.pending = 0  # line breaks asked for before the next text
        self.cursor = 1  # HTML line the walk has reached
        self.pre = 0  # depth inside <pre>
        self.lists: list[list[int | None]] = []  # per open list: next number, None if unordered

    def render(self, root: etree._Element) -> list[tuple[int, str]]:
        # An explicit stack, not recursion: saved pages can nest deeper than Python allows.
        stack: list[tuple[etree._Element, int | None]] = [(root, None)]
        while stack:
            element, closing = stack.pop()
            if closing is not None:
                self.close(element, closing)
            elif (breaks := self.open(element)) is not None:
                stack.append((element, breaks))
                stack.extend((child, None) for child in reversed(element))
            else:
                self.text(element.tail)
        self.finish()
        while self.rows and not self.rows[-1][1].strip():
            self.rows.pop()
        del self.row_roles[len(self.rows) :]
        return self.rows

    def open(self, element: etree._Element) -> int | None:
        """Start a shown element and return the breaks its end asks for; None if not shown."""
        self.cursor = max(self.cursor, element.sourceline or 0)
        if not _shown(element):
            return None
        tag = element.tag
        # A list inside a list item continues its list: no blank line around it.
        breaks = 1 if tag in ("ul", "ol") and self.lists else _BREAKS.get(tag, 0)
        self.block(breaks)
        if element in self.roles:
            self.finish()  # a role starts a row of its own
            self.role_stack.append(self.roles[element])
        self.pre += tag == "pre"
        if tag == "br":
            self.finish(forced=True)
        elif tag in ("ul", "ol"):
            start = element.get("start", "1")
            self.lists.append([int(start) if start.isdigit() and tag == "ol" else None])
        elif tag == "li" and self.lists:
            number = self.lists[-1][0]
            self.prefix = _marker(element, len(self.lists), number)
            if number is not None:
                self.lists[-1][0] = number + 1
        text = element.text
        if tag == "pre" and text and text.startswith("\n"):
            text, self.cursor = text[1:], self.cursor + 1  # HTML skips it; lines don't
        self.text(text)
        return breaks

    def close(self, element: etree._Element, breaks: int) -> None:
        self.block(breaks)
        if element in self.roles:
            self.finish()
            self.role_stack.pop()
        self.pre -= element.tag == "pre"
        if element.tag in ("ul", "ol"):
            self.lists.pop()
        elif element.tag in ("td", "th"):
            self.text(" ")  # cells of a row stay apart
        self.text(element.tail)

    def block(self, breaks: int) -> None:
        if breaks:
            self.finish()
            self.pending, self.prefix = max(self.pending, breaks), ""

    def text(self, raw: str | None) -> None:
        if not raw:
            return
        first = self.cursor
        self.cursor += raw.count("\n")
        if self.pre:
            for i, piece in enumerate(raw.split("\n")):
                if i:
                    self.finish(forced=True)
                if piece:
                    self.write(piece, first + i)
            return
        line = first + raw[: len(raw) - len(raw.lstrip())].count("\n")
        collapsed = _WHITESPACE.sub(" ", raw)
        if self.parts and self.parts[-1].endswith(" "):
            collapsed = collapsed.removeprefix(" ")  # one space across inline elements
        if collapsed.strip(" "):
            self.write(collapsed, line)
        elif collapsed and self.parts:
            self.parts.append(" ")

    def write(self, text: str, line: int) -> None:
        if self.pending and self.rows:
            blanks = 0
            while blanks < len(self.rows) and not self.rows[-1 - blanks][1].strip():
                blanks += 1
            added = max(0, self.pending - 1 - blanks)
            self.rows.extend((line, "") for _ in range(added))
            self.row_roles.extend([self.role_stack[-1]] * added)
        self.pending = 0
        if self.start is None:
            self.start, self.row_role = line, self.role_stack[-1]
        self.parts.append(text)

    def finish(self, forced: bool = False) -> None:
        """End the current row; a forced end (br, a newline in pre) keeps an empty row."""
        text = "".join(self.parts)
        text = text if self.pre else text.strip(" ")
        if text or (forced and self.rows):
            self.rows.append((self.start or self.cursor, self.prefix + text if text else ""))
            self.row_roles.append(self.row_role if text else self.role_stack[-1])
            self.prefix = ""
        self.parts, self.start = [], None
