"""Regular expressions are compiled once, at module level (issue 12): no ``re.search(r"…", …)``
with a literal pattern inside a function, where each call looks it up in re's cache again and the
linear-time review (tests/document/test_regex_linear.py) cannot see it."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "postmortems"
CALLS = {"search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}


def test_no_literal_pattern_is_used_without_being_compiled() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.func.attr in CALLS
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert found == []
