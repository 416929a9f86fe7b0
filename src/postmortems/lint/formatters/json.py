"""One JSON array of violations (the shape is stable; fields are those of :class:`Violation`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from postmortems.lint.runner import FileResult
from postmortems.lint.violation import Violation


def violation_to_dict(v: Violation) -> dict[str, Any]:
    fix = None
    if v.fix is not None:
        fix = {
            "description": v.fix.description,
            "edits": [
                {"start_line": e.start_line, "end_line": e.end_line, "text": e.text}
                for e in v.fix.edits
            ],
        }
    out: dict[str, Any] = {
        "code": v.code,
        "name": v.name,
        "severity": v.severity.value,
        "path": v.path,
        "line": v.line,
        "column": v.column,
        "end_line": v.end_line,
        "end_column": v.end_column,
        "message": v.message,
        "fix": fix,
    }
    if v.explain:
        out["explain"] = v.explain
    return out


def format_json(results: Sequence[FileResult]) -> str:
    rows = [violation_to_dict(v) for r in results for v in r.reported()]
    return json.dumps(rows, ensure_ascii=False, indent=2)
