"""SARIF 2.1.0 (Static Analysis Results Interchange Format), as GitHub code scanning reads it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from postmortems import __version__
from postmortems.lint.docs import summary_of
from postmortems.lint.registry import all_rules
from postmortems.lint.runner import FileResult
from postmortems.lint.violation import Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
DOCS = "https://github.com/postmortems/postmortems/blob/main/docs/rules/{code}.md"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(path: str) -> str:
    return path.replace("\\", "/").removeprefix("./")


def format_sarif(results: Sequence[FileResult]) -> str:
    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    driver = {
        "name": "postmortems",
        "informationUri": "https://github.com/postmortems/postmortems",
        "version": __version__,
        "rules": [
            {
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": summary_of(r)},
                "helpUri": DOCS.format(code=r.code),
                "defaultConfiguration": {"level": _LEVEL[r.severity]},
                "properties": {"family": r.family},
            }
            for r in rules
        ],
    }
    out: list[dict[str, Any]] = []
    for result in results:
        for v in result.reported():
            out.append(
                {
                    "ruleId": v.code,
                    "ruleIndex": index[v.code],
                    "level": _LEVEL[v.severity],
                    "message": {"text": v.message},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": _uri(v.path)},
                                "region": {
                                    "startLine": v.line,
                                    "startColumn": v.column,
                                    "endLine": v.end_line,
                                    "endColumn": v.end_column,
                                },
                            }
                        }
                    ],
                }
            )
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": out, "columnKind": "unicodeCodePoints"}],
    }
    return json.dumps(log, ensure_ascii=False, indent=2)
