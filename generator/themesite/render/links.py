"""Stable page paths and anchors, so links survive rebuilds."""

from __future__ import annotations

from dataclasses import dataclass

from themesite.ingest.text import short_hash, slugify


@dataclass(frozen=True)
class Link:
    label: str
    url: str


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


#: Page budgets that keep every page well under 2 MB however large the corpus grows.
COMMENTS_PER_PAGE = 300
ROWS_PER_INDEX_PAGE = 200


def part_path(path: str, part: int) -> str:
    """The path of part `part` (0-based) of a page split in parts: x.md, x-2.md, x-3.md..."""
    return path if part == 0 else f"{path.removesuffix('.md')}-{part + 1}.md"


def chunks(items: tuple | list, size: int) -> list:
    """Consecutive slices of `size`; an empty sequence still gives one (empty) page."""
    return [items[i : i + size] for i in range(0, len(items), size)] or [items[:0]]
