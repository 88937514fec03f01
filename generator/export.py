"""Tabular exports of the corpus for scripts and spreadsheets.

One row per comment with stable column names (documented in the README); the
text column holds the comment's paragraphs joined by a blank line, verbatim.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import TextIO

from themesite.errors import ThemesiteError
from themesite.ingest.records import Thread

COMMENT_COLUMNS = (
    "thread_id",
    "thread_title",
    "comment_id",
    "position",
    "author",
    "role",
    "reply_to",
    "title",
    "text",
    "age",
    "timestamp",
    "excluded",
    "source",
    "line_start",
    "line_end",
)
FORMATS = ("jsonl", "csv")


def comment_rows(threads: Iterable[Thread]) -> Iterator[dict[str, object]]:
    for thread in threads:
        for comment in thread.comments:
            yield {
                "thread_id": thread.id,
                "thread_title": thread.title,
                "comment_id": comment.id,
                "position": comment.position,
                "author": comment.author,
                "role": comment.role,
                "reply_to": comment.reply_to,
                "title": comment.title,
                "text": comment.text,
                "age": comment.age,
                "timestamp": comment.timestamp,
                "excluded": comment.excluded,
                "source": thread.source,
                "line_start": comment.line_start,
                "line_end": comment.line_end,
            }


def write_rows(
    rows: Iterable[dict[str, object]], columns: tuple[str, ...], fmt: str, out: TextIO
) -> int:
    """Write rows as JSON lines or CSV (None becomes an empty cell); returns the row count."""
    if fmt not in FORMATS:
        raise ThemesiteError(f"unknown export format {fmt!r}", f"use one of {', '.join(FORMATS)}")
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
            count += 1
    else:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count
