"""Typed contexts, one per page kind, built from the findings and the corpus.

Templates see only these records (with StrictUndefined), so a template cannot reach
into raw data, and every link and anchor is computed here, once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from themesite.analyse.records import ASSIGNED, Findings, Quote, ThemeFindings
from themesite.ingest.records import Comment, Highlight, Thread
from themesite.render.links import contributor_page, href, theme_page, thread_page


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class QuoteView:
    text: str
    author: str
    role: str | None
    source: Link  # the thread page, anchored at the comment
    contributor: Link | None


@dataclass(frozen=True)
class ThemeRow:
    link: Link
    kind: str
    comments: int
    contributors: int
    threads: int
    share: float  # of analysed comments
    top_quote: QuoteView | None


@dataclass(frozen=True)
class ThemePage:
    path: str
    theme: ThemeFindings
    share: float
    quotes: tuple[QuoteView, ...]
    co_occurring: tuple[tuple[Link, int], ...]
    threads: tuple[Link, ...]
    sub_themes: tuple[Link, ...]
    parent: Link | None


@dataclass(frozen=True)
class CommentView:
    comment: Comment
    anchor: str
    author: Link | None
    reply_to: Link | None
    themes: tuple[Link, ...]


@dataclass(frozen=True)
class HighlightView:
    highlight: Highlight
    source: Link | None


@dataclass(frozen=True)
class ThreadPage:
    path: str
    thread: Thread
    comments: tuple[CommentView, ...]
    highlights: tuple[HighlightView, ...]
    themes: tuple[tuple[Link, int], ...]


@dataclass(frozen=True)
class ContributorPage:
    path: str
    name: str
    roles: tuple[str, ...]
    comments: tuple[tuple[Link, CommentView], ...]  # (thread, comment)
    themes: tuple[tuple[Link, int], ...]
    quoted_in: tuple[tuple[Link, QuoteView], ...]  # (theme, quote)


@dataclass(frozen=True)
class Site:
    themes: tuple[ThemePage, ...]
    threads: tuple[ThreadPage, ...]
    contributors: tuple[ContributorPage, ...]
    findings: Findings
    theme_rows: dict[str, ThemeRow] = field(default_factory=dict)


def build_site(findings: Findings, threads: Sequence[Thread]) -> Site:
    comments = {c.id: (t, c) for t in threads for c in t.comments}
    labels = {t.theme.id: t.theme.label for t in findings.themes}
    analysed = max(findings.corpus.get("comments", 0), 1)
    by_comment: dict[str, list[str]] = defaultdict(list)
    for item in findings.comment_assignments:
        if item.status == ASSIGNED:
            by_comment[item.unit_id].append(item.theme_id)

    def quote_view(quote: Quote, page: str) -> QuoteView:
        thread, comment = comments[quote.comment_id]
        author = comment.author or "Anonymous"
        return QuoteView(
            text=quote.text,
            author=author,
            role=quote.role,
            source=Link(thread.title, href(page, thread_page(thread.id), comment.id)),
            contributor=Link(author, href(page, contributor_page(author)))
            if comment.author
            else None,
        )

    def theme_links(ids, page: str) -> tuple[Link, ...]:
        return tuple(Link(labels[i], href(page, theme_page(i))) for i in sorted(ids))

    theme_pages = []
    rows = {}
    children: dict[str, list[str]] = defaultdict(list)
    for item in findings.themes:
        if item.theme.parent:
            children[item.theme.parent].append(item.theme.id)
    titles = {t.id: t.title for t in threads}
    for item in findings.themes:
        page = theme_page(item.theme.id)
        quotes = tuple(quote_view(q, page) for q in item.quotes)
        theme_pages.append(
            ThemePage(
                path=page,
                theme=item,
                share=item.comments / analysed,
                quotes=quotes,
                co_occurring=tuple(
                    (Link(labels[other], href(page, theme_page(other))), count)
                    for other, count in item.co_occurring
                ),
                threads=tuple(
                    Link(titles[t], href(page, thread_page(t))) for t in item.threads if t in titles
                ),
                sub_themes=theme_links(children[item.theme.id], page),
                parent=Link(labels[item.theme.parent], href(page, theme_page(item.theme.parent)))
                if item.theme.parent
                else None,
            )
        )
        rows[item.theme.id] = ThemeRow(
            link=Link(item.theme.label, href("index.md", theme_page(item.theme.id))),
            kind=item.theme.kind,
            comments=item.comments,
            contributors=item.contributors,
            threads=len(item.threads),
            share=item.comments / analysed,
            top_quote=quote_view(item.quotes[0], "index.md") if item.quotes else None,
        )

    def comment_view(thread: Thread, comment: Comment, page: str) -> CommentView:
        parent = next((c for c in thread.comments if c.id == comment.reply_to), None)
        return CommentView(
            comment=comment,
            anchor=comment.id,
            author=Link(comment.author, href(page, contributor_page(comment.author)))
            if comment.author
            else None,
            reply_to=Link(parent.author or "an earlier comment", f"#{parent.id}")
            if parent
            else None,
            themes=theme_links(by_comment.get(comment.id, ()), page),
        )

    thread_pages = []
    for thread in sorted(threads, key=lambda t: t.id):
        page = thread_page(thread.id)
        counts: dict[str, int] = defaultdict(int)
        for comment in thread.comments:
            for theme_id in by_comment.get(comment.id, ()):
                counts[theme_id] += 1
        thread_pages.append(
            ThreadPage(
                path=page,
                thread=thread,
                comments=tuple(comment_view(thread, c, page) for c in thread.comments),
                highlights=tuple(
                    HighlightView(h, Link(h.author, f"#{h.comment_id}") if h.comment_id else None)
                    for h in thread.highlights
                ),
                themes=tuple(
                    (Link(labels[i], href(page, theme_page(i))), n)
                    for i, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                ),
            )
        )
    return Site(
        themes=tuple(theme_pages),
        threads=tuple(thread_pages),
        contributors=_contributors(threads, findings, by_comment, comment_view, quote_view, labels),
        findings=findings,
        theme_rows=rows,
    )


def _contributors(threads, findings, by_comment, comment_view, quote_view, labels):
    authored: dict[str, list[tuple[Thread, Comment]]] = defaultdict(list)
    for thread in sorted(threads, key=lambda t: t.id):
        for comment in thread.comments:
            if comment.author:
                authored[comment.author].append((thread, comment))
    quoted: dict[str, list[tuple[str, Quote]]] = defaultdict(list)
    for item in findings.themes:
        for quote in item.quotes:
            if quote.author:
                quoted[quote.author].append((item.theme.id, quote))
    pages = []
    for author in sorted(authored):
        page = contributor_page(author)
        counts: dict[str, int] = defaultdict(int)
        for _, comment in authored[author]:
            for theme_id in by_comment.get(comment.id, ()):
                counts[theme_id] += 1
        pages.append(
            ContributorPage(
                path=page,
                name=author,
                roles=tuple(sorted({c.role for _, c in authored[author] if c.role})),
                comments=tuple(
                    (Link(t.title, href(page, thread_page(t.id), c.id)), comment_view(t, c, page))
                    for t, c in authored[author]
                ),
                themes=tuple(
                    (Link(labels[i], href(page, theme_page(i))), n)
                    for i, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                ),
                quoted_in=tuple(
                    (Link(labels[i], href(page, theme_page(i))), quote_view(q, page))
                    for i, q in quoted[author]
                ),
            )
        )
    return tuple(pages)
