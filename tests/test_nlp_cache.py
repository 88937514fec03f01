"""The NLP cache and the worker processes save work without changing a single result."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import REPO, Cli
from themesite.analyse import cache as cache_module
from themesite.analyse import parallel
from themesite.analyse.cache import NlpCache, cache_key
from themesite.analyse.statements import NlpSettings, Unit, extract_statements
from themesite.analyse.taxonomy import load_taxonomy
from themesite.ingest.store import read_threads

SETTINGS = NlpSettings(pipeline="blank:en", batch_size=16, processes=1)


@pytest.fixture(scope="module")
def units():
    threads = read_threads(REPO / "corpus" / "threads")
    return [Unit(c.id, t.id, c.author, c.text) for t in threads for c in t.comments]


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(REPO / "corpus" / "taxonomy.yml")


@pytest.fixture(scope="module")
def fresh(units, taxonomy):
    return extract_statements(units, taxonomy, SETTINGS)


def _open(tmp_path, taxonomy, pipeline="blank:en"):
    return NlpCache(tmp_path / "cache" / "nlp.sqlite", cache_key(pipeline, taxonomy))


def test_cached_results_are_the_fresh_results(tmp_path, units, taxonomy, fresh):
    with _open(tmp_path, taxonomy) as cache:
        first = extract_statements(units, taxonomy, SETTINGS, cache)
    added = Unit("new", "t-new", "Someone", "Our legacy systems cannot keep up. IT is slow.")
    with _open(tmp_path, taxonomy) as cache:
        again = extract_statements([*units, added], taxonomy, SETTINGS, cache)
    assert first.processed == len(units)
    assert again.processed == 1
    assert first.statements == fresh.statements and first.hits == fresh.hits
    assert again.statements[: len(fresh.statements)] == fresh.statements
    assert again.statements[-1].comment_id == "new"
    assert {k: v for k, v in again.hits.items() if not k.startswith("new:")} == fresh.hits


def test_a_changed_taxonomy_pipeline_or_version_empties_the_cache(
    tmp_path, units, taxonomy, monkeypatch
):
    with _open(tmp_path, taxonomy) as cache:
        extract_statements(units, taxonomy, SETTINGS, cache)
    edited = tmp_path / "taxonomy.yml"
    text = (REPO / "corpus" / "taxonomy.yml").read_text(encoding="utf-8")
    edited.write_text(text.replace("label:", "label: New", 1), encoding="utf-8")
    with _open(tmp_path, load_taxonomy(edited)) as cache:
        assert extract_statements(units, load_taxonomy(edited), SETTINGS, cache).processed == len(
            units
        )
    with _open(tmp_path, taxonomy) as cache:  # back to the first key: emptied again
        assert extract_statements(units, taxonomy, SETTINGS, cache).processed == len(units)
    with _open(tmp_path, taxonomy, pipeline="en_core_web_sm") as cache:
        assert cache.get_many(["anything"]) == {}
        assert cache.db.execute("SELECT COUNT(*) FROM results").fetchone() == (0,)
    with _open(tmp_path, taxonomy) as cache:
        extract_statements(units, taxonomy, SETTINGS, cache)
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    with _open(tmp_path, taxonomy) as cache:
        assert cache.db.execute("SELECT COUNT(*) FROM results").fetchone() == (0,)


def test_worker_processes_give_the_same_statements_in_the_same_order(
    units, taxonomy, fresh, monkeypatch
):
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 0)
    monkeypatch.setattr(parallel, "CHUNK", 7)
    two = extract_statements(units, taxonomy, NlpSettings("blank:en", 4, processes=2))
    assert two.statements == fresh.statements
    assert two.hits == fresh.hits


def test_a_rebuild_after_adding_a_thread_processes_only_its_comments(seeded_project, tmp_path):
    cli = Cli(seeded_project)
    first = cli("build")
    assert first.exit_code == 0, first.stderr
    assert "NLP: 48 texts processed, 0 from the cache" in first.stdout
    site = (seeded_project / "site" / "index.html").read_bytes()
    again = cli("build", "--force")
    assert "NLP: 0 texts processed, 48 from the cache" in again.stdout
    assert (seeded_project / "site" / "index.html").read_bytes() == site
    new = tmp_path / "new.csv"
    new.write_text(
        "thread,author,text\nfresh,Ann Lee,Our legacy systems cannot keep up with marketing.\n",
        encoding="utf-8",
    )
    assert cli("add", str(new)).exit_code == 0
    third = cli("build")
    assert third.exit_code == 0, third.stderr
    assert "NLP: 1 text processed, 48 from the cache" in third.stdout
    findings = (seeded_project / "build" / "findings.json").read_bytes()
    shutil.rmtree(seeded_project / "build" / "cache")
    cold = cli("build", "--force")
    assert "NLP: 49 texts processed, 0 from the cache" in cold.stdout
    assert (seeded_project / "build" / "findings.json").read_bytes() == findings
