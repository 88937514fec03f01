"""WordPress comment sections, as its themes print them (`wp_list_comments`).

    div#comments.comments-area
      h2.comments-title           "4 Comments" / "4 thoughts on “Title”" / "One Response to …"
      ol.comment-list (older themes: ol.commentlist)
        li#comment-12.comment
          article#div-comment-12.comment-body   (older themes: div.comment-body)
            footer.comment-meta
              div.comment-author.vcard  <img> <b class="fn">Name</b> <span class="says">says:</span>
              div.comment-metadata      <a><time datetime="2024-03-05T09:14:00+00:00">…</time></a>
            div.comment-content         the comment's paragraphs
            div.reply                   "Reply"
          ol.children                   replies, nested the same way
      div#respond                       "Leave a Reply" and the comment form

Older themes put the paragraphs straight into `div.comment-body`, after
`div.comment-meta.commentmetadata`. Some themes give each comment a title
(`.comment-title`). A page with a comment list of this shape is this engine's even
when none of its comments can be read; it is then reported, never an article.
"""

from __future__ import annotations

import re

from lxml import etree

from themesite.ingest import page_rules as rules
from themesite.ingest.engines import FoundComment, Section, classes, engine, first, having, text_of

_LISTS = ("comment-list", "commentlist")
_HEADING = re.compile(
    r"^\s*(\d[\d,]*|one|no)\s+(?:comments?|responses?|repl(?:y|ies)|thoughts?)\b", re.IGNORECASE
)
_META = ("comment-meta", "commentmetadata", "comment-author", "comment-metadata", "comment-title")
_NOT_TEXT = frozenset({*_META, "reply", "comment-awaiting-moderation"})


@engine
class WordPress:
    name = "wordpress"

    def find(self, root: etree._Element) -> Section | None:
        lists = [e for e in root.iter("ol", "ul") if classes(e) & set(_LISTS)]
        items = [li for li in root.iter("li") if "comment" in classes(li)]
        bodies = [a for a in having(root, "comment-body") if first(a, "comment-author") is not None]
        if not lists and not items and not bodies:
            return None
        anchor = lists[0] if lists else (items or bodies)[0].getparent()
        area = next((e for e in root.iter() if e.get("id") == "comments"), None)
        if area is None or not _inside(anchor, area):
            area = anchor
        section = Section(self.name, area, [])
        found = items or bodies
        section.comments = [_comment(element) for element in found]
        # Classic themes put the heading and the form beside the list, not around it.
        around = [e for e in anchor.itersiblings(preceding=True) if isinstance(e.tag, str)]
        around += [e for e in anchor.itersiblings() if isinstance(e.tag, str)]
        headings = [*area.iter(etree.Element), *around]
        for element in headings:
            text = text_of(element) or ""
            if element.tag in ("h1", "h2", "h3", "h4") and (match := _HEADING.match(text)):
                section.chrome.append((element, "comment count"))
                count = match.group(1).replace(",", "").lower()
                section.declared = (
                    {"one": 1, "no": 0}[count] if count in ("one", "no") else int(count)
                )
            elif element.get("id") == "respond":
                section.chrome.append((element, "comment form"))
            elif "reply" in classes(element):
                section.chrome.append((element, "reply link"))
            elif classes(element) & {"pingback", "trackback"}:
                section.chrome.append((element, "pingback"))
        return section


def _inside(element: etree._Element, ancestor: etree._Element) -> bool:
    return any(parent is ancestor for parent in element.iterancestors())


def _comment(element: etree._Element) -> FoundComment:
    """A comment from its `li` (or its `.comment-body` in themes without one)."""
    body = next((e for e in element.iter(etree.Element) if "comment-body" in classes(e)), element)
    content = [e for e in _own(body) if "comment-content" in classes(e)]
    if not content:  # older themes: the paragraphs sit in the comment body itself
        content = [
            child
            for child in body
            if isinstance(child.tag, str)
            and not classes(child) & _NOT_TEXT
            and child.tag not in ("ul", "ol", "footer", "header")
        ]
    author = first(body, "fn")
    if author is None:
        author = first(body, "comment-author")
    title = first(body, "comment-title")
    return FoundComment(
        element=element,
        body=content,
        author=text_of(author),
        timestamp=_timestamp(body),
        title=text_of(title),
        source_id=_comment_id(element),
        reply_to_source_id=_parent_id(element),
    )


def _own(body: etree._Element):
    """The elements of one comment, not of its replies."""
    for element in body.iter(etree.Element):
        if not any("children" in classes(p) for p in _between(element, body)):
            yield element


def _between(element: etree._Element, top: etree._Element):
    for parent in element.iterancestors():
        if parent is top:
            return
        yield parent


def _timestamp(body: etree._Element) -> str | None:
    for time in body.iter("time"):
        if time.get("datetime"):
            return time.get("datetime")
    for meta in (first(body, "comment-metadata"), first(body, "commentmetadata")):
        if (text := text_of(meta)) and (date := rules.dateline(text.split(" at ")[0])):
            return date
    return None


def _comment_id(element: etree._Element) -> str | None:
    ident = element.get("id") or ""
    match = re.search(r"comment-(\d+)$", ident)
    return f"comment-{match.group(1)}" if match else (ident or None)


def _parent_id(element: etree._Element) -> str | None:
    """The comment this one replies to: the `li.comment` around its `children` list."""
    parent = element.getparent()
    while parent is not None:
        if parent.tag == "li" and "comment" in classes(parent):
            return _comment_id(parent)
        parent = parent.getparent()
    return None
