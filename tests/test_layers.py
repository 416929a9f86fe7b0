"""The layers stay apart: a lower layer never imports a higher one (docs/design.md, "Rules").

Every import in `src/postmortems` counts, including those inside functions and under
``TYPE_CHECKING``: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "postmortems"

FOUNDATION = {"postmortems", "errors", "sources", "parallel", "servicenames"}
# What each part of the package may import from the others (besides itself). A part that is not
# in this table fails the test: give it a place here and in docs/design.md.
MAY_IMPORT: dict[str, set[str]] = {
    "postmortems": set(),  # the package's __init__: the version
    "errors": set(),
    "parallel": set(),
    "servicenames": set(),
    "sources": {"errors"},
    "document": FOUNDATION,
    # The pure domain packages of the incident, on-call and learning work: no Django.
    "incident": FOUNDATION | {"document"},
    "oncall": FOUNDATION,
    "search": FOUNDATION | {"document"},
    "lint": FOUNDATION | {"document", "search"},
    "render": FOUNDATION | {"document"},
    "server": FOUNDATION | {"document", "lint", "render", "incident", "oncall", "search"},
    "commands": FOUNDATION
    | {"document", "lint", "render", "server", "incident", "oncall", "search"},
    "cli": FOUNDATION | {"commands"},
    "__main__": {"cli"},
}
# Only these parts may import Django (and what is built on it).
WEB = {"server", "commands"}
WEB_PACKAGES = {"django", "ninja", "django_htmx", "whitenoise", "gunicorn"}
# Inside the server: no app imports the API (it sits on top of them), and the library app
# does not depend on the workflow app.
APP_MAY_NOT_IMPORT = {
    "accounts": {"api", "workflow", "incidents", "oncall", "insights"},
    "library": {"api", "workflow", "incidents", "oncall", "insights"},
    "workflow": {"api", "incidents", "oncall", "insights"},
    "incidents": {"api", "oncall", "insights"},
    "oncall": {"api", "insights"},
    "insights": {"api"},
}
# Known exceptions, each a debt to pay back (none today: the workflow takes part in the library's
# save through the hooks it registers, postmortems.server.library.hooks).
APP_IMPORT_EXCEPTIONS: set[tuple[str, str]] = set()


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, module: str) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in the file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:  # `from postmortems import cli` imports a module
                yield node.lineno, f"{base}.{alias.name}"


def part_of(module: str, root: Path) -> str:
    """``postmortems.lint.rules.style`` → ``lint``; ``postmortems.__version__`` (a name from the
    package itself, not a module) → ``postmortems``."""
    parts = module.split(".")
    if len(parts) > 1 and ((root / parts[1]).is_dir() or (root / f"{parts[1]}.py").is_file()):
        return parts[1]
    return parts[0]


def app_of(module: str, root: Path) -> str | None:
    """The server app a module is in (or names), if any."""
    parts = module.split(".")
    if len(parts) > 2 and parts[1] == "server" and (root / "server" / parts[2]).is_dir():
        return parts[2]
    return None


def violations(root: Path) -> list[str]:
    """Every import that breaks the rules, as ``file:line: what``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        module = module_name(path, root)
        part = part_of(module, root)
        if part not in MAY_IMPORT:
            found.append(f"{path}: `{part}` has no layer: add it to MAY_IMPORT and design.md")
            continue
        for line, target in imports(path, module):
            where = f"{path.relative_to(root.parent)}:{line}"
            if target.split(".")[0] in WEB_PACKAGES and part not in WEB:
                found.append(f"{where}: `{part}` imports {target} (only {sorted(WEB)} may)")
            if target.split(".")[0] != "postmortems":
                continue
            other = part_of(target, root)
            if other != part and other not in MAY_IMPORT[part]:
                found.append(f"{where}: `{part}` imports {target}")
            app, other_app = app_of(module, root), app_of(target, root)
            if app and other_app in APP_MAY_NOT_IMPORT.get(app, set()):
                if (app, target) in APP_IMPORT_EXCEPTIONS:
                    continue
                found.append(f"{where}: server app `{app}` imports {target}")
    return found


def test_no_layer_imports_a_higher_one() -> None:
    assert violations(PACKAGE) == []


def found_in(tmp_path: Path, file: str, source: str) -> list[str]:
    """The violations in a small package tree with one more file, ``file``."""
    root = tmp_path / "postmortems"
    for package in ["", "document", "lint", "render", "server/library", "server/workflow"]:
        (root / package).mkdir(parents=True, exist_ok=True)
        (root / package / "__init__.py").write_text("", encoding="utf-8")
    (root / "server" / "__init__.py").write_text("", encoding="utf-8")
    (root / "cli.py").write_text("", encoding="utf-8")
    (root / file).write_text(source, encoding="utf-8")
    return violations(root)


@pytest.mark.parametrize(
    ("file", "source"),
    [
        ("document/bad.py", "from postmortems.lint import lint_text\n"),
        ("document/bad.py", "from postmortems import cli\n"),
        ("lint/bad.py", "def f():\n    from postmortems.server import x\n"),
        ("lint/bad.py", "from postmortems.render import x\n"),
    ],
)
def test_an_import_of_a_higher_or_sibling_layer_is_reported(
    tmp_path: Path, file: str, source: str
) -> None:
    [found] = found_in(tmp_path, file, source)
    assert f"postmortems/{file}:" in found
    assert f"`{file.split('/')[0]}` imports postmortems." in found


def test_a_relative_import_counts_too(tmp_path: Path) -> None:
    [found] = found_in(tmp_path, "render/bad.py", "from ..lint import engine\n")
    assert found.endswith("`render` imports postmortems.lint.engine")


def test_django_outside_the_server_is_reported(tmp_path: Path) -> None:
    [found] = found_in(tmp_path, "render/bad.py", "import django.db\n")
    assert "`render` imports django.db (only ['commands', 'server'] may)" in found


def test_the_library_app_importing_the_workflow_app_is_reported(tmp_path: Path) -> None:
    source = "from postmortems.server.workflow import x\n"
    [found] = found_in(tmp_path, "server/library/bad.py", source)
    assert "server app `library` imports postmortems.server.workflow.x" in found


def test_a_part_without_a_layer_is_reported(tmp_path: Path) -> None:
    [found] = found_in(tmp_path, "plugins.py", "X = 1\n")
    assert "`plugins` has no layer" in found
