"""The postmortem document: model, tolerant parser, canonical writer."""

from typing import TYPE_CHECKING, Any

from postmortems.document.model import (
    ActionItem,
    CauseCategory,
    DocKind,
    Document,
    Facts,
    Meta,
    Section,
    SectionKind,
    Severity,
    Status,
    TimelineEntry,
    WallTime,
)
from postmortems.document.parser import parse

if TYPE_CHECKING:
    from postmortems.document.writer import write


def __getattr__(name: str) -> Any:
    # Reading a document (`pm lint`, `pm parse`) never needs the writer: import it on first use.
    if name == "write":
        from postmortems.document.writer import write

        globals()["write"] = write
        return write
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ActionItem",
    "CauseCategory",
    "DocKind",
    "Document",
    "Facts",
    "Meta",
    "Section",
    "SectionKind",
    "Severity",
    "Status",
    "TimelineEntry",
    "WallTime",
    "parse",
    "write",
]
