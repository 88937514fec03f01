"""The corpus transaction and recovery, failure by failure (kills are in test_crash.py)."""

from __future__ import annotations

import errno
import os

import pytest

from tests.conftest import snapshot
from themesite.config import Project
from themesite.errors import CorpusError
from themesite.ingest import transaction
from themesite.ingest.store import corpus_lock
from themesite.ingest.transaction import COMPLETED, CorpusChange, recover_corpus
from themesite.recovery import recover


def corpus_of(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "raw").mkdir(parents=True)
    (corpus / "raw" / "old.txt").write_bytes(b"old")
    return corpus


def staged_change(corpus) -> CorpusChange:
    change = CorpusChange(corpus, "add")
    change.put("raw/new.txt", b"new")
    change.put("threads/new.json", b"{}")
    return change


def test_a_failed_publish_keeps_the_journal_and_the_next_command_completes_it(
    tmp_path, monkeypatch
):
    corpus = corpus_of(tmp_path)
    real, calls = os.replace, []

    def fail_on_third(source, target):
        calls.append(target)
        if len(calls) == 3:  # the journal, the raw file, then this thread file
            raise OSError(errno.EACCES, "Permission denied")
        real(source, target)

    monkeypatch.setattr(transaction.os, "replace", fail_on_third)
    change = staged_change(corpus)
    with pytest.raises(CorpusError, match="committed but could not be published"), change:
        change.commit()
    monkeypatch.undo()
    assert (corpus / "raw" / "new.txt").exists() and not (corpus / "threads" / "new.json").exists()
    [done] = recover_corpus(corpus)
    assert done.outcome == COMPLETED and done.remaining == 1
    assert snapshot(corpus) == {
        "raw/new.txt": b"new",
        "raw/old.txt": b"old",
        "threads/new.json": b"{}",
    }


def test_a_failed_staging_is_one_error_and_leaves_the_corpus_unchanged(tmp_path, monkeypatch):
    corpus = corpus_of(tmp_path)
    before = sorted(p.name for p in corpus.iterdir())

    def disk_full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(transaction.shutil, "copyfile", disk_full)
    source = tmp_path / "source.txt"
    source.write_bytes(b"text")
    change = CorpusChange(corpus, "add")
    with pytest.raises(CorpusError, match="No space left") as raised, change:
        change.put("raw/source.txt", source)
    assert "free disk space" in str(raised.value)
    assert sorted(p.name for p in corpus.iterdir()) == before


def test_an_unreadable_journal_is_one_error_saying_what_to_do(tmp_path):
    corpus = corpus_of(tmp_path)
    staging = corpus / ".change-add-x"
    staging.mkdir()
    (staging / "journal.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusError, match="journal of an interrupted change is unreadable"):
        recover_corpus(corpus)


def test_recovery_leaves_a_live_commands_staging_alone(tmp_path):
    corpus = corpus_of(tmp_path)
    with corpus_lock(corpus):  # a command that is still running
        live = staged_change(corpus)
        assert recover(Project(tmp_path)) == []
        assert (live.staging / "new" / "raw" / "new.txt").exists()
        live.__exit__(None, None, None)
    assert not live.staging.exists()


def test_a_build_killed_mid_swap_gets_its_site_back_and_loses_its_staging(tmp_path):
    (tmp_path / "corpus").mkdir()
    build, site = tmp_path / "build", tmp_path / ".site.old"
    (build / ".site-abc" / "docs").mkdir(parents=True)
    (build / ".findings.json.x.tmp").write_text("partial", encoding="utf-8")
    (build / "docs").mkdir()
    (build / ".docs.old").mkdir()
    site.mkdir()
    (site / "index.html").write_text("previous", encoding="utf-8")
    assert recover(Project(tmp_path)) == ["removed 4 leftovers of an interrupted build"]
    assert (tmp_path / "site" / "index.html").read_text("utf-8") == "previous"
    assert sorted(p.name for p in build.iterdir()) == [".lock", "docs"]
    assert recover(Project(tmp_path)) == []


def test_temporary_files_of_killed_writes_go_and_a_persons_hidden_files_stay(tmp_path):
    corpus = corpus_of(tmp_path)
    left = [corpus / "raw" / ".big.csv.k2j3.tmp", corpus / "threads" / ".a.json.x1.tmp"]
    (corpus / "threads").mkdir()
    (corpus / "labels").mkdir()
    mine = corpus / "labels" / ".draft.csv.tmp"
    for path in [*left, mine]:
        path.write_bytes(b"partial")
    assert recover_corpus(corpus) == []
    assert [path.exists() for path in [*left, mine]] == [False, False, True]
