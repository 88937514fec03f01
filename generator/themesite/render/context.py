"""Typed contexts, one per page kind, built from the findings and the corpus.

Templates see only these records (with StrictUndefined), so a template cannot reach
into raw data, and every link and anchor is computed here, once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from themesite.analyse.records import ASSIGNED, CONSENSUS, DIVISIVE, Findings, Quote, ThemeFindings
from themesite.ingest.records import Comment, Highlight, Thread
from themesite.render.links import (
    COMMENTS_PER_PAGE,
    Link,
    chunks,
    contributor_page,
    href,
    part_path,
    theme_page,
    thread_page,
)
from themesite.render.opinions import (
    Agreement,
    OpinionMapView,
    StatementRow,
    VoteLine,
    VoteTable,
    VoteViews,
)

#: Longest list of threads shown on a theme page.
THREADS_LISTED = 100
#: The anchor of a thread page's article section.
ARTICLE = "article"


@dataclass(frozen=True)
class QuoteView:
    text: str
    author: str
    role: str | None
    source: Link  # the thread page, anchored at the comment
    contributor: Link | None
    votes: VoteLine | None = None


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
    more_threads: int  # threads beyond THREADS_LISTED, counted but not listed
    sub_themes: tuple[Link, ...]
    parent: Link | None
    votes: VoteTable | None = None
    #: The theme's comments flagged consensus or divisive across opinion groups.
    consensus: tuple[StatementRow, ...] = ()
    divisive: tuple[StatementRow, ...] = ()


@dataclass(frozen=True)
class CommentView:
    comment: Comment
    anchor: str
    author: Link | None
    reply_to: Link | None
    themes: tuple[Link, ...]
    votes: VoteLine | None = None


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
    part: int = 0  # long threads are split in parts of COMMENTS_PER_PAGE comments
    parts: tuple[Link, ...] = ()
    #: Whether comment text goes into the site's search index (see `SiteConfig`).
    search_comments: bool = True
    opinions: OpinionMapView | None = None


@dataclass(frozen=True)
class ContributorPage:
    path: str
    name: str
    roles: tuple[str, ...]
    comments: tuple[tuple[Link, CommentView], ...]  # (thread, comment)
    themes: tuple[tuple[Link, int], ...]
    quoted_in: tuple[tuple[Link, QuoteView], ...]  # (theme, quote)
    total_comments: int = 0
    part: int = 0
    parts: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Site:
    themes: tuple[ThemePage, ...]
    threads: tuple[ThreadPage, ...]
    contributors: tuple[ContributorPage, ...]
    findings: Findings
    theme_rows: dict[str, ThemeRow] = field(default_factory=dict)
    agreement: Agreement | None = None


def _parts(path: str, count: int, current: str) -> tuple[Link, ...]:
    """Links from page `current` to every part of a page split in `count` parts."""
    return tuple(Link(str(i + 1), href(current, part_path(path, i))) for i in range(count))


def build_site(findings: Findings, threads: Sequence[Thread], search_comments: bool = True) -> Site:
    """Every page's context; `search_comments` puts thread pages' comments in the search
    index (contributor pages repeat them, so theirs never are)."""
    comments = {c.id: (t, c) for t in threads for c in t.comments}
    comment_page = {
        c.id: part_path(thread_page(t.id), i // COMMENTS_PER_PAGE)
        for t in threads
        for i, c in enumerate(t.comments)
    }
    labels = {t.theme.id: t.theme.label for t in findings.themes}
    analysed = max(findings.corpus.get("comments", 0), 1)
    by_comment: dict[str, list[str]] = defaultdict(list)
    members: dict[str, list[str]] = defaultdict(list)
    for item in findings.comment_assignments:
        if item.status == ASSIGNED:
            by_comment[item.unit_id].append(item.theme_id)
            members[item.theme_id].append(item.unit_id)

    titles = {t.id: t.title for t in threads}
    votes = VoteViews(findings, titles)

    def quote_view(quote: Quote, page: str) -> QuoteView:
        if quote.comment_id not in comments:  # a quote from the article (include_articles)
            return QuoteView(
                text=quote.text,
                author="The article",
                role=None,
                source=Link(
                    titles[quote.thread_id], href(page, thread_page(quote.thread_id), ARTICLE)
                ),
                contributor=None,
            )
        thread, comment = comments[quote.comment_id]
        author = comment.author or "Anonymous"
        return QuoteView(
            text=quote.text,
            author=author,
            role=quote.role,
            source=Link(thread.title, href(page, comment_page[comment.id], comment.id)),
            contributor=Link(author, href(page, contributor_page(author)))
            if comment.author
            else None,
            votes=votes.line(comment.id),
        )

    def statement(comment_id: str, page: str) -> StatementRow:
        thread, comment = comments[comment_id]
        table = votes.table(votes.by_comment[comment_id].votes, short=True)
        assert table is not None
        link = Link(thread.title, href(page, comment_page[comment.id], comment.id))
        return StatementRow(comment.text, link, table)

    def flagged(theme_id: str, verdict: str, page: str) -> tuple[StatementRow, ...]:
        return tuple(
            statement(c, page)
            for c in members.get(theme_id, ())
            if c in votes.by_comment and votes.by_comment[c].votes.verdict == verdict
        )

    def theme_links(ids, page: str) -> tuple[Link, ...]:
        return tuple(Link(labels[i], href(page, theme_page(i))) for i in sorted(ids))

    theme_pages = []
    rows = {}
    children: dict[str, list[str]] = defaultdict(list)
    for item in findings.themes:
        if item.theme.parent:
            children[item.theme.parent].append(item.theme.id)
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
                    Link(titles[t], href(page, thread_page(t)))
                    for t in item.threads[:THREADS_LISTED]
                    if t in titles
                ),
                more_threads=max(len(item.threads) - THREADS_LISTED, 0),
                sub_themes=theme_links(children[item.theme.id], page),
                parent=Link(labels[item.theme.parent], href(page, theme_page(item.theme.parent)))
                if item.theme.parent
                else None,
                votes=votes.table(item.votes),
                consensus=flagged(item.theme.id, CONSENSUS, page),
                divisive=flagged(item.theme.id, DIVISIVE, page),
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

    parents = {c.id: c for t in threads for c in t.comments}

    def comment_view(comment: Comment, page: str) -> CommentView:
        parent = parents.get(comment.reply_to) if comment.reply_to else None
        return CommentView(
            comment=comment,
            anchor=comment.id,
            author=Link(comment.author, href(page, contributor_page(comment.author)))
            if comment.author
            else None,
            reply_to=Link(
                parent.author or "an earlier comment",
                href(page, comment_page[parent.id], parent.id),
            )
            if parent
            else None,
            themes=theme_links(by_comment.get(comment.id, ()), page),
            votes=votes.line(comment.id),
        )

    thread_pages = []
    for thread in sorted(threads, key=lambda t: t.id):
        counts: dict[str, int] = defaultdict(int)
        for comment in thread.comments:
            for theme_id in by_comment.get(comment.id, ()):
                counts[theme_id] += 1
        parts = chunks(thread.comments, COMMENTS_PER_PAGE)
        for part, section in enumerate(parts):
            page = part_path(thread_page(thread.id), part)
            thread_pages.append(
                ThreadPage(
                    path=page,
                    thread=thread,
                    comments=tuple(comment_view(c, page) for c in section),
                    highlights=tuple(
                        HighlightView(
                            h,
                            Link(h.author, href(page, comment_page[h.comment_id], h.comment_id))
                            if h.comment_id
                            else None,
                        )
                        for h in thread.highlights
                    ),
                    themes=tuple(
                        (Link(labels[i], href(page, theme_page(i))), n)
                        for i, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                    ),
                    part=part,
                    parts=_parts(thread_page(thread.id), len(parts), page),
                    search_comments=search_comments,
                    opinions=votes.map_of(thread.id) if part == 0 else None,
                )
            )
    return Site(
        themes=tuple(theme_pages),
        threads=tuple(thread_pages),
        contributors=_contributors(
            threads, findings, by_comment, comment_view, quote_view, labels, comment_page
        ),
        findings=findings,
        theme_rows=rows,
        agreement=votes.agreement(
            lambda i: Link(labels[i], href("index.md", theme_page(i))),
            lambda c: statement(c.comment_id, "index.md"),
        ),
    )


def _contributors(threads, findings, by_comment, comment_view, quote_view, labels, comment_page):
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
        counts: dict[str, int] = defaultdict(int)
        for _, comment in authored[author]:
            for theme_id in by_comment.get(comment.id, ()):
                counts[theme_id] += 1
        parts = chunks(authored[author], COMMENTS_PER_PAGE)
        for part, section in enumerate(parts):
            page = part_path(contributor_page(author), part)
            pages.append(
                ContributorPage(
                    path=page,
                    name=author,
                    roles=tuple(sorted({c.role for _, c in authored[author] if c.role})),
                    comments=tuple(
                        (Link(t.title, href(page, comment_page[c.id], c.id)), comment_view(c, page))
                        for t, c in section
                    ),
                    themes=tuple(
                        (Link(labels[i], href(page, theme_page(i))), n)
                        for i, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                    ),
                    quoted_in=tuple(
                        (Link(labels[i], href(page, theme_page(i))), quote_view(q, page))
                        for i, q in quoted[author]
                    ),
                    total_comments=len(authored[author]),
                    part=part,
                    parts=_parts(contributor_page(author), len(parts), page),
                )
            )
    return tuple(pages)
