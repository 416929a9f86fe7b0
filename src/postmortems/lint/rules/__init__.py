"""The rules, one module per family. Importing this package registers them all."""

from postmortems.lint.rules import (
    cause,
    consistency,
    measures,
    repeat,
    structure,
    style,
    summary,
    timeline,
)

__all__ = [
    "cause",
    "consistency",
    "measures",
    "repeat",
    "structure",
    "style",
    "summary",
    "timeline",
]
