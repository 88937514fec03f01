"""A content-addressed cache of per-text NLP results, so adding one thread reruns the NLP
for that thread only.

Entries are keyed by the SHA-256 of a text; the whole cache is keyed by everything that
changes what the NLP produces for a text (package version, spaCy version and pipeline,
whose name carries its language, the lookup tables of a blank pipeline, the taxonomy's
patterns, Python's marshal format). When that key changes, the cache
is emptied before use, so a stale result can never be read. The cache lives in
`build/cache/` and may be deleted at any time.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import sqlite3
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from themesite import __version__
from themesite.analyse.nlp import MIN_STATEMENT_WORDS, STANCE_LEMMAS, DocResult
from themesite.analyse.taxonomy import Taxonomy


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_key(pipeline: str, taxonomy: Taxonomy) -> str:
    """What the cached results depend on; any change empties the cache."""
    import spacy
    from spacy.util import get_package_version

    return json.dumps(
        {
            "themesite": __version__,
            "spacy": spacy.__version__,
            "pipeline": pipeline,
            "pipeline_version": get_package_version(pipeline),
            "lookups_version": get_package_version("spacy-lookups-data"),
            "taxonomy_sha256": taxonomy.sha256,
            "min_statement_words": MIN_STATEMENT_WORDS,
            "stance_lemmas": STANCE_LEMMAS,
            "lemma_order": "content, then stance words",
            "python": list(sys.version_info[:2]),
        },
        sort_keys=True,
    )


class NlpCache:
    """SQLite store of `DocResult`s by text digest, valid for one `cache_key`."""

    def __init__(self, path: Path, key: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT NOT NULL)")
        self.db.execute("CREATE TABLE IF NOT EXISTS results (digest TEXT PRIMARY KEY, data BLOB)")
        stored = self.db.execute("SELECT key FROM meta").fetchone()
        if stored is None or stored[0] != key:
            with self.db:
                self.db.execute("DELETE FROM results")
                self.db.execute("DELETE FROM meta")
                self.db.execute("INSERT INTO meta VALUES (?)", (key,))

    def get_many(self, digests: Iterable[str]) -> dict[str, DocResult]:
        wanted = set(digests)
        return {
            digest: marshal.loads(data)
            for digest, data in self.db.execute("SELECT digest, data FROM results")
            if digest in wanted
        }

    def put_many(self, results: Mapping[str, DocResult]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO results VALUES (?, ?)",
                ((digest, marshal.dumps(result)) for digest, result in sorted(results.items())),
            )

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> NlpCache:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
