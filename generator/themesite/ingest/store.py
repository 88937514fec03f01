"""The corpus on disk: one JSON file per thread, changed under a lock.

Thread files are UTF-8 JSON with sorted keys, so the same records always give the
same bytes. `corpus_lock` keeps two `themesite` processes from changing the corpus at
once; every change is one transaction (see `themesite.ingest.transaction`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import orjson

from themesite.errors import CorpusError
from themesite.faults import point
from themesite.ingest.records import (
    SCHEMA_VERSION,
    Comment,
    Highlight,
    LedgerEntry,
    LineKind,
    SourceLine,
    Thread,
)
from themesite.locks import exclusive

_JSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS


def thread_to_json(thread: Thread) -> str:
    """The thread as indented JSON with sorted keys (the bytes `json.dumps(asdict(thread),
    ensure_ascii=False, indent=2, sort_keys=True)` gives, at a tenth of the cost)."""
    # orjson writes a dataclass in field order; a round trip through a dict sorts it.
    plain = orjson.loads(orjson.dumps(thread))
    return orjson.dumps(plain, option=_JSON_OPTIONS).decode("utf-8") + "\n"


def thread_from_dict(data: dict) -> Thread:
    """Rebuild a `Thread` from its JSON form; raises CorpusError on a schema mismatch."""
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise CorpusError(
            f"thread {data.get('id')!r} has schema version {version}, expected {SCHEMA_VERSION}",
            "run 'themesite ingest' to rebuild the corpus",
        )
    try:
        return Thread(
            **{
                **data,
                "article": tuple(data["article"]),
                "questions": tuple(data["questions"]),
                "comments": tuple(
                    Comment(**{**c, "paragraphs": tuple(c["paragraphs"])}) for c in data["comments"]
                ),
                "highlights": tuple(Highlight(**h) for h in data["highlights"]),
                "ledger": tuple(
                    LedgerEntry(**{**e, "kind": LineKind(e["kind"])}) for e in data["ledger"]
                ),
                "unrecognised": tuple(SourceLine(**u) for u in data["unrecognised"]),
                "warnings": tuple(data["warnings"]),
            }
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CorpusError(
            f"thread {data.get('id')!r} does not match the corpus schema: {exc}",
            "run 'themesite ingest' to rebuild the corpus",
        ) from exc


def thread_files(folder: Path) -> list[Path]:
    """The thread files of `folder`, sorted by thread id."""
    return sorted(folder.glob("*.json"), key=lambda path: path.stem)


def read_thread(path: Path) -> Thread:
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise CorpusError(
            f"{path}: unreadable thread file: {exc}",
            "run 'themesite ingest' to rebuild it from corpus/raw",
        ) from exc
    return thread_from_dict(data)


def read_threads(folder: Path) -> list[Thread]:
    """All threads in `folder`, sorted by id."""
    return [read_thread(path) for path in thread_files(folder)]


def corpus_lock(corpus: Path) -> contextlib.AbstractContextManager[None]:
    """Exclusive lock on the corpus; fails at once if another process holds it."""
    return exclusive(corpus, f"{corpus} is being changed by another themesite command")


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        point("atomic-write")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
