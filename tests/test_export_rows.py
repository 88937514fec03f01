"""Rows of an export are responses: equal answers are kept apart, only a repeated row is one.

Through the real CLI: `themesite add` then `themesite check --json`, reading the
thread files `add` wrote.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli, snapshot


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def comments(project: Path) -> list[dict]:
    files = sorted((project / "corpus" / "threads").glob("*.json"))
    return [c for f in files for c in json.loads(f.read_text("utf-8"))["comments"]]


def added(cli: Cli, path: Path) -> dict:
    """Add one file, then return `check --json`, asserting both succeed."""
    result = cli("add", str(path))
    assert result.exit_code == 0, result.output
    check = cli("check", "--json")
    assert check.exit_code == 0, check.output
    return json.loads(check.stdout)


SURVEY = "text,rating\nNo.\nAgree\nNo.\nAgree,5\nAgree\n"


def test_equal_answers_without_authors_are_all_kept_with_distinct_ids(cli, project, tmp_path):
    report = added(cli, write(tmp_path, "survey.csv", SURVEY))
    assert report["comments"] == 5
    assert report["duplicates_removed"] == 0
    assert report["warnings"] == [] and report["errors"] == []
    found = comments(project)
    assert [c["paragraphs"] for c in found] == [["No."], ["Agree"], ["No."], ["Agree"], ["Agree"]]
    assert [c["line_start"] for c in found] == [2, 3, 4, 5, 6]
    assert len({c["id"] for c in found}) == 5
    rebuilt = cli("ingest")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert comments(project) == found, "ids must not change when ingested again"


def test_a_row_repeated_with_its_comment_id_is_one_comment_and_reported(cli, project, tmp_path):
    export = write(
        tmp_path,
        "forum.csv",
        "id,author,text\n1,ann,Agree\n2,bob,Agree\n3,,Agree\n4,,Agree\n2,bob,Agree\n",
    )
    report = added(cli, export)
    assert report["comments"] == 4
    assert report["duplicates_removed"] == 1
    assert report["warnings"] == [
        "forum.csv: 1 repeated row(s) removed (same comment id, author and text)"
    ]
    found = comments(project)
    assert [c["source_id"] for c in found] == ["1", "2", "3", "4"]
    assert len({c["id"] for c in found}) == 4


def test_a_comment_id_used_for_two_different_rows_keeps_both(cli, project, tmp_path):
    export = write(tmp_path, "clash.csv", "id,text,parent\n7,Yes.,\n7,No.,\n8,Why?,7\n")
    report = added(cli, export)
    assert report["comments"] == 3
    assert report["warnings"] == [
        "clash.csv:3: comment id '7' is also used on line 2; "
        "both rows kept, replies to '7' go to the first"
    ]
    first, _, reply = comments(project)
    assert reply["reply_to"] == first["id"]


def test_the_same_export_added_twice_is_unchanged(cli, project, tmp_path):
    export = write(tmp_path, "survey.csv", SURVEY)
    added(cli, export)
    before = snapshot(project / "corpus")
    again = cli("add", str(export))
    assert again.exit_code == 0, again.output
    assert "unchanged:" in again.stderr and "added" not in again.stdout
    copy = write(tmp_path, "survey-copy.csv", SURVEY)
    renamed = cli("add", str(copy))
    assert renamed.exit_code == 0, renamed.output
    assert "already in the corpus" in renamed.stderr
    assert snapshot(project / "corpus") == before
    assert len(comments(project)) == 5
