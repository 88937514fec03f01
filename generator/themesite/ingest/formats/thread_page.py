"""Discussion thread page: an article, "N Comments", comment blocks, BrainTrust quotes.

The layout of RetailWire-style pages as saved to text (seeds 000, 003, 004):

    Title / Photo: credit / Title again / article paragraphs
    Discussion Questions / DISCUSSION QUESTIONS: ...? / Poll
    16 Comments / Oldest / Newest Most Voted / Inline Feedbacks / View all comments
    Name [Name again] [Role] [Reply to  Name] [3 years ago]   <- comment header
    body paragraphs ...
    BrainTrust / "quote" / Name / Affiliation ...
    More Discussions

Older pages have no role or age: the header is the name written twice, or once
when it reads as a name. A page may repeat its whole comment section (seed 004);
the copy parses like the original and `assemble` removes it as duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass

from themesite.ingest import page_rules as rules
from themesite.ingest.article import parse_article
from themesite.ingest.parsed import LineMarks, ParsedComment, ParsedHighlight, ParsedThread
from themesite.ingest.records import LineKind
from themesite.ingest.registry import Siblings, Source, register
from themesite.ingest.text import Line, blocks


@dataclass
class _Header:
    start: int  # index into the region
    end: int  # index of the header's last line
    author: str
    role: str | None = None
    reply_to: str | None = None
    age: str | None = None


@register
class ThreadPage:
    name = "thread-page"
    recognises = "a text page with an 'N Comments' line above comment blocks"
    siblings = Siblings()
    text_layout = True

    def detect(self, source: Source) -> bool:
        return source.kind == "text" and any(rules.COUNT.match(line.text) for line in source.lines)

    def parse(self, source: Source) -> list[ParsedThread]:
        lines = list(source.lines)
        marks = LineMarks()
        counts = [i for i, line in enumerate(lines) if rules.COUNT.match(line.text)]
        parsed = parse_article(lines[: counts[0]], marks, self.name)
        parsed.lines = tuple(lines)
        declared = rules.COUNT.match(lines[counts[0]].text)
        parsed.declared_comments = int(declared.group(1).replace(",", ""))
        boundaries = counts + [len(lines)]
        for start, stop in zip(boundaries, boundaries[1:], strict=False):
            marks.mark(lines[start], LineKind.CHROME, "comment count")
            region, tail = _split_tail(lines[start + 1 : stop])
            parsed.comments.extend(_parse_comments(region, marks))
            _parse_tail(tail, parsed, marks)
        if len(counts) > 1:
            parsed.warnings.append(
                f"{source.path}: the comment section appears {len(counts)} times on the page"
            )
        return [parsed]


def _split_tail(region: list[Line]) -> tuple[list[Line], list[Line]]:
    """Separate the comment blocks from what follows them (BrainTrust, More Discussions).

    "BrainTrust" is also a commenter's badge: directly above a reply or age line it is
    the role in a comment header, not the heading of the quotes.
    """
    for i, line in enumerate(region):
        following = region[i + 1].text if i + 1 < len(region) else ""
        badge = rules.AGE.match(following) or rules.REPLY.match(following)
        if (rules.is_heading(line.text, "BrainTrust") and not badge) or rules.is_heading(
            line.text, "More Discussions"
        ):
            return region[:i], region[i:]
    return region, []


def _parse_comments(region: list[Line], marks: LineMarks) -> list[ParsedComment]:
    first = 0
    while first < len(region) and (
        region[first].blank or region[first].text.strip().casefold() in rules.COMMENT_CONTROLS
    ):
        marks.mark(region[first], LineKind.CHROME, "comment sort and feedback controls")
        first += 1
    region = region[first:]
    headers = _age_headers(region) or _name_headers(region)
    comments = []
    for header, following in zip(headers, headers[1:] + [None], strict=False):
        stop = following.start if following else len(region)
        comments.append(_comment(region, header, stop, marks))
    return comments


def _age_headers(region: list[Line]) -> list[_Header]:
    """Headers anchored on an age line ('3 years ago'): name, [name], [role], [reply], age."""
    headers = []
    for j, line in enumerate(region):
        if not rules.AGE.match(line.text):
            continue
        header = _Header(start=j, end=j, author="", age=line.text.strip())
        k = j - 1
        if k >= 0 and (reply := rules.REPLY.match(region[k].text)):
            header.reply_to, k = reply.group(1), k - 1
        if k >= 0 and rules.ROLE.match(region[k].text):
            header.role, k = region[k].text.strip(), k - 1
        if k < 0 or region[k].blank or rules.AGE.match(region[k].text):
            continue
        header.author, header.start = region[k].text.strip(), k
        if k >= 1 and region[k - 1].text == region[k].text:
            header.start = k - 1
        if header.start == 0 or region[header.start - 1].blank:
            headers.append(header)
    return headers


def _name_headers(region: list[Line]) -> list[_Header]:
    """Headers of pages without ages: a name written twice, or once when it reads as a name."""
    headers = []
    region_blocks = blocks(region)
    index = {line.number: i for i, line in enumerate(region)}
    for n, block in enumerate(region_blocks):
        texts = [line.text for line in block.lines]
        start = index[block.first]
        has_body = n + 1 < len(region_blocks)
        if len(texts) >= 2 and texts[0] == texts[1] and rules.name_shaped(texts[0]):
            header = _Header(start=start, end=start + 1, author=texts[0].strip())
            for extra in texts[2:]:
                if rules.ROLE.match(extra):
                    header.role, header.end = extra.strip(), header.end + 1
                elif reply := rules.REPLY.match(extra):
                    header.reply_to, header.end = reply.group(1), header.end + 1
                else:
                    break
            headers.append(header)
        elif len(texts) == 1 and has_body and rules.name_shaped(texts[0]):
            headers.append(_Header(start=start, end=start, author=texts[0].strip()))
    return headers


def _comment(region: list[Line], header: _Header, stop: int, marks: LineMarks) -> ParsedComment:
    for line in region[header.start : header.end + 1]:
        marks.mark(line, LineKind.COMMENT_META, "comment header")
    body = region[header.end + 1 : stop]
    paragraphs = [block.text for block in blocks(body)]
    for line in body:
        marks.mark(line, LineKind.COMMENT_TEXT, "comment paragraph")
    last = max((line.number for line in body if not line.blank), default=region[header.end].number)
    return ParsedComment(
        paragraphs=paragraphs,
        line_start=region[header.start].number,
        line_end=last,
        author=header.author,
        role=header.role,
        age=header.age,
        reply_to_author=header.reply_to,
    )


_QUOTE_MARKS = ('"', "“", "”", "'")


def _unquote(text: str) -> str:
    """The quote inside its quotation marks, as written."""
    text = text.strip()
    if len(text) >= 2 and text[0] in _QUOTE_MARKS and text[-1] in _QUOTE_MARKS:
        text = text[1:-1]
    return text.strip()


def _parse_tail(tail: list[Line], parsed: ParsedThread, marks: LineMarks) -> None:
    """BrainTrust quotes (quote, name, affiliation) and the trailing 'More Discussions'."""
    in_related = False
    pending: list = []
    for block in blocks(tail):
        text = block.text.strip()
        if in_related:
            marks.mark(block, LineKind.CHROME, "related discussions")
        elif rules.is_heading(text, "More Discussions"):
            in_related = True
            marks.mark(block, LineKind.CHROME, "related discussions heading")
        elif rules.is_heading(text, "BrainTrust"):
            marks.mark(block, LineKind.CHROME, "BrainTrust heading")
        elif text.startswith(_QUOTE_MARKS):
            pending = [block]
        elif len(pending) == 1:
            pending.append(block)
            parsed.highlights.append(_highlight(pending, None, marks))
        elif len(pending) == 2 and parsed.highlights:
            parsed.highlights[-1] = _highlight(pending, block, marks)
            pending = []


def _highlight(pending: list, affiliation, marks: LineMarks) -> ParsedHighlight:
    quote, author = pending
    marks.mark(quote, LineKind.HIGHLIGHT, "BrainTrust quote")
    marks.mark(author, LineKind.HIGHLIGHT, "BrainTrust quote author")
    if affiliation is not None:
        marks.mark(affiliation, LineKind.HIGHLIGHT, "BrainTrust author affiliation")
    last = affiliation or author
    return ParsedHighlight(
        quote=_unquote(quote.text),
        author=author.text.strip(),
        affiliation=affiliation.text.strip() if affiliation is not None else None,
        line_start=quote.first,
        line_end=last.last,
    )
