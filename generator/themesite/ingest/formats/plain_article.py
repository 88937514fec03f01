"""Plain article (seed 002): dateline, title, byline, paragraphs, no comments.

Such pages carry context for the corpus (what the discussions respond to) but no
statements by commenters.
"""

from __future__ import annotations

from themesite.ingest import page_rules as rules
from themesite.ingest.article import parse_article
from themesite.ingest.formats.blog_post import BlogPost
from themesite.ingest.parsed import LineMarks, ParsedThread
from themesite.ingest.registry import Siblings, Source, register
from themesite.ingest.text import non_blank

#: How far down the page a dateline or byline may sit and still mark an article.
_HEAD_LINES = 6


@register
class PlainArticle:
    name = "plain-article"
    recognises = "a text article with a dateline or a 'By ...' byline near the top and no comments"
    siblings = Siblings()
    text_layout = True

    def detect(self, source: Source) -> bool:
        if source.kind != "text" or any(rules.COUNT.match(line.text) for line in source.lines):
            return False
        if BlogPost().detect(source):
            return False
        head = [line.text for line in non_blank(source.lines)][:_HEAD_LINES]
        return any(rules.dateline(text) or rules.BYLINE.match(text) for text in head)

    def parse(self, source: Source) -> list[ParsedThread]:
        return [parse_article(source.lines, LineMarks(), self.name)]
