"""End-to-end runs of the real command on temporary projects."""

from __future__ import annotations

import csv
import io
import json
import shutil

from tests.conftest import SEEDS, Cli

COLUMNS = {
    "thread_id",
    "thread_title",
    "comment_id",
    "position",
    "author",
    "role",
    "reply_to",
    "title",
    "text",
    "source",
    "line_start",
    "line_end",
}


def test_add_then_check_json(project):
    cli = Cli(project)
    result = cli("add", *map(str, SEEDS))
    assert result.exit_code == 0, result.output
    assert result.stdout.count("added ") == 5
    assert sorted(p.name for p in (project / "corpus" / "raw").iterdir()) == [s.name for s in SEEDS]
    for seed in SEEDS:
        assert (project / "corpus" / "raw" / seed.name).read_bytes() == seed.read_bytes()
    report = json.loads(cli("check", "--json").stdout)
    expected = {"threads": 5, "comments": 48, "highlights": 6, "replies": 2}
    assert {k: report[k] for k in expected} == expected
    assert report["duplicates_removed"] == 17 and report["unaccounted_lines"] == 0
    assert isinstance(report["warnings"], list) and report["errors"] == []


def test_adding_known_content_is_a_no_op(seeded_project, tmp_path):
    cli = Cli(seeded_project)
    cli("ingest")
    copy = tmp_path / "renamed-copy.txt"
    shutil.copy(SEEDS[0], copy)
    result = cli("add", str(copy))
    assert result.exit_code == 0 and "already in the corpus" in result.stderr
    assert not (seeded_project / "corpus" / "raw" / "renamed-copy.txt").exists()
    reformatted = tmp_path / "crlf-copy.txt"
    reformatted.write_bytes(SEEDS[0].read_bytes().replace(b"\n", b"\r\n"))
    result = cli("add", str(reformatted))
    assert "content is already in the corpus" in result.stderr
    assert not (seeded_project / "corpus" / "raw" / "crlf-copy.txt").exists()


def test_ingest_is_deterministic(seeded_project):
    cli = Cli(seeded_project)
    cli("ingest")
    first = {p.name: p.read_bytes() for p in (seeded_project / "corpus" / "threads").iterdir()}
    cli("ingest")
    second = {p.name: p.read_bytes() for p in (seeded_project / "corpus" / "threads").iterdir()}
    assert first == second and len(first) == 5


def test_export_comments_jsonl_and_csv(seeded_project, tmp_path):
    cli = Cli(seeded_project)
    cli("ingest")
    rows = [
        json.loads(line)
        for line in cli("export", "comments", "--format", "jsonl").stdout.splitlines()
    ]
    assert len(rows) == 48 and set(rows[0]) >= COLUMNS
    out = tmp_path / "comments.csv"
    assert cli("export", "comments", "--format", "csv", "--output", str(out)).exit_code == 0
    table = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert len(table) == 48
    zel = next(r for r in rows if r["author"] == "Zel Bianco" and r["reply_to"])
    assert zel["text"].startswith("Suresh covered this perfectly.")
    assert {r["text"] for r in table} == {r["text"] for r in rows}


def test_check_fails_when_raw_changed_after_ingest(seeded_project):
    cli = Cli(seeded_project)
    cli("ingest")
    raw = seeded_project / "corpus" / "raw" / SEEDS[0].name
    raw.write_bytes(raw.read_bytes() + b"\nextra\n")
    result = cli("check")
    assert result.exit_code == 1 and "changed since it was ingested" in result.stdout


def test_strict_turns_warnings_into_errors(seeded_project):
    cli = Cli(seeded_project)
    result = cli("ingest", "--strict")
    assert result.exit_code == 1 and "--strict" in result.stderr
    assert not (seeded_project / "corpus" / "threads").exists()
    assert cli("ingest").exit_code == 0
    assert cli("check", "--strict").exit_code == 1


def test_build_ingests_only_when_raw_changed(seeded_project):
    cli = Cli(seeded_project)
    first = cli("build")
    assert first.exit_code == 0 and "re-ingested" in first.stdout
    assert "48 comments" in first.stdout and "0 unaccounted lines" in first.stdout
    assert "corpus up to date" in cli("build", "--force").stdout


def test_python_dash_m_entry_point(seeded_project):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "themesite", "--project", str(seeded_project), "build"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "48 comments" in done.stdout


def test_declared_count_mismatch_is_a_warning_and_strict_error(project, tmp_path):
    page = tmp_path / "miscounted.txt"
    page.write_text(SEEDS[0].read_text("utf-8").replace("16 Comments", "15 Comments"), "utf-8")
    cli = Cli(project)
    strict = cli("add", "--strict", str(page))
    assert strict.exit_code == 1 and "declares 15 comments but 16" in strict.stderr
    assert not list((project / "corpus" / "raw").iterdir())
    relaxed = cli("add", str(page))
    assert relaxed.exit_code == 0 and "declares 15 comments but 16" in relaxed.stderr
    report = json.loads(cli("check", "--json").stdout)
    assert any("declares 15 comments" in w for w in report["warnings"])


def test_shipped_corpus_checks_clean():
    from tests.conftest import REPO

    report = json.loads(Cli(REPO)("check", "--json").stdout)
    expected = {"threads": 5, "comments": 48, "highlights": 6, "unaccounted_lines": 0}
    assert {k: report[k] for k in expected} == expected
    assert report["highlights_linked"] == 6 and report["errors"] == []
