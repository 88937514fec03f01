"""Ingest generated files with the real `themesite add` and compare with what was generated."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from project import allow_sources, check_json, new_project, themesite

#: Files per `themesite add` call, to stay far below the command-line length limit.
_CHUNK = 1000


def verify_corpus(files: Sequence[Path], expected) -> tuple[list[str], dict]:
    """Problems found (empty when the corpus ingests exactly as generated) and the check."""
    with tempfile.TemporaryDirectory(prefix="themesite-verify-") as tmp:
        root = new_project(Path(tmp) / "project")
        allow_sources(root, files)
        for start in range(0, len(files), _CHUNK):
            themesite(root, "add", *map(str, files[start : start + _CHUNK]))
        check = check_json(root)
    return compare(check, expected), check


def compare(check: dict, expected) -> list[str]:
    problems = []
    wanted = {
        "threads": expected.threads,
        "comments": expected.comments,
        "replies": expected.replies,
        "highlights": expected.highlights,
        "highlights_linked": expected.highlights,
        "duplicates_removed": 0,
        "unaccounted_lines": 0,
        "excluded_comments": 0,
    }
    for key, value in wanted.items():
        if check.get(key) != value:
            problems.append(f"{key}: check reports {check.get(key)}, generated {value}")
    for kind in ("warnings", "errors"):
        for message in check.get(kind, [])[:10]:
            problems.append(f"{kind[:-1]}: {message}")
    return problems
