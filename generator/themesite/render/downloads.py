"""The Data page's downloads, generated from the same corpus and findings as the pages."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from themesite.analyse.records import Findings
from themesite.export import (
    ASSIGNMENT_COLUMNS,
    COMMENT_COLUMNS,
    GROUP_COLUMNS,
    VOTE_COLUMNS,
    assignment_rows,
    comment_rows,
    comment_vote_rows,
    group_rows,
    theme_vote_rows,
    write_rows,
)
from themesite.ingest.records import Thread

FOLDER = "downloads"

DICTIONARY = (
    ("thread_id", "Stable id of the thread: a slug of its title and a hash of its content."),
    ("comment_id", "Stable id of the comment: a hash of thread, author and text."),
    ("text", "The comment's paragraphs joined by a blank line, exactly as written."),
    ("reply_to", "The comment_id of the comment this one replies to."),
    ("line_start, line_end", "The lines of the source file in corpus/raw/ the comment came from."),
    ("theme_id, kind", "A theme from the taxonomy (seeded) or found by clustering (discovered)."),
    ("status", "assigned, or ambiguous (some evidence, below the assignment threshold)."),
    ("confidence", "Calibrated probability (seeded) or typicality (discovered), 0 to 1."),
    ("evidence", "Why: matched patterns, the most similar example, the model's score."),
    ("themes (labels.csv)", "Theme ids a human coder assigned, separated by ';'."),
    ("unit_id, group_id (votes)", "A comment or theme id; 'all' or an opinion group's id."),
    ("agree, disagree, passed, seen", "Votes cast; seen = agree + disagree + passed."),
    ("agree_share, _low, _high", "agree / seen and its 95% interval (disagree_ likewise)."),
    ("verdict", "consensus, rejected or divisive across the opinion groups (see Method)."),
)


def _table(rows, columns, fmt: str) -> bytes:
    buffer = io.StringIO()
    write_rows(rows, columns, fmt, buffer)
    return buffer.getvalue().encode("utf-8")


def downloads(
    threads: Sequence[Thread],
    findings: Findings,
    taxonomy: Path,
    labels: Path | None,
    findings_file: Path,
) -> tuple[dict[str, bytes | Path], list[dict[str, str]]]:
    """(files for the docs folder, their descriptions for the Data page). The findings
    are the file the analyse stage wrote (`findings_file`, copied when the site is
    staged), and so are the taxonomy and labels: their bytes need not sit in memory
    beside the pages (at 100k comments the findings are 230 MB)."""
    files = {
        "corpus.jsonl": (
            _table(comment_rows(threads), COMMENT_COLUMNS, "jsonl"),
            "Every comment, one JSON object per line.",
        ),
        "assignments.csv": (
            _table(assignment_rows(findings), ASSIGNMENT_COLUMNS, "csv"),
            "Comment × theme outcomes with status, confidence and evidence.",
        ),
        "findings.json": (
            findings_file,
            "Everything this site reports, as one JSON document.",
        ),
    }
    if findings.comment_votes:
        files["votes-comments.csv"] = (
            _table(comment_vote_rows(findings), VOTE_COLUMNS, "csv"),
            "Votes on each comment (unit_id): everyone, then each opinion group, with 95% "
            "intervals and the verdict across groups.",
        )
        files["votes-themes.csv"] = (
            _table(theme_vote_rows(findings), VOTE_COLUMNS, "csv"),
            "Votes pooled over each theme's comments (unit_id), in the same columns.",
        )
    if findings.opinion_groups:
        files["opinion-groups.csv"] = (
            _table(group_rows(findings), GROUP_COLUMNS, "csv"),
            "The opinion group of every placed participant, by the vote export's ids.",
        )
    if taxonomy.is_file():
        files["taxonomy.yml"] = (taxonomy, "The taxonomy the themes were defined by.")
    if labels is not None and labels.exists():
        files["labels.csv"] = (labels, "The human coding used for agreement.")
    contents = {f"{FOLDER}/{name}": data for name, (data, _) in files.items()}
    listing = [
        {"name": f"{FOLDER}/{name}", "description": description}
        for name, (_, description) in files.items()
    ]
    return contents, listing
