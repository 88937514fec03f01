"""Signs of life during long steps: the steps so far, the current one with a bar or a
spinner and its time, shown on a terminal only.

The library reports its steps to the `Progress` it is given (`progress.step(label)`
starts the next step and returns the callback that advances it). The default, `QUIET`,
shows nothing, so library calls, tests, CI and any run whose stderr is not a terminal
print exactly what they printed without it. The commands use `progress_for`, which
gives a live display on a terminal unless `--quiet` was given; it disappears when the
command ends, before the command prints its summary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

#: The most steps on screen at once: the latest ones.
_SHOWN = 12

#: Advances a step: an int by that many, anything else by one, shown as the current item.
Advance = Callable[[object], None]


def _ignore(item: object) -> None:
    del item


class Progress:
    """Where the library reports its steps; this one shows nothing."""

    def step(self, label: str, total: int | None = None) -> Advance:
        """Start the next step (ending the one before); `total` None: no known length."""
        del label, total
        return _ignore

    def within(self, prefix: str) -> Progress:
        """The same display, each step's label after `prefix` (one of several runs)."""
        return _Within(self, prefix)


class _Within(Progress):
    def __init__(self, outer: Progress, prefix: str) -> None:
        self._outer, self._prefix = outer, prefix

    def step(self, label: str, total: int | None = None) -> Advance:
        return self._outer.step(self._prefix + label, total)


QUIET = Progress()


class LiveProgress(Progress):
    """The steps of one command as a live display on a terminal (rich)."""

    def __init__(self, console: Console) -> None:
        from rich.progress import BarColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Display

        self._display = Display(
            SpinnerColumn(finished_text="[green]✓[/]"),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[count]}"),  # "3/5"; nothing for a step of unknown length
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task: int | None = None
        self._label = ""

    def __enter__(self) -> LiveProgress:
        self._display.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._end_step()
        self._display.stop()

    def step(self, label: str, total: int | None = None) -> Advance:
        self._end_step()
        task = self._task = self._display.add_task(label, total=total, count=_count(0, total))
        self._label, done = label, [0]
        # A command of many runs (evaluate's folds) keeps the display a few lines high.
        for old in self._display.tasks[:-_SHOWN]:
            self._display.remove_task(old.id)

        def advance(item: object) -> None:
            step = item if isinstance(item, int) else 1
            done[0] += step
            shown = label if isinstance(item, int) else f"{label} {item}"
            self._display.update(
                task, advance=step, description=shown, count=_count(done[0], total)
            )

        return advance

    def _end_step(self) -> None:
        if self._task is None:
            return
        task = next(t for t in self._display.tasks if t.id == self._task)
        # The item shown while it ran is no longer current; the step's own label stays.
        done = max(task.completed, 1) if task.total is None else task.total
        self._display.update(self._task, total=done, completed=done, description=self._label)
        if task.fields["count"]:
            self._display.update(self._task, count=_count(int(done), int(done)))
        self._task = None


def _count(done: int, total: int | None) -> str:
    return "" if total is None else f"{done:,}/{total:,}"


@contextmanager
def progress_for(console: Console, quiet: bool = False) -> Iterator[Progress]:
    """A live display on `console` when it is a terminal and not `quiet`; else `QUIET`."""
    if quiet or not console.is_terminal:
        yield QUIET
        return
    with LiveProgress(console) as live:
        yield live
