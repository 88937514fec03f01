"""`corpus/labels/reviews.csv`: the reviewer's verdicts, one (comment, theme) per row.

Columns: `comment_id`, `theme_id`, `decision` (`yes` or `no`), `reviewer`, `decided_at`
(ISO 8601, UTC). Rows are sorted by comment and theme, so a file under version control
changes only where a verdict did. The file is written only by `themesite review
--apply`, atomically; a broken row stops every command that reads it, naming its line,
because a verdict silently skipped would be a researcher's decision lost.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from themesite.analyse.shaping import NO, YES, Verdict
from themesite.errors import ThemesiteError

REVIEWS = Path("labels") / "reviews.csv"
COLUMNS = ("comment_id", "theme_id", "decision", "reviewer", "decided_at")
DECISIONS = (YES, NO)
#: Problems listed one by one; a sheet made for another project would list every row.
SHOWN = 10


class ReviewError(ThemesiteError):
    """A reviews file or a review sheet has rows that cannot be applied."""


def decision_word(value: str | None) -> str | None:
    """'yes', 'no', '' (not reviewed) or None for anything else; case and spaces do not count."""
    word = (value or "").strip().lower()
    return word if word in ("", *DECISIONS) else None


def fail(problems: list[str]) -> None:
    """Raise one error listing the problems (one line each), if there are any."""
    if not problems:
        return
    shown = problems[:SHOWN]
    if len(problems) > SHOWN:
        shown.append(f"... and {len(problems) - SHOWN} more")
    raise ReviewError("\n".join(shown))


def csv_rows(path: Path, columns: Sequence[str], how: str) -> Iterator[tuple[str, dict]]:
    """Each row of a CSV file with where it starts ("path:line", the line a text editor
    shows, whatever quoted newlines the rows before hold); a missing column is an error."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise ReviewError(
            f"{path}: cannot read the file: {exc.strerror}", "check the path"
        ) from exc
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            fail(
                [
                    f"{path}:1: the file needs the columns {', '.join(columns)} "
                    f"(missing {', '.join(missing)}; {how})"
                ]
            )
        start = 2
        for row in reader:
            yield f"{path}:{start}", row
            start = reader.line_num + 1


def read_reviews(path: Path) -> tuple[Verdict, ...]:
    """The verdicts in `path` (none without a file); every malformed row is an error."""
    if not path.exists():
        return ()
    problems: list[str] = []
    verdicts: dict[tuple[str, str], Verdict] = {}
    for where, row in csv_rows(path, COLUMNS, "'themesite review --apply' writes it"):
        comment_id, theme_id = row["comment_id"].strip(), row["theme_id"].strip()
        word = decision_word(row["decision"])
        if not comment_id or not theme_id:
            problems.append(f"{where}: the row needs a comment_id and a theme_id")
        elif not word:
            problems.append(
                f"{where}: decision {row['decision']!r} is not yes or no (write yes or no)"
            )
        elif (comment_id, theme_id) in verdicts:
            first = verdicts[(comment_id, theme_id)]
            problems.append(
                f"{where}: comment {comment_id} and theme {theme_id} were already decided "
                f"at {first.where} (keep one row)"
            )
        else:
            verdicts[(comment_id, theme_id)] = Verdict(
                comment_id,
                theme_id,
                word,
                row["reviewer"].strip(),
                row["decided_at"].strip(),
                where,
            )
    fail(problems)
    return tuple(verdicts.values())


def reviews_csv(verdicts: list[Verdict]) -> bytes:
    """The file's bytes: header, then one row per verdict in (comment, theme) order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for v in sorted(verdicts, key=lambda v: (v.comment_id, v.theme_id)):
        writer.writerow([v.comment_id, v.theme_id, v.decision, v.reviewer, v.decided_at])
    return out.getvalue().encode("utf-8")


@dataclass(frozen=True)
class Applied:
    path: Path
    added: int
    changed: int  # earlier verdicts the sheet reversed
    unchanged: int
    skipped: int  # rows of the sheet left without a decision


def merged(old: tuple[Verdict, ...], new: list[Verdict]) -> tuple[list[Verdict], int, int, int]:
    """Earlier verdicts with the new ones laid over them: (all, added, changed, unchanged)."""
    table = {(v.comment_id, v.theme_id): v for v in old}
    added = changed = unchanged = 0
    for verdict in new:
        key = (verdict.comment_id, verdict.theme_id)
        if key not in table:
            added += 1
        elif table[key].decision != verdict.decision:
            changed += 1
        else:
            unchanged += 1
            continue  # who decided first, and when, stays
        table[key] = verdict
    return list(table.values()), added, changed, unchanged
