"""What rules produce: :class:`Violation`, its :class:`Severity`, an optional :class:`Fix`."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from postmortems.record import Record, set_field


class Severity(enum.StrEnum):
    """How much a finding matters. ``info`` findings never fail a run."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def fails(self) -> bool:
        return self is not Severity.INFO


@dataclass(init=False, repr=False, eq=False)
class Edit(Record):
    """Replace source lines ``start_line``..``end_line`` (1-based, inclusive) with ``text``.

    ``text`` holds the new lines without the final newline.
    """

    start_line: int
    end_line: int
    text: str

    def __init__(self, start_line: int, end_line: int, text: str) -> None:
        set_field(self, "start_line", start_line)
        set_field(self, "end_line", end_line)
        set_field(self, "text", text)


@dataclass(init=False, repr=False, eq=False)
class Fix(Record):
    """A safe, meaning-preserving change that resolves a violation."""

    description: str
    edits: tuple[Edit, ...]

    def __init__(self, description: str, edits: tuple[Edit, ...]) -> None:
        set_field(self, "description", description)
        set_field(self, "edits", edits)


@dataclass(init=False, repr=False, eq=False)
class Violation(Record):
    """One finding: which rule, where (1-based line and column), what is wrong, how to fix it."""

    code: str
    name: str
    severity: Severity
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    fix: Fix | None = None
    explain: str = ""  # which section the rule read, and why

    def __init__(
        self,
        code: str,
        name: str,
        severity: Severity,
        path: str,
        line: int,
        column: int,
        end_line: int,
        end_column: int,
        message: str,
        fix: Fix | None = None,
        explain: str = "",
    ) -> None:
        set_field(self, "code", code)
        set_field(self, "name", name)
        set_field(self, "severity", severity)
        set_field(self, "path", path)
        set_field(self, "line", line)
        set_field(self, "column", column)
        set_field(self, "end_line", end_line)
        set_field(self, "end_column", end_column)
        set_field(self, "message", message)
        set_field(self, "fix", fix)
        set_field(self, "explain", explain)

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)
