"""Progress on long steps: a live display on a terminal, nothing at all otherwise, and
`--quiet` turns it off; the steps of add, ingest and build are reported in order."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

import themesite.cli
from tests.conftest import REPO, Cli
from themesite.config import Project, load_analyse_config, load_ingest_config
from themesite.progress import QUIET, LiveProgress, Progress, progress_for

SEED = sorted((REPO / "corpus" / "raw").glob("001_*.txt"))[0]


class Recorder(Progress):
    """Remembers each step's label, total and advances."""

    def __init__(self) -> None:
        self.steps: list[list] = []

    def step(self, label: str, total: int | None = None):
        record = [label, total, []]
        self.steps.append(record)
        return record[2].append


def _terminal() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=True, width=100), buffer


def _plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def test_nothing_is_shown_when_the_output_is_not_a_terminal():
    buffer = io.StringIO()
    with progress_for(Console(file=buffer, width=100)) as progress:
        assert progress is QUIET
        progress.step("parsing", total=3)("a.csv")
    assert buffer.getvalue() == ""


def test_quiet_turns_the_display_off_on_a_terminal():
    console, buffer = _terminal()
    with progress_for(console, quiet=True) as progress:
        assert progress is QUIET
        progress.step("parsing")(1)
    assert buffer.getvalue() == ""


def test_a_terminal_shows_every_step_and_finishes_each_with_its_own_label():
    console, buffer = _terminal()
    with progress_for(console) as progress:
        assert isinstance(progress, LiveProgress)
        advance = progress.step("add: parsing", total=2)
        advance("first.csv")
        shown = [task.description for task in progress._display.tasks]
        assert shown == ["add: parsing first.csv"]
        advance("second.csv")
        progress.step("add: writing 2 threads")
        tasks = progress._display.tasks
        assert [t.description for t in tasks] == ["add: parsing", "add: writing 2 threads"]
        assert tasks[0].finished and tasks[0].fields["count"] == "2/2"
        assert not tasks[1].finished and tasks[1].fields["count"] == ""
    assert all(task.finished for task in progress._display.tasks)
    text = _plain(buffer.getvalue())
    assert "✓ add: parsing " in text and "2/2" in text and "✓ add: writing 2 threads" in text


def _cli_on_a_terminal(monkeypatch, project, *args):
    console, buffer = _terminal()
    monkeypatch.setattr(themesite.cli, "err", console)
    result = Cli(project)(*args)
    return result, _plain(buffer.getvalue())


def test_add_shows_reading_parsing_and_writing_on_a_terminal(monkeypatch, project):
    result, shown = _cli_on_a_terminal(monkeypatch, project, "add", str(SEED))
    assert result.exit_code == 0, result.output
    positions = [shown.find(s) for s in ("add: reading", "add: parsing", "add: writing 1 thread")]
    assert -1 not in positions and positions == sorted(positions), shown


def test_quiet_add_on_a_terminal_shows_no_progress(monkeypatch, project):
    result, shown = _cli_on_a_terminal(monkeypatch, project, "--quiet", "add", str(SEED))
    assert result.exit_code == 0 and "add: " not in shown


def test_piped_output_is_the_same_with_and_without_quiet(tmp_path):
    outputs = []
    for flags in ([], ["--quiet"]):
        root = tmp_path / ("quiet" if flags else "plain")
        (root / "corpus" / "raw").mkdir(parents=True)
        result = Cli(root)(*flags, "add", str(SEED))
        assert result.exit_code == 0
        outputs.append((result.stdout, result.stderr))
    assert outputs[0] == outputs[1]
    assert outputs[0][0].startswith("added ") and "add: " not in "".join(outputs[0])


@pytest.mark.parametrize("step", ["add: reading the corpus", "add: parsing", "add: writing"])
def test_the_library_reports_add_steps(project, step):
    from themesite.ingest.corpus import add_sources

    recorder = Recorder()
    add_sources(Project(project), [SEED], load_ingest_config(Project(project)), recorder)
    labels = [label for label, _, _ in recorder.steps]
    assert any(label.startswith(step) for label in labels), labels
    [parsing] = [s for s in recorder.steps if s[0] == "add: parsing"]
    assert parsing[1] == 1 and parsing[2] == [SEED.name]


def test_build_reports_ingest_each_analysis_step_rendering_and_mkdocs(seeded_project):
    from themesite.build import build

    project = Project(seeded_project)
    (seeded_project / "themesite.yml").write_text("analyse:\n  discover: false\n", "utf-8")
    recorder = Recorder()
    build(project, load_ingest_config(project), load_analyse_config(project), None, recorder)
    labels = [label for label, _, _ in recorder.steps]
    assert labels == [
        "ingest: comparing corpus/raw with the threads",
        "ingest: parsing corpus/raw",
        "ingest: checking the corpus",
        "analyse: votes and opinion groups",
        "analyse: statements and patterns (NLP)",
        "analyse: vocabulary and term counts",
        "analyse: fitting a model per theme",
        "analyse: assigning themes",
        "analyse: choosing quotes and counting",
        "analyse: writing build/findings.json",
        "render: pages and downloads",
        labels[11],
        "build: MkDocs (strict) into site/",
    ]
    assert re.fullmatch(r"build: writing \d+ pages", labels[11])
    parsing, nlp = recorder.steps[1], recorder.steps[4]
    assert parsing[1] == 5 and len(parsing[2]) == 5
    assert nlp[1] == 48 and sum(nlp[2]) == 48  # every comment's text, counted once


def test_runs_within_a_command_prefix_their_steps():
    recorder = Recorder()
    fold = recorder.within("evaluate · ").within("fold 2/5 · ")
    fold.step("analyse: assigning themes", total=3)(1)
    assert recorder.steps == [["evaluate · fold 2/5 · analyse: assigning themes", 3, [1]]]
    assert QUIET.within("x · ").step("y")("item") is None


def test_a_long_run_keeps_only_the_latest_steps_on_screen():
    console, _ = _terminal()
    with progress_for(console) as progress:
        for number in range(30):
            progress.step(f"step {number}")
        shown = [task.description for task in progress._display.tasks]
    assert shown == [f"step {number}" for number in range(18, 30)]
