"""Polis conversation folders as published, and folders holding files no format reads."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, Cli, snapshot

POLIS = FIXTURES / "polis"
FOLDERS = sorted(p.name for p in POLIS.iterdir() if p.is_dir())
VOTES = ("participants-votes.csv", "votes.csv")
#: Written into a copy of each fixture folder: what a published folder or a researcher adds.
EXTRAS = {
    "stats-history.csv": b"n-comments,n-visitors,n-voters,n-commenters\n12,40,31,6\n",
    # It has a `comment` column, so without its name it would read as a second copy.
    "comment-groups.csv": b"comment-id,comment,total-votes,total-agrees\n0,A statement.,9,4\n",
    "notes.txt": b"Ask the organisers about the second round.\n",
    "chart.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
}


def published(tmp_path: Path, name: str) -> Path:
    """A copy of the fixture folder with the extra files beside it."""
    folder = shutil.copytree(POLIS / name, tmp_path / "incoming" / name)
    for extra, data in EXTRAS.items():
        (folder / extra).write_bytes(data)
    return folder


def comment_rows(folder: Path) -> int:
    with (folder / "comments.csv").open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def threads(project: Path) -> dict[str, bytes]:
    return snapshot(project / "corpus" / "threads")


@pytest.mark.parametrize("name", FOLDERS)
def test_published_folder_is_added_with_its_votes(project, tmp_path, name):
    cli = Cli(project)
    folder = published(tmp_path, name)
    result = cli("add", str(folder))
    assert result.exit_code == 0, result.output
    assert result.stdout.count("added ") == 1 and "polis-export" in result.stdout
    (thread,) = [json.loads(data) for data in threads(project).values()]
    assert len(thread["comments"]) == comment_rows(folder)
    assert thread["source"] == f"{name}/comments.csv"

    raw = project / "corpus" / "raw" / name
    votes = [vote for vote in VOTES if (folder / vote).exists()]
    assert votes and "participants-votes.csv" in votes
    assert sorted(p.name for p in raw.iterdir()) == sorted(["comments.csv", "summary.csv", *votes])
    for vote in votes:
        assert (raw / vote).read_bytes() == (POLIS / name / vote).read_bytes()

    stderr = result.stderr.splitlines()
    for extra in ("comment-groups.csv", "stats-history.csv"):
        line = f"ignored: {folder / extra} (a Polis export file themesite does not use)"
        assert line in stderr
    assert f"skipped: {folder / 'notes.txt'}: no input format recognises it (tried " in (
        result.stderr
    )
    assert f"skipped: {folder / 'chart.png'}: no input format recognises it (it looks like" in (
        result.stderr
    )
    assert len(stderr) == 4, result.stderr

    check = cli("check", "--json")
    assert check.exit_code == 0, check.output
    report = json.loads(check.stdout)
    assert report["errors"] == []
    assert not [w for w in report["warnings"] if "votes" in w]
    assert [s["source"] for s in report["sources"]] == [f"{name}/comments.csv"]
    assert report["comments"] == comment_rows(folder)

    before = threads(project)
    rebuilt = cli("ingest")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert threads(project) == before
    assert cli("check").exit_code == 0


def test_adding_the_folder_again_changes_nothing(project, tmp_path):
    cli = Cli(project)
    folder = published(tmp_path, "brexit-consensus")
    assert cli("add", str(folder)).exit_code == 0
    before = snapshot(project / "corpus")
    again = cli("add", str(folder))
    assert again.exit_code == 0, again.output
    assert "added" not in again.stdout
    for kept in ("comments.csv", "summary.csv", *VOTES):
        assert f"unchanged: {folder / kept}: already in the corpus" in again.stderr
    assert snapshot(project / "corpus") == before


def test_votes_added_later_are_kept_beside_the_comments_already_there(project, tmp_path):
    cli = Cli(project)
    folder = shutil.copytree(POLIS / "brexit-consensus", tmp_path / "brexit-consensus")
    (folder / "votes.csv").rename(tmp_path / "votes.csv")
    assert cli("add", str(folder)).exit_code == 0
    shutil.move(tmp_path / "votes.csv", folder / "votes.csv")
    result = cli("add", str(folder))
    assert result.exit_code == 0, result.output
    raw = project / "corpus" / "raw" / "brexit-consensus"
    assert (raw / "votes.csv").read_bytes() == (folder / "votes.csv").read_bytes()
    assert cli("check").exit_code == 0


def test_votes_with_no_comments_beside_them_are_not_copied(project, tmp_path):
    folder = tmp_path / "orphans"
    folder.mkdir()
    for name in ("summary.csv", "votes.csv"):
        shutil.copy(POLIS / "brexit-consensus" / name, folder / name)
    (folder / "notes.txt").write_bytes(EXTRAS["notes.txt"])
    result = Cli(project)("add", str(folder))
    assert result.exit_code == 0, result.output
    for name in ("summary.csv", "votes.csv"):
        assert f"skipped: {folder / name}: no source beside it is added" in result.stderr
    assert not list((project / "corpus" / "raw").iterdir())


def test_a_lone_unknown_file_is_an_error(project, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_bytes(EXTRAS["notes.txt"])
    result = Cli(project)("add", str(notes))
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: notes.txt: no input format")
    assert not list((project / "corpus" / "raw").iterdir())


def test_a_lone_comment_groups_file_is_ignored_not_read_as_comments(project, tmp_path):
    groups = tmp_path / "comment-groups.csv"
    groups.write_bytes(EXTRAS["comment-groups.csv"])
    result = Cli(project)("add", str(groups))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"ignored: {groups} (a Polis export file themesite does not use)"
    ]
    assert not list((project / "corpus" / "raw").iterdir())


def test_ragged_comments_in_a_folder_is_an_error_and_changes_nothing(project, tmp_path):
    cli = Cli(project)
    assert cli("add", str(POLIS / "15-per-hour-seattle")).exit_code == 0
    before = snapshot(project / "corpus")
    folder = published(tmp_path, "brexit-consensus")
    with (folder / "comments.csv").open("a", encoding="utf-8") as handle:
        handle.write("1500000000000,x,99,1,0,0,1,one,field,too many\n")
    rows = (folder / "comments.csv").read_text("utf-8").count("\n")
    result = cli("add", str(folder))
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: brexit-consensus/comments.csv:{rows}: this row has 10")
    assert snapshot(project / "corpus") == before


def test_a_csv_without_authors_ingests_without_warnings(project, tmp_path):
    cli = Cli(project)
    survey = tmp_path / "survey.csv"
    survey.write_text(
        'text,rating\nThe buses are late.\n\n"More trains, please.",4\nLower fares.,5\n',
        encoding="utf-8",
    )
    result = cli("add", str(survey))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "(export-table, 3 comments)" in result.stdout
    check = cli("check", "--json")
    assert check.exit_code == 0
    assert json.loads(check.stdout)["warnings"] == []


def test_a_votes_file_alone_is_read_as_the_export_it_is(project, tmp_path):
    own = tmp_path / "votes.csv"
    own.write_text("text\nRaise the wage.\nKeep it as it is.\n", encoding="utf-8")
    result = Cli(project)("add", str(own))
    assert result.exit_code == 0, result.output
    assert "(export-table, 2 comments)" in result.stdout
    assert (project / "corpus" / "raw" / "votes.csv").read_bytes() == own.read_bytes()
