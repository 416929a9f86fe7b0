"""No function in ``src/`` is over 60 lines (issue 12), except declarative tables: a function
whose body is one literal (a dict of settings) reads as data, not as logic."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
LIMIT = 60


def _is_table(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A docstring, then ``return {…}`` / ``[…]`` / ``(…)``: a declarative table."""
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return (
        len(body) == 1
        and isinstance(body[0], ast.Return)
        and isinstance(body[0].value, (ast.Dict, ast.List, ast.Tuple))
    )


def long_functions(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            if lines > LIMIT and not _is_table(node):
                found.append(f"{path.relative_to(root)}:{node.lineno} {node.name}: {lines} lines")
    return found


def test_no_function_is_over_60_lines_but_declarative_tables() -> None:
    assert long_functions(SRC) == []


def test_the_check_sees_a_long_function_and_passes_a_table(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(61))
    table = "\n".join(f"        'k{i}': {i}," for i in range(61))
    (tmp_path / "m.py").write_text(
        f"def logic():\n{body}\n\n\ndef table():\n    return {{\n{table}\n    }}\n",
        encoding="utf-8",
    )
    assert [line.split(" ")[1] for line in long_functions(tmp_path)] == ["logic:"]
