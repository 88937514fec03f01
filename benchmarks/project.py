"""Fresh themesite project folders for benchmark runs, and the `themesite` command in them."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: The ingester refuses larger sources unless the project raises `ingest: max_source_mb`.
DEFAULT_MAX_SOURCE_MB = 25.0


def new_project(root: Path, sources: Sequence[Path] = (), tree: Path = REPO) -> Path:
    """A project with the taxonomy of the checkout `tree`, and `sources` in corpus/raw/.

    The seeds' human coding (corpus/labels) is not copied: it codes seed comments only.
    Templates and the MkDocs configuration come from the package; revisions from before
    they shipped in it need the project to hold copies.
    """
    raw = root / "corpus" / "raw"
    raw.mkdir(parents=True)
    shutil.copy(tree / "corpus" / "taxonomy.yml", root / "corpus" / "taxonomy.yml")
    if not (tree / "site_templates" / "__init__.py").exists():
        shutil.copytree(tree / "site_templates", root / "site_templates")
        shutil.copy(tree / "mkdocs.yml", root / "mkdocs.yml")
    for source in sources:
        shutil.copy(source, raw / source.name)
    allow_sources(root, sources)
    return root


def allow_sources(root: Path, sources: Sequence[Path]) -> None:
    """Raise the project's source size limit when a source (a big CSV export) exceeds it."""
    largest = max((p.stat().st_size for p in sources), default=0) / 1e6
    if largest > DEFAULT_MAX_SOURCE_MB:
        limit = int(largest * 1.5) + 1
        (root / "themesite.yml").write_text(f"ingest:\n  max_source_mb: {limit}\n")


def themesite(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run `python -m themesite --project ROOT ARGS` with this interpreter."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    result = subprocess.run(
        [sys.executable, "-m", "themesite", "--project", str(root), *args],
        capture_output=True,
        text=True,
        env=env,
    )
    if check and result.returncode != 0:
        raise RuntimeError(
            f"themesite {' '.join(args[:2])} failed ({result.returncode}): {result.stderr[-2000:]}"
        )
    return result


def check_json(root: Path) -> dict:
    return json.loads(themesite(root, "check", "--json", check=False).stdout)


def commit_of(revision: str = "HEAD") -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", revision], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()


def snapshot(revision: str, dest: Path) -> Path:
    """Check out `revision` of this repository into `dest` and make it the imported themesite.

    Children started afterwards import `themesite` from the snapshot (PYTHONPATH comes
    before the editable install), so a benchmark measures one fixed revision even while
    the working tree is being edited.
    """
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit_of(revision)],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    source_root = dest / "generator"
    if not (source_root / "themesite").is_dir():
        # Revisions before the src layout kept the package itself in generator/.
        source_root = dest / ".python"
        source_root.mkdir()
        (source_root / "themesite").symlink_to(dest / "generator", target_is_directory=True)
    templates = source_root / "themesite" / "site_templates"
    if (dest / "site_templates").is_dir() and not templates.exists():
        # The package's templates live at the top of the repository; without this link
        # the editable install would import the working tree's.
        templates.symlink_to(dest / "site_templates", target_is_directory=True)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(source_root), os.environ.get("PYTHONPATH")])
    )
    return dest
