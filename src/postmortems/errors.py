"""The one exception base and the process exit codes.

Errors carry where they happened (path, line, column) and how to fix it; they are turned into
messages and exit codes only at the edges (the CLI, the HTTP server).
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Exit codes of every `pm` command."""

    OK = 0
    FINDINGS = 1  # the command ran and found problems (lint findings, unparsable files)
    USAGE = 2  # bad options or arguments
    ERROR = 3  # the command could not do its job (I/O, bad input files)


class PostmortemsError(Exception):
    """Base of every error the library raises on purpose.

    ``str(error)`` is the user-facing message: ``path:line:col: what is wrong — how to fix it``.
    """

    exit_code = ExitCode.ERROR

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.hint = hint

    @property
    def location(self) -> str:
        parts = [p for p in (self.path, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    @property
    def said(self) -> str:
        """What is wrong and how to fix it, without where (a page shows the place its own way)."""
        return f"{self.message} — {self.hint}" if self.hint else self.message

    def __str__(self) -> str:
        return f"{self.location}: {self.said}" if self.location else self.said


class InputError(PostmortemsError):
    """A file cannot be read as a postmortem (missing, binary, not UTF-8, too big…)."""


class OutputError(PostmortemsError):
    """A file or folder cannot be written (a missing folder, no permission, a full disk)."""


def cannot_write(path: str, exc: OSError) -> OutputError:
    """The :class:`OutputError` of writing ``path`` (the error may name a temporary file)."""
    reason = exc.strerror or str(exc)
    return OutputError(
        f"cannot write: {reason}",
        path=path,
        hint="check that its folder exists and that you may write there",
    )


class FrontMatterError(InputError):
    """The YAML front matter is not valid YAML or has a field of the wrong type."""
