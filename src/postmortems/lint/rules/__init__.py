"""The rules, one module per family (structure in two: `structure` and `headings`; the timeline
family in two: its form, and what it covers). Importing this package registers them all."""

from postmortems.lint.rules import (
    cause,
    consistency,
    headings,
    measures,
    repeat,
    structure,
    style,
    summary,
    timeline,
    timelinecoverage,
)

__all__ = [
    "cause",
    "consistency",
    "headings",
    "measures",
    "repeat",
    "structure",
    "style",
    "summary",
    "timeline",
    "timelinecoverage",
]
