"""Bad input through the real command: one line naming the file, exit 1, corpus unchanged."""

from __future__ import annotations

import pytest

from tests.conftest import Cli, snapshot

CASES = {
    "empty.txt": b"",
    "binary.txt": b"GIF89a\x00\x01\x00\x00\xff",
    "damaged.txt": "Title\n\ncafé\n".encode() + b"\xff\xfe broken\n",
    "unknown.txt": b"Just a note.\n\nNo comments, no byline, nothing to parse.\n",
    "no-text-column.csv": b"id,author\n1,Ann\n",
    "ragged.csv": b"id,author,text\n1,Ann,hello\n2,Bob,hi,extra\n",
    "unterminated.csv": b'id,author,text\n1,Ann,"never closed\n2,Bob,hi\n',
    "broken.jsonl": b'{"text": "fine"}\nnot json\n',
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_is_refused_and_corpus_unchanged(seeded_project, tmp_path, name):
    cli = Cli(seeded_project)
    assert cli("ingest").exit_code == 0
    before = snapshot(seeded_project / "corpus")
    bad = tmp_path / "incoming" / name
    bad.parent.mkdir()
    bad.write_bytes(CASES[name])
    result = cli("add", str(bad))
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and name in lines[0]
    assert "Traceback" not in result.output
    assert snapshot(seeded_project / "corpus") == before


def test_errors_name_the_line_where_known(project, tmp_path):
    bad = tmp_path / "ragged.csv"
    bad.write_bytes(CASES["ragged.csv"])
    result = Cli(project)("add", str(bad))
    assert "ragged.csv:3:" in result.stderr


def test_unknown_layout_lists_the_formats_tried(project, tmp_path):
    bad = tmp_path / "unknown.txt"
    bad.write_bytes(CASES["unknown.txt"])
    result = Cli(project)("add", str(bad))
    for name in ("thread-page", "blog-post", "plain-article"):
        assert name in result.stderr


def test_size_limit_refuses_before_reading_and_says_how_to_raise_it(project, tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # 50 MB, sparse: refused by size before any read
        handle.truncate(50 * 1024 * 1024)
    result = Cli(project)("add", str(big))
    assert result.exit_code == 1
    assert "over the 25 MB limit" in result.stderr and "--max-source-mb" in result.stderr
    assert not list((project / "corpus" / "raw").iterdir())


def test_size_limit_is_configurable(seeded_project, tmp_path):
    cli = Cli(seeded_project)
    (seeded_project / "themesite.yml").write_text("ingest:\n  max_source_mb: 0.001\n")
    result = cli("ingest")
    assert result.exit_code == 1 and "0.001 MB limit" in result.stderr
    assert cli("ingest", "--max-source-mb", "5").exit_code == 0


def test_debug_shows_the_traceback(project, tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = Cli(project)("--debug", "add", str(bad))
    assert result.exit_code != 0 and result.exception is not None


def test_unknown_config_key_is_reported(seeded_project):
    (seeded_project / "themesite.yml").write_text("ingest:\n  max_size: 3\n")
    result = Cli(seeded_project)("ingest")
    assert result.exit_code == 1 and "max_size" in result.stderr
