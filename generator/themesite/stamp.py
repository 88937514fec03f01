"""`build/stamp.json`: what the last build was made from, so an unchanged build can stop early.

A build is a pure function of its inputs: the corpus folder, the project's settings
files, the taxonomy and coding files they name, the command's settings, and themesite
itself (its code and templates). The stamp keeps a digest of all of them, taken when the
build has finished, and the state of what it wrote (site/, the findings and the build's
record). The next build whose inputs give the same digest, with its outputs untouched,
would write the same bytes again: it says so instead (`themesite build --force` rebuilds
anyway). Anything else (an edited file, a deleted page, another flag, another version
of themesite) means a full build; a stamp that cannot be read is no stamp.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import themesite
from themesite.config import Project

STAMP = "stamp.json"
#: Files of the build folder that the site was made with, checked as outputs.
RECORDS = ("findings.json", "snapshot.json")


@dataclass(frozen=True)
class Summary:
    """What `themesite build` reports, kept so that an unchanged build reports it again."""

    threads: int
    comments: int
    highlights: int
    unaccounted_lines: int
    themes: int
    pages: int
    warnings: tuple[str, ...]


def inputs_digest(project: Project, settings: Iterable[object], files: Iterable[Path]) -> str:
    """One digest of everything a build reads: the corpus folder, the project's settings
    files, the other `files` the settings name, the `settings` themselves (their reprs),
    SOURCE_DATE_EPOCH, and themesite's own files."""
    digest = hashlib.sha256()
    digest.update(themesite.__version__.encode())
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    for item in settings:
        digest.update(repr(item).encode())
    package = Path(themesite.__file__).parent
    _files(digest, package, sorted(p for p in package.rglob("*") if _source(p)))
    tree = sorted(p for p in project.corpus.rglob("*") if p.is_file() and not _transient(p))
    _files(digest, project.root, tree)
    named = {project.root / "themesite.yml", project.root / "mkdocs.yml", *files}
    _files(digest, project.root, sorted(p for p in named if p.is_file()))
    return digest.hexdigest()


def outputs_digest(project: Project) -> str:
    """The state of what a build writes: every file of site/ (path, size, modification
    time) and the build's records (their bytes). A page deleted or edited by hand, or a
    record gone, changes it."""
    digest = hashlib.sha256()
    site = project.root / "site"
    for path in sorted(site.rglob("*")) if site.is_dir() else ():
        if path.is_file():
            info = path.stat()
            digest.update(f"{path.relative_to(site).as_posix()}\0{info.st_size}\0".encode())
            digest.update(f"{info.st_mtime_ns}\n".encode())
    for name in RECORDS:
        record = project.build / name
        digest.update(f"{name}\0".encode())
        digest.update(hashlib.sha256(record.read_bytes()).digest() if record.is_file() else b"-")
    return digest.hexdigest()


def unchanged(project: Project, inputs: str) -> Summary | None:
    """The last build's summary when it was made from `inputs` and its outputs are as it
    left them; else None."""
    path = project.build / STAMP
    try:
        stamp = json.loads(path.read_text("utf-8"))
        if stamp["inputs"] != inputs or stamp["outputs"] != outputs_digest(project):
            return None
        fields = stamp["summary"]
        return Summary(**{**fields, "warnings": tuple(fields["warnings"])})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_stamp(project: Project, inputs: str, summary: Summary) -> None:
    """Record the finished build (after its site and records are in place)."""
    from dataclasses import asdict

    from themesite.ingest.store import write_atomic

    body = {"inputs": inputs, "outputs": outputs_digest(project), "summary": asdict(summary)}
    write_atomic(project.build / STAMP, (json.dumps(body, indent=2) + "\n").encode("utf-8"))


def forget(project: Project) -> None:
    """Drop the stamp before a build writes anything, so a build that stops half way is
    never taken for a finished one."""
    (project.build / STAMP).unlink(missing_ok=True)


def _files(digest, root: Path, paths: Iterable[Path]) -> None:
    for path in paths:
        try:
            name = path.relative_to(root).as_posix()
        except ValueError:
            name = str(path)
        digest.update(f"{name}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def _source(path: Path) -> bool:
    return path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"


def _transient(path: Path) -> bool:
    """Lock files and the temporary files of atomic writes, which come and go."""
    return path.name == ".lock" or (path.name.startswith(".") and path.name.endswith(".tmp"))
