"""Writing synthetic threads in the two input layouts the ingester reads.

- `pages`: one text file per thread, laid out like the seed thread pages
  (`corpus/raw/000_*.txt`, `004_*.txt`): dateline, title, photo credit, article,
  discussion questions, poll, "N Comments" with the sort controls, comment blocks
  (name, sometimes twice; role; "Reply to  NAME"; "N years ago"; paragraphs),
  BrainTrust quotes and "More Discussions".
- `csv`: one export table with the columns thread, thread_title, comment_id, author,
  role, text, parent_id, timestamp (see `generator/themesite/ingest/formats/export_table.py`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from textgen import Author, Body

#: "N years ago" is written as seen from this year.
AGE_REFERENCE_YEAR = 2025
CSV_COLUMNS = ("thread", "thread_title", "comment_id", "author", "role", "text", "parent_id")
CSV_COLUMNS += ("timestamp",)
_CONTROLS = ("Oldest", "Newest Most Voted", "Inline Feedbacks", "View all comments")
_MONTHS = "January February March April May June July August September October November December"


@dataclass(frozen=True)
class SynthComment:
    key: str  # the export's comment id
    author: Author
    body: Body
    reply_to: int | None  # index of the parent in the thread's comments
    minutes: int  # after the thread's publication


@dataclass(frozen=True)
class SynthThread:
    key: str
    title: str
    published: date
    photo: str | None
    article: tuple[str, ...]
    questions: tuple[str, ...]
    comments: tuple[SynthComment, ...]
    highlights: tuple[tuple[str, Author], ...]  # (quoted sentence, its author)
    related: tuple[str, ...]  # titles under "More Discussions"


def _age(published: date) -> str:
    years = AGE_REFERENCE_YEAR - published.year
    if years <= 0:
        return "11 months ago"
    return f"{years} year{'s' if years > 1 else ''} ago"


def page_text(thread: SynthThread) -> str:
    """The thread as a saved discussion page (LF line endings, UTF-8)."""
    month = _MONTHS.split()[thread.published.month - 1]
    lines = [f"{month} {thread.published.day}, {thread.published.year}", "", thread.title]
    if thread.photo:
        lines += [thread.photo, "", thread.title]
    lines.append("")
    for paragraph in thread.article:
        lines += [paragraph, ""]
    lines += ["Discussion Questions", "", "DISCUSSION QUESTIONS: " + " ".join(thread.questions)]
    lines += ["", "Poll", ""]
    count = len(thread.comments)
    lines += [f"{count} Comment{'s' if count != 1 else ''}", *_CONTROLS]
    age = _age(thread.published)
    for i, comment in enumerate(thread.comments):
        if i:
            lines.append("")
        author = comment.author
        lines += [author.name, author.name] if author.repeats_name else [author.name]
        if author.role:
            lines.append(author.role)
        if comment.reply_to is not None:
            lines.append(f"Reply to  {thread.comments[comment.reply_to].author.name}")
        lines += [age, ""]
        for j, paragraph in enumerate(comment.body.paragraphs):
            lines += [paragraph, ""] if j + 1 < len(comment.body.paragraphs) else [paragraph]
    if thread.highlights:
        lines += ["", "BrainTrust"]
        for quote, author in thread.highlights:
            lines += ["", f'"{quote}"', "", author.name, "", author.affiliation, ""]
    if thread.related:
        lines += ["", "More Discussions", ""]
        for title in thread.related:
            lines += [title, ""]
    return "\n".join(lines) + "\n"


def write_page(thread: SynthThread, path: Path) -> None:
    path.write_text(page_text(thread), encoding="utf-8", newline="\n")


class CsvExport:
    """One export table, written a thread at a time."""

    def __init__(self, path: Path) -> None:
        self.handle = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle, lineterminator="\n")
        self.writer.writerow(CSV_COLUMNS)

    def write(self, thread: SynthThread) -> None:
        start = datetime(thread.published.year, thread.published.month, thread.published.day, 8)
        for comment in thread.comments:
            parent = None if comment.reply_to is None else thread.comments[comment.reply_to].key
            stamp = start + timedelta(minutes=comment.minutes)
            self.writer.writerow(
                (
                    thread.key,
                    thread.title,
                    comment.key,
                    comment.author.name,
                    comment.author.role or "",
                    "\n\n".join(comment.body.paragraphs),
                    parent or "",
                    stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
                )
            )

    def close(self) -> None:
        self.handle.close()
