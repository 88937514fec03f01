"""Exclusive locks on project folders, held by the kernel for the life of the process.

An OS-level lock (`flock`) is released by the kernel when its holder dies, so a crash
never leaves a stale lock behind, and a lock that can be taken proves that no live
command is writing there: what such a folder holds in staging is a leftover.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from themesite.errors import CorpusError

LOCK_NAME = ".lock"
#: Folders whose lock this process holds, with its pid. A forked child (`isolated`)
#: inherits both the open lock and this map, so `exclusive` there finds the lock its
#: parent holds for it (not a conflict); in the holder itself a second `exclusive` is a
#: second writer, refused. To `try_lock` a held folder is never free.
_held: dict[Path, int] = {}


@contextlib.contextmanager
def try_lock(folder: Path) -> Iterator[bool]:
    """Take the folder's lock if nothing holds it; yields whether it did."""
    folder.mkdir(parents=True, exist_ok=True)
    key = folder.resolve()
    if key in _held:
        yield False
        return
    with open(folder / LOCK_NAME, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        _held[key] = os.getpid()
        try:
            yield True
        finally:
            _held.pop(key, None)
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def exclusive(folder: Path, busy: str) -> Iterator[None]:
    """The folder's lock, or a CorpusError saying `busy` at once if another process has it."""
    holder = _held.get(folder.resolve())
    if holder is not None and holder != os.getpid():
        yield  # held by the parent this process was forked from, for it
        return
    with try_lock(folder) as taken:
        if not taken:
            raise CorpusError(busy, "wait for it to finish and try again")
        yield
