"""Work spread over worker processes gives exactly what one process gives."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import REPO, Cli
from themesite.config import IngestConfig
from themesite.errors import InputError
from themesite.ingest import pipeline


def _tree(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _project(root):
    shutil.copytree(REPO / "corpus" / "raw", root / "corpus" / "raw")
    shutil.copy(REPO / "corpus" / "taxonomy.yml", root / "corpus" / "taxonomy.yml")
    return root


def test_parsing_in_workers_gives_the_same_corpus_and_site(tmp_path, monkeypatch):
    serial = _project(tmp_path / "serial")
    assert Cli(serial)("build").exit_code == 0
    monkeypatch.setattr(pipeline, "MIN_PARALLEL", 0)
    parallel = _project(tmp_path / "parallel")
    result = Cli(parallel)("build")
    assert result.exit_code == 0, result.output
    for folder in ("corpus/threads", "site"):
        assert _tree(parallel / folder) == _tree(serial / folder), folder


def test_an_error_in_a_worker_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "MIN_PARALLEL", 0)
    folder = tmp_path / "sources"
    folder.mkdir()
    for seed in sorted((REPO / "corpus" / "raw").iterdir()):
        shutil.copy(seed, folder / seed.name)
    # A file a format reads but cannot parse: an error even inside a folder, where a
    # file no format recognises would only be skipped.
    (folder / "zz-ragged.csv").write_text("thread,text\nt,a\nt,b,c\n", encoding="utf-8")
    paths = [(p, p.name) for p in sorted(folder.iterdir())]
    with pytest.raises(InputError) as caught:
        pipeline.ingest_files(paths, IngestConfig())
    assert str(caught.value).startswith("zz-ragged.csv:3")
    project = tmp_path / "project"
    (project / "corpus" / "raw").mkdir(parents=True)
    result = Cli(project)("add", str(folder))
    assert result.exit_code == 1
    assert "zz-ragged.csv:3" in result.stderr and "Traceback" not in result.stderr
    assert not (project / "corpus" / "threads").exists() or not list(
        (project / "corpus" / "threads").iterdir()
    )
