"""A project needs no templates and no MkDocs file of its own, and may override either.

`themesite init` makes the folder a researcher edits; the site's wording comes from its
themesite.yml or from the corpus, never from the seeds; the vendored search shim is the
pinned npm package's file.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import FIXTURES, REPO, Cli, snapshot
from themesite.render.site_files import OWNED, default_folder

POLIS = FIXTURES / "polis" / "15-per-hour-seattle"


def _visible_text(page: str) -> str:
    """A built page's text as a reader sees it (scripts and tags removed)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def polis_project(tmp_path: Path) -> Path:
    """A project made by `init` holding one Polis conversation, with no themes written."""
    root = tmp_path / "study"
    assert Cli(root)("init", str(root)).exit_code == 0
    assert Cli(root)("add", str(POLIS)).exit_code == 0
    return root


def test_init_makes_the_project_and_nothing_else(tmp_path):
    root = tmp_path / "new"
    result = Cli(root)("init", str(root))
    assert result.exit_code == 0, result.output
    made = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    assert made == ["corpus", "corpus/raw", "corpus/taxonomy.yml", "themesite.yml"]
    assert yaml.safe_load((root / "corpus" / "taxonomy.yml").read_text("utf-8"))["themes"] == []
    assert "example" in (root / "corpus" / "taxonomy.yml").read_text("utf-8")
    assert set(yaml.safe_load((root / "themesite.yml").read_text("utf-8"))["site"]) == {
        "title",
        "description",
        "author",
        "licence",
    }


def test_init_refuses_to_overwrite(tmp_path):
    root = tmp_path / "taken"
    assert Cli(root)("init", str(root)).exit_code == 0
    (root / "themesite.yml").write_text("site:\n  title: Mine\n", encoding="utf-8")
    before = snapshot(root)
    result = Cli(root)("init", str(root))
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "already exists" in result.stderr
    assert snapshot(root) == before


@pytest.mark.parametrize("command", ["build", "analyse", "check", "ingest"])
def test_commands_outside_a_project_say_to_run_init(tmp_path, command):
    result = Cli(tmp_path)(command)
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "themesite init" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_new_project_builds_from_the_package_defaults_alone(polis_project):
    result = Cli(polis_project)("build")
    assert result.exit_code == 0, result.output
    assert ": 1 thread, 54 comments," in result.stdout  # counts agree in number
    assert not (polis_project / "site_templates").exists()
    assert not (polis_project / "mkdocs.yml").exists()
    site = polis_project / "site"
    index = (site / "index.html").read_text("utf-8")
    # No themes were written: the site says every theme was discovered.
    assert "every theme below was discovered" in _visible_text(index)
    # The site speaks of this corpus: its name is the conversation's topic.
    assert "<title>Findings - $15/hour</title>" in index
    assert "marketing" not in index.lower()
    # The CC BY 4.0 attribution the Polis data requires is in every page's footer.
    assert "Computational Democracy Project" in index
    assert (site / "javascripts" / "iframe-worker-shim.js").read_bytes() == (
        default_folder() / "vendor" / "iframe-worker" / "shim.js"
    ).read_bytes()
    assert (site / "search" / "search_index.js").exists()


def test_no_page_shows_a_template_name(polis_project):
    assert Cli(polis_project)("build").exit_code == 0
    leftovers = re.compile(r"\bpage\.[a-z_]+|\{\{|\}\}|\{%|%\}|\bNone\b|\bundefined\b")
    for path in sorted((polis_project / "site").rglob("*.html")):
        found = leftovers.findall(_visible_text(path.read_text("utf-8")))
        assert not found, (path.name, found[:5])


def test_site_wording_comes_from_themesite_yml(polis_project):
    (polis_project / "themesite.yml").write_text(
        "site:\n"
        "  title: Wages <study>\n"
        "  description: What Seattle said about a $15 minimum wage.\n"
        "  author: A. Researcher\n"
        "  licence: Quoted under CC BY 4.0 from the Polis openData repository.\n",
        encoding="utf-8",
    )
    assert Cli(polis_project)("build").exit_code == 0
    index = (polis_project / "site" / "index.html").read_text("utf-8")
    assert "<title>Findings - Wages &lt;study&gt;</title>" in index
    assert '<meta name="author" content="A. Researcher">' in index
    assert "What Seattle said about a $15 minimum wage." in _visible_text(index)
    assert "Quoted under CC BY 4.0" in index
    assert "<study>" not in index


def test_a_project_overrides_a_template_the_stylesheet_and_mkdocs_settings(polis_project):
    own = polis_project / "site_templates"
    own.mkdir()
    data = (default_folder() / "data.md.j2").read_text("utf-8")
    (own / "data.md.j2").write_text(data.replace("# Data", "# Data of our study"), "utf-8")
    (own / "themesite.css").write_text(".ts-mine { color: red; }\n", encoding="utf-8")
    (polis_project / "mkdocs.yml").write_text(
        "theme:\n  palette:\n    primary: teal\n"
        "markdown_extensions:\n  - abbr\n"
        "extra:\n  study: wages\n",
        encoding="utf-8",
    )
    result = Cli(polis_project)("build")
    assert result.exit_code == 0, result.output
    site = polis_project / "site"
    assert "Data of our study" in (site / "data.html").read_text("utf-8")
    assert (site / "stylesheets" / "themesite.css").read_text("utf-8") == (
        ".ts-mine { color: red; }\n"
    )
    index = (site / "index.html").read_text("utf-8")
    assert 'data-md-color-primary="teal"' in index
    # The defaults the project did not replace are still there: search works from disk.
    assert "javascripts/iframe-worker-shim.js" in index
    assert (site / "search" / "search_index.js").exists()
    # The other templates still come from the package.
    assert "How often each theme comes up" in index


@pytest.mark.parametrize("key", sorted(OWNED))
def test_keys_themesite_owns_are_refused_in_mkdocs_yml(polis_project, key):
    (polis_project / "mkdocs.yml").write_text(f"{key}: x\n", encoding="utf-8")
    before = snapshot(polis_project)
    result = Cli(polis_project)("build")
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and key in message and "mkdocs.yml" in message
    assert {k: v for k, v in snapshot(polis_project).items() if not k.startswith("build/")} == {
        k: v for k, v in before.items() if not k.startswith("build/")
    }
    assert not (polis_project / "site").exists()


def test_a_broken_mkdocs_yml_names_its_line(polis_project):
    (polis_project / "mkdocs.yml").write_text("theme:\n  palette: [\n", encoding="utf-8")
    result = Cli(polis_project)("build")
    assert result.exit_code == 1
    assert re.search(r"mkdocs\.yml:\d+: not valid YAML", result.stderr), result.stderr
    assert not (polis_project / "site").exists()


def test_a_relative_project_path_builds(polis_project, monkeypatch):
    monkeypatch.chdir(polis_project.parent)
    result = Cli(Path(polis_project.name))("build")
    assert result.exit_code == 0, result.output
    assert (polis_project / "site" / "index.html").exists()


def test_the_vendored_search_shim_is_the_pinned_npm_package():
    shipped = default_folder() / "vendor" / "iframe-worker" / "shim.js"
    pinned = REPO / ".ci" / "package.json"
    version = yaml.safe_load(pinned.read_text("utf-8"))["dependencies"]["iframe-worker"]
    assert f"iframe-worker {version}" in (shipped.parent / "README.md").read_text("utf-8")
    digest = hashlib.sha256(shipped.read_bytes()).hexdigest()
    assert digest in (shipped.parent / "README.md").read_text("utf-8")
    installed = REPO / ".ci" / "node_modules" / "iframe-worker" / "shim" / "index.js"
    if not installed.exists():
        if os.environ.get("CI"):
            pytest.fail("iframe-worker is not installed: run 'bash .ci/run'")
        pytest.skip("iframe-worker is not installed (bash .ci/run installs it)")
    assert installed.read_bytes() == shipped.read_bytes()
    assert (shipped.parent / "LICENSE").read_bytes() == installed.parent.parent.joinpath(
        "LICENSE"
    ).read_bytes()


@pytest.mark.parametrize(
    ("file", "text", "expected"),
    [
        ("corpus/taxonomy.yml", "themes:\n  - id: a\n   label: [unclosed\n", "taxonomy.yml:3:"),
        (
            "corpus/taxonomy.yml",
            "themes:\n  - label: No id\n    description: x\n",
            "taxonomy.yml:2:",
        ),
        ("themesite.yml", "analyse:\n  pipeline: blank:qq\n", "blank:qq"),
    ],
)
def test_bad_settings_fail_in_one_line_and_change_nothing(polis_project, file, text, expected):
    assert Cli(polis_project)("build").exit_code == 0
    (polis_project / file).write_text(text, encoding="utf-8")
    corpus, site = snapshot(polis_project / "corpus"), snapshot(polis_project / "site")
    result = Cli(polis_project)("build")
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and expected in message, message
    assert snapshot(polis_project / "corpus") == corpus
    assert snapshot(polis_project / "site") == site


def test_stale_labels_are_a_warning_naming_the_line_not_a_failure(polis_project):
    labels = polis_project / "corpus" / "labels" / "labels.csv"
    labels.parent.mkdir()
    labels.write_text("comment_id,themes\nc000000000000,gone\n", encoding="utf-8")
    result = Cli(polis_project)("build")
    assert result.exit_code == 0, result.output
    assert "labels.csv:2:" in result.stderr
    method = _visible_text((polis_project / "site" / "method.html").read_text("utf-8"))
    assert "Agreement was not measured" in method
