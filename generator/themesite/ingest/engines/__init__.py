"""Comment sections of blog and forum engines, read from a saved page's markup.

A text layout can only guess where a comment's author, date and text are; the engine
that made the page says so in its markup (WordPress's `ol.comment-list`, Discourse's
`crawler-post`s). A saved page whose markup an engine recognises is read by that engine:
it gives each comment's elements a role, the saved-html renderer turns the page into
text lines that know their role, and `build_thread` makes the thread from them, with
every line in the ledger, as the text layouts do.

Adding an engine: a module here with a class decorated by `@engine` whose `find`
returns a `Section` (or None when the page is not the engine's), imported in
`engines()`, with a fixture and a golden thread in tests/.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from lxml import etree

from themesite.ingest.article import parse_article
from themesite.ingest.parsed import LineMarks, ParsedComment, ParsedThread
from themesite.ingest.records import LineKind
from themesite.ingest.text import Line, blocks

_TEXT = "comment paragraph"


@dataclass(frozen=True)
class Role:
    """What the rows an element renders to are: `kind` is one of the kinds below, `index`
    the comment they belong to, `label` the ledger's label."""

    kind: str  # "meta", "text" (of comment `index`), "chrome", "article-meta", "section"
    label: str
    index: int = -1


@dataclass
class FoundComment:
    """One comment as the engine's markup gives it."""

    element: etree._Element  # the comment's own block; rows without another role are meta
    body: list[etree._Element]  # the elements that hold its text
    author: str | None = None
    timestamp: str | None = None
    title: str | None = None
    source_id: str | None = None
    reply_to_source_id: str | None = None


@dataclass
class Section:
    """A page's comment section as one engine reads it."""

    engine: str
    element: etree._Element  # rows in it that no role explains are left unrecognised
    comments: list[FoundComment]
    declared: int | None = None
    chrome: list[tuple[etree._Element, str]] = field(default_factory=list)
    #: Parts of `element` that are the article (a forum topic's opening post).
    article: list[etree._Element] = field(default_factory=list)
    article_meta: list[tuple[etree._Element, str]] = field(default_factory=list)
    byline: str | None = None
    published: str | None = None

    def roles(self) -> dict[etree._Element, Role | None]:
        """Element -> role, for the renderer; inner elements' roles win over outer ones'.
        None is the article's role: parsed as the text layouts parse an article."""
        roles: dict[etree._Element, Role | None] = {
            self.element: Role("section", "comment section")
        }
        roles.update(dict.fromkeys(self.article))
        for element, label in self.article_meta:
            roles[element] = Role("article-meta", label)
        for i, comment in enumerate(self.comments):
            roles[comment.element] = Role("meta", "comment author and date", i)
            for body in comment.body:
                roles[body] = Role("text", _TEXT, i)
        for element, label in self.chrome:
            roles[element] = Role("chrome", label)
        return roles


class Engine(Protocol):
    name: str

    def find(self, root: etree._Element) -> Section | None: ...


_ENGINES: list[Engine] = []


def engine(cls: type) -> type:
    """Class decorator: register an engine."""
    _ENGINES.append(cls())
    return cls


def engines() -> list[Engine]:
    from themesite.ingest.engines import discourse, wordpress  # noqa: F401  (they register)

    return sorted(_ENGINES, key=lambda e: e.name)


def find_section(root: etree._Element) -> Section | None:
    """The comment section of the one engine whose markup the page has, if any."""
    for candidate in engines():
        if (section := candidate.find(root)) is not None:
            return section
    return None


_KINDS = {
    "meta": LineKind.COMMENT_META,
    "text": LineKind.COMMENT_TEXT,
    "chrome": LineKind.CHROME,
    "article-meta": LineKind.ARTICLE_META,
}


def build_thread(
    path: str, lines: Sequence[Line], roles: Sequence[Role | None], section: Section, fmt: str
) -> ParsedThread:
    """The thread of a page whose rendered `lines` carry `roles` (one each, in order).

    Rows with no role are the article (parsed as the text layouts parse one); a comment
    is its rows; rows of the section that no role explains stay unmarked, so they are
    reported as unrecognised. A section with comments none of which has text is a
    warning naming the file: the page is never silently an article.
    """
    marks = LineMarks()
    parsed = parse_article(
        [ln for ln, r in zip(lines, roles, strict=True) if r is None], marks, fmt
    )
    parsed.lines = tuple(lines)
    parsed.byline = parsed.byline or section.byline
    parsed.published = parsed.published or section.published
    parsed.declared_comments = section.declared
    own: dict[int, list[tuple[Line, Role]]] = {}
    for line, role in zip(lines, roles, strict=True):
        if role is None or line.blank or role.kind == "section":
            continue
        marks.mark(line, _KINDS[role.kind], role.label)
        if role.index >= 0:
            own.setdefault(role.index, []).append((line, role))
    empty = []
    for i, found in enumerate(section.comments):
        rows = own.get(i, [])
        # Blank rows count too: they keep the paragraphs apart.
        text = [ln for ln, r in zip(lines, roles, strict=True) if r == Role("text", _TEXT, i)]
        paragraphs = [block.text for block in blocks(text)]
        if not rows or not paragraphs:
            empty.append(found)
            continue
        parsed.comments.append(
            ParsedComment(
                paragraphs=paragraphs,
                line_start=rows[0][0].number,
                line_end=rows[-1][0].number,
                author=found.author,
                timestamp=found.timestamp,
                title=found.title,
                source_id=found.source_id,
                reply_to_source_id=found.reply_to_source_id,
            )
        )
    if empty and not parsed.comments:
        parsed.warnings.append(
            f"{path}: a {section.engine} comment section with {len(section.comments)} "
            "comment(s) was found, but none of them has text that could be read "
            "(kept as an article; save the page after its comments have loaded)"
        )
    elif not section.comments:
        parsed.warnings.append(
            f"{path}: a {section.engine} comment section was found, but no comment in it "
            "could be read (kept as an article; save the page after its comments have loaded)"
        )
    elif empty:
        parsed.warnings.append(
            f"{path}: {len(empty)} {section.engine} comment(s) without text were skipped"
        )
    return parsed


def classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").split())


def having(root: etree._Element, name: str) -> Iterator[etree._Element]:
    """Elements under `root` (itself included) whose class list holds `name`."""
    for element in root.iter(etree.Element):
        if name in classes(element):
            yield element


def first(root: etree._Element, name: str) -> etree._Element | None:
    return next(having(root, name), None)


def text_of(element: etree._Element | None) -> str | None:
    """An element's text with its spaces collapsed; None when it has none."""
    if element is None:
        return None
    text = " ".join(element.text_content().split())
    return text or None
