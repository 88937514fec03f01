"""The build's heavy part in a child process: to the caller it is a function call."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys

import pytest

from themesite import faults
from themesite.errors import CorpusError, ThemesiteError
from themesite.isolated import run_isolated
from themesite.locks import exclusive, try_lock
from themesite.progress import Progress


class Recorded(Progress):
    def __init__(self) -> None:
        self.seen: list[object] = []

    def step(self, label: str, total: int | None = None):
        self.seen.append((label, total))
        return self.seen.append


def _work(progress: Progress, base: int, *, times: int) -> tuple[int, int]:
    advance = progress.step("counting", times)
    for _ in range(times):
        advance(1)
    logging.getLogger("themesite").warning("a notice from the child")
    faults.point("in-the-child")
    return os.getpid(), base * times


def test_the_work_runs_in_another_process_and_its_result_steps_and_notices_come_back(caplog):
    progress = Recorded()
    with caplog.at_level(logging.WARNING, logger="themesite"):
        pid, value = run_isolated(_work, progress, 6, times=3)
    assert pid != os.getpid()
    assert value == 18
    assert progress.seen == [("counting", 3), 1, 1, 1]
    assert "a notice from the child" in caplog.text


def test_fault_points_reached_in_the_child_count_for_the_caller(tmp_path):
    faults.arm(f"trace:{tmp_path / 'trace'}")
    try:
        run_isolated(_work, Progress(), 1, times=1)
        assert faults.reached() == {}  # tracing counts nothing
        faults.arm("kill:no-such-point")
        run_isolated(_work, Progress(), 1, times=1)
        assert faults.reached() == {}
        faults.arm("kill:in-the-child:2")
        run_isolated(_work, Progress(), 1, times=1)  # the first: the child lives
        assert faults.reached() == {"in-the-child": 1}
    finally:
        faults.arm(None)
    assert (tmp_path / "trace").read_text("utf-8").split() == ["in-the-child"]


def _fails(progress: Progress) -> None:
    raise CorpusError("the corpus is locked", "wait for it")


def test_an_error_in_the_child_is_raised_in_the_caller_with_the_childs_traceback():
    with pytest.raises(CorpusError) as raised:
        run_isolated(_fails, Progress())
    assert str(raised.value) == "the corpus is locked (wait for it)"
    assert "_fails" in str(raised.value.__cause__)


def _unpicklable(progress: Progress):
    return lambda: None


def test_a_result_that_cannot_come_back_is_a_one_line_error():
    with pytest.raises(ThemesiteError, match="could not return"):
        run_isolated(_unpicklable, Progress())


def test_a_child_killed_by_a_signal_kills_the_caller_with_it(tmp_path):
    script = (
        "import os, signal\n"
        "from themesite.isolated import run_isolated\n"
        "from themesite.progress import Progress\n"
        "def work(progress):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "run_isolated(work, Progress())\n"
        "print('the caller went on')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == -signal.SIGTERM, done.stderr
    assert "went on" not in done.stdout


def _locks(progress: Progress, folder) -> tuple[bool, bool]:
    with exclusive(folder, "busy"), try_lock(folder) as free:
        return True, free


def test_the_callers_lock_is_the_childs_and_is_never_free_to_either(tmp_path):
    with exclusive(tmp_path, "busy"):
        assert run_isolated(_locks, Progress(), tmp_path) == (True, False)
        with try_lock(tmp_path) as free:
            assert not free
    with try_lock(tmp_path) as free:
        assert free
