"""Golden corpus JSON for each shipped seed.

The goldens were reviewed by hand against the source pages. After a reviewed
parser change, regenerate them with:

    THEMESITE_REGEN_GOLDEN=1 pytest tests/test_golden_seeds.py
"""

from __future__ import annotations

import os

import jsonschema
import pytest

from tests.conftest import REPO, SEEDS, parse
from themesite.ingest.store import thread_to_json

GOLDEN = REPO / "tests" / "golden"
SCHEMA = REPO / "generator" / "themesite" / "ingest" / "thread.schema.json"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_matches_golden(seed):
    [thread] = parse(seed)
    actual = thread_to_json(thread)
    golden = GOLDEN / f"{seed.stem}.json"
    if os.environ.get("THEMESITE_REGEN_GOLDEN"):
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_golden_is_valid_against_the_published_schema(seed):
    import json

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads((GOLDEN / f"{seed.stem}.json").read_text("utf-8")), schema)


def test_shipped_corpus_threads_are_the_goldens():
    """corpus/threads/ is committed; it must be exactly what ingest produces from corpus/raw/."""
    shipped = {p.read_text("utf-8") for p in (REPO / "corpus" / "threads").glob("*.json")}
    assert shipped == {(GOLDEN / f"{seed.stem}.json").read_text("utf-8") for seed in SEEDS}
