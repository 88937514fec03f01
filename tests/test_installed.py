"""themesite as a researcher gets it: a wheel installed in a new virtual environment, run
in a folder outside this repository, on texts nobody here wrote a taxonomy for.

Nothing of the repository is importable there, so the templates, the stylesheet, the
search shim and the MkDocs configuration must all come from the wheel. The wheel's
dependencies are not installed again (minutes of CI): the new environment sees, through
links, the installed files of exactly the distributions the wheel requires, and theirs,
so an import the wheel does not declare still fails there.
"""

from __future__ import annotations

import csv
import email.parser
import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import FIXTURES, REPO

POLIS = FIXTURES / "polis" / "15-per-hour-seattle"


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-2000:])
    return result


def _required(wheel: Path) -> list[metadata.Distribution]:
    """The installed distributions the wheel requires, and those they require in turn,
    each at a version the requirement allows."""
    with zipfile.ZipFile(wheel) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        declared = email.parser.BytesParser().parsebytes(archive.read(name))
    todo = [(Requirement(r), "") for r in declared.get_all("Requires-Dist") or ()]
    found: dict[str, metadata.Distribution] = {}
    seen: set[tuple[str, str]] = set()
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        key = canonicalize_name(requirement.name)
        dist = found.setdefault(key, metadata.distribution(requirement.name))
        assert requirement.specifier.contains(dist.version, prereleases=True), requirement
        for wanted in ("", *requirement.extras):
            if (key, wanted) not in seen:
                seen.add((key, wanted))
                todo += [(Requirement(r), wanted) for r in dist.requires or ()]
    return sorted(found.values(), key=lambda d: d.metadata["Name"])


def _link(dists: list[metadata.Distribution], folder: Path) -> None:
    """Links each distribution's top-level packages, modules and metadata into `folder`."""
    folder.mkdir()
    for dist in dists:
        assert dist.files, dist.metadata["Name"]
        for top in sorted({f.parts[0] for f in dist.files} - {"..", "__pycache__"}):
            link = folder / top
            if not link.exists():
                link.symlink_to(Path(dist.locate_file(top)).resolve())


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A new virtual environment with themesite installed from a freshly built wheel."""
    work = tmp_path_factory.mktemp("installed")
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    wheels = work / "wheels"
    pip = [sys.executable, "-m", "pip"]
    _run([*pip, "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)], work, env)
    (wheel,) = wheels.glob("themesite-*.whl")
    environment = work / "venv"
    venv.create(environment, with_pip=False)
    python = environment / "bin" / "python"
    _run([*pip, "--python", str(python), "install", "-q", "--no-deps", str(wheel)], work, env)
    _link(_required(wheel), work / "dependencies")
    [site_packages] = (environment / "lib").glob("python*/site-packages")
    (site_packages / "dependencies.pth").write_text(f"{work / 'dependencies'}\n", "utf-8")
    _run([*pip, "--python", str(python), "check"], work, env)
    env["PATH"] = f"{environment / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return environment, env


def _python(installed, code: str) -> str:
    """What `code` prints, run by the new environment's Python."""
    environment, env = installed
    return _run([str(environment / "bin" / "python"), "-c", code], environment, env).stdout


def test_the_wheel_carries_the_site_files(installed):
    environment, _ = installed
    found = _python(
        installed,
        "import json, sys, themesite, themesite.site_templates as t, pathlib;"
        "p = pathlib.Path(t.__file__).parent;"
        "print(json.dumps([str(p), themesite.__file__, sorted(x.name for x in p.iterdir()),"
        " sys.path]))",
    )
    templates, package, names, path = json.loads(found)
    assert str(environment) in templates and str(environment) in package
    for name in ("index.md.j2", "themesite.css", "mkdocs.yml", "vendor"):
        assert name in names
    assert not [p for p in path if p and Path(p).is_relative_to(REPO)], path


def test_what_the_wheel_does_not_require_is_not_importable(installed):
    """This test environment has jsonschema (the tests use it); the new one must not."""
    environment, env = installed
    result = subprocess.run(
        [str(environment / "bin" / "python"), "-c", "import jsonschema"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "No module named 'jsonschema'" in result.stderr


def test_init_add_build_then_a_theme_outside_the_repository(installed, tmp_path, browser):
    _, env = installed
    work = tmp_path / "desk"
    work.mkdir()
    assert REPO not in work.parents
    # A Polis conversation folder as published, with the files themesite does not use.
    export = work / "downloads" / "15-per-hour-seattle"
    shutil.copytree(POLIS, export)
    (export / "stats-history.csv").write_text("n-comments,n-visitors\n1,2\n", encoding="utf-8")
    (export / "comment-groups.csv").write_text("comment-id,comment\n0,x\n", encoding="utf-8")
    # A survey export without authors.
    survey = work / "downloads" / "survey.csv"
    with survey.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["thread", "text"])
        for answer in (
            "The bus to the clinic comes once an hour, so every appointment costs a morning.",
            "Parking at the clinic is impossible and the fines keep rising every year.",
            "The bus timetable changed again and nobody told the people who depend on it.",
            "Evening buses stop at eight, which makes night shifts impossible without a car.",
            "The clinic car park is full by nine and the street parking is for residents.",
            "A cheaper monthly bus pass would help more than any new road.",
        ):
            writer.writerow(["Getting to the clinic", answer])

    def themesite(*args: str) -> subprocess.CompletedProcess:
        return _run(["themesite", *args], work, env)

    themesite("init", "study")
    added = themesite("--project", "study", "add", str(export))
    assert "ignored:" in added.stderr and "stats-history.csv" in added.stderr
    themesite("--project", "study", "add", str(survey))
    raw = work / "study" / "corpus" / "raw" / "15-per-hour-seattle"
    assert (raw / "participants-votes.csv").read_bytes() == (
        POLIS / "participants-votes.csv"
    ).read_bytes()
    first = themesite("--project", "study", "build")
    assert "site:" in first.stdout
    site = work / "study" / "site"
    findings = (work / "study" / "build" / "findings.json").read_text("utf-8")
    assert '"kind": "discovered"' in findings and '"kind": "seeded"' not in findings

    taxonomy = work / "study" / "corpus" / "taxonomy.yml"
    taxonomy.write_text(
        "version: 1\n"
        "themes:\n"
        "  - id: getting-there\n"
        "    label: Getting there\n"
        "    description: >\n"
        "      Buses, timetables, parking and what it costs to reach a place.\n",
        encoding="utf-8",
    )
    themesite("--project", "study", "build")
    assert (site / "themes" / "getting-there.html").exists()
    _check_in_chromium(browser, site)


def _check_in_chromium(browser, site: Path) -> None:
    """Every page loads from disk without errors, and search finds a word of the corpus."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on(
        "request",
        lambda r: None if r.url.startswith(("file:", "data:", "blob:")) else outside.append(r.url),
    )
    # 404.html is for web servers, which show it at any depth: its links are root-relative.
    for path in sorted(p for p in site.rglob("*.html") if p.name != "404.html"):
        if 'http-equiv="refresh"' in path.read_text("utf-8"):
            continue  # a retired theme's URL, which moves on at once (test_changes.py)
        page.goto(path.as_uri())
        assert page.locator("h1").count() >= 1, path
    page.goto((site / "index.html").as_uri())
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("timetable", delay=50)
    results = page.locator(".md-search-result__link")
    results.first.wait_for(timeout=30000)
    assert any("timetable" in text.lower() for text in results.all_inner_texts())
    assert not errors, errors[:3]
    assert not outside, outside[:3]
    page.close()


def test_the_wheel_carries_the_qda_schemas(installed):
    """The REFI-QDA exports validate against schemas that must ship inside the wheel."""
    found = _python(
        installed,
        "import themesite.qda.schema as s; s.schema('codebook'); s.schema('project');"
        "print(s.__file__)",
    )
    assert str(installed[0]) in found
