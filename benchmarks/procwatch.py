"""Run a child process and sample the memory of its whole process tree.

The parent samples every `interval` seconds: the child and every process under it
(worker pools included). Two sums are kept: VmRSS from /proc/<pid>/status, which
counts the pages forked workers share with their parent once per process and so errs
high (three times for a parent and two workers), and Pss from
/proc/<pid>/smaps_rollup, which divides each shared page among its sharers: the
memory the tree really occupies.

The child announces its stages on a pipe (`--status-fd N`), one line each:
`stage NAME` when a stage starts, `step LABEL` when a step inside it starts (the
library's own progress steps), and `result JSON` at the end. Each sample is attributed
to the stage and to the step announced last, so a peak can be traced to its stage and
to the step that holds it.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

_PROC = Path("/proc")


def _children_files_work() -> bool:
    return any(_PROC.glob(f"{os.getpid()}/task/*/children"))


_HAS_CHILDREN_FILES = _children_files_work()


def descendants(root: int) -> set[int]:
    """`root` and every process below it that is alive now."""
    if _HAS_CHILDREN_FILES:
        found, stack = {root}, [root]
        while stack:
            pid = stack.pop()
            for children in _PROC.glob(f"{pid}/task/*/children"):
                try:
                    kids = [int(p) for p in children.read_text().split()]
                except OSError:
                    continue
                stack += [k for k in kids if k not in found]
                found.update(kids)
        return found
    parents: dict[int, list[int]] = {}
    for entry in os.scandir(_PROC):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, stack = {root}, [root]
    while stack:
        for kid in parents.get(stack.pop(), []):
            if kid not in found:
                found.add(kid)
                stack.append(kid)
    return found


def _proc_bytes(path: str, key: bytes) -> int:
    """A `key: N kB` figure of a /proc file, in bytes (0 once the process is gone)."""
    try:
        with open(path, "rb") as handle:
            for line in handle:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def rss_bytes(pid: int) -> int:
    return _proc_bytes(f"/proc/{pid}/status", b"VmRSS:")


def pss_bytes(pid: int) -> int:
    return _proc_bytes(f"/proc/{pid}/smaps_rollup", b"Pss:")


def tree_memory(root: int) -> tuple[int, int]:
    """(RSS, PSS) summed over `root` and its descendants."""
    pids = descendants(root)
    return sum(rss_bytes(pid) for pid in pids), sum(pss_bytes(pid) for pid in pids)


@dataclass
class Watched:
    returncode: int
    seconds: float
    peak_mb: float
    stage_peaks_mb: dict[str, float] = field(default_factory=dict)
    peak_pss_mb: float = 0.0
    stage_peaks_pss_mb: dict[str, float] = field(default_factory=dict)
    step_peaks_pss_mb: dict[str, float] = field(default_factory=dict)  # in order of steps
    step_seconds: dict[str, float] = field(default_factory=dict)  # wall time of each step
    result: dict | None = None
    stderr: str = ""


def watch(command: list[str], log: Path, interval: float = 0.05, env=None) -> Watched:
    """Run `command --status-fd N`, sampling its tree's RSS until it exits."""
    read_end, write_end = os.pipe()
    stage = ["start"]
    step = ["start"]
    result: list[dict] = []
    began: dict[str, float] = {}
    ended: dict[str, float] = {}

    def enter(name: str) -> None:
        now = time.perf_counter()
        ended[step[0]] = ended.get(step[0], 0.0) + now - began.get(step[0], now)
        step[0] = name
        began[name] = now

    def listen() -> None:
        with os.fdopen(read_end, encoding="utf-8") as status:
            for line in status:
                kind, _, rest = line.rstrip("\n").partition(" ")
                if kind == "stage":
                    stage[0] = rest
                    enter(rest)
                elif kind == "step":
                    enter(rest)
                elif kind == "result":
                    result.append(json.loads(rest))

    with log.open("w", encoding="utf-8") as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            [*command, "--status-fd", str(write_end)],
            pass_fds=(write_end,),
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
        )
        os.close(write_end)
        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        peaks: dict[str, int] = {}
        pss_peaks: dict[str, int] = {}
        step_peaks: dict[str, int] = {}
        while process.poll() is None:
            current, within = stage[0], step[0]
            rss, pss = tree_memory(process.pid)
            peaks[current] = max(peaks.get(current, 0), rss)
            pss_peaks[current] = max(pss_peaks.get(current, 0), pss)
            step_peaks[within] = max(step_peaks.get(within, 0), pss)
            time.sleep(interval)
        seconds = time.perf_counter() - started
        listener.join(timeout=10)
    mb = {name: round(value / 2**20, 1) for name, value in peaks.items()}
    pss_mb = {name: round(value / 2**20, 1) for name, value in pss_peaks.items()}
    step_mb = {name: round(value / 2**20, 1) for name, value in step_peaks.items()}
    return Watched(
        returncode=process.returncode,
        seconds=seconds,
        peak_mb=max(mb.values(), default=0.0),
        stage_peaks_mb=mb,
        peak_pss_mb=max(pss_mb.values(), default=0.0),
        stage_peaks_pss_mb=pss_mb,
        step_peaks_pss_mb=step_mb,
        step_seconds={name: round(value, 2) for name, value in ended.items()},
        result=result[-1] if result else None,
        stderr=log.read_text(encoding="utf-8", errors="replace")[-3000:],
    )
