"""Run the heavy part of a command in a forked child process that ends with it.

A process does not give back to the system what a large analysis used: after the
analysis and rendering of 100k comments have released everything, the build process
still occupies about 1.4 GB (freed, but fragmented among Python's and the C library's
arenas), and MkDocs then needs 0.8 GB more on top. Done in a child process, that work's
memory goes back when the child exits, and MkDocs starts from the small parent.

To the caller it is a function call: the child's steps appear on the caller's
progress display, its notices on the library's logger, its result or exception comes
back pickled (with the child's traceback as the cause, for --debug), and a child
killed by a signal kills the caller with the same signal, as if it had been one
process (a kill -9 at a fault point, the kernel's out-of-memory killer). The child dies
with its parent (Linux), so it never outlives a killed command. Where `fork` is not
available the function simply runs in this process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable
from typing import TypeVar

from themesite import faults
from themesite.errors import ThemesiteError
from themesite.progress import Advance, Progress

Result = TypeVar("Result")
LOGGER = "themesite"


class _RemoteTraceback(Exception):
    """The child's traceback, as text: the cause of the error raised in the caller."""


class _Relay(Progress):
    """The child's progress: every step and advance goes to the parent over the pipe."""

    def __init__(self, send) -> None:
        self._send = send

    def step(self, label: str, total: int | None = None) -> Advance:
        self._send.send(("step", label, total))
        return lambda item: self._send.send(("advance", item))


class _RelayLog(logging.Handler):
    def __init__(self, send) -> None:
        super().__init__()
        self._send = send

    def emit(self, record: logging.LogRecord) -> None:
        self._send.send(("log", record.levelno, record.getMessage()))


def run_isolated(
    work: Callable[..., Result], progress: Progress, *args: object, **kwargs: object
) -> Result:
    """`work(progress, *args, **kwargs)` in a forked child process; its result."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return work(progress, *args, **kwargs)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(os.getpid(), send, work, args, kwargs))
    child.start()
    send.close()
    outcome = None
    advance: Advance = lambda item: None  # noqa: E731 - until the first step
    try:
        while outcome is None:
            try:
                message = receive.recv()
            except EOFError:
                break
            if message[0] == "step":
                advance = progress.step(message[1], message[2])
            elif message[0] == "advance":
                advance(message[1])
            elif message[0] == "log":
                logging.getLogger(LOGGER).log(message[1], "%s", message[2])
            else:
                outcome = message
    finally:
        child.join()
        receive.close()
    if child.exitcode is not None and child.exitcode < 0:
        _die_of(-child.exitcode)
    if outcome is None:
        raise ThemesiteError(
            f"the build's worker process ended without a result (exit code {child.exitcode})",
            "run the command again with --debug",
        )
    _, succeeded, value, reached, child_traceback = outcome
    faults.adopt(reached)
    if succeeded:
        return value
    raise value from _RemoteTraceback(child_traceback)


def _child(parent: int, send, work, args, kwargs) -> None:
    _die_with_parent()
    if os.getppid() != parent:  # it died before the kernel was asked
        os._exit(1)
    library = logging.getLogger(LOGGER)
    for handler in list(library.handlers):
        library.removeHandler(handler)
    library.addHandler(_RelayLog(send))
    try:
        message = ("done", True, work(_Relay(send), *args, **kwargs), faults.reached(), "")
    except BaseException as exc:  # noqa: BLE001 - every outcome goes back to the caller
        message = ("done", False, exc, faults.reached(), "".join(traceback.format_exception(exc)))
    try:
        send.send(message)
    except Exception as exc:  # noqa: BLE001 - an unpicklable result or error
        failed = ThemesiteError(f"the build's worker process could not return: {exc}")
        send.send(("done", False, failed, faults.reached(), ""))
    send.close()


def _die_of(number: int) -> None:
    """End this process by the signal that ended the child, with its default effect."""
    if number not in (signal.SIGKILL, signal.SIGSTOP):
        signal.signal(number, signal.SIG_DFL)
    os.kill(os.getpid(), number)


def _die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies (Linux's prctl)."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
