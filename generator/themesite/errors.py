"""The errors themesite raises for people, not programmers.

Every error carries one sentence that says what is wrong and how to fix it;
the CLI prints it as a single line and shows a traceback only with --debug.
"""

from __future__ import annotations

from pathlib import Path


class ThemesiteError(Exception):
    """Base class: an error the user can act on."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message

    def __reduce__(self):
        # Errors cross from worker processes to the command by pickling; the default
        # rebuilds from `args` alone, which these constructors do not take.
        return _rebuild, (type(self), self.__dict__)


def _rebuild(cls: type[ThemesiteError], state: dict) -> ThemesiteError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message"))
    error.__dict__.update(state)
    return error


class InputError(ThemesiteError):
    """A source file cannot be read or parsed; names the file and, where known, the line."""

    def __init__(
        self,
        path: str | Path,
        message: str,
        *,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint)
        self.path = str(path)
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {super().__str__()}"


class CorpusError(ThemesiteError):
    """The corpus folder is inconsistent, locked or unwritable."""


class StrictError(ThemesiteError):
    """Warnings were raised and --strict turns them into a failure."""
