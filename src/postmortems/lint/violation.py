"""What rules produce: :class:`Violation`, its :class:`Severity`, an optional :class:`Fix`."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.StrEnum):
    """How much a finding matters. ``info`` findings never fail a run."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def fails(self) -> bool:
        return self is not Severity.INFO


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace source lines ``start_line``..``end_line`` (1-based, inclusive) with ``text``.

    ``text`` holds the new lines without the final newline.
    """

    start_line: int
    end_line: int
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A safe, meaning-preserving change that resolves a violation."""

    description: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True, slots=True)
class Violation:
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

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)
