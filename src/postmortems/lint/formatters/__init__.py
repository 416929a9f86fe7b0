"""Formatters turn lint results into text; they only format (no decisions)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from postmortems.lint.runner import FileResult

Formatter = Callable[[Sequence[FileResult]], str]

FORMATS = ("text", "json", "sarif", "github")


def get(name: str) -> Formatter:
    if name == "json":
        from postmortems.lint.formatters.json import format_json

        return format_json
    if name == "sarif":
        from postmortems.lint.formatters.sarif import format_sarif

        return format_sarif
    if name == "github":
        from postmortems.lint.formatters.github import format_github

        return format_github
    raise ValueError(f"unknown format {name!r}")
