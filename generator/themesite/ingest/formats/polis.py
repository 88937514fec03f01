"""Polis comment exports: a preset of `export_table` for one conversation's comments.csv.

Polis (compdemocracy.org/polis) exports one row per comment with anonymous
numeric authors, vote counts and a moderation flag, and no threads or replies:
one file is one conversation, so one thread. The sibling summary.csv (key,value
lines) gives the conversation's topic, description and comment count (declared,
so a file that lost rows is reported); without it the folder name stands in for
the title. Comments a moderator rejected stay in the corpus and in the counts but
are marked `excluded`, so analysis skips them.

A conversation folder as published holds more than comments. The votes (the
participant-by-comment matrix and the vote log) are kept beside comments.csv for
the analysis of opinion groups to come; the files derived from them by Polis
(group statistics, activity history) are ignored, as themesite computes its own.

The public Polis data sets are CC BY 4.0: every thread carries the attribution
the licence requires, so a site built from them can show it.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

from themesite.errors import InputError
from themesite.ingest.decode import decode_source
from themesite.ingest.formats.export_table import (
    ColumnMapping,
    build_threads,
    paragraphs,
    read_header,
    read_table,
    reserve_header,
)
from themesite.ingest.parsed import ParsedComment, ParsedThread
from themesite.ingest.registry import Siblings, Source, register

COLUMNS = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
#: `datetime`, `agrees`, `disagrees` and `moderated` stay attributes.
MAPPING = ColumnMapping(
    comment_id="comment-id", author="author-id", text="comment-body", timestamp="timestamp"
)
SUMMARY = "summary.csv"
#: The openData repository writes `participants-votes.csv`; a report's export link
#: downloads the same matrix as `participant-votes.csv`.
SIBLINGS = Siblings(
    tool="Polis",
    companions=(SUMMARY,),
    kept=("participants-votes.csv", "participant-votes.csv", "votes.csv"),
    ignored=(
        "stats-history.csv",
        "comment-groups.csv",
        "comment-clusters.csv",
        "participant-importance.csv",
    ),
)
LICENCE = "CC BY 4.0"
ATTRIBUTION = (
    "Data was gathered using the Polis software (compdemocracy.org/polis) and is "
    "sub-licensed under CC BY 4.0 with Attribution to The Computational Democracy Project. "
    "The data and more information about how the data was collected can be found at the "
    "following links: https://compdemocracy.org/case-studies/2018-kentucky "
    "https://compdemocracy.org/case-studies/2016-canadian-electoral-reform "
    "https://compdemocracy.org/case-studies/2014-seattle-15-per-hour "
    "https://compdemocracy.org/case-studies/2017-brexit-consensus"
)
#: The `moderated` value of a comment the moderator rejected (1 accepted, 0 not reviewed).
REJECTED = "-1"

reserve_header("csv", COLUMNS)


def _integer(source: Source, comment: ParsedComment, field: str, value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise InputError(
            source.path,
            f"the {field} {(value or '')!r} is not a whole number",
            line=comment.line_start,
            hint="Polis exports write it as digits; check the file was not edited",
        ) from None


def _iso_time(source: Source, comment: ParsedComment) -> str:
    """Polis writes milliseconds since the epoch; records carry ISO 8601 UTC."""
    millis = _integer(source, comment, "timestamp", comment.timestamp)
    try:
        moment = datetime.fromtimestamp(millis // 1000, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise InputError(
            source.path,
            f"the timestamp {millis} is not a valid time",
            line=comment.line_start,
            hint="Polis timestamps are milliseconds since 1970",
        ) from exc
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _summary(source: Source) -> dict[str, str]:
    """summary.csv as key -> value, in file order; {} when absent or empty."""
    data = source.companions.get(SUMMARY)
    if data is None or not data.strip():
        return {}
    path = Path(source.path).with_name(SUMMARY).as_posix()
    try:
        rows = list(csv.reader(io.StringIO(decode_source(data, path)), strict=True))
    except csv.Error as exc:
        raise InputError(
            path, f"the file is not valid CSV: {exc}", hint="restore it from the export"
        ) from exc
    return {row[0]: ",".join(row[1:]) for row in rows if row and row[0].strip()}


def _describe(source: Source, thread: ParsedThread) -> None:
    summary = _summary(source)
    folder = Path(source.path).parent.name
    thread.title = summary.pop("topic", "") or folder or "Polis conversation"
    thread.article = paragraphs(summary.pop("conversation-description", ""))
    declared = summary.get("comments", "")
    if declared.isdigit():
        thread.declared_comments = int(declared)
    thread.attributes = {**summary, "attribution": ATTRIBUTION, "licence": LICENCE}


@register
class PolisExport:
    name = "polis-export"
    recognises = "a Polis comments.csv export (header " + ",".join(COLUMNS) + ")"
    siblings = SIBLINGS
    text_layout = False

    def detect(self, source: Source) -> bool:
        return source.kind == "csv" and read_header(source) == COLUMNS

    def parse(self, source: Source) -> list[ParsedThread]:
        threads = build_threads(source, read_table(source), MAPPING, self.name)
        for thread in threads:
            thread.comments.sort(key=lambda c: _integer(source, c, "comment-id", c.source_id))
            for comment in thread.comments:
                comment.timestamp = _iso_time(source, comment)
                if comment.attributes.get("moderated") == REJECTED:
                    comment.excluded = "rejected by moderator"
            _describe(source, thread)
        return threads
