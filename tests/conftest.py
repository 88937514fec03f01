"""Shared fixtures: the shipped seeds, temporary projects and a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from themesite.cli import app
from themesite.config import IngestConfig
from themesite.ingest.pipeline import parse_file

REPO = Path(__file__).resolve().parent.parent
SEEDS = sorted((REPO / "corpus" / "raw").glob("*.txt"))
FIXTURES = REPO / "tests" / "fixtures"


def parse(path: Path, config: IngestConfig | None = None):
    """Parse one file the way ingest does; returns its threads."""
    return parse_file(path, path.name, config or IngestConfig())


@pytest.fixture
def seed_threads() -> dict[str, object]:
    return {path.name[:3]: parse(path)[0] for path in SEEDS}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project folder (corpus/raw exists, no threads yet)."""
    (tmp_path / "corpus" / "raw").mkdir(parents=True)
    return tmp_path


@pytest.fixture
def seeded_project(project: Path) -> Path:
    """The shipped seeds and taxonomy, not yet ingested."""
    for seed in SEEDS:
        shutil.copy(seed, project / "corpus" / "raw" / seed.name)
    shutil.copy(REPO / "corpus" / "taxonomy.yml", project / "corpus" / "taxonomy.yml")
    add_site_files(project)
    return project


def add_site_files(project: Path) -> None:
    """The templates and MkDocs config a project needs to build its site."""
    shutil.copytree(REPO / "site_templates", project / "site_templates")
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")


class Cli:
    """Runs `themesite --project DIR ...` in-process and keeps stdout and stderr apart."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runner = CliRunner()

    def __call__(self, *args: str):
        return self.runner.invoke(app, ["--project", str(self.root), *args])


@pytest.fixture
def cli(project: Path) -> Cli:
    return Cli(project)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to prove a failed command changed nothing."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def hostile_project(root: Path) -> Cli:
    """A project of the hostile thread plus every naughty string as title, author and body."""
    import csv
    import json

    blns = json.loads((FIXTURES / "hostile" / "blns.json").read_text("utf-8"))
    (root / "corpus" / "raw").mkdir(parents=True)
    shutil.copy(REPO / "corpus" / "taxonomy.yml", root / "corpus" / "taxonomy.yml")
    add_site_files(root)
    export = root / "blns.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["thread", "author", "text"])
        for i, text in enumerate(blns):
            writer.writerow(
                [text or f"t{i}", text or f"a{i}", text if text.strip() else f"body {i}"]
            )
    cli = Cli(root)
    assert cli("add", str(FIXTURES / "hostile" / "hostile_thread.txt")).exit_code == 0
    assert cli("add", str(export)).exit_code == 0
    return cli
