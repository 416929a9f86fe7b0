"""The postmortem document: model, tolerant parser, canonical writer."""

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
from postmortems.document.writer import write

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
