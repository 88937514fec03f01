"""Tabular exports of the corpus for scripts and spreadsheets.

One row per comment with stable column names (documented in the README); the
text column holds the comment's paragraphs joined by a blank line, verbatim.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from themesite.analyse.records import Evidence, Findings, VoteSummary
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
ASSIGNMENT_COLUMNS = (
    "comment_id",
    "theme_id",
    "theme_label",
    "kind",
    "status",
    "confidence",
    "evidence",
)
SCORE_COLUMNS = (
    "comment_id",
    "theme_id",
    "theme_label",
    "status",
    "confidence",
    "similarity",
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


def assignment_rows(findings: Findings) -> Iterator[dict[str, object]]:
    """Comment-level outcomes; evidence as 'kind: detail (score)' joined by ' | '."""
    themes = {t.theme.id: t.theme for t in findings.themes}
    for item in findings.comment_assignments:
        theme = themes[item.theme_id]
        yield {
            "comment_id": item.unit_id,
            "theme_id": item.theme_id,
            "theme_label": theme.label,
            "kind": theme.kind,
            "status": item.status,
            "confidence": item.confidence,
            "evidence": evidence_text(item.evidence),
        }


def evidence_text(evidence: Iterable[Evidence]) -> str:
    """Evidence as 'kind: detail (score)' items joined by ' | ', as every export writes it."""
    return " | ".join(f"{e.kind}: {e.detail} ({e.score:g})" for e in evidence)


def score_rows(findings: Findings) -> Iterator[dict[str, object]]:
    """Every analysed comment against every taxonomy theme, in comment then theme order:
    its status ("unassigned" where it has none), its confidence (the calibrated
    probability for a theme with patterns, the share of random-word themes beaten for a
    theme in words) and its zero-shot similarity."""
    table = findings.scores
    if table is None:
        raise ThemesiteError(
            "the findings have no scores of taxonomy themes",
            "add themes to the taxonomy, or rebuild with 'themesite build' if it has some",
        )
    labels = {t.theme.id: t.theme.label for t in findings.themes}
    status = {(a.unit_id, a.theme_id): a.status for a in findings.comment_assignments}
    for comment, confidence, similarity in zip(
        table.comments, table.confidence, table.similarity, strict=True
    ):
        for theme_id, value, score in zip(table.themes, confidence, similarity, strict=True):
            yield {
                "comment_id": comment,
                "theme_id": theme_id,
                "theme_label": labels[theme_id],
                "status": status.get((comment, theme_id), "unassigned"),
                "confidence": value,
                "similarity": score,
            }


def themes_document(findings: Findings) -> list[dict[str, object]]:
    """Every theme with its prevalence and quotes, for scripts."""
    return [
        {
            "id": t.theme.id,
            "label": t.theme.label,
            "kind": t.theme.kind,
            "parent": t.theme.parent,
            "description": t.theme.description,
            "key_terms": list(t.theme.key_terms),
            "prevalence": {
                "comments": t.comments,
                "contributors": t.contributors,
                "threads": len(t.threads),
                "statements": t.statements,
            },
            "confidence": t.confidence,
            "quotes": [
                {
                    "text": q.text,
                    "comment_id": q.comment_id,
                    "author": q.author,
                    "thread_id": q.thread_id,
                }
                for q in t.quotes
            ],
        }
        for t in findings.themes
    ]


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


def save_rows(
    rows: Iterable[dict[str, object]], columns: tuple[str, ...], fmt: str, output: Path | None
) -> int:
    """Write the rows to `output` (stdout without one); a file is written only once every
    row is ready, so a failing export leaves no half-written file behind."""
    buffer = io.StringIO()
    written = write_rows(rows, columns, fmt, buffer)
    if output is None:
        sys.stdout.write(buffer.getvalue())
    else:
        output.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return written


#: Vote summaries: one row for everyone (group "all"), then one per opinion group.
VOTE_COLUMNS = (
    "thread_id",
    "unit_id",
    "group_id",
    "agree",
    "disagree",
    "passed",
    "seen",
    "agree_share",
    "agree_low",
    "agree_high",
    "disagree_share",
    "disagree_low",
    "disagree_high",
    "verdict",
)
GROUP_COLUMNS = ("thread_id", "group_id", "label", "participant")


def _vote_rows(thread_id: str, unit_id: str, summary: VoteSummary) -> Iterator[dict[str, object]]:
    for group_id, tally in [("all", summary.overall), *sorted(summary.groups.items())]:
        yield {
            "thread_id": thread_id,
            "unit_id": unit_id,
            "group_id": group_id,
            "agree": tally.agree,
            "disagree": tally.disagree,
            "passed": tally.passed,
            "seen": tally.seen,
            "agree_share": tally.agree_share.value,
            "agree_low": tally.agree_share.low,
            "agree_high": tally.agree_share.high,
            "disagree_share": tally.disagree_share.value,
            "disagree_low": tally.disagree_share.low,
            "disagree_high": tally.disagree_share.high,
            "verdict": summary.verdict if group_id == "all" else "",
        }


def comment_vote_rows(findings: Findings) -> Iterator[dict[str, object]]:
    for item in findings.comment_votes:
        yield from _vote_rows(item.thread_id, item.comment_id, item.votes)


def theme_vote_rows(findings: Findings) -> Iterator[dict[str, object]]:
    """A theme's pooled votes (thread_id empty: a theme may span conversations)."""
    for item in findings.themes:
        if item.votes is not None:
            yield from _vote_rows("", item.theme.id, item.votes)


def group_rows(findings: Findings) -> Iterator[dict[str, object]]:
    for group in findings.opinion_groups:
        for participant in group.participants:
            yield {
                "thread_id": group.thread_id,
                "group_id": group.id,
                "label": group.label,
                "participant": participant,
            }
