"""Shared fixtures: the shipped seeds, temporary projects and a CLI runner."""

from __future__ import annotations

import os
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
CHROMIUM = Path(os.environ.get("THEMESITE_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def require(available: bool, what: str) -> None:
    """Skip without a browser tool on a developer machine; under CI (CI=true) fail."""
    if available:
        return
    message = f"{what} is missing: run 'bash .ci/run' (it installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, for the tests of what a reader sees."""
    require(CHROMIUM.exists(), f"Chromium ({CHROMIUM})")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


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
    return project


def shipped_project(root: Path) -> Path:
    """This repository's own project: the seed corpus with its settings (wording, labels).
    Templates and the MkDocs configuration come from the package, as in any project."""
    shutil.copytree(REPO / "corpus", root / "corpus")
    shutil.copy(REPO / "themesite.yml", root / "themesite.yml")
    return root


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


def built(root: Path) -> Path:
    """Builds the project at `root`; returns its site folder."""
    result = Cli(root)("build")
    assert result.exit_code == 0, result.output
    return root / "site"


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory) -> Path:
    """This repository's project, built once for every test that reads its site. A test
    that builds it again must leave it as it was (it checks that it does)."""
    root = shipped_project(tmp_path_factory.mktemp("seed-build"))
    built(root)
    return root


@pytest.fixture(scope="session")
def hostile_build(tmp_path_factory) -> Path:
    """The hostile project (see `hostile_project`), built once for the tests that read it."""
    root = tmp_path_factory.mktemp("hostile-build")
    hostile_project(root)
    built(root)
    return root


@pytest.fixture(scope="session")
def polis_build(tmp_path_factory) -> Path:
    """A Polis conversation with its votes and the taxonomy written for it, built once."""
    root = tmp_path_factory.mktemp("polis-build")
    (root / "corpus" / "raw").mkdir(parents=True)
    polis = FIXTURES / "polis"
    assert Cli(root)("add", str(polis / "15-per-hour-seattle")).exit_code == 0
    shutil.copy(polis / "taxonomy-15-per-hour.yml", root / "corpus" / "taxonomy.yml")
    built(root)
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to prove a failed command changed nothing."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


#: The titles of the hostile project's threads that hold every naughty string between them.
ALL_NAUGHTY = ("Every naughty string, part 1", "Every naughty string, part 2")


def hostile_project(root: Path) -> Cli:
    """A project of the hostile thread plus every naughty string as title, author and body;
    the same comments again, by the same authors, in the two ALL_NAUGHTY threads, so
    that a few pages show them all (each thread fits on one page)."""
    import csv
    import json

    blns = json.loads((FIXTURES / "hostile" / "blns.json").read_text("utf-8"))
    (root / "corpus" / "raw").mkdir(parents=True)
    shutil.copy(REPO / "corpus" / "taxonomy.yml", root / "corpus" / "taxonomy.yml")
    export = root / "blns.csv"
    rows = [(text or f"a{i}", text if text.strip() else f"body {i}") for i, text in enumerate(blns)]
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["thread", "author", "text"])
        for i, (text, (author, body)) in enumerate(zip(blns, rows, strict=True)):
            writer.writerow([text or f"t{i}", author, body])
        for i, (author, body) in enumerate(rows):
            writer.writerow([ALL_NAUGHTY[i * len(ALL_NAUGHTY) // len(rows)], author, body])
    cli = Cli(root)
    assert cli("add", str(FIXTURES / "hostile" / "hostile_thread.txt")).exit_code == 0
    assert cli("add", str(export)).exit_code == 0
    return cli
