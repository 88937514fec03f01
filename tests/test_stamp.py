"""A build whose inputs did not change does nothing but say so (themesite/stamp.py)."""

from __future__ import annotations

import pytest

from tests.conftest import Cli, built, shipped_project, snapshot
from themesite.config import Project
from themesite.stamp import STAMP, inputs_digest

NOTHING = "nothing changed since the last build"


def _stamps(root):
    """Every file of site/ with its modification time: a skipped build touches none."""
    return {p: p.stat().st_mtime_ns for p in sorted((root / "site").rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path):
    root = shipped_project(tmp_path / "project")
    built(root)
    return root


def test_an_unchanged_build_does_nothing_and_says_so(project):
    site, times = snapshot(project / "site"), _stamps(project)
    result = Cli(project)("build")
    assert result.exit_code == 0, result.output
    assert NOTHING in result.stdout and "--force" in result.stdout
    assert "comment section appears 2 times" in result.stderr  # the warnings, again
    assert snapshot(project / "site") == site and _stamps(project) == times
    forced = Cli(project)("build", "--force")
    assert forced.exit_code == 0 and "site: " in forced.stdout
    assert snapshot(project / "site") == site  # and what it would have written is the same


@pytest.mark.parametrize(
    ("change", "same_site"),
    [
        (lambda root: (root / "corpus" / "taxonomy.yml").open("a").write("# edited\n"), False),
        (lambda root: (root / "site" / "method.html").unlink(), True),
        (lambda root: (root / "build" / "snapshot.json").unlink(), False),
        (lambda root: (root / "build" / STAMP).write_text("{not json", "utf-8"), True),
        (lambda root: (root / "mkdocs.yml").write_text("extra_css: []\n", "utf-8"), False),
    ],
    ids=["taxonomy", "page-deleted", "record-deleted", "stamp-broken", "mkdocs-yml"],
)
def test_any_change_of_input_or_output_builds_again(project, change, same_site):
    site = snapshot(project / "site")
    change(project)
    result = Cli(project)("build")
    assert result.exit_code == 0, result.output
    assert NOTHING not in result.stdout and "site: " in result.stdout
    if same_site:  # nothing the site is made from changed: the same bytes again
        assert snapshot(project / "site") == site
    assert NOTHING in Cli(project)("build").stdout


def test_other_flags_build_again(project):
    # The project says strict: false; under --strict its seeds' warnings fail the build,
    # which shows it was run, not skipped.
    result = Cli(project)("build", "--strict")
    assert result.exit_code == 1 and "under --strict" in result.stderr


def test_a_failed_build_is_never_taken_for_a_finished_one(project, monkeypatch):
    import themesite.render.site as site_module
    from themesite.render.site import SiteBuildError

    (project / "corpus" / "taxonomy.yml").open("a").write("# edited\n")

    def broken(*args):
        raise SiteBuildError("simulated MkDocs failure")

    monkeypatch.setattr(site_module, "_mkdocs", broken)
    assert Cli(project)("build").exit_code == 1
    assert not (project / "build" / STAMP).exists()
    monkeypatch.undo()
    result = Cli(project)("build")
    assert result.exit_code == 0 and NOTHING not in result.stdout


def test_the_digest_covers_the_build_date_and_settings(tmp_path, monkeypatch):
    project = Project(shipped_project(tmp_path))
    first = inputs_digest(project, ("a",), [])
    assert inputs_digest(project, ("a",), []) == first
    assert inputs_digest(project, ("b",), []) != first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert inputs_digest(project, ("a",), []) != first
