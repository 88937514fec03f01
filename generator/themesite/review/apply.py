"""Review sheets in and out of a project, and the researcher's judgement for the analysis.

`write_sheet` and `apply_sheet` are the two halves of `themesite review`; `project_shaping`
is what `themesite analyse` and `build` read, so that every reviewed verdict and every
decision counts in the next analysis.
"""

from __future__ import annotations

import getpass
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from themesite.analyse.shaping import Shaping, Verdict
from themesite.config import Project
from themesite.review.decisions import DECISIONS, load_decisions
from themesite.review.labels import (
    REVIEWS,
    Applied,
    csv_rows,
    decision_word,
    fail,
    merged,
    read_reviews,
    reviews_csv,
)
from themesite.review.sheet import SHEET_COLUMNS, find_theme, review_rows

SHEET_NEEDS = ("comment_id", "theme_id", "decision")


def project_shaping(project: Project) -> Shaping:
    """The project's decisions and reviews (none without the files)."""
    return Shaping(
        decisions=load_decisions(project.corpus / DECISIONS),
        verdicts=read_reviews(project.corpus / REVIEWS),
    )


def comment_texts(project: Project) -> dict[str, str]:
    from themesite.ingest.store import read_threads

    return {c.id: c.text for t in read_threads(project.threads) for c in t.comments}


def write_sheet(project: Project, theme_name: str, output: Path | None) -> int:
    """Write the review sheet of the theme named `theme_name` to `output` (stdout without
    one); returns its row count."""
    from themesite.build import read_findings
    from themesite.export import save_rows

    findings = read_findings(project)
    theme = find_theme(findings, theme_name)
    texts = comment_texts(project)
    return save_rows(review_rows(findings, theme, texts), SHEET_COLUMNS, "csv", output)


def default_reviewer(project: Project) -> str:
    """git's user.name for the project, else the login name."""
    try:
        found = subprocess.run(
            ["git", "config", "user.name"],
            cwd=project.root,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        found = ""
    return found or os.environ.get("USER") or getpass.getuser() or "unknown"


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def apply_sheet(
    project: Project, sheet: Path, reviewer: str | None = None, decided_at: str | None = None
) -> Applied:
    """Record the sheet's `yes`/`no` rows (and `other_theme`, a `yes` for that theme) in
    corpus/labels/reviews.csv. Every row is checked first: an unknown decision, a comment
    or theme that does not exist, or a comment and theme marked both yes and no stops it
    with every such row named, and nothing is written."""
    from themesite.build import read_findings
    from themesite.ingest.store import corpus_lock, write_atomic

    findings = read_findings(project)
    themes = {t.theme.id for t in findings.themes}
    comments = set(comment_texts(project))
    reviewer = reviewer or default_reviewer(project)
    decided_at = decided_at or now()
    path = project.corpus / REVIEWS
    with corpus_lock(project.corpus):
        old = read_reviews(path)
        new, skipped = _sheet_verdicts(sheet, comments, themes, reviewer, decided_at)
        verdicts, added, changed, unchanged = merged(old, new)
        if added or changed:
            write_atomic(path, reviews_csv(verdicts))
    return Applied(path, added, changed, unchanged, skipped)


def _sheet_verdicts(
    sheet: Path, comments: set[str], themes: set[str], reviewer: str, decided_at: str
) -> tuple[list[Verdict], int]:
    problems: list[str] = []
    found: dict[tuple[str, str], Verdict] = {}
    skipped = 0
    for where, row in csv_rows(sheet, SHEET_NEEDS, "write one with 'themesite review THEME'"):
        word = decision_word(row.get("decision"))
        other = (row.get("other_theme") or "").strip()
        if word is None:
            problems.append(
                f"{where}: decision {row['decision']!r} is not yes, no or empty "
                "(write yes or no, or leave it empty)"
            )
            continue
        if not word and not other:
            skipped += 1
            continue
        comment_id = (row.get("comment_id") or "").strip()
        pairs = [(row.get("theme_id") or "").strip(), word] if word else []
        if other:
            pairs += [other, "yes"]
        for theme_id, decision in zip(pairs[::2], pairs[1::2], strict=True):
            problem = _stale(comment_id, theme_id, comments, themes)
            if problem:
                problems.append(f"{where}: {problem}")
                continue
            key = (comment_id, theme_id)
            if key in found and found[key].decision != decision:
                problems.append(
                    f"{where}: comment {comment_id} is marked {decision} for theme "
                    f"{theme_id}, and {found[key].decision} at line "
                    f"{found[key].where.rsplit(':', 1)[1]} (keep one answer)"
                )
                continue
            found[key] = Verdict(comment_id, theme_id, decision, reviewer, decided_at, where)
    fail(problems)
    return list(found.values()), skipped


def _stale(comment_id: str, theme_id: str, comments: set[str], themes: set[str]) -> str:
    if comment_id not in comments:
        return (
            f"comment {comment_id!r} is not in the corpus (the sheet is older than the "
            "corpus: write a new one with 'themesite review THEME')"
        )
    if theme_id not in themes:
        return (
            f"theme {theme_id!r} is not in build/findings.json (use a theme id from "
            "'themesite export themes', or write a new sheet)"
        )
    return ""
