"""Turn a parser's `ParsedThread` into a validated `Thread`: ids, duplicates, replies, highlights.

These rules are the same for every format, which is why parsers do not apply them:
- ids derive from content, so re-ingesting never renumbers;
- on a page, comments with the same author and normalized text in one thread are one
  comment: a scraped page can show its comment section twice (seed 004);
- in an export, every row is a response of its own (`ParsedRow`): survey answers with
  no author and the same text are different people saying the same thing. A row is
  dropped only as a repeat of an earlier row with the same comment id, author and text
  (the same row exported twice); a file with no comment id column loses no row. A row
  whose author and text an earlier row already has gets an id that also hashes its
  comment id, or else its occurrence number ("row 2"), so the first keeps the id it
  always had and ids stay unique and stable across runs;
- a reply names its parent by author (pages) or source id (exports) and is linked
  to the nearest earlier comment that matches;
- a highlight is linked to the comment that contains its quote.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from themesite.ingest.parsed import ParsedComment, ParsedHighlight, ParsedRow, ParsedThread
from themesite.ingest.records import (
    Comment,
    Highlight,
    LedgerEntry,
    LineKind,
    SourceLine,
    Thread,
)
from themesite.ingest.text import normalize, short_hash, slugify


def assemble(parsed: ParsedThread, source: str, source_sha256: str) -> Thread:
    thread_id = thread_id_for(parsed)
    warnings = list(parsed.warnings)
    comments, removed = _dedupe(parsed, thread_id, warnings, source)
    if removed:
        rows = isinstance(removed[0], ParsedRow)
        what = (
            "repeated row(s) removed (same comment id, author and text)"
            if rows
            else "duplicate comment(s) removed (same author and text)"
        )
        warnings.append(f"{source}: {len(removed)} {what}")
    comments = _link_replies(parsed, comments, warnings, source)
    highlights = tuple(_link_highlight(h, comments, warnings, source) for h in parsed.highlights)
    if parsed.declared_comments is not None and parsed.declared_comments != len(comments):
        warnings.append(
            f"{source}: the page declares {parsed.declared_comments} comments "
            f"but {len(comments)} were parsed"
        )
    ledger, unrecognised = _ledger(parsed)
    if unrecognised:
        numbers = ", ".join(str(line.line) for line in unrecognised[:5])
        warnings.append(
            f"{source}: {len(unrecognised)} unrecognised line(s) kept as text (lines {numbers})"
        )
    return Thread(
        id=thread_id,
        title=parsed.title,
        source=source,
        source_sha256=source_sha256,
        format=parsed.format,
        published=parsed.published,
        byline=parsed.byline,
        article=tuple(parsed.article),
        questions=tuple(parsed.questions),
        declared_comments=parsed.declared_comments,
        comments=tuple(comments),
        highlights=highlights,
        ledger=ledger,
        unrecognised=unrecognised,
        duplicates_removed=len(removed),
        warnings=tuple(warnings),
        attributes=dict(sorted(parsed.attributes.items())),
    )


def thread_id_for(parsed: ParsedThread) -> str:
    """Title slug plus a content hash: an HTML and a text copy of one page get one id."""
    content = [parsed.key, normalize(parsed.title), *map(normalize, parsed.article)]
    content += [normalize(" ".join(c.paragraphs)) for c in parsed.comments[:3]]
    return f"{slugify(parsed.title)}-{short_hash(*content, length=8)}"


def _comment_id(thread_id: str, comment: ParsedComment, *occurrence: str) -> str:
    text = normalize("\n".join(comment.paragraphs))
    parts = (thread_id, normalize(comment.author or ""), text, *occurrence)
    return "c" + short_hash(*parts, length=12)


def _dedupe(
    parsed: ParsedThread, thread_id: str, warnings: list[str], source: str
) -> tuple[list[Comment], list[ParsedComment]]:
    """The comments kept, with their ids, and the ones removed as copies (see the module)."""
    kept: dict[str, Comment] = {}
    removed: list[ParsedComment] = []
    #: The id a comment's author and text give, and how many kept comments have it.
    same_content: Counter[str] = Counter()
    #: An export's comment id -> content id -> (line, id) of each row kept with both.
    rows: dict[str, dict[str, tuple[int, str]]] = {}
    for item in parsed.comments:
        content = _comment_id(thread_id, item)
        same_row = rows.setdefault(item.source_id, {}) if item.source_id else {}
        if not isinstance(item, ParsedRow):
            copy_of = content if content in kept else None
        elif content in same_row:
            copy_of = same_row[content][1]
        else:
            copy_of = None
            if same_row:
                warnings.append(
                    f"{source}:{item.line_start}: comment id {item.source_id!r} is also used "
                    f"on line {next(iter(same_row.values()))[0]}; both rows kept, replies to "
                    f"{item.source_id!r} go to the first"
                )
        if copy_of:
            removed.append(item)
            parsed.marks.relabel(item.line_start, item.line_end, f"duplicate of {copy_of}")
            continue
        same_content[content] += 1
        cid = content
        if same_content[content] > 1:
            occurrence = f"id {item.source_id}" if item.source_id else f"row {same_content[cid]}"
            cid = _comment_id(thread_id, item, occurrence)
        same_row[content] = (item.line_start, cid)
        kept[cid] = Comment(
            id=cid,
            position=len(kept) + 1,
            author=item.author,
            role=item.role,
            age=item.age,
            timestamp=item.timestamp,
            reply_to=None,
            title=item.title,
            paragraphs=tuple(item.paragraphs),
            line_start=item.line_start,
            line_end=item.line_end,
            source_id=item.source_id,
            excluded=item.excluded,
            attributes=dict(sorted(item.attributes.items())),
        )
    return list(kept.values()), removed


def _link_replies(
    parsed: ParsedThread, comments: list[Comment], warnings: list[str], source: str
) -> list[Comment]:
    """Resolve reply markers to comment ids (the parsed list still holds duplicates)."""
    by_span = {(c.line_start, c.line_end): c for c in comments}
    by_source_id: dict[str, str] = {}
    for c in comments:
        if c.source_id:
            by_source_id.setdefault(c.source_id, c.id)
    linked: list[Comment] = []
    for item in parsed.comments:
        comment = by_span.get((item.line_start, item.line_end))
        if comment is None:
            continue
        parent: str | None = None
        if item.reply_to_source_id:
            parent = by_source_id.get(item.reply_to_source_id)
            if parent is None:
                warnings.append(
                    f"{source}:{item.line_start}: reply to unknown comment "
                    f"{item.reply_to_source_id!r} kept without a parent"
                )
        elif item.reply_to_author:
            wanted = normalize(item.reply_to_author)
            earlier = [c for c in linked if normalize(c.author or "") == wanted]
            if earlier:
                parent = earlier[-1].id
            else:
                warnings.append(
                    f"{source}:{item.line_start}: reply to {item.reply_to_author!r} "
                    "has no earlier comment by that author"
                )
        linked.append(replace(comment, reply_to=parent) if parent else comment)
    return linked


_EDITORIAL_END = re.compile(r"(\.\.\.|…|\.)$")


def _quote_core(quote: str) -> str:
    """The quote without the quotation marks and the ellipsis or period an editor adds."""
    core = quote.strip().strip("\"“”'").strip()
    return _EDITORIAL_END.sub("", core).strip()


def _link_highlight(
    item: ParsedHighlight, comments: list[Comment], warnings: list[str], source: str
) -> Highlight:
    core = _quote_core(item.quote)
    author = normalize(item.author)
    # The quoted author's own comments first: the same sentence may be quoted back by others.
    ordered = sorted(comments, key=lambda c: normalize(c.author or "") != author)
    comment_id, match = None, "none"
    for comment in ordered:
        if core and core in comment.text:
            comment_id, match = comment.id, "exact"
            break
        if core and normalize(core) in normalize(comment.text):
            comment_id, match = comment.id, "normalized"
            break
    if comment_id is None:
        warnings.append(
            f"{source}:{item.line_start}: highlight by {item.author!r} not found verbatim "
            "in any comment"
        )
    return Highlight(
        quote=item.quote,
        author=item.author,
        affiliation=item.affiliation,
        comment_id=comment_id,
        match=match,
        line_start=item.line_start,
        line_end=item.line_end,
    )


def _ledger(parsed: ParsedThread) -> tuple[tuple[LedgerEntry, ...], tuple[SourceLine, ...]]:
    """Runs of adjacent non-blank lines of one kind; unmarked lines are kept as unrecognised."""
    entries: list[LedgerEntry] = []
    unrecognised: list[SourceLine] = []
    for line in parsed.lines:
        if line.blank:
            continue
        kind, label = parsed.marks.marks.get(line.number, (LineKind.UNRECOGNISED, "unrecognised"))
        if kind is LineKind.UNRECOGNISED:
            unrecognised.append(SourceLine(line.number, line.text))
        last = entries[-1] if entries else None
        if last and last.kind == kind and last.label == label and last.end == line.number - 1:
            entries[-1] = replace(last, end=line.number)
        else:
            entries.append(LedgerEntry(line.number, line.number, kind, label))
    return tuple(entries), tuple(unrecognised)
