"""The What changed page's context, and the pages that keep retired theme URLs working.

Every comment that moved is linked where it is shown now (its thread page, at its
anchor); a comment that is gone is named by its id only. A retired discovered theme's
old URL (`themes/<id>.html`) becomes a small static page that sends the reader on to
the theme that took its comments, or to this page.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import escape

from themesite.analyse.changes import Changes, TextChange, ThemeChange
from themesite.analyse.snapshot import Snapshot
from themesite.render.links import COMMENTS_PER_PAGE, Link, href, part_path, theme_page, thread_page

PAGE = "changes.md"
#: The anchor of the page's vanished-themes section, where a retired theme without a
#: successor leads.
VANISHED = "vanished"


@dataclass(frozen=True)
class ThemeRow:
    change: ThemeChange
    link: Link | None  # the theme's page, if it has one now
    joined: tuple[Link, ...]
    left: tuple[Link, ...]


@dataclass(frozen=True)
class TextRow:
    change: TextChange
    link: Link


@dataclass(frozen=True)
class ChangesPage:
    changes: Changes
    appeared: tuple[ThemeRow, ...]
    vanished: tuple[ThemeRow, ...]
    grew: tuple[ThemeRow, ...]
    shrank: tuple[ThemeRow, ...]
    moved: tuple[ThemeRow, ...]
    renamed: tuple[ThemeRow, ...]
    quotes: tuple[ThemeRow, ...]
    texts_added: tuple[TextRow, ...]


def changes_page(changes: Changes, current: Snapshot) -> ChangesPage:
    """The page's typed context, every link relative to `changes.md`."""
    where: dict[str, Link] = {}
    for thread in current.threads:
        for i, comment_id in enumerate(thread.comments):
            page = part_path(thread_page(thread.id), i // COMMENTS_PER_PAGE)
            label = f"{thread.title}, comment {i + 1}"
            where[comment_id] = Link(label, href(PAGE, page, comment_id))
    live = {t.id for t in current.themes}

    def links(ids: tuple[str, ...]) -> tuple[Link, ...]:
        return tuple(where.get(c, Link(f"comment {c} (no longer in the corpus)", "")) for c in ids)

    def rows(items: tuple[ThemeChange, ...]) -> tuple[ThemeRow, ...]:
        return tuple(
            ThemeRow(
                change=c,
                link=Link(c.label, href(PAGE, theme_page(c.id))) if c.id in live else None,
                joined=links(c.joined),
                left=links(c.left),
            )
            for c in items
        )

    threads = {t.id: t for t in current.threads}
    return ChangesPage(
        changes=changes,
        appeared=rows(changes.appeared),
        vanished=tuple(
            ThemeRow(
                change=c,
                link=Link(c.leads_to, href(PAGE, theme_page(c.leads_to))) if c.leads_to else None,
                joined=(),
                left=links(c.left),
            )
            for c in changes.vanished
        ),
        grew=rows(changes.grew),
        shrank=rows(changes.shrank),
        moved=rows(changes.moved),
        renamed=rows(changes.renamed),
        quotes=rows(changes.quotes),
        texts_added=tuple(
            TextRow(t, Link(t.title, href(PAGE, thread_page(t.id))))
            for t in changes.texts_added
            if t.id in threads
        ),
    )


def redirect_pages(retired: dict[str, str], live: set[str]) -> dict[str, bytes]:
    """Site path -> a static HTML page leading from a retired theme's URL to its successor
    (or to the What changed page); ids that are live themes again get none."""
    pages = {}
    for old, target in sorted(retired.items()):
        if old in live:
            continue
        url = f"{target}.html" if target in live else f"../changes.html#{VANISHED}"
        name = "the theme that took its comments" if target in live else "What changed"
        pages[f"themes/{old}.html"] = _redirect(url, name, old).encode("utf-8")
    return pages


def _redirect(url: str, name: str, old: str) -> str:
    url, name, old = escape(url), escape(name), escape(old)
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Theme {old} has moved</title>\n"
        f'<meta http-equiv="refresh" content="0; url={url}">\n'
        f'<link rel="canonical" href="{url}">\n'
        '<meta name="robots" content="noindex">\n'
        "</head>\n<body>\n"
        f"<h1>Theme {old} has moved</h1>\n"
        f'<p>The theme {old} is no longer found as it was: see <a href="{url}">{name}</a>.</p>\n'
        "</body>\n</html>\n"
    )
