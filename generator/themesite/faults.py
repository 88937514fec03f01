"""Named points in the write paths, where a test can kill the command (fault injection).

The commands call `point("name")` at each instant a crash would leave a different
state on disk. Unless the environment variable THEMESITE_FAULT is set, `point` returns
at once (one comparison with None). Set it to:

- `kill:NAME` or `kill:NAME:N` to send the process SIGKILL the first (or the N-th) time
  it reaches the point NAME, exactly as `kill -9` from outside would at that instant;
  NAME `*` counts every point, so `kill:*:N` kills at the N-th point of any name;
- `trace:FILE` to append the name of every point reached to FILE, one per line, so a
  test can list the points a command passes and then kill it at each of them.

The fault-injection tests (`tests/test_crash.py`) are the only users; nothing else
should set it.
"""

from __future__ import annotations

import os
import signal

ENVIRONMENT = "THEMESITE_FAULT"


def _parse(value: str | None) -> tuple[str, str, int] | None:
    if not value:
        return None
    mode, _, rest = value.partition(":")
    if mode == "trace":
        return mode, rest, 0
    name, _, nth = rest.partition(":")
    return mode, name, int(nth or 1)


_FAULT = _parse(os.environ.get(ENVIRONMENT))
_reached: dict[str, int] = {}


def point(name: str) -> None:
    """A named instant in a write path: a no-op unless THEMESITE_FAULT names it."""
    if _FAULT is None:
        return
    mode, target, nth = _FAULT
    if mode == "trace":
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(name + "\n")
        return
    if target not in (name, "*"):
        return
    _reached[target] = _reached.get(target, 0) + 1
    if _reached[target] == nth:
        os.kill(os.getpid(), signal.SIGKILL)


def arm(value: str | None) -> None:
    """Set the fault as THEMESITE_FAULT=`value` would: for a test's forked child, which
    runs a command in a process that imported themesite before the variable was set."""
    global _FAULT
    _FAULT = _parse(value)
    _reached.clear()


def reached() -> dict[str, int]:
    """How often each point was reached so far in this process (for `adopt`)."""
    return dict(_reached)


def adopt(counts: dict[str, int]) -> None:
    """Take over the counts of a forked child that ran while this process waited
    (`isolated`): its points and this process's are one command's, numbered as one."""
    _reached.clear()
    _reached.update(counts)
