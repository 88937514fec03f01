"""Stable page paths and anchors, so links survive rebuilds."""

from __future__ import annotations

from themesite.ingest.text import short_hash, slugify


def contributor_slug(author: str) -> str:
    """A readable, collision-free file name for a contributor."""
    return f"{slugify(author, 40)}-{short_hash(author, length=6)}"


def theme_page(theme_id: str) -> str:
    return f"themes/{theme_id}.md"


def thread_page(thread_id: str) -> str:
    return f"threads/{thread_id}.md"


def contributor_page(author: str) -> str:
    return f"contributors/{contributor_slug(author)}.md"


def href(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """Relative URL from one page to another, as built with use_directory_urls: false."""
    depth = from_page.count("/")
    target = "../" * depth + to_page.removesuffix(".md") + ".html"
    return f"{target}#{anchor}" if anchor else target
