"""The corpus store: byte-stable JSON, atomic writes, the lock, and interrupted changes."""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import SEEDS, Cli, parse, snapshot
from themesite.errors import CorpusError
from themesite.ingest.store import (
    corpus_lock,
    read_threads,
    thread_from_dict,
    thread_to_json,
    write_atomic,
)
from themesite.ingest.transaction import CorpusChange, recover_corpus


def test_round_trip_is_lossless_and_byte_stable(tmp_path):
    threads = [parse(seed)[0] for seed in SEEDS]
    _replace_threads(tmp_path, threads)
    again = read_threads(tmp_path / "threads")
    assert sorted(threads, key=lambda t: t.id) == again
    for thread in again:
        text = (tmp_path / "threads" / f"{thread.id}.json").read_text("utf-8")
        assert text == thread_to_json(thread)
        assert list(json.loads(text)) == sorted(json.loads(text))


def _replace_threads(corpus, threads):
    with CorpusChange(corpus, "ingest") as change:
        change.replace_folder(
            "threads", [(f"{t.id}.json", thread_to_json(t).encode()) for t in threads]
        )
        change.commit()


def test_old_schema_version_asks_for_reingest():
    data = json.loads(thread_to_json(parse(SEEDS[0])[0]))
    data["schema_version"] = 0
    with pytest.raises(CorpusError, match="themesite ingest"):
        thread_from_dict(data)


def test_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "a.json"
    target.write_text("old")

    def boom(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, b"new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_lock_refuses_a_second_writer(tmp_path):
    with (
        corpus_lock(tmp_path),
        pytest.raises(CorpusError, match="another themesite"),
        corpus_lock(tmp_path),
    ):
        pass
    with corpus_lock(tmp_path):
        pass  # released after use


def test_concurrent_add_is_refused_with_corpus_unchanged(seeded_project, tmp_path):
    cli = Cli(seeded_project)
    cli("ingest")
    before = snapshot(seeded_project / "corpus")
    extra = tmp_path / "new.txt"
    extra.write_text(SEEDS[0].read_text("utf-8").replace("roadkill", "road kill"), "utf-8")
    with corpus_lock(seeded_project / "corpus"):
        result = cli("add", str(extra))
    assert result.exit_code == 1 and "another themesite command" in result.stderr
    assert snapshot(seeded_project / "corpus") == before


def test_interrupted_add_rolls_back(seeded_project, tmp_path, monkeypatch):
    import themesite.ingest.corpus as corpus_module

    cli = Cli(seeded_project)
    cli("ingest")
    before = snapshot(seeded_project / "corpus")
    extra = tmp_path / "new.txt"
    extra.write_text(SEEDS[0].read_text("utf-8").replace("roadkill", "road kill"), "utf-8")
    real = corpus_module.CorpusChange.put
    calls = []

    def fail_on_second(self, relative, data):
        calls.append(relative)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(self, relative, data)

    monkeypatch.setattr(corpus_module.CorpusChange, "put", fail_on_second)
    result = cli("add", str(extra))  # click turns the interrupt into "Aborted!" and exit 1
    assert result.exit_code != 0 and len(calls) == 2
    assert snapshot(seeded_project / "corpus") == before


def test_swap_left_by_an_older_themesite_is_recovered(tmp_path):
    threads = [parse(SEEDS[0])[0]]
    _replace_threads(tmp_path, threads)
    os.replace(tmp_path / "threads", tmp_path / ".threads.old")  # killed between two renames
    (tmp_path / ".threads.abc123").mkdir()  # and its staging folder
    assert recover_corpus(tmp_path) == []
    assert read_threads(tmp_path / "threads") == threads
    assert sorted(p.name for p in tmp_path.iterdir()) == ["threads"]
