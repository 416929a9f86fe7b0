"""GitHub Actions workflow commands: ``::error file=…,line=…::message`` (annotations)."""

from __future__ import annotations

from collections.abc import Sequence

from postmortems.lint.runner import FileResult
from postmortems.lint.violation import Severity

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(results: Sequence[FileResult]) -> str:
    out = []
    for r in results:
        for v in r.reported():
            props = ",".join(
                [
                    f"file={_prop(v.path)}",
                    f"line={v.line}",
                    f"col={v.column}",
                    f"endLine={v.end_line}",
                    f"endColumn={v.end_column}",
                    f"title={_prop(f'{v.code} {v.name}')}",
                ]
            )
            out.append(f"::{_LEVEL[v.severity]} {props}::{_data(f'{v.code} {v.message}')}")
    return "\n".join(out)
