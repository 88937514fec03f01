"""kill -9 at every named point of `add`, `ingest` and `build`: nothing lost, nothing left.

The points a command passes are listed by tracing one run (THEMESITE_FAULT=trace:FILE,
see `themesite.faults`); the command is then run again from the same state once per
point and occurrence, and killed there with SIGKILL. After each kill the next command
(`check`) must exit 0 having finished or undone the change, the corpus must equal the
state before or after the command byte for byte (before for a kill ahead of the
journal's commit, after from the commit on), the site must be the previous or the new
one, and no staging folder or temporary file may remain.

`add` and `ingest` run as `python -m themesite` subprocesses. Builds run in forked
children of this process, which has spaCy and MkDocs imported already (a second
each instead of eight), but for the kill in the middle of the site swap, which is a
real subprocess.
"""

from __future__ import annotations

import csv
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Cli, snapshot
from themesite import faults
from themesite.cli import app

KILLED = -signal.SIGKILL
ROLLED_BACK, COMPLETED = "rolled back", "completed"


def source(folder: Path, name: str, threads: int = 2) -> Path:
    """A tiny CSV export of `threads` threads of two comments each, unique to `name`."""
    path = folder / f"{name}.csv"
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["thread", "author", "text"])
        for t in range(threads):
            writer.writerow([f"{name} topic {t}", "author 0", f"{name} {t}: prices rose again"])
            writer.writerow([f"{name} topic {t}", "author 1", f"{name} {t}: the staff were kind"])
    return path


def new_project(root: Path, *sources: Path) -> Cli:
    cli = Cli(root)
    assert cli("init", str(root)).exit_code == 0
    for path in sources:
        assert cli("add", str(path)).exit_code == 0
    return cli


def run(root: Path, *args: str, fault: str | None = None) -> subprocess.CompletedProcess:
    """The real command in a subprocess, with THEMESITE_FAULT set to `fault`."""
    env = {k: v for k, v in os.environ.items() if k != faults.ENVIRONMENT}
    if fault:
        env[faults.ENVIRONMENT] = fault
    command = [sys.executable, "-m", "themesite", "--project", str(root), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def forked(root: Path, *args: str, fault: str | None = None) -> int:
    """The command in a forked child of this process; its exit status, or -signal."""
    pid = os.fork()
    if pid == 0:  # the child: run the command, never return into pytest
        code = 1
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            sys.stdout = sys.stderr = os.fdopen(null, "w")  # pytest's capture, too
            faults.arm(fault)
            app(["--project", str(root), *args], standalone_mode=False)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def points(trace: Path) -> list[tuple[str, int]]:
    """Every (point, occurrence) a traced run passed, in order."""
    seen: dict[str, int] = {}
    found = []
    for name in trace.read_text("utf-8").split():
        seen[name] = seen.get(name, 0) + 1
        found.append((name, seen[name]))
    return found


def strays(root: Path) -> list[str]:
    """Staging folders, journals, temporary files and swap asides anywhere in the project."""
    found = (p.relative_to(root).as_posix() for p in root.rglob(".*") if p.name != ".lock")
    return sorted(p for p in found if not p.startswith(("site/", "build/docs/")))


def recovered(root: Path, before: dict, after: dict, at_a_point: bool = True) -> str:
    """Run the next command after a kill and check what it left; the outcome it reached.

    A kill at a named point always leaves something to recover, so the command says what
    it did in one line; a kill elsewhere (from outside) may leave nothing to say."""
    assert before != after, "the command must change the corpus for the test to see which"
    result = Cli(root)("check")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    said = [line for line in result.stderr.splitlines() if line.startswith("recovered:")]
    assert len(said) == 1 if at_a_point else len(said) <= 1, result.stderr
    assert strays(root) == []
    corpus = snapshot(root / "corpus")
    assert corpus in (before, after)
    outcome = ROLLED_BACK if corpus == before else COMPLETED
    if said:
        assert (ROLLED_BACK in said[0]) == (outcome == ROLLED_BACK), said[0]
    return outcome


def expected(kill_points: list[tuple[str, int]], index: int) -> str:
    """A kill before the journal's commit rolls back; from the commit on, it completes."""
    commit = kill_points.index(("commit", 1))
    return ROLLED_BACK if index < commit else COMPLETED


def report(command: str, outcomes: dict) -> None:
    """The kill-point table of one command, shown by `pytest -s`."""
    print(f"\n{command}: {len(outcomes)} kill runs")
    for where, outcome in outcomes.items():
        name = ":".join(map(str, where)) if isinstance(where, tuple) else where
        print(f"  {name}  {outcome}")


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """A project of one source, its corpus valid."""
    root = tmp_path / "base"
    new_project(root, source(tmp_path / "incoming", "first"))
    return root


def test_killed_add_is_rolled_back_or_completed_at_every_point(base, tmp_path):
    incoming = source(tmp_path / "incoming", "second")
    before = snapshot(base / "corpus")
    done = tmp_path / "done"
    shutil.copytree(base, done)
    assert Cli(done)("add", str(incoming)).exit_code == 0
    after = snapshot(done / "corpus")

    traced = tmp_path / "traced"
    shutil.copytree(base, traced)
    trace = tmp_path / "add.trace"
    assert run(traced, "add", str(incoming), fault=f"trace:{trace}").returncode == 0
    kill_points = points(trace)
    assert [name for name, _ in kill_points] == ["stage"] * 3 + ["commit"] + ["publish"] * 3 + [
        "finish"
    ]

    outcomes = {}
    for index, (name, nth) in enumerate(kill_points):
        root = tmp_path / f"kill-{name}-{nth}"
        shutil.copytree(base, root)
        done = run(root, "add", str(incoming), fault=f"kill:{name}:{nth}")
        assert done.returncode == KILLED, done.stderr
        outcomes[name, nth] = recovered(root, before, after)
        assert outcomes[name, nth] == expected(kill_points, index)
        # Adding the same file again is then a no-op or the add itself, never a mixture.
        assert Cli(root)("add", str(incoming)).exit_code == 0
        assert snapshot(root / "corpus") == after
    report("add", outcomes)


#: A command killed after its commit, and the points its recovery then passes.
RECOVERIES = {
    "add": ("publish:1", ["recover-publish"] * 2 + ["recover-finish"]),
    "ingest": ("commit:1", ["recover-retire", "recover-publish", "recover-finish"]),
}


@pytest.mark.parametrize("command", sorted(RECOVERIES))
def test_a_recovery_killed_in_its_turn_is_finished_by_the_command_after(base, tmp_path, command):
    if command == "add":
        args = ["add", str(source(tmp_path / "incoming", "second"))]
    else:
        compact_threads(base)
        args = ["ingest"]
    before = snapshot(base / "corpus")
    killed_at, expected_points = RECOVERIES[command]
    half = tmp_path / "half"  # committed, not all published
    shutil.copytree(base, half)
    assert run(half, *args, fault=f"kill:{killed_at}").returncode == KILLED
    traced = tmp_path / "traced"
    shutil.copytree(half, traced)
    trace = tmp_path / "check.trace"
    assert run(traced, "check", fault=f"trace:{trace}").returncode == 0
    after = snapshot(traced / "corpus")
    kill_points = points(trace)
    assert [name for name, _ in kill_points] == expected_points

    outcomes = {}
    for name, nth in kill_points:
        root = tmp_path / f"kill-{name}-{nth}"
        shutil.copytree(half, root)
        assert run(root, "check", fault=f"kill:{name}:{nth}").returncode == KILLED
        outcomes[name, nth] = recovered(root, before, after)
        assert outcomes[name, nth] == COMPLETED
    report(f"check, recovering an {command} killed at {killed_at}", outcomes)


def compact_threads(root: Path) -> None:
    """Thread files in another layout (as another version might write them): valid, and
    rewritten by ingest, so that the states before and after an ingest differ."""
    for path in (root / "corpus" / "threads").iterdir():
        path.write_bytes(orjson.dumps(orjson.loads(path.read_bytes())))


def test_add_killed_at_seeded_offsets(base, tmp_path):
    """Kills no named point chooses: at the seeded N-th point of any name in a 40-thread
    add, then by SIGKILL from outside the process at seeded instants of its run."""
    incoming = source(tmp_path / "incoming", "many", threads=40)
    before = snapshot(base / "corpus")
    done = tmp_path / "done"
    shutil.copytree(base, done)
    started = time.monotonic()
    assert run(done, "add", str(incoming)).returncode == 0
    duration = time.monotonic() - started
    after = snapshot(done / "corpus")
    files = 41  # the raw copy and 40 thread files: each staged, then each published
    rng = random.Random(15)

    outcomes = {}
    for n in sorted(rng.sample(range(1, 2 * files + 3), 5)):
        root = tmp_path / f"point-{n}"
        shutil.copytree(base, root)
        assert run(root, "add", str(incoming), fault=f"kill:*:{n}").returncode == KILLED
        outcomes[f"point {n} of {2 * files + 2}"] = recovered(root, before, after)
        assert outcomes[f"point {n} of {2 * files + 2}"] == (
            ROLLED_BACK if n <= files else COMPLETED
        )
    for offset in sorted(rng.uniform(0.4, 1.0) * duration for _ in range(4)):
        root = tmp_path / f"at-{offset:.3f}"
        shutil.copytree(base, root)
        command = [sys.executable, "-m", "themesite", "--project", str(root)]
        process = subprocess.Popen([*command, "add", str(incoming)], stdout=subprocess.DEVNULL)
        time.sleep(offset)
        process.send_signal(signal.SIGKILL)
        finished = process.wait() == 0
        outcome = recovered(root, before, after, at_a_point=False)
        assert outcome == COMPLETED or not finished
        outcomes[f"{offset:.2f} s of {duration:.2f} s"] = outcome + (" (had finished)" * finished)
    report("add at seeded offsets", outcomes)


def test_killed_ingest_is_rolled_back_or_completed_at_every_point(base, tmp_path):
    compact_threads(base)
    before = snapshot(base / "corpus")
    done = tmp_path / "done"
    shutil.copytree(base, done)
    assert Cli(done)("ingest").exit_code == 0
    after = snapshot(done / "corpus")

    traced = tmp_path / "traced"
    shutil.copytree(base, traced)
    trace = tmp_path / "ingest.trace"
    assert run(traced, "ingest", fault=f"trace:{trace}").returncode == 0
    kill_points = points(trace)
    assert [name for name, _ in kill_points] == ["stage"] * 2 + [
        "commit",
        "retire",
        "publish",
        "finish",
    ]

    outcomes = {}
    for index, (name, nth) in enumerate(kill_points):
        root = tmp_path / f"kill-{name}-{nth}"
        shutil.copytree(base, root)
        assert run(root, "ingest", fault=f"kill:{name}:{nth}").returncode == KILLED
        outcomes[name, nth] = recovered(root, before, after)
        assert outcomes[name, nth] == expected(kill_points, index)
    report("ingest", outcomes)


@pytest.fixture
def built(base, tmp_path) -> Path:
    """`base` built once, then given a second source: the next build makes a new site."""
    assert Cli(base)("build").exit_code == 0
    assert Cli(base)("add", str(source(tmp_path / "incoming", "second"))).exit_code == 0
    return base


def test_killed_build_keeps_the_previous_site_at_every_point(built, tmp_path):
    corpus, old_site = snapshot(built / "corpus"), snapshot(built / "site")
    traced = tmp_path / "traced"  # a build run to its end, listing the points it passed
    shutil.copytree(built, traced)
    trace = tmp_path / "build.trace"
    assert forked(traced, "build", fault=f"trace:{trace}") == 0
    new_site = snapshot(traced / "site")
    assert new_site != old_site
    kill_points = points(trace)
    swaps = ["site-swap", "site-swapped"] * 2  # build/docs, then site/
    assert [name for name, _ in kill_points] == [
        "atomic-write",
        "findings",
        "site-stage",
        "site-build",
        *swaps,
        "atomic-write",  # the record the build compared with (build/previous-snapshot.json)
        "atomic-write",  # and its own (build/snapshot.json), once the site is in place
        "atomic-write",  # then build/stamp.json, which says the build finished
    ]
    published = {("site-swapped", 2), *(("atomic-write", n) for n in (2, 3, 4))}

    outcomes = {}
    for name, nth in kill_points:
        root = tmp_path / f"kill-{name}-{nth}"
        shutil.copytree(built, root)
        fault = f"kill:{name}:{nth}"
        if (name, nth) == ("site-swap", 2):  # one build as a real process, killed mid-swap
            assert run(root, "build", fault=fault).returncode == KILLED
            assert not (root / "site").exists()  # between the two renames of the swap
        else:
            assert forked(root, "build", fault=fault) == KILLED
        result = Cli(root)("check")
        assert result.exit_code == 0, result.output
        # Killed just after the findings' rename, a build has left nothing to remove.
        assert ("recovered: removed" in result.stderr) == (name != "findings"), result.stderr
        assert strays(root) == []
        assert snapshot(root / "corpus") == corpus
        site = snapshot(root / "site")
        # The site changes only at its own swap's second rename: one instant, no mixture.
        # A build killed after the swap has published its site; the next one compares
        # with the record it finds (the older one if its own was never written).
        assert site == (new_site if (name, nth) in published else old_site)
        # Killed at any point, it never claims to have finished: the next build builds.
        assert not (root / "build" / "stamp.json").exists()
        outcomes[name, nth] = "new site" if site == new_site else "previous site"
    report("build", outcomes)


#: The kill points of adding one two-thread source to a corpus (see the add test).
ADD_POINTS = [("stage", n) for n in (1, 2, 3)] + [("commit", 1)]
ADD_POINTS += [("publish", n) for n in (1, 2, 3)] + [("finish", 1)]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(
        st.tuples(st.integers(0, 2), st.none() | st.sampled_from(ADD_POINTS)),
        min_size=1,
        max_size=4,
    )
)
def test_any_sequence_of_killed_adds_is_the_corpus_of_those_that_completed(tmp_path_factory, steps):
    folder = tmp_path_factory.mktemp("adds")
    pool = [source(folder / "incoming", name) for name in ("alpha", "beta", "gamma")]
    root, reference = folder / "killed", folder / "reference"
    new_project(root)
    new_project(reference)
    for index, point in steps:
        fault = f"kill:{point[0]}:{point[1]}" if point else None
        status = forked(root, "add", str(pool[index]), fault=fault)
        # Killed before its commit, an add never happened; otherwise it did.
        if status == 0 or (status == KILLED and ADD_POINTS.index(point) >= 3):
            assert Cli(reference)("add", str(pool[index])).exit_code == 0
        else:
            assert status == KILLED
    result = Cli(root)("check")
    assert result.exit_code == 0, result.output
    assert strays(root) == []
    assert snapshot(root / "corpus") == snapshot(reference / "corpus")
