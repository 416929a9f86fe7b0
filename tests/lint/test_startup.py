"""`pm lint` starts fast: linting one file imports nothing heavy it does not need."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "checkout-502.md"
NOT_AT_START = {
    "click",  # the usual `pm lint` command lines are read without it (commands/lintargs.py)
    "rich",  # only for the progress bar on a terminal
    "django",
    "jsonschema",
    "concurrent.futures",  # only when many files are linted
    "multiprocessing",
    "tomllib",  # only when a config file exists
    "difflib",  # only for --diff
    "postmortems.lint.formatters.sarif",
    "postmortems.lint.docs",
}


def imports(*args: str) -> tuple[int, set[str]]:
    """The exit status of `pm ARGS` and the modules it imported."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "postmortems", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    return result.returncode, imported


def test_linting_one_file_imports_nothing_heavy() -> None:
    code, imported = imports("lint", "--isolated", "-q", "-f", "text", str(EXAMPLE))
    assert code in (0, 1)
    assert "postmortems.lint.engine" in imported
    heavy = {m for m in imported if m.split(".")[0] in NOT_AT_START or m in NOT_AT_START}
    assert not heavy


def test_other_command_lines_still_go_through_click() -> None:
    code, imported = imports("lint", "--list-rules")
    assert code == 0
    assert "click" in imported
    code, imported = imports("lint", "-j", "0", str(EXAMPLE))  # click's usage error
    assert code == 2
    assert "click" in imported
