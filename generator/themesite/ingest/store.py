"""The corpus on disk: one JSON file per thread, written atomically under a lock.

Thread files are UTF-8 JSON with sorted keys, so the same records always give the
same bytes. Every write goes to a temporary file that is renamed into place, and
`corpus_lock` keeps two `themesite` processes from writing at once; an interrupted
command therefore leaves either the old corpus or the new one, never a mixture.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import orjson

from themesite.errors import CorpusError
from themesite.ingest.records import (
    SCHEMA_VERSION,
    Comment,
    Highlight,
    LedgerEntry,
    LineKind,
    SourceLine,
    Thread,
)

LOCK_NAME = ".lock"


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


@contextlib.contextmanager
def corpus_lock(corpus: Path) -> Iterator[None]:
    """Exclusive lock on the corpus; fails at once if another process holds it.

    An OS-level lock, released by the kernel if the holder dies, so a crash never
    leaves a stale lock behind.
    """
    corpus.mkdir(parents=True, exist_ok=True)
    with open(corpus / LOCK_NAME, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CorpusError(
                f"{corpus} is being changed by another themesite command",
                "wait for it to finish and try again",
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def replace_threads(folder: Path, threads: list[Thread] | tuple[Thread, ...]) -> None:
    """Swap in a complete new threads folder: written aside, then renamed over the old one."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for thread in threads:
            (staging / f"{thread.id}.json").write_text(thread_to_json(thread), encoding="utf-8")
        retired = folder.parent / f".{folder.name}.old"
        shutil.rmtree(retired, ignore_errors=True)
        if folder.exists():
            os.replace(folder, retired)
        os.replace(staging, folder)
        shutil.rmtree(retired, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def recover(corpus_threads: Path) -> None:
    """Finish a swap that was interrupted between its two renames."""
    retired = corpus_threads.parent / f".{corpus_threads.name}.old"
    if not corpus_threads.exists() and retired.exists():
        os.replace(retired, corpus_threads)
