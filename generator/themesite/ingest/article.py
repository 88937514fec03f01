"""The article part of a page: dateline, title, byline, credits, paragraphs, questions.

Thread pages and plain articles share it: a plain article is a page that stops
after its article, so both parse the top of the page with `parse_article`.
"""

from __future__ import annotations

from collections.abc import Sequence

from themesite.ingest import page_rules as rules
from themesite.ingest.parsed import LineMarks, ParsedThread
from themesite.ingest.records import LineKind
from themesite.ingest.text import Line, blocks, normalize

_CAPTION_MAX_WORDS = 5


def parse_article(lines: Sequence[Line], marks: LineMarks, fmt: str) -> ParsedThread:
    """Parse the lines above the comments; every line is marked as what it is."""
    parsed = ParsedThread(title="", format=fmt, marks=marks, lines=tuple(lines))
    state = {"questions": False, "after_byline": False}
    for block in blocks(lines):
        paragraph: list[Line] = []
        for line in block.lines:
            kind, label = _classify(line.text, parsed, state)
            marks.mark(line, kind, label)
            if kind is LineKind.ARTICLE:
                paragraph.append(line)
            elif kind is LineKind.QUESTIONS:
                parsed.questions.extend(rules.split_questions(line.text))
        if paragraph:
            parsed.article.append("\n".join(line.text for line in paragraph))
    return parsed


def _classify(text: str, parsed: ParsedThread, state: dict[str, bool]) -> tuple[LineKind, str]:
    """What one line is; records title, date, byline and credits on `parsed` as it goes."""
    after_byline, state["after_byline"] = state["after_byline"], False
    if rules.is_heading(text, "Discussion Questions"):
        state["questions"] = True
        return LineKind.CHROME, "discussion questions heading"
    if rules.is_heading(text, "Poll"):
        state["questions"] = False
        return LineKind.CHROME, "poll widget"
    if state["questions"]:
        return LineKind.QUESTIONS, "discussion questions"
    if not parsed.title and not parsed.published and (date := rules.dateline(text)):
        parsed.published = date
        section = text.split("|")[0].strip() if "|" in text else ""
        if section:
            parsed.attributes["section"] = section
        return LineKind.ARTICLE_META, "dateline"
    if not parsed.title:
        parsed.title = text.strip()
        return LineKind.TITLE, "title"
    if normalize(text) == normalize(parsed.title):
        return LineKind.CHROME, "title repeated as heading"
    if rules.PHOTO.match(text):
        parsed.attributes["photo_credit"] = text.strip()
        return LineKind.ARTICLE_META, "photo credit"
    if rules.SHARE.match(text):
        return LineKind.CHROME, "share bar"
    if rules.is_heading(text, "BrainTrust"):
        return LineKind.CHROME, "empty BrainTrust heading"
    if not parsed.byline and not parsed.article and (match := rules.BYLINE.match(text)):
        parsed.byline = match.group(1)
        state["after_byline"] = True
        return LineKind.ARTICLE_META, "byline"
    if after_byline and _caption_shaped(text):
        parsed.attributes["caption"] = text.strip()
        return LineKind.ARTICLE_META, "image caption"
    return LineKind.ARTICLE, "article paragraph"


def _caption_shaped(text: str) -> bool:
    """An image caption or tag line under a byline: a few lower-case words, no sentence."""
    words = text.split()
    return (
        0 < len(words) <= _CAPTION_MAX_WORDS
        and text.strip()[:1].islower()
        and not text.rstrip().endswith((".", "!", "?", ":"))
    )
